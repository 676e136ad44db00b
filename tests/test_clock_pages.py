"""Deadline clocks as a reviewer works them: marking one met, extending, pausing and resuming it, and
the reviewer's home page that shows what is overdue and what is due soon across every debrief.

Debriefs are opened through the form. Where a page's answer depends on today (overdue, due soon),
the dates are worked out from today in London; the rest are fixed dates worked out by hand.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from debrief.models import Clock
from debrief.services import clocks
from tests.conftest import csrf_token_from
from tests.builders import (
    REVIEWER, clock_id, counts, london_today, open_debrief_through_form, post_form,
)
from tests.html import (
    ESCAPED_SCRIPT, SCRIPT, deadlines, error_summary, history, input_value, long_date, parse, parts,
    success_banner, table_rows,
)


@pytest.fixture
def reviewer(make_user, browser_of):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    return browser_of(REVIEWER)


def act(browser, clock: int, action: str, data: dict):
    return post_form(browser, f"/deadlines/{clock}/{action}", data)


def refused(read_db, browser, clock: int, action: str, data: dict) -> tuple[str, list]:
    before = counts(read_db)
    stored_before = read_db(lambda s: _clock_facts(s.get(Clock, clock)))
    response = act(browser, clock, action, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400, error_summary(html)
    assert counts(read_db) == before
    assert read_db(lambda s: _clock_facts(s.get(Clock, clock))) == stored_before
    assert parse(html).find("title").text.startswith("Error: ")
    return html, error_summary(html)


def _clock_facts(clock: Clock) -> tuple:
    return (clock.due_date, clock.met_at, clock.paused_at, clock.pause_reason, clock.extension_reason)


def returned_to_debrief(browser, response, debrief_id: int) -> str:
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    assert response.headers["Location"] == f"/debriefs/{debrief_id}#deadlines"
    return browser.get(response.headers["Location"]).get_data(as_text=True)


def action_links(html: str, deadline: str) -> list[str]:
    return [link.text.split(":")[0] for link in parse(html).find_all("a")
            if link.text.endswith(f": {deadline}") and "/deadlines/" in (link.attrs.get("href") or "")]


# Marking a deadline met ------------------------------------------------------------------------------


def test_the_met_page_suggests_now(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    html = reviewer.get(f"/deadlines/{iopc}/met").get_data(as_text=True)
    day, month, year = (int(input_value(html, f"met_on-{p}")) for p in ("day", "month", "year"))
    hour, minute = (int(v) for v in input_value(html, "met_time").split(":"))
    suggested = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/London"))
    assert abs(datetime.now(ZoneInfo("Europe/London")) - suggested) < timedelta(minutes=2)
    assert parse(html).find("h1").text == "When was this done?"
    assert "IOPC referral" in parse(html).find("span", cls="govuk-caption-l").text
    assert "Due Tuesday 3 November 2026" in html


def test_reviewer_marks_the_iopc_referral_met(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    html = returned_to_debrief(reviewer, act(reviewer, iopc, "met", {"met_on": ["3", "11", "2026"],
                                                                     "met_time": "09:15"}), debrief_id)
    assert success_banner(html) == "IOPC referral: marked as met."
    row = deadlines(html)["IOPC referral"]
    assert row[2] == "Met"
    assert "Met 3 November 2026 at 09:15" in row[1]
    assert action_links(html, "IOPC referral") == []  # nothing more to do to a met deadline
    assert history(html)[0] == "Deadline met: IOPC referral"
    met_at = read_db(lambda s: s.get(Clock, iopc).met_at)
    assert met_at == datetime(2026, 11, 3, 9, 15, tzinfo=ZoneInfo("UTC"))


def test_a_met_time_in_summer_is_read_as_london_time(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, occurred_on=["1", "7", "2026"], reported_on=["1", "7", "2026"],
                              prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    act(reviewer, iopc, "met", {"met_on": ["2", "7", "2026"], "met_time": "00:30"})
    # 00:30 British Summer Time is 23:30 UTC the day before.
    assert read_db(lambda s: s.get(Clock, iopc).met_at) == datetime(2026, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert "Met 2 July 2026 at 00:30" in deadlines(html)["IOPC referral"][1]


@pytest.mark.parametrize("data, message, link", [
    ({"met_on": ["2", "11", "2026"], "met_time": "22:00"},
     "The time it was met must be after the clock started (2 November 2026 at 23:40)", "#met_on-day"),
    ({"met_on": ["31", "11", "2026"], "met_time": "09:00"},
     "The date it was met must be a real date, like 2 11 2026", "#met_on-day"),
    ({"met_on": ["", "", ""], "met_time": "09:00"}, "Enter the date it was met", "#met_on-day"),
    ({"met_on": ["3", "11", "2026"], "met_time": "9am"},
     "The time it was met must be on the 24-hour clock, like 23:40", "#met_time"),
    ({"met_on": ["3", "11", "2026"], "met_time": ""}, "Enter the time it was met, for example 23:40", "#met_time"),
])
def test_a_met_date_that_cannot_be_right_is_refused(reviewer, read_db, data, message, link):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    html, summary = refused(read_db, reviewer, iopc, "met", data)
    assert summary == [(message, link)]
    assert [input_value(html, f"met_on-{p}") for p in ("day", "month", "year")] == data["met_on"]


def test_a_met_date_in_the_future_is_refused(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    tomorrow = london_today() + timedelta(days=1)
    _, summary = refused(read_db, reviewer, iopc, "met", {"met_on": parts(tomorrow), "met_time": "09:00"})
    assert summary == [("The time it was met must be now or in the past", "#met_on-day")]


def test_a_deadline_already_met_cannot_be_met_extended_or_paused_again(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    act(reviewer, iopc, "met", {"met_on": ["3", "11", "2026"], "met_time": "09:15"})
    # A second tab still shows the forms.
    for action, data, message in [
        ("met", {"met_on": ["4", "11", "2026"], "met_time": "10:00"},
         "IOPC referral was already met on 3 November 2026 at 09:15."),
        ("extend", {"due_date": ["1", "12", "2026"], "reason": "Late"},
         "IOPC referral is already met; it cannot be extended."),
        ("pause", {"reason": "Waiting"}, "IOPC referral is already met; it cannot be paused."),
        ("resume", {"reason": "Back"}, "IOPC referral is not paused."),
    ]:
        _, summary = refused(read_db, reviewer, iopc, action, data)
        assert summary == [(message, None)], action


def test_a_form_opened_for_a_deadline_already_met_goes_back_to_the_debrief_and_says_why(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    act(reviewer, iopc, "met", {"met_on": ["3", "11", "2026"], "met_time": "09:15"})
    for action in ("met", "extend", "pause", "resume"):
        response = reviewer.get(f"/deadlines/{iopc}/{action}")
        assert response.status_code == 302, action
        assert response.headers["Location"] == f"/debriefs/{debrief_id}#deadlines"
        html = reviewer.get(response.headers["Location"]).get_data(as_text=True)
        assert "IOPC referral is already met, so that cannot be done now." in html


# Extending -------------------------------------------------------------------------------------------


def test_reviewer_extends_a_deadline_with_a_reason(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    meeting = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    page = reviewer.get(f"/deadlines/{meeting}/extend").get_data(as_text=True)
    assert parse(page).find("h1").text == "Extend this deadline"
    assert "Due Monday 9 November 2026" in page

    html = returned_to_debrief(reviewer, act(reviewer, meeting, "extend", {
        "due_date": ["16", "11", "2026"], "reason": "Family liaison asked us to wait for the funeral."}), debrief_id)
    assert success_banner(html) == "Rapid debrief meeting: deadline extended."
    row = deadlines(html)["Rapid debrief meeting"]
    assert row[1].startswith("Monday 16 November 2026")
    assert "Extended: Family liaison asked us to wait for the funeral." in row[0]
    assert history(html)[0] == ("Deadline extended: Rapid debrief meeting now due Monday 16 November 2026. "
                                "Reason: Family liaison asked us to wait for the funeral.")


@pytest.mark.parametrize("data, expected", [
    ({"due_date": ["16", "11", "2026"], "reason": "  "}, [("Enter a reason", "#reason")]),
    ({"due_date": ["9", "11", "2026"], "reason": "Waiting"},
     [("The new due date must be after the current one (9 November 2026)", "#due_date-day")]),
    ({"due_date": ["1", "11", "2026"], "reason": "Waiting"},
     [("The new due date must be after the current one (9 November 2026)", "#due_date-day")]),
    ({"due_date": ["31", "11", "2026"], "reason": "Waiting"},
     [("The new due date must be a real date, like 30 12 2026", "#due_date-day")]),
    ({"due_date": ["", "", ""], "reason": "Waiting"}, [("Enter the new due date", "#due_date-day")]),
    ({"due_date": ["31", "11", "2026"], "reason": ""},
     [("The new due date must be a real date, like 30 12 2026", "#due_date-day"), ("Enter a reason", "#reason")]),
    ({"due_date": ["16", "11", "2026"], "reason": "r" * 2_001},
     [("A reason must be 2,000 characters or fewer", "#reason")]),
])
def test_an_extension_needs_a_later_real_date_and_a_reason(reviewer, read_db, data, expected):
    debrief_id = open_debrief_through_form(reviewer)
    meeting = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    html, summary = refused(read_db, reviewer, meeting, "extend", data)
    assert summary == expected
    assert input_value(html, "reason") == data["reason"]
    assert [input_value(html, f"due_date-{p}") for p in ("day", "month", "year")] == data["due_date"]


# Pausing and resuming --------------------------------------------------------------------------------


def test_reviewer_pauses_and_resumes_a_deadline_with_reasons(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    report = clock_id(read_db, debrief_id, "Debrief report issued")

    page = reviewer.get(f"/deadlines/{report}/pause").get_data(as_text=True)
    assert parse(page).find("h1").text == "Pause Debrief report issued"
    assert parse(page).find("label", for_="reason").text == "Why is this deadline paused?"
    html = returned_to_debrief(reviewer, act(reviewer, report, "pause", {"reason": "Coroner asked us to hold."}),
                               debrief_id)
    assert success_banner(html) == "Debrief report issued: paused. It will not become overdue while paused."
    row = deadlines(html)["Debrief report issued"]
    assert row[2] == "Paused"
    assert "Paused: Coroner asked us to hold." in row[0]
    assert action_links(html, "Debrief report issued") == ["Resume", "Mark as met"]
    assert history(html)[0] == "Deadline paused: Debrief report issued. Reason: Coroner asked us to hold."

    html = returned_to_debrief(reviewer, act(reviewer, report, "resume", {"reason": "Coroner is content."}),
                               debrief_id)
    assert success_banner(html) == ("Debrief report issued: running again. "
                                    "Its due date moved on by the days it was paused.")
    row = deadlines(html)["Debrief report issued"]
    assert row[2] != "Paused"
    assert "Paused:" not in row[0]
    assert action_links(html, "Debrief report issued") == ["Mark as met", "Extend", "Pause"]
    # Paused and resumed on the same day: no days to add.
    assert history(html)[0] == ("Deadline resumed: Debrief report issued now due Monday 30 November 2026. "
                                "Reason: Coroner is content.")


def test_pausing_and_resuming_need_a_reason(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    report = clock_id(read_db, debrief_id, "Debrief report issued")
    html, summary = refused(read_db, reviewer, report, "pause", {"reason": ""})
    assert summary == [("Enter a reason", "#reason")]
    assert parse(html).find("label", for_="reason").text == "Why is this deadline paused?"

    act(reviewer, report, "pause", {"reason": "Coroner asked us to hold."})
    _, summary = refused(read_db, reviewer, report, "resume", {"reason": " \n "})
    assert summary == [("Enter a reason", "#reason")]
    _, summary = refused(read_db, reviewer, report, "pause", {"reason": "Again"})
    assert summary == [("Debrief report issued is already paused.", None)]


def test_a_paused_deadline_can_be_marked_met(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    report = clock_id(read_db, debrief_id, "Debrief report issued")
    act(reviewer, report, "pause", {"reason": "Coroner asked us to hold."})
    html = returned_to_debrief(reviewer, act(reviewer, report, "met", {"met_on": ["20", "11", "2026"],
                                                                        "met_time": "16:00"}), debrief_id)
    assert deadlines(html)["Debrief report issued"][2] == "Met"
    assert action_links(html, "Debrief report issued") == []


def test_reasons_are_shown_escaped_on_the_debrief_page_and_in_its_history(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    meeting = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    report = clock_id(read_db, debrief_id, "Debrief report issued")
    act(reviewer, meeting, "extend", {"due_date": ["16", "11", "2026"], "reason": f"Extend {SCRIPT}"})
    act(reviewer, report, "pause", {"reason": f"Pause {SCRIPT}"})
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert SCRIPT not in html
    assert f"Extended: Extend {ESCAPED_SCRIPT}" in html
    assert f"Paused: Pause {ESCAPED_SCRIPT}" in html
    act(reviewer, report, "resume", {"reason": f"Resume {SCRIPT}"})
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert SCRIPT not in html
    lines = history(html)
    assert any(line.endswith(f"Reason: Resume {SCRIPT}") for line in lines)
    assert any(line.endswith(f"Reason: Pause {SCRIPT}") for line in lines)
    assert any(line.endswith(f"Reason: Extend {SCRIPT}") for line in lines)


def test_a_refused_reason_is_shown_back_escaped(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    meeting = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    html, _ = refused(read_db, reviewer, meeting, "extend", {"due_date": ["1", "1", "2026"], "reason": SCRIPT})
    assert SCRIPT not in html
    assert input_value(html, "reason") == SCRIPT


# The child safeguarding rapid review waits for the notification ---------------------------------------


def test_the_child_rapid_review_starts_when_the_notification_is_met(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, victim_age="14")
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    review = deadlines(html)["Child safeguarding rapid review"]
    assert review[1] == "Starts when the earlier step is met"
    assert review[2] == "Not started"
    assert action_links(html, "Child safeguarding rapid review") == []

    notification = clock_id(read_db, debrief_id, "Child safeguarding notification")
    html = returned_to_debrief(reviewer, act(reviewer, notification, "met", {"met_on": ["4", "11", "2026"],
                                                                             "met_time": "12:00"}), debrief_id)
    # 15 working days after Wednesday 4 November 2026 (no bank holidays): Wednesday 25 November.
    review = deadlines(html)["Child safeguarding rapid review"]
    assert review[1].startswith("Wednesday 25 November 2026")
    assert review[2] in ("Pending", "Due soon", "Overdue")
    assert action_links(html, "Child safeguarding rapid review") == ["Mark as met", "Extend", "Pause"]
    assert "Deadline started: Child safeguarding rapid review, due Wednesday 25 November 2026" in history(html)


def test_a_deadline_not_yet_started_cannot_be_acted_on(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, victim_age="14")
    review = clock_id(read_db, debrief_id, "Child safeguarding rapid review")
    _, summary = refused(read_db, reviewer, review, "met", {"met_on": ["4", "11", "2026"], "met_time": "12:00"})
    assert summary == [("Child safeguarding rapid review has not started: it starts when its earlier step is met.",
                        None)]
    _, summary = refused(read_db, reviewer, review, "extend", {"due_date": ["1", "12", "2026"], "reason": "x"})
    assert summary == [("Child safeguarding rapid review has not started yet; it cannot be extended.", None)]


def test_an_unknown_deadline_is_not_found(reviewer):
    for action in ("met", "extend", "pause", "resume"):
        assert reviewer.get(f"/deadlines/999/{action}").status_code == 404


def test_the_debrief_page_says_how_long_is_left_or_how_long_overdue(reviewer):
    due_today = open_debrief_reported(reviewer, 7, 1)
    clocks = deadlines(reviewer.get(f"/debriefs/{due_today}").get_data(as_text=True))
    assert clocks["Rapid debrief meeting"][1] == f"{long_date(london_today())} Due today"
    assert clocks["Rapid debrief meeting"][2] == "Due soon"
    assert clocks["Debrief report issued"][1] == f"{long_date(london_today() + timedelta(days=21))} 21 days left"
    assert clocks["Debrief report issued"][2] == "Pending"

    one_day_over = open_debrief_reported(reviewer, 8, 2)
    clocks = deadlines(reviewer.get(f"/debriefs/{one_day_over}").get_data(as_text=True))
    assert clocks["Rapid debrief meeting"][1] == (
        f"{long_date(london_today() - timedelta(days=1))} 1 day overdue")
    assert clocks["Rapid debrief meeting"][2] == "Overdue"

    two_days_left = open_debrief_reported(reviewer, 5, 3)
    clocks = deadlines(reviewer.get(f"/debriefs/{two_days_left}").get_data(as_text=True))
    assert clocks["Rapid debrief meeting"][1].endswith("2 days left")
    assert clocks["Rapid debrief meeting"][2] == "Due soon"


# The reviewer's home ---------------------------------------------------------------------------------


def open_debrief_reported(browser, days_ago: int, crime_number: int, **changes) -> int:
    """A near-miss reported `days_ago` days before today (London): only the meeting (7 days) and
    report (28 days) deadlines."""
    day = london_today() - timedelta(days=days_ago)
    return open_debrief_through_form(browser, incident_type="wounding", crime_reference=f"42/{crime_number}/26",
                        occurred_on=parts(day), reported_on=parts(day), occurred_time="00:00",
                        reported_time="00:05", **changes)


def reference_of(read_db, debrief_id: int) -> str:
    from debrief.models import Debrief

    return read_db(lambda s: s.get(Debrief, debrief_id).reference)


def home_lists(html: str) -> tuple[list[list[str]], list[list[str]]]:
    def rows(caption):
        try:
            return table_rows(html, caption)
        except AssertionError:
            return []

    return rows("Overdue deadlines"), rows("Deadlines due in the next 7 days")


def test_reviewer_home_shows_what_is_overdue_and_due_soon_across_every_debrief_most_urgent_first(
        reviewer, make_user, browser_of, read_db):
    make_user("sam@police.uk", "reviewer", name="Sam Second")
    colleague = browser_of("sam@police.uk")
    today = london_today()

    overdue_3 = open_debrief_reported(reviewer, 10, 1)
    overdue_5 = open_debrief_reported(colleague, 12, 2)   # someone else's debrief: still shown
    overdue_18 = open_debrief_reported(reviewer, 25, 3)    # meeting overdue, report due in 3 days
    due_in_4 = open_debrief_reported(colleague, 3, 4)
    due_in_1 = open_debrief_reported(reviewer, 6, 5)
    due_in_7 = open_debrief_reported(reviewer, 0, 6)
    overdue_2 = open_debrief_reported(reviewer, 9, 7)
    # Neither met nor paused deadlines are waiting on anyone.
    paused = open_debrief_reported(reviewer, 11, 8)
    post_form(reviewer, f"/deadlines/{clock_id(read_db, paused, 'Rapid debrief meeting')}/pause", {"reason": "Hold"})
    met = open_debrief_reported(reviewer, 13, 9)
    post_form(reviewer, f"/debriefs/{met}/meeting", {"held_on": parts(today - timedelta(days=12)),
                                                     "held_time": "10:00", "attendees": "Riya Reviewer, Essex Police"})

    html = reviewer.get("/").get_data(as_text=True)
    overdue, due_soon = home_lists(html)
    ref = lambda debrief_id: reference_of(read_db, debrief_id)  # noqa: E731
    assert [(row[0], row[1]) for row in overdue] == [
        (ref(overdue_18), "Rapid debrief meeting"),
        (ref(overdue_5), "Rapid debrief meeting"),
        (ref(overdue_3), "Rapid debrief meeting"),
        (ref(overdue_2), "Rapid debrief meeting"),
    ]
    assert overdue[0][2] == f"{long_date(today - timedelta(days=18))} 18 days overdue"
    assert all(row[3] == "Overdue" for row in overdue)

    assert [(row[0], row[1]) for row in due_soon] == [
        (ref(due_in_1), "Rapid debrief meeting"),
        (ref(overdue_18), "Debrief report issued"),
        (ref(due_in_4), "Rapid debrief meeting"),
        (ref(due_in_7), "Rapid debrief meeting"),
    ]
    assert due_soon[0][2] == f"{long_date(today + timedelta(days=1))} 1 day left"
    assert due_soon[0][3] == "Due soon"
    assert due_soon[2][3] == "Pending"
    assert due_soon[3][2] == f"{long_date(today + timedelta(days=7))} 7 days left"

    # Each row leads to the deadlines on its debrief.
    links = [a.attrs["href"] for a in parse(html).find_all("a") if a.text == ref(overdue_5)]
    assert f"/debriefs/{overdue_5}#deadlines" in links


def test_my_open_debriefs_are_mine_and_still_open(reviewer, make_user, browser_of, read_db):
    make_user("sam@police.uk", "reviewer", name="Sam Second")
    colleague = browser_of("sam@police.uk")
    mine = open_debrief_reported(reviewer, 2, 1)
    held = open_debrief_reported(reviewer, 2, 2)
    post_form(reviewer, f"/debriefs/{held}/meeting", {"held_on": parts(london_today() - timedelta(days=1)),
                                                      "held_time": "10:00", "attendees": "Riya, Essex Police"})
    theirs = open_debrief_reported(colleague, 2, 3)
    section = parse(reviewer.get("/").get_data(as_text=True)).find("ul", id="my-debriefs")
    shown = [link.text for link in section.find_all("a")]
    assert shown == [reference_of(read_db, mine)]
    assert reference_of(read_db, theirs) not in shown
    assert f"Wounding (section 20), reported {long_date(london_today() - timedelta(days=2))}" in section.text


def test_reviewer_home_lists_ten_at_a_time(reviewer, read_db):
    opened = [open_debrief_reported(reviewer, 10, n) for n in range(1, 13)]
    html = reviewer.get("/").get_data(as_text=True)
    overdue, _ = home_lists(html)
    assert len(overdue) == 10
    assert [row[0] for row in overdue] == [reference_of(read_db, d) for d in opened[:10]]
    next_page = [a.attrs["href"] for a in parse(html).find_all("a", cls="govuk-link")
                 if "overdue_page=2" in (a.attrs.get("href") or "")]
    assert next_page == ["/?overdue_page=2#overdue"]
    # My open debriefs page separately (12 of them: two pages too).
    assert len(parse(html).find("ul", id="my-debriefs").find_all("a")) == 10

    overdue, _ = home_lists(reviewer.get("/?overdue_page=2").get_data(as_text=True))
    assert [row[0] for row in overdue] == [reference_of(read_db, d) for d in opened[10:]]
    # A page number that is not a page shows the first.
    overdue, _ = home_lists(reviewer.get("/?overdue_page=abc").get_data(as_text=True))
    assert len(overdue) == 10


def test_overdue_deadlines_are_counted_only_up_to_a_limit(reviewer, read_db, monkeypatch):
    """Deadlines missed years ago stay overdue; the count stops at a limit and says "or more"."""
    monkeypatch.setattr(clocks, "OVERDUE_COUNTED_UP_TO", 11)
    opened = [open_debrief_reported(reviewer, 10, n) for n in range(1, 14)]  # one overdue clock each
    html = reviewer.get("/").get_data(as_text=True)
    assert [row[0] for row in home_lists(html)[0]] == [reference_of(read_db, d) for d in opened[:10]]
    assert "Page 2 of 2 or more" in html
    last = reviewer.get("/?overdue_page=2").get_data(as_text=True)
    assert [row[0] for row in home_lists(last)[0]] == [reference_of(read_db, d) for d in opened[10:]]
    assert "Page 1 of 2 or more" in last and "overdue_page=3" not in last


def test_an_old_link_to_a_later_page_shows_what_is_left(reviewer, read_db):
    # Page 2 was bookmarked when there were eleven; now there is one.
    only = open_debrief_reported(reviewer, 10, 1)
    html = reviewer.get("/?overdue_page=2&mine_page=3").get_data(as_text=True)
    assert "No deadlines are overdue." not in html
    assert [row[0] for row in home_lists(html)[0]] == [reference_of(read_db, only)]
    assert "You have no open debriefs." not in html


def test_reviewer_home_when_nothing_is_waiting(reviewer):
    html = reviewer.get("/").get_data(as_text=True)
    assert "You have no open debriefs." in html
    assert "No deadlines are overdue." in html
    assert "Nothing is due in the next 7 days." in html
    assert home_lists(html) == ([], [])


def test_the_deadline_lists_are_only_on_a_reviewers_home(make_user, browser_of, reviewer):
    open_debrief_reported(reviewer, 10, 1)
    make_user("ana@police.uk", "analyst", name="Ana Analyst")
    html = browser_of("ana@police.uk").get("/").get_data(as_text=True)
    assert "Overdue deadlines" not in html
    assert "Rapid debrief meeting" not in html


def test_an_extension_more_than_a_year_ahead_is_refused(reviewer, read_db):
    # A slip of the keyboard (9999 for 2026) must not push a deadline out of sight for good.
    debrief_id = open_debrief_through_form(reviewer)
    report = clock_id(read_db, debrief_id, "Debrief report issued")
    _, summary = refused(read_db, reviewer, report, "extend", {"due_date": ["31", "12", "9999"],
                                                               "reason": "Typo for 2026"})
    assert summary == [("The new due date must be within a year from today", "#due_date-day")]
    a_year_on = london_today() + timedelta(days=365)
    html = returned_to_debrief(reviewer, act(reviewer, report, "extend", {"due_date": parts(a_year_on),
                                                                          "reason": "Inquest listed"}), debrief_id)
    assert deadlines(html)["Debrief report issued"][1].startswith(long_date(a_year_on))


# Asking first, undoing, and saying a deadline was met late ---------------------------------------


def test_the_met_page_says_what_marking_does_and_that_it_can_be_undone(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    html = reviewer.get(f"/deadlines/{clock_id(read_db, debrief_id, 'IOPC referral')}/met").get_data(as_text=True)
    warning = parse(html).find("div", cls="govuk-warning-text").text
    assert "stops its reminders" in warning and "you can undo it from the debrief page" in warning
    assert [a.text for a in parse(html).find_all("a") if a.attrs.get("href") == f"/debriefs/{debrief_id}#deadlines"] \
        == [f"Back to {reference_of(read_db, debrief_id)}", "Cancel"]


def test_a_deadline_met_late_says_so_and_one_met_in_time_does_not(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")  # reported 2 November 2026
    act(reviewer, clock_id(read_db, debrief_id, "IOPC referral"), "met",
        {"met_on": ["5", "11", "2026"], "met_time": "09:15"})  # due by the end of 3 November
    act(reviewer, clock_id(read_db, debrief_id, "Debrief report issued"), "met",
        {"met_on": ["5", "11", "2026"], "met_time": "09:15"})
    rows = deadlines(reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True))
    assert "Met late on 5 November 2026 at 09:15" in rows["IOPC referral"][1]
    assert rows["IOPC referral"][2] == "Met"
    assert "Met 5 November 2026 at 09:15" in rows["Debrief report issued"][1]
    assert "late" not in rows["Debrief report issued"][1]


def test_a_reviewer_undoes_a_deadline_marked_met_by_mistake(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    html = returned_to_debrief(reviewer, act(reviewer, iopc, "met", {"met_on": ["3", "11", "2026"],
                                                                     "met_time": "09:15"}), debrief_id)
    undo = parse(html).find("form", action=f"/deadlines/{iopc}/unmet")
    assert undo is not None and "Undo: not met" in undo.text
    html = returned_to_debrief(reviewer, reviewer.post(f"/deadlines/{iopc}/unmet",
                                                       data={"csrf_token": csrf_token_from(html)}), debrief_id)
    assert success_banner(html) == "IOPC referral: no longer met. It is overdue again."
    assert deadlines(html)["IOPC referral"][2] == "Overdue"
    assert history(html)[0] == "Deadline no longer met (marked by mistake): IOPC referral"
    assert read_db(lambda s: s.get(Clock, iopc).met_at) is None


def test_undo_needs_the_form_token_and_is_not_offered_for_a_meeting_on_record(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    act(reviewer, iopc, "met", {"met_on": ["3", "11", "2026"], "met_time": "09:15"})
    assert reviewer.post(f"/deadlines/{iopc}/unmet").status_code == 400  # no CSRF token
    assert read_db(lambda s: s.get(Clock, iopc).met_at) is not None
    post_form(reviewer, f"/debriefs/{debrief_id}/meeting",
              {"held_on": ["5", "11", "2026"], "held_time": "10:00", "attendees": "Riya Reviewer, Seedshire Police"})
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    meeting = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    assert parse(html).find("form", action=f"/deadlines/{meeting}/unmet") is None
    assert parse(html).find("form", action=f"/deadlines/{iopc}/unmet") is not None
