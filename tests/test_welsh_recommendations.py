"""Lessons, recommendations, learning products and repeats in Welsh: the recommendation's page (its
history, products and updates), the forms for a recommendation and a lesson, a form's error, the
history's lines, the lifecycle's refusals in the API (Accept-Language: cy, the code unchanged) and the
step that asks before saving a possible repeat."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from debrief.history import describe, describe_event
from debrief.i18n import in_language
from tests.builders import (
    EMAIL, MURDER, PEOPLE, add_product, in_days, make_staff, move, post_form, recommended,
)
from tests.html import english_left, error_summary, parse

WELSH = {"Accept-Language": "cy"}
TEXT = "Supervisors review every DASH risk assessment within 24 hours"
LESSON = "The risk assessment missed the earlier threats."
PLAN = "Plan: a supervisor check on every DASH"
EVIDENCE = "Attendance sheets in folder 12."
PRODUCT = "Repeat threats briefing"
#: Words these pages show from other areas' files, translated on their branches (the navigation, the history
#: table's headings in macros/history.html, a met deadline in macros/clocks.html, a clock's source from the
#: deadline policy). The integrator may drop this once every area is merged.
ELSEWHERE = ("Import recommendations", "Debriefs", "Board", "Partner engagement", "Deaths", "When", "Who", "What", "Met",
             "The due date set by the reviewer")


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def debrief(client, staff) -> dict:
    response = client.post("/api/v1/debriefs", json=MURDER, headers=staff["reviewer"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def welsh_browser(browser_of, email: str):
    browser = browser_of(email)
    browser.set_cookie("language", "cy")
    return browser


def page(browser, path: str, status: int = 200) -> str:
    response = browser.get(path)
    assert response.status_code == status, path
    html = response.get_data(as_text=True)
    assert parse(html).find("html").attrs["lang"] == "cy"
    return html


def what_people_typed(debrief: dict, record: dict, *more: str) -> tuple[str, ...]:
    """Names, references and free text the test typed: they stay as typed."""
    names = tuple(name for _email, _roles, name in PEOPLE.values())
    return (TEXT, LESSON, PLAN, EVIDENCE, PRODUCT, debrief["reference"], record["reference"], *names,
            *EMAIL.values(), MURDER["crime_reference"], *ELSEWHERE, *more)


def clock_labels(app, recommendation_id: int) -> tuple[str, ...]:
    """The deadlines' labels, as stored (data, like the names)."""
    from debrief.models import Recommendation
    from debrief.services import clocks
    from debrief.extensions import db

    with app.app_context():
        return tuple(clock.label for clock in clocks.recommendation_clocks(db.session.get(Recommendation,
                                                                                          recommendation_id)))


def test_the_recommendations_page_reads_in_welsh_with_its_history_products_and_updates(
        app, client, staff, debrief, browser_of):
    record = recommended(client, staff["reviewer"], debrief["id"], text=TEXT)
    assert move(client, staff["owner"], record["id"], "in_progress", note=PLAN).status_code == 200
    update = client.post(f"/api/v1/recommendations/{record['id']}/updates", json={"kind": "evidence", "text": EVIDENCE},
                         headers=staff["owner"])
    assert update.status_code == 201, update.get_json()
    product = add_product(client, staff["learning"], record["id"], kind="briefing", title=PRODUCT,
                          audience=["response"], target_count=40)
    assert product.status_code == 201, product.get_json()
    delivered = client.patch(f"/api/v1/products/{product.get_json()['id']}", headers=staff["learning"], json={
        "status": "delivered", "delivered_on": in_days(0), "reached_count": 35})
    assert delivered.status_code == 200, delivered.get_json()

    html = page(welsh_browser(browser_of, EMAIL["board"]), f"/recommendations/{record['id']}")

    left = english_left(html, allow=what_people_typed(debrief, record, *clock_labels(app, record["id"])))
    assert left == []
    text = parse(html).find("main").text
    assert "Cynhyrchion dysgu" in text and "Diweddariadau a thystiolaeth y perchennog" in text
    assert "Ychwanegodd dystiolaeth: Attendance sheets in folder 12." in text
    assert "Cynnyrch dysgu wedi’i ychwanegu: Repeat threats briefing (Sesiwn friffio)" in text
    assert "Wedi cyrraedd 35 o 40" in text


def test_the_new_recommendation_and_lesson_forms_read_in_welsh(client, staff, debrief, browser_of):
    reviewer = welsh_browser(browser_of, EMAIL["reviewer"])
    for path in (f"/debriefs/{debrief['id']}/recommendations/new", f"/debriefs/{debrief['id']}/lessons/new"):
        html = page(reviewer, path)
        assert english_left(html, allow=what_people_typed(debrief, {"reference": ""})) == []
    form = parse(page(reviewer, f"/debriefs/{debrief['id']}/recommendations/new"))
    panel = form.find("div", id="similar-recommendations")
    assert panel.attrs["data-i18n-heading"] == "Argymhellion cynharach tebyg"
    warnings = json.loads(panel.attrs["data-i18n-repeats"])
    assert set(warnings) == {"zero", "one", "two", "few", "many", "other"}
    assert "%{count}" in warnings["other"] and "%{count}" not in warnings["one"]


def test_a_recommendation_forms_error_reads_in_welsh(staff, debrief, browser_of):
    reviewer = welsh_browser(browser_of, EMAIL["reviewer"])
    response = post_form(reviewer, f"/debriefs/{debrief['id']}/recommendations/new",
                         {"text": TEXT, "owner_email": "", "priority": "high", "repeats_seen": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    problems = [text for text, _link in error_summary(html)]
    assert "Rhowch gyfeiriad e-bost y perchennog" in problems and "Rhowch y dyddiad dyledus" in problems
    assert english_left(html, allow=what_people_typed(debrief, {"reference": ""})) == []


def _event(action: str, entity: str = "recommendation", **changes):
    return SimpleNamespace(action=action, entity=entity, entity_id=1, changes=changes)


def test_history_lines_read_in_welsh(app):
    with app.app_context(), in_language("cy"):
        assert describe(_event("status_changed", status={"from": "awaiting_closure", "to": "closed"},
                               closure_code={"from": None, "to": "implemented"}, rationale="Done.")) == \
            "Wedi’i gau fel: wedi’i roi ar waith. Rhesymeg: Done."
        assert describe(_event("status_changed", status={"from": "open", "to": "in_progress"})) == \
            "Ymatebodd y perchennog: bellach ar waith"
        assert describe(_event("product_updated", entity="learning_product", title="Briefing",
                               status={"from": "planned", "to": "delivered"})) == \
            "Cynnyrch dysgu wedi’i ddiweddaru: Briefing (o wedi’i gynllunio i wedi’i gyflwyno)"
        # The clock's name is recorded data and stays as recorded; the sentence around it is Welsh.
        assert describe_event(_event("clock_added", entity="clock", clock="Owner’s response",
                                     due_date="2026-12-06")) == \
            "Dyddiad cau wedi’i ychwanegu: Owner’s response, dyddiad dyledus dydd Sul 6 Rhagfyr 2026"
        assert describe_event(_event("clock_paused", entity="clock", clock="IOPC referral", reason="Waiting.")) == \
            "Dyddiad cau wedi’i oedi: IOPC referral. Rheswm: Waiting."
    with app.app_context(), in_language("en"):
        assert describe_event(_event("clock_paused", entity="clock", clock="IOPC referral", reason="Waiting.")) == \
            "Deadline paused: IOPC referral. Reason: Waiting."


def test_a_lifecycle_refusal_in_the_api_reads_in_welsh_with_the_same_code(client, staff, debrief):
    record = recommended(client, staff["reviewer"], debrief["id"])
    english = move(client, staff["owner"], record["id"], "closed", closure_code="implemented")
    welsh = client.post(f"/api/v1/recommendations/{record['id']}/transition", headers={**staff["owner"], **WELSH},
                        json={"to": "closed", "closure_code": "implemented"})
    assert english.status_code == welsh.status_code
    assert english.get_json()["error"]["code"] == welsh.get_json()["error"]["code"]
    assert english.get_json()["error"]["message"].startswith("A recommendation cannot move from open to closed")
    assert welsh.get_json()["error"]["message"].startswith(
        "Ni all argymhelliad symud o’r statws ‘ar agor’ i ‘ar gau’")

    missing = client.post(f"/api/v1/recommendations/{record['id']}/transition", headers={**staff["owner"], **WELSH},
                          json={"to": "in_progress"})
    assert missing.get_json()["error"]["code"] == "validation_error"
    assert missing.get_json()["error"]["fields"]["note"] == "Rhowch ymateb y perchennog: beth maen nhw’n bwriadu ei wneud."


def test_the_possible_repeat_step_reads_in_welsh(client, staff, debrief, browser_of):
    earlier = recommended(client, staff["reviewer"], debrief["id"], text=TEXT)
    reviewer = welsh_browser(browser_of, EMAIL["reviewer"])
    response = post_form(reviewer, f"/debriefs/{debrief['id']}/recommendations/new",
                         {"text": TEXT, "owner_email": EMAIL["owner"], "due_date": in_days(30).split("-")[::-1],
                          "priority": "high"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Efallai fod hwn yn ailadrodd argymhelliad cynharach" in html
    assert english_left(html, allow=what_people_typed(debrief, earlier)) == []
