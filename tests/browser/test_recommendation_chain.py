"""From lesson to closed recommendation, in a real browser, with the people who do each step: the
reviewer writes a lesson and a recommendation for an owner; the owner finds it in My actions and
responds; the learning team adds a briefing and marks it delivered; the owner asks for closure; the
board closes it as implemented from its queue. Every page any of them reaches is checked with axe.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.browser.conftest import Site
from tests.browser.helpers import expect_success, fill_date
from tests.builders import MURDER

REVIEWER = ("riya@police.uk", "Riya Reviewer", "reviewer")
OWNER = ("omar@police.uk", "Omar Owner", "owner")
LEARNING = ("lena@police.uk", "Lena Learning", "learning")
BOARD = ("bea@police.uk", "Bea Board", "board")


def menu(page: Page):
    return page.get_by_role("navigation", name="Menu")


def sign_in_as(site: Site, person: tuple[str, str, str]) -> None:
    site.sign_in(person[0])
    expect(site.page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {person[1]}")


def sign_out(site: Site, person: tuple[str, str, str]) -> None:
    site.click_to_next_page(menu(site.page).get_by_role("button", name=f"Sign out ({person[1]})"))


def status_of(page: Page):
    return page.locator("#status .govuk-tag")


def test_a_lesson_becomes_a_recommendation_that_the_board_closes_once_a_briefing_is_delivered(
        site: Site, make_user, client, api_token):
    for email, name, role in (REVIEWER, OWNER, LEARNING, BOARD):
        make_user(email, role, name=name)
    debrief = client.post("/api/v1/debriefs", json=MURDER, headers=api_token(REVIEWER[0])).get_json()
    today = datetime.now(ZoneInfo("Europe/London")).date()
    due = today + timedelta(days=45)
    page = site.page

    # The reviewer writes a lesson, then a recommendation that answers it.
    sign_in_as(site, REVIEWER)
    site.visit(f"/debriefs/{debrief['id']}")
    site.click_to_next_page(page.get_by_role("button", name="Add a lesson"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a lesson")
    site.click_to_next_page(page.get_by_role("button", name="Save lesson"))  # nothing typed
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what was learned")
    site.check_accessibility()
    page.get_by_label("What was learned").fill("Response officers did not know the victim had reported threats.")
    page.get_by_label("Risk assessment").check()
    page.get_by_label("Serious violence").check()
    site.click_to_next_page(page.get_by_role("button", name="Save lesson"))
    expect_success(page, "Lesson 1 saved.")
    expect(page.get_by_role("table", name=re.compile("^Lessons from"))).to_contain_text("Response officers did not know")

    site.click_to_next_page(page.get_by_role("button", name="Add a recommendation"))
    page.get_by_label("Recommendation", exact=True).fill("Brief every response officer on checking previous threats.")
    page.get_by_label("Owner's email address").fill(OWNER[0])
    fill_date(page, "Due date", due)
    page.get_by_label("High").check()
    page.get_by_label(re.compile("Lesson 1: Response officers")).check()
    site.click_to_next_page(page.get_by_role("button", name="Save recommendation"))
    expect_success(page, "allocated to Omar Owner")
    reference = page.get_by_role("heading", level=1).inner_text()
    assert re.fullmatch(r"REC-\d{4}-0001", reference), reference
    expect(status_of(page)).to_have_text("Open")
    expect(page.get_by_role("table", name=f"Deadlines for {reference}")).to_contain_text("Owner's response")
    expect(page.locator("#lessons + ul")).to_contain_text("Lesson 1")
    recommendation_path = page.url.removeprefix(site.base_url)
    sign_out(site, REVIEWER)

    # The owner finds it in My actions and responds with a plan.
    sign_in_as(site, OWNER)
    expect(page.locator("#owner-heading + p")).to_contain_text("You have 1 recommendation to work on")
    site.click_to_next_page(menu(page).get_by_role("link", name="My actions"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    site.click_to_next_page(page.get_by_role("link", name=f"Respond to {reference}"))
    page.get_by_label("Your response: what you will do, and by when").fill(
        "A briefing for all four shifts, written with the learning team.")
    site.click_to_next_page(page.get_by_role("button", name="Send response"))
    expect_success(page, "Your response is recorded.")
    expect(status_of(page)).to_have_text("In progress")
    sign_out(site, OWNER)

    # The learning team adds a briefing from its queue, then marks it delivered.
    sign_in_as(site, LEARNING)
    site.click_to_next_page(menu(page).get_by_role("link", name="Learning queue"))
    site.click_to_next_page(page.get_by_role("link", name=f"Add a learning product to {reference}"))
    page.get_by_label("Kind of product").select_option("briefing")
    page.get_by_label("Title").fill("Previous threats: what to check")
    page.get_by_label("Response officers").check()
    page.get_by_label("How many people should it reach? (optional)").fill("40")
    site.click_to_next_page(page.get_by_role("button", name="Add learning product"))
    expect_success(page, "Learning product “Previous threats: what to check” added")
    site.click_to_next_page(page.get_by_role("link", name="Update Previous threats: what to check"))
    page.get_by_label("Delivered", exact=True).check()
    fill_date(page, "Date it was delivered", today)
    page.get_by_label("How many people has it reached? (optional)").fill("36")
    site.click_to_next_page(page.get_by_role("button", name="Save"))
    expect_success(page, "is delivered")
    expect(page.locator("#products ~ ul").first).to_contain_text("Reached 36 of 40 (90%)")
    sign_out(site, LEARNING)

    # The owner says it is done.
    sign_in_as(site, OWNER)
    site.click_to_next_page(menu(page).get_by_role("link", name="My actions"))
    site.click_to_next_page(page.get_by_role("link", name=f"Ask for closure of {reference}"))
    page.get_by_label("What has been done").fill("All four shifts briefed; attendance sheets in the training log.")
    site.click_to_next_page(page.get_by_role("button", name="Ask for closure"))
    expect(status_of(page)).to_have_text("Awaiting closure")
    sign_out(site, OWNER)

    # The board sees the owner's note beside the delivered briefing, and closes it as implemented.
    sign_in_as(site, BOARD)
    site.click_to_next_page(menu(page).get_by_role("link", name="Board"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance board")
    queue = page.locator("#awaiting ~ div").first
    expect(queue).to_contain_text("All four shifts briefed")
    expect(queue).to_contain_text("Previous threats: what to check")
    expect(queue.locator(".govuk-warning-text")).to_have_count(0)  # the closure gate is satisfied
    site.click_to_next_page(page.get_by_role("button", name=f"Close {reference}"))
    expect(page.locator("#closure-gate")).to_have_count(0)
    page.get_by_label("Implemented", exact=True).check()
    site.click_to_next_page(page.get_by_role("button", name="Close recommendation"))
    expect_success(page, f"{reference} is closed: implemented.")
    expect(status_of(page)).to_have_text("Closed")
    expect(page.locator("#decisions + ul")).to_contain_text("Closed: implemented – Bea Board")
    assert page.url.removeprefix(site.base_url) == recommendation_path


def test_every_other_recommendation_page_passes_axe_with_its_errors_and_warnings(site: Site, make_user, client,
                                                                                 api_token, app):
    """The pages the chain above does not reach, in the states that add most to them: error summaries,
    the closure gate's warning, a stale edit, overdue flags, a partner's learning to turn into a lesson."""
    from debrief.extensions import db
    from debrief.models import Agency, Debrief
    from debrief.services import accounts, invitations

    make_user("multi@police.uk", "reviewer", "owner", "learning", "board", name="Morgan Many-Roles")
    headers = api_token("multi@police.uk")
    debrief = client.post("/api/v1/debriefs", json=MURDER, headers=headers).get_json()
    with app.app_context():
        agency = Agency(name="Mid Essex NHS Trust", kind="health")
        db.session.add(agency)
        db.session.flush()
        invitation, _ = invitations.invite(db.session.get(Debrief, debrief["id"]), agency=agency.id,
                                           email="nurse@nhs.net", name=None,
                                           actor=accounts.find_by_email("multi@police.uk"))
        invitations.contribute(invitation, invitations.ContributionDetails(
            attending="yes", prior_contact="no", learning="Our records showed two earlier injuries."))
        db.session.commit()
    today = datetime.now(ZoneInfo("Europe/London")).date()

    def recommendation(**moves) -> dict:
        body = {"text": "Check previous threats at every call.", "owner_email": "multi@police.uk",
                "due_date": (today + timedelta(days=3)).isoformat()}
        record = client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", json=body, headers=headers).get_json()
        for to, note in moves.get("to", []):
            response = client.post(f"/api/v1/recommendations/{record['id']}/transition", json={"to": to, "note": note},
                                   headers=headers)
            assert response.status_code == 200, response.get_json()
        return record

    open_one = recommendation()
    waiting = recommendation(to=[("in_progress", "Plan"), ("awaiting_closure", "Done")])
    client.post(f"/api/v1/recommendations/{waiting['id']}/products", headers=headers,
                json={"kind": "intranet_article", "title": "Intranet news item", "audience": ["response"]})
    page = site.page

    site.sign_in("multi@police.uk")
    site.visit(f"/debriefs/{debrief['id']}")
    site.click_to_next_page(page.get_by_role("button", name=re.compile("Turn into a lesson")))
    expect_success(page, "The partner's learning is now lesson 1.")

    for path in ("/my-actions", "/learning-queue", "/board", f"/recommendations/{waiting['id']}"):
        site.visit(path)

    # Every form, sent empty so that its error summary shows.
    for path, button in ((f"/recommendations/{open_one['id']}/respond", "Send response"),
                         (f"/recommendations/{open_one['id']}/updates/new", "Add to the recommendation"),
                         (f"/recommendations/{open_one['id']}/products/new", "Add learning product"),
                         (f"/recommendations/{open_one['id']}/extend", "Extend the due date"),
                         (f"/recommendations/{open_one['id']}/escalate", "Escalate"),
                         (f"/recommendations/{waiting['id']}/reject-closure", "Reject closure"),
                         (f"/recommendations/{waiting['id']}/close", "Close recommendation")):
        site.visit(path)
        site.click_to_next_page(page.get_by_role("button", name=button, exact=True))
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        if path.endswith("/close"):
            page.get_by_label("Implemented", exact=True).check()
            site.click_to_next_page(page.get_by_role("button", name="Close recommendation"))
            expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be closed as implemented")
            expect(page.locator("#closure-gate")).to_contain_text("awareness-only")

    # A learning product's progress, sent wrong.
    site.visit(f"/recommendations/{waiting['id']}")
    site.click_to_next_page(page.get_by_role("link", name="Update Intranet news item"))
    page.get_by_label("Delivered", exact=True).check()
    site.click_to_next_page(page.get_by_role("button", name="Save"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date it was delivered")

    # A stale edit: someone else changes the text while this form is open.
    site.visit(f"/recommendations/{open_one['id']}/edit")
    changed = client.patch(f"/api/v1/recommendations/{open_one['id']}", headers=headers,
                           json={"version": open_one["version"], "text": "Reworded elsewhere."})
    assert changed.status_code == 200, changed.get_json()
    page.get_by_label("Recommendation", exact=True).fill("My own wording.")
    site.click_to_next_page(page.get_by_role("button", name="Save changes"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Someone else changed the text to: Reworded elsewhere.")
    expect(page.locator("#what-changed")).to_contain_text("Text: now Reworded elsewhere.")
    expect(page.get_by_label("Recommendation", exact=True)).to_have_value("My own wording.")
    site.click_to_next_page(page.get_by_role("button", name="Save changes"))
    expect_success(page, "saved")
    expect(page.locator(".govuk-inset-text").first).to_have_text("My own wording.")


def test_the_recommendation_pages_run_under_the_real_csp_without_console_errors(strict_csp_site: Site, make_user,
                                                                               client, api_token):
    make_user(BOARD[0], "board", "reviewer", name=BOARD[1])
    make_user(OWNER[0], "owner", name=OWNER[1])
    headers = api_token(BOARD[0])
    debrief = client.post("/api/v1/debriefs", json=MURDER, headers=headers).get_json()
    due = (datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=20)).isoformat()
    record = client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", headers=headers,
                         json={"text": "Check previous threats.", "owner_email": OWNER[0], "due_date": due}).get_json()
    for to, note in (("in_progress", "Plan"), ("awaiting_closure", "Done")):
        client.post(f"/api/v1/recommendations/{record['id']}/transition", json={"to": to, "note": note},
                    headers=headers)
    site = strict_csp_site
    site.sign_in(BOARD[0])
    for path in ("/board", f"/recommendations/{record['id']}", f"/recommendations/{record['id']}/close",
                 f"/recommendations/{record['id']}/edit", f"/debriefs/{debrief['id']}"):
        site.visit(path)
    assert site.page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    assert site.console_errors == [], f"errors in the browser console: {site.console_errors}"
