"""Sharing a lesson or a recommendation with the national library (issue 25; api.md "Learning across
forces"): what leaves the force is anonymised first and approved by a person.

A reviewer makes a draft from a lesson or a recommendation: its text anonymised at once (each
placeholder, "[person]", is one of the draft's redactions, highlighted on its page), with the source's
themes and incident type and, for a recommendation, its status, closure code and the learning
products that delivered it. The reviewer edits it (the anonymiser runs again on every edit); a board
member approves it, and only the approved text leaves. A draft moves `draft` → `queued` (approved,
the library not told yet) → `published`, and to `withdrawn` when the board takes it back.

What the library is to be told waits in `library_sends`, written with the change (the outbox's
pattern): it is sent at once after the commit and, while the library cannot be reached, again by the
scheduler with backoff, for as long as it takes. The library keys an item by this force's source
reference for it, so sending one twice does no harm.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l

from debrief import permissions
from debrief.extensions import db
from debrief.i18n import LANGUAGES, in_language
from debrief.models import (
    Debrief, DraftStatus, LibraryDraft, LibrarySend, Lesson, Recommendation, User, utcnow,
)
from debrief.permissions import Rule
from debrief.services import anonymiser, audit, library, library_client, validation
from debrief.services.clock_calendar import london_date
from debrief.services.errors import Conflict, NotAllowed, NotFound, PersonalData, ValidationFailed
from debrief.services.pagination import Page, paginate
from debrief.services.recommendation_lifecycle import DELIVERED_STATES
from debrief.vocabulary import DRAFT_STATUS, words

log = logging.getLogger(__name__)

#: Seconds to wait after the nth failed attempt to reach the library; the last repeats, for ever.
BACKOFF = (60, 300, 900, 3600)
#: How long an attempt keeps a send from other deliverers (longer than any call to the library).
LEASE = timedelta(minutes=5)


def anonymised(text: str | None) -> tuple[str, list[anonymiser.Span]]:
    """`text` with its personal data replaced by placeholders, and the spans found (offsets into
    `text` as sent: it is not trimmed). Empty, too long or unstorable text: ValidationFailed."""
    errors: dict[str, str] = {}
    validation.text(text, "text", errors, label=_l("the text"), required=True)
    if errors:
        raise ValidationFailed(errors)
    return anonymiser.anonymise(text)


def redaction(span) -> dict:
    """A redaction as the API and the library speak of it."""
    return {"start": span.start, "end": span.end, "kind": span.kind}


def _placeholders() -> tuple[re.Pattern, dict[str, str]]:
    """Every placeholder the anonymiser writes, in every language the app speaks, and their kinds."""
    kinds = {}
    for language in LANGUAGES:
        with in_language(language):
            kinds.update({anonymiser.placeholder(kind): kind for kind in anonymiser.KINDS})
    return re.compile("|".join(re.escape(p) for p in sorted(kinds, key=len, reverse=True))), kinds


def _clean(text: str | None, limit: int) -> tuple[str, list[dict]]:
    """A draft's text: trimmed, checked, anonymised; and its redactions, where each placeholder now stands."""
    errors: dict[str, str] = {}
    text = validation.text(text, "text", errors, label=_l("the text to share"), required=True, max_length=limit)
    if errors:
        raise ValidationFailed(errors)
    clean, _spans = anonymiser.anonymise(text)
    placeholders, kinds = _placeholders()
    return clean, [{"start": m.start(), "end": m.end(), "kind": kinds[m.group()]} for m in placeholders.finditer(clean)]


def _status_words(draft: LibraryDraft) -> str:
    """"published", "withdrawn": the draft's status as a sentence says it, in the reader's language."""
    return words(DRAFT_STATUS, draft.status).lower()


# Drafts ----------------------------------------------------------------------------------------------


def make_draft(*, lesson_id=None, recommendation_id=None, actor: User) -> LibraryDraft:
    """A reviewer's draft of a lesson or of one of this force's recommendations (flushed)."""
    if not permissions.can(actor, Rule.SHARE_WITH_LIBRARY):
        raise NotAllowed(_("Only a reviewer can draft what the force shares with the national library."))
    if (lesson_id is None) == (recommendation_id is None):
        raise ValidationFailed({"lesson_id": _("Give a lesson_id or a recommendation_id, not both"),
                                "recommendation_id": _("Give a lesson_id or a recommendation_id, not both")})
    if lesson_id is not None:
        lesson = db.session.get(Lesson, lesson_id) if validation.is_id(lesson_id) else None
        if lesson is None:
            raise ValidationFailed({"lesson_id": _("There is no lesson with that id")})
        debrief = db.session.get(Debrief, lesson.debrief_id)
        text, redactions = _clean(lesson.text, validation.LIMITS["lesson.text"])
        draft = LibraryDraft(kind="lesson", lesson_id=lesson.id, themes=list(lesson.themes or debrief.themes),
                             issued_on=london_date(lesson.created_at))
    else:
        record = db.session.get(Recommendation, recommendation_id) if validation.is_id(recommendation_id) else None
        if record is None:
            raise ValidationFailed({"recommendation_id": _("There is no recommendation with that id")})
        if record.imported:
            raise ValidationFailed({"recommendation_id": _("%(reference)s came from elsewhere: only this force's "
                                                           "own recommendations can be shared",
                                                           reference=record.reference)})
        debrief = record.debrief
        text, redactions = _clean(record.text, validation.LIMITS["recommendation.text"])
        draft = LibraryDraft(kind="recommendation", recommendation_id=record.id, themes=list(debrief.themes),
                             issued_on=london_date(record.created_at), recommendation_status=record.status,
                             closure_code=record.closure_code,
                             products=[{"kind": p.kind, "title": anonymiser.anonymise(p.title)[0]}
                                       for p in record.products if p.status in DELIVERED_STATES])
    draft.text, draft.redactions = text, redactions
    draft.incident_type = debrief.incident_type_code
    draft.status = DraftStatus.DRAFT.value
    draft.created_by_id = actor.id
    db.session.add(draft)
    db.session.flush()
    audit.record(actor, "library_draft_made", "library_draft", draft.id,
                 {"kind": draft.kind, "redactions": len(redactions)}, debrief_id=debrief.id)
    return draft


def get(draft_id: int) -> LibraryDraft:
    draft = db.session.get(LibraryDraft, draft_id) if validation.is_id(draft_id) else None
    if draft is None:
        raise NotFound(_("There is no draft with that id."))
    return draft


def drafts(page: int = 1, per_page: int = 50, *, status: str | None = None) -> Page:
    """What the force has drafted and shared, newest first; `status`, one of DraftStatus, only those
    (another: ValidationFailed)."""
    errors: dict[str, str] = {}
    validation.choice(status, "status", errors, DraftStatus, label=_l("a status"))
    if errors:
        raise ValidationFailed(errors)
    query = sa.select(LibraryDraft).order_by(LibraryDraft.id.desc())
    if status:
        query = query.where(LibraryDraft.status == status)
    return paginate(query, page, per_page, key=LibraryDraft.id)


def _debrief_id(draft: LibraryDraft) -> int | None:
    source = draft.lesson or draft.recommendation
    return source.debrief_id if source is not None else None


def _not_in(draft: LibraryDraft, *statuses: DraftStatus, message: str) -> None:
    if draft.status not in statuses:
        raise Conflict("invalid_transition", message)


def text_limit(draft: LibraryDraft) -> int:
    """How long a draft's text may be: as long as its lesson's or its recommendation's."""
    return validation.LIMITS["lesson.text" if draft.kind == "lesson" else "recommendation.text"]


def edit(draft: LibraryDraft, *, text: str | None, actor: User) -> LibraryDraft:
    """A reviewer rewords a draft; the anonymiser runs again on what they wrote (flushed)."""
    if not permissions.can(actor, Rule.SHARE_WITH_LIBRARY):
        raise NotAllowed(_("Only a reviewer can edit what the force shares with the national library."))
    _not_in(draft, DraftStatus.DRAFT, message=_("It has been approved already: only a draft can be edited."))
    if not isinstance(text, str):
        raise ValidationFailed({"text": _("Send the text to share")})
    draft.text, draft.redactions = _clean(text, text_limit(draft))
    draft.problem = None
    db.session.flush()
    audit.record(actor, "library_draft_edited", "library_draft", draft.id,
                 {"redactions": len(draft.redactions)}, debrief_id=_debrief_id(draft))
    return draft


def approve(draft: LibraryDraft, *, actor: User) -> LibraryDraft:
    """A board member lets the draft leave: it is queued for the library (flushed); `send_now` then
    tries to deliver it."""
    if not permissions.can(actor, Rule.APPROVE_FOR_LIBRARY):
        raise NotAllowed(_("Only a member of the governance board can approve what the force shares."))
    _not_in(draft, DraftStatus.DRAFT, message=_("Only a draft can be approved: this one is %(status)s.",
                                                status=_status_words(draft)))
    draft.status = DraftStatus.QUEUED.value
    draft.approved_by_id, draft.approved_at, draft.problem = actor.id, utcnow(), None
    _queue(draft, "publish")
    audit.record(actor, "library_draft_approved", "library_draft", draft.id, debrief_id=_debrief_id(draft))
    return draft


def withdraw(draft: LibraryDraft, *, actor: User) -> LibraryDraft:
    """A board member takes back what was shared: the library is told (queued like an approval), and
    every force's next pull removes it. Approved but never sent: it is simply never sent."""
    if not permissions.can(actor, Rule.APPROVE_FOR_LIBRARY):
        raise NotAllowed(_("Only a member of the governance board can withdraw what the force shares."))
    _not_in(draft, DraftStatus.QUEUED, DraftStatus.PUBLISHED,
            message=_("Only what was approved can be withdrawn: this one is %(status)s.",
                      status=_status_words(draft)))
    # An approval still waiting is never sent. One tried already may have reached the library
    # without this force hearing back: the library is told to withdraw it too.
    tried = db.session.execute(
        sa.update(LibrarySend).where(LibrarySend.draft_id == draft.id, LibrarySend.action == "publish",
                                     LibrarySend.status == "pending")
        .values(status="cancelled").returning(LibrarySend.attempts)
        .execution_options(synchronize_session=False)).scalar()
    if draft.library_id is not None or tried:
        _queue(draft, "withdraw")
    draft.status = DraftStatus.WITHDRAWN.value
    draft.withdrawn_by_id, draft.withdrawn_at = actor.id, utcnow()
    db.session.flush()
    audit.record(actor, "library_draft_withdrawn", "library_draft", draft.id, debrief_id=_debrief_id(draft))
    return draft


# The queue to the library -----------------------------------------------------------------------------


def _queue(draft: LibraryDraft, action: str) -> LibrarySend:
    send = db.session.scalar(sa.select(LibrarySend).where(LibrarySend.draft_id == draft.id,
                                                          LibrarySend.action == action))
    if send is None:
        send = LibrarySend(draft_id=draft.id, action=action)
        db.session.add(send)
    send.status, send.attempts, send.last_error, send.next_attempt_at = "pending", 0, None, utcnow()
    db.session.flush()
    return send


def item(draft: LibraryDraft) -> dict:
    """What the library receives: the approved text and what it keeps beside it, nothing else."""
    body = {"kind": draft.kind, "text": draft.text, "themes": draft.themes, "incident_type": draft.incident_type,
            "issued_on": draft.issued_on.isoformat(), "source_reference": draft.source_reference}
    if draft.kind == "recommendation":
        body.update(status=draft.recommendation_status, closure_code=draft.closure_code, products=draft.products)
    return body


def send_now(draft: LibraryDraft) -> LibraryDraft:
    """Tries at once what the draft's approval or withdrawal queued (committed); the draft as it then
    stands. The library finding personal data: PersonalData (409, with the library's spans), the
    draft a draft again with them highlighted."""
    if not library_client.configured():
        return draft
    ids = list(db.session.scalars(sa.select(LibrarySend.id).where(LibrarySend.draft_id == draft.id,
                                                                 LibrarySend.status == "pending")))
    _sent, refusals = deliver(ids)
    db.session.refresh(draft)
    for refused in refusals:
        if refused.code == "personal_data":
            raise PersonalData(_("The national library found personal data in it, so it was not shared. "
                                 "Edit the highlighted text and ask for approval again."),
                               refused.redactions, status=409)
    return draft


def _claim(ids: list[int] | None, now: datetime) -> list[int]:
    """Takes the pending, due sends (of `ids`, or all) for one attempt each, committed before anything is sent."""
    due = sa.and_(LibrarySend.status == "pending", LibrarySend.next_attempt_at <= now)
    if ids is not None:
        due = sa.and_(due, LibrarySend.id.in_(ids))
    claimed = db.session.scalars(
        sa.update(LibrarySend).where(due)
        .values(attempts=LibrarySend.attempts + 1, next_attempt_at=now + LEASE)
        .returning(LibrarySend.id).execution_options(synchronize_session=False)).all()
    db.session.commit()
    return sorted(claimed)


def deliver(ids: list[int] | None = None, now: datetime | None = None) -> tuple[int, list[library_client.Refused]]:
    """Sends the pending, due sends (of `ids`, or all, oldest first) to the library, each committed
    with its outcome; returns how many went, and the library's refusals. Not configured, or
    unreachable: each waits for its next attempt (BACKOFF)."""
    now = now or utcnow()
    sent, refusals = 0, []
    for send_id in _claim(ids, now):
        send = db.session.get(LibrarySend, send_id)
        draft = send.draft
        try:
            if send.action == "publish":
                # In one statement, on the row as it is now: a board member may have withdrawn it while
                # this was on its way (withdraw() then queued the withdrawal, which this must not undo).
                _move_if_queued(draft, DraftStatus.PUBLISHED, library_id=library_client.publish(item(draft)))
            else:
                if draft.library_id is None:  # its approval may have reached the library unheard: the
                    draft.library_id = library_client.publish(item(draft))  # same reference, the same item
                library_client.withdraw(draft.library_id)
        except library_client.Unreachable as error:
            send.last_error = str(error)[:500]
            send.next_attempt_at = now + timedelta(seconds=BACKOFF[min(send.attempts, len(BACKOFF)) - 1])
        except library_client.Refused as refused:
            refusals.append(refused)
            send.status, send.last_error = "failed", refused.message[:500]
            if send.action == "publish":
                _move_if_queued(draft, DraftStatus.DRAFT, problem=refused.message[:500],
                                redactions=_with(draft.redactions, refused.redactions))
            log.warning("The national library refused draft %s (%s)", draft.id, refused.code)
        else:
            send.status, send.sent_at, send.last_error = "sent", now, None
            sent += 1
        db.session.commit()
    return sent, refusals


def _move_if_queued(draft: LibraryDraft, to: DraftStatus, library_id: int | None = None, **values) -> None:
    """The draft to `to`, with `values`, only if it is still queued in the database now (not as this
    session last read it); the library's id is kept whatever its status (a withdrawal under way needs it)."""
    row = sa.update(LibraryDraft).where(LibraryDraft.id == draft.id).execution_options(synchronize_session=False)
    if library_id is not None:
        db.session.execute(row.values(library_id=library_id))
    db.session.execute(row.where(LibraryDraft.status == DraftStatus.QUEUED.value).values(status=to.value, **values))


def _with(redactions: list[dict], found: list[dict]) -> list[dict]:
    """The draft's redactions and the spans the library found, in order."""
    spans = [{"start": int(r["start"]), "end": int(r["end"]), "kind": str(r.get("kind", ""))} for r in found
             if isinstance(r.get("start"), int) and isinstance(r.get("end"), int)]
    return sorted([*redactions, *spans], key=lambda r: (r["start"], r["end"]))


def deliver_due(now: datetime | None = None) -> int:
    """The scheduler's job: every send whose next attempt is due; how many went."""
    if not library_client.configured():
        return 0
    return deliver(None, now)[0]


# What others did with it, and the library's search --------------------------------------------------


def uses_as_of() -> datetime | None:
    """When the library last said what other forces did with what this force shared (each pull asks
    it: library_pull.fetch_uses); None before it first did. Pages read what was kept, never the library."""
    return db.session.scalar(sa.select(sa.func.max(LibraryDraft.uses_fetched_at)))


@dataclass(frozen=True)
class Found:
    """One of the library's items as the force's search page shows it."""

    id: int
    kind: str
    force_name: str
    text: str
    themes: list[str]
    incident_type: str | None
    issued_on: date
    status: str | None
    closure_code: str | None
    products: list[dict[str, str]]
    what_worked: bool


def library_forces() -> list[tuple[int, str]]:
    """The forces at the library, by name, for the search page's force filter: (the library's id, name);
    none from a library that does not list them (an older one), whose search still works. The library
    not answering: library_client.Unreachable."""
    try:
        rows = library_client.forces()
    except library_client.Refused:
        return []
    return [(row["id"], str(row.get("name") or "")) for row in rows if isinstance(row.get("id"), int)]


def search_library(asked: library.Search) -> tuple[Page, dict[int, float]]:
    """One page of what the library finds for `asked` (library.read_page_search: checked here first by
    the library's own rules), as Found items, and by meaning each one's closeness;
    an old link past the last page: the last page. The library not answering: library_client.Unreachable;
    refusing the search: library_client.Refused."""
    result, scores = _found(library_client.items(**_query(asked)), asked)
    if asked.page > result.pages:
        result, scores = _found(library_client.items(**_query(replace(asked, page=result.pages))), asked)
    return result, scores


def _query(asked: library.Search) -> dict:
    """A search as the library's API takes it (api.md's filters)."""
    return {"q": asked.q, "by": library.BY_MEANING if asked.by_meaning else None, "kind": asked.kind,
            "theme": asked.theme, "incident_type": asked.incident_type, "status": asked.status,
            "closure_code": asked.closure_code, "force": asked.force_id, "year": asked.year,
            "what_worked": "true" if asked.what_worked else None, "page": asked.page, "per_page": asked.per_page}


def _found(answer: dict, asked: library.Search) -> tuple[Page, dict[int, float]]:
    """The library's answer as a page of Found items (an item this version cannot read is left out)."""
    items, scores = [], {}
    for raw in answer["items"]:
        try:
            products = [{"kind": str(p.get("kind")), "title": str(p.get("title") or "")}
                        for p in raw.get("products") or [] if isinstance(p, dict)]
            status, closure_code = raw.get("status") or None, raw.get("closure_code") or None
            item = Found(id=int(raw["id"]), kind=str(raw["kind"]), force_name=str(raw.get("force") or ""),
                         text=str(raw.get("text") or ""), themes=[str(theme) for theme in raw.get("themes") or []],
                         incident_type=raw.get("incident_type") or None,
                         issued_on=date.fromisoformat(raw["issued_on"]),
                         status=status, closure_code=closure_code, products=products,
                         what_worked=library.what_worked(status, closure_code, products))
        except (KeyError, TypeError, ValueError, AttributeError):
            log.warning("An item from the national library that could not be read was left out")
            continue
        items.append(item)
        if isinstance(raw.get("score"), (int, float)):
            scores[item.id] = float(raw["score"])
    return Page(items=items, total=max(0, answer.get("total", 0)), page=max(1, answer.get("page", asked.page)),
                per_page=max(1, answer.get("per_page", asked.per_page))), scores
