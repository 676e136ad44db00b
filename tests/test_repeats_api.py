"""Repeat recommendations through the API (api.md: `/recommendations/check`, `/repeat`; issue 6):
the check, flagging on creation, a reviewer's confirmation or dismissal, links both ways, and the
board's "learning did not stick"."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from debrief.models import Recommendation, RepeatLink
from tests.builders import (
    EARLIER, PARAPHRASE, UNRELATED, delivered_product, get, make_staff, move, open_debrief, recommended,
    to_awaiting_closure,
)

ENCOMPASS = ("Police should notify the child's school through Operation Encompass before the start of the next school "
             "day after a domestic abuse incident.")
STRATEGY = ("Police should be invited to, and take part in, every strategy discussion where a child may have suffered "
            "significant harm, not just those involving a criminal offence.")
# The same topic, and much of the same words, but a different action: not a repeat.
SAME_TOPIC = "Extend Operation Encompass notifications to nurseries and early years settings."


@pytest.fixture
def staff(make_user, api_token, background_recommendations):
    return make_staff(make_user, api_token)


def check(client, headers, text, **body):
    return client.post("/api/v1/recommendations/check", json={"text": text, **body}, headers=headers)


def test_check_on_an_empty_corpus_finds_nothing(client, make_user, api_token):
    make_user("ana@police.uk", "analyst")
    response = check(client, api_token("ana@police.uk"), PARAPHRASE)
    assert response.status_code == 200
    assert response.get_json() == {"matches": []}


def test_check_finds_a_paraphrase_and_flags_it(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    matches = check(client, staff["owner"], PARAPHRASE).get_json()["matches"]
    assert matches[0]["id"] == earlier["id"]
    assert matches[0]["reference"] == earlier["reference"]
    assert matches[0]["is_repeat"] is True
    assert 0 <= matches[-1]["score"] <= matches[0]["score"] <= 1
    assert set(matches[0]) >= {"id", "reference", "text", "status", "score", "is_repeat"}
    assert not any(m["is_repeat"] for m in matches[1:])


def test_same_topic_different_action_is_not_flagged(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    for earlier in (EARLIER, ENCOMPASS, STRATEGY):
        recommended(client, staff["reviewer"], debrief["id"], text=earlier)
    matches = check(client, staff["analyst"], SAME_TOPIC).get_json()["matches"]
    assert matches[0]["text"] == ENCOMPASS            # the nearest is on its topic...
    assert not any(m["is_repeat"] for m in matches)    # ...but it is not a repeat


def test_check_excludes_the_recommendation_itself(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    matches = check(client, staff["analyst"], EARLIER, exclude_id=earlier["id"]).get_json()["matches"]
    assert earlier["id"] not in [m["id"] for m in matches]
    assert check(client, staff["analyst"], EARLIER).get_json()["matches"][0]["score"] > 0.9


@pytest.mark.parametrize("body, field", [
    ({}, "text"), ({"text": "   "}, "text"), ({"text": 7}, "text"), ({"text": "x", "exclude_id": "one"}, "exclude_id"),
    ({"text": "x" * 20_001}, "text")])
def test_check_refuses_bad_input(client, staff, body, field):
    response = client.post("/api/v1/recommendations/check", json=body, headers=staff["analyst"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_check_needs_a_token(client):
    assert client.post("/api/v1/recommendations/check", json={"text": "x"}).status_code == 401


@pytest.mark.parametrize("text", ["a", "ŵ ŷ — Dylai swyddogion siarad â'r plant 🙂", "word " * 3000])
def test_check_copes_with_short_long_and_non_english_text(client, staff, text):
    debrief = open_debrief(client, staff["reviewer"])
    recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    response = check(client, staff["analyst"], text)
    assert response.status_code == 200
    assert all(0 <= m["score"] <= 1 for m in response.get_json()["matches"])


def test_a_repeat_is_flagged_when_written_and_confirmed_both_ways(client, staff, read_db):
    debrief = open_debrief(client, staff["reviewer"])
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    assert earlier["possible_repeats"] == [] and earlier["repeat_of"] is None
    later = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    assert [p["id"] for p in later["possible_repeats"]] == [earlier["id"]]
    assert later["possible_repeats"][0]["score"] > 0.5

    response = client.post(f"/api/v1/recommendations/{later['id']}/repeat",
                           json={"of": earlier["id"], "decision": "confirm"}, headers=staff["reviewer"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["repeat_of"]["id"] == earlier["id"] and body["possible_repeats"] == []
    assert [r["id"] for r in get(client, staff["analyst"], earlier["id"]).get_json()["repeated_by"]] == [later["id"]]
    listed = client.get("/api/v1/recommendations?repeat=true", headers=staff["analyst"]).get_json()
    assert [item["id"] for item in listed["items"]] == [later["id"]]
    assert read_db(lambda session: session.execute(
        sa.select(RepeatLink.decision, RepeatLink.decided_by_id.is_not(None))).all()) == [("confirmed", True)]


def test_a_reviewer_dismisses_a_flag(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    later = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    response = client.post(f"/api/v1/recommendations/{later['id']}/repeat",
                           json={"of": earlier["id"], "decision": "dismiss"}, headers=staff["reviewer"])
    assert response.status_code == 200
    assert response.get_json()["possible_repeats"] == [] and response.get_json()["repeat_of"] is None
    assert client.get("/api/v1/recommendations?repeat=true", headers=staff["analyst"]).get_json()["total"] == 0


@pytest.mark.parametrize("who", ["owner", "board", "analyst", "learning", "admin"])
def test_only_a_reviewer_decides_a_repeat(client, staff, who):
    debrief = open_debrief(client, staff["reviewer"])
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    later = recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    response = client.post(f"/api/v1/recommendations/{later['id']}/repeat",
                           json={"of": earlier["id"], "decision": "confirm"}, headers=staff[who])
    assert response.status_code == 403


def test_repeat_decisions_refuse_bad_input(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    later = recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    url = f"/api/v1/recommendations/{later['id']}/repeat"
    for body, field in (({"of": earlier["id"], "decision": "maybe"}, "decision"), ({"decision": "confirm"}, "of"),
                        ({"of": later["id"], "decision": "confirm"}, "of"), ({"of": 999999, "decision": "confirm"}, "of"),
                        ({"of": "x", "decision": "confirm"}, "of")):
        response = client.post(url, json=body, headers=staff["reviewer"])
        assert response.status_code == 422, body
        assert field in response.get_json()["error"]["fields"]
    assert client.post("/api/v1/recommendations/999999/repeat", json={"of": earlier["id"], "decision": "confirm"},
                       headers=staff["reviewer"]).status_code == 404


def test_two_recommendations_cannot_repeat_each_other(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    a = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    b = recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    c = recommended(client, staff["reviewer"], debrief["id"], text=SAME_TOPIC)
    confirm = lambda rec, of: client.post(f"/api/v1/recommendations/{rec}/repeat",  # noqa: E731
                                          json={"of": of, "decision": "confirm"}, headers=staff["reviewer"])
    assert confirm(b["id"], a["id"]).status_code == 200
    assert confirm(a["id"], b["id"]).get_json()["error"]["code"] == "duplicate"
    assert confirm(b["id"], c["id"]).status_code == 409  # already a repeat of a: dismiss that first


def test_a_repeat_of_an_implemented_recommendation_goes_to_the_board(client, staff, read_db):
    debrief = open_debrief(client, staff["reviewer"])
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    to_awaiting_closure(client, staff["owner"], earlier["id"])
    delivered_product(client, staff["learning"], earlier["id"], "classroom_training")
    assert move(client, staff["board"], earlier["id"], "closed", closure_code="implemented").status_code == 200
    later = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    summary = client.get("/api/v1/board/summary", headers=staff["board"]).get_json()
    assert (summary["repeats"], summary["repeats_of_implemented"]) == (0, 0)
    client.post(f"/api/v1/recommendations/{later['id']}/repeat", json={"of": earlier["id"], "decision": "confirm"},
                headers=staff["reviewer"])
    summary = client.get("/api/v1/board/summary", headers=staff["board"]).get_json()
    assert (summary["repeats"], summary["repeats_of_implemented"]) == (1, 1)
    assert read_db(lambda session: session.get(Recommendation, earlier["id"]).closure_code) == "implemented"


def test_an_owner_is_shown_only_their_own_recommendations(client, staff):
    """The check reads the same record rule as the recommendation itself (permissions.py): an owner
    asking learns nothing of anyone else's recommendations, not their text, reference or status."""
    from tests.builders import EMAIL
    debrief = open_debrief(client, staff["reviewer"])
    someone_elses = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER,
                                owner_email=EMAIL["other_owner"])
    own = recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    response = check(client, staff["owner"], PARAPHRASE)
    assert response.status_code == 200
    matches = response.get_json()["matches"]
    assert [m["id"] for m in matches] == [own["id"]]
    assert EARLIER not in response.get_data(as_text=True)
    assert someone_elses["reference"] not in response.get_data(as_text=True)
    # Their own match is as anyone else would see it; those who read everything still see both.
    assert check(client, staff["other_owner"], PARAPHRASE).get_json()["matches"][0]["id"] == someone_elses["id"]
    assert check(client, staff["analyst"], PARAPHRASE).get_json()["matches"][0]["id"] == someone_elses["id"]


def test_an_owner_reading_their_own_recommendation_sees_nothing_of_the_others_it_repeats(client, staff):
    from tests.builders import EMAIL
    debrief = open_debrief(client, staff["reviewer"])
    someone_elses = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER,
                                owner_email=EMAIL["other_owner"])
    recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED, owner_email=EMAIL["other_owner"])
    own = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    assert [r["id"] for r in own["possible_repeats"]] == [someone_elses["id"]]  # the reviewer sees it
    response = get(client, staff["owner"], own["id"])
    assert response.status_code == 200
    assert response.get_json()["possible_repeats"] == []
    assert EARLIER not in response.get_data(as_text=True)
    assert someone_elses["reference"] not in response.get_data(as_text=True)
    assert get(client, staff["analyst"], own["id"]).get_json()["possible_repeats"][0]["id"] == someone_elses["id"]
