"""Reading page numbers from the query string of list pages."""
from __future__ import annotations

from flask import request


def page_number(name: str = "page") -> int:
    """The page asked for; anything that is not a positive whole number means the first page."""
    raw = request.args.get(name, "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
