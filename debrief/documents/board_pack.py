"""The governance board pack for a meeting: the headline figures; repeats first, those of
implemented recommendations before the rest (learning that did not stick); overdue recommendations
by owner; what waits for the board's closure decision with its learning products and evidence;
partner engagement; and the board's decisions since the last pack. Two charts: overdue by owner,
and partner responses by agency.

A pack is made when someone asks for it (a page or the API), in their language, and is not kept: the
history records only that it was built. It is never made by a job.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from debrief.documents import charts, render, text
from debrief.models import User, utcnow
from debrief.services import board_packs, invitations, recommendations, repeats
from debrief.services.clock_calendar import end_of_day, start_of_day
from debrief.services.pagination import MAX_PER_PAGE, Page
from debrief.i18n import date_and_time, long_date
from debrief.vocabulary import CLOSURE_CODE, DECISION, PRODUCT_KIND, PRODUCT_STATUS_IN_SENTENCE, STATUS, words

TEMPLATE = "board-pack.docx"
CHART_OWNERS = 12  # owners drawn in the overdue chart; the table lists them all


def build(meeting: date, since: date | None, actor: User) -> bytes:
    """The pack for the meeting on `meeting`, covering from `since` (default: the day after the
    previous pack's meeting); recorded, so that the next pack follows on. In the language of the
    moment (the request's, or `in_language(...)`'s)."""
    start, end = board_packs.period(meeting, since)
    content, images = context(start, end)
    board_packs.record(meeting, actor)
    return render(TEMPLATE, content, title=_("Governance board pack %(date)s", date=long_date(meeting)), images=images)


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
        "period": _("%(start)s to %(end)s", start=long_date(start), end=long_date(end)),
        "headline": [{"label": label, "value": value} for label, value in (
            (_("Open recommendations"), summary.open), (_("Overdue"), summary.overdue),
            (_("Awaiting the board's closure decision"), summary.awaiting_closure),
            (_("Confirmed repeats still open"), summary.repeats),
            (_("Repeats of implemented recommendations"), summary.repeats_of_implemented),
            (_("Partner invitations of the last year unanswered past their deadline"),
             summary.unanswered_invitations))],
        "did_not_stick": [{"reference": link.recommendation.reference, "text": text(link.recommendation.text),
                           "earlier": link.earlier.reference,
                           "closure": words(CLOSURE_CODE, link.earlier.closure_code),
                           "products": text(_products(link.earlier.products))} for link in did_not_stick],
        "other_repeats": [_other_repeat(r) for r in other_repeats],
        "overdue_owners": owners,
        "awaiting": [_awaiting(r) for r in _every(recommendations.awaiting_closure)],
        "engagement": [{"agency": text(a.agency), "sent": a.sent, "opened": a.opened, "responded": a.responded,
                        "late": a.late, "never_answered": a.never_answered} for a in engagement],
        "decisions": [{"when": date_and_time(d.decided_at), "reference": d.recommendation.reference,
                       "decision": _decision(d),
                       "rationale": text(d.rationale), "by": text(d.decided_by.name)}
                      for d in recommendations.decisions_between(start_of_day(start), end_of_day(end))],
    }
    images = {
        "overdue_chart": charts.horizontal_bars(
            _("Overdue recommendations by owner"), [str(o["name"]) for o in owners[:CHART_OWNERS]],
            [(_("Overdue"), [o["count"] for o in owners[:CHART_OWNERS]])]),
        "engagement_chart": charts.horizontal_bars(
            _("Partner responses to invitations, by agency"), [a.agency for a in engagement],
            [(_("Responded on time"), [a.responded - a.late for a in engagement]),
             (_("Responded late"), [a.late for a in engagement]),
             (_("Never answered"), [a.never_answered for a in engagement])]),
    }
    return content, images


def _by_owner(overdue: list, meeting: date) -> list[dict]:
    owners: dict[int, dict] = {}
    for r in overdue:
        owner = owners.setdefault(r.owner_id, {"name": text(r.owner.name if r.owner else _("No owner")), "overdue": []})
        owner["overdue"].append({"reference": r.reference, "text": text(r.text), "due": long_date(r.due_date),
                                 "days": max((meeting - r.due_date).days, 0), "status": words(STATUS, r.status)})
    for owner in owners.values():
        owner["count"] = len(owner["overdue"])
    return sorted(owners.values(), key=lambda o: (-o["count"], str(o["name"])))


def _decision(decision) -> str:
    """"Closed: Implemented"; "Escalated"."""
    said = words(DECISION, decision.decision)
    if decision.closure_code:
        return _("%(decision)s: %(closure)s", decision=said, closure=words(CLOSURE_CODE, decision.closure_code))
    return said


def _products(products: list) -> str:
    if not products:
        return _("None recorded.")
    return "; ".join(_product(p) for p in products)


def _product(product) -> str:
    """"Classroom training: DASH refresher (delivered 6 December 2026, 40 reached)", one whole sentence
    for each combination, so that each language orders its own words."""
    values = {"kind": words(PRODUCT_KIND, product.kind), "title": product.title,
              "status": words(PRODUCT_STATUS_IN_SENTENCE, product.status),
              "date": long_date(product.delivered_on), "reached": product.reached_count}
    if product.delivered_on and product.reached_count is not None:
        return _("%(kind)s: %(title)s (%(status)s %(date)s, %(reached)s reached)", **values)
    if product.delivered_on:
        return _("%(kind)s: %(title)s (%(status)s %(date)s)", **values)
    if product.reached_count is not None:
        return _("%(kind)s: %(title)s (%(status)s, %(reached)s reached)", **values)
    return _("%(kind)s: %(title)s (%(status)s)", **values)


def _other_repeat(recommendation) -> dict:
    earlier = repeats.of(recommendation).repeat_of.earlier
    status = words(STATUS, earlier.status)
    if earlier.closure_code:
        status = _("%(status)s: %(closure)s", status=status, closure=words(CLOSURE_CODE, earlier.closure_code))
    return {"reference": recommendation.reference, "text": text(recommendation.text), "earlier": earlier.reference,
            "earlier_status": status}


def _awaiting(recommendation) -> dict:
    evidence = [u.text for u in recommendation.updates if u.kind in ("completion", "evidence")]
    evidence += [p.evidence for p in recommendation.products if p.evidence]
    return {"reference": recommendation.reference, "owner": text(recommendation.owner.name if recommendation.owner else None),
            "text": text(recommendation.text), "products": text(_products(recommendation.products)),
            "evidence": text("\n".join(evidence) if evidence else _("None given."))}
