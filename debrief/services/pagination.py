"""One page of a list, counted in SQL."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from debrief.extensions import db

MAX_PER_PAGE = 200
#: No list is this long; a larger page number is a typing mistake or a probe, and would overflow the
#: database's integer offset.
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int
    more: bool = False  # counted only up to a limit, and there are more than `total`

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(query: sa.Select, page: int, per_page: int, *, key: sa.ColumnElement | None = None,
             count_up_to: int | None = None, total: int | None = None) -> Page:
    """One page of `query`, with the total counted in SQL.

    With `key` (the entity's primary key), the page's keys are found first, from the index alone,
    and only those rows are loaded with what they join to: a deep page then costs no more than the
    first ("deferred join").

    With `count_up_to`, counting stops there (`more` says there are more): for lists whose length
    grows with all history, where "1,000 or more" says all a reader needs and counting every row
    would cost more than the rest of the page.

    With `total`, the caller already knows how many rows the query has (a count the database keeps,
    models/figures.py), and they are not counted again.
    """
    page = min(max(1, page), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    if total is None:
        counted = query.order_by(None) if count_up_to is None else query.limit(count_up_to + 1)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
    more = count_up_to is not None and total > count_up_to
    if more:
        total = count_up_to
    window = query.limit(per_page).offset((page - 1) * per_page)
    if key is not None:
        keys = window.with_only_columns(key).subquery()
        window = query.join(keys, key == keys.c[0])
    items = list(db.session.scalars(window).unique())
    return Page(items=items, total=total or 0, page=page, per_page=per_page, more=more)
