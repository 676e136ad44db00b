"""Recommendations: allocating them to owners, changing them without lost updates, moving them
through the lifecycle (whose rules are in recommendation_lifecycle), and the workspaces that list them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from debrief import permissions
from debrief.extensions import db
from debrief.i18n import day_month_year, in_language
from debrief.models import (
    AuditEvent, BoardDecision, Debrief, LearningProduct, LearningProductCount, Lesson, Priority, Recommendation,
    RecommendationCount, RecommendationSource, RecommendationUpdate, User, utcnow,
)
from debrief.models.learning import IN_DEVELOPMENT_STATES
from debrief.services import accounts, audit, clocks, invitations, notifications, references, repeats
from debrief.services import recommendation_lifecycle as lifecycle
from debrief.services import validation as check
from debrief.services.clock_calendar import london_date
from debrief.services.errors import Conflict, NotAllowed, ValidationFailed
from debrief.services.pagination import Page, paginate

LONGEST_DUE = timedelta(days=5 * 366)
EDITABLE = ("text", "owner_email", "due_date", "priority", "lesson_ids")
OWNER_UPDATES = ("progress", "evidence")


def today() -> date:
    return london_date(utcnow())


def _active_staff(email: str | None, errors: dict[str, str], field: str, *, missing: str,
                  unknown: str) -> User | None:
    """The active member of staff `email` names, or None with `field`'s error said."""
    if not (email or "").strip():
        errors[field] = missing
        return None
    person = accounts.find_by_email(email)
    if person is None or not person.active:
        errors[field] = unknown
        return None
    return person


def _owner(email: str | None, errors: dict[str, str]) -> User | None:
    """The member of staff `email` names, if they may be made an owner (accounts.eligible_owners):
    the one rule for creating, editing and, through these, the pages and the API."""
    owner = _active_staff(email, errors, "owner_email", missing=_("Enter the owner's email address"),
                          unknown=_("The owner must be an active member of staff with an account"))
    if owner is None:
        return None
    if not accounts.may_own_recommendations(owner):
        errors["owner_email"] = _("%(name)s cannot own recommendations: choose a member of staff who holds "
                                  "the owner role", name=owner.name)
        return None
    return owner


def _due(due_date: date | None, errors: dict[str, str], field: str = "due_date") -> date | None:
    if due_date is None:
        errors.setdefault(field, _("Enter the due date"))
    elif due_date < today():
        errors.setdefault(field, _("The due date must be today or later"))
    elif due_date > today() + LONGEST_DUE:
        errors.setdefault(field, _("The due date must be within five years"))
    return due_date


def _lessons(debrief: Debrief | None, lesson_ids, errors: dict[str, str]) -> list[Lesson]:
    ids = list(dict.fromkeys(lesson_ids or []))
    if not ids:
        return []
    if debrief is None or not all(check.is_id(i) for i in ids):
        errors["lesson_ids"] = _("Link lessons from this recommendation's debrief")
        return []
    found = list(db.session.scalars(sa.select(Lesson).where(Lesson.id.in_(ids), Lesson.debrief_id == debrief.id)))
    if len(found) != len(ids):
        errors["lesson_ids"] = _("Link lessons from this recommendation's debrief")
    return found


def _tell(person: User, recommendation: Recommendation, *, key: str, subject: str, text: str) -> None:
    """An email to `person` about the recommendation, with the link to its page (and no incident detail).
    Called inside `in_language(person.language)`, so that the whole email is in their language."""
    link = f"{current_app.config['BASE_URL']}/recommendations/{recommendation.id}"
    body = _("Hello %(name)s,\n\n%(text)s\n\nOpen it here: %(link)s\n", name=person.name, text=text, link=link)
    notifications.queue(key=key, to=person.email, subject=subject, body=body)


def _tell_owner(recommendation: Recommendation) -> None:
    owner = recommendation.owner
    reference = recommendation.reference
    with in_language(owner.language):
        _tell(owner, recommendation,
              key=f"recommendation-allocated:{recommendation.id}:{owner.id}:v{recommendation.version}",
              subject=_("%(reference)s is allocated to you", reference=reference),
              text=_("Recommendation %(reference)s has been allocated to you. It is due on %(date)s. Please respond "
                     "with your plan within 14 days.", reference=reference,
                     date=day_month_year(recommendation.due_date)))


def create(debrief: Debrief, *, text: str | None, owner_email: str | None, due_date: date | None,
           priority: str | None = None, lesson_ids=None, source: str | None = None, actor: User,
           format_errors: dict[str, str] | None = None) -> Recommendation:
    errors: dict[str, str] = {}
    text = check.text(text, "text", errors, label=_l("the recommendation"), required=True,
                      max_length=check.LIMITS["recommendation.text"])
    owner = _owner(owner_email, errors)
    _due(due_date, errors)
    priority = check.choice(priority or Priority.MEDIUM.value, "priority", errors, Priority, label=_l("a priority"))
    source = check.choice(source or RecommendationSource.DEBRIEF.value, "source", errors, RecommendationSource,
                          label=_l("a source"))
    lessons = _lessons(debrief, lesson_ids, errors)
    errors.update(format_errors or {})
    if errors:
        raise ValidationFailed(errors)
    recommendation = Recommendation(debrief_id=debrief.id, text=text, owner=owner, due_date=due_date,
                                    priority=priority, source=source, status=lifecycle.Status.OPEN.value,
                                    created_by_id=actor.id, lessons=lessons)
    references.insert_with_next_reference(recommendation)
    audit.record(actor, "recommendation_added", "recommendation", recommendation.id, {
        "reference": recommendation.reference, "text": text, "owner": owner.email,
        "due_date": due_date.isoformat(), "priority": priority, "lessons": [lesson.id for lesson in lessons]},
        debrief_id=debrief.id)
    clocks.start_recommendation_clocks(recommendation, actor)
    repeats.flag(recommendation)
    _tell_owner(recommendation)
    return recommendation


def get(recommendation_id: int) -> Recommendation | None:
    return db.session.get(Recommendation, recommendation_id)


def history(recommendation: Recommendation, clock_ids: list[int]) -> list[AuditEvent]:
    """The recommendation's own audit events with its clocks' (`clock_ids`) and learning products',
    newest first, each with who made it."""
    belongs = [sa.and_(AuditEvent.entity == "recommendation", AuditEvent.entity_id == recommendation.id)]
    if clock_ids:
        belongs.append(sa.and_(AuditEvent.entity == "clock", AuditEvent.entity_id.in_(clock_ids)))
    product_ids = [product.id for product in recommendation.products]
    if product_ids:
        belongs.append(sa.and_(AuditEvent.entity == "learning_product", AuditEvent.entity_id.in_(product_ids)))
    return list(db.session.scalars(sa.select(AuditEvent).options(joinedload(AuditEvent.actor).noload("*"))
                                   .where(sa.or_(*belongs)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))


def _snapshot(recommendation: Recommendation) -> dict:
    return {"text": recommendation.text, "owner": recommendation.owner.email if recommendation.owner else None,
            "due_date": recommendation.due_date.isoformat() if recommendation.due_date else None,
            "priority": recommendation.priority, "lessons": [lesson.id for lesson in recommendation.lessons]}


def changes_since(recommendation: Recommendation, version: int) -> dict[str, dict]:
    """What others changed after `version`: for the message that refuses a stale edit."""
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "recommendation", AuditEvent.entity_id == recommendation.id)
        .order_by(AuditEvent.id))
    changed: dict[str, dict] = {}
    for event in events:
        if (event.changes or {}).get("version", {}).get("to", 0) > version:
            for field, change in event.changes.items():
                if field == "version":
                    continue
                if isinstance(change, dict):
                    changed.setdefault(field, {"from": change.get("from")})["to"] = change.get("to")
                else:  # evidence, progress, a board escalation: what was added
                    changed.setdefault(field, {"from": None})["to"] = change
    return changed


def refuse_unless_open_here(recommendation: Recommendation) -> None:
    """Nothing changes on a closed recommendation, nor on an imported one (kept so that repeats of
    it are found; another body tracks it)."""
    if recommendation.imported:
        raise Conflict("invalid_transition", _("%(reference)s was imported from elsewhere to find repeats of it; "
                                               "it is not tracked here.", reference=recommendation.reference))
    if recommendation.status == lifecycle.Status.CLOSED:
        raise Conflict("invalid_transition", _("%(reference)s is closed.", reference=recommendation.reference))


def _refuse_if_stale(recommendation: Recommendation, version) -> None:
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationFailed({"version": _("Send the version you last read, a whole number")})
    if version > recommendation.version:
        raise ValidationFailed({"version": _("%(reference)s has no version %(version)s yet",
                                             reference=recommendation.reference, version=version)})
    if version != recommendation.version:
        changed = changes_since(recommendation, version)
        names = ", ".join(changed) or _("its status")
        raise Conflict("stale", _("Someone else changed %(reference)s since you opened it (they changed %(fields)s). "
                                  "Nothing you sent was saved.", reference=recommendation.reference, fields=names),
                       {field: _("now %(value)s", value=repr(change.get("to"))) for field, change in changed.items()})


def update(recommendation: Recommendation, *, version, actor: User, format_errors: dict[str, str] | None = None,
           **changes) -> Recommendation:
    """Changes text, owner, due date, priority or linked lessons (reviewer or board), refusing an edit
    made from an older version than the one stored."""
    if not permissions.may_edit_recommendation(actor, recommendation):
        raise NotAllowed(_("Only a reviewer or the governance board can change a recommendation."))
    refuse_unless_open_here(recommendation)
    _refuse_if_stale(recommendation, version)
    errors: dict[str, str] = dict(format_errors or {})
    for field in set(changes) - set(EDITABLE):
        errors[field] = _("is not a field that can be changed here")
    before = _snapshot(recommendation)
    owner = _owner(changes["owner_email"], errors) if "owner_email" in changes else recommendation.owner
    with db.session.no_autoflush:
        _apply_edits(recommendation, changes, errors)
    if errors:
        raise ValidationFailed(errors)
    new_owner = owner is not None and owner.id != recommendation.owner_id
    recommendation.owner = owner
    _save(recommendation, actor, "updated", audit.changed(before, _snapshot(recommendation)), version)
    if before["due_date"] != _snapshot(recommendation)["due_date"]:
        clocks.move_with_due_date(recommendation, actor)
    if before["text"] != recommendation.text:
        repeats.flag(recommendation)
    if new_owner:
        clocks.restart_response_clock(recommendation, actor)  # the new owner has their own 14 days
        _tell_owner(recommendation)
    return recommendation


def _apply_edits(recommendation: Recommendation, changes: dict, errors: dict[str, str]) -> None:
    if "text" in changes:
        recommendation.text = check.text(changes["text"], "text", errors, label=_l("the recommendation"), required=True,
                                         max_length=check.LIMITS["recommendation.text"])
    if "due_date" in changes and changes["due_date"] != recommendation.due_date:
        recommendation.due_date = _due(changes["due_date"], errors)
    if "priority" in changes:
        recommendation.priority = check.choice(changes["priority"], "priority", errors, Priority, label=_l("a priority"),
                                               required=True)
    if "lesson_ids" in changes:
        recommendation.lessons = _lessons(recommendation.debrief, changes["lesson_ids"], errors)


def _save(recommendation: Recommendation, actor: User | None, action: str, changes: dict, old_version: int) -> None:
    """Writes the change as one new version (the caller changed it inside `no_autoflush`, so nothing
    was written before); the version column makes a concurrent writer's flush fail instead of
    silently overwriting."""
    if not changes and action == "updated":
        return
    recommendation.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("stale", _("Someone else changed this recommendation at the same moment. Nothing was saved; "
                                  "open it again and repeat your change.")) from None
    audit.record(actor, action, "recommendation", recommendation.id,
                 {**changes, "version": {"from": old_version, "to": recommendation.version}},
                 debrief_id=recommendation.debrief_id)


def _facts(recommendation: Recommendation) -> list[lifecycle.ProductFacts]:
    return [lifecycle.ProductFacts(kind=p.kind, status=p.status) for p in recommendation.products]


def actor_for(user: User, recommendation: Recommendation) -> lifecycle.Actor:
    return lifecycle.Actor(roles=frozenset(r.value for r in user.role_set),
                           is_owner=permissions.owns(user, recommendation))


def allowed_moves(user: User, recommendation: Recommendation,
                  from_status: lifecycle.Status | None = None) -> list[lifecycle.Status]:
    """The moves `user` may make on it now, or from `from_status` (who may act, whatever its state)."""
    return lifecycle.allowed_moves(from_status or recommendation.status, actor_for(user, recommendation),
                                   _facts(recommendation))


def closure_gate_problem(recommendation: Recommendation) -> str | None:
    return lifecycle.closure_gate_problem(_facts(recommendation))


UPDATE_KIND = {lifecycle.Status.IN_PROGRESS: "response", lifecycle.Status.AWAITING_CLOSURE: "completion"}


def transition(recommendation: Recommendation, *, to: str | None, note: str | None = None,
               closure_code: str | None = None, rationale: str | None = None, actor: User) -> Recommendation:
    """One move of the lifecycle, if the rules allow it; refusals carry api.md's codes."""
    if recommendation.imported:
        refuse_unless_open_here(recommendation)
    move = lifecycle.Move(to=to, note=note, closure_code=closure_code or None, rationale=rationale)
    current = lifecycle.Status(recommendation.status)
    lifecycle.check(current, move, actor_for(actor, recommendation), _facts(recommendation))
    target = lifecycle.Status(to)
    now = utcnow()
    version = recommendation.version
    note = (note or "").strip() or None
    rationale = (rationale or "").strip() or None
    changes: dict = {"status": {"from": current.value, "to": target.value}}
    board_move = current is lifecycle.Status.AWAITING_CLOSURE
    with db.session.no_autoflush:
        recommendation.status = target.value
        if note and not board_move:
            recommendation.updates.append(RecommendationUpdate(kind=UPDATE_KIND[target], text=note,
                                                               author_id=actor.id, at=now))
        if board_move:  # the board closes, or rejects the closure: a decision with its rationale and note
            decision = "close" if target is lifecycle.Status.CLOSED else "reject_closure"
            recommendation.decisions.append(BoardDecision(
                decision=decision, closure_code=closure_code if decision == "close" else None, rationale=rationale,
                decided_by_id=actor.id, decided_at=now, details={"note": note} if note else {}))
        if target is lifecycle.Status.CLOSED:
            recommendation.closure_code = closure_code
            recommendation.closed_at = now
            changes["closure_code"] = {"from": None, "to": closure_code}
    for name, value in (("note", note), ("rationale", rationale)):
        if value:
            changes[name] = value
    _save(recommendation, actor, "status_changed", changes, version)
    clocks.follow_recommendation(recommendation, current.value, target.value, at=now, actor=actor)
    if board_move:
        _tell_of_decision(recommendation, recommendation.decisions[-1])
    return recommendation


def add_update(recommendation: Recommendation, *, kind: str | None, text: str | None, actor: User) -> None:
    """Progress or evidence from the owner (their own) or the board, while the recommendation is open."""
    refuse_unless_open_here(recommendation)
    if not permissions.may_add_update(actor, recommendation):
        raise NotAllowed(_("Only the owner or the governance board can add progress or evidence."))
    errors: dict[str, str] = {}
    kind = check.choice(kind, "kind", errors, set(OWNER_UPDATES), label=_l("progress or evidence"), required=True)
    text = check.text(text, "text", errors, label=_l("the update"), required=True,
                      max_length=check.LIMITS["recommendation.note"])
    if errors:
        raise ValidationFailed(errors)
    version = recommendation.version
    with db.session.no_autoflush:
        recommendation.updates.append(RecommendationUpdate(kind=kind, text=text, author_id=actor.id, at=utcnow()))
    _save(recommendation, actor, f"{kind}_added", {kind: text}, version)


def decide(recommendation: Recommendation, *, decision: str | None, rationale: str | None,
           new_due_date: date | None = None, escalate_to: str | None = None, actor: User) -> BoardDecision:
    """The board extends the due date or escalates (to a senior officer, named by their email), with
    a rationale; the owner, and the officer it is escalated to, are told. (Closing and rejecting a
    closure are lifecycle moves: `transition`.)"""
    if not permissions.can(actor, permissions.Rule.DECIDE_AS_BOARD):
        raise NotAllowed(_("Only the governance board can extend or escalate a recommendation."))
    refuse_unless_open_here(recommendation)
    errors: dict[str, str] = {}
    decision = check.choice(decision, "decision", errors, {"extend", "escalate"}, label=_l("extend or escalate"),
                            required=True)
    rationale = check.text(rationale, "rationale", errors, label=_l("the board's rationale"), required=True,
                           max_length=check.LIMITS["recommendation.note"])
    if decision == "extend":
        _due(new_due_date, errors, "new_due_date")
        if new_due_date and recommendation.due_date and new_due_date <= recommendation.due_date:
            errors["new_due_date"] = _("The new due date must be after the current one")
    senior = None
    if decision == "escalate":
        senior = _active_staff(escalate_to, errors, "escalate_to",
                               missing=_("Enter the email address of the senior officer the board escalates it to"),
                               unknown=_("The board escalates to an active member of staff with an account"))
    if errors:
        raise ValidationFailed(errors)
    record = BoardDecision(decision=decision, rationale=rationale, decided_by_id=actor.id, decided_at=utcnow(),
                           new_due_date=new_due_date if decision == "extend" else None, escalated_to=senior)
    version = recommendation.version
    changes: dict = {"decision": decision, "rationale": rationale}
    if senior is not None:
        changes["escalated_to"] = senior.email
    with db.session.no_autoflush:
        recommendation.decisions.append(record)
        if decision == "extend":
            changes["due_date"] = {"from": recommendation.due_date.isoformat(), "to": new_due_date.isoformat()}
            recommendation.due_date = new_due_date
    _save(recommendation, actor, f"board_{decision}", changes, version)
    if decision == "extend":
        clocks.move_with_due_date(recommendation, actor)
    _tell_of_decision(recommendation, record)
    return record


def _tell_of_decision(recommendation: Recommendation, decision: BoardDecision) -> None:
    """The owner hears of each of the board's decisions on their recommendation, with the board's
    reason where it gave one; the senior officer it is escalated to hears of the escalation. Each in
    their own language."""
    owner = recommendation.owner
    if owner is not None and owner.active:
        with in_language(owner.language):
            subject, body = _decision_words(recommendation, decision)
            _tell(owner, recommendation, key=f"board-decision:{decision.id}:{owner.id}", subject=subject,
                  text=body + _reason(decision))
    senior = decision.escalated_to
    if decision.decision == "escalate" and senior is not None and senior.id != getattr(owner, "id", None):
        reference = recommendation.reference
        with in_language(senior.language):
            owned = (_("The governance board has escalated recommendation %(reference)s to you. Its owner is "
                       "%(owner)s; it is due on %(date)s.", reference=reference, owner=owner.name,
                       date=day_month_year(recommendation.due_date)) if owner else
                     _("The governance board has escalated recommendation %(reference)s to you. Its owner is not "
                       "named; it is due on %(date)s.", reference=reference,
                       date=day_month_year(recommendation.due_date)))
            _tell(senior, recommendation, key=f"board-decision:{decision.id}:{senior.id}",
                  subject=_("%(reference)s is escalated to you", reference=reference),
                  text=owned + _reason(decision))


def _reason(decision: BoardDecision) -> str:
    return "\n\n" + _("The board's reason: %(reason)s", reason=decision.rationale) if decision.rationale else ""


def _decision_words(recommendation: Recommendation, decision: BoardDecision) -> tuple[str, str]:
    """The subject and the first paragraph of the email telling the owner of a board decision."""
    reference = recommendation.reference
    if decision.decision == "reject_closure":
        return (_("%(reference)s: the board has not closed it", reference=reference),
                _("The governance board has not closed recommendation %(reference)s. It is back in progress with "
                  "you: please do what the board asks, then ask for closure again.", reference=reference))
    if decision.decision == "close":
        return (_("%(reference)s is closed", reference=reference),
                _("The governance board has closed recommendation %(reference)s as %(closure)s.",
                  reference=reference, closure=lifecycle.closure_label(decision.closure_code)))
    if decision.decision == "extend":
        if not decision.new_due_date:
            return "", ""
        due = day_month_year(decision.new_due_date)
        return (_("%(reference)s is now due on %(date)s", reference=reference, date=due),
                _("The governance board has extended the due date of recommendation %(reference)s. It is now due "
                  "on %(date)s.", reference=reference, date=due))
    senior = decision.escalated_to
    if senior is not None:
        return (_("%(reference)s has been escalated", reference=reference),
                _("The governance board has escalated recommendation %(reference)s to %(person)s.",
                  reference=reference, person=senior.name))
    return (_("%(reference)s has been escalated", reference=reference),
            _("The governance board has escalated recommendation %(reference)s to a senior officer.",
              reference=reference))


# Lists and workspaces ------------------------------------------------------------------------------


def decisions_between(start: datetime, end: datetime) -> list[BoardDecision]:
    """The board's decisions from `start` to `end`, oldest first, with their recommendations."""
    return list(db.session.scalars(
        sa.select(BoardDecision).options(selectinload(BoardDecision.recommendation))
        .where(BoardDecision.decided_at >= start, BoardDecision.decided_at <= end)
        .order_by(BoardDecision.decided_at, BoardDecision.id)))


def search(*, status: str | None = None, owner_email: str | None = None, overdue: bool = False,
           page: int = 1, per_page: int = 25, repeat: bool = False) -> Page:
    query = matching(status=status, owner_email=owner_email, overdue=overdue, repeat=repeat)
    total = None
    if not (owner_email or overdue or repeat):  # all, or one status: kept counts, not half a million rows counted
        total = _kept_count(RecommendationCount.status == status) if status else _kept_count()
    return paginate(query.options(_owner_by_name(), selectinload(Recommendation.lessons)), page, per_page,
                    key=Recommendation.id, total=total)


def overdue(page: int = 1, per_page: int = 25) -> Page:
    """For the board: the overdue recommendations, the longest overdue first, with their owners' names."""
    return paginate(matching(overdue=True).options(_owner_by_name()), page, per_page, key=Recommendation.id)


def _owner_by_name():
    """Loads each recommendation's owner for their name alone: not their roles, which a list never shows."""
    return joinedload(Recommendation.owner).lazyload(User.roles)


def _kept_count(*conditions) -> int:
    """The recommendations whose kept counts (models/figures.py) meet `conditions`."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(RecommendationCount.count), 0))
                             .where(*conditions))


def matching(*, status: str | None = None, owner_email: str | None = None, overdue: bool = False,
             repeat: bool = False) -> sa.Select:
    """The recommendations the list's filters choose, soonest due first: for the list (`search`)
    and its CSV export alike. A filter that makes no sense is refused here, before anything is read."""
    errors: dict[str, str] = {}
    query = sa.select(Recommendation)
    if status:
        check.choice(status, "status", errors, lifecycle.Status, label=_l("a status"))
        query = query.where(Recommendation.status == status)
    if owner_email:
        owner = accounts.find_by_email(owner_email)
        query = query.where(Recommendation.owner_id == (owner.id if owner else -1))
    if overdue:
        query = query.where(_overdue())
    if repeat:
        query = query.where(repeats.is_confirmed_repeat())
    if errors:
        raise ValidationFailed(errors)
    return query.order_by(Recommendation.due_date, Recommendation.id)


def of_debrief(debrief: Debrief) -> list[Recommendation]:
    return list(db.session.scalars(sa.select(Recommendation).where(Recommendation.debrief_id == debrief.id)
                                   .options(selectinload(Recommendation.lessons)).order_by(Recommendation.id)))


def _open_and_owned_by(user: User) -> sa.Select:
    """The owner's open recommendations, the most urgent first."""
    return (sa.select(Recommendation)
            .where(Recommendation.owner_id == user.id, Recommendation.status != lifecycle.Status.CLOSED.value)
            .order_by(Recommendation.due_date, Recommendation.id))


def my_actions(user: User, page: int = 1, per_page: int = 25) -> Page:
    """The owner's open recommendations, the most urgent first."""
    query = _open_and_owned_by(user).options(selectinload(Recommendation.products))
    return paginate(query, page, per_page, key=Recommendation.id)


def still_owned_by(user: User) -> list[Recommendation]:
    """Every open recommendation the user owns: what must find another owner when they leave."""
    return list(db.session.scalars(_open_and_owned_by(user).options(selectinload(Recommendation.lessons))))


def hand_over(recommendation: Recommendation, owner: User, *, actor: User | None) -> None:
    """Gives an open recommendation to another owner when its owner leaves (an administrator's act, apart
    from the reviewer's and board's edits): audited like an edit; the new owner is told and has their own
    time to respond."""
    refuse_unless_open_here(recommendation)
    if not accounts.may_own_recommendations(owner):
        raise ValidationFailed({"owner": _("The new owner must be active staff who hold the owner role")})
    before = _snapshot(recommendation)
    recommendation.owner = owner
    _save(recommendation, actor, "updated", audit.changed(before, _snapshot(recommendation)), recommendation.version)
    clocks.restart_response_clock(recommendation, actor)
    _tell_owner(recommendation)


def needing_a_product(page: int = 1, per_page: int = 25) -> Page:
    """For the learning team: open recommendations with no learning product yet (counted from the
    kept counts; the page is the first of them in due order, from ix_recommendations_not_closed_due)."""
    no_product = ~sa.exists().where(LearningProduct.recommendation_id == Recommendation.id)
    query = (sa.select(Recommendation).where(Recommendation.status != lifecycle.Status.CLOSED.value, no_product,
                                             _tracked())
             .order_by(Recommendation.due_date, Recommendation.id))
    total = _kept_count(RecommendationCount.status != lifecycle.Status.CLOSED.value,
                        RecommendationCount.tracked.is_(True), RecommendationCount.with_product.is_(False))
    return paginate(query, page, per_page, key=Recommendation.id, total=total)


def products_in_development(page: int = 1, per_page: int = 25) -> Page:
    query = (sa.select(LearningProduct).options(selectinload(LearningProduct.recommendation))
             .where(LearningProduct.status.in_(IN_DEVELOPMENT_STATES))
             .order_by(LearningProduct.created_at, LearningProduct.id))
    total = db.session.scalar(  # every product once: the kept counts' rows with no theme
        sa.select(sa.func.coalesce(sa.func.sum(LearningProductCount.count), 0))
        .where(LearningProductCount.theme == "", LearningProductCount.status.in_(IN_DEVELOPMENT_STATES)))
    return paginate(query, page, per_page, key=LearningProduct.id, total=total)


def awaiting_closure(page: int = 1, per_page: int = 25) -> Page:
    """For the board: what owners say is done, oldest first (ix_recommendations_awaiting_closure), with
    products and evidence loaded; counted from the kept counts."""
    query = (sa.select(Recommendation).where(Recommendation.status == lifecycle.Status.AWAITING_CLOSURE.value)
             .options(_owner_by_name(), selectinload(Recommendation.products),
                      selectinload(Recommendation.updates).lazyload(RecommendationUpdate.author))
             .order_by(Recommendation.updated_at, Recommendation.id))
    return paginate(query, page, per_page, key=Recommendation.id,
                    total=_kept_count(RecommendationCount.status == lifecycle.Status.AWAITING_CLOSURE.value))


@dataclass(frozen=True)
class OwnerLoad:
    email: str
    name: str
    open: int
    overdue: int


@dataclass(frozen=True)
class OpenFigures:
    """The open recommendations (`is_open`) by owner, most overdue first, and their sums."""

    open: int
    overdue: int
    awaiting_closure: int
    by_owner: list[OwnerLoad]
    also: tuple[int, ...] = ()  # how many meet each of the conditions asked for, in order


@dataclass(frozen=True)
class BoardSummary:
    open: int
    overdue: int
    awaiting_closure: int
    repeats: int
    repeats_of_implemented: int
    unanswered_invitations: int
    by_owner: list[OwnerLoad]


def _tracked():
    """This force's own recommendations: imported ones are there to be found as repeats, not tracked."""
    return Recommendation.debrief_id.is_not(None)


#: Still the owner's to do: once they say it is done (awaiting closure) it waits on the board, not on
#: them, as its due clock says. The one set: `is_still_to_do` is its SQL twin; `urgency` and
#: `_overdue` (pages, lists, the board's counts and reminders) all read it.
STILL_TO_DO = frozenset({lifecycle.Status.OPEN.value, lifecycle.Status.IN_PROGRESS.value})


def is_still_to_do():
    """SQL twin of STILL_TO_DO."""
    return Recommendation.status.in_(sorted(STILL_TO_DO))


@dataclass(frozen=True)
class Urgency:
    """How pressing an owner's recommendation is today: overdue, due soon (within
    clocks.DUE_SOON_ON_PAGES), or neither."""

    days_left: int | None
    overdue: bool
    due_soon: bool


def urgency(record: Recommendation, on: date | None = None) -> Urgency:
    """The rule for one recommendation, as a page shows it; `_overdue` is its SQL twin."""
    if record.due_date is None or record.status not in STILL_TO_DO:
        return Urgency(None, False, False)
    days = (record.due_date - (on or today())).days
    return Urgency(days, days < 0, 0 <= days <= clocks.DUE_SOON_ON_PAGES)


def _overdue():
    """SQL: past its due date and still the owner's to do (`urgency(...).overdue`)."""
    return sa.and_(is_still_to_do(), Recommendation.due_date < today())


def is_open():
    """SQL: counted as open by the board: this force's own recommendations not yet closed (those
    awaiting closure included: they wait on the board's decision)."""
    return sa.and_(Recommendation.status != lifecycle.Status.CLOSED.value, _tracked())


def open_figures(within=None, also=()) -> OpenFigures:
    """The open recommendations by owner and in all, and how many of them meet each condition in
    `also` (the board dashboard's ageing bands). `within`, a condition on Recommendation (the board
    dashboard's filter), narrows the recommendations counted.

    Narrowed, or with `also`, they are counted in one pass over the rows not closed (most are closed)
    from the index alone (ix_recommendations_not_closed_owner). Otherwise (the board's page, its API
    summary, the home page) open and awaiting closure come from the kept counts (models/figures.py)
    and overdue from the index of what is still to do: the same numbers, without reading every open
    recommendation."""
    awaiting = Recommendation.status == lifecycle.Status.AWAITING_CLOSURE.value
    owner = sa.func.coalesce(Recommendation.owner_id, sa.literal_column("0"))  # as the kept counts name nobody
    if within is None and not also:
        kept = RecommendationCount
        counted = (sa.select(kept.owner_id.label("owner_id"), sa.func.sum(kept.count).label("open"),
                             sa.func.sum(sa.case((kept.status == lifecycle.Status.AWAITING_CLOSURE.value, kept.count),
                                                 else_=0)).label("awaiting"))
                   .where(kept.tracked.is_(True), kept.status != lifecycle.Status.CLOSED.value)
                   .group_by(kept.owner_id).having(sa.func.sum(kept.count) > 0).subquery())
        overdue = (sa.select(owner.label("owner_id"), sa.func.count().label("overdue"))
                   .where(_overdue(), _tracked()).group_by(owner).subquery())
        by_owner = (sa.select(counted.c.owner_id, counted.c.open, sa.func.coalesce(overdue.c.overdue, 0).label("overdue"),
                              counted.c.awaiting)
                    .outerjoin(overdue, overdue.c.owner_id == counted.c.owner_id).subquery())
    else:
        not_closed = is_open() if within is None else sa.and_(is_open(), within)
        count = lambda condition: sa.func.count().filter(condition)  # noqa: E731
        by_owner = (sa.select(owner.label("owner_id"), sa.func.count().label("open"), count(_overdue()).label("overdue"),
                              count(awaiting).label("awaiting"), *(count(condition) for condition in also))
                    .where(not_closed).group_by(owner).subquery())
    # The owners' names joined to their ~200 groups, not to every row; the headline figures are the
    # owners' sums, with the recommendations that have no owner (owner 0: their email is None).
    rows = db.session.execute(
        sa.select(User.email, User.name, by_owner).outerjoin(User, User.id == by_owner.c.owner_id)
        .order_by(by_owner.c.overdue.desc(), by_owner.c.open.desc(), User.name)).all()
    sums = [int(sum(row[column] for row in rows)) for column in range(3, 6 + len(also))]
    return OpenFigures(open=sums[0], overdue=sums[1], awaiting_closure=sums[2], also=tuple(sums[3:]),
                       by_owner=[OwnerLoad(row.email, row.name, int(row.open), int(row.overdue))
                                 for row in rows if row.email is not None])


def board_summary(within=None) -> BoardSummary:
    """The headline figures, counted in SQL (`open_figures`, `repeats.counts`). `within` narrows the
    recommendations counted, as in `open_figures`; the unanswered invitations are about partners, not
    recommendations, and are never narrowed."""
    figures = open_figures(within)
    unanswered = invitations.not_answered_in_time(*invitations.recent_period(today()))
    repeated, did_not_stick = repeats.counts(within)
    return BoardSummary(open=figures.open, overdue=figures.overdue, awaiting_closure=figures.awaiting_closure,
                        repeats=repeated, repeats_of_implemented=did_not_stick, unanswered_invitations=unanswered,
                        by_owner=figures.by_owner)
