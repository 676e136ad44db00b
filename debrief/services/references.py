"""Human references like DB-2026-0042 and REC-2026-0012: the next number in the year, never twice.

Two people saving at the same moment both try the same number; the unique constraint on (year,
number) refuses one, whose savepoint rolls back, and it tries the next number.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from debrief.extensions import db
from debrief.models import ReferenceCounter, utcnow
from debrief.services.clock_calendar import london_date
from debrief.services.errors import Conflict

ATTEMPTS = 20


def insert_with_next_reference(record, *, on_clash: Callable[[IntegrityError], None] | None = None) -> None:
    """Adds `record` (a model with reference_year and reference_number) with the year's next number.
    `on_clash` sees every refused insert first, and may raise a better error when the clash was on
    another unique column (a duplicate crime reference, say); otherwise the next number is tried."""
    model = type(record)
    year = london_date(utcnow()).year
    for _ in range(ATTEMPTS):
        highest = db.session.scalar(sa.select(sa.func.max(model.reference_number)).where(model.reference_year == year))
        record.reference_year, record.reference_number = year, (highest or 0) + 1
        try:
            with db.session.begin_nested():
                db.session.add(record)
        except IntegrityError as error:
            if on_clash is not None:
                on_clash(error)
            continue
        return
    raise Conflict("busy", "Many records are being saved at once. Try saving again.")


def take_numbers(kind: str, year: int, count: int, *, at_least_after: int = 0) -> list[int]:
    """`count` new numbers of `year` for records numbered in bulk (deaths, linked series), after every
    number given before, even to a record since deleted. The caller holds the only writer (the death
    analysis runs one at a time); `at_least_after` is the highest number held, for data numbered
    before the counter existed."""
    counter = db.session.get(ReferenceCounter, (kind, year))
    if counter is None:
        counter = ReferenceCounter(kind=kind, year=year, last_number=0)
        db.session.add(counter)
    first = max(counter.last_number, at_least_after) + 1
    counter.last_number = first + count - 1
    return list(range(first, first + count))
