"""Deadline clocks: which a debrief gets, when they fall due, and meeting, extending, pausing them.

The arithmetic of days is in `clock_calendar`; the lengths and day types in the policy file
(`deadline_policy`). This module applies them to records.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.orm import joinedload

from debrief.extensions import db
from debrief.i18n import current_language, date_and_time, day_month_year
from debrief.models import Clock, ClockState, Debrief, Invitation, User, utcnow
from debrief.services import audit
from debrief.services import deadline_policy
from debrief.services.clock_calendar import (
    BankHolidayCalendar, add_calendar_days, add_months, end_of_day, end_of_following_day, london_date,
)
from debrief.services.errors import Conflict, ValidationFailed
from debrief.services.pagination import Page, paginate
from debrief.services.recommendation_lifecycle import Status
from debrief.services.validation import text

#: "Due soon" on the pages (the dashboard's deadlines, an owner's recommendations): due from today to
#: the end of this many days ahead. Reminders by email have their own window (reminders.REMIND_DAYS_BEFORE).
DUE_SOON_ON_PAGES = 7
#: The home page counts overdue deadlines up to this many ("1,000 or more").
OVERDUE_COUNTED_UP_TO = 1_000
REASON_MAX = 2_000
#: An extension further than this from today is a typing mistake, not a plan.
LONGEST_EXTENSION = timedelta(days=366)


def policy() -> deadline_policy.DeadlinePolicy:
    return current_app.extensions["deadline_policy"]


def calendar() -> BankHolidayCalendar:
    return current_app.extensions["bank_holidays"]


def due_date_for(unit: str, length: int, start: date, cal: BankHolidayCalendar) -> date:
    """The last day of a clock that starts on `start` (day 1 is the day after)."""
    if unit == "calendar_days":
        return add_calendar_days(start, length)
    if unit == "working_days":
        return cal.add_working_days(start, length)
    if unit == "end_of_following_day":
        return end_of_following_day(start)
    if unit == "months":
        return add_months(start, length)
    raise ValueError(f"unknown clock unit {unit!r}")


def _policy_due_date(clock: Clock, start: date) -> date:
    """A partner contribution is due some days before the planned meeting; with no meeting planned,
    or one too soon to leave any time, it runs its own length like any other clock. A recommendation
    is due on the date the reviewer set."""
    if clock.unit == "due_date":
        return clock.recommendation.due_date
    meeting = clock.debrief.meeting_scheduled_for if clock.debrief else None
    if clock.days_before_meeting is not None and meeting is not None:
        before_meeting = london_date(meeting) - timedelta(days=clock.days_before_meeting)
        if before_meeting > start:
            return before_meeting
    return due_date_for(clock.unit, clock.length, start, calendar())


def _start(clock: Clock, at: datetime) -> None:
    """Starts the clock at `at`, keeping any extension or pause already added on top of the policy."""
    offset = (clock.due_date - clock.base_due_date).days if clock.due_date and clock.base_due_date else 0
    clock.started_at = at
    clock.base_due_date = _policy_due_date(clock, london_date(at))
    clock.due_date = clock.base_due_date + timedelta(days=offset)
    clock.due_at = end_of_day(clock.due_date)


def _record(actor: User | None, action: str, clock: Clock, changes: dict | None = None) -> None:
    debrief_id = clock.debrief_id if clock.recommendation is None else clock.recommendation.debrief_id
    audit.record(actor, action, "clock", clock.id, {"clock": clock.label, **(changes or {})}, debrief_id=debrief_id)


def clocks_of(debrief: Debrief, *, with_partner_clocks: bool = True) -> list[Clock]:
    query = sa.select(Clock).where(Clock.debrief_id == debrief.id)
    if not with_partner_clocks:
        query = query.where(Clock.invitation_id.is_(None))
    return list(db.session.scalars(query.order_by(Clock.due_at.is_(None), Clock.due_at, Clock.id)))


def sync_debrief_clocks(debrief: Debrief, actor: User | None) -> None:
    """Gives the debrief every clock the policy says applies, and withdraws unmet ones that no longer do
    (for example when the victim's age is corrected). Clocks already met are never removed."""
    existing = {clock.kind: clock for clock in clocks_of(debrief, with_partner_clocks=False)}
    for rule in policy().debrief_rules:
        clock = existing.get(rule.kind)
        applies = rule.applies_to(debrief)
        if applies and clock is None:
            clock = Clock(debrief=debrief, kind=rule.kind, label=rule.label, source=rule.source,
                          unit=rule.unit, length=rule.length, waits_for=rule.waits_for)
            if rule.waits_for is None:
                _start(clock, debrief.reported_at)
            elif (dependency := existing.get(rule.waits_for)) is not None and dependency.met_at is not None:
                _start(clock, dependency.met_at)
            db.session.add(clock)
            db.session.flush()
            existing[rule.kind] = clock
            _record(actor, "clock_added", clock, {"due_date": _iso(clock.due_date)})
        elif not applies and clock is not None and clock.met_at is None:
            _record(actor, "clock_withdrawn", clock, {"reason": "no longer applies to this incident"})
            db.session.delete(clock)


def move_with_reported_at(debrief: Debrief, actor: User | None) -> None:
    """The incident's report time changed: every clock that runs from it and is not yet met moves."""
    for clock in clocks_of(debrief, with_partner_clocks=False):
        if clock.met_at is None and clock.waits_for is None:
            _restart(clock, debrief.reported_at, actor)


def move_with_meeting(debrief: Debrief, actor: User | None) -> None:
    """The meeting was planned or moved: partner contributions not yet in move with it."""
    for clock in clocks_of(debrief):
        if clock.invitation_id is not None and clock.met_at is None and clock.started_at is not None:
            _restart(clock, clock.started_at, actor)


def _restart(clock: Clock, at: datetime, actor: User | None) -> None:
    before = clock.due_date
    _start(clock, at)
    if clock.due_date != before:
        _record(actor, "clock_moved", clock, {"due_date": {"from": _iso(before), "to": _iso(clock.due_date)}})


def start_partner_clock(invitation, debrief: Debrief, actor: User | None) -> Clock | None:
    """The contribution deadline for a new invitation, if the policy has one."""
    rule = policy().rule(deadline_policy.PARTNER_CLOCK)
    if rule is None:
        return None
    clock = Clock(debrief=debrief, invitation_id=invitation.id, kind=rule.kind,
                  label=partner_clock_label(rule, invitation.agency.name), source=rule.source, unit=rule.unit,
                  length=rule.length, days_before_meeting=rule.days_before_meeting)
    _start(clock, invitation.created_at)
    db.session.add(clock)
    db.session.flush()
    _record(actor, "clock_added", clock, {"due_date": _iso(clock.due_date)})
    return clock


def partner_clock_label(rule: deadline_policy.ClockRule, agency: str) -> str:
    return f"{rule.label}: {agency}"


def clock_name(clock: Clock) -> str:
    """A clock's name as a person reads it: in Welsh for a reader of Welsh when the policy gives the
    clock's label in Welsh (`label_cy`), a partner's deadline with the agency's Welsh name where it has
    one ("Cyfraniad partner: Bwrdd Iechyd ..."); else the label stored on the clock (English, from the
    policy). The stored label, the audit trail and the API's `label` stay as the policy wrote them."""
    if current_language() != "cy":
        return clock.label
    rule = policy().rule(clock.kind)
    if rule is None or not rule.label_cy:
        return clock.label
    if clock.invitation_id is not None:
        invitation = clock.invitation
        if invitation is None or invitation.agency is None:
            return clock.label
        return _("%(clock)s: %(agency)s", clock=rule.label_cy, agency=invitation.agency.localised_name)
    return rule.label_cy


def start_recommendation_clocks(recommendation, actor: User | None) -> None:
    """The owner's response and the due date, from the moment the recommendation is allocated."""
    now = utcnow()
    for kind in deadline_policy.RECOMMENDATION_CLOCKS:
        rule = policy().rule(kind)
        if rule is None:
            continue
        clock = Clock(recommendation=recommendation, kind=rule.kind, label=rule.label, source=rule.source,
                      unit=rule.unit, length=rule.length)
        _start(clock, now)
        db.session.add(clock)
        db.session.flush()
        audit.record(actor, "clock_added", "clock", clock.id, {"clock": clock.label, "due_date": _iso(clock.due_date)},
                     debrief_id=recommendation.debrief_id)


def recommendation_clocks(recommendation) -> list[Clock]:
    return list(db.session.scalars(sa.select(Clock).where(Clock.recommendation_id == recommendation.id)
                                   .order_by(Clock.id)))


def response_deadlines(recommendations: list) -> dict[int, Clock]:
    """The owner's running response clock of each of `recommendations` still waiting for a response
    (open), by recommendation id, in one query: for a page of an owner's recommendations."""
    waiting = [r.id for r in recommendations if r.status == Status.OPEN]
    if not waiting:
        return {}
    return {clock.recommendation_id: clock for clock in db.session.scalars(sa.select(Clock).where(
        Clock.recommendation_id.in_(waiting), Clock.kind == "recommendation_response", Clock.met_at.is_(None)))}


def move_with_due_date(recommendation, actor: User | None) -> None:
    for clock in recommendation_clocks(recommendation):
        if clock.unit == "due_date" and clock.met_at is None:
            _restart(clock, clock.started_at, actor)


def restart_response_clock(recommendation, actor: User | None) -> None:
    """A new owner who has not yet responded gets the full response time from now."""
    for clock in recommendation_clocks(recommendation):
        if clock.kind == "recommendation_response" and clock.met_at is None:
            _restart(clock, utcnow(), actor)


def follow_recommendation(recommendation, before: str, after: str, *, at: datetime, actor: User | None) -> None:
    """A lifecycle move meets or reopens its clocks: the owner's response is met when they respond;
    the due date is met when they say it is done, and runs again if the board rejects the closure."""
    for clock in recommendation_clocks(recommendation):
        if clock.kind == "recommendation_response" and after == "in_progress" and clock.met_at is None:
            clock.met_at = at
            _record(actor, "clock_met", clock, {"met_at": at.isoformat()})
        elif clock.kind == "recommendation_due" and after in ("awaiting_closure", "closed") and clock.met_at is None:
            clock.met_at = at
            _record(actor, "clock_met", clock, {"met_at": at.isoformat()})
        elif clock.kind == "recommendation_due" and before == "awaiting_closure" and after == "in_progress":
            clock.met_at = None
            _record(actor, "clock_reopened", clock, {"because": "the board rejected the closure"})


def partner_clock(invitation_id: int) -> Clock | None:
    return db.session.scalar(sa.select(Clock).where(Clock.invitation_id == invitation_id))


def mark_met(clock: Clock, *, at: datetime | None, actor: User | None) -> None:
    now = utcnow()
    at = at or now
    if clock.met_at is not None:
        raise Conflict("invalid_transition", _("%(clock)s was already met on %(date)s.",
                                               clock=clock_name(clock), date=_show(clock.met_at)))
    if clock.started_at is None:
        raise Conflict("invalid_transition",
                       _("%(clock)s has not started: it starts when its earlier step is met.", clock=clock_name(clock)))
    if at > now + timedelta(minutes=5):
        raise ValidationFailed({"at": _("The time it was met must be now or in the past")},
                               _("Some of the information is not valid"))
    if at < clock.started_at:
        raise ValidationFailed({"at": _("The time it was met must be after the clock started (%(date)s)",
                                        date=_show(clock.started_at))},
                               _("Some of the information is not valid"))
    clock.met_at = at
    clock.paused_at = None
    _record(actor, "clock_met", clock, {"met_at": at.isoformat()})
    waiting = db.session.scalars(sa.select(Clock).where(
        Clock.debrief_id == clock.debrief_id, Clock.waits_for == clock.kind, Clock.started_at.is_(None)))
    for dependant in waiting:
        _start(dependant, at)
        _record(actor, "clock_started", dependant, {"due_date": _iso(dependant.due_date),
                                                    "because": f"{clock.label} was met"})


def undo_refused(clock: Clock) -> str | None:
    """Why marking this clock met cannot be undone, or None if it can. The met time is not the reviewer's to
    take back when it comes from the meeting record, a partner's answer or a recommendation's status."""
    if clock.met_at is None:
        return _("%(clock)s is not met, so there is nothing to undo.", clock=clock_name(clock))
    if clock.recommendation_id is not None:
        return _("%(clock)s follows the recommendation's status: change the status instead.", clock=clock_name(clock))
    if clock.kind == "debrief_meeting" and clock.debrief is not None and clock.debrief.meeting_held_at is not None:
        return _("%(clock)s was met by the meeting record: correct the meeting record instead.",
                 clock=clock_name(clock))
    if clock.invitation is not None and clock.invitation.responded_at is not None:
        return _("%(clock)s was met by the partner's contribution.", clock=clock_name(clock))
    return None


def undo_met(clock: Clock, *, actor: User | None) -> None:
    """A clock marked met by mistake runs again from where it was (pending, or overdue if its day has
    passed); clocks that started because it was met wait again."""
    if (refusal := undo_refused(clock)) is not None:
        raise Conflict("invalid_transition", refusal)
    dependants = list(db.session.scalars(sa.select(Clock).where(
        Clock.debrief_id == clock.debrief_id, Clock.waits_for == clock.kind, Clock.started_at.is_not(None))))
    if met := [clock_name(d) for d in dependants if d.met_at is not None]:
        raise Conflict("invalid_transition",
                       _("%(later)s, which started when %(clock)s was met, is met too: undo that first.",
                         later=met[0], clock=clock_name(clock)))
    before = clock.met_at
    clock.met_at = None
    _record(actor, "clock_met_undone", clock, {"met_at": {"from": before.isoformat(), "to": None}})
    for dependant in dependants:
        dependant.started_at = dependant.base_due_date = dependant.due_date = dependant.due_at = None
        dependant.paused_at = None
        _record(actor, "clock_waiting", dependant, {"waits_for": clock.label})


def correct_met_time(clock: Clock, *, at: datetime, actor: User | None) -> None:
    """The step was met, but at another time than first recorded (a corrected meeting record)."""
    if clock.met_at == at:
        return
    before = clock.met_at
    clock.met_at = at
    _record(actor, "clock_met_corrected", clock, {"met_at": {"from": before.isoformat(), "to": at.isoformat()}})


def _reason(reason: str | None) -> str:
    errors: dict[str, str] = {}
    value = text(reason, "reason", errors, label=_l("a reason"), required=True, max_length=REASON_MAX)
    if errors:
        raise ValidationFailed(errors, _("Some of the information is not valid"))
    return value


def _must_be_running(clock: Clock, action: str) -> None:
    """`action` is "extended" or "paused"; each refusal is one whole sentence for each."""
    name = clock_name(clock)
    if clock.met_at is not None:
        raise Conflict("invalid_transition", _("%(clock)s is already met; it cannot be extended.", clock=name)
                       if action == "extended" else _("%(clock)s is already met; it cannot be paused.", clock=name))
    if clock.started_at is None:
        raise Conflict("invalid_transition",
                       _("%(clock)s has not started yet; it cannot be extended.", clock=name) if action == "extended"
                       else _("%(clock)s has not started yet; it cannot be paused.", clock=name))


def extend(clock: Clock, *, due_date: date | None, reason: str | None, actor: User | None) -> None:
    _must_be_running(clock, "extended")
    errors: dict[str, str] = {}
    if due_date is None:
        errors["due_date"] = _("Enter the new due date")
    elif clock.due_date is not None and due_date <= clock.due_date:
        errors["due_date"] = _("The new due date must be after the current one (%(date)s)",
                               date=day_month_year(clock.due_date))
    elif due_date > london_date(utcnow()) + LONGEST_EXTENSION:
        errors["due_date"] = _("The new due date must be within a year from today")
    try:
        reason = _reason(reason)
    except ValidationFailed as problem:
        errors.update(problem.fields)
    if errors:
        raise ValidationFailed(errors, _("Some of the information is not valid"))
    before = clock.due_date
    clock.due_date = due_date
    clock.due_at = end_of_day(due_date)
    clock.extension_reason = reason
    _record(actor, "clock_extended", clock, {"due_date": {"from": _iso(before), "to": _iso(due_date)},
                                             "reason": reason})


def pause(clock: Clock, *, reason: str | None, actor: User | None) -> None:
    _must_be_running(clock, "paused")
    if clock.paused_at is not None:
        raise Conflict("invalid_transition", _("%(clock)s is already paused.", clock=clock_name(clock)))
    reason = _reason(reason)
    clock.paused_at = utcnow()
    clock.pause_reason = reason
    _record(actor, "clock_paused", clock, {"reason": reason})


def resume(clock: Clock, *, reason: str | None, actor: User | None) -> None:
    """The clock runs again; its due date moves on by the days it was paused, in its own day type."""
    if clock.paused_at is None:
        raise Conflict("invalid_transition", _("%(clock)s is not paused.", clock=clock_name(clock)))
    reason = _reason(reason)
    paused_on, resumed_on = london_date(clock.paused_at), london_date(utcnow())
    if clock.unit == "working_days":
        days = calendar().working_days_in(paused_on, resumed_on)
        new_due = calendar().add_working_days(clock.due_date, days) if days else clock.due_date
    else:
        new_due = clock.due_date + (resumed_on - paused_on)
    before = clock.due_date
    clock.due_date = new_due
    clock.due_at = end_of_day(new_due)
    clock.paused_at = None
    clock.pause_reason = None
    _record(actor, "clock_resumed", clock, {"reason": reason,
                                            "due_date": {"from": _iso(before), "to": _iso(new_due)}})


def get(clock_id: int) -> Clock | None:
    return db.session.get(Clock, clock_id)


# What is due ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    """A clock as a person reads it at a moment: its state and how many days are left or overdue."""

    clock: Clock
    state: ClockState
    days_left: int | None  # negative when overdue; None when met or not started

    @property
    def due_soon(self) -> bool:
        return self.state is ClockState.PENDING and self.days_left is not None and self.days_left <= 2

    @property
    def may_undo_met(self) -> bool:
        return self.state is ClockState.MET and undo_refused(self.clock) is None


def view(clock: Clock, now: datetime | None = None) -> ClockView:
    now = now or utcnow()
    state = clock.state_at(now)
    days_left = None
    if state in (ClockState.PENDING, ClockState.OVERDUE, ClockState.PAUSED) and clock.due_date:
        days_left = (clock.due_date - london_date(now)).days
    return ClockView(clock, state, days_left)


def _running():
    """Running clocks on debriefs (a recommendation's clocks are its owner's, in My actions)."""
    return sa.and_(Clock.met_at.is_(None), Clock.paused_at.is_(None), Clock.due_at.is_not(None),
                   Clock.debrief_id.is_not(None))


#: What a list of clocks shows beside each: its debrief, and for a partner's deadline the agency its name
#: carries (clock_name(), in Welsh), loaded in the same statement rather than one query per row.
_LISTED = (joinedload(Clock.debrief).noload("*"), joinedload(Clock.invitation).joinedload(Invitation.agency))


def _viewed(result: Page, now: datetime) -> Page:
    return replace(result, items=[view(clock, now) for clock in result.items])


def due_soon(page: int, per_page: int, now: datetime | None = None) -> Page:
    """Running clocks due from now to the end of the 7th day ahead, soonest first, across all debriefs,
    as ClockViews."""
    now = now or utcnow()
    horizon = end_of_day(london_date(now) + timedelta(days=DUE_SOON_ON_PAGES))
    query = (sa.select(Clock).options(*_LISTED)
             .where(_running(), Clock.due_at >= now, Clock.due_at <= horizon)
             .order_by(Clock.due_at, Clock.id))
    return _viewed(paginate(query, page, per_page), now)


def overdue(page: int, per_page: int, now: datetime | None = None) -> Page:
    """Running clocks past their end, the longest overdue first, across all debriefs, as ClockViews."""
    now = now or utcnow()
    query = (sa.select(Clock).options(*_LISTED)
             .where(_running(), Clock.due_at < now)
             .order_by(Clock.due_at, Clock.id))
    # Deadlines missed years ago stay overdue: counting them all would grow with the whole history.
    return _viewed(paginate(query, page, per_page, count_up_to=OVERDUE_COUNTED_UP_TO), now)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _show(at: datetime) -> str:
    """"6 December 2026 at 14:05", London time, in the reader's language."""
    return date_and_time(at)
