"""Reading a JSON request body into typed values, collecting a message for every field that is wrong
(returned together as one 422, as api.md asks)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import request
from flask_babel import gettext as _

from debrief.i18n import number

from debrief.services import validation
from debrief.services.errors import ValidationFailed
from debrief.services.pagination import MAX_PAGE, MAX_PER_PAGE


class BodyReader:
    def __init__(self, data: dict[str, Any], allowed: set[str]):
        self.data = data
        self.errors: dict[str, str] = {
            name: _("is not a field this endpoint accepts") for name in data if name not in allowed
        }

    def has(self, name: str) -> bool:
        return name in self.data

    def text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None or isinstance(value, str):
            return value
        self.errors[name] = _("must be a string")
        return None

    def integer(self, name: str) -> int | None:
        """A whole number the database can store (ids, counts, ages: none is near the limit)."""
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.errors[name] = _("must be a whole number")
        elif not validation.STORABLE_INTEGER[0] <= value <= validation.STORABLE_INTEGER[1]:
            self.errors[name] = _("must be %(most)s or less, and not below %(least)s",
                                  most=number(validation.STORABLE_INTEGER[1]), least=number(validation.STORABLE_INTEGER[0]))
        else:
            return value
        return None

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        self.errors[name] = _("must be true or false")
        return default

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if value is None:
            return []
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        self.errors[name] = _("must be a list of strings")
        return []

    def datetime(self, name: str) -> datetime | None:
        value = self.data.get(name)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.errors[name] = _("must be an ISO 8601 date-time, like 2026-11-02T23:40:00+00:00")
        elif parsed.tzinfo is None:
            self.errors[name] = _("must include a UTC offset, like 2026-11-02T23:40:00+00:00")
            parsed = None
        elif problem := validation.outside_years(parsed):
            self.errors[name] = problem
            parsed = None
        return parsed

    def date(self, name: str) -> date | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 10:
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if problem := validation.outside_years(parsed):
                    self.errors[name] = problem
                    return None
                return parsed
        self.errors[name] = _("must be a date, like 2026-12-21")
        return None


def page_arguments() -> tuple[int, int]:
    """?page= and ?per_page= (at most 200), or a 422 naming the one that is wrong."""
    errors = {}
    values = {}
    for name, default in (("page", 1), ("per_page", 25)):
        raw = request.args.get(name, str(default))
        # isascii: "²".isdigit() is true. The length before int(): int() of a huge string is slow or refused.
        digits = raw.lstrip("0")
        if not (raw.isascii() and raw.isdigit()) or not digits:
            errors[name] = _("must be a whole number, 1 or more")
        else:
            values[name] = int(digits) if len(digits) <= len(str(MAX_PAGE)) else MAX_PAGE + 1
    if values.get("page", 0) > MAX_PAGE:
        errors["page"] = _("must be %(most)s or fewer", most=number(MAX_PAGE))
    if values.get("per_page", 0) > MAX_PER_PAGE:
        errors["per_page"] = _("must be %(most)s or fewer", most=number(MAX_PER_PAGE))
    if errors:
        raise ValidationFailed(errors)
    return values["page"], values["per_page"]
