"""This force's calls to the national library (api.md "Learning across forces"; LIBRARY_URL,
LIBRARY_TOKEN): publish an item, withdraw one, list items and forces, report what this force did with
items.

Every failure is one of two kinds, so that callers can keep their promise that nothing is lost:
`Unreachable` (not configured, no answer, a timeout, the library's own error, or a refusal that
may pass: a token not accepted yet, too many requests) means try again later; `Refused` means the
library read the request and says no (personal data found, a field it does not accept). The token
is never logged.
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

#: Answers that may pass if asked again later: the token not (yet) known, throttling, a timeout.
_TRY_AGAIN = {401, 403, 408, 425, 429}
#: Items asked for per page when reading them all (api.md's most).
PAGE = 200


class Unreachable(Exception):
    """The library did not answer, or not in a way that settles anything: try again later."""


class Refused(Exception):
    """The library read the request and refused it: `code` (api.md's error code), its message, and
    for personal data the spans it found (offsets into the text sent)."""

    def __init__(self, status: int, code: str, message: str, redactions: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.redactions = redactions or []


def configured() -> bool:
    return bool(current_app.config["LIBRARY_URL"] and current_app.config["LIBRARY_TOKEN"])


def _call(method: str, path: str, body: dict | None = None, query: dict | None = None) -> tuple[int, Any]:
    if not configured():
        raise Unreachable("The national library is not configured here (LIBRARY_URL, LIBRARY_TOKEN).")
    url = current_app.config["LIBRARY_URL"] + "/api/v1/library" + path
    if query:
        url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v not in (None, "")}, doseq=True)
    request = urllib.request.Request(
        url, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {current_app.config['LIBRARY_TOKEN']}", "Accept": "application/json",
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=current_app.config["LIBRARY_TIMEOUT"]) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (OSError, ValueError) as error:  # refused, reset, timed out, a name that does not resolve
        log.warning("The national library could not be reached: %s", type(error).__name__)
        raise Unreachable(f"The national library could not be reached ({type(error).__name__}).") from None
    try:
        answer = json.loads(raw) if raw else {}
    except ValueError:
        answer = {}
    if status < 300:
        return status, answer
    error = answer.get("error") if isinstance(answer, dict) and isinstance(answer.get("error"), dict) else {}
    message = str(error.get("message") or f"The national library answered {status}.")[:400]
    if status >= 500 or status in _TRY_AGAIN:
        log.warning("The national library answered %s to %s %s", status, method, path.split("?")[0])
        raise Unreachable(message)
    raise Refused(status, str(error.get("code") or "refused"), message,
                  [r for r in error.get("redactions") or [] if isinstance(r, dict)])


def publish(item: dict) -> int:
    """Sends an item (api.md's fields); the library's id for it. Sending the same source_reference
    again updates that item."""
    _, answer = _call("POST", "/items", item)
    return int(answer["id"])


def withdraw(library_id: int) -> None:
    """Withdraws an item this force published; one the library no longer knows is withdrawn already."""
    try:
        _call("DELETE", f"/items/{int(library_id)}")
    except Refused as refused:
        if refused.status != 404:
            raise


def items(**query) -> dict:
    """One page of the library's items: {"items", "total", "page", "per_page"} (api.md's list)."""
    return _page("/items", query)


def every_item(**query):
    """Every item the query finds, page after page (the library's largest pages)."""
    return _every("/items", query)


def forces() -> list[dict]:
    """Every force at the library: [{"id", "name"}], by name."""
    return list(_every("/forces", {}))


def _page(path: str, query: dict) -> dict:
    _, answer = _call("GET", path, query=query)
    if not isinstance(answer, dict) or not isinstance(answer.get("items"), list) \
            or not all(isinstance(answer.get(name, 1), int) for name in ("total", "page", "per_page")):
        raise Unreachable("The national library's answer was not a list.")
    return answer


def _every(path: str, query: dict):
    page = 1
    while True:
        answer = _page(path, {**query, "page": page, "per_page": PAGE})
        yield from (row for row in answer["items"] if isinstance(row, dict))
        if not answer["items"] or page * PAGE >= int(answer.get("total") or 0):
            return
        page += 1


def report_uses(taken: list[int], found_as_repeat: list[int]) -> dict:
    _, answer = _call("POST", "/uses", {"taken": taken, "found_as_repeat": found_as_repeat})
    return answer
