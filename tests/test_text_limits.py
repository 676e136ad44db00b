"""Every field people type has one length limit (validation.LIMITS): the service refuses more, the
form counts down to it, and the data the project ships (the demo, the seed) fits inside it."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from debrief.models import (
    Agency, BoardDecision, Contribution, Debrief, Invitation, LearningProduct, Lesson, MeetingAttendee,
    Recommendation, RecommendationUpdate,
)
from debrief.services.validation import LIMITS
from tests.builders import make_staff, move, open_debrief, recommended

#: Each stored column and the limit its service holds it to.
COLUMNS = {
    Debrief.crime_reference: "debrief.crime_reference",
    Debrief.operation_name: "debrief.operation_name",
    Debrief.area: "debrief.area",
    Debrief.summary: "debrief.summary",
    Debrief.partner_briefing: "debrief.partner_briefing",
    MeetingAttendee.name: "meeting.attendee",
    MeetingAttendee.agency: "meeting.attendee",
    Invitation.contact_name: "invitation.name",
    Contribution.contact_summary: "contribution.contact_summary",
    Contribution.learning: "contribution.learning",
    Lesson.text: "lesson.text",
    RecommendationUpdate.text: "recommendation.note",
    BoardDecision.rationale: "recommendation.note",
    LearningProduct.title: "product.title",
    LearningProduct.evidence: "product.evidence",
    Agency.name: "agency.name",
}


def longest(read_db) -> dict[str, tuple[int, int]]:
    """For each column: the longest stored value and its limit."""
    found = {}
    for column, limit in COLUMNS.items():
        length = read_db(lambda s, c=column: s.scalar(sa.select(sa.func.max(sa.func.length(c)))))
        found[f"{column.class_.__name__}.{column.key}"] = (length or 0, LIMITS[limit])
    # Recommendations made here; imported ones are other systems' records, held to MAX_TEXT.
    length = read_db(lambda s: s.scalar(sa.select(sa.func.max(sa.func.length(Recommendation.text)))
                                        .where(Recommendation.debrief_id.is_not(None))))
    found["Recommendation.text"] = (length or 0, LIMITS["recommendation.text"])
    return found


def test_a_partners_learning_fits_in_a_lesson():
    # "Make it a lesson" takes the partner's learning as the lesson's text, as it stands.
    assert LIMITS["contribution.learning"] <= LIMITS["lesson.text"]


def test_the_demo_and_the_seed_fit_the_limits(runner, read_db):
    assert runner.invoke(args=["demo"]).exit_code == 0
    result = runner.invoke(args=["seed", "--debriefs", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    too_long = {name: sizes for name, sizes in longest(read_db).items() if sizes[0] > sizes[1]}
    assert not too_long, f"longer than its limit (length, limit): {too_long}"
    assert longest(read_db)["Debrief.summary"][0] > 0, "nothing was seeded"


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def test_a_recommendation_one_character_over_its_limit_is_refused_by_the_api(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    limit = LIMITS["recommendation.text"]
    recommended(client, staff["reviewer"], debrief["id"], text="r" * limit)
    response = client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", headers=staff["reviewer"],
                           json={"text": "r" * (limit + 1), "owner_email": "olu@police.uk",
                                 "due_date": "2099-01-01"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["text"] == "The recommendation must be 2,000 characters or fewer"


def test_a_note_on_a_move_is_held_to_the_same_limit_as_any_other_note(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    rec = recommended(client, staff["reviewer"], debrief["id"])
    response = move(client, staff["owner"], rec["id"], "in_progress", note="n" * (LIMITS["recommendation.note"] + 1))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"note": "The note must be 5,000 characters or fewer"}
    assert move(client, staff["owner"], rec["id"], "in_progress",
                note="n" * LIMITS["recommendation.note"]).status_code == 200


@pytest.mark.parametrize("path, field, limit", [
    ("/debriefs/{debrief}/lessons/new", "text", "lesson.text"),
    ("/debriefs/{debrief}/recommendations/new", "text", "recommendation.text"),
    ("/recommendations/{recommendation}/updates/new", "text", "recommendation.note"),
])
def test_each_form_counts_down_to_its_services_limit(client, staff, browser_of, path, field, limit):
    debrief = open_debrief(client, staff["reviewer"])
    rec = recommended(client, staff["reviewer"], debrief["id"])
    who = "riya@police.uk" if "updates" not in path else "olu@police.uk"
    html = browser_of(who).get(path.format(debrief=debrief["id"], recommendation=rec["id"])).get_data(as_text=True)
    assert 'data-module="govuk-character-count"' in html
    assert f'data-maxlength="{LIMITS[limit]}"' in html
    assert f"You can enter up to {LIMITS[limit]:,} characters" in html
