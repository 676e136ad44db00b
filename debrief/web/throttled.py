"""The page for an attempt too many: says how long to wait, and Retry-After says it to machines."""
from __future__ import annotations

from debrief.errors import error_page
from debrief.services.throttling import TooManyAttempts


def too_many_attempts(error: TooManyAttempts):
    body, status = error_page(error.status, error.message)
    return body, status, {"Retry-After": str(error.retry_after)}
