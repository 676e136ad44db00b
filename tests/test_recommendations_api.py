"""Recommendations through the JSON API (api.md "Lessons and recommendations"; product.md "Lifecycles",
"The closure gate"; issue 5): allocating one to an owner, the owner's email, reading and listing,
changing one without lost updates, and moving it through its lifecycle to the board's closure.

The lifecycle's every (from, to, role) combination is tested on the pure rules in
test_recommendation_lifecycle.py; here each rule is shown once through HTTP, with what it leaves in
the database, the clocks and the history.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from debrief.models import Recommendation
from tests.builders import DEBRIEF, EMAIL, SECRET_SUMMARY, add_product, clock, delivered_product, error_of, get, in_days, make_staff, move, open_debrief, recommend, recommended, set_due_date, to_awaiting_closure, today

# --- people, a debrief and helpers shared by the learning-chain tests ----------------------------


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def debrief(client, staff):
    return open_debrief(client, staff["reviewer"])


@pytest.fixture
def rec(client, staff, debrief):
    return recommended(client, staff["reviewer"], debrief["id"])


# --- allocating a recommendation -----------------------------------------------------------------


def test_a_reviewer_allocates_a_recommendation_and_gets_its_reference_owner_and_clocks(client, staff, debrief):
    due = in_days(45)
    response = recommend(client, staff["reviewer"], debrief["id"], due_date=due)
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert body["reference"] == f"REC-{today().year}-0001"
    assert body["status"] == "open"
    assert body["closure_code"] is None
    assert body["owner"] == {"email": "olu@police.uk", "name": "Olu Owner"}
    assert body["due_date"] == due
    assert isinstance(body["version"], int)
    assert body["possible_repeats"] == [] and body["repeat_of"] is None
    assert body["debrief_id"] == debrief["id"]
    assert body["priority"] == "medium" and body["source"] == "debrief" and body["lesson_ids"] == []
    assert body["text"] == "Supervisors review every DASH risk assessment within 24 hours"

    assert {d["kind"] for d in body["deadlines"]} == {"recommendation_response", "recommendation_due"}
    response_clock = clock(body, "recommendation_response")
    assert response_clock["due_date"] == in_days(14)  # 14 calendar days from allocation (day 1 is tomorrow)
    assert response_clock["due_at"].startswith(f"{in_days(14)}T23:59:59")
    assert response_clock["state"] == "pending" and response_clock["met_at"] is None
    due_clock = clock(body, "recommendation_due")
    assert due_clock["due_date"] == due
    assert due_clock["due_at"].startswith(f"{due}T23:59:59")
    assert due_clock["state"] == "pending"
    for d in body["deadlines"]:
        assert set(d) == {"id", "kind", "label", "due_date", "due_at", "state", "met_at", "met_late", "source"}

    # The same recommendation comes back when read.
    again = get(client, staff["reviewer"], body["id"]).get_json()
    assert {k: again[k] for k in ("reference", "status", "owner", "due_date", "version")} == {
        k: body[k] for k in ("reference", "status", "owner", "due_date", "version")}


def test_references_count_up_across_debriefs(client, staff, debrief):
    second = open_debrief(client, staff["reviewer"], crime_reference="42/77002/26")
    references = [recommended(client, staff["reviewer"], debrief["id"])["reference"],
                  recommended(client, staff["reviewer"], second["id"])["reference"],
                  recommended(client, staff["reviewer"], debrief["id"])["reference"]]
    year = today().year
    assert references == [f"REC-{year}-0001", f"REC-{year}-0002", f"REC-{year}-0003"]


def test_a_recommendation_links_lessons_and_takes_a_priority(client, staff, debrief):
    lesson = client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff["reviewer"],
                         json={"text": "DASH forms were not reviewed", "category": "supervision"}).get_json()
    body = recommended(client, staff["reviewer"], debrief["id"], priority="high", lesson_ids=[lesson["id"]],
                       owner_email="  OLU@Police.UK ")
    assert body["priority"] == "high"
    assert body["lesson_ids"] == [lesson["id"]]
    assert body["owner"]["email"] == "olu@police.uk"


def test_the_owner_is_told_by_email_with_a_link_and_no_incident_detail(app, client, staff, debrief, mailbox):
    body = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    to_owner = [m for m in mailbox if m["To"] == "olu@police.uk"]
    assert len(to_owner) == 1
    email = to_owner[0]
    assert body["reference"] in email["Subject"]
    text = email.get_content()
    assert f"{app.config['BASE_URL']}/recommendations/{body['id']}" in text
    assert re.search(rf"/recommendations/{body['id']}\b", text)
    for detail in (SECRET_SUMMARY, "J. Bloggs", "Acacia", DEBRIEF["crime_reference"], DEBRIEF["operation_name"],
                   DEBRIEF["partner_briefing"]):
        assert detail not in text and detail not in email["Subject"], detail


def deactivate(app, email: str) -> None:
    from debrief.extensions import db
    from debrief.services import accounts

    with app.app_context():
        accounts.deactivate(accounts.find_by_email(email), actor=None)
        db.session.commit()


@pytest.mark.parametrize("body, field", [
    ({"owner_email": "nobody@police.uk"}, "owner_email"),
    ({"owner_email": "inactive@police.uk"}, "owner_email"),
    ({"owner_email": None}, "owner_email"),
    ({"due_date": "yesterday"}, "due_date"),
    ({"due_date": "2026-02-30"}, "due_date"),
    ({"due_date": None}, "due_date"),
    ({"priority": "urgent"}, "priority"),
    ({"priority": 1}, "priority"),
    ({"text": "   "}, "text"),
    ({"lesson_ids": "1,2"}, "lesson_ids"),
    ({"lesson_ids": [True]}, "lesson_ids"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_recommendation_is_refused_field_by_field_and_nothing_is_sent(
        app, client, staff, debrief, make_user, mailbox, read_db, body, field):
    make_user("inactive@police.uk", "owner", name="Ina Active")
    deactivate(app, "inactive@police.uk")
    if body.get("due_date") == "yesterday":
        body = {"due_date": in_days(-1)}
    mailbox.clear()
    response = recommend(client, staff["reviewer"], debrief["id"], **body)
    error = error_of(response, 422, "validation_error")
    assert field in error["fields"]
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Recommendation.id)))) == 0
    assert mailbox == []


def test_a_due_date_today_is_accepted_but_yesterday_is_not(client, staff, debrief):
    assert recommend(client, staff["reviewer"], debrief["id"], due_date=in_days(0)).status_code == 201
    error = error_of(recommend(client, staff["reviewer"], debrief["id"], due_date=in_days(-1)), 422,
                     "validation_error")
    assert set(error["fields"]) == {"due_date"}


def test_lessons_of_another_debrief_cannot_be_linked(client, staff, debrief):
    other = open_debrief(client, staff["reviewer"], crime_reference="42/77009/26")
    theirs = client.post(f"/api/v1/debriefs/{other['id']}/lessons", headers=staff["reviewer"],
                         json={"text": "Elsewhere", "category": "policy"}).get_json()
    ours = client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff["reviewer"],
                       json={"text": "Here", "category": "policy"}).get_json()
    for ids in ([theirs["id"]], [ours["id"], theirs["id"]], [999999]):
        error = error_of(recommend(client, staff["reviewer"], debrief["id"], lesson_ids=ids), 422,
                         "validation_error")
        assert set(error["fields"]) == {"lesson_ids"}, ids


def test_every_problem_is_reported_at_once(client, staff, debrief):
    response = client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", headers=staff["reviewer"],
                           json={"text": "", "owner_email": "nobody@police.uk", "due_date": in_days(-3),
                                 "priority": "whenever"})
    error = error_of(response, 422, "validation_error")
    assert set(error["fields"]) == {"text", "owner_email", "due_date", "priority"}


@pytest.mark.parametrize("who", ["owner", "learning", "board", "analyst", "admin"])
def test_only_a_reviewer_allocates_recommendations(client, staff, debrief, read_db, who):
    error_of(recommend(client, staff[who], debrief["id"]), 403, "forbidden")
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Recommendation.id)))) == 0


def test_allocating_needs_a_token_a_json_body_and_a_real_debrief(client, staff, debrief):
    path = f"/api/v1/debriefs/{debrief['id']}/recommendations"
    assert client.post(path, json={}).status_code == 401
    error_of(client.post(path, data="not json", headers=staff["reviewer"]), 400, "bad_request")
    error_of(recommend(client, staff["reviewer"], 999999), 404, "not_found")


# --- reading and listing -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "reviewer", "learning", "board", "analyst", "admin", "reading_owner"])
def test_the_owner_and_every_reading_role_can_read_a_recommendation(client, staff, rec, who):
    response = get(client, staff[who], rec["id"])
    assert response.status_code == 200
    assert response.get_json()["reference"] == rec["reference"]


def test_an_owner_cannot_read_someone_elses_recommendation(client, staff, debrief, rec):
    theirs = recommended(client, staff["reviewer"], debrief["id"], owner_email=EMAIL["other_owner"])
    assert get(client, staff["other_owner"], theirs["id"]).status_code == 200
    error_of(get(client, staff["other_owner"], rec["id"]), 404, "not_found")
    error_of(get(client, staff["owner"], theirs["id"]), 404, "not_found")
    assert client.get(f"/api/v1/recommendations/{rec['id']}").status_code == 401


@pytest.mark.parametrize("who, status", [("reviewer", 200), ("learning", 200), ("board", 200), ("analyst", 200),
                                         ("admin", 200), ("owner", 403)])
def test_who_can_list_every_recommendation(client, staff, rec, who, status):
    response = client.get("/api/v1/recommendations", headers=staff[who])
    assert response.status_code == status
    if status == 200:
        assert [item["id"] for item in response.get_json()["items"]] == [rec["id"]]


@pytest.fixture
def register(client, staff, debrief, read_db):
    """Five recommendations with known owners, statuses and due dates."""
    reviewer = staff["reviewer"]
    r1 = recommended(client, reviewer, debrief["id"], due_date=in_days(10))
    r2 = recommended(client, reviewer, debrief["id"], due_date=in_days(20))
    r3 = recommended(client, reviewer, debrief["id"], due_date=in_days(30), owner_email=EMAIL["other_owner"])
    r4 = recommended(client, reviewer, debrief["id"], due_date=in_days(40))
    r5 = recommended(client, reviewer, debrief["id"], due_date=in_days(50), owner_email=EMAIL["other_owner"])
    assert move(client, staff["owner"], r2["id"], "in_progress", note="Plan").status_code == 200
    to_awaiting_closure(client, staff["other_owner"], r5["id"])
    assert move(client, staff["board"], r5["id"], "closed", closure_code="no_longer_applicable").status_code == 200
    set_due_date(read_db, r4["id"], today() - timedelta(days=2))  # overdue and still open
    set_due_date(read_db, r5["id"], today() - timedelta(days=5))  # past its date, but closed: not overdue
    return {name: r["id"] for name, r in zip(("r1", "r2", "r3", "r4", "r5"), (r1, r2, r3, r4, r5))}


def listed(client, headers, query: str = "") -> dict:
    response = client.get(f"/api/v1/recommendations{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_list_filters_by_status_owner_and_overdue(client, staff, register):
    ids = lambda body: [item["id"] for item in body["items"]]  # noqa: E731
    r = register
    board = staff["board"]
    assert ids(listed(client, board)) == [r["r5"], r["r4"], r["r1"], r["r2"], r["r3"]]  # by due date
    assert ids(listed(client, board, "?status=open")) == [r["r4"], r["r1"], r["r3"]]
    assert ids(listed(client, board, "?status=in_progress")) == [r["r2"]]
    assert ids(listed(client, board, "?status=closed")) == [r["r5"]]
    assert ids(listed(client, board, "?owner=oscar@police.uk")) == [r["r5"], r["r3"]]
    assert ids(listed(client, board, "?owner=OLU@police.uk")) == [r["r4"], r["r1"], r["r2"]]
    assert ids(listed(client, board, "?owner=olu@police.uk&status=open")) == [r["r4"], r["r1"]]
    assert ids(listed(client, board, "?overdue=true")) == [r["r4"]]
    assert ids(listed(client, board, "?overdue=true&owner=oscar@police.uk")) == []
    assert listed(client, board, "?owner=nobody@police.uk") == {"items": [], "total": 0, "page": 1, "per_page": 25}
    item = listed(client, board, "?status=in_progress")["items"][0]
    assert item["reference"] and item["owner"] == {"email": "olu@police.uk", "name": "Olu Owner"}
    assert item["status"] == "in_progress"


def test_the_list_pages_through_every_recommendation_once(client, staff, register):
    board = staff["board"]
    first = listed(client, board, "?per_page=2")
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (5, 1, 2, 2)
    second = listed(client, board, "?per_page=2&page=2")
    third = listed(client, board, "?per_page=2&page=3")
    assert (second["page"], len(second["items"]), len(third["items"])) == (2, 2, 1)
    seen = [item["id"] for body in (first, second, third) for item in body["items"]]
    assert sorted(seen) == sorted(register.values())
    assert listed(client, board, "?per_page=2&page=4")["items"] == []
    assert listed(client, board, "?per_page=200")["total"] == 5


@pytest.mark.parametrize("query, field", [
    ("?status=done", "status"), ("?page=0", "page"), ("?page=two", "page"), ("?per_page=201", "per_page"),
    ("?per_page=-1", "per_page"),
])
def test_bad_list_parameters_are_a_422_naming_the_parameter(client, staff, rec, query, field):
    error = error_of(client.get(f"/api/v1/recommendations{query}", headers=staff["board"]), 422, "validation_error")
    assert field in error["fields"]


# --- changing a recommendation: versions, no lost updates ----------------------------------------


def patch(client, headers, recommendation_id: int, **body):
    return client.patch(f"/api/v1/recommendations/{recommendation_id}", json=body, headers=headers)


@pytest.mark.parametrize("who", ["reviewer", "board"])
def test_a_reviewer_or_the_board_changes_a_recommendation_and_its_version_goes_up(client, staff, rec, who):
    response = patch(client, staff[who], rec["id"], version=rec["version"], text="Supervisors review every DASH",
                     priority="high")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["text"] == "Supervisors review every DASH" and body["priority"] == "high"
    assert body["version"] == rec["version"] + 1
    assert get(client, staff["analyst"], rec["id"]).get_json()["version"] == rec["version"] + 1


def test_a_stale_edit_is_refused_naming_what_changed_and_nothing_is_lost(client, staff, rec):
    first = patch(client, staff["board"], rec["id"], version=rec["version"], text="The board's wording")
    assert first.status_code == 200
    stale = patch(client, staff["reviewer"], rec["id"], version=rec["version"], priority="low")
    error = error_of(stale, 409, "stale")
    assert "text" in error["message"]
    assert set(error.get("fields", {})) == {"text"}
    assert "The board's wording" in error["fields"]["text"]
    now = get(client, staff["reviewer"], rec["id"]).get_json()
    assert now["text"] == "The board's wording" and now["priority"] == "medium"  # neither edit lost
    assert now["version"] == first.get_json()["version"]
    # Sent again from the version just read, the edit goes through.
    assert patch(client, staff["reviewer"], rec["id"], version=now["version"], priority="low").status_code == 200


def test_an_edit_from_before_the_owner_responded_is_stale_and_names_the_status(client, staff, rec):
    assert move(client, staff["owner"], rec["id"], "in_progress", note="Plan").status_code == 200
    error = error_of(patch(client, staff["reviewer"], rec["id"], version=rec["version"], text="New"), 409, "stale")
    assert "status" in error["message"]
    assert get(client, staff["reviewer"], rec["id"]).get_json()["text"] != "New"


@pytest.mark.parametrize("body", [{"text": "No version"}, {"version": "1", "text": "A string"},
                                  {"version": None, "text": "Null"}, {"version": True, "text": "A boolean"}])
def test_an_edit_without_a_whole_number_version_is_a_422(client, staff, rec, body):
    error = error_of(patch(client, staff["reviewer"], rec["id"], **body), 422, "validation_error")
    assert "version" in error["fields"]
    assert get(client, staff["reviewer"], rec["id"]).get_json()["text"] == rec["text"]


@pytest.mark.parametrize("who", ["owner", "learning", "analyst", "admin"])
def test_only_a_reviewer_or_the_board_can_change_a_recommendation(client, staff, rec, who):
    error_of(patch(client, staff[who], rec["id"], version=rec["version"], text="Mine now"), 403, "forbidden")
    after = get(client, staff["reviewer"], rec["id"]).get_json()
    assert after["text"] == rec["text"] and after["version"] == rec["version"]


@pytest.mark.parametrize("body, field", [
    ({"due_date": "2020-01-01"}, "due_date"), ({"owner_email": "nobody@police.uk"}, "owner_email"),
    ({"priority": "urgent"}, "priority"), ({"text": ""}, "text"), ({"status": "closed"}, "status"),
    ({"lesson_ids": [999999]}, "lesson_ids"),
])
def test_a_bad_edit_is_a_422_and_changes_nothing(client, staff, rec, body, field):
    error = error_of(patch(client, staff["reviewer"], rec["id"], version=rec["version"], **body), 422,
                     "validation_error")
    assert field in error["fields"]
    after = get(client, staff["reviewer"], rec["id"]).get_json()
    assert {k: after[k] for k in ("text", "owner", "due_date", "priority", "status", "version")} == {
        k: rec[k] for k in ("text", "owner", "due_date", "priority", "status", "version")}


def test_a_new_owner_is_told_by_email_and_the_old_owner_loses_sight_of_it(client, staff, rec, mailbox):
    mailbox.clear()
    response = patch(client, staff["reviewer"], rec["id"], version=rec["version"], owner_email=EMAIL["other_owner"])
    assert response.status_code == 200
    assert response.get_json()["owner"] == {"email": "oscar@police.uk", "name": "Oscar Owner"}
    assert [m["To"] for m in mailbox] == ["oscar@police.uk"]
    assert rec["reference"] in mailbox[0]["Subject"]
    assert f"/recommendations/{rec['id']}" in mailbox[0].get_content()
    assert get(client, staff["other_owner"], rec["id"]).status_code == 200
    assert get(client, staff["owner"], rec["id"]).status_code == 404


def test_a_new_due_date_moves_the_due_clock_but_not_the_response_clock(client, staff, rec):
    later = in_days(90)
    body = patch(client, staff["reviewer"], rec["id"], version=rec["version"], due_date=later).get_json()
    assert body["due_date"] == later
    assert clock(body, "recommendation_due")["due_date"] == later
    assert clock(body, "recommendation_due")["due_at"].startswith(f"{later}T23:59:59")
    assert clock(body, "recommendation_response")["due_date"] == in_days(14)


def test_an_edit_is_in_the_history_with_who_made_it(client, staff, debrief, rec):
    patch(client, staff["reviewer"], rec["id"], version=rec["version"], text="Reworded", due_date=in_days(75))
    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["reviewer"]).get_json()["items"]
    edit = [e for e in history if e["entity"] == "recommendation" and e["action"] == "updated"]
    assert len(edit) == 1
    assert edit[0]["actor"] == "riya@police.uk" and edit[0]["entity_id"] == rec["id"]
    assert edit[0]["changes"]["text"] == {"from": rec["text"], "to": "Reworded"}
    assert edit[0]["changes"]["due_date"] == {"from": rec["due_date"], "to": in_days(75)}
    assert edit[0]["changes"]["version"] == {"from": rec["version"], "to": rec["version"] + 1}
    moved = [e for e in history if e["entity"] == "clock" and e["action"] == "clock_moved"]
    assert [e["changes"]["due_date"]["to"] for e in moved] == [in_days(75)]


# --- the lifecycle through the API ---------------------------------------------------------------


def test_the_owner_responds_with_a_plan_and_the_response_clock_is_met(client, staff, rec):
    response = move(client, staff["owner"], rec["id"], "in_progress", note="  Plan: add a supervisor check  ")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "in_progress"
    assert body["version"] > rec["version"]  # an edit from before the response is now stale
    assert [(u["kind"], u["text"], u["author"]) for u in body["updates"]] == [
        ("response", "Plan: add a supervisor check", "olu@police.uk")]
    assert clock(body, "recommendation_response")["state"] == "met"
    assert clock(body, "recommendation_response")["met_at"]
    assert clock(body, "recommendation_due")["state"] == "pending"


@pytest.mark.parametrize("note", [None, "", "   "])
def test_a_response_without_a_note_is_a_422(client, staff, rec, note):
    body = {} if note is None else {"note": note}
    error = error_of(move(client, staff["owner"], rec["id"], "in_progress", **body), 422, "validation_error")
    assert set(error["fields"]) == {"note"}
    after = get(client, staff["owner"], rec["id"]).get_json()
    assert after["status"] == "open" and clock(after, "recommendation_response")["state"] == "pending"


def test_an_owner_cannot_move_someone_elses_recommendation(client, staff, rec):
    # An owner who can read everything (an analyst too) is refused the move.
    error_of(move(client, staff["reading_owner"], rec["id"], "in_progress", note="Not mine"), 403, "forbidden")
    # An owner who cannot even see it gets the same answer as for a recommendation that does not exist.
    error_of(move(client, staff["other_owner"], rec["id"], "in_progress", note="Not mine"), 404, "not_found")
    assert get(client, staff["owner"], rec["id"]).get_json()["status"] == "open"


@pytest.mark.parametrize("who", ["analyst", "reviewer", "learning", "admin"])
def test_roles_other_than_owner_and_board_cannot_move_a_recommendation(client, staff, rec, who):
    error_of(move(client, staff[who], rec["id"], "in_progress", note="Plan"), 403, "forbidden")
    assert get(client, staff["owner"], rec["id"]).get_json()["status"] == "open"


def test_the_board_may_respond_for_the_owner(client, staff, rec):
    response = move(client, staff["board"], rec["id"], "in_progress", note="Recorded at the board for the owner")
    assert response.status_code == 200
    assert response.get_json()["updates"][0]["author"] == "bea@police.uk"


@pytest.mark.parametrize("who, to, extra", [
    ("owner", "awaiting_closure", {"note": "Done already"}),
    ("owner", "closed", {"closure_code": "implemented"}),
    ("board", "closed", {"closure_code": "no_longer_applicable"}),
    ("owner", "open", {}),
    ("owner", "archived", {}),
    ("owner", None, {}),
])
def test_skipping_a_step_or_an_unknown_status_is_an_invalid_transition(client, staff, rec, who, to, extra):
    error_of(move(client, staff[who], rec["id"], to, **extra), 409, "invalid_transition")
    assert get(client, staff["owner"], rec["id"]).get_json()["status"] == "open"


def test_the_owner_asks_for_closure_with_a_note_and_the_due_clock_is_met(client, staff, rec):
    assert move(client, staff["owner"], rec["id"], "in_progress", note="Plan").status_code == 200
    error = error_of(move(client, staff["owner"], rec["id"], "awaiting_closure"), 422, "validation_error")
    assert set(error["fields"]) == {"note"}
    response = move(client, staff["owner"], rec["id"], "awaiting_closure", note="Done: check added to DASH form")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "awaiting_closure"
    assert [u["kind"] for u in body["updates"]] == ["response", "completion"]
    assert body["updates"][1]["text"] == "Done: check added to DASH form"
    assert clock(body, "recommendation_due")["state"] == "met"


def test_the_owner_cannot_close_their_own_recommendation(client, staff, rec):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    error_of(move(client, staff["owner"], rec["id"], "closed", closure_code="implemented", rationale="Done"), 403,
             "forbidden")
    error_of(move(client, staff["owner"], rec["id"], "in_progress", rationale="Changed my mind"), 403, "forbidden")
    assert get(client, staff["owner"], rec["id"]).get_json()["status"] == "awaiting_closure"


def test_closing_as_implemented_with_only_an_intranet_article_is_refused_by_the_gate(client, staff, rec):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    delivered_product(client, staff["learning"], rec["id"], "intranet_article")
    error = error_of(move(client, staff["board"], rec["id"], "closed", closure_code="implemented"), 409,
                     "closure_gate")
    assert "awareness-only" in error["message"] and "intranet article" in error["message"]
    after = get(client, staff["board"], rec["id"]).get_json()
    assert after["status"] == "awaiting_closure" and after["closure_code"] is None and after["decisions"] == []


@pytest.mark.parametrize("kind, closes", [
    ("classroom_training", True), ("e_learning", True), ("briefing", True), ("guidance_update", True),
    ("toolkit", True), ("system_change", True), ("intranet_article", False), ("email_bulletin", False),
])
@pytest.mark.parametrize("code", ["implemented", "alternative_action"])
def test_the_closure_gate_with_each_kind_of_delivered_product(client, staff, rec, kind, closes, code):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    delivered_product(client, staff["learning"], rec["id"], kind)
    response = move(client, staff["board"], rec["id"], "closed", closure_code=code)
    if closes:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == "closed"
    else:
        error_of(response, 409, "closure_gate")


def test_a_planned_briefing_does_not_pass_the_gate_until_it_is_delivered(client, staff, rec):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    product = add_product(client, staff["learning"], rec["id"]).get_json()
    error = error_of(move(client, staff["board"], rec["id"], "closed", closure_code="implemented"), 409,
                     "closure_gate")
    assert "planned" in error["message"]
    client.patch(f"/api/v1/products/{product['id']}", headers=staff["learning"],
                 json={"status": "delivered", "delivered_on": in_days(0)})
    assert move(client, staff["board"], rec["id"], "closed", closure_code="implemented").status_code == 200


def test_the_board_closes_as_implemented_once_a_briefing_is_delivered(client, staff, rec):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    delivered_product(client, staff["learning"], rec["id"], "intranet_article")
    delivered_product(client, staff["learning"], rec["id"], "briefing")
    response = move(client, staff["board"], rec["id"], "closed", closure_code="implemented")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "closed" and body["closure_code"] == "implemented"
    assert [(d["decision"], d["closure_code"], d["decided_by"]) for d in body["decisions"]] == [
        ("close", "implemented", "bea@police.uk")]
    # Once closed it stays closed.
    error_of(move(client, staff["board"], rec["id"], "in_progress", rationale="Reopen"), 409, "invalid_transition")


def test_the_board_may_close_without_a_product_when_it_records_a_rationale(client, staff, rec):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    rationale = "Force-wide DASH training already covers this; recorded at the March board"
    response = move(client, staff["board"], rec["id"], "closed", closure_code="implemented", rationale=rationale)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "closed" and body["products"] == []
    assert body["decisions"][0]["rationale"] == rationale


def test_not_implemented_needs_the_boards_rationale(client, staff, rec):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    error = error_of(move(client, staff["board"], rec["id"], "closed", closure_code="not_implemented"), 422,
                     "validation_error")
    assert set(error["fields"]) == {"rationale"}
    response = move(client, staff["board"], rec["id"], "closed", closure_code="not_implemented",
                    rationale="The board accepts the risk: the system is being replaced")
    assert response.status_code == 200
    assert response.get_json()["closure_code"] == "not_implemented"


@pytest.mark.parametrize("code", [None, "", "done"])
def test_closing_needs_a_known_closure_code(client, staff, rec, code):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    body = {} if code is None else {"closure_code": code}
    error = error_of(move(client, staff["board"], rec["id"], "closed", **body), 422, "validation_error")
    assert "closure_code" in error["fields"]


def test_the_board_rejects_a_closure_and_the_due_clock_runs_again(client, staff, rec):
    awaiting = to_awaiting_closure(client, staff["owner"], rec["id"])
    assert clock(awaiting, "recommendation_due")["state"] == "met"
    error = error_of(move(client, staff["board"], rec["id"], "in_progress"), 422, "validation_error")
    assert set(error["fields"]) == {"rationale"}
    response = move(client, staff["board"], rec["id"], "in_progress",
                    rationale="No evidence that supervisors were trained")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "in_progress"
    due = clock(body, "recommendation_due")
    assert due["state"] == "pending" and due["met_at"] is None and due["due_date"] == rec["due_date"]
    assert [(d["decision"], d["rationale"], d["decided_by"]) for d in body["decisions"]] == [
        ("reject_closure", "No evidence that supervisors were trained", "bea@police.uk")]
    # The owner can ask again.
    again = move(client, staff["owner"], rec["id"], "awaiting_closure", note="Training records attached")
    assert again.status_code == 200 and clock(again.get_json(), "recommendation_due")["state"] == "met"


def test_the_owner_adds_progress_and_evidence_but_not_to_someone_elses(client, staff, rec):
    path = f"/api/v1/recommendations/{rec['id']}/updates"
    response = client.post(path, json={"kind": "evidence", "text": "Training register attached"},
                           headers=staff["owner"])
    assert response.status_code == 201
    assert response.get_json()["updates"][-1] == {**response.get_json()["updates"][-1], "kind": "evidence",
                                                  "text": "Training register attached", "author": "olu@police.uk"}
    error_of(client.post(path, json={"kind": "progress", "text": "x"}, headers=staff["reading_owner"]), 403,
             "forbidden")
    error_of(client.post(path, json={"kind": "gossip", "text": "x"}, headers=staff["owner"]), 422,
             "validation_error")


def test_every_step_of_the_chain_is_in_the_history_with_who_did_it(client, staff, debrief, rec):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    delivered_product(client, staff["learning"], rec["id"], "briefing")
    assert move(client, staff["board"], rec["id"], "closed", closure_code="implemented").status_code == 200
    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["analyst"]).get_json()["items"]
    ours = [e for e in history if e["entity"] == "recommendation" and e["entity_id"] == rec["id"]]
    assert [(e["action"], e["actor"]) for e in ours] == [
        ("recommendation_added", "riya@police.uk"),
        ("status_changed", "olu@police.uk"),
        ("status_changed", "olu@police.uk"),
        ("status_changed", "bea@police.uk"),
    ]
    assert ours[0]["changes"]["reference"] == rec["reference"]
    assert ours[0]["changes"]["owner"] == "olu@police.uk"
    assert [e["changes"]["status"] for e in ours[1:]] == [
        {"from": "open", "to": "in_progress"}, {"from": "in_progress", "to": "awaiting_closure"},
        {"from": "awaiting_closure", "to": "closed"}]
    assert ours[3]["changes"]["closure_code"] == {"from": None, "to": "implemented"}
    products = [(e["action"], e["actor"]) for e in history if e["entity"] == "learning_product"]
    assert products == [("product_added", "lee@police.uk"), ("product_updated", "lee@police.uk")]
    met = [(e["changes"]["clock"], e["actor"]) for e in history if e["action"] == "clock_met"]
    assert met == [("Owner's response", "olu@police.uk"), ("Recommendation due", "olu@police.uk")]


# --- regressions: defects found while writing these tests (fixed in 1888ef5) -----------------------


def test_every_change_adds_exactly_one_version_and_the_history_records_both(client, staff, debrief, rec):
    """A move used to autoflush before it was saved: two versions per move, the history's 'from' unseen."""
    seen = [rec["version"]]
    steps = [
        lambda: move(client, staff["owner"], rec["id"], "in_progress", note="Plan"),
        lambda: client.post(f"/api/v1/recommendations/{rec['id']}/updates", headers=staff["owner"],
                            json={"kind": "progress", "text": "Half the supervisors trained"}),
        lambda: client.post(f"/api/v1/recommendations/{rec['id']}/decisions", headers=staff["board"],
                            json={"decision": "escalate", "rationale": "Slow progress",
                                  "escalate_to": EMAIL["analyst"]}),
        lambda: patch(client, staff["reviewer"], rec["id"], version=seen[-1], priority="high"),
        lambda: move(client, staff["owner"], rec["id"], "awaiting_closure", note="Done"),
        lambda: move(client, staff["board"], rec["id"], "in_progress", rationale="No evidence"),
    ]
    for step in steps:
        response = step()
        assert response.status_code in (200, 201), response.get_json()
        seen.append(response.get_json()["version"])
    assert seen == list(range(rec["version"], rec["version"] + len(steps) + 1))
    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["reviewer"]).get_json()["items"]
    versions = [e["changes"]["version"] for e in history
                if e["entity"] == "recommendation" and "version" in e["changes"]]
    assert versions == [{"from": a, "to": b} for a, b in zip(seen, seen[1:])]


@pytest.mark.parametrize("to, extra", [("closed", {"closure_code": "no_longer_applicable"}),
                                       ("in_progress", {"rationale": "No evidence yet"})])
def test_a_note_the_board_sends_with_its_decision_is_kept(client, staff, debrief, rec, to, extra):
    """The board's note on closing or rejecting a closure used to be accepted and dropped."""
    to_awaiting_closure(client, staff["owner"], rec["id"])
    note = "Discussed at the March governance board, item 7"
    response = move(client, staff["board"], rec["id"], to, note=note, **extra)
    assert response.status_code == 200
    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["reviewer"]).get_json()["items"]
    event = [e for e in history if e["action"] == "status_changed"][-1]
    assert event["changes"]["status"] == {"from": "awaiting_closure", "to": to}
    assert event["actor"] == "bea@police.uk"
    assert note in json.dumps(event["changes"])


def test_a_closed_recommendation_cannot_be_edited_or_reassigned(client, staff, rec, mailbox):
    """A closed recommendation used to be editable, and its new owner was asked to respond in 14 days."""
    to_awaiting_closure(client, staff["owner"], rec["id"])
    closed = move(client, staff["board"], rec["id"], "closed", closure_code="no_longer_applicable").get_json()
    mailbox.clear()
    response = patch(client, staff["reviewer"], rec["id"], version=closed["version"],
                     owner_email=EMAIL["other_owner"], text="Rewritten after closure")
    error_of(response, 409, "invalid_transition")
    after = get(client, staff["board"], rec["id"]).get_json()
    assert after["text"] == closed["text"] and after["owner"]["email"] == "olu@police.uk"
    assert after["version"] == closed["version"]
    assert mailbox == []


@pytest.mark.parametrize("kind", ["evidence", "progress"])
def test_an_edit_made_stale_by_the_owners_update_names_it_not_the_status(client, staff, rec, kind):
    """The stale message used to say 'they changed its status' for anything that was not a field change."""
    added = client.post(f"/api/v1/recommendations/{rec['id']}/updates", headers=staff["owner"],
                        json={"kind": kind, "text": "Training register attached"})
    assert added.status_code == 201
    error = error_of(patch(client, staff["reviewer"], rec["id"], version=rec["version"], priority="high"), 409,
                     "stale")
    assert kind in error["message"] and "status" not in error["message"]
    assert get(client, staff["reviewer"], rec["id"]).get_json()["priority"] == "medium"


# --- who can be made an owner (issue 22) ----------------------------------------------------------


@pytest.mark.parametrize("who", ["analyst", "reviewer", "learning", "admin", "board"])
def test_only_staff_who_hold_the_owner_role_can_be_made_an_owner(client, staff, debrief, rec, read_db, who):
    """An analyst made an owner could then change the recommendation: refused on creating and on
    reassigning, and nothing is saved."""
    error = error_of(recommend(client, staff["reviewer"], debrief["id"], owner_email=EMAIL[who]), 422,
                     "validation_error")
    assert "owner role" in error["fields"]["owner_email"]
    error = error_of(patch(client, staff["reviewer"], rec["id"], version=rec["version"], owner_email=EMAIL[who]),
                     422, "validation_error")
    assert "owner role" in error["fields"]["owner_email"]
    owners = read_db(lambda s: s.scalars(sa.select(Recommendation.owner_id).distinct()).all())
    assert len(owners) == 1
    assert get(client, staff["reviewer"], rec["id"]).get_json()["owner"]["email"] == EMAIL["owner"]


def test_the_eligible_owners_are_the_active_staff_with_the_owner_role(app, client, staff):
    from debrief.extensions import db
    from debrief.services import accounts
    with app.app_context():
        leaving = accounts.find_by_email(EMAIL["other_owner"])
        accounts.deactivate(leaving, actor=None)
        db.session.commit()
        assert [u.email for u in accounts.eligible_owners()] == [EMAIL["owner"], EMAIL["reading_owner"]]
