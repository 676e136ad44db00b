"""The board dashboard in Welsh in a real browser, under the app's own Content Security Policy: a board
member switches to Cymraeg, reads the headline figures and the charts (each an image whose name reads its
figures in Welsh), opens every chart's data table, and mistypes a date. Every page is checked with axe."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from debrief.extensions import db
from debrief.models import Agency
from tests.browser.conftest import Site
from tests.builders import (
    EMAIL, delivered_product, in_days, make_staff, open_debrief, recommended, set_due_date, today,
)


@pytest.fixture
def story(app, client, make_user, api_token, read_db, mailbox):
    """A murder with two open recommendations, one overdue, a briefing delivered; one partner invitation."""
    staff = make_staff(make_user, api_token)
    reviewer = staff["reviewer"]
    murder = open_debrief(client, reviewer)
    first = recommended(client, reviewer, murder["id"], due_date=in_days(30))
    late = recommended(client, reviewer, murder["id"], due_date=in_days(31), text="Share MARAC minutes with GPs")
    set_due_date(read_db, late["id"], today() - timedelta(days=4))
    delivered_product(client, staff["learning"], first["id"], "briefing")
    with app.app_context():
        db.session.add(Agency(name="Bwrdd Iechyd & Cymru ŵŷ", kind="health"))
        db.session.commit()
    invited = client.post(f"/api/v1/debriefs/{murder['id']}/invitations", headers=reviewer,
                          json={"agency": "Bwrdd Iechyd & Cymru ŵŷ", "email": "cyswllt@iechyd.cymru"})
    assert invited.status_code == 201, invited.get_json()
    return staff


def test_a_board_member_reads_the_dashboard_in_welsh(strict_csp_site: Site, story):
    site, page = strict_csp_site, strict_csp_site.page
    site.sign_in(EMAIL["board"])
    site.visit("/board/dashboard?lang=cy")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dangosfwrdd y bwrdd")
    expect(page.locator("#figure-open")).to_have_text("2")
    expect(page.locator("#figure-overdue")).to_have_text("1")

    # Each chart's name reads its figures in Welsh.
    expect(page.get_by_role("img", name=re.compile(
        r"^Argymhellion ar agor yn ôl y dyddiau ers iddynt gael eu gwneud: 0 i 30 diwrnod, 2 ar agor;"))
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"Argymhellion hwyr yn ôl perchennog.*Olu Owner, 1 yn hwyr"))
           ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"Sesiwn friffio, 1 \(1 wedi’u cyflwyno\)"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"Bwrdd Iechyd & Cymru ŵŷ, 1 wedi’u hanfon, 0 wedi ymateb"))
           ).to_be_visible()

    # Every chart's data, as a table named in Welsh.
    summaries = page.locator(".govuk-details__summary")
    expect(summaries).to_have_count(4)
    for n in range(4):
        expect(summaries.nth(n)).to_contain_text("Dangos y data")
        summaries.nth(n).click()
    ageing = page.get_by_role("table", name="Argymhellion ar agor yn ôl y dyddiau ers iddynt gael eu gwneud")
    expect(ageing.get_by_role("row", name=re.compile("^0 i 30 diwrnod"))).to_contain_text("2")
    expect(page.get_by_role("table", name="Gwahoddiadau i bartneriaid yn ôl asiantaeth")).to_contain_text(
        "Bwrdd Iechyd & Cymru ŵŷ")
    site.check_accessibility()
    assert site.console_errors == [], f"errors in the browser console: {site.console_errors}"

    # A date that does not exist is explained in Welsh, and the link takes the reader to the box.
    expect(page.get_by_role("group", name="Argymhellion a wnaed o")).to_be_visible()
    for box, value in (("day", "31"), ("month", "2"), ("year", str(today().year))):
        page.locator(f"#start-{box}").fill(value)
    site.click_to_next_page(page.get_by_role("button", name="Hidlo"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Mae problem wedi codi")
    expect(summary).to_contain_text("Rhaid i ddechrau’r cyfnod fod yn ddyddiad go iawn, fel 1 4 2026")
    summary.get_by_role("link", name=re.compile("Rhaid i ddechrau’r cyfnod")).click()
    expect(page.locator("#start-day")).to_be_focused()
