"""A partner invited in Welsh, in real browsers: the reviewer (reading English) invites a health board's
contact in Cymraeg; the contact opens the link from the Welsh email on a phone whose browser asks for
English, and reads every page in Welsh; switches to English with the language link and back, on the same
address; and sends the contribution, which the reviewer sees on the debrief.

Every page either of them reaches is checked with axe (see conftest.py), as in test_partner_journey.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from debrief.extensions import db
from debrief.models import Agency
from tests.browser.conftest import AXE_SCRIPT, Site, _test_failed
from tests.builders import MURDER
from tests.html import english_left

REVIEWER = "riya.reviewer@police.uk"
REVIEWER_NAME = "DS Riya Reviewer"
HEALTH_BOARD = "Betsi Cadwaladr University Health Board"
HEALTH_BOARD_CY = "Bwrdd Iechyd Prifysgol Betsi Cadwaladr"
BASE_URL = "http://127.0.0.1:5000"  # the app's default BASE_URL, which links in emails start with
BRIEFING = "Bu farw dyn 19 oed ar ôl cael ei drywanu y tu allan i siop tecawê ym Mangor ar 2 Tachwedd."
PHONE = {"width": 375, "height": 667}
# As test_partner_journey.py: GOV.UK Frontend's conditional radios carry aria-expanded on purpose.
ACCEPT_GOV_UK_CONDITIONAL_RADIOS = (
    'axe.configure({checks: [{id: "aria-allowed-attr", options: {radio: ["aria-expanded"]}}]});'
)
#: What a Welsh page may show in English: names, the reference, the force and the service's name.
NAMES = (REVIEWER_NAME, REVIEWER, HEALTH_BOARD_CY, "Ada Okafor", "Demonstration Constabulary", "Rapid Debrief")


@pytest.fixture
def partner_browser(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Callable[[], Site]]:
    """A phone's browser for the partner, asking for English: its own context, no staff session.
    Every page it reaches is checked with axe."""
    opened = []

    def open_phone() -> Site:
        context = browser.new_context(base_url=live_server, bypass_csp=True, locale="en-GB", viewport=PHONE,
                                      is_mobile=True, has_touch=True, device_scale_factor=2)
        context.set_default_timeout(10_000)
        context.add_init_script(path=AXE_SCRIPT)
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
        db.session.add(Agency(name=HEALTH_BOARD, name_cy=HEALTH_BOARD_CY, kind="health"))
        db.session.commit()


def link_in(email, live_server: str) -> str:
    link = re.search(r"https?://\S+/invite/\S+", email.get_content()).group(0)
    assert link.startswith(f"{BASE_URL}/invite/")
    return live_server + link.removeprefix(BASE_URL)


def expect_welsh(page: Page, reference: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert english_left(page.content(), allow=(*NAMES, reference)) == []


def test_a_partner_invited_in_welsh_answers_in_welsh_from_the_email_to_the_contribution(
        site: Site, partner_browser, make_user, client, api_token, agency, mailbox, live_server):
    make_user(REVIEWER, "reviewer", name=REVIEWER_NAME)
    created = client.post("/api/v1/debriefs", json={**MURDER, "partner_briefing": BRIEFING},
                          headers=api_token(REVIEWER))
    assert created.status_code == 201, created.get_json()
    debrief = created.get_json()
    reference = debrief["reference"]

    # The reviewer invites the health board's contact, in Cymraeg.
    page = site.page
    site.sign_in(REVIEWER)
    site.visit(f"/debriefs/{debrief['id']}")
    site.click_to_next_page(page.get_by_role("button", name="Invite a partner agency"))
    page.get_by_label("Agency").select_option(label=HEALTH_BOARD)
    page.get_by_label("Contact's name (optional)").fill("Ada Okafor")
    page.get_by_label("Contact's email address").fill("ada.okafor@wales.nhs.uk")
    page.get_by_role("group", name="Language of the emails and the partner's page").get_by_label("Cymraeg").check()
    site.click_to_next_page(page.get_by_role("button", name="Send invitation"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Invitation for {HEALTH_BOARD} queued for ada.okafor@wales.nhs.uk.")
    expect(page.locator(".rd-invitation-language")).to_have_text("Emails and page in Welsh")

    # The email is in Welsh.
    [email] = mailbox
    assert email["Subject"] == f"Ôl-drafodaeth gyflym {reference}: rhannwch yr hyn y mae eich asiantaeth yn ei wybod"
    assert email.get_content().startswith("Helo Ada Okafor,")

    # Her phone asks for English; the page is in her invitation's language.
    nurse = partner_browser()
    phone = nurse.page
    link = link_in(email, live_server)
    path = urlsplit(link).path
    nurse.visit(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Ôl-drafodaeth gyflym {reference}")
    expect(phone.locator(".govuk-inset-text")).to_have_text(BRIEFING)
    expect_welsh(phone, reference)

    # She sends it empty, and is told what to answer, in Welsh.
    nurse.click_to_next_page(phone.get_by_role("button", name="Anfon at y tîm adolygu"))
    error_summary = phone.locator(".govuk-error-summary")
    expect(error_summary).to_be_focused()
    expect(error_summary.get_by_role("heading")).to_have_text("Mae problem wedi codi")
    expect(error_summary.get_by_role("link")).to_have_text([
        "Dewiswch a fydd rhywun o’ch asiantaeth yn dod i’r cyfarfod",
        "Dewiswch a gafodd eich asiantaeth gysylltiad â’r bobl dan sylw",
    ])
    expect_welsh(phone, reference)

    # The language link: English, on the same address, and back to Cymraeg.
    nurse.click_to_next_page(phone.get_by_role("link", name="Change the language to English"))
    assert urlsplit(phone.url).path == path and not urlsplit(phone.url).query
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Rapid debrief {reference}")
    nurse.click_to_next_page(phone.get_by_role("link", name="Newid yr iaith i’r Gymraeg"))
    assert urlsplit(phone.url).path == path and not urlsplit(phone.url).query
    expect_welsh(phone, reference)

    # She answers: the summary box opens when she says there was contact.
    attending = phone.get_by_role("group", name="A fydd rhywun o’ch asiantaeth yn dod i gyfarfod")
    attending.get_by_label("Iawn", exact=True).check()
    prior_contact = phone.get_by_role("group", name="A gafodd eich asiantaeth gysylltiad")
    summary_box = phone.get_by_label("Crynodeb o’r cysylltiad hwnnw")
    expect(summary_box).to_be_hidden()
    prior_contact.get_by_label("Iawn", exact=True).check()
    expect(summary_box).to_be_visible()
    summary_box.fill("Gwelwyd yn yr adran achosion brys ar 3 Mai gyda llaw wedi’i thorri.")
    count = phone.locator(".govuk-character-count").filter(has=summary_box).locator(".govuk-character-count__status")
    expect(count).to_contain_text(re.compile(r"^Mae gennych [\d,]+ nod ar ôl$"))  # the count counts in Welsh
    phone.get_by_label("Beth y gellid ei ddysgu? (dewisol)").fill("Rhannu gwybodaeth yn gynt.")
    nurse.click_to_next_page(phone.get_by_role("button", name="Anfon at y tîm adolygu"))

    panel = phone.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Cyfraniad wedi’i anfon")
    expect(panel).to_contain_text(f"Ôl-drafodaeth gyflym {reference}")
    expect_welsh(phone, reference)

    # The reviewer, reading English, sees the health board has responded.
    site.visit(f"/debriefs/{debrief['id']}")
    block = page.locator(".rd-partner").filter(has=page.get_by_role("heading", name=re.compile(HEALTH_BOARD)))
    expect(block.locator("h3 > .govuk-tag")).to_have_text("Responded")
