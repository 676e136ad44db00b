"""CSV exports of recommendations, lessons and debriefs (issue 8; api.md `GET /recommendations.csv`):
files an analyst or the board opens in Excel. UTF-8 with one byte-order mark, CSV injection
neutralised (a cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe),
the list's filters applied, the same people allowed as may read the lists, and a download of any
size read with the same few SQL statements."""
from __future__ import annotations

import itertools
import csv
import io
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import (
    Agency, Debrief, DebriefTheme, Lesson, Recommendation, RepeatLink, User, utcnow,
)
from debrief.services import exports
from debrief.services.clock_calendar import LONDON, london_date
from tests.builders import (
    EMAIL, error_of, in_days, make_staff, move, open_debrief, recommended, set_due_date, today,
)
from tests.conftest import csrf_token_from
from tests.html import parse

BOM = b"\xef\xbb\xbf"
RECOMMENDATIONS, LESSONS, DEBRIEFS = "/api/v1/recommendations.csv", "/api/v1/lessons.csv", "/api/v1/debriefs.csv"
#: Markup, quotes, separators, a line break, Welsh letters and an emoji: all must come back exactly.
AWKWARD = 'Share "risk" flags, with A&E & <GP> surgeries;\nthen review: Dŵr, ŷ, café 😀'
#: A partner agency whose name is a spreadsheet formula (agencies are reference data an admin types).
FORMULA_AGENCY = "=cmd|' /C calc'!A0"


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


# Reading a download -----------------------------------------------------------------------------------


def read_csv(body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The file as Excel would see it: one byte-order mark, then UTF-8 CSV; headings and rows."""
    assert body.startswith(BOM)
    assert body.count(BOM) == 1
    reader = csv.reader(io.StringIO(body[len(BOM):].decode("utf-8"), newline=""))
    headings = next(reader)
    return headings, [dict(zip(headings, row, strict=True)) for row in reader]


def download(client, path: str, headers: dict | None = None, *, name: str) -> list[dict[str, str]]:
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{name}-{london_date(utcnow()).isoformat()}.csv"')
    assert response.headers["Cache-Control"] == "no-store"
    assert response.is_streamed
    headings, rows = read_csv(response.get_data())
    assert tuple(headings) == {"recommendations": exports.RECOMMENDATION_HEADINGS, "lessons": exports.LESSON_HEADINGS,
                               "debriefs": exports.DEBRIEF_HEADINGS}[name]
    return rows


def uk_time(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


def add_lesson(client, reviewer, debrief_id: int, **body) -> dict:
    response = client.post(f"/api/v1/debriefs/{debrief_id}/lessons", headers=reviewer,
                           json={"text": "DASH risk assessments were not reviewed", "category": "supervision", **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def confirm_repeat(client, reviewer, recommendation_id: int, of: int) -> None:
    response = client.post(f"/api/v1/recommendations/{recommendation_id}/repeat", headers=reviewer,
                           json={"of": of, "decision": "confirm"})
    assert response.status_code == 200, response.get_json()


def import_one(client, reviewer) -> dict:
    response = client.post("/api/v1/recommendations/import", headers=reviewer, json={"items": [
        {"text": "Forces should record the reason a custody risk assessment was not completed", "source": "iopc",
         "source_reference": "IOPC-2024-0077", "issued_on": "2024-05-01", "status": "implemented"}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["imported"][0]


#: One contact per invitation: a contact who holds a live invitation to a debrief is not invited again.
CONTACTS = itertools.count()


def partner_lesson(app, client, reviewer, debrief_id: int, agency: str, learning: str) -> dict:
    """The agency is invited, its contact answers on their page, and the reviewer takes the answer as a lesson."""
    with app.app_context():
        db.session.add(Agency(name=agency, kind="other"))
        db.session.commit()
    invited = client.post(f"/api/v1/debriefs/{debrief_id}/invitations", headers=reviewer,
                          json={"agency": agency, "email": f"contact{next(CONTACTS)}@partner.org"})
    assert invited.status_code == 201, invited.get_json()
    path = urlsplit(invited.get_json()["url"]).path
    partner = app.test_client()
    token = csrf_token_from(partner.get(path).get_data(as_text=True))
    answered = partner.post(path, data={"csrf_token": token, "attending": "yes", "prior_contact": "no",
                                        "learning": learning})
    assert answered.status_code == 200
    contribution = client.get(f"/api/v1/debriefs/{debrief_id}/contributions", headers=reviewer).get_json()["items"][-1]
    return add_lesson(client, reviewer, debrief_id, text=None, category="partnership",
                      contribution_id=contribution["id"])


# What is in each file -----------------------------------------------------------------------------------


@pytest.fixture
def story(app, client, staff):
    """A murder with two lessons and two recommendations (the second confirmed as a repeat of the first,
    and in progress), and a recommendation imported from the IOPC."""
    reviewer = staff["reviewer"]
    debrief = open_debrief(client, reviewer)
    first = add_lesson(client, reviewer, debrief["id"])
    second = add_lesson(client, reviewer, debrief["id"], text="Nobody asked the GP", category="information_sharing",
                        themes=["serious_violence", "domestic_abuse"])
    olu = recommended(client, reviewer, debrief["id"], priority="high", due_date=in_days(30),
                      lesson_ids=[second["id"], first["id"]])
    oscar = recommended(client, reviewer, debrief["id"], owner_email=EMAIL["other_owner"], due_date=in_days(60),
                        text="Refer every victim of domestic abuse to an IDVA within 24 hours")
    confirm_repeat(client, reviewer, oscar["id"], of=olu["id"])
    assert move(client, staff["other_owner"], oscar["id"], "in_progress", note="Plan agreed").status_code == 200
    imported = import_one(client, reviewer)
    return {"debrief": debrief, "lessons": [first, second], "olu": olu, "oscar": oscar, "imported": imported}


def test_recommendations_csv_has_every_recommendation_the_list_has_in_its_order(client, staff, story):
    rows = download(client, RECOMMENDATIONS, staff["analyst"], name="recommendations")
    listed = client.get("/api/v1/recommendations?per_page=200", headers=staff["analyst"]).get_json()
    assert [row["Reference"] for row in rows] == [item["reference"] for item in listed["items"]]
    by_reference = {row["Reference"]: row for row in rows}
    olu, oscar, debrief = story["olu"], story["oscar"], story["debrief"]
    first, second = (lesson["id"] for lesson in story["lessons"])
    assert by_reference[olu["reference"]] == {
        "Reference": olu["reference"], "Recommendation": "Supervisors review every DASH risk assessment within 24 hours",
        "Status": "Open", "Closure": "", "Priority": "High", "Owner": "Olu Owner", "Owner email": EMAIL["owner"],
        "Due date": in_days(30), "Debrief": debrief["reference"], "Lesson ids": f"{first}; {second}",
        "Repeat of": "", "Comes from": "This debrief", "Imported": "No", "Source reference": "", "Issued on": "",
        "Created (UK time)": uk_time(olu["created_at"]), "Closed (UK time)": "",
        "Status code": "open", "Closure code": "", "Priority code": "high", "Source code": "debrief",
    }
    assert by_reference[oscar["reference"]] | {"Created (UK time)": ""} == {
        "Reference": oscar["reference"], "Recommendation": "Refer every victim of domestic abuse to an IDVA within 24 hours",
        "Status": "In progress", "Closure": "", "Priority": "Medium", "Owner": "Oscar Owner",
        "Owner email": EMAIL["other_owner"], "Due date": in_days(60), "Debrief": debrief["reference"], "Lesson ids": "",
        "Repeat of": olu["reference"], "Comes from": "This debrief", "Imported": "No", "Source reference": "",
        "Issued on": "", "Created (UK time)": "", "Closed (UK time)": "",
        "Status code": "in_progress", "Closure code": "", "Priority code": "medium", "Source code": "debrief",
    }
    # Imported recommendations are in the list (they are searched for repeats), so they are in the file,
    # marked as imported, with their issuer and the issuer's reference.
    imported = by_reference["IOPC-2024-0077"]
    assert imported["Imported"] == "Yes" and (imported["Comes from"], imported["Source code"]) == ("IOPC", "iopc")
    assert imported["Source reference"] == "IOPC-2024-0077" and imported["Issued on"] == "2024-05-01"
    assert (imported["Status"], imported["Closure"]) == ("Closed", "Implemented")
    assert (imported["Status code"], imported["Closure code"]) == ("closed", "implemented")
    assert imported["Owner"] == imported["Due date"] == imported["Debrief"] == ""


def test_the_lists_filters_choose_the_rows(client, staff, story, read_db):
    analyst = staff["analyst"]
    olu, oscar = story["olu"]["reference"], story["oscar"]["reference"]

    def references(query: str) -> list[str]:
        return [row["Reference"] for row in download(client, f"{RECOMMENDATIONS}?{query}", analyst,
                                                     name="recommendations")]

    assert references("status=in_progress") == [oscar]
    assert references("status=closed") == ["IOPC-2024-0077"]
    assert references(f"owner={EMAIL['owner']}") == [olu]
    assert references("repeat=true") == [oscar]
    assert references("overdue=true") == []
    set_due_date(read_db, story["olu"]["id"], today() - timedelta(days=3))
    assert references("overdue=true") == [olu]
    assert references("status=in_progress&owner=" + EMAIL["owner"]) == []


def test_a_filter_that_makes_no_sense_is_refused_before_anything_is_sent(client, staff):
    error = error_of(client.get(f"{RECOMMENDATIONS}?status=finished", headers=staff["analyst"]), 422,
                     "validation_error")
    assert "status" in error["fields"]
    error = error_of(client.get(f"{DEBRIEFS}?status=finished", headers=staff["analyst"]), 422, "validation_error")
    assert "status" in error["fields"]


def test_lessons_csv_has_every_lesson_with_its_debrief_and_partner_agency(app, client, staff, story):
    reviewer, debrief = staff["reviewer"], story["debrief"]
    from_partner = partner_lesson(app, client, reviewer, debrief["id"], "Mid and South Essex NHS",
                                  "GP records showed two A&E visits")
    rows = download(client, LESSONS, staff["board"], name="lessons")
    first, second = story["lessons"]
    assert rows == [
        {"Lesson id": str(first["id"]), "Debrief": debrief["reference"], "Category": "Supervision", "Themes": "",
         "Lesson": "DASH risk assessments were not reviewed", "From": "Police review", "Partner agency": "",
         "Created (UK time)": uk_time(first["created_at"]),
         "Category code": "supervision", "Theme codes": "", "From code": "police"},
        {"Lesson id": str(second["id"]), "Debrief": debrief["reference"], "Category": "Information sharing",
         "Themes": "Domestic abuse; Serious violence", "Lesson": "Nobody asked the GP", "From": "Police review",
         "Partner agency": "", "Created (UK time)": uk_time(second["created_at"]),
         "Category code": "information_sharing", "Theme codes": "domestic_abuse; serious_violence", "From code": "police"},
        {"Lesson id": str(from_partner["id"]), "Debrief": debrief["reference"], "Category": "Partnership working",
         "Themes": "", "Lesson": "GP records showed two A&E visits", "From": "Partner agency",
         "Partner agency": "Mid and South Essex NHS", "Created (UK time)": uk_time(from_partner["created_at"]),
         "Category code": "partnership", "Theme codes": "", "From code": "partner"},
    ]


def test_debriefs_csv_has_the_facts_analysts_count_but_not_the_internal_summary(client, staff, story):
    reviewer = staff["reviewer"]
    other = open_debrief(client, reviewer, crime_reference="42/77002/26", incident_type="attempted_murder",
                         operation_name=None, area=None, themes=[], victim_age=None, weapon="unknown",
                         reported_at="2026-11-03T09:00:00+00:00", occurred_at="2026-11-03T08:00:00+00:00",
                         domestic=True, summary="INTERNAL: the suspect's brother", partner_briefing="Briefing")
    held = client.post(f"/api/v1/debriefs/{other['id']}/meeting", headers=reviewer, json={
        "held_at": "2026-11-05T10:00:00+00:00", "attendees": [{"name": "Riya Reviewer", "agency": "Police"}]})
    assert held.status_code == 200, held.get_json()
    rows = download(client, DEBRIEFS, staff["analyst"], name="debriefs")
    murder = story["debrief"]
    assert rows == [  # the most recently reported first, as the list
        {"Reference": other["reference"], "Crime reference": "42/77002/26", "Incident type": "Attempted murder",
         "Homicide": "No", "Operation name": "", "Occurred (UK time)": "2026-11-03 08:00",
         "Reported (UK time)": "2026-11-03 09:00", "Area": "", "Themes": "", "Victim age": "", "Victim sex": "",
         "Relationship to suspect": "", "Domestic": "Yes", "Weapon": "Not known", "Prior police contact": "No",
         "Status": "Meeting held", "Reviewer": "Riya Reviewer", "Reviewer email": EMAIL["reviewer"],
         "Meeting held (UK time)": "2026-11-05 10:00", "Lessons": "0", "Recommendations": "0",
         "Created (UK time)": uk_time(other["created_at"]),
         "Incident type code": "attempted_murder", "Theme codes": "", "Victim sex code": "", "Relationship code": "",
         "Weapon code": "unknown", "Status code": "meeting_held"},
        {"Reference": murder["reference"], "Crime reference": "42/77001/26", "Incident type": "Murder",
         "Homicide": "Yes", "Operation name": "Op Hawthorn", "Occurred (UK time)": "2026-11-02 23:10",
         "Reported (UK time)": "2026-11-02 23:40", "Area": "Southend", "Themes": "Serious violence",
         "Victim age": "19", "Victim sex": "", "Relationship to suspect": "", "Domestic": "No",
         "Weapon": "Knife or sharp instrument", "Prior police contact": "No", "Status": "Open",
         "Reviewer": "Riya Reviewer", "Reviewer email": EMAIL["reviewer"], "Meeting held (UK time)": "",
         "Lessons": "2", "Recommendations": "2", "Created (UK time)": uk_time(murder["created_at"]),
         "Incident type code": "murder", "Theme codes": "serious_violence", "Victim sex code": "",
         "Relationship code": "", "Weapon code": "knife", "Status code": "open"},
    ]
    body = client.get(DEBRIEFS, headers=staff["analyst"]).get_data(as_text=True)
    assert "INTERNAL" not in body and "Briefing" not in body
    open_only = download(client, f"{DEBRIEFS}?status=open", staff["analyst"], name="debriefs")
    assert [row["Reference"] for row in open_only] == [murder["reference"]]


# CSV injection and awkward text -------------------------------------------------------------------------------


def test_csv_injection_neutralised_in_every_kind_of_cell(app, client, staff, make_user, api_token, read_db):
    """Text people typed (recommendations, lessons, owners' names, agencies' names, operation names, areas)
    that starts like a formula comes out with a leading apostrophe; numbers and dates are left alone."""
    reviewer = staff["reviewer"]
    make_user("eve@police.uk", "owner", name="=HYPERLINK(\"http://evil.example\",\"Eve\")")
    debrief = open_debrief(client, reviewer, operation_name="@SUM(1+1)", area="+44 Southend")
    lesson = add_lesson(client, reviewer, debrief["id"], text="-2+3 officers attended")
    formula = recommended(client, reviewer, debrief["id"], owner_email="eve@police.uk", due_date=in_days(20),
                          text="=1+2 more patrols")
    minus = recommended(client, reviewer, debrief["id"], text="-1 shift short", due_date=in_days(21))
    at = recommended(client, reviewer, debrief["id"], text="@everyone attend the briefing", due_date=in_days(22))
    tab = recommended(client, reviewer, debrief["id"], text="placeholder", due_date=in_days(23))
    from_partner = partner_lesson(app, client, reviewer, debrief["id"], FORMULA_AGENCY, "+1 more referral")

    def write(session):
        # Leading tabs and returns cannot come in through the forms or the API (text is trimmed), but rows
        # written before that rule, or by another system, can hold them.
        session.execute(sa.update(Recommendation).where(Recommendation.id == tab["id"]).values(text="\t=1+2"))
        session.execute(sa.update(Lesson).where(Lesson.id == lesson["id"]).values(text="\r=1+2"))
        session.commit()

    read_db(write)
    recommendations = {row["Reference"]: row for row in download(client, RECOMMENDATIONS, staff["analyst"],
                                                                  name="recommendations")}
    assert recommendations[formula["reference"]]["Recommendation"] == "'=1+2 more patrols"
    assert recommendations[formula["reference"]]["Owner"] == "'=HYPERLINK(\"http://evil.example\",\"Eve\")"
    assert recommendations[minus["reference"]]["Recommendation"] == "'-1 shift short"
    assert recommendations[at["reference"]]["Recommendation"] == "'@everyone attend the briefing"
    assert recommendations[tab["reference"]]["Recommendation"] == "'\t=1+2"
    # Dates and references are not text that starts like a formula: left as they are.
    assert recommendations[formula["reference"]]["Due date"] == in_days(20)
    assert recommendations[formula["reference"]]["Debrief"] == debrief["reference"]

    lessons = {row["Lesson id"]: row for row in download(client, LESSONS, staff["analyst"], name="lessons")}
    assert lessons[str(lesson["id"])]["Lesson"] == "'\r=1+2"
    assert lessons[str(from_partner["id"])]["Lesson"] == "'+1 more referral"
    assert lessons[str(from_partner["id"])]["Partner agency"] == "'" + FORMULA_AGENCY

    (row,) = download(client, DEBRIEFS, staff["analyst"], name="debriefs")
    assert row["Operation name"] == "'@SUM(1+1)"
    assert row["Area"] == "'+44 Southend"
    assert (row["Victim age"], row["Lessons"], row["Recommendations"]) == ("19", "2", "4")
    assert row["Occurred (UK time)"] == "2026-11-02 23:10"


def test_numbers_and_dates_are_never_given_an_apostrophe_only_text_is():
    text = exports.csv_text(["Number", "Date", "Text"], [[-3, date(2026, 1, 2), "-3"], [-0.5, None, "2026-01-02"]])
    _, rows = read_csv(text.encode("utf-8"))
    assert rows == [{"Number": "-3", "Date": "2026-01-02", "Text": "'-3"},
                    {"Number": "-0.5", "Date": "", "Text": "2026-01-02"}]


def test_the_byte_order_mark_comes_once_however_many_pieces_the_file_is_sent_in():
    pieces = list(exports.csv_chunks(["Name"], [[f"=row {n}"] for n in range(5)], batch=2))
    assert len(pieces) == 4  # the headings, then two rows, two rows, one row
    assert pieces[0] == "\ufeffName\r\n"
    _, rows = read_csv("".join(pieces).encode("utf-8"))
    assert [row["Name"] for row in rows] == [f"'=row {n}" for n in range(5)]


def test_quotes_commas_markup_line_breaks_welsh_and_emoji_survive_the_round_trip(client, staff):
    reviewer = staff["reviewer"]
    debrief = open_debrief(client, reviewer, operation_name='Op "Ŵy", <Larch> & 😀', area="Llanelli, Sir Gâr")
    lesson = add_lesson(client, reviewer, debrief["id"], text=AWKWARD)
    record = recommended(client, reviewer, debrief["id"], text=AWKWARD, lesson_ids=[lesson["id"]])
    (recommendation,) = download(client, RECOMMENDATIONS, staff["analyst"], name="recommendations")
    assert recommendation["Recommendation"] == AWKWARD
    assert recommendation["Reference"] == record["reference"]
    (row,) = download(client, LESSONS, staff["analyst"], name="lessons")
    assert row["Lesson"] == AWKWARD
    (row,) = download(client, DEBRIEFS, staff["analyst"], name="debriefs")
    assert (row["Operation name"], row["Area"]) == ('Op "Ŵy", <Larch> & 😀', "Llanelli, Sir Gâr")


# Who may download ---------------------------------------------------------------------------------------------


ALLOWED = {
    RECOMMENDATIONS: {"reviewer", "board", "analyst", "admin", "learning"},  # as GET /recommendations
    LESSONS: {"reviewer", "board", "analyst", "admin"},  # as GET /debriefs/{id}/lessons
    DEBRIEFS: {"reviewer", "board", "analyst", "admin"},  # as GET /debriefs
}


@pytest.mark.parametrize("path", list(ALLOWED))
def test_only_those_who_may_read_the_list_may_download_it(client, staff, path):
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    for person in ("reviewer", "owner", "learning", "board", "analyst", "admin"):
        response = client.get(path, headers=staff[person])
        if person in ALLOWED[path]:
            assert response.status_code == 200, person
            assert response.get_data().startswith(BOM)
        else:
            assert response.status_code == 403, person
            assert response.get_json()["error"]["code"] == "forbidden"


def test_a_partners_invitation_link_is_not_a_way_in(app, client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    with app.app_context():
        db.session.add(Agency(name="Probation", kind="other"))
        db.session.commit()
    invited = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=staff["reviewer"],
                          json={"agency": "Probation", "email": "pat@probation.gov.uk"}).get_json()
    secret = urlsplit(invited["url"]).path.rsplit("/", 1)[-1]
    for path in ALLOWED:
        assert client.get(path, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.parametrize("page", ["/reports/recommendations.csv", "/reports/lessons.csv", "/reports/debriefs.csv"])
def test_the_page_downloads_need_a_signed_in_reader(client, staff, browser_of, page):
    response = client.get(page)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert browser_of(EMAIL["owner"]).get(page).status_code == 403
    assert browser_of(EMAIL["analyst"]).get(page).status_code == 200


def link(html: str, text: str) -> str:
    (found,) = [a for a in parse(html).find_all("a") if a.text == text]
    assert "download" in found.attrs
    return found.attrs["href"]


def test_an_analyst_downloads_from_the_debriefs_page(client, staff, story, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    page = analyst.get("/debriefs").get_data(as_text=True)
    rows = download(analyst, link(page, "Download all debriefs as CSV (for Excel)"), name="debriefs")
    assert [row["Reference"] for row in rows] == [story["debrief"]["reference"]]
    filtered = analyst.get("/debriefs?status=meeting_held").get_data(as_text=True)
    assert "No debriefs are meeting held" in filtered and "Download these debriefs" not in filtered
    page = analyst.get("/debriefs?status=open").get_data(as_text=True)
    href = link(page, "Download these debriefs as CSV (for Excel)")
    assert href == "/reports/debriefs.csv?status=open"
    assert len(download(analyst, href, name="debriefs")) == 1
    rows = download(analyst, link(page, "Download all recommendations as CSV (for Excel)"), name="recommendations")
    assert len(rows) == 3
    rows = download(analyst, link(page, "Download all lessons as CSV (for Excel)"), name="lessons")
    assert len(rows) == 2


def test_the_board_downloads_overdue_recommendations_from_its_page(client, staff, story, browser_of, read_db):
    set_due_date(read_db, story["oscar"]["id"], today() - timedelta(days=1))
    board = browser_of(EMAIL["board"])
    page = board.get("/board").get_data(as_text=True)
    rows = download(board, link(page, "Download the overdue recommendations as CSV (for Excel)"),
                    name="recommendations")
    assert [row["Reference"] for row in rows] == [story["oscar"]["reference"]]
    assert len(download(board, link(page, "Download all recommendations as CSV (for Excel)"),
                        name="recommendations")) == 3
    assert len(download(board, link(page, "Download all lessons as CSV (for Excel)"), name="lessons")) == 2


# Large exports ------------------------------------------------------------------------------------------------


def add_in_bulk(app, count: int, start: int) -> None:
    """`count` debriefs, each with two themes, a lesson, and a recommendation linked to the lesson and
    confirmed as a repeat of the one before: written straight to the database, as hundreds through the
    API would take minutes of text encoding for repeat detection that the exports never look at."""
    with app.app_context():
        reviewer = db.session.scalar(sa.select(User).where(User.email == EMAIL["reviewer"]))
        owner = db.session.scalar(sa.select(User).where(User.email == EMAIL["owner"]))
        at = datetime(2026, 1, 1, 12, 0, tzinfo=LONDON)
        previous = db.session.scalar(sa.select(sa.func.max(Recommendation.id)))
        for n in range(start, start + count):
            debrief = Debrief(reference_year=2026, reference_number=n, incident_type_code="murder",
                              crime_reference=f"42/{n:05d}/26", occurred_at=at, reported_at=at, summary="internal",
                              reviewer_id=reviewer.id,
                              theme_rows=[DebriefTheme(theme="drugs"), DebriefTheme(theme="serious_violence")])
            db.session.add(debrief)
            db.session.flush()
            lesson = Lesson(debrief_id=debrief.id, text=f"Lesson {n}", category="training", themes=["drugs"],
                            created_by_id=reviewer.id)
            record = Recommendation(reference_year=2026, reference_number=n, debrief_id=debrief.id,
                                    text=f"Recommendation {n}", owner_id=owner.id, due_date=date(2027, 1, 1),
                                    status="open", created_by_id=reviewer.id, lessons=[lesson])
            db.session.add(record)
            db.session.flush()
            if previous is not None:
                db.session.add(RepeatLink(recommendation_id=record.id, earlier_id=previous, decision="confirmed"))
            previous = record.id
        db.session.commit()


def statements_while(app, action) -> tuple[list[str], object]:
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        result = action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return seen, result


def test_a_large_export_reads_with_the_same_few_statements_as_a_small_one(app, client, staff):
    analyst = staff["analyst"]
    add_in_bulk(app, 3, start=1)
    for path in ALLOWED:
        client.get(path, headers=analyst)  # the token's first use is written once; not part of what is counted

    def measure(path: str, name: str) -> tuple[int, int]:
        statements, rows = statements_while(app, lambda: download(client, path, analyst, name=name))
        return len(statements), len(rows)

    names = {RECOMMENDATIONS: "recommendations", LESSONS: "lessons", DEBRIEFS: "debriefs"}
    small = {path: measure(path, name) for path, name in names.items()}
    add_in_bulk(app, 297, start=4)
    large = {path: measure(path, name) for path, name in names.items()}
    for path in names:
        (few, three), (same, three_hundred) = small[path], large[path]
        assert (three, three_hundred) == (3, 300), path
        assert same == few, path
        assert few <= 6, path  # the token, its user and roles, the one query that streams the rows (and BEGINs)

    rows = download(client, RECOMMENDATIONS, analyst, name="recommendations")
    assert rows[1]["Repeat of"] == rows[0]["Reference"] and rows[1]["Lesson ids"].isdigit()
    assert download(client, DEBRIEFS, analyst, name="debriefs")[0]["Theme codes"] == "drugs; serious_violence"


def test_the_rows_are_read_in_batches_with_no_statement_per_batch(app, staff):
    add_in_bulk(app, 30, start=1)
    with app.app_context():
        for export in (exports.of_recommendations, exports.of_lessons, exports.of_debriefs):
            statements, rows = statements_while(app, lambda: list(export(batch=7).rows))
            assert len(rows) == 30
            queries = [s for s in statements if not s.startswith("BEGIN")]  # SQLite's BEGIN IMMEDIATE
            assert len(queries) == 1 and queries[0].startswith("SELECT"), statements
