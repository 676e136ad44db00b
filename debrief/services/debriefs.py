"""Debriefs: opening, changing and listing them, their references, and the rapid debrief meeting."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, noload

from debrief.extensions import db
from debrief.models import (
    AuditEvent, Clock, Debrief, DebriefStatus, DebriefTheme, MeetingAttendee, Relationship, Theme, User,
    VictimSex, Weapon, utcnow,
)
from debrief.services import audit, clocks, reference_data, references
from debrief.services.errors import Conflict, ValidationFailed
from debrief.services.pagination import Page, paginate
from debrief.services import validation as check

MAX_ATTENDEES = 100
#: How the messages about each moment name it, on the pages and in the API alike.
MOMENTS = {"occurred_at": _l("the incident happened"), "reported_at": _l("the incident was reported")}


def _enter_date_and_time(name: str) -> str:
    return (_("Enter the date and time the incident happened") if name == "occurred_at"
            else _("Enter the date and time the incident was reported"))


def _enter_time(name: str) -> str:
    return (_("Enter the time the incident happened") if name == "occurred_at"
            else _("Enter the time the incident was reported"))


@dataclass
class DebriefDetails:
    """What a reviewer records about an incident; the same for the form, the API and the seed."""

    incident_type: str | None = None
    crime_reference: str | None = None
    operation_name: str | None = None
    #: When it happened and was reported. A date alone means the caller could not read the time and
    #: has said why in its format errors: the rules judge the day, and the details are refused.
    occurred_at: datetime | date | None = None
    reported_at: datetime | date | None = None
    area: str | None = None
    summary: str | None = None
    partner_briefing: str | None = None
    themes: list[str] = field(default_factory=list)
    victim_age: int | None = None
    victim_sex: str | None = None
    relationship_to_suspect: str | None = None
    domestic: bool = False
    weapon: str | None = None
    prior_police_contact: bool = False
    meeting_scheduled_for: datetime | None = None

    @classmethod
    def of(cls, debrief: Debrief) -> DebriefDetails:
        values = {f.name: getattr(debrief, f.name) for f in fields(cls) if f.name != "incident_type"}
        return cls(incident_type=debrief.incident_type_code, **values)


def _crime_reference_rule() -> tuple[re.Pattern, str]:
    config = current_app.config
    return re.compile(config["CRIME_REFERENCE_PATTERN"]), config["CRIME_REFERENCE_EXAMPLE"]


def _checked(details: DebriefDetails, errors: dict[str, str], existing: Debrief | None) -> DebriefDetails:
    """The details cleaned, with a message in `errors` for every rule broken."""
    now = utcnow()
    kind = reference_data.incident_type(details.incident_type) if details.incident_type else None
    if not details.incident_type:
        errors.setdefault("incident_type", _("Select the type of incident"))
    elif kind is None or (not kind.active and (existing is None or existing.incident_type_code != kind.code)):
        errors.setdefault("incident_type", _("Select the type of incident from the list"))

    crime_reference = check.text(details.crime_reference, "crime_reference", errors,
                                 label=_l("the crime reference"), required=True,
                                 max_length=check.LIMITS["debrief.crime_reference"])
    if crime_reference and "crime_reference" not in errors:
        crime_reference = re.sub(r"\s+", "", crime_reference).upper()
        pattern, example = _crime_reference_rule()
        if not pattern.fullmatch(crime_reference):
            errors["crime_reference"] = _("Enter the crime reference in the right format, like %(example)s",
                                          example=example)

    # Every rule about when runs whatever else is wrong, so a form shows all its problems at once.
    for name, what in MOMENTS.items():
        if getattr(details, name) is None:
            errors.setdefault(name, _enter_date_and_time(name))
        check.in_the_past(getattr(details, name), name, errors, what=what, now=now)
    check.not_before(details.reported_at, details.occurred_at, "reported_at", errors,
                     what=MOMENTS["reported_at"], earlier_what=_l("it happened"))
    if (details.meeting_scheduled_for and isinstance(details.reported_at, datetime)
            and details.meeting_scheduled_for < details.reported_at):
        errors.setdefault("meeting_scheduled_for", _("The planned meeting must be after the incident was reported"))

    themes = []
    for theme in details.themes or []:
        if check.choice(theme, "themes", errors, Theme, label=_l("themes")) and theme not in themes:
            themes.append(theme)

    if details.victim_age is not None and not 0 <= details.victim_age <= 120:
        errors.setdefault("victim_age", _("The victim's age must be a whole number from 0 to 120"))

    return DebriefDetails(
        incident_type=details.incident_type,
        crime_reference=crime_reference,
        operation_name=check.text(details.operation_name, "operation_name", errors,
                                  label=_l("the operation name"), max_length=check.LIMITS["debrief.operation_name"],
                                  single_line=True),
        occurred_at=details.occurred_at,
        reported_at=details.reported_at,
        area=check.text(details.area, "area", errors, label=_l("the area"), max_length=check.LIMITS["debrief.area"],
                        single_line=True),
        summary=check.text(details.summary, "summary", errors, label=_l("a summary of the incident"),
                           required=True, max_length=check.LIMITS["debrief.summary"]),
        partner_briefing=check.text(details.partner_briefing, "partner_briefing", errors,
                                    label=_l("the partner briefing"), max_length=check.LIMITS["debrief.partner_briefing"]),
        themes=sorted(themes),
        victim_age=details.victim_age,
        victim_sex=check.choice(details.victim_sex, "victim_sex", errors, VictimSex, label=_l("the victim's sex")),
        relationship_to_suspect=check.choice(details.relationship_to_suspect, "relationship_to_suspect",
                                             errors, Relationship,
                                  label=_l("the victim's relationship to the suspect")),
        domestic=bool(details.domestic),
        weapon=check.choice(details.weapon, "weapon", errors, Weapon, label=_l("the weapon")),
        prior_police_contact=bool(details.prior_police_contact),
        meeting_scheduled_for=details.meeting_scheduled_for,
    )


def _duplicate_of(crime_reference: str | None, existing: Debrief | None) -> Conflict | None:
    """The refusal for a crime reference another debrief already has, or None."""
    if not crime_reference:
        return None
    other = db.session.scalar(sa.select(Debrief).where(Debrief.crime_reference == crime_reference))
    if other is None or other is existing:
        return None
    return Conflict("duplicate", _("Crime reference %(crime_reference)s already has a debrief: %(debrief)s.",
                                   crime_reference=crime_reference, debrief=other.reference),
                    {"crime_reference": _("Crime reference %(crime_reference)s already has a debrief, %(debrief)s",
                                          crime_reference=crime_reference, debrief=other.reference)})


def _refuse_duplicate_crime_reference(crime_reference: str | None, existing: Debrief | None) -> None:
    duplicate = _duplicate_of(crime_reference, existing)
    if duplicate is not None:
        raise duplicate


def _validated(details: DebriefDetails, existing: Debrief | None,
               format_errors: dict[str, str] | None) -> DebriefDetails:
    """The details cleaned, or one refusal naming every problem. A crime reference that is taken is a
    409 `duplicate` when nothing else is wrong, and one of the 422's fields when something is."""
    errors: dict[str, str] = {}
    clean = _checked(details, errors, existing)
    errors.update(format_errors or {})  # "not a date" says more than the "enter a date" it caused
    for name in MOMENTS:
        value = getattr(clean, name)
        if isinstance(value, date) and not isinstance(value, datetime) and not format_errors:
            errors.setdefault(name, _enter_time(name))  # a day alone, and the caller said nothing
    duplicate = _duplicate_of(clean.crime_reference, existing) if "crime_reference" not in errors else None
    if errors:
        if duplicate is not None:
            errors.update(duplicate.fields)
        raise ValidationFailed(errors, _("Some of the information is not valid"))
    if duplicate is not None:
        raise duplicate
    return clean


def _apply(debrief: Debrief, details: DebriefDetails) -> None:
    for name, value in asdict(details).items():
        if name == "incident_type":
            debrief.incident_type_code = value
            debrief.incident_type = reference_data.incident_type(value)
        elif name == "themes":
            kept = {row.theme: row for row in debrief.theme_rows}
            debrief.theme_rows = [kept.get(t) or DebriefTheme(theme=t) for t in value]
        else:
            setattr(debrief, name, value)


def _snapshot(debrief: Debrief) -> dict:
    values = asdict(DebriefDetails.of(debrief))
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = value.isoformat()
    return values


def create(details: DebriefDetails, *, actor: User, format_errors: dict[str, str] | None = None) -> Debrief:
    clean = _validated(details, None, format_errors)
    debrief = Debrief(reviewer_id=actor.id)
    _apply(debrief, clean)

    def duplicate_crime_reference(error: IntegrityError) -> None:
        if "crime_reference" in str(error.orig):  # saved by someone else a moment ago
            _refuse_duplicate_crime_reference(debrief.crime_reference, None)

    references.insert_with_next_reference(debrief, on_clash=duplicate_crime_reference)
    audit.record(actor, "created", "debrief", debrief.id, {"reference": debrief.reference, **_snapshot(debrief)},
                 debrief_id=debrief.id)
    clocks.sync_debrief_clocks(debrief, actor)
    return debrief


def update(debrief: Debrief, details: DebriefDetails, *, actor: User,
           format_errors: dict[str, str] | None = None) -> Debrief:
    clean = _validated(details, debrief, format_errors)
    before = _snapshot(debrief)
    reported_before, meeting_before = debrief.reported_at, debrief.meeting_scheduled_for
    _apply(debrief, clean)
    db.session.flush()
    changes = audit.changed(before, _snapshot(debrief))
    if not changes:
        return debrief
    audit.record(actor, "updated", "debrief", debrief.id, changes, debrief_id=debrief.id)
    if debrief.reported_at != reported_before:
        clocks.move_with_reported_at(debrief, actor)
    if debrief.meeting_scheduled_for != meeting_before:
        clocks.move_with_meeting(debrief, actor)
    clocks.sync_debrief_clocks(debrief, actor)
    return debrief


def get(debrief_id: int) -> Debrief | None:
    return db.session.get(Debrief, debrief_id)


def _status_condition(status: DebriefStatus):
    # Derived, not stored: later stages arrive with the report and recommendations.
    if status is DebriefStatus.OPEN:
        return Debrief.meeting_held_at.is_(None)
    if status is DebriefStatus.MEETING_HELD:
        return Debrief.meeting_held_at.is_not(None)
    return sa.false()


def search(*, status: str | None = None, reviewer: User | None = None, page: int = 1,
           per_page: int = 25) -> Page:
    """Debriefs, the most recently reported first. Lists show neither themes nor attendees, so those
    are not loaded."""
    query = matching(status=status, reviewer=reviewer).options(noload(Debrief.theme_rows),
                                                               noload(Debrief.attendees))
    return paginate(query, page, per_page, key=Debrief.id)


def matching(*, status: str | None = None, reviewer: User | None = None) -> sa.Select:
    """The debriefs the list's filters choose, the most recently reported first: for the list
    (`search`) and its CSV export alike. An unknown status is refused here, before anything is read."""
    query = sa.select(Debrief).order_by(Debrief.reported_at.desc(), Debrief.id.desc())
    if status:
        try:
            query = query.where(_status_condition(DebriefStatus(status)))
        except ValueError:
            raise ValidationFailed(
                {"status": _("status must be one of %(statuses)s", statuses=", ".join(s.value for s in DebriefStatus))},
                _("Some of the information is not valid")) from None
    if reviewer is not None:
        query = query.where(Debrief.reviewer_id == reviewer.id)
    return query


def history(debrief: Debrief) -> list[AuditEvent]:
    """Every change to the debrief and its clocks and meeting, oldest first."""
    return list(db.session.scalars(sa.select(AuditEvent).options(joinedload(AuditEvent.actor).noload("*"))
                                   .where(AuditEvent.debrief_id == debrief.id)
                                   .order_by(AuditEvent.at, AuditEvent.id)))


@dataclass(frozen=True)
class Attendee:
    name: str | None
    agency: str | None


def record_meeting(debrief: Debrief, *, held_at: datetime | None, attendees: list[Attendee], actor: User,
                   format_errors: dict[str, str] | None = None) -> None:
    """The rapid debrief meeting was held: when, and who was there. This meets the meeting clock."""
    errors = dict(format_errors or {})
    if held_at is None:
        errors.setdefault("held_at", _("Enter the date and time of the meeting"))
    else:
        check.in_the_past(held_at, "held_at", errors, what=_l("of the meeting"), now=utcnow())
        if held_at < debrief.reported_at:
            errors.setdefault("held_at", _("The meeting must be after the incident was reported"))
    people: list[MeetingAttendee] = []
    for n, attendee in enumerate(attendees, start=1):
        name = check.text(attendee.name, "attendees", errors, label=_("the name of attendee %(number)s", number=n),
                          required=True, max_length=check.LIMITS["meeting.attendee"], single_line=True)
        agency = check.text(attendee.agency, "attendees", errors, label=_("the agency of attendee %(number)s", number=n),
                            required=True, max_length=check.LIMITS["meeting.attendee"], single_line=True)
        people.append(MeetingAttendee(position=n, name=name, agency=agency))
    if not attendees:
        errors.setdefault("attendees", _("Enter at least one person who attended"))
    elif len(attendees) > MAX_ATTENDEES:
        errors["attendees"] = _("Enter at most %(number)d attendees", number=MAX_ATTENDEES)
    if errors:
        raise ValidationFailed(errors, _("Some of the information is not valid"))

    before = {"held_at": debrief.meeting_held_at.isoformat() if debrief.meeting_held_at else None,
              "attendees": [f"{a.name} ({a.agency})" for a in debrief.attendees]}
    debrief.meeting_held_at = held_at
    debrief.attendees = people
    after = {"held_at": held_at.isoformat(), "attendees": [f"{a.name} ({a.agency})" for a in people]}
    audit.record(actor, "meeting_recorded", "debrief", debrief.id, audit.changed(before, after),
                 debrief_id=debrief.id)
    meeting_clock = db.session.scalar(sa.select(Clock).where(Clock.debrief_id == debrief.id,
                                                             Clock.kind == "debrief_meeting"))
    if meeting_clock is None:
        return
    if meeting_clock.met_at is None:
        clocks.mark_met(meeting_clock, at=held_at, actor=actor)
    elif before["held_at"] is not None and meeting_clock.met_at.isoformat() == before["held_at"]:
        clocks.correct_met_time(meeting_clock, at=held_at, actor=actor)  # the record was corrected
