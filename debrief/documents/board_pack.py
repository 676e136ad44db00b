"""The governance board pack for a meeting: the headline figures; repeats first, those of
implemented recommendations before the rest (learning that did not stick); overdue recommendations
by owner; what waits for the board's closure decision with its learning products and evidence;
partner engagement; and the board's decisions since the last pack. Two charts: overdue by owner,
and partner responses by agency.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app

from debrief.documents import charts, render, text
from debrief.models import User, utcnow
from debrief.services import board_packs, invitations, recommendations, repeats
from debrief.services.clock_calendar import end_of_day, start_of_day
from debrief.services.pagination import MAX_PER_PAGE, Page
from debrief.i18n import date_and_time, long_date
from debrief.vocabulary import CLOSURE_CODE, DECISION, PRODUCT_KIND, PRODUCT_STATUS, STATUS

TEMPLATE = "board-pack.docx"
CHART_OWNERS = 12  # owners drawn in the overdue chart; the table lists them all


def build(meeting: date, since: date | None, actor: User) -> bytes:
    """The pack for the meeting on `meeting`, covering from `since` (default: the day after the
    previous pack's meeting); recorded, so that the next pack follows on."""
    start, end = board_packs.period(meeting, since)
    content, images = context(start, end)
    board_packs.record(meeting, actor)
    return render(TEMPLATE, content, title=f"Governance board pack {long_date(meeting)}", images=images)


def filename(meeting: date) -> str:
    return f"board-pack-{meeting.isoformat()}.docx"


def _every(fetch: Callable[[int, int], Page]) -> list:
    """Every item of a paged list."""
    items, page = [], 1
    while True:
        result = fetch(page, MAX_PER_PAGE)
        items += result.items
        if not result.has_next:
            return items
        page += 1


def context(start: date, end: date) -> tuple[dict, dict[str, bytes]]:
    summary = recommendations.board_summary()
    did_not_stick = _every(repeats.learning_did_not_stick)
    stuck = {link.recommendation_id for link in did_not_stick}
    other_repeats = [r for r in _every(lambda p, n: recommendations.search(repeat=True, page=p, per_page=n))
                     if r.id not in stuck and r.status != "closed"]
    overdue = _every(lambda p, n: recommendations.search(overdue=True, page=p, per_page=n))
    owners = _by_owner(overdue, end)
    engagement = invitations.engagement(start, end)
    content = {
        "meeting": long_date(end),
        "force": current_app.config["FORCE_NAME"],
        "produced": date_and_time(utcnow()),
        "period": f"{long_date(start)} to {long_date(end)}",
        "headline": [{"label": label, "value": value} for label, value in (
            ("Open recommendations", summary.open), ("Overdue", summary.overdue),
            ("Awaiting the board's closure decision", summary.awaiting_closure),
            ("Confirmed repeats still open", summary.repeats),
            ("Repeats of implemented recommendations", summary.repeats_of_implemented),
            ("Partner invitations of the last year unanswered past their deadline", summary.unanswered_invitations))],
        "did_not_stick": [{"reference": link.recommendation.reference, "text": text(link.recommendation.text),
                           "earlier": link.earlier.reference,
                           "closure": CLOSURE_CODE.get(link.earlier.closure_code, link.earlier.closure_code),
                           "products": text(_products(link.earlier.products))} for link in did_not_stick],
        "other_repeats": [_other_repeat(r) for r in other_repeats],
        "overdue_owners": owners,
        "awaiting": [_awaiting(r) for r in _every(recommendations.awaiting_closure)],
        "engagement": [{"agency": text(a.agency), "sent": a.sent, "opened": a.opened, "responded": a.responded,
                        "late": a.late, "never_answered": a.never_answered} for a in engagement],
        "decisions": [{"when": date_and_time(d.decided_at), "reference": d.recommendation.reference,
                       "decision": DECISION.get(d.decision, d.decision)
                       + (f": {CLOSURE_CODE.get(d.closure_code, d.closure_code)}" if d.closure_code else ""),
                       "rationale": text(d.rationale), "by": text(d.decided_by.name)}
                      for d in recommendations.decisions_between(start_of_day(start), end_of_day(end))],
    }
    images = {
        "overdue_chart": charts.horizontal_bars(
            "Overdue recommendations by owner", [o["name"] for o in owners[:CHART_OWNERS]],
            [("Overdue", [o["count"] for o in owners[:CHART_OWNERS]])]),
        "engagement_chart": charts.horizontal_bars(
            "Partner responses to invitations, by agency", [a.agency for a in engagement],
            [("Responded on time", [a.responded - a.late for a in engagement]),
             ("Responded late", [a.late for a in engagement]),
             ("Never answered", [a.never_answered for a in engagement])]),
    }
    return content, images


def _by_owner(overdue: list, meeting: date) -> list[dict]:
    owners: dict[int, dict] = {}
    for r in overdue:
        owner = owners.setdefault(r.owner_id, {"name": text(r.owner.name if r.owner else "No owner"), "overdue": []})
        owner["overdue"].append({"reference": r.reference, "text": text(r.text), "due": long_date(r.due_date),
                                 "days": max((meeting - r.due_date).days, 0), "status": STATUS.get(r.status)})
    for owner in owners.values():
        owner["count"] = len(owner["overdue"])
    return sorted(owners.values(), key=lambda o: (-o["count"], str(o["name"])))


def _products(products: list) -> str:
    if not products:
        return "None recorded."
    return "; ".join(
        f"{PRODUCT_KIND.get(p.kind, p.kind)}: {p.title} ({PRODUCT_STATUS.get(p.status, p.status).lower()}"
        + (f" {long_date(p.delivered_on)}" if p.delivered_on else "")
        + (f", {p.reached_count} reached" if p.reached_count is not None else "") + ")" for p in products)


def _other_repeat(recommendation) -> dict:
    earlier = repeats.of(recommendation).repeat_of.earlier
    status = STATUS.get(earlier.status, earlier.status)
    if earlier.closure_code:
        status += f": {CLOSURE_CODE.get(earlier.closure_code, earlier.closure_code)}"
    return {"reference": recommendation.reference, "text": text(recommendation.text), "earlier": earlier.reference,
            "earlier_status": status}


def _awaiting(recommendation) -> dict:
    evidence = [u.text for u in recommendation.updates if u.kind in ("completion", "evidence")]
    evidence += [p.evidence for p in recommendation.products if p.evidence]
    return {"reference": recommendation.reference, "owner": text(recommendation.owner.name if recommendation.owner else None),
            "text": text(recommendation.text), "products": text(_products(recommendation.products)),
            "evidence": text("\n".join(evidence) if evidence else "None given.")}
