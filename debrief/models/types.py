"""Column types shared by the models."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


_as_if: ContextVar[datetime | None] = ContextVar("as_if", default=None)


def utcnow() -> datetime:
    """Now, in UTC; or the moment `as_if_now` set, for a `jobs tick --now` drill."""
    return _as_if.get() or datetime.now(timezone.utc)


@contextmanager
def as_if_now(at: datetime) -> Iterator[None]:
    """Within this block every rule reads the time as `at` (a tick run as if it were then)."""
    if at.tzinfo is None:
        raise ValueError("as_if_now needs an aware datetime")
    token = _as_if.set(at)
    try:
        yield
    finally:
        _as_if.reset(token)


class UTCDateTime(TypeDecorator):
    """A point in time, stored in UTC and always read back timezone-aware.

    SQLite has no time zones and PostgreSQL's `timestamptz` returns the session's zone; this gives
    the same answer on both, so comparisons never mix naive and aware values.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
