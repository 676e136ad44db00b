"""Debriefs through the JSON API (api.md "Debriefs")."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from debrief.models import AuditEvent, Clock, Debrief
from tests.builders import MURDER


@pytest.fixture
def reviewer(make_user, api_token):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    return api_token("riya@police.uk")


def kinds(body) -> set[str]:
    return {d["kind"] for d in body["deadlines"]}


def deadline(body, kind: str) -> dict:
    return next(d for d in body["deadlines"] if d["kind"] == kind)


def test_a_reviewer_opens_a_debrief_and_gets_its_reference_and_clocks(client, reviewer):
    response = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer)
    assert response.status_code == 201
    body = response.get_json()
    assert body["reference"].startswith("DB-") and body["reference"].endswith("-0001")
    assert body["status"] == "open"
    assert body["is_homicide"] is True
    for name, value in MURDER.items():
        if name not in ("occurred_at", "reported_at"):
            assert body[name] == value, name
    assert body["reported_at"] == "2026-11-02T23:40:00+00:00"
    assert kinds(body) == {"debrief_meeting", "debrief_report", "homicide_index_return", "owhr_notification"}
    meeting = deadline(body, "debrief_meeting")
    # Reported Monday 2 November 2026 (GMT): day 1 is the 3rd, day 7 is Monday 9 November.
    assert meeting["due_date"] == "2026-11-09"
    assert meeting["due_at"] == "2026-11-09T23:59:59+00:00"
    assert meeting["state"] in ("pending", "overdue")
    assert meeting["met_at"] is None
    assert meeting["source"]
    assert set(meeting) == {"id", "kind", "label", "due_date", "due_at", "state", "met_at", "met_late", "source"}
    assert deadline(body, "homicide_index_return")["due_date"] == "2026-12-02"  # 30 calendar days
    assert deadline(body, "debrief_report")["due_date"] == "2026-11-30"  # 28 calendar days
    assert deadline(body, "owhr_notification")["due_date"] == "2026-12-02"  # one month


def test_optional_fields_may_be_left_out(client, reviewer):
    minimal = {k: MURDER[k] for k in ("incident_type", "crime_reference", "occurred_at", "reported_at", "summary")}
    response = client.post("/api/v1/debriefs", json={**minimal, "incident_type": "wounding"}, headers=reviewer)
    assert response.status_code == 201
    body = response.get_json()
    assert body["is_homicide"] is False
    assert body["themes"] == [] and body["victim_age"] is None and body["weapon"] is None
    assert kinds(body) == {"debrief_meeting", "debrief_report"}


def test_references_count_up_within_the_year(client, reviewer):
    references = []
    for n in range(3):
        body = client.post("/api/v1/debriefs", json={**MURDER, "crime_reference": f"42/{n}/26"},
                           headers=reviewer).get_json()
        references.append(body["reference"])
    year = references[0].split("-")[1]
    assert references == [f"DB-{year}-0001", f"DB-{year}-0002", f"DB-{year}-0003"]


def test_a_duplicate_crime_reference_is_a_409_naming_the_existing_debrief(client, reviewer, read_db):
    first = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    response = client.post("/api/v1/debriefs", json={**MURDER, "crime_reference": " 42/18812/26 "},
                           headers=reviewer)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "duplicate"
    assert first["reference"] in error["message"]
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Debrief.id)))) == 1


@pytest.mark.parametrize("change,field,message", [
    ({"reported_at": "2026-11-02T22:00:00+00:00"}, "reported_at", "after the time it happened"),
    ({"reported_at": "2026-11-01T23:50:00+00:00"}, "reported_at", "after the date it happened"),
    ({"occurred_at": "2099-01-01T10:00:00+00:00", "reported_at": "2099-01-01T11:00:00+00:00"}, "occurred_at",
     "today or in the past"),
    ({"occurred_at": "2026-11-02T23:10:00"}, "occurred_at", "UTC offset"),
    ({"occurred_at": "0026-11-02T23:10:00+00:00"}, "occurred_at", "1900 or later"),
    ({"occurred_at": "yesterday"}, "occurred_at", "ISO 8601"),
    ({"incident_type": "jaywalking"}, "incident_type", "from the list"),
    ({"themes": ["knife_crime"]}, "themes", "from the list"),
    ({"themes": "drugs"}, "themes", "list of strings"),
    ({"weapon": "spoon"}, "weapon", "from the list"),
    ({"crime_reference": "not a reference"}, "crime_reference", "right format"),
    ({"summary": "x" * 10_001}, "summary", "10,000 characters or fewer"),
    ({"partner_briefing": "x" * 5_001}, "partner_briefing", "5,000 characters or fewer"),
    ({"summary": "  "}, "summary", "Enter a summary"),
    ({"partner_briefing": "nul \x00 byte"}, "partner_briefing", "cannot be stored"),
    ({"victim_age": 130}, "victim_age", "0 to 120"),
    ({"victim_age": "19"}, "victim_age", "whole number"),
    ({"victim_age": True}, "victim_age", "whole number"),
    ({"domestic": "yes"}, "domestic", "true or false"),
    ({"nickname": "x"}, "nickname", "not a field"),
])
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_saved(client, reviewer, read_db, change, field,
                                                                   message):
    response = client.post("/api/v1/debriefs", json={**MURDER, **change}, headers=reviewer)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert message in error["fields"][field]
    counts = read_db(lambda s: [s.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Debrief, Clock, AuditEvent)])
    assert counts[0] == 0 and counts[1] == 0
    assert counts[2] == 2  # only the user's creation and token: nothing from the refused debrief


def test_every_problem_is_reported_at_once(client, reviewer):
    response = client.post("/api/v1/debriefs", json={"summary": 5}, headers=reviewer)
    fields = response.get_json()["error"]["fields"]
    assert {"incident_type", "crime_reference", "occurred_at", "reported_at", "summary"} <= set(fields)
    assert fields["summary"] == "must be a string"


def test_the_api_names_the_same_problems_as_the_page_in_one_answer(client, reviewer):
    # The page's "several problems at once" (tests/test_debrief_pages.py), through the API: the same
    # rules, the same words, one 422 — the taken crime reference among them, not a 409 after a fix.
    assert client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).status_code == 201
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    response = client.post("/api/v1/debriefs", headers=reviewer, json={
        **MURDER, "occurred_at": tomorrow, "reported_at": "2026-11-01T10:00:00+00:00", "summary": "",
        "victim_age": 130})
    assert response.status_code == 422, response.get_json()
    year = datetime.now(ZoneInfo("Europe/London")).year
    assert response.get_json()["error"]["fields"] == {
        "crime_reference": f"Crime reference 42/18812/26 already has a debrief, DB-{year}-0001",
        "occurred_at": "The date the incident happened must be today or in the past",
        "reported_at": "The date the incident was reported must be the same as or after the date it happened",
        "summary": "Enter a summary of the incident",
        "victim_age": "The victim's age must be a whole number from 0 to 120",
    }


def test_a_taken_crime_reference_alone_is_still_a_409(client, reviewer):
    assert client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).status_code == 201
    response = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "duplicate"


def test_a_missing_moment_is_asked_for_in_the_pages_words(client, reviewer):
    body = {k: v for k, v in MURDER.items() if k not in ("occurred_at", "reported_at")}
    fields = client.post("/api/v1/debriefs", json=body, headers=reviewer).get_json()["error"]["fields"]
    assert fields == {"occurred_at": "Enter the date and time the incident happened",
                      "reported_at": "Enter the date and time the incident was reported"}


@pytest.mark.parametrize("body", ["not json", "[1, 2]", ""])
def test_a_body_that_is_not_a_json_object_is_a_400(client, reviewer, body):
    response = client.post("/api/v1/debriefs", data=body, headers={**reviewer, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_markup_is_stored_as_typed_and_returned_as_json_text(client, reviewer):
    script = "<script>alert('x')</script> & \"quotes\""
    body = client.post("/api/v1/debriefs", json={**MURDER, "summary": script, "area": "<b>Southend</b>"},
                       headers=reviewer).get_json()
    assert body["summary"] == script
    assert body["area"] == "<b>Southend</b>"


def test_list_is_paginated_newest_report_first_and_filters_by_status(client, reviewer):
    for n in range(5):
        client.post("/api/v1/debriefs", headers=reviewer, json={
            **MURDER, "crime_reference": f"42/{n}/26",
            "occurred_at": f"2026-10-0{n + 1}T10:00:00+01:00", "reported_at": f"2026-10-0{n + 1}T11:00:00+01:00"})
    page = client.get("/api/v1/debriefs?per_page=2&page=1", headers=reviewer).get_json()
    assert page["total"] == 5 and page["page"] == 1 and page["per_page"] == 2
    assert [d["crime_reference"] for d in page["items"]] == ["42/4/26", "42/3/26"]
    last = client.get("/api/v1/debriefs?per_page=2&page=3", headers=reviewer).get_json()
    assert [d["crime_reference"] for d in last["items"]] == ["42/0/26"]
    assert "deadlines" not in page["items"][0]

    first_id = page["items"][0]["id"]
    client.post(f"/api/v1/debriefs/{first_id}/meeting", headers=reviewer,
                json={"held_at": "2026-10-06T10:00:00+01:00", "attendees": [{"name": "DS Shah", "agency": "Police"}]})
    held = client.get("/api/v1/debriefs?status=meeting_held", headers=reviewer).get_json()
    assert [d["id"] for d in held["items"]] == [first_id]
    assert client.get("/api/v1/debriefs?status=open", headers=reviewer).get_json()["total"] == 4


@pytest.mark.parametrize("query,field", [("per_page=201", "per_page"), ("page=0", "page"), ("page=x", "page"),
                                         ("status=lost", "status")])
def test_bad_list_parameters_are_a_422(client, reviewer, query, field):
    response = client.get(f"/api/v1/debriefs?{query}", headers=reviewer)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_patch_changes_only_what_is_sent_and_records_it(client, reviewer):
    created = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    response = client.patch(f"/api/v1/debriefs/{created['id']}", json={"area": "Basildon"}, headers=reviewer)
    assert response.status_code == 200
    body = response.get_json()
    assert body["area"] == "Basildon" and body["summary"] == MURDER["summary"]
    history = client.get(f"/api/v1/debriefs/{created['id']}/history", headers=reviewer).get_json()["items"]
    update = [e for e in history if e["action"] == "updated"]
    assert update[-1]["changes"] == {"area": {"from": "Southend", "to": "Basildon"}}
    assert update[-1]["actor"] == "riya@police.uk"


def test_patch_that_breaks_a_rule_changes_nothing(client, reviewer):
    created = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    response = client.patch(f"/api/v1/debriefs/{created['id']}", headers=reviewer,
                            json={"area": "Basildon", "reported_at": "2026-11-01T00:00:00+00:00"})
    assert response.status_code == 422
    assert client.get(f"/api/v1/debriefs/{created['id']}", headers=reviewer).get_json()["area"] == "Southend"


def test_patch_to_another_debriefs_crime_reference_is_a_duplicate(client, reviewer):
    client.post("/api/v1/debriefs", json=MURDER, headers=reviewer)
    other = client.post("/api/v1/debriefs", json={**MURDER, "crime_reference": "42/2/26"}, headers=reviewer).get_json()
    response = client.patch(f"/api/v1/debriefs/{other['id']}", json={"crime_reference": "42/18812/26"},
                            headers=reviewer)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "duplicate"


def test_meeting_meets_the_meeting_clock_and_records_attendance(client, reviewer):
    created = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    response = client.post(f"/api/v1/debriefs/{created['id']}/meeting", headers=reviewer, json={
        "held_at": "2026-11-06T10:00:00+00:00",
        "attendees": [{"name": "DS Priya Shah", "agency": "Essex Police"},
                      {"name": "Dr Jones", "agency": "Mid and South Essex NHS"}]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "meeting_held"
    assert body["meeting"]["held_at"] == "2026-11-06T10:00:00+00:00"
    assert body["meeting"]["attendees"][1] == {"name": "Dr Jones", "agency": "Mid and South Essex NHS"}
    meeting = deadline(body, "debrief_meeting")
    assert meeting["state"] == "met" and meeting["met_at"] == "2026-11-06T10:00:00+00:00"


@pytest.mark.parametrize("meeting,field", [
    ({"attendees": [{"name": "A", "agency": "B"}]}, "held_at"),
    ({"held_at": "2026-11-06T10:00:00+00:00", "attendees": []}, "attendees"),
    ({"held_at": "2026-11-06T10:00:00+00:00", "attendees": [{"name": "A"}]}, "attendees"),
    ({"held_at": "2026-11-06T10:00:00+00:00", "attendees": "everyone"}, "attendees"),
    ({"held_at": "2026-11-01T10:00:00+00:00", "attendees": [{"name": "A", "agency": "B"}]}, "held_at"),
    ({"held_at": "2099-11-06T10:00:00+00:00", "attendees": [{"name": "A", "agency": "B"}]}, "held_at"),
])
def test_a_bad_meeting_record_is_refused(client, reviewer, meeting, field):
    created = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    response = client.post(f"/api/v1/debriefs/{created['id']}/meeting", json=meeting, headers=reviewer)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/debriefs/{created['id']}", headers=reviewer).get_json()["meeting"] is None


def test_history_lists_every_change_oldest_first(client, reviewer):
    created = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    meeting = deadline(created, "debrief_meeting")
    client.patch(f"/api/v1/debriefs/{created['id']}", json={"victim_age": 15}, headers=reviewer)
    client.post(f"/api/v1/deadlines/{meeting['id']}/met", json={"at": "2026-11-04T09:00:00+00:00"}, headers=reviewer)
    history = client.get(f"/api/v1/debriefs/{created['id']}/history", headers=reviewer).get_json()["items"]
    actions = [e["action"] for e in history]
    assert actions[0] == "created"
    assert actions.count("clock_added") == 4 + 2  # the first four, then the two child clocks
    assert "updated" in actions and "clock_withdrawn" in actions  # an under-18 victim: no OWHR
    assert actions[-1] == "clock_met"
    assert all(set(e) == {"at", "actor", "action", "entity", "entity_id", "changes"} for e in history)
    assert [e["at"] for e in history] == sorted(e["at"] for e in history)


def test_unknown_debrief_is_a_404(client, reviewer):
    for method, path in (("get", "/api/v1/debriefs/999"), ("patch", "/api/v1/debriefs/999"),
                         ("post", "/api/v1/debriefs/999/meeting"), ("get", "/api/v1/debriefs/999/history")):
        response = getattr(client, method)(path, json={}, headers=reviewer)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ["owner", "learning", "board", "analyst", "admin"])
def test_only_reviewers_open_or_change_debriefs(client, make_user, api_token, reviewer, role):
    created = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    make_user(f"{role}@police.uk", role, name=role)
    headers = api_token(f"{role}@police.uk")
    assert client.post("/api/v1/debriefs", json={**MURDER, "crime_reference": "1/1/26"}, headers=headers).status_code == 403
    assert client.patch(f"/api/v1/debriefs/{created['id']}", json={"area": "x"}, headers=headers).status_code == 403
    meeting = deadline(created, "debrief_meeting")
    assert client.post(f"/api/v1/deadlines/{meeting['id']}/met", json={}, headers=headers).status_code == 403


@pytest.mark.parametrize("role,allowed", [("board", True), ("analyst", True), ("admin", True),
                                          ("owner", False), ("learning", False)])
def test_who_may_read_debriefs(client, make_user, api_token, reviewer, role, allowed):
    created = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    make_user(f"{role}@police.uk", role, name=role)
    headers = api_token(f"{role}@police.uk")
    expected = 200 if allowed else 403
    assert client.get("/api/v1/debriefs", headers=headers).status_code == expected
    assert client.get(f"/api/v1/debriefs/{created['id']}", headers=headers).status_code == expected


def test_no_token_is_a_401(client):
    assert client.get("/api/v1/debriefs").status_code == 401
    assert client.post("/api/v1/debriefs", json=MURDER).status_code == 401
