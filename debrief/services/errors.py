"""What a service raises when a rule says no. The web pages and the API each turn these into
their own kind of answer (a form error, or the JSON error shape in api.md).

`message` and the `fields`' messages are for a person, in their language (gettext where they are
raised); `code` and the `fields`' keys are for programs and never change."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString


class RuleBroken(Exception):
    """Base class: a request that the rules refuse. `code` is the API's error code; `details`, more
    for programs beside `message` and `fields` in the API's error object."""

    code = "bad_request"
    status = 400
    details: dict = {}

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        message = str(message)  # a lazy string never reaches JSON or a log
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        for name, value in self.fields.items():
            if isinstance(value, LazyString):
                self.fields[name] = str(value)


class ValidationFailed(RuleBroken):
    code = "validation_error"
    status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(message or _("Some of the information is not valid"), fields)


class Conflict(RuleBroken):
    """409: the request clashes with the state of the record (`duplicate`, `stale`, ...)."""

    status = 409

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message, fields)
        self.code = code


class NotFound(RuleBroken):
    code = "not_found"
    status = 404


class NotAllowed(RuleBroken):
    code = "forbidden"
    status = 403


class Gone(RuleBroken):
    """410: the link was real but has expired or been withdrawn."""

    code = "gone"
    status = 410


class PersonalData(RuleBroken):
    """The anonymiser found personal data where none may be (the national library, issue 25).
    `redactions` are its spans in the text, as api.md's anonymiser gives them; 422 at the library,
    and a force passes the library's refusal on as a 409."""

    code = "personal_data"
    status = 422

    def __init__(self, message: str, redactions: list[dict], fields: dict[str, str] | None = None,
                 status: int = 422):
        super().__init__(message, fields)
        self.status = status
        self.details = {"redactions": redactions}
