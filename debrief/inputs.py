"""What every request is held to at the door, before any view runs: ids in addresses that the
database can store, and JSON bodies that parse safely. Beyond these a view sees only ordinary values."""
from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from debrief.services.validation import STORABLE_INTEGER


class StoredIdConverter(IntegerConverter):
    """`<int:...>` in every route: a whole number the database's INTEGER columns can hold. A larger
    one names no record, so the route does not match and the answer is a 404 (rather than the
    database refusing the query: a 500 on PostgreSQL, and on SQLite past 64 bits)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=STORABLE_INTEGER[1] if max is None else max, signed=signed)

    def to_python(self, value: str) -> int:
        # int() of thousands of digits is slow, and past 4,300 refused: too long is simply too large.
        if len(value.lstrip("-0")) > len(str(STORABLE_INTEGER[1])):
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return super().to_python(value)


def _lone_surrogate(value: Any) -> bool:
    """Whether any string in a parsed JSON document (keys included) holds half a character: JSON's
    "\\ud800" escape parses to one, and no database can store it as UTF-8."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with bodies it cannot use refused as "not JSON" (a 400, api.md) rather than a
    500: nesting too deep for the parser, and strings with a lone surrogate."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError(_("The JSON is nested too deeply.")) from None
        if _lone_surrogate(value):
            raise ValueError(_("The JSON has a string with an unpaired surrogate (half a character)."))
        return value
