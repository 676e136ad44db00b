"""A reviewer who reads Welsh, in a real browser: they switch to Cymraeg with the language link, open a
debrief through the Welsh form and read its page, which axe checks like every page reached."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Site

REVIEWER = "riya@police.uk"


def test_a_reviewer_switches_to_welsh_and_opens_a_debrief(site: Site, make_user):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    page = site.page
    site.sign_in(REVIEWER)

    site.click_to_next_page(page.get_by_role("link", name="Newid yr iaith i’r Gymraeg"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")

    site.visit("/debriefs")
    site.click_to_next_page(page.get_by_role("button", name="Agor ôl-drafodaeth"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agor ôl-drafodaeth")
    page.get_by_label("Llofruddiaeth", exact=True).check()  # the incident class in Welsh (migration 0017)
    page.get_by_label("Cyfeirnod trosedd").fill("42/18812/26")
    group = page.get_by_role("group", name="Y dyddiad y digwyddodd y digwyddiad")
    for box, value in (("Diwrnod", "2"), ("Mis", "11"), ("Blwyddyn", "2026")):
        group.get_by_label(box).fill(value)
    page.get_by_label("Yr amser y digwyddodd y digwyddiad").fill("23:10")
    reported = page.get_by_role("group", name="Y dyddiad yr adroddwyd am y digwyddiad i’r heddlu")
    for box, value in (("Diwrnod", "2"), ("Mis", "11"), ("Blwyddyn", "2026")):
        reported.get_by_label(box).fill(value)
    page.get_by_label("Yr amser yr adroddwyd am y digwyddiad").fill("23:40")
    page.get_by_label("Crynodeb mewnol").fill("Man stabbed outside a takeaway.")
    site.click_to_next_page(page.get_by_role("button", name="Cadw’r ôl-drafodaeth"))

    expect(page.get_by_role("heading", level=2, name="Dyddiadau cau")).to_be_visible()
    expect(page.locator("#deadlines + table")).to_contain_text("Cyfarfod yr ôl-drafodaeth gyflym")
    expect(page.locator("#deadlines + table")).to_contain_text("Tachwedd 2026")

    # The list, then the debrief from it: each page checked with axe as it opens.
    site.click_to_next_page(page.get_by_role("link", name="Yn ôl i’r ôl-drafodaethau"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ôl-drafodaethau")
    site.click_to_next_page(page.get_by_role("link", name=re.compile(r"^DB-\d{4}-0001$")))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("link", name="Change the language to English")).to_be_visible()

