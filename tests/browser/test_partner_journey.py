"""A partner agency brought into a debrief, in real browsers: the reviewer invites a nurse's NHS trust
from the debrief page; the nurse opens the link from her email on her phone (no account, no staff
session), reads the briefing, sends her trust's contribution; the reviewer sees it on the debrief.

Every page either of them reaches is checked with axe (see conftest.py). The partner's pages are
also checked at a phone's width (375 by 667) for sideways scrolling.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from debrief.extensions import db
from debrief.models import Agency, Invitation, utcnow
from tests.browser.conftest import AXE_SCRIPT, Site, _test_failed
from tests.builders import MURDER

# Police email addresses can be long; on a phone they must wrap, not push the page sideways.
REVIEWER = "alexandra.richardsonwhitfield@staffordshire.police.uk"
REVIEWER_NAME = "DS Alexandra Richardson-Whitfield"
NHS = "Mid and South Essex NHS Foundation Trust"
BASE_URL = "http://127.0.0.1:5000"  # the app's default BASE_URL, which links in emails start with
INTERNAL_SUMMARY = "INTERNAL: suspect named as J. Bloggs"
BRIEFING = ("A 19-year-old man died after being stabbed outside a takeaway in Southend late on 2 November.\n"
            "We would like to know about any contact your agency had with him in the last two years.")
PHONE = {"width": 375, "height": 667}
# GOV.UK Frontend marks a radio that reveals a question with aria-expanded, on purpose: screen readers
# announce it, and the Design System keeps it after research (alphagov/govuk-frontend#979, #1972).
# axe reads the ARIA spec strictly and calls it critical. Exactly that attribute on radios is accepted
# on the partner's phone; every other axe rule, and aria-expanded anywhere else, still fails the test.
ACCEPT_GOV_UK_CONDITIONAL_RADIOS = (
    'axe.configure({checks: [{id: "aria-allowed-attr", options: {radio: ["aria-expanded"]}}]});'
)


# The people, their browsers and the debrief ----------------------------------------------------


@pytest.fixture
def partner_browser(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Callable[[], Site]]:
    """Opens a phone's browser for a partner: its own context, so no staff session carries over.
    Every page it reaches is checked with axe, like the `site` fixture's."""
    opened = []

    def open_phone() -> Site:
        context = browser.new_context(base_url=live_server, bypass_csp=True, locale="en-GB", viewport=PHONE,
                                      is_mobile=True, has_touch=True, device_scale_factor=2)
        context.set_default_timeout(10_000)
        context.add_init_script(path=AXE_SCRIPT)  # on every page, before the check looks for it
        context.add_init_script(script=ACCEPT_GOV_UK_CONDITIONAL_RADIOS)
        visitor = Site(context.new_page(), live_server, csp_bypassed=True)
        opened.append((context, visitor))
        return visitor

    yield open_phone
    try:
        for _context, visitor in opened:
            visitor.finish(test_failed=_test_failed(request))
    finally:
        for context, _visitor in opened:
            context.close()


@pytest.fixture
def agency(app) -> None:
    with app.app_context():
        db.session.add_all([Agency(name=NHS, kind="health"), Agency(name="Southend Borough Council",
                                                                    kind="local_authority")])
        db.session.commit()


def open_debrief(client, api_token, **changes) -> dict:
    body = {**MURDER, "summary": INTERNAL_SUMMARY, "partner_briefing": BRIEFING, **changes}
    response = client.post("/api/v1/debriefs", json=body, headers=api_token(REVIEWER))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def link_in(email, live_server: str) -> str:
    """The invitation link from an email, pointed at the server these tests run."""
    link = re.search(r"https?://\S+/invite/\S+", email.get_content()).group(0)
    assert link.startswith(f"{BASE_URL}/invite/")
    return live_server + link.removeprefix(BASE_URL)


def expect_no_sideways_scrolling(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def partner_block(page: Page, agency: str):
    return page.locator(".rd-partner").filter(has=page.get_by_role("heading", name=re.compile(re.escape(agency))))


def state_tag(block):
    return block.locator("h3 > .govuk-tag")


def email_status_tag(block):
    return block.locator(".rd-email-status .govuk-tag")


def answer(page: Page, block, question: str):
    """The value beside `question` in an agency's latest contribution."""
    row = block.locator(".govuk-summary-list__row").filter(has=page.get_by_text(question, exact=True))
    return row.locator(".govuk-summary-list__value")


# The journey -----------------------------------------------------------------------------------


def test_a_nurse_answers_an_invitation_on_her_phone_and_the_reviewer_sees_it(
        site: Site, partner_browser, make_user, client, api_token, agency, mailbox, live_server):
    make_user(REVIEWER, "reviewer", name=REVIEWER_NAME)
    debrief = open_debrief(client, api_token)

    # The reviewer invites the trust's named contact from the debrief page.
    page = site.page
    site.sign_in(REVIEWER)
    site.visit(f"/debriefs/{debrief['id']}")
    site.click_to_next_page(page.get_by_role("button", name="Invite a partner agency"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a partner agency")
    page.get_by_label("Agency").select_option(label=NHS)
    page.get_by_label("Contact's name (optional)").fill("Ada Okafor")
    page.get_by_label("Contact's email address").fill("ada.okafor@nhs.net")
    site.click_to_next_page(page.get_by_role("button", name="Send invitation"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Invitation for {NHS} queued for ada.okafor@nhs.net.")
    expect(state_tag(partner_block(page, NHS))).to_have_text("Sent")

    # The nurse opens the link from her email on her phone; the reviewer's page says the email has gone.
    assert [email["To"] for email in mailbox] == ["ada.okafor@nhs.net"]
    site.visit(f"/debriefs/{debrief['id']}")
    expect(email_status_tag(partner_block(page, NHS))).to_have_text("Email sent")
    nurse = partner_browser()
    phone = nurse.page
    nurse.visit(link_in(mailbox[0], live_server))
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Rapid debrief {debrief['reference']}")
    expect(phone.locator(".govuk-inset-text")).to_have_text(BRIEFING)
    expect(phone.get_by_text("J. Bloggs")).to_have_count(0)
    expect(phone.get_by_role("link", name="Sign out")).to_have_count(0)  # no staff session here
    expect_no_sideways_scrolling(phone)

    # She sends it with nothing filled in, and is shown what to answer.
    summary_box = phone.get_by_label("Summary of that contact")
    expect(summary_box).to_be_hidden()
    nurse.click_to_next_page(phone.get_by_role("button", name="Send to the review team"))
    error_summary = phone.locator(".govuk-error-summary")
    expect(error_summary).to_be_focused()  # GOV.UK Frontend moves her straight to it
    expect(error_summary.get_by_role("link")).to_have_text([
        "Select whether someone from your agency will attend the meeting",
        "Select whether your agency had contact with the people involved",
    ])
    expect_no_sideways_scrolling(phone)
    error_summary.get_by_role("link", name="Select whether someone from your agency will attend").click()
    attending = phone.get_by_role("group", name="Will someone from your agency attend")
    expect(attending.get_by_label("Yes", exact=True)).to_be_focused()

    # The summary box is asked for only once she says there was contact.
    attending.get_by_label("Yes", exact=True).check()
    prior_contact = phone.get_by_role("group", name="Did your agency have contact")
    expect(summary_box).to_be_hidden()
    prior_contact.get_by_label("No", exact=True).check()
    expect(summary_box).to_be_hidden()
    prior_contact.get_by_label("Yes", exact=True).check()
    expect(summary_box).to_be_visible()
    summary_box.fill("Seen in A&E on 3 May with a cut hand.\nSafeguarding referral made to the council.")
    phone.get_by_label("What could be learned? (optional)").fill("A&E attendances with knife injuries are "
                                                                 "not shared with the police.")
    expect_no_sideways_scrolling(phone)
    nurse.click_to_next_page(phone.get_by_role("button", name="Send to the review team"))

    panel = phone.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Contribution sent")
    expect(panel).to_contain_text(f"Rapid debrief {debrief['reference']}")
    expect(phone.get_by_role("link", name=REVIEWER)).to_have_attribute("href", f"mailto:{REVIEWER}")
    expect_no_sideways_scrolling(phone)

    # Back on the debrief page, the reviewer sees the trust has responded, and what it said.
    site.visit(f"/debriefs/{debrief['id']}")
    block = partner_block(page, NHS)
    expect(state_tag(block)).to_have_text("Responded")
    expect(answer(page, block, "Attending")).to_have_text("Yes")
    expect(answer(page, block, "Prior contact")).to_have_text("Yes")
    expect(answer(page, block, "Contact")).to_have_text(
        "Seen in A&E on 3 May with a cut hand.\nSafeguarding referral made to the council.")
    expect(answer(page, block, "Learning")).to_have_text(
        "A&E attendances with knife injuries are not shared with the police.")


def test_an_expired_link_and_an_unknown_link_are_clear_and_accessible_on_a_phone(
        app, partner_browser, make_user, client, api_token, agency, mailbox, live_server):
    make_user(REVIEWER, "reviewer", name=REVIEWER_NAME)
    debrief = open_debrief(client, api_token)
    created = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=api_token(REVIEWER),
                          json={"agency": NHS, "email": "ada.okafor@nhs.net"}).get_json()
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.id == created["id"])
                           .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    nurse = partner_browser()
    phone = nurse.page

    nurse.visit(link_in(mailbox[0], live_server), status=410)
    expect(phone.get_by_role("heading", level=1)).to_have_text("This invitation is no longer open")
    expect(phone.get_by_role("main")).to_contain_text(re.compile(
        r"This invitation to rapid debrief DB-\d{4}-\d{4} has expired\. If you still have information to share, "
        + re.escape(f"contact {REVIEWER_NAME} at {REVIEWER}.")))
    expect(phone.get_by_role("link", name=f"Email {REVIEWER_NAME}")).to_have_attribute(
        "href", re.compile("^" + re.escape(f"mailto:{REVIEWER}?subject=Rapid%20debrief%20DB-")))
    expect(phone.get_by_text(BRIEFING.splitlines()[0])).to_have_count(0)
    expect_no_sideways_scrolling(phone)

    nurse.visit("/invite/this-link-was-cut-short", status=404)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Link not recognised")
    expect(phone.get_by_role("main")).to_contain_text("Check it was copied in full from your email.")
    expect_no_sideways_scrolling(phone)


def test_the_reviewer_resends_an_invitation_and_is_asked_before_withdrawing_it(
        site: Site, make_user, client, api_token, agency, mailbox, live_server):
    make_user(REVIEWER, "reviewer", name=REVIEWER_NAME)
    debrief = open_debrief(client, api_token)
    created = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=api_token(REVIEWER),
                          json={"agency": NHS, "email": "ada.okafor@nhs.net"}).get_json()
    assert created["email_status"] == "queued"
    page = site.page
    site.sign_in(REVIEWER)
    site.visit(f"/debriefs/{debrief['id']}")
    block = partner_block(page, NHS)
    expect(email_status_tag(block)).to_have_text("Email sent")

    # Ada says it never arrived: the reviewer resends it, with a new link.
    site.click_to_next_page(block.get_by_role("button", name=f"Resend the email to {NHS}"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The invitation is being emailed to ada.okafor@nhs.net again, with a new link.")
    assert [email["To"] for email in mailbox] == ["ada.okafor@nhs.net"] * 2
    assert link_in(mailbox[0], live_server) != link_in(mailbox[1], live_server)

    # Withdrawing asks first; keeping it changes nothing.
    site.click_to_next_page(partner_block(page, NHS).get_by_role("link", name=f"Withdraw the invitation to {NHS}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Withdraw the invitation to {NHS}?")
    site.click_to_next_page(page.get_by_role("link", name="Keep it"))
    expect(state_tag(partner_block(page, NHS))).to_have_text("Sent")
    site.click_to_next_page(partner_block(page, NHS).get_by_role("link", name=f"Withdraw the invitation to {NHS}"))
    site.click_to_next_page(page.get_by_role("button", name="Withdraw the invitation"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The invitation to {NHS} is withdrawn: its link no longer works.")
    expect(state_tag(partner_block(page, NHS))).to_have_text("Revoked")
