"""Importing recommendations from elsewhere (api.md "Lessons and recommendations", issue 6): IOPC
learning, coroners' reports, DHRs, child practice reviews, SARs, inspections and other forces' join
the corpus repeat detection searches. Through the API and as a CSV upload: good items are kept, bad
ones reported by line, and importing the same ones again adds nothing."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from debrief.models import AuditEvent, Recommendation, RecommendationVector, RepeatLink
from debrief.services import imports
from tests.builders import EMAIL, api_routes, make_staff, open_debrief, recommended, today
from tests.conftest import csrf_token_from
from tests.html import ESCAPED_SCRIPT, SCRIPT, error_summary, parse, table_rows

IMPORT = "/api/v1/recommendations/import"
PAGE = "/recommendations/import"

CHILDREN = ("Officers attending incidents where children are present should speak to the children directly, "
            "away from their parents, and record what each child says about their experience.")
PARAPHRASE = "Talk to the kids separately, away from the adults, and write down what each of them tells you."
FLEET = "Review the force's vehicle fleet maintenance contract before it is renewed."
STALKING = "Call handlers should ask every caller reporting harassment whether the suspect is an ex-partner."
WELSH = "Dylai swyddogion siarad â'r plant ar wahân – ŵ ŷ – a chofnodi eu geiriau 🙂"


def item(reference: str = "IOPC-2024-0001", **changes) -> dict:
    return {"text": CHILDREN, "source": "iopc", "source_reference": reference, "issued_on": "2024-03-31",
            **changes}


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def send(client, headers, items):
    return client.post(IMPORT, json={"items": items}, headers=headers)


def imported(read_db) -> list[Recommendation]:
    return read_db(lambda s: list(s.scalars(sa.select(Recommendation).order_by(Recommendation.id))))


def vector_count(read_db) -> int:
    return read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(RecommendationVector)))


# The API ----------------------------------------------------------------------------------------------------


def test_a_reviewer_imports_recommendations_and_each_gets_its_vectors(client, staff, read_db):
    response = send(client, staff["reviewer"], [
        item("IOPC-2024-0001"), item("PFD-2023-0042", source="coroner_pfd", text=FLEET, issued_on="2023-01-31"),
        item("DHR-17", source="dhr", text=WELSH, status="open")])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["rejected"] == []
    assert [(i["line"], i["reference"]) for i in body["imported"]] == [
        (1, "IOPC-2024-0001"), (2, "PFD-2023-0042"), (3, "DHR-17")]
    rows = imported(read_db)
    assert [r.id for r in rows] == [i["id"] for i in body["imported"]]
    assert [(r.source, r.source_reference, r.issued_on.isoformat(), r.status, r.text) for r in rows] == [
        ("iopc", "IOPC-2024-0001", "2024-03-31", "open", CHILDREN),
        ("coroner_pfd", "PFD-2023-0042", "2023-01-31", "open", FLEET),
        ("dhr", "DHR-17", "2024-03-31", "open", WELSH)]
    for r in rows:
        assert (r.debrief_id, r.owner_id, r.due_date, r.reference_year, r.reference_number) == (None,) * 5
        assert r.imported and r.reference == r.source_reference and r.created_by_id is not None
    assert vector_count(read_db) == 3
    events = read_db(lambda s: [(e.action, e.entity_id, e.actor_label, e.changes) for e in s.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "recommendations_imported"))])
    assert events == [("recommendations_imported", rows[0].id, EMAIL["reviewer"],
                       {"count": 3, "source_references": ["IOPC-2024-0001", "PFD-2023-0042", "DHR-17"]})]


def test_good_items_are_kept_and_bad_ones_reported_by_line(client, staff, read_db):
    response = send(client, staff["admin"], [
        item("A-1"),
        item("A-2", text="  ", source="newspaper"),
        "not an object",
        item("A-4", text=7, issued_on="31/03/2024", extra="x"),
        item("A-5", source="sar", text=FLEET),
        {"source": "inspection"},
    ])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [(i["line"], i["reference"]) for i in body["imported"]] == [(1, "A-1"), (5, "A-5")]
    rejected = {r["line"]: r["fields"] for r in body["rejected"]}
    assert list(rejected) == [2, 3, 4, 6]
    assert set(rejected[2]) == {"text", "source"} and "iopc" in rejected[2]["source"]
    assert set(rejected[3]) == {"item"}
    assert set(rejected[4]) == {"text", "issued_on", "extra"} and rejected[4]["text"] == "must be a string"
    assert "2025-03-31" in rejected[4]["issued_on"]  # the API takes dates as YYYY-MM-DD only
    assert set(rejected[6]) == {"text", "source_reference", "issued_on"}
    assert [r.source_reference for r in imported(read_db)] == ["A-1", "A-5"]
    assert vector_count(read_db) == 2


def test_when_nothing_can_be_imported_it_is_a_422_naming_each_line(client, staff, read_db):
    response = send(client, staff["reviewer"], [item("B-1", source="tabloid"), 5, item("", issued_on="tomorrow")])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"items[1].source", "items[2]", "items[3].source_reference", "items[3].issued_on"}
    assert imported(read_db) == [] and vector_count(read_db) == 0
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.action == "recommendations_imported"))) == 0


@pytest.mark.parametrize("body, field", [
    ({}, "items"), ({"items": None}, "items"), ({"items": "x"}, "items"), ({"items": {"text": "x"}}, "items"),
    ({"items": []}, "items"), ({"items": [item()], "force": "x"}, "force")])
def test_items_must_be_a_non_empty_list(client, staff, read_db, body, field):
    response = client.post(IMPORT, json=body, headers=staff["reviewer"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert imported(read_db) == []


def test_at_most_1000_items_at_a_time(client, staff, read_db):
    response = send(client, staff["reviewer"], [item(f"R-{n}") for n in range(1001)])
    assert response.status_code == 422
    assert "1,000" in response.get_json()["error"]["fields"]["items"]
    assert imported(read_db) == []


def test_a_source_and_reference_already_held_or_earlier_in_the_batch_is_refused(client, staff, read_db):
    first = send(client, staff["reviewer"], [item("IOPC-1"), item("PFD-1", source="coroner_pfd")])
    assert first.status_code == 201
    held = {i["reference"]: i["id"] for i in first.get_json()["imported"]}
    response = send(client, staff["reviewer"], [
        item("IOPC-1"),                       # already held
        item("IOPC-2"),
        item("IOPC-2", text=FLEET),           # earlier in this batch
        item("PFD-1", source="sar"),          # same reference, another source: a different recommendation
    ])
    assert response.status_code == 201
    body = response.get_json()
    assert [i["line"] for i in body["imported"]] == [2, 4]
    rejected = {r["line"]: r["fields"] for r in body["rejected"]}
    assert rejected[1]["source_reference"] == f"Already imported: iopc IOPC-1 is recommendation {held['IOPC-1']}"
    assert rejected[3]["source_reference"] == "The same source and reference is on line 2"
    assert len(imported(read_db)) == 4


def test_importing_the_same_items_again_adds_nothing(client, staff, read_db):
    items = [item("S-1"), item("S-2", text=FLEET)]
    assert send(client, staff["reviewer"], items).status_code == 201
    again = send(client, staff["reviewer"], items)
    assert again.status_code == 422
    assert all("Already imported" in message for message in again.get_json()["error"]["fields"].values())
    assert len(imported(read_db)) == 2 and vector_count(read_db) == 2


@pytest.mark.parametrize("issued_on, problem", [
    (lambda: (today() + timedelta(days=1)).isoformat(), "today or in the past"),
    (lambda: "1899-12-31", "1900 or later"),
    (lambda: "2024-02-30", "real date"),
    (lambda: "2024-3-1", "real date"),
    (lambda: None, "Enter the date"),
])
def test_the_issue_date_must_be_a_real_date_not_in_the_future(client, staff, issued_on, problem):
    response = send(client, staff["reviewer"], [item("D-1", issued_on=issued_on()), item("D-2")])
    assert response.status_code == 201
    assert problem in response.get_json()["rejected"][0]["fields"]["issued_on"]


def test_issued_today_is_accepted(client, staff):
    assert send(client, staff["reviewer"], [item("T-1", issued_on=today().isoformat())]).status_code == 201


@pytest.mark.parametrize("sent, status, closure_code", [
    (None, "open", None), ("open", "open", None), ("closed", "closed", None),
    ("implemented", "closed", "implemented"), ("not_implemented", "closed", "not_implemented"),
    ("Superseded", "closed", "superseded")])
def test_a_status_of_open_closed_or_a_closure_code(client, staff, read_db, sent, status, closure_code):
    assert send(client, staff["reviewer"], [item("C-1", status=sent)]).status_code == 201
    [record] = imported(read_db)
    assert (record.status, record.closure_code, record.closed_at is not None) == (
        status, closure_code, status == "closed")


def test_an_unknown_status_or_overlong_reference_is_refused(client, staff):
    response = send(client, staff["reviewer"], [item("E-1", status="in_progress"), item("x" * 101), item("E-3")])
    rejected = {r["line"]: r["fields"] for r in response.get_json()["rejected"]}
    assert "implemented" in rejected[1]["status"]
    assert "100 characters" in rejected[2]["source_reference"]


@pytest.mark.parametrize("who, status", [
    ("owner", 403), ("board", 403), ("analyst", 403), ("learning", 403), ("reviewer", 201), ("admin", 201)])
def test_only_reviewers_and_administrators_import(client, staff, read_db, who, status):
    assert send(client, staff[who], [item()]).status_code == status
    assert len(imported(read_db)) == (1 if status == 201 else 0)


def test_importing_needs_a_token(client, read_db):
    response = client.post(IMPORT, json={"items": [item()]})
    assert response.status_code == 401
    assert imported(read_db) == []


def test_a_body_that_is_not_json_is_a_400(client, staff):
    response = client.post(IMPORT, data="text,source\nx,iopc", headers={**staff["reviewer"],
                                                                       "Content-Type": "text/csv"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_an_imported_recommendation_is_found_by_the_repeat_check(client, staff):
    response = send(client, staff["reviewer"], [item("IOPC-2022-0107"), item("HMICFRS-9", source="inspection",
                                                                              text=FLEET)])
    children = response.get_json()["imported"][0]
    matches = client.post("/api/v1/recommendations/check", json={"text": PARAPHRASE},
                          headers=staff["analyst"]).get_json()["matches"]
    assert matches[0]["id"] == children["id"]
    assert matches[0]["reference"] == "IOPC-2022-0107" and matches[0]["is_repeat"] is True


def test_imported_ones_are_not_flagged_but_a_new_one_repeating_them_is(client, staff, read_db):
    response = send(client, staff["reviewer"], [item("CPR-1", source="child_practice_review"),
                                                item("CPR-2", source="child_practice_review", text=PARAPHRASE)])
    assert response.status_code == 201
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(RepeatLink))) == 0
    debrief = open_debrief(client, staff["reviewer"])
    ours = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE + " ")
    assert "CPR-2" in {p["reference"] for p in ours["possible_repeats"]}


def test_imported_ones_are_not_tracked_as_the_forces_own(client, staff):
    send(client, staff["reviewer"], [item("O-1"), item("O-2", text=FLEET, status="closed")])
    summary = client.get("/api/v1/board/summary", headers=staff["board"]).get_json()
    assert (summary["open"], summary["overdue"]) == (0, 0)


def test_the_openapi_document_describes_the_import(app, client):
    assert ("post", "/recommendations/import") in api_routes(app)
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/recommendations/import"]["post"]
    assert {"201", "400", "401", "403", "422"} <= set(operation["responses"])
    item_schema = spec["components"]["schemas"]["ImportInput"]["properties"]["items"]
    assert item_schema["maxItems"] == imports.MAX_ITEMS == 1000


# The CSV upload page ----------------------------------------------------------------------------------------


@pytest.fixture
def reviewer(staff, browser_of):
    return browser_of(EMAIL["reviewer"])


def upload(browser, content: bytes, filename: str = "recommendations.csv", *, csrf: bool = True):
    data = {"file": (io.BytesIO(content), filename)}
    if csrf:
        data["csrf_token"] = csrf_token_from(browser.get(PAGE).get_data(as_text=True))
    return browser.post(PAGE, data=data, content_type="multipart/form-data")


def csv_bytes(*lines: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


HEADER = "text,source,source_reference,issued_on,status"


def test_a_reviewer_sees_the_upload_page_with_the_columns_and_a_template(reviewer):
    page = reviewer.get(PAGE).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    for column in ("text", "source", "source_reference", "issued_on", "status", "coroner_pfd", "31/03/2025"):
        assert column in page
    assert 'href="/recommendations/import/template.csv"' in page
    template = reviewer.get("/recommendations/import/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert template.get_data(as_text=True).lstrip("\ufeff").strip() == HEADER
    navigation = {a.attrs["href"] for a in parse(page).find_all("a", cls="govuk-service-navigation__link")}
    assert PAGE in navigation


def test_a_reviewer_uploads_a_csv_and_good_rows_are_kept_bad_ones_listed_by_line(client, staff, reviewer, read_db):
    held = send(client, staff["reviewer"], [item(SCRIPT, source="dhr")]).get_json()["imported"][0]
    content = csv_bytes(
        HEADER,                                                                   # line 1
        f'"{CHILDREN}",iopc,IOPC-2024-0001,2024-03-31,',                          # 2: good
        '"A recommendation written over\ntwo lines, as Excel keeps it",sar,SAR-7,31/01/2023,implemented',  # 3-4: good
        "=cmd()|' /C calc'!A0,other_force,OF-1,2022-05-01,closed",               # 5: good, kept as typed
        f'"{WELSH}",child_practice_review,CPR-ŵŷ-1,01/07/2021,',                 # 6: good
        f'"{SCRIPT}",dhr,"{SCRIPT}",2024-01-01,',                                 # 7: already held
        ",iopc,IOPC-2024-0002,2024-03-31,",                                       # 8: no text
        f'"{FLEET}",newspaper,N-1,2024-13-01,maybe',                              # 9: three problems
        ",,,,",                                                                   # blank: skipped
        f'"{FLEET}",iopc,IOPC-2024-0001,2024-03-31,',                             # 11: earlier in this file
    )
    response = upload(reviewer, content, filename="<b>list</b>.csv")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert parse(html).find("h1").text == "4 recommendations imported"
    rows = table_rows(html, "Rows not imported")
    assert [row[0] for row in rows] == ["7", "8", "9", "11"]
    assert "Already imported" in rows[0][1] and f"recommendation {held['id']}" in rows[0][1]
    assert "text" in rows[1][1]
    assert all(column in rows[2][1] for column in ("source", "issued_on", "status"))
    assert "line 2" in rows[3][1]
    assert SCRIPT not in html and ESCAPED_SCRIPT in html and "&lt;b&gt;list&lt;/b&gt;.csv" in html
    stored = {r.source_reference: r for r in imported(read_db)}
    assert set(stored) == {SCRIPT, "IOPC-2024-0001", "SAR-7", "OF-1", "CPR-ŵŷ-1"}
    assert stored["SAR-7"].text == "A recommendation written over\ntwo lines, as Excel keeps it"
    assert (stored["SAR-7"].issued_on.isoformat(), stored["SAR-7"].closure_code) == ("2023-01-31", "implemented")
    assert stored["OF-1"].text == "=cmd()|' /C calc'!A0"
    assert stored["CPR-ŵŷ-1"].text == WELSH and stored["CPR-ŵŷ-1"].issued_on.isoformat() == "2021-07-01"
    assert vector_count(read_db) == 5


def test_columns_may_come_in_any_order_with_others_ignored_and_no_bom(reviewer, read_db):
    content = csv_bytes("Issued on,Notes,Source,Source reference,Text", f'2024-01-02,ignored,sar,SAR-1,"{FLEET}"',
                        bom=False)
    html = upload(reviewer, content).get_data(as_text=True)
    assert parse(html).find("h1").text == "1 recommendation imported"
    assert [(r.source_reference, r.status) for r in imported(read_db)] == [("SAR-1", "open")]


def test_a_file_where_no_row_can_be_imported_lists_them_all(reviewer, read_db):
    html = upload(reviewer, csv_bytes(HEADER, "x,nobody,R-1,2024-01-01,")).get_data(as_text=True)
    assert parse(html).find("h1").text == "0 recommendations imported"
    assert [row[0] for row in table_rows(html, "Rows not imported")] == ["2"]
    assert imported(read_db) == []


@pytest.mark.parametrize("content, filename, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "photo.png", "UTF-8"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb7\xac", "book.xlsx", "UTF-8"),
    ("text,source,source_reference,issued_on\nCaf\xe9,iopc,I-1,2024-01-01\n".encode("cp1252"), "excel.csv", "UTF-8"),
    (b"text,source\x00,x\n", "nul.csv", "must be a CSV"),
    (b"", "empty.csv", "empty"),
    (csv_bytes("text,source,issued_on", "x,iopc,2024-01-01"), "short.csv", "missing source_reference"),
    (csv_bytes("text;source;source_reference;issued_on", "x;iopc;I-1;2024-01-01"), "semicolons.csv", "missing"),
    (csv_bytes(HEADER), "header-only.csv", "no recommendations"),
    (csv_bytes(HEADER, *[f"x,iopc,R-{n},2024-01-01," for n in range(1001)]), "huge.csv", "1,000"),
    (csv_bytes(HEADER) + b"x" * (2 * 1024 * 1024), "big.csv", "smaller than 2 MB"),
])
def test_a_file_that_is_not_a_usable_csv_is_refused_and_nothing_saved(reviewer, read_db, content, filename, message):
    response = upload(reviewer, content, filename)
    assert response.status_code == 400
    summary = error_summary(response.get_data(as_text=True))
    assert len(summary) == 1 and message in summary[0][0] and summary[0][1] == "#file"
    assert imported(read_db) == []


def test_posting_without_a_file_asks_for_one(reviewer):
    token = csrf_token_from(reviewer.get(PAGE).get_data(as_text=True))
    response = reviewer.post(PAGE, data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_summary(response.get_data(as_text=True)) == [("Select a CSV file", "#file")]


def test_an_upload_without_the_csrf_token_is_refused(reviewer, read_db):
    response = upload(reviewer, csv_bytes(HEADER, f'"{FLEET}",iopc,I-1,2024-01-01,'), csrf=False)
    assert response.status_code == 400
    assert imported(read_db) == []


@pytest.mark.parametrize("who", ["owner", "board", "analyst", "learning"])
def test_only_reviewers_and_administrators_can_open_the_upload_page(staff, browser_of, who):
    browser = browser_of(EMAIL[who])
    assert browser.get(PAGE).status_code == 403
    assert browser.get("/recommendations/import/template.csv").status_code == 403
    navigation = {a.attrs["href"] for a in parse(browser.get("/").get_data(as_text=True))
                  .find_all("a", cls="govuk-service-navigation__link")}
    assert PAGE not in navigation


def test_an_administrator_can_upload(staff, browser_of, read_db):
    html = upload(browser_of(EMAIL["admin"]), csv_bytes(HEADER, f'"{FLEET}",inspection,H-1,2024-01-01,')).get_data(
        as_text=True)
    assert parse(html).find("h1").text == "1 recommendation imported"


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


# An imported recommendation's own page --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reviewer", "board", "analyst", "learning", "admin"])
def test_an_imported_recommendation_page_shows_its_source_and_offers_no_actions(client, staff, browser_of, who):
    body = send(client, staff["reviewer"], [item("PFD-2023-0042", source="coroner_pfd", status="implemented",
                                                 text=SCRIPT)]).get_json()
    record_id = body["imported"][0]["id"]
    response = browser_of(EMAIL[who]).get(f"/recommendations/{record_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert parse(html).find("h1").text == "PFD-2023-0042"
    summary = {key.text: value.text for key, value in zip(parse(html).find_all("dt"), parse(html).find_all("dd"))}
    assert summary == {"Comes from": "Coroner's prevention of future deaths report",
                       "Source reference": "PFD-2023-0042", "Issued": "Sunday 31 March 2024",
                       "Imported": summary["Imported"]}
    assert ESCAPED_SCRIPT in html and SCRIPT not in html
    assert parse(html).find("div", cls="rd-actions") is None  # nothing to do on it here
    for path in ("edit", "extend", "escalate", "respond", "updates/new", "products/new"):
        assert f"/recommendations/{record_id}/{path}" not in html


def test_an_owner_cannot_open_an_imported_recommendation(client, staff, browser_of):
    record_id = send(client, staff["reviewer"], [item()]).get_json()["imported"][0]["id"]
    # Not theirs: answered as if it did not exist (permissions.py), as the API answers.
    assert browser_of(EMAIL["owner"]).get(f"/recommendations/{record_id}").status_code == 404


@pytest.mark.parametrize("who, path, body", [
    ("board", "decisions", {"decision": "extend", "rationale": "More time", "new_due_date": "2099-01-01"}),
    ("board", "decisions", {"decision": "escalate", "rationale": "Stuck"}),
    ("board", "transition", {"to": "in_progress", "note": "Plan"}),
    ("board", "updates", {"kind": "progress", "text": "Done a bit"}),
    ("learning", "products", {"kind": "briefing", "title": "Briefing", "audience": ["response"]}),
])
def test_an_imported_recommendation_is_not_tracked_here(client, staff, read_db, who, path, body):
    response = send(client, staff["reviewer"], [item("IOPC-TRACK-1")])
    imported_id = response.get_json()["imported"][0]["id"]
    refused = client.post(f"/api/v1/recommendations/{imported_id}/{path}", json=body, headers=staff[who])
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "invalid_transition"
    assert "imported" in refused.get_json()["error"]["message"]
    edit = client.patch(f"/api/v1/recommendations/{imported_id}", json={"version": 1, "text": "New words"},
                        headers=staff["reviewer"])
    assert edit.status_code == 409
