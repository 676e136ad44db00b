"""The board dashboard in a real browser, under the app's own Content Security Policy: a board member
opens it from the service navigation, reads the headline figures and the charts, opens each chart's
data table, narrows it to a theme, and mistypes a date. An analyst sees the API summary's figures.
Every page (and the page with every data table open) is checked with axe."""
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

HEADLINE = ("open", "overdue", "awaiting_closure", "repeats", "repeats_of_implemented")


@pytest.fixture
def story(app, client, make_user, api_token, read_db, mailbox):
    """A murder (serious violence) with two open recommendations, one overdue, a briefing and an
    intranet article delivered; an attempted murder (drugs) with one; one partner invitation."""
    staff = make_staff(make_user, api_token)
    reviewer = staff["reviewer"]
    murder = open_debrief(client, reviewer)
    attempt = open_debrief(client, reviewer, incident_type="attempted_murder", crime_reference="42/90002/26",
                           themes=["drugs"])
    first = recommended(client, reviewer, murder["id"], due_date=in_days(30))
    late = recommended(client, reviewer, murder["id"], due_date=in_days(31), text="Share MARAC minutes with GPs")
    recommended(client, reviewer, attempt["id"], due_date=in_days(32), text="Brief custody staff on drug debt")
    set_due_date(read_db, late["id"], today() - timedelta(days=4))
    delivered_product(client, staff["learning"], first["id"], "briefing")
    delivered_product(client, staff["learning"], first["id"], "intranet_article")
    with app.app_context():
        db.session.add(Agency(name="Bwrdd Iechyd & Cymru ŵŷ", kind="health"))
        db.session.commit()
    invited = client.post(f"/api/v1/debriefs/{murder['id']}/invitations", headers=reviewer,
                          json={"agency": "Bwrdd Iechyd & Cymru ŵŷ", "email": "cyswllt@iechyd.cymru"})
    assert invited.status_code == 201, invited.get_json()
    return staff


def test_the_board_reads_the_dashboard_opens_its_data_and_narrows_it(strict_csp_site: Site, story):
    site, page = strict_csp_site, strict_csp_site.page
    site.sign_in(EMAIL["board"])
    site.click_to_next_page(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Figures"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Board dashboard")
    expect(page.get_by_role("navigation", name="Menu").locator("[aria-current]")).to_have_text("Figures")
    expect(page.locator("#figure-open")).to_have_text("3")
    expect(page.locator("#figure-overdue")).to_have_text("1")

    # Each chart is an image whose name reads out its figures; the awareness-only kind says so in words.
    expect(page.get_by_role("img", name=re.compile(
        r"^Open recommendations by days since they were made: 0 to 30 days, 3 open;"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"Overdue recommendations by owner.*Olu Owner, 1 overdue"))
           ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"Intranet article \(awareness only\), 1 \(1 delivered\)"))
           ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"Bwrdd Iechyd & Cymru ŵŷ, 1 sent, 0 responded"))).to_be_visible()

    # Every chart's data, as a table.
    summaries = page.locator(".govuk-details__summary")
    expect(summaries).to_have_count(4)
    for n in range(4):
        summaries.nth(n).click()
    ageing = page.get_by_role("table", name="Open recommendations by days since they were made")
    expect(ageing).to_be_visible()
    expect(ageing.get_by_role("row", name=re.compile("^0 to 30 days"))).to_contain_text("3")
    products = page.get_by_role("table", name="Learning products for these recommendations, by kind")
    expect(products.get_by_role("row", name=re.compile(r"^Intranet article \(awareness only\)"))).to_contain_text("1")
    expect(page.get_by_role("table", name="Partner invitations by agency")).to_contain_text("Bwrdd Iechyd & Cymru ŵŷ")
    site.check_accessibility()

    # Narrowed to a theme.
    page.get_by_label("Theme").select_option(label="Drugs")
    site.click_to_next_page(page.get_by_role("button", name="Apply filters"))
    expect(page.locator("#figure-open")).to_have_text("1")
    expect(page.locator("#figure-overdue")).to_have_text("0")
    expect(page.locator("#showing")).to_contain_text("from debriefs with the theme drugs")
    expect(page.get_by_label("Theme")).to_have_value("drugs")

    assert site.console_errors == [], f"errors in the browser console: {site.console_errors}"  # no CSP refusals

    # A date that does not exist is explained (a 400), and the link takes the reader to the box.
    period_start = page.get_by_role("group", name="Recommendations made from")
    for box, value in (("Day", "31"), ("Month", "2"), ("Year", str(today().year))):
        period_start.get_by_label(box).fill(value)
    site.click_to_next_page(page.get_by_role("button", name="Apply filters"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The start of the period must be a real date, like 1 4 2026")
    expect(page.locator("#figure-open")).to_have_count(0)
    summary.get_by_role("link", name=re.compile("The start of the period")).click()
    expect(page.locator("#start-day")).to_be_focused()
    assert site.console_errors == ["Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"]


def test_an_analyst_sees_the_api_summarys_figures(site: Site, story, client):
    api = client.get("/api/v1/board/summary", headers=story["analyst"]).get_json()
    site.sign_in(EMAIL["analyst"])
    site.visit("/board/dashboard")
    shown = {key: int(site.page.locator(f"#figure-{key.replace('_', '-')}").inner_text()) for key in HEADLINE}
    assert shown == {key: api[key] for key in HEADLINE}
    assert (shown["open"], shown["overdue"]) == (3, 1)


def test_a_reviewer_is_refused_the_dashboard_and_not_offered_it(site: Site, story):
    site.sign_in(EMAIL["reviewer"])
    expect(site.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Figures")).to_have_count(0)
    site.visit("/board/dashboard", status=403)
    expect(site.page.locator("#figure-open")).to_have_count(0)
