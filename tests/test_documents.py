"""The Word documents (issue 8): the debrief report and the governance board pack, opened with
python-docx and read back: headings, table rows equal to the data, the OFFICIAL-SENSITIVE marking,
page numbers and title; awkward text (`&`, `<`, `>`, quotes, emoji, Welsh ŵ ŷ) survives; nothing
is left unrendered; an empty board still gives a valid pack."""
from __future__ import annotations

import io
import re
import runpy
import zipfile
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from docx import Document

from debrief.extensions import db
from debrief.models import Agency, AuditEvent
from tests.builders import (
    EMAIL, SECRET_SUMMARY, make_staff, move, open_debrief, recommended, set_due_date, to_awaiting_closure,
    today,
)
from tests.conftest import csrf_token_from

ROOT = Path(__file__).resolve().parent.parent
AWKWARD = "Tom & Jerry's <b>\"risk\"</b> > 5 — Siân Ŵyn ŷ 🙂"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def opened(response) -> Document:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    assert response.headers["Cache-Control"] == "no-store"
    return Document(io.BytesIO(response.data))


def every_xml_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))


def headings(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def table_after_heading(document: Document, columns: list[str]) -> list[list[str]]:
    """The rows (without the heading row) of the first table whose heading row is `columns`."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0] == columns:
            return rows[1:]
    raise AssertionError(f"no table headed {columns}")


def full_text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def assert_marked_and_numbered(document: Document, content: bytes) -> None:
    section = document.sections[0]
    assert "OFFICIAL-SENSITIVE" in section.header.paragraphs[0].text
    assert "OFFICIAL-SENSITIVE" in section.footer.paragraphs[0].text
    xml = every_xml_text(content)
    assert " PAGE " in xml and " NUMPAGES " in xml  # Word numbers the pages
    assert "{{" not in xml and "{%" not in xml and "%}" not in xml and "}}" not in xml


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


# The debrief report -----------------------------------------------------------------------------


@pytest.fixture
def story(app, client, staff, read_db):
    """A debrief with awkward text everywhere: a partner's contribution, a lesson, two
    recommendations (one a confirmed repeat of an earlier debrief's)."""
    with app.app_context():
        db.session.add(Agency(name="Ysbyty Gwynedd & <Partners>", kind="health"))
        db.session.commit()
    reviewer = staff["reviewer"]
    earlier_debrief = open_debrief(client, reviewer, crime_reference="42/10001/26", operation_name="Op Ash")
    earlier = recommended(client, reviewer, earlier_debrief["id"],
                          text="Supervisors must review every DASH risk assessment within 24 hours of submission.")
    debrief = open_debrief(client, reviewer, operation_name=AWKWARD, partner_briefing=f"Briefing: {AWKWARD}\nSecond line")
    invited = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=reviewer,
                          json={"agency": "Ysbyty Gwynedd & <Partners>", "email": "nyrs@wales.nhs.uk"}).get_json()
    partner = app.test_client()
    path = urlsplit(invited["url"]).path
    token = csrf_token_from(partner.get(path).get_data(as_text=True))
    assert partner.post(path, data={"csrf_token": token, "attending": "yes", "prior_contact": "yes",
                                    "contact_summary": f"Seen at A&E: {AWKWARD}", "learning": "Share <sooner>"}
                        ).status_code == 200
    lesson = client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=reviewer,
                         json={"text": f"Lesson: {AWKWARD}", "category": "risk_assessment"}).get_json()
    first = recommended(client, reviewer, debrief["id"], text=f"Train call handlers: {AWKWARD}", lesson_ids=[lesson["id"]])
    repeat = recommended(client, reviewer, debrief["id"],
                         text="Supervisors should check every DASH risk assessment within a day of it being submitted.")
    response = client.post(f"/api/v1/recommendations/{repeat['id']}/repeat", headers=reviewer,
                           json={"of": earlier["id"], "decision": "confirm"})
    assert response.status_code == 200, response.get_json()
    return {"debrief": debrief, "first": first, "repeat": repeat, "earlier": earlier}


def test_the_debrief_report_holds_the_debrief_and_survives_awkward_text(client, staff, story):
    debrief = story["debrief"]
    response = client.get(f"/api/v1/debriefs/{debrief['id']}/report.docx", headers=staff["board"])
    document = opened(response)
    assert_marked_and_numbered(document, response.data)
    assert f'filename="rapid-debrief-report-{debrief["reference"]}.docx"' in response.headers["Content-Disposition"]
    assert document.core_properties.title == f"Rapid debrief report {debrief['reference']}"
    assert headings(document) == ["The incident", "Briefing given to partner agencies", "Deadlines",
                                  "The rapid debrief meeting", "Partner contributions", "Ysbyty Gwynedd & <Partners>",
                                  "Lessons", "Recommendations"]
    facts = dict(map(tuple, table_after_heading(document, ["Fact", "Detail"])))
    assert facts["Operation"] == AWKWARD and facts["Crime reference"] == debrief["crime_reference"]
    deadlines = table_after_heading(document, ["Deadline", "Due", "Met", "State"])
    # A partner's deadline is named after its agency once ("Partner contribution: Ysbyty Gwynedd & <Partners>").
    assert sorted(row[0] for row in deadlines) == sorted(
        d["label"] for d in client.get(f"/api/v1/debriefs/{debrief['id']}", headers=staff["board"]).get_json()["deadlines"])
    recommendations = table_after_heading(document, ["Reference", "Recommendation", "Owner", "Due", "Status", "Repeats"])
    assert [row[0] for row in recommendations] == [story["first"]["reference"], story["repeat"]["reference"]]
    assert recommendations[0][1] == f"Train call handlers: {AWKWARD}"
    assert recommendations[0][2] == f"Olu Owner ({EMAIL['owner']})" and recommendations[0][4] == "Open"
    assert recommendations[1][5] == f"Repeat of {story['earlier']['reference']}"
    assert table_after_heading(document, ["Lesson", "Category", "Themes"])[0][:2] == [f"Lesson: {AWKWARD}",
                                                                                      "Risk assessment"]
    text = full_text(document)
    assert f"Seen at A&E: {AWKWARD}" in text and "Share <sooner>" in text
    assert f"Briefing: {AWKWARD}\nSecond line" in text  # line breaks kept
    assert SECRET_SUMMARY not in text  # the internal summary stays out: the report may go to partners


def test_the_earlier_recommendation_shows_it_was_repeated(client, staff, story):
    earlier_debrief_id = client.get(f"/api/v1/recommendations/{story['earlier']['id']}",
                                    headers=staff["board"]).get_json()["debrief_id"]
    document = opened(client.get(f"/api/v1/debriefs/{earlier_debrief_id}/report.docx", headers=staff["board"]))
    rows = table_after_heading(document, ["Reference", "Recommendation", "Owner", "Due", "Status", "Repeats"])
    assert rows[0][5] == f"Repeated by {story['repeat']['reference']}"


def test_a_new_debrief_with_nothing_yet_gives_a_valid_report(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    response = client.get(f"/api/v1/debriefs/{debrief['id']}/report.docx", headers=staff["reviewer"])
    document = opened(response)
    assert_marked_and_numbered(document, response.data)
    text = full_text(document)
    for said in ("No partner agency was invited.", "No lessons recorded.", "No recommendations made.",
                 "No attendance recorded.", "Not yet held."):
        assert said in text


def test_the_report_needs_a_staff_role_that_reads_debriefs(client, staff, story):
    path = f"/api/v1/debriefs/{story['debrief']['id']}/report.docx"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=staff["owner"]).status_code == 403
    assert client.get("/api/v1/debriefs/999999/report.docx", headers=staff["board"]).status_code == 404


def test_the_debrief_page_has_a_download_button(client, staff, story, browser_of):
    reviewer = browser_of(EMAIL["reviewer"])
    page = reviewer.get(f"/debriefs/{story['debrief']['id']}").get_data(as_text=True)
    assert f'href="/debriefs/{story["debrief"]["id"]}/report.docx"' in page
    opened(reviewer.get(f"/debriefs/{story['debrief']['id']}/report.docx"))
    assert browser_of(EMAIL["owner"]).get(f"/debriefs/{story['debrief']['id']}/report.docx").status_code == 403


# The board pack ---------------------------------------------------------------------------------


@pytest.fixture
def board(client, staff, read_db):
    """Olu: one overdue by 3 days, one awaiting closure with a delivered product; Oscar: one overdue;
    a confirmed repeat of a recommendation closed as implemented; a decision by the board."""
    reviewer = staff["reviewer"]
    debrief = open_debrief(client, reviewer)
    late = recommended(client, reviewer, debrief["id"], text=f"Overdue: {AWKWARD}")
    other_late = recommended(client, reviewer, debrief["id"], owner_email=EMAIL["other_owner"],
                             text="Review the missing-person risk grading within one hour.")
    done = recommended(client, reviewer, debrief["id"], text="Check every DASH form within 24 hours of submission.")
    product = client.post(f"/api/v1/recommendations/{done['id']}/products", headers=staff["learning"],
                          json={"kind": "classroom_training", "title": "DASH & <supervision>", "audience": ["supervisors"]})
    assert product.status_code == 201, product.get_json()
    delivered = client.patch(f"/api/v1/products/{product.get_json()['id']}", headers=staff["learning"],
                             json={"status": "delivered", "delivered_on": today().isoformat(), "reached_count": 120,
                                   "evidence": "Attendance register"})
    assert delivered.status_code == 200, delivered.get_json()
    to_awaiting_closure(client, staff["owner"], done["id"])
    closed = move(client, staff["board"], done["id"], "closed", closure_code="implemented")
    assert closed.status_code == 200, closed.get_json()
    waiting = recommended(client, reviewer, debrief["id"], text="Brief every neighbourhood team on cuckooing.")
    to_awaiting_closure(client, staff["owner"], waiting["id"])
    repeat = recommended(client, reviewer, debrief["id"],
                         text="Supervisors must check each DASH form within a day of it being submitted.")
    confirm = client.post(f"/api/v1/recommendations/{repeat['id']}/repeat", headers=reviewer,
                          json={"of": done["id"], "decision": "confirm"})
    assert confirm.status_code == 200, confirm.get_json()
    set_due_date(read_db, late["id"], today() - timedelta(days=3))
    set_due_date(read_db, other_late["id"], today() - timedelta(days=1))
    return {"late": late, "other_late": other_late, "done": done, "waiting": waiting, "repeat": repeat}


def pack(client, headers, **params):
    return client.get("/api/v1/board/pack.docx", headers=headers, query_string=params)


def test_the_board_pack_puts_repeats_first_and_lists_what_the_board_needs(client, staff, board):
    response = pack(client, staff["board"], meeting=today().isoformat())
    document = opened(response)
    assert_marked_and_numbered(document, response.data)
    assert document.core_properties.title.startswith("Governance board pack")
    top = headings(document)
    assert top[:3] == ["Headline figures", "Repeats: learning that did not stick", "Other confirmed repeats"]
    assert top.index("Overdue recommendations by owner") < top.index("Awaiting the board's closure decision") \
        < top.index("Partner engagement") < top.index("Board decisions since the last pack")

    summary = client.get("/api/v1/board/summary", headers=staff["board"]).get_json()
    figures = dict(map(tuple, table_after_heading(document, ["Measure", "Number"])))
    assert figures["Open recommendations"] == str(summary["open"])
    assert figures["Overdue"] == str(summary["overdue"]) == "2"
    assert figures["Awaiting the board's closure decision"] == str(summary["awaiting_closure"]) == "1"
    assert figures["Repeats of implemented recommendations"] == str(summary["repeats_of_implemented"]) == "1"

    did_not_stick = table_after_heading(document, ["Recommendation", "Repeats", "Earlier closed as",
                                                   "Earlier learning products"])
    assert len(did_not_stick) == 1
    assert did_not_stick[0][0].startswith(board["repeat"]["reference"]) and did_not_stick[0][1] == board["done"]["reference"]
    assert did_not_stick[0][2] == "Implemented" and "DASH & <supervision>" in did_not_stick[0][3]

    # Overdue by owner: Olu (3 days) and Oscar (1 day), each with their own table.
    assert "Olu Owner (1)" in top and "Oscar Owner (1)" in top
    overdue_rows = [rows for rows in (
        [[c.text for c in r.cells] for r in t.rows][1:] for t in document.tables
        if [c.text for c in t.rows[0].cells] == ["Recommendation", "Due", "Days overdue", "Status"])]
    assert [row[0][0] for row in overdue_rows] == [f"{board['late']['reference']}: Overdue: {AWKWARD}",
                                                   f"{board['other_late']['reference']}: Review the missing-person risk "
                                                   "grading within one hour."]
    assert overdue_rows[0][0][2] == "3"

    text = full_text(document)
    assert f"{board['waiting']['reference']} · Olu Owner" in top
    decisions = table_after_heading(document, ["When", "Recommendation", "Decision", "Rationale", "By"])
    assert [(row[1], row[2], row[4]) for row in decisions] == [(board["done"]["reference"], "Closed: Implemented",
                                                                 "Bea Board")]
    assert "Nothing is overdue." not in text
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:  # the overdue chart, as an image
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in archive.namelist())


def test_an_empty_board_still_gives_a_valid_pack(client, staff):
    response = pack(client, staff["board"])
    document = opened(response)
    assert_marked_and_numbered(document, response.data)
    text = full_text(document)
    for said in ("Nothing is overdue.", "Nothing is waiting for a closure decision.",
                 "No invitations were sent in this period.", "No decisions since the last pack."):
        assert said in text
    assert dict(map(tuple, table_after_heading(document, ["Measure", "Number"])))["Open recommendations"] == "0"


def test_the_next_pack_covers_the_days_since_the_last_ones_meeting(client, staff, read_db):
    first_meeting = today() - timedelta(days=14)
    opened(pack(client, staff["board"], meeting=first_meeting.isoformat()))
    document = opened(pack(client, staff["analyst"], meeting=today().isoformat()))
    covers = next(p.text for p in document.paragraphs if "covers" in p.text)
    day_after = first_meeting + timedelta(days=1)
    assert f"covers {day_after:%A} {day_after.day} {day_after:%B %Y} to" in covers
    built = read_db(lambda s: s.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity == "board_pack")
                                        .order_by(AuditEvent.id)).all())
    assert built == ["board_pack_built", "board_pack_drafted"]


def covered_from(document: Document) -> str:
    return next(p.text for p in document.paragraphs if "covers" in p.text)


def test_an_analysts_pack_does_not_move_the_boards_next_period(client, staff, browser_of):
    """Analysts change nothing: a pack an analyst builds, through the API or the page, for a meeting
    after the board's last is only a draft; the board's next pack still covers everything since its
    own last meeting (before, the analyst's pack shrank it to a day)."""
    board_meeting = today() - timedelta(days=14)
    opened(pack(client, staff["board"], meeting=board_meeting.isoformat()))
    yesterday = today() - timedelta(days=1)
    opened(pack(client, staff["analyst"], meeting=yesterday.isoformat()))
    analyst = browser_of(EMAIL["analyst"])
    before = today() - timedelta(days=2)
    response = analyst.get("/board/pack", query_string={"meeting": [before.day, before.month, before.year]})
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    day_after = board_meeting + timedelta(days=1)
    for who in ("board", "analyst"):
        covers = covered_from(opened(pack(client, staff[who], meeting=today().isoformat())))
        assert f"covers {day_after:%A} {day_after.day} {day_after:%B %Y} to" in covers, (who, covers)


@pytest.mark.parametrize("params, field", [
    ({"meeting": "next tuesday"}, "meeting"), ({"meeting": "2026-02-30"}, "meeting"),
    ({"since": "2026-13-01"}, "since"), ({"meeting": "2026-03-01", "since": "2026-03-02"}, "since"),
    ({"meeting": "2026-03-01", "since": "2024-03-01"}, "since"), ({"colour": "red"}, "colour"),
])
def test_a_bad_meeting_date_is_a_clear_422(client, staff, params, field):
    response = pack(client, staff["board"], **params)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_pack_is_for_the_board_and_analysts(client, staff):
    assert pack(client, {}).status_code == 401
    for who in ("reviewer", "owner", "learning", "admin"):
        assert pack(client, staff[who]).status_code == 403, who
    assert pack(client, staff["analyst"]).status_code == 200


def test_the_board_page_links_to_todays_pack_and_the_pack_form(client, staff, board, browser_of):
    member = browser_of(EMAIL["board"])
    page = member.get("/board").get_data(as_text=True)
    day = today()
    one_click = re.search(r'href="(/board/pack\?meeting=[^"]+)"[^>]*>\s*Download the board pack for a meeting today', page)
    assert one_click, page
    opened(member.get(unescape(one_click.group(1))))
    assert 'href="/board/pack"' in page
    form = member.get("/board/pack").get_data(as_text=True)
    assert 'action="/board/pack"' in form and "Download the board pack" in form
    for box, value in (("day", f"{day:%d}"), ("month", f"{day:%m}"), ("year", day.year)):  # a meeting today, to change
        assert re.search(rf'id="meeting-{box}"[^>]*value="{value}"', form), box
    parts = lambda name, d, m, y: [(name, d), (name, m), (name, y)]  # noqa: E731 (a GOV.UK date input's three boxes)
    opened(member.get("/board/pack", query_string=parts("meeting", day.day, day.month, day.year)
                      + parts("since", "", "", "")))
    wrong = member.get("/board/pack", query_string=parts("meeting", 31, 2, 2026))
    assert wrong.status_code == 400
    html = wrong.get_data(as_text=True)
    assert "govuk-error-summary" in html and "must be a real date" in html
    assert browser_of(EMAIL["owner"]).get("/board/pack").status_code == 403


# The templates ----------------------------------------------------------------------------------


def test_the_committed_templates_are_what_the_build_script_makes(tmp_path):
    build = runpy.run_path(str(ROOT / "templates" / "docx" / "build_templates.py"))
    for path in build["build"](tmp_path):
        committed = Document(str(ROOT / "templates" / "docx" / path.name))
        fresh = Document(str(path))
        assert full_text(committed) == full_text(fresh), path.name
        assert re.findall(r"\{[{%].*?[}%]\}", full_text(fresh))  # they are templates, with tags to fill
