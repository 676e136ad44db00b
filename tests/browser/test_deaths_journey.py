"""Death reports and linked series in a real browser, under the app's own Content Security Policy: an
analyst uploads an extract, runs the analysis, reads the deaths with their map, a death with its
reports and the deaths like it, the series queue and a series with its map and timeline, confirms it
with a note and reads the analytical report. Every page is checked with axe."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.builders import EMAIL, HEADER, background, csv_of, make_staff, planted_series


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def test_an_analyst_finds_confirms_and_reports_a_linked_series(strict_csp_site: Site, staff, tmp_path):
    site, page = strict_csp_site, strict_csp_site.page
    site.sign_in(EMAIL["analyst"])
    site.click_to_next_page(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Deaths"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Deaths")
    expect(page.locator("#freshness")).to_contain_text("No analysis has run yet")
    site.check_accessibility()

    site.click_to_next_page(page.get_by_role("link", name="Import death reports"))
    extract = tmp_path / "police.csv"
    extract.write_bytes(csv_of(*background(), *planted_series(), header=HEADER))
    page.get_by_label("Police sudden-death report").check()
    page.get_by_label("Upload a CSV file").set_input_files(str(extract))
    site.check_accessibility()
    site.click_to_next_page(page.get_by_role("button", name="Import death reports"))
    expect(page.locator("#imported-count")).to_have_text("404 new reports, 0 updated")
    site.check_accessibility()

    site.visit("/deaths")
    site.click_to_next_page(page.get_by_role("button", name="Analyse now"))
    # The page answers at once; the analysis runs after it. The analyst refreshes until it is done.
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The analysis has started")
    site.check_accessibility()
    for _ in range(120):
        if not page.locator("#analysis-running").count():
            break
        time.sleep(0.5)
        site.visit("/deaths")
    expect(page.locator("#freshness")).to_contain_text("Last analysed")
    expect(page.get_by_role("img", name=re.compile("Map of 404 deaths"))).to_be_visible()
    site.check_accessibility()

    page.get_by_label("Substance").select_option(label="Insulin")
    site.click_to_next_page(page.get_by_role("button", name="Apply filters"))
    expect(page.locator("#deaths caption")).to_have_text("4 deaths")
    site.click_to_next_page(page.locator("#deaths tbody a").first)
    expect(page.get_by_role("heading", name="Deaths most like this one")).to_be_visible()
    site.check_accessibility()

    site.click_to_next_page(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linked series"))
    site.check_accessibility()
    site.click_to_next_page(page.locator("#series tbody a").first)
    expect(page.locator("#reasons")).to_contain_text("insulin")
    site.check_accessibility()
    page.get_by_label("Confirm: these deaths may be linked and need investigating").check()
    page.get_by_label("Why").fill("Four residents of one home, none diabetic, insulin found: refer to MIT")
    site.click_to_next_page(page.get_by_role("button", name="Save decision"))
    expect(page.locator("#series-decision")).to_contain_text("Confirmed by Ana Analyst")

    site.visit("/deaths/report")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    site.check_accessibility()
