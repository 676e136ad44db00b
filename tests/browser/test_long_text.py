"""Long text never breaks a page. A reviewer pastes a 230-character link and a word as long as a field
allows (10,000 characters in a summary) into a debrief, a lesson, a recommendation, its update and a
partner's contribution; every page that shows them wraps the text, on a phone (390 px) and on a
desktop (1280 px), so that nobody has to scroll sideways to read the page."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from debrief.extensions import db
from debrief.models import Agency
from debrief.services import validation
from tests.browser.conftest import Site
from tests.builders import EMAIL, make_staff, move, open_debrief, recommended
from tests.conftest import csrf_token_from

#: A link of the kind people paste from a case system: 230 characters, no break in it.
URL = "https://cases.example.police.uk/records/" + "a1b2c3d4e5" * 19
#: The agency's name is one unbroken word as long as a name may be.
AGENCY = "Southend" + "x" * (160 - len("Southend"))


def word(length: int) -> str:
    """One word of `length` letters, with nowhere to break it."""
    return ("Lorem" * (length // 5 + 1))[:length]


def with_link(length: int) -> str:
    """The link, then a single word filling the rest of a field of `length` characters."""
    return f"{URL} {word(length - len(URL) - 1)}"


# Pages that show what people typed, for whom.
READER_PAGES = ("/debriefs", "/debriefs/{debrief}", "/recommendations/{recommendation}", "/")
BOARD_PAGES = ("/board", "/board/dashboard", "/recommendations/{recommendation}", "/")
OWNER_PAGES = ("/my-actions", "/recommendations/{recommendation}", "/")
LEARNING_PAGES = ("/learning-queue", "/")
WIDTHS = (390, 1280)

HORIZONTAL_SCROLL = """() => ({
  page: document.documentElement.scrollWidth,
  window: window.innerWidth,
  widest: [...document.querySelectorAll('main *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map((el) => el.tagName + '.' + el.className),
})"""


@pytest.fixture
def long_story(app, client, make_user, api_token, mailbox) -> dict[str, int]:
    staff = make_staff(make_user, api_token)
    with app.app_context():
        db.session.add(Agency(name=AGENCY, kind="health"))
        db.session.commit()
    debrief = open_debrief(
        client, staff["reviewer"], operation_name=word(validation.LIMITS["debrief.operation_name"]),
        area=word(validation.LIMITS["debrief.area"]),
        summary=word(10_000),
        partner_briefing=with_link(validation.LIMITS["debrief.partner_briefing"]))
    lesson = client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff["reviewer"],
                         json={"text": with_link(validation.LIMITS["lesson.text"]), "category": "information_sharing"})
    assert lesson.status_code == 201, lesson.get_json()
    recommendation = recommended(client, staff["reviewer"], debrief["id"],
                                 text=with_link(validation.LIMITS["recommendation.text"]),
                                 lesson_ids=[lesson.get_json()["id"]])
    moved = move(client, staff["owner"], recommendation["id"], "in_progress",
                 note=with_link(validation.LIMITS["recommendation.note"]))
    assert moved.status_code == 200, moved.get_json()

    invited = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=staff["reviewer"],
                          json={"agency": AGENCY, "email": "contact@health.example", "name": word(120)})
    assert invited.status_code == 201, invited.get_json()
    link = urlsplit(invited.get_json()["url"]).path
    form = client.get(link)
    answered = client.post(link, data={
        "csrf_token": csrf_token_from(form.get_data(as_text=True)), "attending": "yes", "prior_contact": "yes",
        "contact_summary": with_link(validation.LIMITS["contribution.contact_summary"]),
        "learning": with_link(validation.LIMITS["contribution.learning"])})
    assert answered.status_code == 200, answered.get_data(as_text=True)[:2000]
    return {"debrief": debrief["id"], "recommendation": recommendation["id"]}


@pytest.mark.parametrize("who, pages", [
    ("reviewer", READER_PAGES), ("board", BOARD_PAGES), ("owner", OWNER_PAGES), ("learning", LEARNING_PAGES),
])
def test_long_links_and_words_wrap_on_a_phone_and_a_desktop(site: Site, long_story, who, pages):
    page = site.page
    site.sign_in(EMAIL[who])
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            site.visit(path.format(**long_story))
            measured = page.evaluate(HORIZONTAL_SCROLL)
            if measured["page"] > measured["window"]:
                too_wide.append((width, path, measured))
    assert not too_wide, f"pages wider than the window (they scroll sideways): {too_wide}"


def test_the_long_text_is_all_there_on_the_debrief_page(site: Site, long_story):
    # Wrapping must not hide or cut anything: the whole link and the whole word are on the page.
    site.sign_in(EMAIL["reviewer"])
    site.page.set_viewport_size({"width": 390, "height": 900})
    site.visit(f"/debriefs/{long_story['debrief']}")
    text = site.page.locator("main").inner_text()
    assert word(10_000) in text
    assert URL in text
    assert AGENCY in text

