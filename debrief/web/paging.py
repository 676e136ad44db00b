"""Reading page numbers from the query string of list pages."""
from __future__ import annotations

from collections.abc import Callable

from flask import request

from debrief.services.pagination import MAX_PAGE, Page


def page_number(name: str = "page") -> int:
    """The page asked for; anything that is not a positive whole number means the first page."""
    raw = request.args.get(name, "1")
    # len() first: int() of a 100,000-digit string is slow (and refused by Python since 3.11).
    if len(raw) > len(str(MAX_PAGE)):
        return 1
    # isascii() too: str.isdigit() accepts "²", which int() refuses.
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1


def within_pages(fetch: Callable[[int], Page], page: int) -> Page:
    """`fetch(page)`, or the last page when `page` is past it: an old link to page 3 of a list that
    has since shrunk shows what is left, rather than an empty list that says there is nothing."""
    result = fetch(page)
    if page > result.pages:
        result = fetch(result.pages)
    return result
