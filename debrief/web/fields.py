"""GOV.UK form fields the service's forms share: a date with a time, read as Europe/London, and
prose with GOV.UK's character count, counting down to the limit the service holds it to."""
from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovDateInput, GovPasswordInput, GovTextInput
from wtforms import DateField, StringField, TextAreaField

from debrief.i18n import number
from debrief.services.clock_calendar import LONDON
from debrief.services.validation import LIMITS

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
            raise ValueError(_("Not a valid date value."))


class DateInput(GovDateInput):
    """GOV.UK's date input, its boxes named in the reader's language (govuk-frontend-wtf writes
    "Day", "Month" and "Year" in English)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        names = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
        for item in params.get("items", []):
            part = str(item.get("id", "")).rsplit("-", 1)[-1]
            if part in names and item.get("label") in ("Day", "Month", "Year"):
                item["label"] = names[part]
        return params


def date_field(label: str, hint: str = _l("For example, 2 11 2026")) -> DateField:
    # govuk-frontend-wtf posts the day, month and year under one name; they arrive as "d m Y".
    return GovDateField(label, format="%d %m %Y", widget=DateInput(), description=hint)


def date_problem(field, message: str) -> dict[str, str]:
    """`{field.name: message}` for a date typed but not real (31 2 2027); {} for a real date or empty
    boxes. The services see only "no date", so the page says why."""
    typed = any((part or "").strip() for part in field.raw_data or [])
    return {field.name: message} if field.data is None and typed else {}


class CharacterCount(GovCharacterCount):
    """GOV.UK's character count (a textarea that counts down as the person types) for a limit the
    service enforces. Typing past it is allowed and shown, never cut off: the service refuses it."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("maxlength", self.max_length)
        params.setdefault("textareaDescriptionText",
                          _("You can enter up to %(num)s characters", num=number(self.max_length)))
        # What the count says as the person types, in the page's language: Welsh has six plural forms
        # (zero is the "at limit" message), and GOV.UK Frontend chooses by the page's `lang`.
        under = _("You have %{count} characters remaining")
        over = _("You have %{count} characters too many")
        params.setdefault("charactersUnderLimitText", {
            "one": _("You have %{count} character remaining"), "two": under, "few": under, "many": under,
            "other": under})
        params.setdefault("charactersAtLimitText", _("You have 0 characters remaining"))
        params.setdefault("charactersOverLimitText", {
            "one": _("You have %{count} character too many"), "two": over, "few": over, "many": over,
            "other": over})
        return params


class PasswordInput(GovPasswordInput):
    """GOV.UK's password input, its show and hide button in the reader's language."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for name, words in (("showPasswordText", _("Show")), ("hidePasswordText", _("Hide")),
                            ("showPasswordAriaLabelText", _("Show password")),
                            ("hidePasswordAriaLabelText", _("Hide password")),
                            ("passwordShownAnnouncementText", _("Your password is visible")),
                            ("passwordHiddenAnnouncementText", _("Your password is hidden"))):
            params.setdefault(name, words)
        return params


def prose_field(label: str, limit: str | int, description: str | None = None) -> TextAreaField:
    """A textarea with a character count. `limit` names the field's entry in `validation.LIMITS`
    (or, for a limit its service keeps itself, is the number)."""
    max_length = LIMITS[limit] if isinstance(limit, str) else limit
    return TextAreaField(label, widget=CharacterCount(max_length), description=description)


def time_field(label: str) -> StringField:
    return StringField(label, widget=GovTextInput(), description=_l("Use the 24-hour clock, for example 23:40"))


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
        errors[name] = (_("The date %(what)s must be a real date, like 2 11 2026", what=what) if typed_a_date
                        else _("Enter the date %(what)s", what=what))
        return None
    raw_time = (time_field_.data or "").strip()
    parsed = parse_time(raw_time)
    if parsed is None:
        errors[name] = (_("The time %(what)s must be on the 24-hour clock, like 23:40", what=what) if raw_time
                        else _("Enter the time %(what)s, for example 23:40", what=what))
        if places is not None:
            places[name] = time_field_.name
        return None
    return london_datetime(day_field.data, parsed)


def read_day_and_time(day_field, time_field_, name: str, errors: dict[str, str], *,
                      what: str) -> datetime | date | None:
    """Like `read_date_and_time`, for a form that shows every problem in one round: a problem with
    the date is recorded under `name` and one with the time under the time field's own name, so each
    box shows its own. With a real date and no readable time, the date alone is returned, so that the
    service can still judge the day (a date in the future, reported before it happened)."""
    typed_a_date = any(part.strip() for part in (day_field.raw_data or []))
    if day_field.data is None:
        errors[name] = (_("The date %(what)s must be a real date, like 2 11 2026", what=what) if typed_a_date
                        else _("Enter the date %(what)s", what=what))
    raw_time = (time_field_.data or "").strip()
    parsed = parse_time(raw_time)
    if parsed is None:
        errors[time_field_.name] = (_("The time %(what)s must be on the 24-hour clock, like 23:40", what=what) if raw_time
                                    else _("Enter the time %(what)s, for example 23:40", what=what))
    if day_field.data is None:
        return None
    return london_datetime(day_field.data, parsed) if parsed is not None else day_field.data


def show_date_and_time(at: datetime | None, day_field, time_field_) -> None:
    """Fills a date field and a time field from a moment, in Europe/London time."""
    if at is not None:
        local = at.astimezone(LONDON)
        day_field.data = local.date()
        time_field_.data = local.strftime("%H:%M")
