"""Deadline date arithmetic, checked against dates counted by hand on a calendar.

Every expected value below was worked out by hand (the reasoning is in the comment beside it),
never by calling the code under test. Weekdays used: 25 Dec 2026 is a Friday, 26 Mar 2027 (Good
Friday) a Friday, 29 Feb 2028 a Tuesday; BST runs 29 Mar–25 Oct 2026 and 28 Mar–31 Oct 2027,
and the clocks change at 01:00 UTC.
"""
from __future__ import annotations

import socket
from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from debrief.services import clock_calendar
from debrief.services.clock_calendar import (
    LONDON,
    BankHolidayCalendar,
    add_calendar_days,
    add_months,
    days_between,
    end_of_day,
    end_of_following_day,
    london_date,
    start_of_day,
)

D = date
UTC = timezone.utc


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def cal() -> BankHolidayCalendar:
    return BankHolidayCalendar()


# --- adding working days -------------------------------------------------------------------------

WORKING_DAY_CASES = [
    pytest.param(
        D(2026, 12, 21), 5, D(2026, 12, 30),
        # Tue 22=1, Wed 23=2, Thu 24=3, Fri 25 Christmas, Sat 26/Sun 27 weekend,
        # Mon 28 Boxing Day substitute, Tue 29=4, Wed 30=5.
        id="a report on Monday 21 December 2026 has 5 working days to Wednesday 30 December",
    ),
    pytest.param(
        D(2027, 3, 24), 5, D(2027, 4, 2),
        # Thu 25=1, Fri 26 Good Friday, Sat 27/Sun 28 weekend, Mon 29 Easter Monday,
        # Tue 30=2, Wed 31=3, Thu 1 Apr=4, Fri 2 Apr=5.
        id="5 working days from Wednesday 24 March 2027 over Easter end on Friday 2 April",
    ),
    pytest.param(
        D(2027, 3, 24), 15, D(2027, 4, 16),
        # As above to Fri 2 Apr=5; Mon 5..Fri 9 = 6..10; Mon 12..Fri 16 = 11..15.
        id="15 working days from Wednesday 24 March 2027 over Easter end on Friday 16 April",
    ),
    pytest.param(
        D(2027, 3, 22), 15, D(2027, 4, 14),
        # Tue 23=1, Wed 24=2, Thu 25=3, 26-29 Good Friday/weekend/Easter Monday, Tue 30=4,
        # Wed 31=5, Thu 1=6, Fri 2=7, Mon 5..Fri 9 = 8..12, Mon 12=13, Tue 13=14, Wed 14=15.
        id="a rapid review notified on Monday 22 March 2027 is due 15 working days later on 14 April",
    ),
    pytest.param(
        D(2026, 12, 26), 1, D(2026, 12, 29),
        # Starting on Saturday: Sun 27 weekend, Mon 28 Boxing Day substitute, Tue 29=1.
        id="starting on Saturday 26 December 2026 the first working day is Tuesday 29 December",
    ),
    pytest.param(
        D(2026, 12, 25), 1, D(2026, 12, 29),
        # Starting on Christmas Day itself: 26/27 weekend, 28 substitute, Tue 29=1.
        id="starting on Christmas Day 2026 the first working day is Tuesday 29 December",
    ),
    pytest.param(
        D(2027, 3, 26), 1, D(2027, 3, 30),
        # Starting on Good Friday: 27/28 weekend, Mon 29 Easter Monday, Tue 30=1.
        id="starting on Good Friday 2027 the first working day is Tuesday 30 March",
    ),
    pytest.param(
        D(2026, 12, 22), 1, D(2026, 12, 23),
        # Start is a working day but never counts: Wed 23=1.
        id="an ordinary Tuesday plus one working day is the Wednesday",
    ),
    pytest.param(
        D(2026, 11, 6), 1, D(2026, 11, 9),
        # Fri 6 Nov 2026: Sat 7/Sun 8 weekend, Mon 9=1.
        id="a Friday plus one working day is the Monday",
    ),
    pytest.param(
        D(2027, 12, 24), 1, D(2027, 12, 29),
        # Christmas 2027 is a Saturday and Boxing Day a Sunday, so both move: Sat 25/Sun 26,
        # Mon 27 and Tue 28 substitutes, Wed 29=1.
        id="Christmas 2027 on a weekend moves both holidays to Monday 27 and Tuesday 28 December",
    ),
    pytest.param(
        D(2027, 12, 31), 1, D(2028, 1, 4),
        # New Year's Day 2028 is a Saturday: Sat 1/Sun 2, Mon 3 substitute, Tue 4=1.
        id="New Year's Day 2028 on a Saturday moves to Monday 3 January",
    ),
    pytest.param(
        D(2028, 2, 28), 1, D(2028, 2, 29),
        # Mon 28 Feb 2028; Tue 29 Feb is an ordinary working day = 1.
        id="29 February 2028 is a Tuesday and counts as a working day",
    ),
    pytest.param(
        D(2028, 2, 25), 3, D(2028, 3, 1),
        # Fri 25: Sat 26/Sun 27, Mon 28=1, Tue 29=2, Wed 1 Mar=3.
        id="3 working days from Friday 25 February 2028 run through the leap day to 1 March",
    ),
    pytest.param(
        D(2026, 8, 28), 1, D(2026, 9, 1),
        # Fri 28 Aug: Sat 29/Sun 30, Mon 31 summer bank holiday, Tue 1 Sep=1.
        id="the summer bank holiday weekend 2026 is skipped",
    ),
]


@pytest.mark.parametrize(("start", "n", "expected"), WORKING_DAY_CASES)
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(start, n) == expected


@pytest.mark.parametrize("n", [0, -1], ids=["zero working days is refused", "negative is refused"])
def test_add_working_days_needs_at_least_one_day(cal, n):
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 12, 21), n)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(D(2026, 12, 24), True, id="Thursday 24 December 2026 is a working day"),
        pytest.param(D(2026, 12, 25), False, id="Christmas Day 2026 is not a working day"),
        pytest.param(D(2026, 12, 28), False, id="the Boxing Day substitute Monday 28 December 2026 is not"),
        pytest.param(D(2026, 12, 26), False, id="Saturday 26 December 2026 is not"),
        pytest.param(D(2027, 3, 29), False, id="Easter Monday 2027 is not"),
        pytest.param(D(2028, 2, 29), True, id="Tuesday 29 February 2028 is"),
        pytest.param(D(2027, 6, 8), True, id="an ordinary Tuesday in June 2027 is"),
    ],
)
def test_is_working_day(cal, day, expected):
    assert cal.is_working_day(day) is expected


# --- counting working days in a span -------------------------------------------------------------

SPAN_CASES = [
    pytest.param(
        D(2026, 4, 2), D(2026, 4, 7), 1,
        # Easter 2026: Fri 3 Good Friday, Sat 4, Sun 5, Mon 6 Easter Monday, Tue 7 = 1.
        id="from Thursday before Easter 2026 to the Tuesday after is one working day",
    ),
    pytest.param(
        D(2026, 8, 28), D(2026, 9, 4), 4,
        # Sat 29, Sun 30, Mon 31 bank holiday, Tue 1, Wed 2, Thu 3, Fri 4 = 4.
        id="the week after the August 2026 bank holiday weekend has four working days",
    ),
    pytest.param(
        D(2026, 12, 21), D(2026, 12, 30), 5,
        # The same days as the 21 December example: 22, 23, 24, 29, 30.
        id="Monday 21 to Wednesday 30 December 2026 holds five working days",
    ),
    pytest.param(
        D(2026, 12, 24), D(2026, 12, 28), 0,
        # Fri 25 Christmas, Sat 26, Sun 27, Mon 28 substitute: none.
        id="Christmas Eve to the Boxing Day substitute 2026 holds no working days",
    ),
    pytest.param(
        D(2026, 11, 6), D(2026, 11, 8), 0,
        # Fri 6 excluded (after), Sat 7, Sun 8: none.
        id="a Friday to the Sunday after holds no working days",
    ),
    pytest.param(
        D(2027, 2, 27), D(2027, 3, 1), 1,
        # Sat 27 excluded, Sun 28, Mon 1 Mar = 1 (2027 is not a leap year).
        id="a weekend into Monday counts only the Monday",
    ),
    pytest.param(
        D(2028, 2, 27), D(2028, 3, 1), 3,
        # Sun 27 excluded, Mon 28, Tue 29 (leap day), Wed 1 Mar = 3.
        id="the span over 29 February 2028 counts the leap day",
    ),
    pytest.param(
        D(2026, 12, 31), D(2027, 12, 31), 253,
        # 2027 has 365 days from Fri 1 Jan: 52 whole weeks (260 weekdays) + Fri 31 Dec = 261;
        # all eight 2027 bank holidays fall on weekdays: 261 - 8 = 253.
        id="the whole of 2027 has 253 working days",
    ),
    pytest.param(
        D(2027, 12, 31), D(2028, 12, 31), 252,
        # 2028 has 366 days from Sat 1 Jan: 52 whole weeks (260 weekdays) + Sat 30/Sun 31 Dec
        # = 260; all eight 2028 bank holidays fall on weekdays: 260 - 8 = 252.
        id="the whole of leap year 2028 has 252 working days",
    ),
    pytest.param(
        D(2026, 12, 22), D(2026, 12, 22), 0,
        id="a zero-length span holds no working days",
    ),
    pytest.param(
        D(2026, 12, 30), D(2026, 12, 21), 0,
        id="a span that ends before it starts holds no working days rather than a negative count",
    ),
]


@pytest.mark.parametrize(("after", "up_to", "expected"), SPAN_CASES)
def test_working_days_in(cal, after, up_to, expected):
    assert cal.working_days_in(after, up_to) == expected


# --- force-added holidays ------------------------------------------------------------------------

# Easter 2029 is Sunday 1 April, so Good Friday is Friday 30 March and Easter Monday 2 April:
# after the bundled data ends, so a force would add them itself.
EASTER_2029 = [D(2029, 3, 30), D(2029, 4, 2)]


def test_without_the_force_list_2029_easter_counts_as_working_days(cal):
    # Thu 29 Mar 2029 + 1 = Fri 30 Mar, unknown to the bundled data.
    assert cal.add_working_days(D(2029, 3, 29), 1) == D(2029, 3, 30)


def test_a_force_added_holiday_is_skipped():
    force = BankHolidayCalendar(extra_holidays=EASTER_2029)
    # Thu 29: Fri 30 added, Sat 31, Sun 1, Mon 2 added, Tue 3 Apr = 1.
    assert force.add_working_days(D(2029, 3, 29), 1) == D(2029, 4, 3)
    assert not force.is_working_day(D(2029, 3, 30))
    # Wed 28 excluded; Thu 29, Tue 3 = 2 (Fri 30, Mon 2 added; Sat 31, Sun 1 weekend).
    assert force.working_days_in(D(2029, 3, 28), D(2029, 4, 3)) == 2


def test_force_added_weekend_and_duplicate_dates_are_not_subtracted_twice():
    # Sat 5 June 2027 is already a weekend; Christmas 2026 is already a bank holiday.
    force = BankHolidayCalendar(extra_holidays=[D(2027, 6, 5), D(2026, 12, 25)])
    # Fri 4 Jun 2027 excluded; Mon 7..Fri 11 = 5.
    assert force.working_days_in(D(2027, 6, 4), D(2027, 6, 11)) == 5
    assert force.working_days_in(D(2026, 12, 21), D(2026, 12, 30)) == 5


def test_one_forces_holidays_do_not_leak_into_another_calendar():
    BankHolidayCalendar(extra_holidays=EASTER_2029)
    assert BankHolidayCalendar().is_working_day(D(2029, 3, 30))


def test_the_bundled_data_covers_england_and_wales_to_the_end_of_2028(cal):
    assert cal.covered_until == D(2028, 12, 31)


# --- calendar days and months ---------------------------------------------------------------------

CALENDAR_DAY_CASES = [
    pytest.param(D(2028, 2, 28), 1, D(2028, 2, 29), id="the day after 28 February 2028 is the leap day"),
    pytest.param(D(2027, 2, 28), 1, D(2027, 3, 1), id="the day after 28 February 2027 is 1 March"),
    # 27, 28, 29, 1, 2, 3, 4 = seven days.
    pytest.param(D(2028, 2, 26), 7, D(2028, 3, 4), id="7 days from 26 February 2028 is 4 March"),
    # November has 30 days: 2 Nov + 28 = 30 Nov.
    pytest.param(D(2026, 11, 2), 28, D(2026, 11, 30), id="a report due 28 days after 2 November 2026"),
    # 2 Nov + 28 = 30 Nov, + 2 = 2 Dec.
    pytest.param(D(2026, 11, 2), 30, D(2026, 12, 2), id="a homicide index return 30 days after 2 November"),
    # 28 Dec + 7: 29, 30, 31, 1, 2, 3, 4 Jan.
    pytest.param(D(2026, 12, 28), 7, D(2027, 1, 4), id="7 days from 28 December 2026 crosses the year"),
]


@pytest.mark.parametrize(("start", "n", "expected"), CALENDAR_DAY_CASES)
def test_add_calendar_days(start, n, expected):
    assert add_calendar_days(start, n) == expected


MONTH_CASES = [
    pytest.param(D(2028, 1, 31), 1, D(2028, 2, 29), id="31 January 2028 plus a month is the leap day"),
    pytest.param(D(2027, 1, 31), 1, D(2027, 2, 28), id="31 January 2027 plus a month is 28 February"),
    pytest.param(
        D(2028, 2, 29), 12, D(2029, 2, 28),
        id="29 February 2028 plus 12 months is 28 February 2029",
    ),
    pytest.param(D(2027, 3, 31), 1, D(2027, 4, 30), id="31 March plus a month is 30 April"),
    pytest.param(D(2026, 11, 15), 2, D(2027, 1, 15), id="15 November 2026 plus two months crosses the year"),
    pytest.param(
        D(2026, 12, 31), 2, D(2027, 2, 28),
        id="31 December 2026 plus two months is 28 February 2027",
    ),
    pytest.param(D(2026, 6, 10), 1, D(2026, 7, 10), id="an ordinary day keeps its day of the month"),
    pytest.param(D(2027, 3, 31), -1, D(2027, 2, 28), id="minus a month from 31 March 2027 is 28 February"),
]


@pytest.mark.parametrize(("start", "n", "expected"), MONTH_CASES)
def test_add_months(start, n, expected):
    assert add_months(start, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(D(2026, 12, 21), D(2026, 12, 30), 9, id="nine days left from 21 to 30 December"),
        pytest.param(D(2026, 12, 30), D(2026, 12, 30), 0, id="due today is zero days left"),
        pytest.param(D(2027, 1, 2), D(2026, 12, 30), -3, id="three days overdue is minus three"),
        # 28 Feb, 29 Feb, 1 Mar: 2 days from 28 Feb to 1 Mar in 2028.
        pytest.param(D(2028, 2, 28), D(2028, 3, 1), 2, id="the leap day counts in days between"),
    ],
)
def test_days_between(a, b, expected):
    assert days_between(a, b) == expected


# --- London days and British Summer Time ---------------------------------------------------------

END_OF_DAY_CASES = [
    # Spring 2026: clocks go forward at 01:00 UTC on Sunday 29 March.
    pytest.param(D(2026, 3, 28), "2026-03-28T23:59:59", id="Saturday 28 March 2026 ends at 23:59:59Z in GMT"),
    pytest.param(D(2026, 3, 29), "2026-03-29T22:59:59", id="Sunday 29 March 2026 ends at 22:59:59Z in BST"),
    pytest.param(D(2026, 3, 30), "2026-03-30T22:59:59", id="Monday 30 March 2026 ends at 22:59:59Z in BST"),
    # Spring 2027: clocks go forward on Sunday 28 March (Easter Day).
    pytest.param(D(2027, 3, 27), "2027-03-27T23:59:59", id="Saturday 27 March 2027 ends at 23:59:59Z in GMT"),
    pytest.param(D(2027, 3, 28), "2027-03-28T22:59:59", id="Sunday 28 March 2027 ends at 22:59:59Z in BST"),
    pytest.param(D(2027, 3, 29), "2027-03-29T22:59:59", id="Monday 29 March 2027 ends at 22:59:59Z in BST"),
    # Autumn 2026: clocks go back at 01:00 UTC on Sunday 25 October.
    pytest.param(
        D(2026, 10, 24), "2026-10-24T22:59:59",
        id="Saturday 24 October 2026 ends at 22:59:59Z in BST",
    ),
    pytest.param(
        D(2026, 10, 25), "2026-10-25T23:59:59",
        id="Sunday 25 October 2026 ends at 23:59:59Z in GMT",
    ),
    pytest.param(
        D(2026, 10, 26), "2026-10-26T23:59:59",
        id="Monday 26 October 2026 ends at 23:59:59Z in GMT",
    ),
    # Autumn 2027: clocks go back on Sunday 31 October.
    pytest.param(
        D(2027, 10, 30), "2027-10-30T22:59:59",
        id="Saturday 30 October 2027 ends at 22:59:59Z in BST",
    ),
    pytest.param(
        D(2027, 10, 31), "2027-10-31T23:59:59",
        id="Sunday 31 October 2027 ends at 23:59:59Z in GMT",
    ),
    pytest.param(D(2027, 11, 1), "2027-11-01T23:59:59", id="Monday 1 November 2027 ends at 23:59:59Z in GMT"),
    pytest.param(
        D(2026, 6, 30), "2026-06-30T22:59:59",
        id="a midsummer day ends an hour before midnight UTC",
    ),
    pytest.param(D(2028, 2, 29), "2028-02-29T23:59:59", id="the leap day ends at 23:59:59Z"),
]


@pytest.mark.parametrize(("day", "expected"), END_OF_DAY_CASES)
def test_end_of_day_is_london_time_returned_in_utc(day, expected):
    result = end_of_day(day)
    assert result == utc(expected)
    assert result.utcoffset() == timedelta(0)


START_OF_DAY_CASES = [
    # Midnight 29 Mar 2026 is still GMT (the change is at 01:00 UTC).
    pytest.param(D(2026, 3, 29), "2026-03-29T00:00:00", id="Sunday 29 March 2026 starts at midnight UTC"),
    # Midnight 30 Mar is BST: 23:00 UTC the evening before.
    pytest.param(
        D(2026, 3, 30), "2026-03-29T23:00:00",
        id="Monday 30 March 2026 starts at 23:00Z the day before",
    ),
    # Midnight 25 Oct 2026 is still BST.
    pytest.param(
        D(2026, 10, 25), "2026-10-24T23:00:00",
        id="Sunday 25 October 2026 starts at 23:00Z the day before",
    ),
    pytest.param(D(2026, 10, 26), "2026-10-26T00:00:00", id="Monday 26 October 2026 starts at midnight UTC"),
]


@pytest.mark.parametrize(("day", "expected"), START_OF_DAY_CASES)
def test_start_of_day_is_london_midnight_returned_in_utc(day, expected):
    result = start_of_day(day)
    assert result == utc(expected)
    assert result.utcoffset() == timedelta(0)


def test_the_day_the_clocks_go_forward_is_23_hours_and_back_is_25():
    # 00:00 GMT to 23:59:59 BST on 29 Mar 2026: 22:59:59 elapsed; 25 Oct 2026: 24:59:59.
    spring, autumn = D(2026, 3, 29), D(2026, 10, 25)
    assert end_of_day(spring) - start_of_day(spring) == timedelta(hours=22, minutes=59, seconds=59)
    assert end_of_day(autumn) - start_of_day(autumn) == timedelta(hours=24, minutes=59, seconds=59)


LONDON_DATE_CASES = [
    # 23:30Z on 24 Oct is 00:30 BST on 25 Oct.
    pytest.param(
        utc("2026-10-24T23:30:00"), D(2026, 10, 25),
        id="23:30Z on 24 October 2026 is already 25 October",
    ),
    # 00:30Z on 25 Oct is 01:30 BST, the first of the two 01:30s.
    pytest.param(
        utc("2026-10-25T00:30:00"), D(2026, 10, 25),
        id="the repeated hour on 25 October 2026 is that day",
    ),
    # After the change, 23:30Z is 23:30 GMT: still 25 Oct.
    pytest.param(
        utc("2026-10-25T23:30:00"), D(2026, 10, 25),
        id="23:30Z on 25 October 2026 is still 25 October",
    ),
    # 23:30Z on 27 Mar 2027 is 23:30 GMT.
    pytest.param(utc("2027-03-27T23:30:00"), D(2027, 3, 27), id="23:30Z on 27 March 2027 is still 27 March"),
    # 00:30Z on 28 Mar 2027 is 00:30 GMT, before the 01:00Z change.
    pytest.param(utc("2027-03-28T00:30:00"), D(2027, 3, 28), id="00:30Z on 28 March 2027 is 28 March"),
    # 23:30Z on 28 Mar 2027 is 00:30 BST on the 29th.
    pytest.param(
        utc("2027-03-28T23:30:00"), D(2027, 3, 29),
        id="23:30Z on 28 March 2027 is already 29 March",
    ),
    # 23:30Z on 30 June is 00:30 BST on 1 July.
    pytest.param(utc("2026-06-30T23:30:00"), D(2026, 7, 1), id="23:30Z on 30 June 2026 is 1 July"),
    # Winter: 23:30Z is 23:30 GMT.
    pytest.param(
        utc("2026-12-31T23:30:00"), D(2026, 12, 31),
        id="23:30Z on New Year's Eve 2026 is still 2026",
    ),
    # 01:10+02:00 = 23:10Z on 30 June = 00:10 BST 1 July.
    pytest.param(
        datetime.fromisoformat("2026-07-01T01:10:00+02:00"), D(2026, 7, 1),
        id="an instant given in another offset is read in London time",
    ),
    pytest.param(
        datetime(2026, 7, 1, 0, 30, tzinfo=LONDON), D(2026, 7, 1),
        id="a London wall time keeps its date",
    ),
]


@pytest.mark.parametrize(("at", "expected"), LONDON_DATE_CASES)
def test_london_date(at, expected):
    assert london_date(at) == expected


def test_london_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        london_date(datetime(2026, 7, 1, 0, 30))


@pytest.mark.parametrize(
    ("reported_at", "due_date", "due_at"),
    [
        pytest.param(
            # Fri 6 Nov 2026 23:40 GMT = 23:40Z: London date Friday, due Saturday 7 Nov 23:59:59 GMT.
            utc("2026-11-06T23:40:00"), D(2026, 11, 7), "2026-11-07T23:59:59",
            id="a report at 23:40 on a Friday in winter is due by the end of Saturday",
        ),
        pytest.param(
            # Fri 3 Jul 2026 23:40 BST = 22:40Z: London date Friday, due Sat 4 Jul 23:59:59 BST = 22:59:59Z.
            utc("2026-07-03T22:40:00"), D(2026, 7, 4), "2026-07-04T22:59:59",
            id="a report at 23:40 BST on a Friday in summer is due by the end of Saturday",
        ),
        pytest.param(
            # 00:10 BST on Wed 1 Jul 2026 = 23:10Z on 30 Jun. London date 1 Jul, so due 2 Jul
            # (counting from the UTC date would wrongly give 1 Jul).
            utc("2026-06-30T23:10:00"), D(2026, 7, 2), "2026-07-02T22:59:59",
            id="a report at 00:10 BST counts from the London date, not the UTC date",
        ),
        pytest.param(
            # The api.md example: 23:40Z on Mon 2 Nov 2026 is 23:40 GMT, due end of Tue 3 Nov.
            utc("2026-11-02T23:40:00"), D(2026, 11, 3), "2026-11-03T23:59:59",
            id="the api example reported at 23:40 on 2 November 2026 is due by the end of 3 November",
        ),
    ],
)
def test_iopc_end_of_following_day(reported_at, due_date, due_at):
    day = end_of_following_day(london_date(reported_at))
    assert day == due_date
    assert end_of_day(day) == utc(due_at)


# --- guards --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, at: c.is_working_day(at), id="is_working_day refuses a datetime"),
        pytest.param(lambda c, at: c.add_working_days(at, 1), id="add_working_days refuses a datetime"),
        pytest.param(lambda c, at: c.working_days_in(at, at), id="working_days_in refuses a datetime"),
        pytest.param(lambda c, at: add_calendar_days(at, 1), id="add_calendar_days refuses a datetime"),
        pytest.param(lambda c, at: end_of_day(at), id="end_of_day refuses a datetime"),
    ],
)
def test_a_datetime_where_a_date_belongs_is_refused(cal, call):
    # A datetime never equals a date, so it would silently miss every bank holiday.
    with pytest.raises(TypeError):
        call(cal, utc("2026-12-25T12:00:00"))


# --- the bundled data, offline, once ---------------------------------------------------------------


class NetworkUsed(Exception):
    """Not a requests.RequestException: the package would swallow that and fall back quietly."""


def test_the_calendar_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed("the bank holiday calendar tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)
    clock_calendar._bundled_holidays.cache_clear()
    try:
        fresh = BankHolidayCalendar()
        assert not fresh.is_working_day(D(2026, 12, 25))
        assert not fresh.is_working_day(D(2027, 3, 29))
    finally:
        clock_calendar._bundled_holidays.cache_clear()


def test_the_bundled_data_is_read_once_per_process(monkeypatch):
    reads = []
    real = clock_calendar.BankHolidays

    class Counting(real):
        def __init__(self, *args, **kwargs):
            reads.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(clock_calendar, "BankHolidays", Counting)
    clock_calendar._bundled_holidays.cache_clear()
    try:
        BankHolidayCalendar()
        BankHolidayCalendar(extra_holidays=EASTER_2029)
        BankHolidayCalendar()
        assert reads == [{"use_cached_holidays": True}]
    finally:
        clock_calendar._bundled_holidays.cache_clear()
