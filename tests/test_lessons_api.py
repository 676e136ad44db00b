"""Lessons through the JSON API (api.md "Lessons and recommendations"; issue 5): what a debrief learned,
from the police's own review or taken in one step from a partner agency's contribution."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Lesson
from tests.builders import error_of, make_staff, open_debrief
from tests.conftest import csrf_token_from

PARTNER_LEARNING = "GP records showed two A&E visits with unexplained injuries; no referral was made"


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def debrief(client, staff):
    return open_debrief(client, staff["reviewer"])


def add_lesson(client, headers, debrief_id: int, **body):
    payload = {"text": "DASH risk assessments were not reviewed by a supervisor", "category": "supervision",
               **body}
    return client.post(f"/api/v1/debriefs/{debrief_id}/lessons", json=payload, headers=headers)


def lessons_in_db(read_db) -> int:
    return read_db(lambda s: s.scalar(sa.select(sa.func.count(Lesson.id))))


@pytest.fixture
def nhs(app):
    with app.app_context():
        db.session.add(Agency(name="Mid and South Essex NHS", kind="health"))
        db.session.commit()


def partner_contribution(app, client, reviewer, debrief_id: int, learning: str) -> dict:
    """The reviewer invites the NHS; the contact answers on their page (with the page's CSRF token)."""
    created = client.post(f"/api/v1/debriefs/{debrief_id}/invitations", headers=reviewer,
                          json={"agency": "Mid and South Essex NHS", "email": "dr.jones@nhs.net"})
    assert created.status_code == 201, created.get_json()
    path = urlsplit(created.get_json()["url"]).path
    partner = app.test_client()
    token = csrf_token_from(partner.get(path).get_data(as_text=True))
    answer = partner.post(path, data={"csrf_token": token, "attending": "yes", "prior_contact": "yes",
                                      "contact_summary": "Seen in A&E twice", "learning": learning})
    assert answer.status_code == 200
    assert "Contribution sent" in answer.get_data(as_text=True)
    items = client.get(f"/api/v1/debriefs/{debrief_id}/contributions", headers=reviewer).get_json()["items"]
    return items[-1]


def test_a_reviewer_records_a_lesson_from_the_police_review(client, staff, debrief):
    response = add_lesson(client, staff["reviewer"], debrief["id"],
                          themes=["vulnerability", "domestic_abuse", "vulnerability"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert body["debrief_id"] == debrief["id"]
    assert body["text"] == "DASH risk assessments were not reviewed by a supervisor"
    assert body["category"] == "supervision"
    assert body["themes"] == ["domestic_abuse", "vulnerability"]  # each once
    assert body["source"] == "police" and body["contribution_id"] is None
    assert body["created_at"]


def test_themes_are_optional(client, staff, debrief):
    body = add_lesson(client, staff["reviewer"], debrief["id"], category="notable_practice",
                      text="  Call handler kept the caller on the line  ").get_json()
    assert body["themes"] == [] and body["category"] == "notable_practice"
    assert body["text"] == "Call handler kept the caller on the line"


@pytest.mark.parametrize("who", ["owner", "learning", "board", "analyst", "admin"])
def test_only_a_reviewer_records_lessons(client, staff, debrief, read_db, who):
    error_of(add_lesson(client, staff[who], debrief["id"]), 403, "forbidden")
    assert lessons_in_db(read_db) == 0


@pytest.mark.parametrize("body, field", [
    ({"category": None}, "category"),
    ({"category": "luck"}, "category"),
    ({"category": 3}, "category"),
    ({"themes": ["knife_crime"]}, "themes"),
    ({"themes": ["drugs", "gangs"]}, "themes"),
    ({"themes": "drugs"}, "themes"),
    ({"themes": [1]}, "themes"),
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": None}, "text"),
    ({"text": ["a list"]}, "text"),
    ({"source": "partner"}, "source"),
])
def test_a_bad_lesson_is_a_422_naming_the_field_and_nothing_is_saved(client, staff, debrief, read_db, body, field):
    error = error_of(add_lesson(client, staff["reviewer"], debrief["id"], **body), 422, "validation_error")
    assert set(error["fields"]) == {field}
    assert lessons_in_db(read_db) == 0


def test_every_wrong_field_is_named_at_once(client, staff, debrief):
    response = client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff["reviewer"],
                           json={"text": " ", "category": "luck", "themes": ["gangs"]})
    assert set(error_of(response, 422, "validation_error")["fields"]) == {"text", "category", "themes"}


def test_a_lesson_needs_a_json_body_a_token_and_a_real_debrief(client, staff, debrief):
    path = f"/api/v1/debriefs/{debrief['id']}/lessons"
    assert client.post(path, json={"text": "x", "category": "policy"}).status_code == 401
    error_of(client.post(path, data="text=x", headers=staff["reviewer"]), 400, "bad_request")
    error_of(add_lesson(client, staff["reviewer"], 999999), 404, "not_found")


def test_a_reviewer_turns_a_partners_learning_into_a_lesson_in_one_step(app, client, staff, debrief, nhs, mailbox):
    contribution = partner_contribution(app, client, staff["reviewer"], debrief["id"], PARTNER_LEARNING)
    assert contribution["learning"] == PARTNER_LEARNING
    response = add_lesson(client, staff["reviewer"], debrief["id"], text=None, category="information_sharing",
                          themes=["domestic_abuse"], contribution_id=contribution["id"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["source"] == "partner"
    assert body["contribution_id"] == contribution["id"]
    assert body["text"] == PARTNER_LEARNING  # defaulted to what the partner wrote
    assert body["category"] == "information_sharing" and body["themes"] == ["domestic_abuse"]
    listed = client.get(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff["reviewer"]).get_json()
    assert [(item["id"], item["source"], item["contribution_id"]) for item in listed["items"]] == [
        (body["id"], "partner", contribution["id"])]

    again = add_lesson(client, staff["reviewer"], debrief["id"], text=None, category="information_sharing",
                       contribution_id=contribution["id"])  # a double submit, or a second reviewer
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate"


def test_the_reviewer_may_reword_a_partners_learning_and_keep_the_link(app, client, staff, debrief, nhs, mailbox):
    contribution = partner_contribution(app, client, staff["reviewer"], debrief["id"], PARTNER_LEARNING)
    body = add_lesson(client, staff["reviewer"], debrief["id"], text="Health did not refer injuries seen in A&E",
                      category="partnership", contribution_id=contribution["id"]).get_json()
    assert body["text"] == "Health did not refer injuries seen in A&E"
    assert (body["source"], body["contribution_id"]) == ("partner", contribution["id"])


def test_a_contribution_to_another_debrief_cannot_become_a_lesson_here(app, client, staff, debrief, nhs, read_db,
                                                                       mailbox):
    other = open_debrief(client, staff["reviewer"], crime_reference="42/77003/26")
    theirs = partner_contribution(app, client, staff["reviewer"], other["id"], PARTNER_LEARNING)
    for contribution_id in (theirs["id"], 999999):
        response = add_lesson(client, staff["reviewer"], debrief["id"], text=None, category="partnership",
                              contribution_id=contribution_id)
        assert set(error_of(response, 422, "validation_error")["fields"]) >= {"contribution_id"}
    error = error_of(add_lesson(client, staff["reviewer"], debrief["id"], contribution_id="1"), 422,
                     "validation_error")
    assert "contribution_id" in error["fields"]
    assert lessons_in_db(read_db) == 0
    # On its own debrief the same contribution is accepted.
    assert add_lesson(client, staff["reviewer"], other["id"], text=None, category="partnership",
                      contribution_id=theirs["id"]).status_code == 201


def test_a_partner_who_wrote_no_learning_leaves_the_reviewer_to_write_it(app, client, staff, debrief, nhs, mailbox):
    contribution = partner_contribution(app, client, staff["reviewer"], debrief["id"], "")
    error = error_of(add_lesson(client, staff["reviewer"], debrief["id"], text=None, category="partnership",
                                contribution_id=contribution["id"]), 422, "validation_error")
    assert set(error["fields"]) == {"text"}


def test_lessons_are_listed_oldest_first_and_page(client, staff, debrief):
    other = open_debrief(client, staff["reviewer"], crime_reference="42/77004/26")
    ids = [add_lesson(client, staff["reviewer"], debrief["id"], text=f"Lesson {n}").get_json()["id"] for n in range(3)]
    add_lesson(client, staff["reviewer"], other["id"], text="Someone else's lesson")
    path = f"/api/v1/debriefs/{debrief['id']}/lessons"
    body = client.get(path, headers=staff["reviewer"]).get_json()
    assert [item["id"] for item in body["items"]] == ids
    assert [item["text"] for item in body["items"]] == ["Lesson 0", "Lesson 1", "Lesson 2"]
    assert (body["total"], body["page"]) == (3, 1)
    second = client.get(f"{path}?per_page=2&page=2", headers=staff["reviewer"]).get_json()
    assert [item["id"] for item in second["items"]] == ids[2:] and second["total"] == 3
    error_of(client.get(f"{path}?per_page=500", headers=staff["reviewer"]), 422, "validation_error")
    error_of(client.get("/api/v1/debriefs/999999/lessons", headers=staff["reviewer"]), 404, "not_found")


@pytest.mark.parametrize("who, status", [("reviewer", 200), ("board", 200), ("analyst", 200), ("admin", 200),
                                         ("owner", 403)])
def test_who_can_read_a_debriefs_lessons(client, staff, debrief, who, status):
    add_lesson(client, staff["reviewer"], debrief["id"])
    response = client.get(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff[who])
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["total"] == 1


def test_a_lesson_is_in_the_debriefs_history_with_who_recorded_it(app, client, staff, debrief, nhs, mailbox):
    contribution = partner_contribution(app, client, staff["reviewer"], debrief["id"], PARTNER_LEARNING)
    lesson = add_lesson(client, staff["reviewer"], debrief["id"], text=None, category="partnership",
                        contribution_id=contribution["id"]).get_json()
    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["reviewer"]).get_json()["items"]
    added = [e for e in history if e["action"] == "lesson_added"]
    assert len(added) == 1
    assert (added[0]["actor"], added[0]["entity"], added[0]["entity_id"]) == ("riya@police.uk", "lesson", lesson["id"])
    assert added[0]["changes"]["from_contribution"] == contribution["id"]
    assert added[0]["changes"]["text"] == PARTNER_LEARNING
