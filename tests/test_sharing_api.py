"""Sharing with the national library, at a force (issue 25; api.md "Learning across forces"): the
anonymiser any member of staff may ask, and drafts — made by a reviewer, anonymised at once and again
on every edit, approved by the board."""
from __future__ import annotations

import pytest

from tests.builders import error_of, make_staff

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
