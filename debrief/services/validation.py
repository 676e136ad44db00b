"""Checks every service applies to what people type, so that each field's rule is written once.

The messages are in the reader's language (gettext). A caller's `label` ("a reason") and `what`
("the incident happened") are phrases set into them: mark them for translation where they are
written (`_l("a reason")`); a plain string is looked up in the catalogue too. In Welsh a label stands
where a soft mutation applies ("Rhowch reswm", "Rhaid i reswm fod ..."), so its Welsh is the mutated form.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from flask_babel import gettext as _

from debrief.i18n import number, with_elision
from debrief.services.clock_calendar import london_date

#: The most any text may hold: for what is not listed in LIMITS (an imported record, a repeat check).
MAX_TEXT = 20_000

#: How many characters each field people type may hold: the one place for each limit. The services
#: refuse more (422 on the API, a message on the page); the forms' character counts show the same
#: number as the person types. Single-line names are short; prose is sized to what the field is for.
LIMITS: dict[str, int] = {
    "debrief.crime_reference": 40,
    "debrief.operation_name": 120,
    "debrief.area": 120,
    "debrief.summary": 10_000,
    "debrief.partner_briefing": 5_000,
    "meeting.attendee": 120,
    "invitation.name": 120,
    "contribution.contact_summary": 5_000,
    # A partner's learning can become a lesson as it stands, so it may be no longer than a lesson.
    "contribution.learning": 5_000,
    "lesson.text": 5_000,
    "recommendation.text": 2_000,
    # Progress, evidence, a response or plan, and the board's rationale on a recommendation.
    "recommendation.note": 5_000,
    "product.title": 200,
    "product.evidence": 5_000,
    "agency.name": 160,
    "incident_type.label": 120,
    "death_match.note": 2_000,
    "linked_series.note": 5_000,
}
# Control characters other than tab and line breaks: PostgreSQL refuses NUL, and none belong in prose;
# nor do lone surrogates (half of a character), which no database can store as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: The range of the database's INTEGER columns (PostgreSQL's are 32-bit): ids, counts, ages.
STORABLE_INTEGER = (-(2**31), 2**31 - 1)


def _phrase(value: object) -> str:
    """A caller's phrase in the reader's language: a lazy string as it is, a plain one looked up."""
    return _(value) if isinstance(value, str) and value else str(value)


def _sentence(message: str) -> str:
    """A message with a caller's phrase set in: a capital first letter ("A reason must be ..."), and in
    Welsh the article joined to the word before it ("Rhaid i’r cyfeirnod ...")."""
    message = with_elision(message)
    return message[:1].upper() + message[1:]


def typed_id(value: str | None) -> int | None:
    """A record's id typed in a box or posted from a list, as text: the id when it is one the
    database could hold, else None ("²" is a digit to str.isdigit, which int() refuses)."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if is_id(number) else None


def is_id(value: object) -> bool:
    """Whether a value read from JSON could be a record's id: a whole number (not true or false) the
    database can hold. Looking up a larger one is an error in the database, not "no such record"."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= STORABLE_INTEGER[1]


def text(value: str | None, field: str, errors: dict[str, str], *, label: str, required: bool = False,
         max_length: int = MAX_TEXT, single_line: bool = False) -> str | None:
    """Trimmed text, or None when empty; records a message in `errors` when the rule is broken.

    Markup is kept as typed: it is escaped wherever it is shown, never interpreted.
    """
    value = (value or "").strip()
    if single_line:
        value = " ".join(value.split())
    if not value:
        if required:
            errors[field] = _sentence(_("Enter %(label)s", label=_phrase(label)))
        return None
    if _CONTROL.search(value):
        errors[field] = _sentence(_("%(label)s contains characters that cannot be stored; remove them",
                                    label=_phrase(label)))
    elif len(value) > max_length:
        errors[field] = _sentence(_("%(label)s must be %(limit)s characters or fewer", label=_phrase(label),
                                    limit=number(max_length)))
    return value


def choice(value: str | None, field: str, errors: dict[str, str], options: type[StrEnum] | set[str], *,
           label: str, required: bool = False) -> str | None:
    if value in (None, ""):
        if required:
            errors[field] = _sentence(_("Select %(label)s", label=_phrase(label)))
        return None
    allowed = {o.value for o in options} if isinstance(options, type) else options
    if value not in allowed:
        errors[field] = _sentence(_("Select %(label)s from the list", label=_phrase(label)))
        return None
    return value


#: Older than this is a typing mistake (a year of 0026), not an incident to review.
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
#: Later than this is a typing mistake too (a year of 9999); and clocks counted from it would
#: overflow the calendar.
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def outside_years(value: date | datetime) -> str | None:
    """What is wrong with a date, or a date-time with an offset, outside 1900–2100 (UTC for a
    date-time), finishing "<field> ..."; None when it is within."""
    if isinstance(value, datetime):
        if value.year <= 1:  # converting to UTC may leave the calendar (0001-01-01T00:00+23:59)
            return _("must be in 1900 or later")
        if value.year >= 9999:
            return _("must be in %(year)s or earlier", year=LATEST.year)
        value = value.astimezone(timezone.utc)
        earliest, latest = EARLIEST, LATEST
    else:
        earliest, latest = EARLIEST.date(), LATEST.date()
    if value < earliest:
        return _("must be in 1900 or later")
    if value > latest:
        return _("must be in %(year)s or earlier", year=LATEST.year)
    return None


#: Clocks on people's computers drift; a few minutes ahead is not "the future".
CLOCK_SKEW = timedelta(minutes=5)


def _day(value: datetime | date) -> date:
    return london_date(value) if isinstance(value, datetime) else value


def in_the_past(value: datetime | date | None, field: str, errors: dict[str, str], *, what: str,
                now: datetime) -> None:
    """An event that has happened: not on a later day, not later today, not before 1900. `what`
    finishes "The date ...", e.g. "the incident happened". A date alone (a form whose time is still
    to be given) is judged as far as a day can be, so its problems show in the same round."""
    if value is None:
        return
    if _day(value) > london_date(now):
        errors.setdefault(field, _sentence(_("The date %(what)s must be today or in the past", what=_phrase(what))))
    elif isinstance(value, datetime) and value > now + CLOCK_SKEW:
        errors.setdefault(field, _sentence(_("The time %(what)s must be in the past", what=_phrase(what))))
    elif _day(value) < EARLIEST.date():
        errors.setdefault(field, _sentence(_("The date %(what)s must be in 1900 or later", what=_phrase(what))))


def not_before(later: datetime | date | None, earlier: datetime | date | None, field: str,
               errors: dict[str, str], *, what: str, earlier_what: str) -> None:
    """`later` is the same moment as `earlier` or after it: "The date {what} must be the same as or
    after the date {earlier_what}" when the days are the wrong way round, "The time ..." when only
    the times are. Dates alone are compared by day."""
    if later is None or earlier is None:
        return
    if _day(later) < _day(earlier):
        errors.setdefault(field, _sentence(_("The date %(what)s must be the same as or after the date %(earlier_what)s",
                                   what=_phrase(what), earlier_what=_phrase(earlier_what))))
    elif isinstance(later, datetime) and isinstance(earlier, datetime) and later < earlier:
        errors.setdefault(field, _sentence(_("The time %(what)s must be the same as or after the time %(earlier_what)s",
                                   what=_phrase(what), earlier_what=_phrase(earlier_what))))
