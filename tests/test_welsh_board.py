"""The governance board's pages in Welsh (issue 23): the board's workspace, the board dashboard with its
charts, the learning queue, an owner's actions, the partner engagement report and the import page read
in Welsh with no English sentence left; the CSV downloads have Welsh column headings for a Welsh reader
(the page's person, or the API's Accept-Language) and the English ones otherwise."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from debrief.services import exports
from tests import builders
from tests.builders import (
    EMAIL, PEOPLE, add_product, in_days, make_staff, open_debrief, recommended, today,
)
from tests.html import english_left as all_english_left
from tests.html import error_summary, parse


def english_left(html: str, *, allow: tuple[str, ...] = ()) -> list[str]:
    """What still reads as English on the page, outside the service's navigation (web/navigation.py,
    another area's words: its own tests read it)."""
    html = re.sub(r'<ul class="govuk-service-navigation__list".*?</ul>', "", html, flags=re.S)
    return all_english_left(html, allow=allow)

#: The story's own words: people, agencies, what the reviewer and owners typed.
TYPED = (
    *(name for _, _, name in PEOPLE.values()), *EMAIL.values(), "pat@police.uk", "Pat Owner",
    "Mid and South Essex NHS", "Supervisors review every DASH risk assessment within 24 hours",
    "Plan: a supervisor check on every DASH", "Done: supervisors trained, check added to the DASH form",
    "DASH supervision briefing", "Plan",
    # Reference data an administrator has not given Welsh yet, shown in its English.
    "Wounding with intent (section 18)",
    # Welsh, though English has the word too (glossary: asiantaethau partner).
    "asiantaethau partner",
)


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def debrief(client, staff):
    return open_debrief(client, staff["reviewer"])


board_story = builders.board_story


def welsh(browser_of, who: str):
    browser = browser_of(EMAIL[who])
    browser.set_cookie("language", "cy")
    return browser


def page(browser, path: str, status: int = 200) -> str:
    response = browser.get(path)
    assert response.status_code == status, (path, response.status_code)
    html = response.get_data(as_text=True)
    assert parse(html).find("html").attrs["lang"] == "cy"
    return html


def csv_headings(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


# The pages ----------------------------------------------------------------------------------------------


def test_the_board_workspace_reads_in_welsh(staff, board_story, browser_of):
    html = page(welsh(browser_of, "board"), "/board")
    assert "Bwrdd llywodraethu" in html and "Argymhellion hwyr" in html
    assert "Perchennog: Olu Owner · dyddiad dyledus" in html
    assert english_left(html, allow=TYPED) == []


def test_the_board_dashboard_and_its_charts_read_in_welsh(staff, board_story, browser_of):
    html = page(welsh(browser_of, "board"), "/board/dashboard")
    root = parse(html)
    assert root.find("h1").text == "Dangosfwrdd y bwrdd"
    # Each chart's accessible name and its table's caption are Welsh, with Welsh numbers of days.
    names = [title.text for title in root.find_all("title")]
    assert any(name.startswith("Argymhellion ar agor yn ôl y dyddiau ers iddynt gael eu gwneud: 0 i 30 diwrnod")
               for name in names), names
    assert any("Olu Owner, 2 yn hwyr" in name for name in names), names
    assert {caption.text for caption in root.find_all("caption")} >= {
        "Argymhellion ar agor yn ôl y dyddiau ers iddynt gael eu gwneud", "Gwahoddiadau i bartneriaid yn ôl asiantaeth"}
    assert english_left(html, allow=TYPED) == []


def test_the_dashboard_names_the_period_chosen_in_one_welsh_sentence(staff, board_story, browser_of):
    start = today() - timedelta(days=10)
    query = f"start={start.day}&start={start.month}&start={start.year}&theme=drugs"
    html = page(welsh(browser_of, "analyst"), f"/board/dashboard?{query}")
    showing = parse(html).find(id="showing").text
    assert showing.startswith("Argymhellion a wnaed ar ") and "o ôl-drafodaethau â’r thema: cyffuriau." in showing
    assert english_left(html, allow=TYPED) == []


def test_a_dashboard_filter_error_reads_in_welsh(staff, browser_of):
    html = page(welsh(browser_of, "board"), "/board/dashboard?start=31&start=2&start=2026&theme=nonsense", 400)
    assert error_summary(html) == [
        ("Rhaid i ddechrau’r cyfnod fod yn ddyddiad go iawn, fel 1 4 2026", "#start-day"),
        ("Dewiswch thema o’r rhestr", "#theme")]
    assert english_left(html, allow=TYPED) == []


def test_the_learning_queue_reads_in_welsh(client, staff, debrief, browser_of):
    needing = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(20))
    other = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(40))
    assert add_product(client, staff["learning"], other["id"]).status_code == 201
    html = page(welsh(browser_of, "learning"), "/learning-queue")
    assert "1 argymhelliad, yr un sy’n ddyledus gyntaf ar y brig" in html
    assert "1 cynnyrch, yr hynaf yn gyntaf" in html
    assert needing["reference"] in html
    assert english_left(html, allow=TYPED) == []


def test_my_actions_read_in_welsh(client, staff, debrief, browser_of):
    recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(45))
    recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(50))
    html = page(welsh(browser_of, "owner"), "/my-actions")
    assert "2 argymhelliad" in html and "Ymatebwch erbyn" in html
    assert english_left(html, allow=TYPED) == []


def test_the_partner_engagement_report_reads_in_welsh(staff, board_story, browser_of):
    html = page(welsh(browser_of, "analyst"), "/reports/partner-engagement")
    assert "Yn ôl asiantaeth" in html and "Heb ateb o gwbl" in html
    assert english_left(html, allow=TYPED) == []


def test_the_board_pack_page_and_its_error_read_in_welsh(staff, browser_of):
    browser = welsh(browser_of, "board")
    html = page(browser, "/board/pack")
    assert english_left(html, allow=TYPED) == []
    html = page(browser, "/board/pack?meeting=31&meeting=2&meeting=2026&since=&since=&since=", 400)
    assert error_summary(html)[0][0] == "Rhaid i ddyddiad cyfarfod y bwrdd fod yn ddyddiad go iawn, fel 2 3 2026"
    assert english_left(html, allow=TYPED) == []


def test_the_import_page_and_a_refused_file_read_in_welsh(staff, browser_of):
    from tests.conftest import csrf_token_from

    browser = welsh(browser_of, "reviewer")
    html = page(browser, "/recommendations/import")
    assert english_left(html, allow=TYPED) == []
    token = csrf_token_from(html)
    response = browser.post("/recommendations/import", content_type="multipart/form-data",
                            data={"csrf_token": token, "file": (io.BytesIO(b"text,source\nA,iopc\n"), "a.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_summary(html)[0][0].startswith("Rhaid i linell gyntaf y ffeil enwi’r colofnau text, source, "
                                                "source_reference, issued_on (a status, os yw gennych)")
    assert english_left(html, allow=TYPED) == []


def test_the_deadline_policy_page_reads_in_welsh(staff, browser_of):
    html = page(welsh(browser_of, "admin"), "/admin/deadline-policy")
    assert "Pob ôl-drafodaeth" in html and "7 diwrnod calendr" in html
    assert english_left(html, allow=TYPED) == []


# CSV downloads -------------------------------------------------------------------------------------------


def test_a_csv_download_has_welsh_headings_for_a_welsh_reader(app, staff, board_story, browser_of):
    headings = csv_headings(welsh(browser_of, "board").get("/reports/recommendations.csv"))
    assert headings[:4] == ["Cyfeirnod", "Argymhelliad", "Statws", "Cau"]
    assert headings[-1] == "Cod ffynhonnell"
    rows = list(csv.reader(io.StringIO(welsh(browser_of, "board").get("/reports/recommendations.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))[1:]
    assert {row[2] for row in rows} >= {"Ar agor", "Ar gau"}  # the statuses' words, in Welsh
    assert {row[12] for row in rows} == {"Na"}  # "Imported": none was
    assert {row[17] for row in rows} >= {"open", "closed"}  # the codes stay codes

    engagement = csv_headings(welsh(browser_of, "analyst").get("/reports/partner-engagement.csv"))
    assert engagement == ["Asiantaeth", "Gwahoddiadau a anfonwyd", "Wedi’i agor", "Wedi ymateb",
                          "Wedi ymateb yn hwyr", "Heb ateb o gwbl"]


def test_a_csv_download_keeps_its_english_headings_by_default(client, staff, board_story, browser_of):
    assert tuple(csv_headings(browser_of(EMAIL["board"]).get("/reports/recommendations.csv"))) == tuple(
        str(heading) for heading in exports.RECOMMENDATION_HEADINGS)
    assert csv_headings(browser_of(EMAIL["analyst"]).get("/reports/lessons.csv"))[0] == "Lesson id"
    # The API follows Accept-Language only.
    api = client.get("/api/v1/recommendations.csv", headers={**staff["board"], "Accept-Language": "cy"})
    assert csv_headings(api)[0] == "Cyfeirnod"
    assert csv_headings(client.get("/api/v1/recommendations.csv", headers=staff["board"]))[0] == "Reference"


def test_an_api_import_refusal_follows_accept_language(client, staff):
    response = client.post("/api/v1/recommendations/import", json={"items": []},
                           headers={**staff["admin"], "Accept-Language": "cy"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["items"] == "Nid oes unrhyw argymhellion i’w mewnforio"
