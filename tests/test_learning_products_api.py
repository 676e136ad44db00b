"""Learning products through the JSON API (api.md "Learning products"; issue 5): the learning team adds
them to any recommendation, an owner to their own; they move planned → in development → delivered →
evaluated, never backwards; delivery needs a date that has happened; reach is shown as a percentage."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from debrief.models import LearningProduct
from tests.builders import (
    EMAIL, add_product, error_of, get, in_days, make_staff, move, open_debrief, recommended,
    to_awaiting_closure,
)


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def debrief(client, staff):
    return open_debrief(client, staff["reviewer"])


@pytest.fixture
def rec(client, staff, debrief):
    """Olu's recommendation."""
    return recommended(client, staff["reviewer"], debrief["id"])


@pytest.fixture
def oscars(client, staff, debrief):
    """Oscar's recommendation: someone else's, as far as Olu is concerned."""
    return recommended(client, staff["reviewer"], debrief["id"], owner_email=EMAIL["other_owner"])


def products_in_db(read_db) -> int:
    return read_db(lambda s: s.scalar(sa.select(sa.func.count(LearningProduct.id))))


def update(client, headers, product_id: int, **body):
    return client.patch(f"/api/v1/products/{product_id}", json=body, headers=headers)


@pytest.fixture
def product(client, staff, rec):
    response = add_product(client, staff["learning"], rec["id"], kind="classroom_training",
                           title="DASH supervision: half-day course", audience=["supervisors", "response"],
                           target_count=60)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- adding ---------------------------------------------------------------------------------------


def test_the_learning_team_adds_a_product_to_any_recommendation(client, staff, rec, oscars):
    for target in (rec, oscars):
        response = add_product(client, staff["learning"], target["id"], kind="e_learning",
                               title="  DASH   risk assessment refresher ", audience=["response", "custody", "response"],
                               target_count=1200)
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert body["status"] == "planned"
        assert body["recommendation_id"] == target["id"]
        assert body["kind"] == "e_learning"
        assert body["title"] == "DASH risk assessment refresher"
        assert body["audience"] == ["response", "custody"]
        assert body["target_count"] == 1200
        assert (body["delivered_on"], body["reached_count"], body["reach_percent"], body["evidence"]) == (
            None, None, None, None)
        shown = get(client, staff["board"], target["id"]).get_json()["products"]
        assert [p["id"] for p in shown] == [body["id"]]


def test_a_reviewer_may_add_a_product(client, staff, rec):
    assert add_product(client, staff["reviewer"], rec["id"]).status_code == 201


def test_the_owner_adds_a_product_to_their_own_recommendation(client, staff, rec):
    response = add_product(client, staff["owner"], rec["id"], kind="guidance_update", title="DASH guidance v4")
    assert response.status_code == 201
    assert response.get_json()["status"] == "planned"


def test_an_owner_cannot_add_a_product_to_someone_elses_recommendation(client, staff, rec, oscars, read_db):
    # An owner who can see every recommendation (an analyst too) is refused.
    error_of(add_product(client, staff["reading_owner"], rec["id"]), 403, "forbidden")
    # An owner who cannot see it is told it does not exist.
    error_of(add_product(client, staff["owner"], oscars["id"]), 404, "not_found")
    error_of(add_product(client, staff["other_owner"], rec["id"]), 404, "not_found")
    assert products_in_db(read_db) == 0


@pytest.mark.parametrize("who", ["analyst", "board", "admin"])
def test_roles_that_only_read_or_decide_cannot_add_products(client, staff, rec, read_db, who):
    error_of(add_product(client, staff[who], rec["id"]), 403, "forbidden")
    assert products_in_db(read_db) == 0


@pytest.mark.parametrize("body, field", [
    ({"kind": "poster"}, "kind"),
    ({"kind": None}, "kind"),
    ({"kind": ["briefing"]}, "kind"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"audience": []}, "audience"),
    ({"audience": None}, "audience"),
    ({"audience": ["everyone"]}, "audience"),
    ({"audience": ["response", "the public"]}, "audience"),
    ({"audience": "response"}, "audience"),
    ({"target_count": -1}, "target_count"),
    ({"target_count": "sixty"}, "target_count"),
    ({"target_count": 2.5}, "target_count"),
    ({"status": "delivered"}, "status"),
])
def test_a_bad_product_is_a_422_naming_the_field(client, staff, rec, read_db, body, field):
    error = error_of(add_product(client, staff["learning"], rec["id"], **body), 422, "validation_error")
    assert field in error["fields"]
    assert products_in_db(read_db) == 0


def test_every_kind_and_audience_in_api_md_is_accepted(client, staff, rec):
    kinds = ["classroom_training", "e_learning", "briefing", "guidance_update", "toolkit", "system_change",
             "intranet_article", "email_bulletin"]
    audience = ["response", "neighbourhood", "public_protection", "call_handling", "investigation", "custody",
                "supervisors", "partners"]
    for kind in kinds:
        response = add_product(client, staff["learning"], rec["id"], kind=kind, audience=audience)
        assert response.status_code == 201, (kind, response.get_json())
        assert response.get_json()["audience"] == audience


def test_a_closed_recommendation_takes_no_new_products(client, staff, rec, read_db):
    to_awaiting_closure(client, staff["owner"], rec["id"])
    assert move(client, staff["board"], rec["id"], "closed", closure_code="superseded").status_code == 200
    error_of(add_product(client, staff["learning"], rec["id"]), 409, "invalid_transition")
    assert products_in_db(read_db) == 0


# --- moving a product through its states ---------------------------------------------------------


def test_a_product_is_developed_delivered_and_evaluated_with_its_reach(client, staff, rec, product):
    response = update(client, staff["learning"], product["id"], status="in_development")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "in_development"

    response = update(client, staff["learning"], product["id"], status="delivered", delivered_on=in_days(-2),
                      reached_count=45, evidence="Attendance register, 45 of 60 supervisors")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "delivered" and body["delivered_on"] == in_days(-2)
    assert body["reached_count"] == 45 and body["reach_percent"] == 75
    assert body["evidence"] == "Attendance register, 45 of 60 supervisors"

    response = update(client, staff["learning"], product["id"], status="evaluated", reached_count=58)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["reach_percent"], body["delivered_on"]) == ("evaluated", 97, in_days(-2))  # 58/60
    shown = get(client, staff["owner"], rec["id"]).get_json()["products"][0]
    assert (shown["status"], shown["reached_count"], shown["reach_percent"]) == ("evaluated", 58, 97)


def test_a_briefing_may_be_delivered_straight_from_planned_today(client, staff, rec):
    created = add_product(client, staff["learning"], rec["id"], target_count=3).get_json()
    body = update(client, staff["learning"], created["id"], status="delivered", delivered_on=in_days(0),
                  reached_count=1).get_json()
    assert body["status"] == "delivered" and body["reach_percent"] == 33


def test_reach_is_not_shown_without_a_target(client, staff, rec):
    created = add_product(client, staff["learning"], rec["id"]).get_json()
    body = update(client, staff["learning"], created["id"], status="delivered", delivered_on=in_days(0),
                  reached_count=40).get_json()
    assert body["reached_count"] == 40 and body["reach_percent"] is None


def test_delivered_needs_the_date_it_was_delivered(client, staff, product):
    error = error_of(update(client, staff["learning"], product["id"], status="delivered"), 422, "validation_error")
    assert set(error["fields"]) == {"delivered_on"}
    error = error_of(update(client, staff["learning"], product["id"], status="delivered", delivered_on="last week"),
                     422, "validation_error")
    assert set(error["fields"]) == {"delivered_on"}
    assert get_product_status(client, staff, product) == "planned"


def test_a_delivery_date_in_the_future_is_a_422(client, staff, product):
    error = error_of(update(client, staff["learning"], product["id"], status="delivered", delivered_on=in_days(1)),
                     422, "validation_error")
    assert set(error["fields"]) == {"delivered_on"}
    assert get_product_status(client, staff, product) == "planned"


def get_product_status(client, staff, product) -> str:
    products = get(client, staff["board"], product["recommendation_id"]).get_json()["products"]
    return next(p["status"] for p in products if p["id"] == product["id"])


@pytest.mark.parametrize("path, back", [
    (["in_development"], "planned"),
    (["delivered"], "planned"),
    (["delivered"], "in_development"),
    (["delivered", "evaluated"], "delivered"),
    (["delivered", "evaluated"], "in_development"),
    ([], "evaluated"),  # evaluation needs a delivery first
    (["in_development"], "evaluated"),
])
def test_a_product_never_moves_backwards_or_skips_delivery(client, staff, product, path, back):
    for status in path:
        extra = {"delivered_on": in_days(0)} if status == "delivered" else {}
        assert update(client, staff["learning"], product["id"], status=status, **extra).status_code == 200
    before = get_product_status(client, staff, product)
    error_of(update(client, staff["learning"], product["id"], status=back, delivered_on=in_days(0)), 409,
             "invalid_transition")
    assert get_product_status(client, staff, product) == before


@pytest.mark.parametrize("body, field", [
    ({"status": "finished"}, "status"),
    ({"reached_count": -5}, "reached_count"),
    ({"reached_count": "lots"}, "reached_count"),
    ({"evidence": 7}, "evidence"),
    ({"kind": "toolkit"}, "kind"),
])
def test_a_bad_product_update_is_a_422_naming_the_field(client, staff, product, body, field):
    error = error_of(update(client, staff["learning"], product["id"], **body), 422, "validation_error")
    assert field in error["fields"]


def test_the_owner_delivers_a_product_on_their_own_recommendation_only(client, staff, rec, oscars, product):
    response = update(client, staff["owner"], product["id"], status="in_development")
    assert response.status_code == 200
    theirs = add_product(client, staff["learning"], oscars["id"]).get_json()
    error_of(update(client, staff["owner"], theirs["id"], status="in_development"), 404, "not_found")
    error_of(update(client, staff["reading_owner"], theirs["id"], status="in_development"), 403, "forbidden")
    assert get_product_status(client, staff, theirs) == "planned"


@pytest.mark.parametrize("who", ["analyst", "board", "admin"])
def test_roles_that_only_read_or_decide_cannot_update_products(client, staff, product, who):
    error_of(update(client, staff[who], product["id"], status="in_development"), 403, "forbidden")
    assert get_product_status(client, staff, product) == "planned"


def test_updating_a_product_that_does_not_exist_is_a_404(client, staff):
    error_of(update(client, staff["learning"], 999999, status="in_development"), 404, "not_found")


def test_products_are_in_the_history_with_who_changed_them(client, staff, debrief, rec, product):
    update(client, staff["learning"], product["id"], status="delivered", delivered_on=in_days(0), reached_count=30)
    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["analyst"]).get_json()["items"]
    events = [e for e in history if e["entity"] == "learning_product"]
    assert [(e["action"], e["actor"], e["entity_id"]) for e in events] == [
        ("product_added", "lee@police.uk", product["id"]), ("product_updated", "lee@police.uk", product["id"])]
    assert events[0]["changes"]["recommendation"] == rec["reference"]
    assert events[1]["changes"]["status"] == {"from": "planned", "to": "delivered"}
    assert events[1]["changes"]["delivered_on"] == {"from": None, "to": in_days(0)}
    assert events[1]["changes"]["reached_count"] == {"from": None, "to": 30}
