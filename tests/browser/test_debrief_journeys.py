"""A reviewer's night with a debrief, in a real browser: opening it through the form, working its
deadlines, recording the meeting, reading the history. Every page reached is checked with axe.

The incident is a murder reported on Monday 2 November 2026 at 23:40 with prior police contact, so
its IOPC referral was due by the end of Tuesday 3 November and its meeting by Monday 9 November.
"""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.helpers import deadline_row, expect_success, fill_date

REVIEWER = "riya@police.uk"


def action(page: Page, verb: str, deadline: str):
    """A deadline's action link, e.g. "Mark as met: IOPC referral" (the deadline's name is visually
    hidden, so Chromium may read a space before the colon)."""
    return page.get_by_role("link", name=re.compile(rf"^{re.escape(verb)}\s*: {re.escape(deadline)}$"))


def test_reviewer_opens_a_debrief_works_its_deadlines_and_records_the_meeting(site: Site, make_user):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    page = site.page
    site.sign_in(REVIEWER)

    # Opening the debrief through the form.
    site.click_to_next_page(page.get_by_role("button", name="Open a debrief"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a debrief")
    page.get_by_label("Murder", exact=True).check()
    page.get_by_label("Crime reference").fill("42/18812/26")
    page.get_by_label("Operation name (optional)").fill("Op Larch")
    fill_date(page, "Date the incident happened", date(2026, 11, 2))
    page.get_by_label("Time the incident happened").fill("23:10")
    fill_date(page, "Date the incident was reported to police", date(2026, 11, 2))
    page.get_by_label("Time the incident was reported").fill("23:40")
    page.get_by_label("Area (optional)").fill("Southend")
    page.get_by_label("Internal summary").fill("Man stabbed outside a takeaway.\nSecond line kept.")
    page.get_by_role("checkbox", name="Serious violence").check()
    page.get_by_label("Victim's age (optional)").fill("19")
    page.get_by_label("Knife or sharp instrument").check()
    page.get_by_label("Police had contact with the victim or suspect before the incident").check()
    site.click_to_next_page(page.get_by_role("button", name="Save debrief"))

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^DB-\d{4}-0001 – Op Larch$"))
    expect_success(page, "Its deadline clocks have started.")
    expect(page.get_by_role("table", name=re.compile("^Deadlines for"))).to_be_visible()
    expect(deadline_row(page, "Rapid debrief meeting")).to_contain_text("Monday 9 November 2026")
    expect(deadline_row(page, "IOPC referral")).to_contain_text("Tuesday 3 November 2026")
    expect(deadline_row(page, "Home Office homicide index return")).to_contain_text("Wednesday 2 December 2026")
    expect(deadline_row(page, "Offensive weapon homicide review notification")).to_contain_text(
        "Wednesday 2 December 2026")
    expect(deadline_row(page, "IOPC referral").locator(".govuk-tag")).to_have_text("Overdue")
    expect(deadline_row(page, "Rapid debrief meeting").locator(".govuk-tag")).to_have_text("Overdue")
    expect(page.locator(".rd-prose").first).to_have_text("Man stabbed outside a takeaway.\nSecond line kept.")

    # The IOPC referral was made the next morning.
    site.click_to_next_page(action(page, "Mark as met", "IOPC referral"))
    expect(page.get_by_role("heading", level=1)).to_have_text("When was this done?")
    fill_date(page, "Date it was met", date(2026, 11, 3))
    page.get_by_label("Time it was met").fill("09:15")
    site.click_to_next_page(page.get_by_role("button", name="Mark as met"))
    expect_success(page, "IOPC referral: marked as met.")
    expect(deadline_row(page, "IOPC referral").locator(".govuk-tag")).to_have_text("Met")
    expect(deadline_row(page, "IOPC referral")).to_contain_text("Met 3 November 2026 at 09:15")
    expect(action(page, "Extend", "IOPC referral")).to_have_count(0)

    # The report needs longer.
    site.click_to_next_page(action(page, "Extend", "Debrief report issued"))
    fill_date(page, "New due date", date(2026, 12, 14))
    page.get_by_label("Reason for the extension").fill("Post-mortem results are delayed.")
    site.click_to_next_page(page.get_by_role("button", name="Extend deadline"))
    expect_success(page, "Debrief report issued: deadline extended.")
    expect(deadline_row(page, "Debrief report issued")).to_contain_text("Monday 14 December 2026")
    expect(deadline_row(page, "Debrief report issued")).to_contain_text("Extended: Post-mortem results are delayed.")

    # The Home Office return is held, then runs again.
    site.click_to_next_page(action(page, "Pause", "Home Office homicide index return"))
    page.get_by_label("Why is this deadline paused?").fill("Awaiting the charging decision.")
    site.click_to_next_page(page.get_by_role("button", name="Pause deadline"))
    expect_success(page, "Home Office homicide index return: paused.")
    expect(deadline_row(page, "Home Office homicide index return").locator(".govuk-tag")).to_have_text("Paused")
    site.click_to_next_page(action(page, "Resume", "Home Office homicide index return"))
    page.get_by_label("Why is this deadline running again?").fill("Suspect charged.")
    site.click_to_next_page(page.get_by_role("button", name="Resume deadline"))
    expect_success(page, "Home Office homicide index return: running again.")
    expect(deadline_row(page, "Home Office homicide index return").locator(".govuk-tag")).not_to_have_text("Paused")

    # The meeting.
    site.click_to_next_page(page.get_by_role("button", name="Record the meeting"))
    fill_date(page, "Date of the meeting", date(2026, 11, 5))
    page.get_by_label("Time the meeting started").fill("10:00")
    page.get_by_label("Who attended").fill("DS Priya Shah, Essex Police\nJo Bloggs, Mid and South Essex NHS Trust")
    site.click_to_next_page(page.get_by_role("button", name="Save meeting record"))
    expect_success(page, "Meeting recorded.")
    expect(deadline_row(page, "Rapid debrief meeting").locator(".govuk-tag")).to_have_text("Met")
    attendees = page.get_by_role("table", name="Who attended")
    expect(attendees.get_by_role("row")).to_have_count(3)
    expect(attendees).to_contain_text("Mid and South Essex NHS Trust")

    # The history tells the story, newest first.
    history = page.get_by_role("table", name=re.compile("^Changes to"))
    what = history.locator("tbody tr td:nth-child(3)")
    expect(what.first).to_have_text("Deadline met: Rapid debrief meeting")
    for line in ("Opened the debrief", "Deadline met: IOPC referral",
                 "Deadline extended: Debrief report issued now due Monday 14 December 2026. "
                 "Reason: Post-mortem results are delayed.",
                 "Deadline paused: Home Office homicide index return. Reason: Awaiting the charging decision.",
                 "Deadline resumed: Home Office homicide index return now due Wednesday 2 December 2026. "
                 "Reason: Suspect charged."):
        expect(what.filter(has_text=line)).to_have_count(1)

    # And the debrief list shows it with its meeting held.
    site.click_to_next_page(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Debriefs"))
    expect(page.get_by_role("table")).to_contain_text("Meeting held")


def test_the_empty_debrief_form_error_summary_is_accessible_and_leads_to_each_field(site: Site, make_user):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    page = site.page
    site.sign_in(REVIEWER)
    site.visit("/debriefs/new")
    site.click_to_next_page(page.get_by_role("button", name="Save debrief"))

    expect(page).to_have_title(re.compile(r"^Error: Open a debrief"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Select the type of incident", "Enter the crime reference",
                                "Enter the date the incident happened",
                                "Enter the time the incident happened, for example 23:40",
                                "Enter the date the incident was reported",
                                "Enter the time the incident was reported, for example 23:40",
                                "Enter a summary of the incident"])

    links.first.click()
    expect(page.get_by_label("Murder", exact=True)).to_be_focused()
    summary.get_by_role("link", name="Enter the date the incident happened").click()
    expect(page.get_by_role("group", name="Date the incident happened").get_by_label("Day")).to_be_focused()
    summary.get_by_role("link", name="Enter a summary of the incident").click()
    expect(page.get_by_label("Internal summary")).to_be_focused()
    site.check_accessibility()


def test_a_wrong_time_is_linked_to_the_time_box(site: Site, make_user):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    page = site.page
    site.sign_in(REVIEWER)
    site.visit("/debriefs/new")
    page.get_by_label("Murder", exact=True).check()
    page.get_by_label("Crime reference").fill("42/18812/26")
    fill_date(page, "Date the incident happened", date(2026, 11, 2))
    page.get_by_label("Time the incident happened").fill("23:10")
    fill_date(page, "Date the incident was reported to police", date(2026, 11, 2))
    page.get_by_label("Time the incident was reported").fill("25:00")
    page.get_by_label("Internal summary").fill("Summary")
    site.click_to_next_page(page.get_by_role("button", name="Save debrief"))

    link = page.locator(".govuk-error-summary").get_by_role(
        "link", name="The time the incident was reported must be on the 24-hour clock, like 23:40")
    link.click()
    expect(page.get_by_label("Time the incident was reported")).to_be_focused()
    expect(page.get_by_label("Time the incident was reported")).to_have_value("25:00")
    expect(page.get_by_label("Crime reference")).to_have_value("42/18812/26")


def test_several_problems_at_once_are_all_in_the_error_summary_with_links_to_their_fields(
        strict_csp_site: Site, make_user):
    # Under the real CSP, so the character count's script runs as it will for people.
    site = strict_csp_site
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    page = site.page
    site.sign_in(REVIEWER)
    site.visit("/debriefs/new")
    # The character count is working: it counts down as the reviewer types.
    expect(page.locator("#summary-info")).to_have_text("You can enter up to 10,000 characters")
    page.get_by_label("Internal summary").fill("x" * 10_005)
    expect(page.locator(".govuk-character-count__status").first).to_have_text("You have 5 characters too many")

    page.get_by_label("Murder", exact=True).check()
    page.get_by_label("Crime reference").fill("42/18812/26")
    fill_date(page, "Date the incident happened", date(2999, 11, 3))  # in the future, and no time
    fill_date(page, "Date the incident was reported to police", date(2026, 11, 2))
    page.get_by_label("Time the incident was reported").fill("25:00")
    site.click_to_next_page(page.get_by_role("button", name="Save debrief"))

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expected = [
        ("The date the incident happened must be today or in the past",
         page.get_by_role("group", name="Date the incident happened").get_by_label("Day")),
        ("Enter the time the incident happened, for example 23:40", page.get_by_label("Time the incident happened")),
        ("The date the incident was reported must be the same as or after the date it happened",
         page.get_by_role("group", name="Date the incident was reported to police").get_by_label("Day")),
        ("The time the incident was reported must be on the 24-hour clock, like 23:40",
         page.get_by_label("Time the incident was reported")),
        ("A summary of the incident must be 10,000 characters or fewer", page.get_by_label("Internal summary")),
    ]
    expect(summary.get_by_role("link")).to_have_text([message for message, _ in expected])
    for message, field in expected:
        summary.get_by_role("link", name=message).click()
        expect(field).to_be_focused()
    # (The refused form answers 400, which Chromium logs; no script failed.)
    assert not [e for e in site.console_errors if e.startswith("uncaught")], site.console_errors
    site.check_accessibility()
