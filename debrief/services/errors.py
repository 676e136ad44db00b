"""What a service raises when a rule says no. The web pages and the API each turn these into
their own kind of answer (a form error, or the JSON error shape in api.md)."""
from __future__ import annotations


class RuleBroken(Exception):
    """Base class: a request that the rules refuse. `code` is the API's error code."""

    code = "bad_request"
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(RuleBroken):
    code = "validation_error"
    status = 422

    def __init__(self, fields: dict[str, str], message: str = "Some of the information is not valid"):
        super().__init__(message, fields)


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
