"""Other forces' shared recommendations in the repeat panel (issue 25): when the recommendations like
the one being written include other forces', the panel says how many forces made it and what worked:
"Made by 3 other forces; 2 closed it as implemented with classroom training."."""
from __future__ import annotations

import pytest

from debrief.extensions import db
from debrief.models import OtherForceRecommendation, Recommendation
from debrief.services import library_pull, similarity
from tests.builders import EARLIER, PARAPHRASE, REVIEWER
from tests.conftest import csrf_token_from

TRAINING = [{"kind": "classroom_training", "title": "Voice of the child"}]


def shared(app, force: str, library_id: int, *, text: str = EARLIER, closure: str | None = None,
           products: list | None = None) -> int:
    """Another force's recommendation, as a pull stores it, with its vectors."""
    with app.app_context():
        record = Recommendation(text=text, source="other_force", source_reference=f"library-{library_id}",
                                status="closed" if closure else "open", closure_code=closure)
        db.session.add(OtherForceRecommendation(library_id=library_id, force=force, products=products or [],
                                                recommendation=record))
        db.session.flush()
        similarity.remember([record])
        db.session.commit()
        return record.id


@pytest.fixture
def three_forces(app, background_recommendations):
    return [shared(app, "Gwent Police", 1, closure="implemented", products=TRAINING),
            shared(app, "Kent Police", 2, closure="implemented", products=TRAINING + [
                {"kind": "briefing", "title": "Shift briefing"}]),
            shared(app, "Cumbria Constabulary", 3)]


def test_the_panel_counts_forces_and_says_what_worked(app, three_forces):
    with app.test_request_context():
        assert library_pull.what_other_forces_did(three_forces) == (
            "Made by 3 other forces; 2 closed it as implemented with classroom training.")
        assert library_pull.what_other_forces_did(three_forces[2:]) == "Made by 1 other force."
        assert library_pull.what_other_forces_did(three_forces[:1]) == (
            "Made by 1 other force; 1 closed it as implemented with classroom training.")
        assert library_pull.what_other_forces_did([]) is None


def test_the_same_force_twice_counts_once(app, background_recommendations):
    ids = [shared(app, "Gwent Police", 1, closure="implemented"),
           shared(app, "Gwent Police", 2, text=EARLIER + " Record it on the child's file.")]
    with app.test_request_context():
        assert library_pull.what_other_forces_did(ids) == "Made by 1 other force; 1 closed it as implemented."


def test_the_live_repeat_check_says_what_other_forces_did(app, make_user, browser_of, three_forces):
    make_user(REVIEWER, "reviewer")
    browser = browser_of(REVIEWER)
    token = csrf_token_from(browser.get("/").get_data(as_text=True))
    answer = browser.post("/recommendations/similar", json={"text": PARAPHRASE}, headers={"X-CSRFToken": token}).get_json()
    assert answer["other_forces"] == "Made by 3 other forces; 2 closed it as implemented with classroom training."
    assert {m["force"] for m in answer["matches"] if m["id"] in three_forces} == {
        "Gwent Police", "Kent Police", "Cumbria Constabulary"}
    unrelated = browser.post("/recommendations/similar", json={"text": "Renew the fleet maintenance contract."},
                             headers={"X-CSRFToken": token}).get_json()
    assert not any(m["id"] in three_forces for m in unrelated["matches"]) or unrelated["other_forces"]


def test_the_recommendation_page_says_what_other_forces_did_beside_its_possible_repeats(
        app, client, make_user, api_token, browser_of, background_recommendations):
    from tests.builders import make_staff, open_debrief, recommended

    gwent = shared(app, "Gwent Police", 1, closure="implemented", products=TRAINING)
    staff = make_staff(make_user, api_token)
    debrief = open_debrief(client, staff["reviewer"])
    later = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    assert [m["id"] for m in later["possible_repeats"]] == [gwent]
    page = browser_of(REVIEWER).get(f"/recommendations/{later['id']}").get_data(as_text=True)
    assert "Made by 1 other force; 1 closed it as implemented with classroom training." in page
