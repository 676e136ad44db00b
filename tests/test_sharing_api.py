"""Sharing with the national library, at a force (issue 25; api.md "Learning across forces"): the
anonymiser any member of staff may ask, and drafts — made by a reviewer, anonymised at once and again
on every edit, approved by the board."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from debrief.models import LibrarySend
from tests.builders import (
    add_product, delivered_product, error_of, make_staff, move, open_debrief, recommended, to_awaiting_closure,
)

LESSON = ("On 14/03/2025 Morwenna Tregarthen (DOB 09.10.1983) rang from 07700 900318 to say that her "
          "ex-partner, Callum FINCH, was outside 58 Larkspur Way, Truro TR1 3XJ. The call handler graded "
          "log 42/2211/25 as routine and did not check the Niche record; the IDVA at Cornwall Council was "
          "not told under the Domestic Abuse Act 2021.")
PERSONAL = ("Morwenna Tregarthen", "09.10.1983", "07700 900318", "Callum FINCH", "58 Larkspur Way", "TR1 3XJ",
            "42/2211/25")
KEPT = ("14/03/2025", "ex-partner", "Truro", "call handler", "Cornwall Council", "Domestic Abuse Act 2021",
        "the IDVA", "Niche")


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def test_a_lesson_full_of_personal_data_comes_back_clean(client, staff):
    response = client.post("/api/v1/anonymise", json={"text": LESSON}, headers=staff["owner"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    for value in PERSONAL:
        assert value not in body["text"]
    for value in KEPT:
        assert value in body["text"]
    assert "[person]" in body["text"] and "[postcode]" in body["text"]
    found = {LESSON[r["start"]:r["end"]]: r["kind"] for r in body["redactions"]}
    assert found["Morwenna Tregarthen"] == "person"
    assert found["Callum FINCH"] == "person"
    assert found["TR1 3XJ"] == "postcode"
    assert found["07700 900318"] == "phone"
    assert "date_of_birth" in found.values()


def test_offsets_are_into_the_text_as_sent(client, staff):
    text = "  \n Riya Patel-Hughes rang twice.  "
    body = client.post("/api/v1/anonymise", json={"text": text}, headers=staff["analyst"]).get_json()
    assert [(text[r["start"]:r["end"]], r["kind"]) for r in body["redactions"]] == [("Riya Patel-Hughes", "person")]


def test_nothing_personal_comes_back_as_it_was(client, staff):
    text = "The victim's GP in Swansea was not told about the 3 earlier calls in May 2024."
    body = client.post("/api/v1/anonymise", json={"text": text}, headers=staff["learning"]).get_json()
    assert body == {"text": text, "redactions": []}


@pytest.mark.parametrize("body, field", [
    ({}, "text"), ({"text": ""}, "text"), ({"text": "   "}, "text"), ({"text": 7}, "text"),
    ({"text": "x" * 20_001}, "text"), ({"text": "bad \x00 byte"}, "text"), ({"text": "ok", "extra": 1}, "extra"),
])
def test_bad_input_is_a_422_naming_the_field(client, staff, body, field):
    error = error_of(client.post("/api/v1/anonymise", json=body, headers=staff["reviewer"]), 422, "validation_error")
    assert field in error["fields"]


def test_a_body_that_is_not_json_is_a_400(client, staff):
    response = client.post("/api/v1/anonymise", data="text", headers={**staff["reviewer"], "Content-Type": "text/plain"})
    error_of(response, 400, "bad_request")


def test_nobody_without_a_token_may_anonymise(client):
    error_of(client.post("/api/v1/anonymise", json={"text": "Ann Smith"}), 401, "unauthorized")


# Drafts ------------------------------------------------------------------------------------------------------


@pytest.fixture
def debrief(client, staff):
    return open_debrief(client, staff["reviewer"], themes=["domestic_abuse", "vulnerability"])


@pytest.fixture
def lesson(client, staff, debrief):
    response = client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff["reviewer"],
                           json={"text": LESSON, "category": "information_sharing"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def draft_of(client, headers, **body):
    return client.post("/api/v1/library/drafts", json=body, headers=headers)


def test_a_reviewer_turns_a_lesson_full_of_personal_data_into_a_clean_draft(client, staff, debrief, lesson):
    response = draft_of(client, staff["reviewer"], lesson_id=lesson["id"])
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert draft["status"] == "draft" and draft["kind"] == "lesson"
    assert draft["incident_type"] == "murder"
    assert set(draft["themes"]) == {"domestic_abuse", "vulnerability"}
    for value in PERSONAL:
        assert value not in draft["text"]
    for value in KEPT:
        assert value in draft["text"]
    # Each redaction is where a placeholder now stands in the draft's text.
    shown = [draft["text"][r["start"]:r["end"]] for r in draft["redactions"]]
    assert shown[0] == "[person]" and "[postcode]" in shown and "[phone number]" in shown
    assert {r["kind"] for r in draft["redactions"]} >= {"person", "postcode", "phone", "date_of_birth"}


def test_an_edit_is_anonymised_again(client, staff, lesson):
    draft = draft_of(client, staff["reviewer"], lesson_id=lesson["id"]).get_json()
    text = draft["text"] + " Her brother Tomasz Wiśniewski (07811 222333) was not spoken to."
    response = client.patch(f"/api/v1/library/drafts/{draft['id']}", json={"text": text}, headers=staff["reviewer"])
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert "Wiśniewski" not in edited["text"] and "07811 222333" not in edited["text"]
    assert "Her brother [person]" in edited["text"] and edited["text"].endswith("was not spoken to.")
    assert len(edited["redactions"]) == len(draft["redactions"]) + 2


def test_a_recommendation_draft_carries_its_outcome(client, staff, debrief):
    rec = recommended(client, staff["reviewer"], debrief["id"],
                      text="DC Okafor to brief call handlers on checking earlier calls from 12 Mill Lane.")
    delivered_product(client, staff["learning"], rec["id"], "classroom_training")
    delivered_product(client, staff["learning"], rec["id"], "briefing", title="Lessons from the death of Marta KOWALSKI")
    add_product(client, staff["learning"], rec["id"], kind="e_learning", title="Not delivered yet")
    to_awaiting_closure(client, staff["owner"], rec["id"])
    assert move(client, staff["board"], rec["id"], "closed", closure_code="implemented").status_code == 200
    draft = draft_of(client, staff["reviewer"], recommendation_id=rec["id"]).get_json()
    assert draft["kind"] == "recommendation"
    assert "Okafor" not in draft["text"] and "12 Mill Lane" not in draft["text"]
    assert draft["recommendation_status"] == "closed" and draft["closure_code"] == "implemented"
    # Only what delivered it, and a product's title anonymised as the text is.
    assert draft["products"] == [{"kind": "classroom_training", "title": "DASH supervision briefing"},
                                 {"kind": "briefing", "title": "Lessons from the death of [person]"}]


def test_an_owner_is_refused_a_draft(client, staff, lesson):
    error_of(draft_of(client, staff["owner"], lesson_id=lesson["id"]), 403, "forbidden")
    error_of(draft_of(client, staff["board"], lesson_id=lesson["id"]), 403, "forbidden")


def test_an_analyst_is_refused_approval(client, staff, lesson):
    draft = draft_of(client, staff["reviewer"], lesson_id=lesson["id"]).get_json()
    error_of(client.post(f"/api/v1/library/drafts/{draft['id']}/approve", headers=staff["analyst"]), 403, "forbidden")
    error_of(client.post(f"/api/v1/library/drafts/{draft['id']}/approve", headers=staff["reviewer"]), 403, "forbidden")
    error_of(client.post(f"/api/v1/library/drafts/{draft['id']}/withdraw", headers=staff["analyst"]), 403, "forbidden")


def test_without_a_library_an_approval_is_queued_and_nothing_is_lost(client, staff, lesson, read_db):
    draft = draft_of(client, staff["reviewer"], lesson_id=lesson["id"]).get_json()
    response = client.post(f"/api/v1/library/drafts/{draft['id']}/approve", headers=staff["board"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "queued"
    assert read_db(lambda s: s.scalar(sa.select(LibrarySend.status).where(LibrarySend.draft_id == draft["id"]))) == "pending"
    # Approved: no longer editable, not approvable twice.
    error_of(client.patch(f"/api/v1/library/drafts/{draft['id']}", json={"text": "x"}, headers=staff["reviewer"]),
             409, "invalid_transition")
    error_of(client.post(f"/api/v1/library/drafts/{draft['id']}/approve", headers=staff["board"]), 409, "invalid_transition")
    # Withdrawn before it ever left: it never will.
    withdrawn = client.post(f"/api/v1/library/drafts/{draft['id']}/withdraw", headers=staff["board"]).get_json()
    assert withdrawn["status"] == "withdrawn"
    assert read_db(lambda s: s.scalars(sa.select(LibrarySend.status).where(LibrarySend.draft_id == draft["id"])).all()) == ["cancelled"]


def test_a_draft_never_approved_cannot_be_withdrawn(client, staff, lesson):
    draft = draft_of(client, staff["reviewer"], lesson_id=lesson["id"]).get_json()
    refused = error_of(client.post(f"/api/v1/library/drafts/{draft['id']}/withdraw", headers=staff["board"]), 409,
                       "invalid_transition")
    assert refused["message"] == "Only what was approved can be withdrawn: this one is draft."


@pytest.mark.parametrize("body, field", [
    ({}, "lesson_id"), ({"lesson_id": 1, "recommendation_id": 1}, "lesson_id"), ({"lesson_id": "1"}, "lesson_id"),
    ({"lesson_id": 999999}, "lesson_id"), ({"recommendation_id": 999999}, "recommendation_id"),
    ({"lesson_id": True}, "lesson_id"), ({"lesson_id": 1, "text": "x"}, "text"),
])
def test_a_draft_of_nothing_real_is_a_422(client, staff, body, field):
    error = error_of(draft_of(client, staff["reviewer"], **body), 422, "validation_error")
    assert field in error["fields"]


def test_an_imported_recommendation_is_not_this_forces_to_share(client, staff):
    imported = client.post("/api/v1/recommendations/import", headers=staff["reviewer"], json={"items": [{
        "text": "Speak to the children on their own.", "source": "iopc", "source_reference": "IOPC-1",
        "issued_on": "2024-03-31"}]}).get_json()
    error = error_of(draft_of(client, staff["reviewer"], recommendation_id=imported["imported"][0]["id"]),
                     422, "validation_error")
    assert "recommendation_id" in error["fields"]


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": 5}, {"text": "x" * 5001}, {"text": "ok", "kind": "x"}])
def test_a_bad_edit_is_a_422(client, staff, lesson, body):
    draft = draft_of(client, staff["reviewer"], lesson_id=lesson["id"]).get_json()
    error_of(client.patch(f"/api/v1/library/drafts/{draft['id']}", json=body, headers=staff["reviewer"]),
             422, "validation_error")


def test_an_unknown_draft_is_a_404(client, staff):
    error_of(client.patch("/api/v1/library/drafts/424242", json={"text": "x"}, headers=staff["reviewer"]), 404, "not_found")
    error_of(client.post("/api/v1/library/drafts/424242/approve", headers=staff["board"]), 404, "not_found")


# The force's drafts, listed -------------------------------------------------------------------------------------

DRAFTS = "/api/v1/library/drafts"


def test_reviewers_and_the_board_list_the_drafts_as_they_were_answered(client, staff, debrief, lesson):
    made = [draft_of(client, staff["reviewer"], lesson_id=lesson["id"]).get_json() for _ in range(3)]
    approved = client.post(f"{DRAFTS}/{made[0]['id']}/approve", headers=staff["board"]).get_json()
    assert approved["status"] == "queued"  # no library here

    for who in ("reviewer", "board"):
        listed = client.get(DRAFTS, headers=staff[who])
        assert listed.status_code == 200, listed.get_json()
        body = listed.get_json()
        assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 25
        # Newest first, each as POST answered it, with its status and library_id as they are now.
        assert body["items"] == [made[2], made[1], approved]
        assert all({"status", "library_id", "id", "text", "redactions", "kind", "themes", "incident_type"} <= set(item)
                   for item in body["items"])

    queued = client.get(DRAFTS, query_string={"status": "queued"}, headers=staff["board"]).get_json()
    assert [item["id"] for item in queued["items"]] == [made[0]["id"]] and queued["total"] == 1
    assert client.get(DRAFTS, query_string={"status": "published"}, headers=staff["board"]).get_json()["total"] == 0
    second = client.get(DRAFTS, query_string={"status": "draft", "per_page": 1, "page": 2},
                        headers=staff["reviewer"]).get_json()
    assert [item["id"] for item in second["items"]] == [made[1]["id"]] and second["total"] == 2
    assert client.get(DRAFTS, query_string={"page": 9}, headers=staff["reviewer"]).get_json()["items"] == []


@pytest.mark.parametrize("query, field", [
    ({"status": "shared"}, "status"), ({"status": "DRAFT"}, "status"), ({"page": "0"}, "page"),
    ({"page": "two"}, "page"), ({"per_page": "201"}, "per_page"), ({"per_page": "²"}, "per_page"),
    ({"page": "9" * 400}, "page"),
])
def test_a_bad_filter_on_the_drafts_is_a_422(client, staff, query, field):
    error = error_of(client.get(DRAFTS, query_string=query, headers=staff["reviewer"]), 422, "validation_error")
    assert field in error["fields"]


def test_the_drafts_are_listed_to_those_who_may_open_their_pages(client, staff):
    for who in ("analyst", "admin"):
        assert client.get(DRAFTS, headers=staff[who]).status_code == 200
    for who in ("owner", "learning"):
        error_of(client.get(DRAFTS, headers=staff[who]), 403, "forbidden")
    error_of(client.get(DRAFTS), 401, "unauthorized")
