"""Repeat recommendations: flagging a new recommendation that repeats an earlier one, a reviewer's
confirmation or dismissal, and what the board sees of them.

A confirmed repeat of a recommendation the board closed as implemented (or by alternative action)
means the learning did not stick: it goes to the board queue with the earlier recommendation's
learning products beside it, and the board summary counts it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload
from flask_babel import gettext as _

from debrief import permissions
from debrief.extensions import db
from debrief.models import Recommendation, RepeatDecision, RepeatLink, User, utcnow
from debrief.services import audit, similarity
from debrief.services.errors import Conflict, NotAllowed, ValidationFailed
from debrief.services.pagination import Page, paginate
from debrief.services.recommendation_lifecycle import ClosureCode, Status

# Closed as done: a repeat of one of these means the learning did not stick.
DONE = (ClosureCode.IMPLEMENTED.value, ClosureCode.ALTERNATIVE_ACTION.value)
DECISIONS = {"confirm": RepeatDecision.CONFIRMED, "dismiss": RepeatDecision.DISMISSED}


def flag(recommendation: Recommendation) -> list[RepeatLink]:
    """Stores the recommendation's vectors and links it to each earlier recommendation the system
    flags as a possible repeat, for a reviewer to confirm or dismiss. Called when it is written and
    when it is reworded (decisions already made stay)."""
    similarity.remember([recommendation])
    existing = {link.earlier_id for link in _links(recommendation)}
    added = []
    for found in similarity.check(recommendation.text, exclude_id=recommendation.id):
        if found.is_repeat and found.recommendation.id not in existing:
            link = RepeatLink(recommendation_id=recommendation.id, earlier_id=found.recommendation.id,
                              score=found.score, decision=RepeatDecision.SUGGESTED.value, flagged_at=utcnow())
            db.session.add(link)
            added.append(link)
    if added:
        db.session.flush()
        audit.record(None, "possible_repeat_flagged", "recommendation", recommendation.id,
                     {"of": [link.earlier.reference for link in added]}, debrief_id=recommendation.debrief_id)
    return added


def _links(recommendation: Recommendation) -> list[RepeatLink]:
    return list(db.session.scalars(sa.select(RepeatLink).where(RepeatLink.recommendation_id == recommendation.id)
                                   .order_by(RepeatLink.score.desc().nulls_last(), RepeatLink.id)))


def decide(recommendation: Recommendation, *, of, decision: str | None, actor: User) -> RepeatLink:
    """A reviewer confirms that `recommendation` repeats the earlier one `of`, or dismisses it.
    Confirming a pair the system did not flag is allowed: the reviewer may know better."""
    if not permissions.can(actor, permissions.Rule.DECIDE_REPEATS):
        raise NotAllowed(_("Only a reviewer can confirm or dismiss a repeat."))
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = _("Choose confirm or dismiss")
    earlier = None
    if isinstance(of, bool) or not isinstance(of, int):
        errors["of"] = _("Give the id of the earlier recommendation")
    elif of == recommendation.id:
        errors["of"] = _("A recommendation cannot repeat itself")
    else:
        earlier = db.session.get(Recommendation, of)
        if earlier is None:
            errors["of"] = _("There is no recommendation with that id")
    if errors:
        raise ValidationFailed(errors)
    links = {link.earlier_id: link for link in _links(recommendation)}
    link = links.get(earlier.id)
    if DECISIONS[decision] is RepeatDecision.CONFIRMED:
        other = next((x for x in links.values() if x.decision == RepeatDecision.CONFIRMED and x.earlier_id != of), None)
        if other is not None:
            raise Conflict("duplicate", _("%(reference)s is already confirmed as a repeat of %(earlier)s. Dismiss "
                                          "that first.", reference=recommendation.reference,
                                          earlier=other.earlier.reference))
        if any(x.earlier_id == recommendation.id and x.decision == RepeatDecision.CONFIRMED for x in _links(earlier)):
            raise Conflict("duplicate", _("%(earlier)s is confirmed as a repeat of %(reference)s; two "
                                          "recommendations cannot repeat each other.", earlier=earlier.reference,
                                          reference=recommendation.reference))
    if link is None:
        link = RepeatLink(recommendation_id=recommendation.id, earlier_id=earlier.id, score=None, flagged_at=utcnow())
        db.session.add(link)
    before = link.decision
    link.decision = DECISIONS[decision].value
    link.decided_by_id = actor.id
    link.decided_at = utcnow()
    db.session.flush()
    audit.record(actor, f"repeat_{link.decision}", "recommendation", recommendation.id,
                 {"of": earlier.reference, "decision": {"from": before, "to": link.decision}},
                 debrief_id=recommendation.debrief_id)
    return link


def like(text: str | None, *, exclude_id: int | None = None, reader: User) -> list[similarity.Found]:
    """The repeat check, for whoever asks (the API's and the recommendation form's): the earlier
    recommendations like `text` among those `reader` may read. An owner is shown only their own."""
    return similarity.check(text, exclude_id=exclude_id, within=permissions.readable_recommendations(reader))


@dataclass(frozen=True)
class Repeats:
    """A recommendation's repeat links, as its page and the API show them."""

    possible: list[RepeatLink]     # flagged, waiting for a reviewer
    repeat_of: RepeatLink | None   # confirmed
    repeated_by: list[RepeatLink]  # later recommendations confirmed as repeats of this one
    dismissed: list[RepeatLink]


def of(recommendation: Recommendation, reader: User | None = None) -> Repeats:
    """The recommendation's links; for a `reader`, only those to recommendations they may read (an
    owner sees nothing of anyone else's, not even that theirs repeats it)."""
    own = _links(recommendation)
    later = list(db.session.scalars(
        sa.select(RepeatLink).where(RepeatLink.earlier_id == recommendation.id,
                                    RepeatLink.decision == RepeatDecision.CONFIRMED.value)
        .options(selectinload(RepeatLink.recommendation)).order_by(RepeatLink.id)))
    if reader is not None and permissions.readable_recommendations(reader) is not None:
        own = [link for link in own if permissions.may_read_recommendation(reader, link.earlier)]
        later = [link for link in later if permissions.may_read_recommendation(reader, link.recommendation)]
    return Repeats(
        possible=[link for link in own if link.decision == RepeatDecision.SUGGESTED],
        repeat_of=next((link for link in own if link.decision == RepeatDecision.CONFIRMED), None),
        repeated_by=later,
        dismissed=[link for link in own if link.decision == RepeatDecision.DISMISSED])


# For lists and the board ---------------------------------------------------------------------------


def is_confirmed_repeat():
    """SQL: the recommendation is a confirmed repeat of an earlier one."""
    return sa.exists().where(RepeatLink.recommendation_id == Recommendation.id,
                             RepeatLink.decision == RepeatDecision.CONFIRMED.value)


def did_not_stick(earlier: Recommendation) -> bool:
    """A repeat of `earlier` means its learning did not stick: it was closed as done (implemented,
    or by alternative action). `_closed_as_done` is its SQL twin."""
    return earlier.status == Status.CLOSED and earlier.closure_code in DONE


def _closed_as_done(earlier):
    """SQL twin of `did_not_stick`, on an (aliased) earlier Recommendation."""
    return sa.and_(earlier.status == Status.CLOSED.value, earlier.closure_code.in_(DONE))


def _did_not_stick_query():
    earlier = aliased(Recommendation)
    return (sa.select(RepeatLink)
            .join(Recommendation, Recommendation.id == RepeatLink.recommendation_id)
            .join(earlier, earlier.id == RepeatLink.earlier_id)
            .where(RepeatLink.decision == RepeatDecision.CONFIRMED.value,
                   Recommendation.status != Status.CLOSED.value, _closed_as_done(earlier)))


def learning_did_not_stick(page: int = 1, per_page: int = 25) -> Page:
    """For the board: open recommendations confirmed as repeats of ones closed as done, with the
    earlier recommendation's learning products loaded."""
    query = (_did_not_stick_query()
             .options(selectinload(RepeatLink.recommendation),
                      selectinload(RepeatLink.earlier).selectinload(Recommendation.products))
             .order_by(RepeatLink.decided_at.desc(), RepeatLink.id.desc()))
    return paginate(query, page, per_page, key=RepeatLink.id)


def counts(within=None) -> tuple[int, int]:
    """Open recommendations confirmed as repeats; and of those, repeats of ones closed as done.
    `within`, a condition on the repeating (later) recommendation, narrows both counts."""
    repeated = (sa.select(sa.func.count(sa.distinct(RepeatLink.recommendation_id)))
                .join(Recommendation, Recommendation.id == RepeatLink.recommendation_id)
                .where(RepeatLink.decision == RepeatDecision.CONFIRMED.value,
                       Recommendation.status != Status.CLOSED.value))
    did_not_stick = _did_not_stick_query()
    if within is not None:
        repeated, did_not_stick = repeated.where(within), did_not_stick.where(within)
    repeats = db.session.scalar(repeated)
    did_not_stick = did_not_stick.subquery()
    did_not_stick = db.session.scalar(sa.select(sa.func.count(sa.distinct(did_not_stick.c.recommendation_id))))
    return repeats or 0, did_not_stick or 0
