"""Debrief pages as a reviewer uses them: opening a debrief through the GOV.UK form, reading its page,
editing it, recording the meeting; and what other roles may see.

Dates are posted the way the GOV.UK date input posts them: the day, month and year under one name.
The deadlines below were worked out by hand from the default policy (deadline_policy.toml).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from debrief.models import Debrief
from tests.conftest import csrf_token_from
from tests.builders import REVIEWER, clock_id, counts, debrief_form, edit_debrief, london_today, open_debrief_through_form, post_form
from tests.html import ESCAPED_SCRIPT, SCRIPT, deadlines, error_summary, history, input_value, is_checked, long_date, parse, parts, selected_option, success_banner, table_rows

LONDON = ZoneInfo("Europe/London")


# Reading pages ---------------------------------------------------------------------------------


# Dates -----------------------------------------------------------------------------------------


# Acting through the pages ----------------------------------------------------------------------


@pytest.fixture
def reviewer(make_user, browser_of):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    return browser_of(REVIEWER)


# Opening a debrief -------------------------------------------------------------------------------


def test_reviewer_opens_a_murder_and_sees_its_deadlines_and_history(reviewer, read_db):
    form = reviewer.get("/debriefs/new")
    assert form.status_code == 200
    assert "Open a debrief" in form.get_data(as_text=True)

    response = post_form(reviewer, "/debriefs/new", debrief_form())
    assert response.status_code == 302
    page = reviewer.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    reference = f"DB-{london_today().year}-0001"

    assert page.status_code == 200
    assert success_banner(html) == f"Debrief {reference} opened. Its deadline clocks have started."
    assert parse(html).find("h1").text == f"{reference} – Op Larch"
    clocks = deadlines(html)
    # Reported Monday 2 November 2026 (GMT): day 1 is Tuesday 3 November.
    assert clocks["Rapid debrief meeting"][1].startswith("Monday 9 November 2026")
    assert clocks["Debrief report issued"][1].startswith("Monday 30 November 2026")
    assert clocks["Home Office homicide index return"][1].startswith("Wednesday 2 December 2026")
    assert set(clocks) == {"Rapid debrief meeting", "Debrief report issued", "Home Office homicide index return"}
    assert "Source: HMICFRS, Homicide prevention (2023)" in clocks["Home Office homicide index return"][0]
    assert "Opened the debrief" in history(html)
    assert "Deadline added: Rapid debrief meeting, due Monday 9 November 2026" in history(html)

    stored = read_db(lambda s: s.scalars(sa.select(Debrief)).one())
    assert stored.reference == reference
    assert stored.reported_at == datetime(2026, 11, 2, 23, 40, tzinfo=ZoneInfo("UTC"))
    assert stored.crime_reference == "42/18812/26"


def test_the_incident_facts_are_shown_in_words(reviewer):
    debrief_id = open_debrief_through_form(reviewer, victim_age="34", victim_sex="female", weapon="firearm",
                              relationship_to_suspect="ex_partner", domestic="y",
                              themes=["domestic_abuse", "serious_violence"])
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    facts = {row.find("dt").text: row.find("dd").text
             for row in parse(html).find_all("div", cls="govuk-summary-list__row")}
    assert facts["Happened"] == "2 November 2026 at 23:10"
    assert facts["Reported to police"] == "2 November 2026 at 23:40"
    assert facts["Themes"] == "Domestic abuse, Serious violence"
    assert facts["Victim's age"] == "34"
    assert facts["Victim's sex"] == "Female"
    assert facts["Relationship to suspect"] == "Ex-partner"
    assert facts["Weapon"] == "Firearm"
    assert facts["Domestic"] == "Yes"
    assert facts["Prior police contact"] == "No"
    # A domestic homicide of an adult with a firearm: the DHR referral and the OWHR notification.
    clocks = deadlines(html)
    assert clocks["Domestic homicide review referral"][1].startswith("Monday 9 November 2026")
    assert clocks["Offensive weapon homicide review notification"][1].startswith("Wednesday 2 December 2026")


def test_references_count_up_within_the_year(reviewer):
    first = open_debrief_through_form(reviewer)
    second = open_debrief_through_form(reviewer, crime_reference="42/18813/26")
    year = london_today().year
    assert f"DB-{year}-0001" in reviewer.get(f"/debriefs/{first}").get_data(as_text=True)
    assert f"DB-{year}-0002" in reviewer.get(f"/debriefs/{second}").get_data(as_text=True)


def test_a_near_miss_with_prior_police_contact_gets_the_iopc_referral_but_no_home_office_return(reviewer):
    debrief_id = open_debrief_through_form(reviewer, incident_type="wounding_with_intent", prior_police_contact="y")
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    clocks = deadlines(html)
    assert "Home Office homicide index return" not in clocks
    # End of the following day: Tuesday 3 November 2026.
    assert clocks["IOPC referral"][1].startswith("Tuesday 3 November 2026")
    assert "Wounding with intent" in parse(html).find("span", cls="govuk-caption-l").text
    assert "Near-miss" in parse(html).find("span", cls="govuk-caption-l").text


def test_a_child_victim_gets_the_safeguarding_notification_and_a_rapid_review_not_yet_started(reviewer):
    debrief_id = open_debrief_through_form(reviewer, victim_age="15")
    clocks = deadlines(reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True))
    # 5 working days after Monday 2 November 2026: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9.
    assert clocks["Child safeguarding notification"][1].startswith("Monday 9 November 2026")
    assert clocks["Child safeguarding rapid review"][1] == "Starts when the earlier step is met"
    assert clocks["Child safeguarding rapid review"][2] == "Not started"


# Bad input ---------------------------------------------------------------------------------------


def refused(read_db, browser, data: dict, path: str = "/debriefs/new") -> tuple[str, list]:
    """Posts the form, checks it was refused with nothing stored, and returns the page and summary."""
    before = counts(read_db)
    response = post_form(browser, path, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400, error_summary(html)
    assert counts(read_db) == before
    summary = error_summary(html)
    assert summary, "no error summary"
    assert parse(html).find("title").text.startswith("Error: ")
    return html, summary


def test_an_empty_form_lists_every_missing_answer_linked_to_its_field(reviewer, read_db):
    empty = {"incident_type": None, "crime_reference": "", "operation_name": "", "occurred_on": ["", "", ""],
             "occurred_time": "", "reported_on": ["", "", ""], "reported_time": "", "area": "", "summary": "",
             "partner_briefing": ""}
    html, summary = refused(read_db, reviewer, debrief_form(**empty))
    assert summary == [
        ("Select the type of incident", "#incident_type"),
        ("Enter the crime reference", "#crime_reference"),
        ("Enter the date the incident happened", "#occurred_on-day"),
        ("Enter the time the incident happened, for example 23:40", "#occurred_time"),
        ("Enter the date the incident was reported", "#reported_on-day"),
        ("Enter the time the incident was reported, for example 23:40", "#reported_time"),
        ("Enter a summary of the incident", "#summary"),
    ]
    # Each message is also shown at its field, and the links land on something that exists.
    page = parse(html)
    for message, link in summary:
        assert page.find(id=link[1:]) is not None, link
    assert "Enter the crime reference" in page.find(id="crime_reference-error").text
    assert "Enter the date the incident happened" in page.find(id="occurred_on-error").text


def test_a_form_posted_without_any_fields_is_refused_not_broken(reviewer, read_db):
    # A hand-made request leaves the date boxes out altogether.
    html, summary = refused(read_db, reviewer, {})
    assert ("Enter the date the incident happened", "#occurred_on-day") in summary
    assert input_value(html, "occurred_on-day") in ("", None)


def test_a_date_with_too_few_or_too_many_parts_is_not_a_real_date(reviewer, read_db):
    _, summary = refused(read_db, reviewer, debrief_form(occurred_on=["2", "11"], reported_on=["2", "11", "2026", "1"]))
    assert ("The date the incident happened must be a real date, like 2 11 2026", "#occurred_on-day") in summary
    assert ("The date the incident was reported must be a real date, like 2 11 2026", "#reported_on-day") in summary


def test_reported_before_it_happened_is_refused_and_what_was_typed_is_kept(reviewer, read_db):
    html, summary = refused(read_db, reviewer, debrief_form(
        occurred_on=["3", "11", "2026"], victim_age="16", themes=["drugs"], weapon="knife", domestic="y",
        victim_sex="female", relationship_to_suspect="partner", partner_briefing="For partners."))
    assert summary == [("The date the incident was reported must be the same as or after the date it happened",
                        "#reported_on-day")]
    assert input_value(html, "crime_reference") == "42/18812/26"
    assert input_value(html, "operation_name") == "Op Larch"
    assert [input_value(html, f"occurred_on-{p}") for p in ("day", "month", "year")] == ["3", "11", "2026"]
    assert [input_value(html, f"reported_on-{p}") for p in ("day", "month", "year")] == ["2", "11", "2026"]
    assert input_value(html, "occurred_time") == "23:10"
    assert input_value(html, "reported_time") == "23:40"
    assert input_value(html, "summary") == "Man stabbed outside a takeaway on the High Street."
    assert input_value(html, "victim_age") == "16"
    assert is_checked(html, "incident_type", "murder")
    assert is_checked(html, "themes", "drugs")
    assert not is_checked(html, "themes", "serious_violence")
    assert is_checked(html, "weapon", "knife")
    assert is_checked(html, "domestic", "y")
    assert not is_checked(html, "prior_police_contact", "y")
    assert is_checked(html, "victim_sex", "female")
    assert selected_option(html, "relationship_to_suspect") == "partner"
    assert input_value(html, "partner_briefing") == "For partners."
    assert input_value(html, "area") == "Southend"


def test_every_problem_is_shown_in_one_round(reviewer, read_db):
    # A missing time no longer hides the date's problems, and a taken crime reference is named
    # alongside the rest rather than only once everything else is right.
    open_debrief_through_form(reviewer)
    today, tomorrow = london_today(), london_today() + timedelta(days=1)
    _, summary = refused(read_db, reviewer, debrief_form(
        occurred_on=parts(tomorrow), occurred_time="", reported_on=parts(today), reported_time="25:00",
        summary="", victim_age="nineteen"))
    assert summary == [
        (f"Crime reference 42/18812/26 already has a debrief, DB-{today.year}-0001", "#crime_reference"),
        ("The date the incident happened must be today or in the past", "#occurred_on-day"),
        ("Enter the time the incident happened, for example 23:40", "#occurred_time"),
        ("The date the incident was reported must be the same as or after the date it happened", "#reported_on-day"),
        ("The time the incident was reported must be on the 24-hour clock, like 23:40", "#reported_time"),
        ("Enter a summary of the incident", "#summary"),
        ("The victim's age must be a whole number, like 19", "#victim_age"),
    ]


def test_reported_earlier_the_same_day_is_refused_on_the_time(reviewer, read_db):
    _, summary = refused(read_db, reviewer, debrief_form(occurred_time="23:50"))
    assert summary == [("The time the incident was reported must be the same as or after the time it happened",
                        "#reported_on-day")]


def test_a_date_after_today_is_refused(reviewer, read_db):
    tomorrow = london_today() + timedelta(days=1)
    _, summary = refused(read_db, reviewer, debrief_form(occurred_on=parts(tomorrow), reported_on=parts(tomorrow)))
    assert ("The date the incident happened must be today or in the past", "#occurred_on-day") in summary
    assert ("The date the incident was reported must be today or in the past", "#reported_on-day") in summary


def test_an_incident_reported_today_is_accepted(reviewer):
    today = london_today()
    debrief_id = open_debrief_through_form(reviewer, occurred_on=parts(today), reported_on=parts(today),
                              occurred_time="00:00", reported_time="00:01")
    clocks = deadlines(reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True))
    assert clocks["Rapid debrief meeting"][1].startswith(long_date(today + timedelta(days=7)))
    assert "7 days left" in clocks["Rapid debrief meeting"][1]


def test_an_impossible_date_is_refused_and_shown_as_typed(reviewer, read_db):
    html, summary = refused(read_db, reviewer, debrief_form(occurred_on=["31", "2", "2026"]))
    assert summary == [("The date the incident happened must be a real date, like 2 11 2026", "#occurred_on-day")]
    assert [input_value(html, f"occurred_on-{p}") for p in ("day", "month", "year")] == ["31", "2", "2026"]


@pytest.mark.parametrize("typed", ["25:00", "23:60", "noon", "2340"])
def test_a_time_not_on_the_24_hour_clock_is_refused_and_linked_to_the_time(reviewer, read_db, typed):
    html, summary = refused(read_db, reviewer, debrief_form(reported_time=typed))
    assert summary == [("The time the incident was reported must be on the 24-hour clock, like 23:40",
                        "#reported_time")]
    assert input_value(html, "reported_time") == typed
    assert "24-hour clock" in parse(html).find(id="reported_time-error").text


def test_a_missing_time_is_asked_for(reviewer, read_db):
    _, summary = refused(read_db, reviewer, debrief_form(occurred_time=""))
    assert summary == [("Enter the time the incident happened, for example 23:40", "#occurred_time")]


@pytest.mark.parametrize("field, value, message", [
    ("incident_type", "genocide", "Select the type of incident from the list"),
    ("themes", ["serious_violence", "knife_crime"], "Select themes from the list"),
    ("weapon", "bazooka", "Select the weapon from the list"),
    ("victim_sex", "robot", "Select the victim's sex from the list"),
    ("relationship_to_suspect", "nemesis", "Select the victim's relationship to the suspect from the list"),
])
def test_a_choice_not_offered_posted_by_hand_is_refused(reviewer, read_db, field, value, message):
    _, summary = refused(read_db, reviewer, debrief_form(**{field: value}))
    assert summary == [(message, f"#{field}")]


@pytest.mark.parametrize("typed", ["ABC-123", "42/18812/2026", "42-18812-26", "<b>42/1/26</b>"])
def test_a_crime_reference_in_the_wrong_shape_is_refused(reviewer, read_db, typed):
    html, summary = refused(read_db, reviewer, debrief_form(crime_reference=typed))
    assert summary == [("Enter the crime reference in the right format, like 42/18812/26", "#crime_reference")]
    assert input_value(html, "crime_reference") == typed


def test_a_second_debrief_for_the_same_crime_reference_names_the_first(reviewer, read_db):
    open_debrief_through_form(reviewer)
    reference = f"DB-{london_today().year}-0001"
    # Typed with spaces: still the same crime reference.
    _, summary = refused(read_db, reviewer, debrief_form(crime_reference=" 42 / 18812 / 26 "))
    assert summary == [(f"Crime reference 42/18812/26 already has a debrief, {reference}", "#crime_reference")]


def test_a_summary_over_10000_characters_is_refused_and_kept(reviewer, read_db):
    long_summary = "x" * 10_001
    html, summary = refused(read_db, reviewer, debrief_form(summary=long_summary))
    assert summary == [("A summary of the incident must be 10,000 characters or fewer", "#summary")]
    assert input_value(html, "summary") == long_summary


def test_a_summary_of_exactly_10000_characters_is_accepted(reviewer):
    debrief_id = open_debrief_through_form(reviewer, summary="y" * 10_000)
    assert "y" * 10_000 in reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)


@pytest.mark.parametrize("field, limit", [("summary", 10_000), ("partner_briefing", 5_000)])
def test_each_long_answer_counts_down_to_the_limit_the_service_holds_it_to(reviewer, field, limit):
    html = reviewer.get("/debriefs/new").get_data(as_text=True)
    group = parse(html).find(id=field).parent
    assert group.attrs.get("data-module") == "govuk-character-count"
    assert group.attrs.get("data-maxlength") == str(limit)
    assert f"You can enter up to {limit:,} characters" in parse(html).find(id=f"{field}-info").text


@pytest.mark.parametrize("field, message, link", [
    ("summary", "A summary of the incident contains characters that cannot be stored; remove them", "#summary"),
    ("partner_briefing", "The partner briefing contains characters that cannot be stored; remove them",
     "#partner_briefing"),
    ("operation_name", "The operation name contains characters that cannot be stored; remove them",
     "#operation_name"),
    ("area", "The area contains characters that cannot be stored; remove them", "#area"),
])
@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f"])
def test_control_characters_are_refused(reviewer, read_db, field, message, link, control):
    _, summary = refused(read_db, reviewer, debrief_form(**{field: f"before{control}after"}))
    assert summary == [(message, link)]


@pytest.mark.parametrize("typed", ["nineteen", "-1", "19.5", "121", "1e3"])
def test_a_victim_age_that_is_not_an_age_is_refused(reviewer, read_db, typed):
    html, summary = refused(read_db, reviewer, debrief_form(victim_age=typed))
    assert len(summary) == 1 and summary[0][1] == "#victim_age"
    assert summary[0][0].startswith("The victim's age must be a whole number")
    assert input_value(html, "victim_age") == typed


def test_an_operation_name_over_120_characters_is_refused(reviewer, read_db):
    _, summary = refused(read_db, reviewer, debrief_form(operation_name="L" * 121))
    assert summary == [("The operation name must be 120 characters or fewer", "#operation_name")]


def test_a_form_without_its_csrf_token_is_refused(reviewer, read_db):
    response = reviewer.post("/debriefs/new", data=debrief_form())
    assert response.status_code == 400
    assert counts(read_db)["debriefs"] == 0


# Markup is shown as typed, never run ------------------------------------------------------------


def test_markup_in_every_text_field_is_shown_escaped_on_the_debrief_page_list_and_history(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, summary=f"Summary {SCRIPT}", partner_briefing=f"Briefing {SCRIPT}",
                              operation_name=f"Op {SCRIPT}", area=f"Area {SCRIPT}")
    page = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert SCRIPT not in page
    for typed in (f"Summary {ESCAPED_SCRIPT}", f"Briefing {ESCAPED_SCRIPT}", f"Op {ESCAPED_SCRIPT}",
                  f"Area {ESCAPED_SCRIPT}"):
        assert typed in page

    listing = reviewer.get("/debriefs").get_data(as_text=True)
    assert SCRIPT not in listing
    assert f"Op {ESCAPED_SCRIPT}" in listing

    # The edit form shows them back escaped too.
    form = reviewer.get(f"/debriefs/{debrief_id}/edit").get_data(as_text=True)
    assert SCRIPT not in form
    assert input_value(form, "area") == f"Area {SCRIPT}"

    # Changing them puts both the old and the new values in the history.
    response = edit_debrief(reviewer, debrief_id, summary=f"New {SCRIPT}", partner_briefing=f"New {SCRIPT}",
                            operation_name=f"Op2 {SCRIPT}", area=f"Area2 {SCRIPT}")
    assert response.status_code == 302
    page = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert SCRIPT not in page
    changed = [line for line in history(page) if line.startswith("Changed:")]
    assert len(changed) == 1
    assert f"operation name from Op {SCRIPT} to Op2 {SCRIPT}" in changed[0]
    assert f"area from Area {SCRIPT} to Area2 {SCRIPT}" in changed[0]
    assert f"internal summary from Summary {SCRIPT} to New {SCRIPT}" in changed[0]


def test_markup_in_a_refused_form_is_shown_back_escaped(reviewer, read_db):
    html, _ = refused(read_db, reviewer, debrief_form(crime_reference=SCRIPT, summary=SCRIPT))
    assert SCRIPT not in html
    assert input_value(html, "summary") == SCRIPT
    assert input_value(html, "crime_reference") == SCRIPT


def test_markup_in_attendee_names_is_shown_escaped_on_the_page_and_in_the_history(reviewer):
    debrief_id = open_debrief_through_form(reviewer)
    response = post_form(reviewer, f"/debriefs/{debrief_id}/meeting", {
        "held_on": ["5", "11", "2026"], "held_time": "10:00",
        "attendees": f"DS {SCRIPT}, Essex Police\nJo Bloggs, {SCRIPT} Trust"})
    assert response.status_code == 302
    page = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert SCRIPT not in page
    assert f"DS {ESCAPED_SCRIPT}" in page
    assert f"{ESCAPED_SCRIPT} Trust" in page
    assert any(f"DS {SCRIPT} (Essex Police)" in line for line in history(page))
    form = reviewer.get(f"/debriefs/{debrief_id}/meeting").get_data(as_text=True)
    assert SCRIPT not in form
    assert f"DS {SCRIPT}, Essex Police" in input_value(form, "attendees")


# Editing -----------------------------------------------------------------------------------------


def test_the_edit_form_shows_what_was_recorded(reviewer):
    debrief_id = open_debrief_through_form(reviewer, victim_age="34", weapon="blunt", themes=["drugs"], prior_police_contact="y")
    html = reviewer.get(f"/debriefs/{debrief_id}/edit").get_data(as_text=True)
    assert parse(html).find("h1").text == f"Edit DB-{london_today().year}-0001"
    assert [input_value(html, f"reported_on-{p}") for p in ("day", "month", "year")] in (
        ["2", "11", "2026"], ["02", "11", "2026"])
    assert input_value(html, "reported_time") == "23:40"
    assert input_value(html, "occurred_time") == "23:10"
    assert input_value(html, "victim_age") == "34"
    assert input_value(html, "crime_reference") == "42/18812/26"
    assert is_checked(html, "incident_type", "murder")
    assert is_checked(html, "weapon", "blunt")
    assert is_checked(html, "themes", "drugs")
    assert is_checked(html, "prior_police_contact", "y")
    assert not is_checked(html, "domestic", "y")


def test_changing_when_it_was_reported_moves_the_unmet_deadlines_and_the_history_says_so(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    # The IOPC referral is made; it must stay where it is.
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    assert post_form(reviewer, f"/deadlines/{iopc}/met",
                     {"met_on": ["3", "11", "2026"], "met_time": "09:00"}).status_code == 302

    response = edit_debrief(reviewer, debrief_id, prior_police_contact="y", occurred_on=["4", "11", "2026"],
                            occurred_time="09:30", reported_on=["4", "11", "2026"], reported_time="10:00")
    assert response.status_code == 302
    html = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(html) == f"Changes to DB-{london_today().year}-0001 saved."
    clocks = deadlines(html)
    # Reported Wednesday 4 November 2026.
    assert clocks["Rapid debrief meeting"][1].startswith("Wednesday 11 November 2026")
    assert clocks["Debrief report issued"][1].startswith("Wednesday 2 December 2026")
    assert clocks["Home Office homicide index return"][1].startswith("Friday 4 December 2026")
    assert clocks["IOPC referral"][1].startswith("Tuesday 3 November 2026")
    assert clocks["IOPC referral"][2] == "Met"

    lines = history(html)
    assert "Deadline moved: Rapid debrief meeting now due Wednesday 11 November 2026" in lines
    assert "Deadline moved: Home Office homicide index return now due Friday 4 December 2026" in lines
    assert not any(line.startswith("Deadline moved: IOPC referral") for line in lines)
    changed = next(line for line in lines if line.startswith("Changed:"))
    assert "when it was reported from 2 November 2026 at 23:40 to 4 November 2026 at 10:00" in changed


def test_giving_the_victims_age_as_16_adds_the_two_child_safeguarding_deadlines(reviewer):
    debrief_id = open_debrief_through_form(reviewer)
    assert edit_debrief(reviewer, debrief_id, victim_age="16").status_code == 302
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    clocks = deadlines(html)
    assert clocks["Child safeguarding notification"][1].startswith("Monday 9 November 2026")
    assert clocks["Child safeguarding rapid review"][2] == "Not started"
    lines = history(html)
    assert "Deadline added: Child safeguarding notification, due Monday 9 November 2026" in lines
    assert "Deadline added: Child safeguarding rapid review, due when its earlier step is met" in lines
    assert any("victim's age from nothing to 16" in line for line in lines)


def test_a_met_deadline_is_never_removed_by_an_edit(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer, victim_age="16")
    notification = clock_id(read_db, debrief_id, "Child safeguarding notification")
    assert post_form(reviewer, f"/deadlines/{notification}/met",
                     {"met_on": ["4", "11", "2026"], "met_time": "12:00"}).status_code == 302

    # The age was wrong: the victim was an adult.
    assert edit_debrief(reviewer, debrief_id, victim_age="30").status_code == 302
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    clocks = deadlines(html)
    assert clocks["Child safeguarding notification"][2] == "Met"
    assert "Child safeguarding rapid review" not in clocks
    assert ("Deadline withdrawn: Child safeguarding rapid review no longer applies") in history(html)


def test_an_edit_that_breaks_a_rule_changes_nothing(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    before = counts(read_db)
    html, summary = refused(read_db, reviewer, debrief_form(reported_on=["1", "11", "2026"], victim_age="16"),
                            path=f"/debriefs/{debrief_id}/edit")
    assert summary == [("The date the incident was reported must be the same as or after the date it happened",
                        "#reported_on-day")]
    assert counts(read_db) == before
    stored = read_db(lambda s: s.get(Debrief, debrief_id))
    assert stored.victim_age is None
    assert stored.reported_at == datetime(2026, 11, 2, 23, 40, tzinfo=ZoneInfo("UTC"))


def test_an_edit_cannot_take_another_debriefs_crime_reference(reviewer, read_db):
    open_debrief_through_form(reviewer)
    second = open_debrief_through_form(reviewer, crime_reference="42/18813/26")
    _, summary = refused(read_db, reviewer, debrief_form(), path=f"/debriefs/{second}/edit")
    assert summary == [(f"Crime reference 42/18812/26 already has a debrief, DB-{london_today().year}-0001",
                        "#crime_reference")]


def test_editing_an_unknown_debrief_is_not_found(reviewer):
    assert reviewer.get("/debriefs/999").status_code == 404
    assert reviewer.get("/debriefs/999/edit").status_code == 404
    assert reviewer.get("/debriefs/999/meeting").status_code == 404


# The meeting ---------------------------------------------------------------------------------------


def test_recording_the_meeting_meets_its_deadline_and_lists_who_attended(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    response = post_form(reviewer, f"/debriefs/{debrief_id}/meeting", {
        "held_on": ["5", "11", "2026"], "held_time": "10:00",
        "attendees": "DS Priya Shah, Essex Police\n\n  Jo Bloggs ,  Mid and South Essex NHS Trust  \n"})
    assert response.status_code == 302
    html = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(html) == "Meeting recorded. The rapid debrief meeting deadline is met."
    clocks = deadlines(html)
    assert clocks["Rapid debrief meeting"][2] == "Met"
    assert "Met 5 November 2026 at 10:00" in clocks["Rapid debrief meeting"][1]
    assert clocks["Rapid debrief meeting"][3] == ""  # nothing left to do to it
    assert table_rows(html, "Who attended") == [["DS Priya Shah", "Essex Police"],
                                                ["Jo Bloggs", "Mid and South Essex NHS Trust"]]
    assert "Held 5 November 2026 at 10:00." in html
    assert "Deadline met: Rapid debrief meeting" in history(html)
    assert any(line.startswith("Recorded the meeting:") for line in history(html))
    assert "Meeting held" in parse(html).find("strong", cls="govuk-tag").text
    assert "Change the meeting record" in html


@pytest.mark.parametrize("attendees, message", [
    ("DS Priya Shah", "Enter the agency of attendee 1"),
    ("DS Priya Shah, Essex Police\nJo Bloggs", "Enter the agency of attendee 2"),
    ("DS Priya Shah, Essex Police\n, NHS", "Enter the name of attendee 2"),
    ("", "Enter at least one person who attended"),
    ("  \n \n", "Enter at least one person who attended"),
])
def test_each_attendee_needs_a_name_and_an_agency(reviewer, read_db, attendees, message):
    debrief_id = open_debrief_through_form(reviewer)
    html, summary = refused(read_db, reviewer, {"held_on": ["5", "11", "2026"], "held_time": "10:00",
                                                "attendees": attendees},
                            path=f"/debriefs/{debrief_id}/meeting")
    assert summary == [(message, "#attendees")]
    assert input_value(html, "attendees") == attendees
    assert read_db(lambda s: s.get(Debrief, debrief_id).meeting_held_at) is None


def test_a_meeting_before_the_incident_was_reported_is_refused(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    _, summary = refused(read_db, reviewer, {"held_on": ["2", "11", "2026"], "held_time": "23:00",
                                             "attendees": "DS Priya Shah, Essex Police"},
                         path=f"/debriefs/{debrief_id}/meeting")
    assert summary == [("The meeting must be after the incident was reported", "#held_on-day")]


def test_a_meeting_in_the_future_or_on_no_real_date_is_refused(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    tomorrow = london_today() + timedelta(days=1)
    _, summary = refused(read_db, reviewer, {"held_on": parts(tomorrow), "held_time": "10:00",
                                             "attendees": "DS Priya Shah, Essex Police"},
                         path=f"/debriefs/{debrief_id}/meeting")
    assert summary == [("The date of the meeting must be today or in the past", "#held_on-day")]
    _, summary = refused(read_db, reviewer, {"held_on": ["30", "2", "2026"], "held_time": "10:00",
                                             "attendees": "DS Priya Shah, Essex Police"},
                         path=f"/debriefs/{debrief_id}/meeting")
    assert summary == [("The date of the meeting must be a real date, like 2 11 2026", "#held_on-day")]
    _, summary = refused(read_db, reviewer, {"held_on": ["5", "11", "2026"], "held_time": "",
                                             "attendees": "DS Priya Shah, Essex Police"},
                         path=f"/debriefs/{debrief_id}/meeting")
    assert summary == [("Enter the time of the meeting, for example 23:40", "#held_time")]


def test_changing_the_meeting_record_shows_what_was_recorded(reviewer):
    debrief_id = open_debrief_through_form(reviewer)
    post_form(reviewer, f"/debriefs/{debrief_id}/meeting", {
        "held_on": ["5", "11", "2026"], "held_time": "10:00", "attendees": "DS Priya Shah, Essex Police"})
    html = reviewer.get(f"/debriefs/{debrief_id}/meeting").get_data(as_text=True)
    assert input_value(html, "held_time") == "10:00"
    assert input_value(html, "attendees") == "DS Priya Shah, Essex Police"
    response = post_form(reviewer, f"/debriefs/{debrief_id}/meeting", {
        "held_on": ["6", "11", "2026"], "held_time": "14:30",
        "attendees": "DS Priya Shah, Essex Police\nAl Khan, Probation Service"})
    assert response.status_code == 302
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert "Held 6 November 2026 at 14:30." in html
    assert table_rows(html, "Who attended")[1] == ["Al Khan", "Probation Service"]
    # The correction moves the deadline's met time with it.
    assert "Met 6 November 2026 at 14:30" in deadlines(html)["Rapid debrief meeting"][1]


# The list ------------------------------------------------------------------------------------------


def test_the_debrief_list_shows_every_debrief_and_filters_by_status(reviewer, make_user, browser_of):
    make_user("sam@police.uk", "reviewer", name="Sam Second")
    other = browser_of("sam@police.uk")
    mine = open_debrief_through_form(reviewer)
    theirs = open_debrief_through_form(other, crime_reference="42/18813/26", incident_type="attempted_murder",
                          operation_name="Op Birch")
    post_form(other, f"/debriefs/{theirs}/meeting", {"held_on": ["5", "11", "2026"], "held_time": "10:00",
                                                   "attendees": "Sam Second, Essex Police"})
    year = london_today().year

    rows = table_rows(reviewer.get("/debriefs").get_data(as_text=True), "2 debriefs")
    assert {row[0] for row in rows} == {f"DB-{year}-0001", f"DB-{year}-0002"}
    assert [f"DB-{year}-0002", "Attempted murder Op Birch", "42/18813/26", "Monday 2 November 2026",
            "Sam Second", "Meeting held"] in rows

    open_rows = table_rows(reviewer.get("/debriefs?status=open").get_data(as_text=True), "1 debrief")
    assert [row[0] for row in open_rows] == [f"DB-{year}-0001"]
    held_rows = table_rows(reviewer.get("/debriefs?status=meeting_held").get_data(as_text=True), "1 debrief")
    assert [row[0] for row in held_rows] == [f"DB-{year}-0002"]
    # An unknown status shows everything rather than breaking.
    assert reviewer.get("/debriefs?status=nonsense").status_code == 200
    assert mine != theirs


def test_the_debrief_list_says_when_there_are_none(reviewer):
    html = reviewer.get("/debriefs").get_data(as_text=True)
    assert "No debriefs have been opened yet." in html


# Who may see and do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "learning"])
def test_owners_and_learning_staff_cannot_see_debriefs(make_user, browser_of, reviewer, role):
    debrief_id = open_debrief_through_form(reviewer)
    make_user(f"{role}@police.uk", role, name=role.title())
    browser = browser_of(f"{role}@police.uk")
    for path in ("/debriefs", "/debriefs/new", f"/debriefs/{debrief_id}", f"/debriefs/{debrief_id}/edit"):
        assert browser.get(path).status_code == 403, path
    assert 'href="/debriefs"' not in browser.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["analyst", "board", "admin"])
def test_readers_see_a_debrief_but_no_way_to_change_it(make_user, browser_of, reviewer, read_db, role):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    iopc = clock_id(read_db, debrief_id, "IOPC referral")
    make_user(f"{role}@police.uk", role, name=role.title())
    browser = browser_of(f"{role}@police.uk")

    page = browser.get(f"/debriefs/{debrief_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Home Office homicide index return" in html
    assert "/edit" not in html and "/meeting" not in html and "/deadlines/" not in html
    assert "Open a debrief" not in browser.get("/debriefs").get_data(as_text=True)

    token = csrf_token_from(html)
    before = counts(read_db)
    for path, data in [
        ("/debriefs/new", debrief_form(crime_reference="42/1/26")),
        (f"/debriefs/{debrief_id}/edit", debrief_form(victim_age="16")),
        (f"/debriefs/{debrief_id}/meeting", {"held_on": ["5", "11", "2026"], "held_time": "10:00",
                                             "attendees": "A, B"}),
        (f"/deadlines/{iopc}/met", {"met_on": ["3", "11", "2026"], "met_time": "10:00"}),
        (f"/deadlines/{iopc}/extend", {"due_date": ["1", "12", "2026"], "reason": "Because"}),
        (f"/deadlines/{iopc}/pause", {"reason": "Because"}),
        (f"/deadlines/{iopc}/resume", {"reason": "Because"}),
    ]:
        assert browser.get(path).status_code == 403, path
        assert browser.post(path, data={"csrf_token": token, **data}).status_code == 403, path
    assert counts(read_db) == before


def test_someone_signed_out_is_sent_to_sign_in(client, reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    clock = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    for path in ("/debriefs", "/debriefs/new", f"/debriefs/{debrief_id}", f"/debriefs/{debrief_id}/edit",
                 f"/debriefs/{debrief_id}/meeting", f"/deadlines/{clock}/met", f"/deadlines/{clock}/extend"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in"), path


def test_an_age_typed_with_unusual_digits_is_refused_not_a_crash(reviewer, read_db):
    # "²" counts as a digit to Python's str.isdigit() but is not a number.
    for typed in ("²", "١٩"):
        _, summary = refused(read_db, reviewer, debrief_form(victim_age=typed))
        assert summary == [("The victim's age must be a whole number, like 19", "#victim_age")]


def test_a_page_number_that_is_not_a_number_shows_the_first_page(reviewer):
    open_debrief_through_form(reviewer)
    for typed in ("²", "-1", "0", "abc", "99999999999"):
        page = reviewer.get(f"/debriefs?page={typed}")
        assert page.status_code == 200, typed
        assert "1 debrief" in page.get_data(as_text=True)


def test_a_page_past_the_last_shows_the_last_page_rather_than_saying_there_are_none(reviewer):
    open_debrief_through_form(reviewer)
    html = reviewer.get("/debriefs?page=7").get_data(as_text=True)
    assert "No debriefs have been opened yet." not in html
    assert [row[0] for row in table_rows(html, "1 debrief")] == [f"DB-{london_today().year}-0001"]


def test_the_history_shows_changed_answers_in_words(reviewer):
    debrief_id = open_debrief_through_form(reviewer)
    response = edit_debrief(reviewer, debrief_id, area="2026-11-02", themes=["drugs", "domestic_abuse"],
                            weapon="knife", domestic="y", incident_type="manslaughter", victim_sex="male",
                            relationship_to_suspect="ex_partner")
    assert response.status_code == 302
    changed = next(line for line in history(reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True))
                   if line.startswith("Changed:"))
    # Text that looks like a date is still the text that was typed.
    assert "area from Southend to 2026-11-02" in changed
    assert "themes from nothing to Domestic abuse, Drugs" in changed
    assert "weapon from nothing to Knife or sharp instrument" in changed
    assert "domestic from No to Yes" in changed
    assert "type of incident from Murder to Manslaughter" in changed
    assert "victim's sex from nothing to Male" in changed
    assert "relationship from nothing to Ex-partner" in changed
