"""The Word documents in Welsh (issue 23): the debrief report and the board pack asked for in Welsh
(the page's language cookie, or the API's Accept-Language) read back with python-docx: headings,
labels, dates, statuses and the footer in Welsh, and no English sentence left but what was typed; the
marking stays OFFICIAL-SENSITIVE; markup typed into a field is still text. The same documents in English
are tests/test_documents.py's."""
from __future__ import annotations

from datetime import date

import pytest
from docx import Document

from debrief.documents import charts
from tests.builders import EMAIL, open_debrief, today
from tests.html import ENGLISH_WORDS
from tests import test_documents as english
from tests.test_documents import (
    AWKWARD, assert_marked_and_numbered, full_text, headings, opened, pack, table_after_heading,
)

# The English tests' fixtures: the same people, the same debrief with awkward text, the same board.
staff, story, board = english.staff, english.story, english.board

WELSH = {"Accept-Language": "cy"}
EVIDENCE = "Done: supervisors trained, check added to the DASH form"  # tests/builders.to_awaiting_closure
WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi",
                "Hydref", "Tachwedd", "Rhagfyr")


#: Welsh that is spelt like an English word in tests/html.py's list.
WELSH_WITH_ENGLISH_SPELLING = ("asiantaethau partner", "Partner")


def welsh_month(day: date) -> str:
    return WELSH_MONTHS[day.month - 1]


def lines(document: Document) -> list[str]:
    """Every piece of text a reader sees: paragraphs, table cells, header and footer."""
    section = document.sections[0]
    found = [p.text for p in document.paragraphs]
    found += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    found += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return [line for line in found if line.strip()]


def english_left(document: Document, allow: tuple[str, ...] = ()) -> list[str]:
    """The document's lines that still read as English (tests/html.py's words), once the typed data in
    `allow` and the OFFICIAL-SENSITIVE marking are taken out."""
    left = []
    for line in lines(document):
        text = line.replace("OFFICIAL-SENSITIVE", " ")
        for welsh in WELSH_WITH_ENGLISH_SPELLING:
            text = text.replace(welsh, " ")
        for allowed in sorted(allow, key=len, reverse=True):
            text = text.replace(allowed, " ")
        words = {word.strip(".,:;!?()“”‘’'\"–—-·<>&").lower() for word in text.split()}
        if words & ENGLISH_WORDS:
            left.append(line)
    return left


def footer(document: Document) -> str:
    """The footer as Word shows it before it lays the pages out (each field reads 1)."""
    return document.sections[0].footer.paragraphs[0].text


@pytest.fixture
def welsh_reviewer(browser_of):
    """The reviewer's browser, with Welsh chosen by the language cookie."""
    browser = browser_of(EMAIL["reviewer"])
    browser.set_cookie("language", "cy")
    return browser


# The debrief report --------------------------------------------------------------------------------------


def typed(client, staff, story) -> tuple[str, ...]:
    """What the story typed, and the stored names and labels a Welsh reader still sees as they are."""
    debrief = client.get(f"/api/v1/debriefs/{story['debrief']['id']}", headers=staff["board"]).get_json()
    return (AWKWARD, f"Briefing: {AWKWARD}", "Second line", f"Seen at A&E: {AWKWARD}", "Share <sooner>",
            f"Lesson: {AWKWARD}", f"Train call handlers: {AWKWARD}", story["repeat"]["text"], story["earlier"]["text"],
            "Ysbyty Gwynedd & <Partners>", f"Olu Owner ({EMAIL['owner']})", debrief["crime_reference"], debrief["area"] or "",
            *(d["label"] for d in debrief["deadlines"]))  # a deadline's label is the policy's, stored in English


def test_the_debrief_report_downloaded_from_the_page_in_welsh(client, staff, story, welsh_reviewer):
    response = welsh_reviewer.get(f"/debriefs/{story['debrief']['id']}/report.docx")
    document = opened(response)
    assert_marked_and_numbered(document, response.data)
    reference = story["debrief"]["reference"]
    assert document.core_properties.title == f"Adroddiad yr ôl-drafodaeth gyflym {reference}"
    assert document.paragraphs[0].text == f"Adroddiad yr ôl-drafodaeth gyflym: {reference}"
    assert headings(document) == ["Y digwyddiad", "Briff a roddwyd i asiantaethau partner", "Dyddiadau cau",
                                  "Cyfarfod yr ôl-drafodaeth gyflym", "Cyfraniadau partneriaid",
                                  "Ysbyty Gwynedd & <Partners>", "Gwersi", "Argymhellion"]
    facts = dict(map(tuple, table_after_heading(document, ["Ffaith", "Manylion"])))
    assert facts["Ymgyrch"] == AWKWARD  # typed markup is still text
    assert facts["Cyfeirnod trosedd"] == story["debrief"]["crime_reference"]
    assert any(month in facts["Pryd y digwyddodd"] for month in WELSH_MONTHS)
    assert " am " in facts["Pryd y digwyddodd"]  # "6 Rhagfyr 2026 am 14:05"
    assert facts["Domestig"] in ("Iawn", "Na")

    deadlines = table_after_heading(document, ["Dyddiad cau", "Yn ddyledus", "Wedi’i fodloni", "Cyflwr"])
    assert deadlines and all(any(m in row[1] for m in WELSH_MONTHS) for row in deadlines if row[1] != "—")
    recommendations = table_after_heading(document, ["Cyfeirnod", "Argymhelliad", "Perchennog", "Yn ddyledus",
                                                     "Statws", "Ailadroddiadau"])
    assert recommendations[0][1] == f"Train call handlers: {AWKWARD}"
    assert recommendations[0][4] == "Ar agor"
    assert recommendations[1][5] == f"Ailadrodd {story['earlier']['reference']}"
    assert table_after_heading(document, ["Gwers", "Categori", "Themâu"])[0][:2] == [f"Lesson: {AWKWARD}", "Asesu risg"]

    text = full_text(document)
    assert "Heb ei gynnal eto." in text
    assert "Yn dod i’r cyfarfod: Iawn" in text and "Cyfrannwyd ar " in text
    assert "OFFICIAL-SENSITIVE" in document.sections[0].header.paragraphs[0].text
    assert footer(document) == "OFFICIAL-SENSITIVE · Tudalen 1 o 1"
    assert english_left(document, allow=typed(client, staff, story)) == []


def test_the_debrief_report_from_the_api_follows_accept_language(client, staff, story):
    path = f"/api/v1/debriefs/{story['debrief']['id']}/report.docx"
    welsh = opened(client.get(path, headers={**staff["board"], **WELSH}))
    english = opened(client.get(path, headers=staff["board"]))
    assert headings(welsh)[0] == "Y digwyddiad" and headings(english)[0] == "The incident"
    assert english_left(welsh, allow=typed(client, staff, story)) == []


def test_a_date_in_december_reads_rhagfyr(client, staff, welsh_reviewer):
    debrief = open_debrief(client, staff["reviewer"], occurred_at="2025-12-06T14:05:00+00:00",
                           reported_at="2025-12-06T15:00:00+00:00")
    document = opened(welsh_reviewer.get(f"/debriefs/{debrief['id']}/report.docx"))
    facts = dict(map(tuple, table_after_heading(document, ["Ffaith", "Manylion"])))
    assert facts["Pryd y digwyddodd"] == "6 Rhagfyr 2025 am 14:05"
    assert facts["Pryd yr adroddwyd amdano"] == "6 Rhagfyr 2025 am 15:00"


# The board pack ------------------------------------------------------------------------------------------


def test_the_board_pack_in_welsh(client, staff, board):
    response = pack(client, {**staff["board"], **WELSH}, meeting=today().isoformat())
    document = opened(response)
    assert_marked_and_numbered(document, response.data)
    assert document.core_properties.title.startswith("Pecyn y bwrdd llywodraethu")
    assert welsh_month(today()) in document.core_properties.title
    top = headings(document)
    assert top[:3] == ["Prif ffigurau", "Ailadroddiadau: dysgu na lynodd", "Ailadroddiadau eraill wedi’u cadarnhau"]
    assert top.index("Argymhellion hwyr fesul perchennog") < top.index("Yn aros i’r bwrdd benderfynu a ddylid eu cau") \
        < top.index("Ymgysylltiad partneriaid") < top.index("Penderfyniadau’r bwrdd ers y pecyn diwethaf")

    figures = dict(map(tuple, table_after_heading(document, ["Mesur", "Nifer"])))
    assert figures["Hwyr"] == "2" and figures["Yn aros i’r bwrdd benderfynu a ddylid eu cau"] == "1"
    did_not_stick = table_after_heading(document, ["Argymhelliad", "Ailadroddiadau", "Caewyd yr un cynharach fel",
                                                   "Cynhyrchion dysgu cynharach"])
    assert did_not_stick[0][2] == "Wedi’i roi ar waith"
    assert did_not_stick[0][3].startswith("Hyfforddiant ystafell ddosbarth: DASH & <supervision> (wedi’i gyflwyno ")
    assert did_not_stick[0][3].endswith(f" {today().day} {welsh_month(today())} {today().year}, cyrhaeddwyd 120)")
    overdue = [[[c.text for c in r.cells] for r in t.rows][1:] for t in document.tables
               if [c.text for c in t.rows[0].cells] == ["Argymhelliad", "Yn ddyledus", "Diwrnodau’n hwyr", "Statws"]]
    assert overdue[0][0][3] == "Ar agor" and overdue[0][0][2] == "3"
    assert any(month in overdue[0][0][1] for month in WELSH_MONTHS)
    decisions = table_after_heading(document, ["Pryd", "Argymhelliad", "Penderfyniad", "Rhesymeg", "Gan"])
    assert decisions[0][2] == "Ar gau: Wedi’i roi ar waith"
    assert footer(document) == "OFFICIAL-SENSITIVE · Tudalen 1 o 1"

    allow = (AWKWARD, "DASH & <supervision>", "Olu Owner", "Oscar Owner", "Bea Board", "Attendance register",
             EVIDENCE,
             *(board[name]["text"] for name in board), *(board[name]["reference"] for name in board))
    assert english_left(document, allow=allow) == []


def test_an_empty_board_pack_in_welsh_says_so_in_welsh(client, staff):
    document = opened(pack(client, {**staff["board"], **WELSH}))
    text = full_text(document)
    assert "Nid oes dim yn hwyr." in text and "Nid oes dim yn aros am benderfyniad cau." in text
    assert english_left(document) == []


def test_the_board_pack_from_the_page_follows_the_persons_choice(client, staff, browser_of):
    member = browser_of(EMAIL["board"])
    assert member.get("/?lang=cy").status_code == 303  # chosen once: kept in the profile and a cookie
    day = today()
    response = member.get("/board/pack", query_string=[("meeting", day.day), ("meeting", day.month),
                                                       ("meeting", day.year), ("since", ""), ("since", ""),
                                                       ("since", "")])
    document = opened(response)
    assert headings(document)[0] == "Prif ffigurau"
    assert english_left(document) == []


def test_a_charts_words_are_the_ones_it_is_given():
    png = charts.horizontal_bars("Argymhellion hwyr fesul perchennog", ["Olu"], [("Hwyr", [3])])
    assert png.startswith(b"\x89PNG")
