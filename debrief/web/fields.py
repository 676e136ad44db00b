"""GOV.UK form fields the service's forms share: a date with a time, read as Europe/London."""
from __future__ import annotations

import re
from datetime import date, datetime, time

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import DateField, StringField

from debrief.services.clock_calendar import LONDON

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


class GovDateField(DateField):
    """A GOV.UK date input: the day, month and year boxes are posted under one name, as "d m Y".

    The widget re-shows exactly three boxes, so a post with a part missing (or extra parts, from a
    hand-made request) is kept as three boxes and read as "not a real date" rather than breaking
    the page."""

    def process_formdata(self, valuelist):
        parts = [str(part) for part in valuelist]
        if len(parts) == 3:
            super().process_formdata(parts)
            return
        self.raw_data = (parts + ["", "", ""])[:3]
        self.data = None
        if any(part.strip() for part in parts):
            raise ValueError("Not a valid date value.")


def date_field(label: str, hint: str = "For example, 2 11 2026") -> DateField:
    # govuk-frontend-wtf posts the day, month and year under one name; they arrive as "d m Y".
    return GovDateField(label, format="%d %m %Y", widget=GovDateInput(), description=hint)


def date_problem(field, message: str) -> dict[str, str]:
    """`{field.name: message}` for a date typed but not real (31 2 2027); {} for a real date or empty
    boxes. The services see only "no date", so the page says why."""
    typed = any((part or "").strip() for part in field.raw_data or [])
    return {field.name: message} if field.data is None and typed else {}


def time_field(label: str) -> StringField:
    return StringField(label, widget=GovTextInput(), description="Use the 24-hour clock, for example 23:40")


def parse_time(raw: str | None) -> time | None:
    match = _TIME.match(raw or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


def london_datetime(day: date | None, clock_time: time | None) -> datetime | None:
    if day is None or clock_time is None:
        return None
    return datetime.combine(day, clock_time, tzinfo=LONDON)


def read_date_and_time(day_field, time_field_, name: str, errors: dict[str, str], *,
                       what: str, places: dict[str, str] | None = None) -> datetime | None:
    """The moment a date field and a time field describe (Europe/London), or None with a message in
    `errors[name]`. `what` finishes the sentence "Enter the date ...", e.g. "the incident happened".

    When the time is what is wrong, `places[name]` names the time field, so the error summary links
    to the box that needs changing rather than to the date."""
    typed_a_date = any(part.strip() for part in (day_field.raw_data or []))
    if day_field.data is None:
        errors[name] = (f"The date {what} must be a real date, like 2 11 2026" if typed_a_date
                        else f"Enter the date {what}")
        return None
    raw_time = (time_field_.data or "").strip()
    parsed = parse_time(raw_time)
    if parsed is None:
        errors[name] = (f"The time {what} must be on the 24-hour clock, like 23:40" if raw_time
                        else f"Enter the time {what}, for example 23:40")
        if places is not None:
            places[name] = time_field_.name
        return None
    return london_datetime(day_field.data, parsed)


def show_date_and_time(at: datetime | None, day_field, time_field_) -> None:
    """Fills a date field and a time field from a moment, in Europe/London time."""
    if at is not None:
        local = at.astimezone(LONDON)
        day_field.data = local.date()
        time_field_.data = local.strftime("%H:%M")
