"""A repeat caught while it is written, in a real browser under the app's own Content Security Policy:
the reviewer types a paraphrase of an earlier recommendation, the earlier one appears under the box
marked as a possible repeat, they save it anyway, open the new recommendation and confirm the repeat.
Every page (and the form with its matches showing) is checked with axe.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.browser.helpers import expect_success, fill_date
from tests.builders import EARLIER, MURDER, PARAPHRASE, UNRELATED

REVIEWER = ("riya@police.uk", "Riya Reviewer", "reviewer")
OWNER = ("omar@police.uk", "Omar Owner", "owner")


def test_a_reviewer_is_shown_a_possible_repeat_as_they_type_and_confirms_it(strict_csp_site: Site, make_user,
                                                                            client, api_token):
    for email, name, role in (REVIEWER, OWNER):
        make_user(email, role, name=name)
    headers = api_token(REVIEWER[0])
    debrief = client.post("/api/v1/debriefs", json=MURDER, headers=headers).get_json()
    due = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=45)
    made = []
    for text in (EARLIER, UNRELATED):
        response = client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", headers=headers,
                               json={"text": text, "owner_email": OWNER[0], "due_date": due.isoformat()})
        assert response.status_code == 201, response.get_json()
        made.append(response.get_json())
    earlier = made[0]["reference"]
    site = strict_csp_site
    page = site.page

    site.sign_in(REVIEWER[0])
    site.visit(f"/debriefs/{debrief['id']}")
    site.click_to_next_page(page.get_by_role("button", name="Add a recommendation"))
    panel = page.locator("#similar-recommendations")
    expect(panel).to_have_attribute("aria-live", "polite")
    expect(panel).to_be_empty()

    page.get_by_label("Recommendation", exact=True).press_sequentially(PARAPHRASE[:30])
    page.get_by_label("Recommendation", exact=True).fill(PARAPHRASE)
    expect(panel.get_by_role("heading", name="Similar earlier recommendations")).to_be_visible()
    flagged = panel.locator("li").filter(has_text="Possible repeat")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text(earlier)
    expect(flagged).to_contain_text(EARLIER)
    expect(flagged).to_contain_text(re.compile(r"\d+% similar"))
    expect(flagged.get_by_role("link", name=f"{earlier} (opens in new tab)")).to_have_attribute(
        "href", f"/recommendations/{made[0]['id']}")
    expect(panel.locator(".govuk-warning-text")).to_contain_text("This may repeat an earlier recommendation")
    expect(page.locator('input[name="repeats_seen"]')).to_have_value("1")
    site.check_accessibility()

    page.get_by_label("Owner's email address").fill(OWNER[0])
    fill_date(page, "Due date", due)
    # The matches were shown as they typed, so saving asks nothing more.
    site.click_to_next_page(page.get_by_role("button", name="Save recommendation"))
    expect_success(page, f"It may repeat {earlier}: a reviewer confirms or dismisses that on its page.")
    reference = page.get_by_role("heading", level=1).inner_text()
    possible = page.locator("#possible-repeats + p + ul")
    expect(possible).to_contain_text(earlier)

    site.click_to_next_page(page.get_by_role("button", name=f"Confirm repeat of {earlier}"))
    expect_success(page, f"{reference} is confirmed as a repeat of {earlier}.")
    expect(page.locator("#repeat-of")).to_contain_text(f"Repeat of {earlier}")
    expect(page.locator("#possible-repeats")).to_have_count(0)

    site.click_to_next_page(page.locator("#repeat-of").get_by_role("link", name=earlier))
    expect(page.locator("#repeated-by")).to_contain_text(f"Repeated by: {reference}")
    assert site.console_errors == [], f"errors in the browser console: {site.console_errors}"


def test_saving_before_the_matches_have_shown_asks_first_and_keeps_what_was_typed(site: Site, make_user, client,
                                                                                  api_token):
    for email, name, role in (REVIEWER, OWNER):
        make_user(email, role, name=name)
    headers = api_token(REVIEWER[0])
    debrief = client.post("/api/v1/debriefs", json=MURDER, headers=headers).get_json()
    due = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=45)
    for text in (EARLIER, UNRELATED):
        client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", headers=headers,
                    json={"text": text, "owner_email": OWNER[0], "due_date": due.isoformat()})
    page = site.page

    site.sign_in(REVIEWER[0])
    site.visit(f"/debriefs/{debrief['id']}/recommendations/new")
    page.get_by_label("Recommendation", exact=True).fill(PARAPHRASE)
    page.get_by_label("Owner's email address").fill(OWNER[0])
    fill_date(page, "Due date", due)
    # As if the script had not run (or not yet answered): the server asks instead.
    page.evaluate("() => document.querySelector('input[name=\"repeats_seen\"]')?.remove()")
    site.click_to_next_page(page.get_by_role("button", name="Save recommendation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This may repeat an earlier recommendation")
    expect(page.locator("#earlier-recommendations")).to_contain_text(EARLIER)

    site.click_to_next_page(page.get_by_role("button", name="Change the recommendation"))
    expect(page.get_by_label("Recommendation", exact=True)).to_have_value(PARAPHRASE)
    expect(page.get_by_label("Owner's email address")).to_have_value(OWNER[0])
    page.evaluate("() => document.querySelector('input[name=\"repeats_seen\"]')?.remove()")
    site.click_to_next_page(page.get_by_role("button", name="Save recommendation"))
    site.click_to_next_page(page.get_by_role("button", name="Save it anyway"))
    expect_success(page, "It may repeat")
    expect(page.locator("#possible-repeats")).to_be_visible()
