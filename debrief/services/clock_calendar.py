"""Date arithmetic for deadline clocks: working days, calendar days, months, London midnight.

Counting follows api.md "Deadlines": day 1 is the day after the start event, and a clock ends at
23:59:59 Europe/London on its last day. Working days skip Saturdays, Sundays and England and Wales
bank holidays. Pure functions of dates: no Flask, no database, no network.

Every function takes `date`, never `datetime`: a datetime's date part is its UTC date, which is the
wrong day for an event between midnight and 01:00 BST. Convert with `london_date` first.
"""
from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from govuk_bank_holidays.bank_holidays import BankHolidays

LONDON = ZoneInfo("Europe/London")
_DAY = timedelta(days=1)
_SATURDAY = 5


def _require_date(value: date) -> None:
    # datetime is a subclass of date but never equals one, so a datetime would silently miss
    # every bank holiday in the set.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}; use london_date() first")


@lru_cache(maxsize=1)
def _bundled_holidays() -> tuple[frozenset[date], date]:
    """England and Wales bank holidays from the package's bundled file, read once per process.

    `use_cached_holidays=True` is what keeps this offline: without it the package fetches GOV.UK.
    Returns the dates and the last day of the last year the data covers.
    """
    data = BankHolidays(use_cached_holidays=True)
    dates = frozenset(h["date"] for h in data.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))
    return dates, date(max(dates).year, 12, 31)


def _weekdays_through(d: date) -> int:
    """Mon–Fri days from 1 Jan 0001 (a Monday, ordinal 1) to d inclusive."""
    weeks, extra = divmod(d.toordinal(), 7)
    return 5 * weeks + min(extra, 5)


class BankHolidayCalendar:
    """Working days in England and Wales: weekdays that are not bank holidays.

    `extra_holidays` are dates a force adds in its policy file, for holidays announced after the
    bundled data was published. Dates after `covered_until` are only weekday-checked unless a
    force lists them, so callers can warn when a clock runs past it.
    """

    def __init__(self, extra_holidays: Iterable[date] = ()) -> None:
        bundled, self.covered_until = _bundled_holidays()
        extras = frozenset(extra_holidays)
        for extra in extras:
            _require_date(extra)
        self._holidays = bundled | extras if extras else bundled
        # Only weekday holidays change a count of weekdays; sorted for bisecting ranges.
        self._weekday_holidays = sorted(d for d in self._holidays if d.weekday() < _SATURDAY)

    def is_working_day(self, d: date) -> bool:
        _require_date(d)
        return d.weekday() < _SATURDAY and d not in self._holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start; start itself never counts, even if it is a working day."""
        _require_date(start)
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        day = start
        while n:
            day += _DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_in(self, after: date, up_to: date) -> int:
        """Working days d with after < d <= up_to: days used or days left on a working-day clock."""
        _require_date(after)
        _require_date(up_to)
        if up_to <= after:
            return 0
        weekdays = _weekdays_through(up_to) - _weekdays_through(after)
        holidays = bisect_right(self._weekday_holidays, up_to) - bisect_right(self._weekday_holidays, after)
        return weekdays - holidays


def add_calendar_days(start: date, n: int) -> date:
    """Day 1 is the day after start, so the n-th day is simply start + n."""
    _require_date(start)
    return start + timedelta(days=n)


def add_months(start: date, n: int) -> date:
    """Same day of the month n months on, clamped to that month's last day (31 Jan + 1 → 28/29 Feb)."""
    _require_date(start)
    year, month0 = divmod(start.year * 12 + start.month - 1 + n, 12)
    month = month0 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_of_following_day(start: date) -> date:
    """IOPC referral: due by the end of the day after the London date of the incident report."""
    return add_calendar_days(start, 1)


def london_date(at: datetime) -> date:
    """The day an instant falls on in London; 23:30Z in summer is already tomorrow there."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("london_date needs an aware datetime")
    return at.astimezone(LONDON).date()


def end_of_day(d: date) -> datetime:
    """23:59:59 London time on d, in UTC: 22:59:59Z during BST, 23:59:59Z during GMT."""
    _require_date(d)
    return datetime.combine(d, time(23, 59, 59), tzinfo=LONDON).astimezone(timezone.utc)


def start_of_day(d: date) -> datetime:
    """00:00:00 London time on d, in UTC (midnight always exists: the clocks change at 01:00 UTC)."""
    _require_date(d)
    return datetime.combine(d, time(0, 0), tzinfo=LONDON).astimezone(timezone.utc)


def days_between(a: date, b: date) -> int:
    """(b - a) in days: positive for days left until b, negative once b has passed."""
    _require_date(a)
    _require_date(b)
    return (b - a).days
