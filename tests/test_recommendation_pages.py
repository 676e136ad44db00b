"""Lessons, recommendations, learning products and the governance board, as people use the pages: a
reviewer writes lessons and recommendations on a debrief; the owner responds, adds progress and
evidence and asks for closure; the learning team adds and delivers products; the board closes,
rejects, extends and escalates. And the workspaces that list what each of them has to do.

The rules themselves (who may make which move, the closure gate) are tested in
test_recommendation_lifecycle.py; these tests check the pages offer, explain and refuse them.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import (
    Agency, Debrief, LearningProduct, Lesson, Recommendation,
)
from debrief.services import accounts, invitations, learning_products, recommendations
from tests.builders import MURDER, london_today, post_form
from tests.conftest import csrf_token_from
from tests.html import (
    ESCAPED_SCRIPT, SCRIPT, error_summary, input_value, is_checked, long_date, parse, parts, success_banner,
    table_rows,
)

REVIEWER = "riya@police.uk"
OWNER = "omar@police.uk"
OTHER_OWNER = "olive@police.uk"
LEARNING = "lena@police.uk"
BOARD = "bea@police.uk"
ANALYST = "ana@police.uk"
NAMES = {REVIEWER: "Riya Reviewer", OWNER: "Omar Owner", OTHER_OWNER: "Olive Owner", LEARNING: "Lena Learning",
         BOARD: "Bea Board", ANALYST: "Ana Analyst"}
ROLES = {REVIEWER: "reviewer", OWNER: "owner", OTHER_OWNER: "owner", LEARNING: "learning", BOARD: "board",
         ANALYST: "analyst"}


# The people and the debrief ------------------------------------------------------------------------


@pytest.fixture
def people(make_user):
    for email, role in ROLES.items():
        make_user(email, role, name=NAMES[email])


@pytest.fixture
def browsers(people, browser_of):
    """Each person's own signed-in browser, opened when first asked for."""
    opened: dict = {}

    def of(email: str):
        if email not in opened:
            opened[email] = browser_of(email)
        return opened[email]

    return of


@pytest.fixture
def reviewer(browsers):
    return browsers(REVIEWER)


@pytest.fixture
def owner(browsers):
    return browsers(OWNER)


@pytest.fixture
def learning(browsers):
    return browsers(LEARNING)


@pytest.fixture
def board(browsers):
    return browsers(BOARD)


@pytest.fixture
def debrief_id(people, client, api_token) -> int:
    """A murder opened through the API (the debrief form has its own tests)."""
    response = client.post("/api/v1/debriefs", json=MURDER, headers=api_token(REVIEWER))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def due_in(days: int) -> list[str]:
    return parts(london_today() + timedelta(days=days))


def html_of(browser, path: str, status: int = 200) -> str:
    response = browser.get(path)
    assert response.status_code == status, f"{path} answered {response.status_code}"
    return response.get_data(as_text=True)


def post(browser, path: str, data: dict):
    """Posts to a page with the session's CSRF token (taken from the home page, so that a page the
    person may not open can still be posted to)."""
    token = csrf_token_from(html_of(browser, "/"))
    return browser.post(path, data={"csrf_token": token, **data})


def saved(response) -> str:
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    return response.headers["Location"]


def refused_with(response) -> list[tuple[str, str | None]]:
    html = response.get_data(as_text=True)
    assert response.status_code == 400, response.status_code
    assert parse(html).find("title").text.startswith("Error: ")
    return error_summary(html)


def main_text(html: str) -> str:
    return parse(html).find("main").text


def add_lesson(reviewer, debrief_id: int, text: str = "The risk assessment missed the earlier threats.",
               category: str = "risk_assessment", **more) -> None:
    saved(post_form(reviewer, f"/debriefs/{debrief_id}/lessons/new", {"text": text, "category": category, **more}))


def app_lesson_id(app, debrief_id: int) -> int:
    """The id of the debrief's only lesson (ids differ between SQLite and PostgreSQL runs)."""
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.debrief_id == debrief_id))


def write_recommendation(reviewer, debrief_id: int, **changes) -> int:
    data = {"text": "Brief every response officer on repeat threats.", "owner_email": OWNER,
            "due_date": due_in(60), "priority": "high", **changes}
    location = saved(post_form(reviewer, f"/debriefs/{debrief_id}/recommendations/new", data))
    match = re.fullmatch(r"/recommendations/(\d+)", location)
    assert match, location
    return int(match.group(1))


def stored(read_db, recommendation_id: int) -> Recommendation:
    def load(session):
        record = session.get(Recommendation, recommendation_id)
        for relation in (record.products, record.updates, record.decisions, record.lessons):
            list(relation)
        session.expunge_all()
        return record

    return read_db(load)


def respond(owner, recommendation_id: int, note: str = "I will brief all shifts by the end of the month."):
    return saved(post_form(owner, f"/recommendations/{recommendation_id}/respond", {"note": note}))


def ask_for_closure(owner, recommendation_id: int, note: str = "Every shift has been briefed."):
    return saved(post_form(owner, f"/recommendations/{recommendation_id}/ask-for-closure", {"note": note}))


def add_product(browser, recommendation_id: int, **changes) -> int:
    data = {"kind": "briefing", "title": "Repeat threats briefing", "audience": ["response"], "target_count": "40",
            **changes}
    saved(post_form(browser, f"/recommendations/{recommendation_id}/products/new", data))
    return max(p.id for p in stored_products(browser.application, recommendation_id))


def stored_products(app, recommendation_id: int) -> list[LearningProduct]:
    with app.app_context():
        products = list(db.session.scalars(sa.select(LearningProduct).where(
            LearningProduct.recommendation_id == recommendation_id)))
        db.session.expunge_all()
        return products


def deliver(browser, product_id: int, reached: str = "35"):
    return saved(post_form(browser, f"/products/{product_id}/progress", {
        "status": "delivered", "delivered_on": parts(london_today()), "reached_count": reached, "evidence": ""}))


def awaiting_closure(reviewer, owner, learning, debrief_id: int, *, product_kind: str | None = "briefing") -> int:
    """A recommendation the owner has asked to close, with one delivered product of `product_kind`."""
    recommendation_id = write_recommendation(reviewer, debrief_id)
    respond(owner, recommendation_id)
    if product_kind:
        deliver(learning, add_product(learning, recommendation_id, kind=product_kind))
    ask_for_closure(owner, recommendation_id)
    return recommendation_id


def buttons(html: str) -> list[str]:
    """The action buttons (links styled as buttons) on a recommendation's page."""
    return [a.text for a in parse(html).find_all("a", cls="govuk-button")]


# Lessons ------------------------------------------------------------------------------------------------


def test_reviewer_adds_a_lesson_and_sees_it_on_the_debrief(reviewer, debrief_id, read_db):
    form = html_of(reviewer, f"/debriefs/{debrief_id}/lessons/new")
    assert parse(form).find("h1").text == "Add a lesson"
    response = post_form(reviewer, f"/debriefs/{debrief_id}/lessons/new", {
        "text": "Nobody checked the suspect's bail conditions.", "category": "information_sharing",
        "themes": ["drugs", "vulnerability"]})
    assert response.headers["Location"] == f"/debriefs/{debrief_id}#lessons"
    html = html_of(reviewer, response.headers["Location"])
    assert success_banner(html) == "Lesson 1 saved."
    rows = table_rows(html, "Lessons from")
    assert rows == [["1", "Nobody checked the suspect's bail conditions. Themes: Drugs, Vulnerability",
                     "Information sharing", "Police review", "Share with the national library"]]
    lesson = read_db(lambda s: s.scalars(sa.select(Lesson)).one())
    assert (lesson.category, lesson.themes, lesson.contribution_id) == ("information_sharing",
                                                                        ["drugs", "vulnerability"], None)


def test_a_lesson_needs_what_was_learned_and_a_category(reviewer, debrief_id, read_db):
    response = post_form(reviewer, f"/debriefs/{debrief_id}/lessons/new", {"text": "  "})
    assert refused_with(response) == [("Enter what was learned", "#text"), ("Select a category", "#category")]
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Lesson.id)))) == 0


@pytest.fixture
def partner_learning(app, client, api_token, debrief_id) -> dict[str, int]:
    """Contributions from two agencies to this debrief (one with learning, one without), and one to
    another debrief."""
    response = client.post("/api/v1/debriefs", json={**MURDER, "crime_reference": "42/99999/26"},
                           headers=api_token(REVIEWER))
    other_id = response.get_json()["id"]
    with app.app_context():
        reviewer = accounts.find_by_email(REVIEWER)
        nhs, school = Agency(name="Mid Essex NHS Trust", kind="health"), Agency(name="Southend Academy",
                                                                                kind="education")
        db.session.add_all([nhs, school])
        db.session.flush()
        ids = {}
        for name, target, agency, learning in (
                ("nhs", debrief_id, nhs, "GP records showed <b>two</b> earlier injuries nobody shared."),
                ("school", debrief_id, school, None),
                ("elsewhere", other_id, nhs, "Learning about another incident.")):
            invitation, _link = invitations.invite(db.session.get(Debrief, target), agency=agency.id,
                                                   email=f"{name}@example.org", name=None, actor=reviewer)
            contribution = invitations.contribute(invitation, invitations.ContributionDetails(
                attending="yes", prior_contact="no", learning=learning))
            ids[name] = contribution.id
        db.session.commit()
        return ids


def test_reviewer_turns_a_partners_learning_into_a_lesson_in_one_step(reviewer, debrief_id, partner_learning,
                                                                     read_db):
    html = html_of(reviewer, f"/debriefs/{debrief_id}")
    forms = [f for f in parse(html).find_all("form")
             if f.attrs.get("action") == f"/debriefs/{debrief_id}/lessons/from-contribution"]
    # Only the contribution with learning is offered.
    assert [f.find("input", name="contribution_id").attrs["value"] for f in forms] == [str(partner_learning["nhs"])]
    assert "GP records showed &lt;b&gt;two&lt;/b&gt; earlier injuries" in html

    response = post(reviewer, f"/debriefs/{debrief_id}/lessons/from-contribution",
                    {"contribution_id": str(partner_learning["nhs"]), "category": "information_sharing"})
    html = html_of(reviewer, saved(response))
    assert success_banner(html) == "The partner's learning is now lesson 1."
    assert table_rows(html, "Lessons from") == [[
        "1", "GP records showed <b>two</b> earlier injuries nobody shared.", "Information sharing",
        "Mid Essex NHS Trust", "Share with the national library"]]
    assert "Partner learning not yet a lesson" not in html
    lesson = read_db(lambda s: s.scalars(sa.select(Lesson)).one())
    assert lesson.contribution_id == partner_learning["nhs"]
    assert lesson.source == "partner"


def test_a_contribution_to_another_debrief_cannot_become_a_lesson_here(reviewer, debrief_id, partner_learning,
                                                                      read_db):
    for contribution in (str(partner_learning["elsewhere"]), "not-a-number", ""):
        response = post(reviewer, f"/debriefs/{debrief_id}/lessons/from-contribution",
                        {"contribution_id": contribution, "category": "partnership"})
        html = html_of(reviewer, saved(response))
        banner = parse(html).find("div", cls="govuk-notification-banner")
        assert "Choose a contribution made to this debrief" in banner.text
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Lesson.id)))) == 0


# Writing a recommendation -------------------------------------------------------------------------------


def test_reviewer_writes_a_recommendation_and_the_owner_is_emailed(reviewer, debrief_id, read_db, mailbox):
    add_lesson(reviewer, debrief_id)
    add_lesson(reviewer, debrief_id, text="Supervisors did not review the log.", category="supervision")
    lesson_ids = read_db(lambda s: list(s.scalars(sa.select(Lesson.id).order_by(Lesson.id))))
    form = html_of(reviewer, f"/debriefs/{debrief_id}/recommendations/new")
    assert is_checked(form, "priority", "medium")  # the default
    labels = [label.text for label in parse(form).find_all("label", cls="govuk-checkboxes__label")]
    assert labels == ["Lesson 1: The risk assessment missed the earlier threats.",
                      "Lesson 2: Supervisors did not review the log."]

    due = london_today() + timedelta(days=60)
    recommendation_id = write_recommendation(reviewer, debrief_id, due_date=parts(due),
                                             lesson_ids=[str(lesson_ids[1])], source="partner")
    html = html_of(reviewer, f"/recommendations/{recommendation_id}")
    reference = f"REC-{london_today().year}-0001"
    assert success_banner(html) == f"Recommendation {reference} allocated to Omar Owner. They have been sent an email."
    assert parse(html).find("h1").text == reference
    assert parse(html).find("p", id="status").text == "Open"
    facts = {row.find("dt").text: row.find("dd").text
             for row in parse(html).find_all("div", cls="govuk-summary-list__row")}
    assert facts["Owner"] == f"Omar Owner ({OWNER})"
    assert facts["Due"] == long_date(due)
    assert facts["Priority"] == "High"
    assert facts["Comes from"] == "A partner agency"
    deadlines = {row[0].split(" Source:")[0]: row for row in table_rows(html, "Deadlines for")}
    assert deadlines["Owner's response"][1].startswith(long_date(london_today() + timedelta(days=14)))
    assert deadlines["Recommendation due"][1].startswith(long_date(due))
    assert {row[2] for row in deadlines.values()} == {"Pending"}
    assert "Lesson 2 (supervision): Supervisors did not review the log." in main_text(html)

    record = stored(read_db, recommendation_id)
    assert (record.owner.email, record.due_date, record.priority, record.source, record.status) == (
        OWNER, due, "high", "partner", "open")
    assert [lesson.id for lesson in record.lessons] == [lesson_ids[1]]
    assert [m["To"] for m in mailbox] == [OWNER]
    assert f"{reference} is allocated to you" in mailbox[0]["Subject"]
    assert f"/recommendations/{recommendation_id}" in mailbox[0].get_content()

    debrief_page = html_of(reviewer, f"/debriefs/{debrief_id}")
    assert table_rows(debrief_page, "Recommendations from") == [[
        reference, "Brief every response officer on repeat threats.", "Omar Owner", long_date(due), "Open"]]


@pytest.mark.parametrize("data, errors", [
    ({"text": "", "owner_email": "", "due_date": ["", "", ""]},
     [("Enter the recommendation", "#text"), ("Enter the owner's email address", "#owner_email"),
      ("Enter the due date", "#due_date-day")]),
    ({"owner_email": "nobody@police.uk"},
     [("The owner must be an active member of staff with an account", "#owner_email")]),
    ({"due_date": due_in(-1)}, [("The due date must be today or later", "#due_date-day")]),
    ({"due_date": ["31", "2", "2027"]}, [("The due date must be a real date, like 31 3 2027", "#due_date-day")]),
    ({"lesson_ids": ["999999"]}, [("Link lessons from this recommendation's debrief", "#lesson_ids")]),
])
def test_the_recommendation_form_explains_each_mistake_and_keeps_what_was_typed(reviewer, debrief_id, read_db,
                                                                                data, errors, mailbox):
    add_lesson(reviewer, debrief_id)
    typed = {"text": "Typed <and kept>", "owner_email": OWNER, "due_date": due_in(30), "priority": "low", **data}
    response = post_form(reviewer, f"/debriefs/{debrief_id}/recommendations/new", typed)
    assert refused_with(response) == errors
    html = response.get_data(as_text=True)
    assert input_value(html, "text") == typed["text"]
    assert is_checked(html, "priority", "low")
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Recommendation.id)))) == 0
    assert mailbox == []


def test_the_owner_field_offers_only_staff_who_can_own_and_refuses_anyone_else(reviewer, browsers, debrief_id,
                                                                              read_db, mailbox):
    """The owner field lists (a datalist: it needs no script) the active staff who hold the owner role,
    and the service refuses anyone else, on writing and on editing."""
    form = parse(html_of(reviewer, f"/debriefs/{debrief_id}/recommendations/new"))
    field = form.find("input", name="owner_email")
    offered = form.find("datalist", id=field.attrs["list"])
    assert [(o.attrs["value"], o.text) for o in offered.find_all("option")] == [
        (OTHER_OWNER, "Olive Owner"), (OWNER, "Omar Owner")]
    typed = {"text": "Brief every response officer on repeat threats.", "owner_email": ANALYST,
             "due_date": due_in(30), "priority": "low"}
    response = post_form(reviewer, f"/debriefs/{debrief_id}/recommendations/new", typed)
    assert refused_with(response) == [
        ("Ana Analyst cannot own recommendations: choose a member of staff who holds the owner role", "#owner_email")]
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Recommendation.id)))) == 0
    recommendation_id = write_recommendation(reviewer, debrief_id)
    edit = f"/recommendations/{recommendation_id}/edit"
    response = post_form(reviewer, edit, {"version": "1", "text": "Brief every response officer on repeat threats.",
                                          "owner_email": BOARD, "due_date": due_in(60), "priority": "high"})
    assert [m for m, _ in refused_with(response)] == [
        "Bea Board cannot own recommendations: choose a member of staff who holds the owner role"]
    assert stored(read_db, recommendation_id).owner.email == OWNER


def test_only_reviewers_write_lessons_and_recommendations(browsers, debrief_id):
    for email in (OWNER, LEARNING, BOARD, ANALYST):
        browser = browsers(email)
        for path in (f"/debriefs/{debrief_id}/lessons/new", f"/debriefs/{debrief_id}/recommendations/new"):
            assert browser.get(path).status_code == 403, (email, path)
            assert post(browser, path, {"text": "x"}).status_code == 403
        assert post(browser, f"/debriefs/{debrief_id}/lessons/from-contribution",
                    {"contribution_id": "1"}).status_code == 403
    board_view = html_of(browsers(BOARD), f"/debriefs/{debrief_id}")
    assert "Lessons and recommendations" in board_view
    assert "Add a lesson" not in board_view and "Add a recommendation" not in board_view


# The owner's moves ----------------------------------------------------------------------------------------


def test_owner_responds_adds_evidence_and_asks_for_closure(reviewer, owner, debrief_id, read_db):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    html = html_of(owner, page)
    assert buttons(html) == ["Respond", "Add progress or evidence", "Add a learning product"]

    # A response needs a plan.
    assert refused_with(post_form(owner, f"{page}/respond", {"note": " "})) == [
        ("Give the owner's response: what they plan to do.", "#note")]
    html = html_of(owner, respond(owner, recommendation_id, "Brief all four shifts."))
    assert success_banner(html).endswith("is in progress.")
    assert parse(html).find("p", id="status").text == "In progress"
    deadlines = {row[0].split(" Source:")[0]: row for row in table_rows(html, "Deadlines for")}
    assert deadlines["Owner's response"][2] == "Met"
    assert buttons(html) == ["Ask for closure", "Add progress or evidence", "Add a learning product"]

    # Progress and evidence as it goes.
    assert refused_with(post_form(owner, f"{page}/updates/new", {"text": "x"})) == [
        ("Select progress or evidence", "#kind")]
    saved(post_form(owner, f"{page}/updates/new", {"kind": "evidence", "text": "Attendance sheets in folder 12."}))

    # Closure needs a note of what was done.
    assert refused_with(post_form(owner, f"{page}/ask-for-closure", {"note": ""})) == [
        ("Say what has been done.", "#note")]
    html = html_of(owner, ask_for_closure(owner, recommendation_id, "All shifts briefed by 3 December."))
    assert parse(html).find("p", id="status").text == "Awaiting closure"
    assert buttons(html) == ["Add progress or evidence", "Add a learning product"]
    updates = [li.text for li in parse(html).find("h2", id="updates").parent.find_all("li")
               if "Omar Owner" in li.text]
    assert [u.split(" – ")[0] for u in updates] == ["What was done", "Evidence", "Response and plan"]
    assert "Attendance sheets in folder 12." in updates[1]
    history = [row[2] for row in table_rows(html, "Changes to")]
    assert "Asked for closure: now awaiting closure" in history
    assert "Added evidence: Attendance sheets in folder 12." in history
    assert "Owner responded: now in progress" in history
    record = stored(read_db, recommendation_id)
    assert [(u.kind, u.text) for u in record.updates] == [
        ("response", "Brief all four shifts."), ("evidence", "Attendance sheets in folder 12."),
        ("completion", "All shifts briefed by 3 December.")]


def test_a_move_the_recommendation_has_passed_sends_the_owner_back_to_it(reviewer, owner, debrief_id):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    respond(owner, recommendation_id)
    response = owner.get(f"/recommendations/{recommendation_id}/respond")
    assert response.headers["Location"] == f"/recommendations/{recommendation_id}"
    html = html_of(owner, response.headers["Location"])
    banners = [banner.text for banner in parse(html).find_all("div", cls="govuk-notification-banner")]
    assert any("is in progress now, so you cannot respond to it." in banner for banner in banners), banners


def test_an_owner_cannot_see_or_act_on_another_owners_recommendation(browsers, reviewer, debrief_id, read_db,
                                                                     client, api_token):
    """Someone else's recommendation is answered as if it did not exist (404), on the pages as in the
    API: the owner learns nothing of it, not even that the id is taken."""
    recommendation_id = write_recommendation(reviewer, debrief_id)
    other = browsers(OTHER_OWNER)
    page = f"/recommendations/{recommendation_id}"
    for path in (page, f"{page}/respond", f"{page}/ask-for-closure", f"{page}/updates/new", f"{page}/products/new",
                 f"{page}/edit", f"{page}/close"):
        assert other.get(path).status_code == 404, path
        assert other.get(path.replace(str(recommendation_id), "999999")).status_code == 404, path
    for path, data in ((f"{page}/respond", {"note": "Mine now"}), (f"{page}/updates/new",
                                                                    {"kind": "progress", "text": "x"}),
                       (f"{page}/products/new", {"kind": "briefing", "title": "x", "audience": ["response"]})):
        assert post(other, path, data).status_code == 404, path
    api = client.get(f"/api/v1/recommendations/{recommendation_id}", headers=api_token(OTHER_OWNER))
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"
    assert "REC-" not in html_of(other, "/my-actions")
    record = stored(read_db, recommendation_id)
    assert (record.status, record.updates, record.products) == ("open", [], [])


def test_the_page_offers_each_person_only_what_they_may_do(browsers, reviewer, owner, learning, debrief_id):
    recommendation_id = awaiting_closure(reviewer, owner, learning, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    assert buttons(html_of(browsers(BOARD), page)) == [
        "Close", "Reject closure", "Add progress or evidence", "Extend the due date", "Escalate", "Edit"]
    assert buttons(html_of(reviewer, page)) == ["Edit", "Add a learning product"]
    assert buttons(html_of(learning, page)) == ["Add a learning product"]
    assert buttons(html_of(browsers(ANALYST), page)) == []
    # The owner may not close their own recommendation, nor decide as the board.
    for path in (f"{page}/close", f"{page}/reject-closure", f"{page}/extend", f"{page}/escalate"):
        assert owner.get(path).status_code == 403, path
        assert post(owner, path, {"closure_code": "implemented", "rationale": "x"}).status_code == 403, path
    for path in (f"{page}/close", f"{page}/extend"):
        assert browsers(ANALYST).get(path).status_code == 403
        assert learning.get(path).status_code == 403


# Learning products ----------------------------------------------------------------------------------------


def test_learning_team_adds_a_product_to_any_recommendation_and_delivers_it(reviewer, learning, debrief_id,
                                                                           read_db):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    assert refused_with(post_form(learning, f"{page}/products/new", {"title": " ", "target_count": "lots"})) == [
        ("Select the kind of product", "#kind"), ("Enter a title", "#title"), ("Select who the product is for",
                                                                               "#audience"),
        ("The number of people to reach must be a whole number from 0 to 1,000,000", "#target_count")]
    product_id = add_product(learning, recommendation_id, audience=["response", "supervisors"])
    html = html_of(learning, f"{page}#products")
    assert "Repeat threats briefing Planned" in main_text(html)
    assert "Briefing · for: Response officers, Supervisors" in main_text(html)
    assert "Aims to reach 40; none reached yet" in main_text(html)

    form = html_of(learning, f"/products/{product_id}/progress")
    radios = [i.attrs["value"] for i in parse(form).find_all("input", name="status")]
    assert radios == ["planned", "in_development", "delivered"]  # forward only
    assert is_checked(form, "status", "planned")
    assert refused_with(post_form(learning, f"/products/{product_id}/progress", {"status": "delivered"})) == [
        ("Enter the date it was delivered", "#delivered_on-day")]
    assert refused_with(post_form(learning, f"/products/{product_id}/progress", {
        "status": "delivered", "delivered_on": ["30", "2", "2026"], "reached_count": "-3"})) == [
        ("The delivery date must be a real date, like 14 1 2027", "#delivered_on-day"),
        ("The number of people reached must be a whole number from 0 to 1,000,000", "#reached_count")]
    html = html_of(learning, deliver(learning, product_id, reached="30"))
    assert success_banner(html) == "“Repeat threats briefing” is delivered."
    assert f"Delivered {long_date(london_today())} · Reached 30 of 40 (75%)" in main_text(html)
    assert "Learning product updated: Repeat threats briefing (from planned to delivered" in " ".join(
        row[2] for row in table_rows(html, "Changes to"))

    # Nothing moves backwards.
    form = html_of(learning, f"/products/{product_id}/progress")
    assert [i.attrs["value"] for i in parse(form).find_all("input", name="status")] == ["delivered", "evaluated"]
    response = post_form(learning, f"/products/{product_id}/progress", {"status": "planned"})
    assert refused_with(response) == [("A product cannot go from delivered to planned.", None)]
    product = read_db(lambda s: s.get(LearningProduct, product_id))
    assert (product.status, product.reached_count, product.delivered_on) == ("delivered", 30, london_today())


def test_products_are_managed_by_the_learning_team_reviewers_and_the_owner_only(browsers, reviewer, owner,
                                                                              debrief_id):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    add_product(owner, recommendation_id, title="Owner's own briefing")
    product_id = add_product(reviewer, recommendation_id, title="Reviewer's guidance", kind="guidance_update")
    for email in (BOARD, ANALYST):
        browser = browsers(email)
        assert browser.get(f"/recommendations/{recommendation_id}/products/new").status_code == 403
        assert browser.get(f"/products/{product_id}/progress").status_code == 403
    assert browsers(OTHER_OWNER).get(f"/products/{product_id}/progress").status_code == 404
    assert browsers(LEARNING).get("/products/999999/progress").status_code == 404


# The governance board ----------------------------------------------------------------------------------------


def test_the_close_button_is_refused_with_the_gates_explanation_and_allowed_with_a_rationale(
        reviewer, owner, learning, board, debrief_id, read_db):
    recommendation_id = awaiting_closure(reviewer, owner, learning, debrief_id, product_kind="intranet_article")
    page = f"/recommendations/{recommendation_id}"
    warning = parse(html_of(board, page)).find("div", id="closure-gate").text
    assert "It has only awareness-only products (intranet article) delivered." in warning
    form = html_of(board, f"{page}/close")
    warning = parse(form).find("div", id="closure-gate").text
    assert ("This cannot close as implemented or alternative action: it has only awareness-only products "
            "(intranet article) delivered.") in warning
    assert "Unless you record a rationale" in warning

    response = post_form(board, f"{page}/close", {"closure_code": "implemented", "rationale": ""})
    [(message, link)] = refused_with(response)
    assert message.startswith("The recommendation cannot be closed as implemented. It has only awareness-only "
                              "products (intranet article) delivered.")
    assert link == "#rationale"
    assert is_checked(response.get_data(as_text=True), "closure_code", "implemented")
    assert stored(read_db, recommendation_id).status == "awaiting_closure"

    assert refused_with(post_form(board, f"{page}/close", {"closure_code": ""})) == [
        ("Choose a closure code.", "#closure_code")]

    html = html_of(board, saved(post_form(board, f"{page}/close", {
        "closure_code": "implemented", "rationale": "The intranet change is mandatory reading, checked by audit."})))
    assert success_banner(html).endswith("is closed: implemented.")
    assert parse(html).find("p", id="status").text.startswith("Closed Implemented")
    assert buttons(html) == []
    record = stored(read_db, recommendation_id)
    assert (record.status, record.closure_code) == ("closed", "implemented")
    [decision] = record.decisions
    assert (decision.decision, decision.closure_code, decision.decided_by.email) == ("close", "implemented", BOARD)
    assert decision.rationale == "The intranet change is mandatory reading, checked by audit."
    decisions = parse(html).find("h2", id="decisions").parent.text
    assert "Closed: implemented – Bea Board" in decisions
    assert "Rationale: The intranet change is mandatory reading" in decisions


def test_a_delivered_briefing_lets_the_board_close_without_a_rationale(reviewer, owner, learning, board, debrief_id,
                                                                     read_db):
    recommendation_id = awaiting_closure(reviewer, owner, learning, debrief_id, product_kind="briefing")
    page = f"/recommendations/{recommendation_id}"
    assert parse(html_of(board, f"{page}/close")).find("div", id="closure-gate") is None
    saved(post_form(board, f"{page}/close", {"closure_code": "implemented"}))
    assert stored(read_db, recommendation_id).status == "closed"
    assert board.get(f"{page}/close").headers["Location"] == page  # nothing left to close


def test_board_rejects_a_closure_then_extends_and_escalates(reviewer, owner, learning, board, debrief_id, read_db,
                                                            make_user, browser_of, mailbox):
    """Each decision reaches the owner by email with the board's reason; the escalation reaches the
    senior officer it names, who may then open the recommendation, and shows on its page."""
    chief = make_user("chris@police.uk", "owner", name="Chris Chief")
    recommendation_id = awaiting_closure(reviewer, owner, learning, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    reference = stored(read_db, recommendation_id).reference
    chiefs_browser = browser_of(chief.email)
    assert chiefs_browser.get(page).status_code == 404  # not theirs, until it is escalated to them
    mailbox.clear()
    assert refused_with(post_form(board, f"{page}/reject-closure", {"rationale": ""})) == [
        ("Say why the board is not closing the recommendation.", "#rationale")]
    html = html_of(board, saved(post_form(board, f"{page}/reject-closure",
                                          {"rationale": "Night shifts were not briefed."})))
    assert parse(html).find("p", id="status").text == "In progress"

    old_due = stored(read_db, recommendation_id).due_date
    assert refused_with(post_form(board, f"{page}/extend", {"new_due_date": ["31", "2", "2027"],
                                                           "rationale": ""})) == [
        ("The new due date must be a real date, like 30 6 2027", "#new_due_date-day"),
        ("Enter the board's rationale", "#rationale")]
    assert refused_with(post_form(board, f"{page}/extend", {"new_due_date": parts(old_due - timedelta(days=1)),
                                                           "rationale": "More time"})) == [
        ("The new due date must be after the current one", "#new_due_date-day")]
    new_due = old_due + timedelta(days=30)
    html = html_of(board, saved(post_form(board, f"{page}/extend", {"new_due_date": parts(new_due),
                                                                   "rationale": "Waiting for new guidance."})))
    assert success_banner(html) == f"{stored(read_db, recommendation_id).reference} is now due {long_date(new_due)}."

    assert refused_with(post_form(board, f"{page}/escalate", {"rationale": " ", "escalate_to": ""})) == [
        ("Enter the email address of the senior officer the board escalates it to", "#escalate_to"),
        ("Enter the board's rationale", "#rationale")]
    assert refused_with(post_form(board, f"{page}/escalate", {"rationale": "x", "escalate_to": "nobody@police.uk"})
                        ) == [("The board escalates to an active member of staff with an account", "#escalate_to")]
    html = html_of(board, saved(post_form(board, f"{page}/escalate", {
        "rationale": "Needs the chief officer group.", "escalate_to": chief.email})))
    assert success_banner(html) == (f"{reference} is escalated to Chris Chief. They and the owner have been sent "
                                    "an email.")
    record = stored(read_db, recommendation_id)
    assert record.due_date == new_due
    assert [(d.decision, d.rationale) for d in record.decisions] == [
        ("reject_closure", "Night shifts were not briefed."), ("extend", "Waiting for new guidance."),
        ("escalate", "Needs the chief officer group.")]
    assert "Escalated to Chris Chief (chris@police.uk)" in main_text(html)
    history = [row[2] for row in table_rows(html, "Changes to")]
    assert "Board escalated the recommendation to chris@police.uk. Rationale: Needs the chief officer group." in history

    told = [(m["To"], m["Subject"], m.get_content()) for m in mailbox]
    assert [(to, subject) for to, subject, _ in told] == [
        (OWNER, f"{reference}: the board has not closed it"),
        (OWNER, f"{reference} is now due on {new_due.day} {new_due:%B %Y}"),
        (OWNER, f"{reference} has been escalated"),
        (chief.email, f"{reference} is escalated to you")]
    assert "The board's reason: Night shifts were not briefed." in told[0][2]
    assert "The board's reason: Waiting for new guidance." in told[1][2]
    assert "to Chris Chief" in told[2][2] and "The board's reason: Needs the chief officer group." in told[3][2]
    assert f"/recommendations/{recommendation_id}" in told[3][2]
    assert chiefs_browser.get(page).status_code == 200  # the officer it is escalated to can open it
    assert f"Board extended the due date to {long_date(new_due)}. Rationale: Waiting for new guidance." in history
    assert "Closure rejected: back to in progress. Rationale: Night shifts were not briefed." in history


# Editing without lost updates --------------------------------------------------------------------------------


def test_reviewer_edits_a_recommendation_and_a_new_owner_is_emailed(reviewer, debrief_id, read_db, mailbox):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    form = html_of(reviewer, f"{page}/edit")
    assert input_value(form, "version") == "1"
    assert input_value(form, "owner_email") == OWNER
    mailbox.clear()
    html = html_of(reviewer, saved(post_form(reviewer, f"{page}/edit", {
        "version": "1", "text": "Brief every response officer and supervisor.", "owner_email": OTHER_OWNER,
        "due_date": input_due(form), "priority": "medium"})))
    assert success_banner(html).startswith("Changes to REC-")
    record = stored(read_db, recommendation_id)
    assert (record.text, record.owner.email, record.priority) == (
        "Brief every response officer and supervisor.", OTHER_OWNER, "medium")
    assert record.version > 1
    assert [m["To"] for m in mailbox] == [OTHER_OWNER]
    [changed] = [row[2] for row in table_rows(html, "Changes to") if row[2].startswith("Changed:")]
    assert f"owner from {OWNER} to {OTHER_OWNER}" in changed
    assert "priority from high to medium" in changed


def input_due(form_html: str) -> list[str]:
    return [input_value(form_html, f"due_date-{p}") for p in ("day", "month", "year")]


def test_a_stale_edit_shows_what_changed_and_keeps_what_was_typed(reviewer, board, debrief_id, read_db):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    reviewers_form = html_of(reviewer, f"{page}/edit")  # version 1, left open
    board_form = html_of(board, f"{page}/edit")
    saved(board.post(f"{page}/edit", data={
        "csrf_token": csrf_token_from(board_form), "version": "1", "text": "Reworded by the board.",
        "owner_email": OWNER, "due_date": input_due(board_form), "priority": "low"}))

    typed = {"csrf_token": csrf_token_from(reviewers_form), "version": "1",
             "text": "The reviewer's own <wording>.", "owner_email": OWNER, "due_date": input_due(reviewers_form),
             "priority": "high"}
    response = reviewer.post(f"{page}/edit", data=typed)
    html = response.get_data(as_text=True)
    summary = refused_with(response)
    assert summary[0] == ("Someone else changed the text to: Reworded by the board.", "#text")
    assert summary[1] == ("Someone else changed the priority to: low", "#priority")
    assert summary[2][0].startswith("Someone else changed REC-")
    assert summary[2][0].endswith("Nothing you typed has been saved: it is still in the form.")
    changed = [li.text for li in parse(html).find("div", id="what-changed").find_all("li")]
    assert changed == ["Text: now Reworded by the board.", "Priority: now low"]
    # What the reviewer typed is still there; the form now carries the version they have seen.
    assert input_value(html, "text") == "The reviewer's own <wording>."
    assert "The reviewer&#39;s own &lt;wording&gt;." in html
    assert is_checked(html, "priority", "high")
    now = stored(read_db, recommendation_id)
    assert now.text == "Reworded by the board."
    assert input_value(html, "version") == str(now.version)

    # Saving again, knowingly, replaces the board's change.
    saved(reviewer.post(f"{page}/edit", data={**typed, "version": str(now.version)}))
    record = stored(read_db, recommendation_id)
    assert (record.text, record.priority) == ("The reviewer's own <wording>.", "high")
    assert record.version > now.version


def test_an_edit_made_before_the_owner_added_progress_says_so(reviewer, owner, debrief_id, read_db):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    form = html_of(reviewer, f"{page}/edit")
    respond(owner, recommendation_id, "Plan agreed with the training school.")
    saved(post_form(owner, f"{page}/updates/new", {"kind": "progress", "text": "Two shifts briefed."}))
    response = reviewer.post(f"{page}/edit", data={
        "csrf_token": csrf_token_from(form), "version": input_value(form, "version"), "text": "Reworded.",
        "owner_email": OWNER, "due_date": input_due(form), "priority": "high"})
    refused_with(response)
    changed = [li.text for li in parse(response.get_data(as_text=True)).find("div", id="what-changed").find_all("li")]
    assert "Status: now in progress" in changed
    assert "Progress added: Two shifts briefed." in changed
    assert stored(read_db, recommendation_id).text == "Brief every response officer on repeat threats."


def test_a_closed_recommendation_cannot_be_edited(reviewer, owner, learning, board, debrief_id):
    recommendation_id = awaiting_closure(reviewer, owner, learning, debrief_id)
    page = f"/recommendations/{recommendation_id}"
    saved(post_form(board, f"{page}/close", {"closure_code": "implemented"}))
    assert "Edit" not in buttons(html_of(reviewer, page))
    response = reviewer.get(f"{page}/edit")
    assert response.headers["Location"] == page
    banners = [b.text for b in parse(html_of(reviewer, page)).find_all("div", cls="govuk-notification-banner")]
    assert any("is closed now, so you cannot change it." in banner for banner in banners), banners


def test_only_reviewers_and_the_board_edit_recommendations(browsers, reviewer, debrief_id):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    for email in (OWNER, LEARNING, ANALYST):
        assert browsers(email).get(f"/recommendations/{recommendation_id}/edit").status_code == 403, email
        assert post(browsers(email), f"/recommendations/{recommendation_id}/edit",
                    {"version": "1", "text": "x"}).status_code == 403
    assert browsers(BOARD).get(f"/recommendations/{recommendation_id}/edit").status_code == 200


# Workspaces --------------------------------------------------------------------------------------------------


def make_recommendations(app, debrief_id: int, count: int, *, owner: str = OWNER, due_days: int = 30,
                         to: str | None = None, product: str | None = None) -> list[int]:
    """Recommendations written straight through the services, for lists (the forms are tested above)."""
    with app.app_context():
        reviewer, board_member = accounts.find_by_email(REVIEWER), accounts.find_by_email(BOARD)
        debrief = db.session.get(Debrief, debrief_id)
        ids = []
        for n in range(count):
            record = recommendations.create(debrief, text=f"Recommendation number {n}", owner_email=owner,
                                            due_date=london_today() + timedelta(days=due_days), actor=reviewer)
            if product:
                learning_products.add(record, kind=product, title=f"Product {n}", audience=["response"],
                                      actor=reviewer)
            if to in ("in_progress", "awaiting_closure"):
                recommendations.transition(record, to="in_progress", note="Plan", actor=board_member)
            if to == "awaiting_closure":
                recommendations.transition(record, to="awaiting_closure", note="Done", actor=board_member)
            ids.append(record.id)
        db.session.commit()
        return ids


def set_due_date(app, recommendation_id: int, due: date) -> None:
    """Time passing: a due date now in the past (the services refuse to set one)."""
    with app.app_context():
        db.session.execute(sa.update(Recommendation).where(Recommendation.id == recommendation_id)
                           .values(due_date=due))
        db.session.commit()


def references(html: str) -> list[str]:
    return re.findall(r">(REC-\d{4}-\d{4})<", html)


def reference_of(app, recommendation_id: int) -> str:
    with app.app_context():
        return db.session.get(Recommendation, recommendation_id).reference


def test_my_actions_lists_the_owners_open_recommendations_with_what_is_overdue_or_due_soon(
        app, owner, debrief_id):
    later, soon, overdue, responded, waiting, closed = (
        make_recommendations(app, debrief_id, 1, due_days=days)[0] for days in (40, 3, 20, 10, 9, 8))
    set_due_date(app, overdue, london_today() - timedelta(days=2))
    make_recommendations(app, debrief_id, 1, owner=OTHER_OWNER)
    with app.app_context():
        board_member = accounts.find_by_email(BOARD)
        for record_id, moves in ((responded, ["in_progress"]), (waiting, ["in_progress", "awaiting_closure"]),
                                 (closed, ["in_progress", "awaiting_closure", "closed"])):
            record = db.session.get(Recommendation, record_id)
            for move in moves:
                recommendations.transition(record, to=move, note="x", closure_code="superseded" if move == "closed"
                                           else None, actor=board_member)
        db.session.commit()

    html = html_of(owner, "/my-actions")
    rows = table_rows(html, "5 recommendations")
    assert [row[0].split(" ")[0] for row in rows] == [reference_of(app, i) for i in (overdue, soon, waiting,
                                                                                    responded, later)]
    by_reference = {row[0].split(" ")[0]: row for row in rows}
    assert by_reference[reference_of(app, overdue)][1].endswith("2 days overdue Overdue")
    assert by_reference[reference_of(app, soon)][1].endswith("3 days left Due soon")
    assert by_reference[reference_of(app, later)][1].endswith("40 days left")
    assert by_reference[reference_of(app, waiting)][1] == long_date(london_today() + timedelta(days=9))
    next_steps = {row.find("a").text: [li.text for li in row.find_all("li")]
                  for row in parse(html).find("tbody").find_all("tr")}
    later_ref, responded_ref = reference_of(app, later), reference_of(app, responded)
    respond_by = long_date(london_today() + timedelta(days=14))
    assert next_steps[later_ref] == [f"Respond to {later_ref} Respond by {respond_by}",
                                     f"Add progress or evidence to {later_ref}"]
    assert next_steps[responded_ref] == [f"Add progress or evidence to {responded_ref}",
                                         f"Ask for closure of {responded_ref}"]
    assert next_steps[reference_of(app, waiting)][-1] == "Waiting for the governance board"

    home = html_of(owner, "/")
    section = parse(home).find("section", aria_labelledby="owner-heading").text
    assert "You have 5 recommendations to work on." in section
    assert f"{reference_of(app, overdue)} – due {long_date(london_today() - timedelta(days=2))} Overdue" in section
    assert 'href="/my-actions"' in home


def test_my_actions_pages_through_a_long_list(app, owner, debrief_id):
    ids = make_recommendations(app, debrief_id, 27)
    first = html_of(owner, "/my-actions")
    assert len(table_rows(first, "27 recommendations")) == 25
    assert 'href="/my-actions?page=2"' in first
    second = html_of(owner, "/my-actions?page=2")
    assert references(second) == [reference_of(app, i) for i in ids[25:]]
    assert references(html_of(owner, "/my-actions?page=9")) == references(second)  # past the end: the last page


def test_the_learning_queue_lists_recommendations_with_no_product_and_products_in_development(
        app, learning, debrief_id):
    bare = make_recommendations(app, debrief_id, 2)
    with_product = make_recommendations(app, debrief_id, 1, product="e_learning")
    delivered = make_recommendations(app, debrief_id, 1, product="briefing")
    make_recommendations(app, debrief_id, 1, to="awaiting_closure")
    with app.app_context():
        learning_member = accounts.find_by_email(LEARNING)
        product = db.session.scalars(sa.select(LearningProduct).where(
            LearningProduct.recommendation_id == delivered[0])).one()
        learning_products.update(product, status="delivered", delivered_on=london_today(), actor=learning_member)
        db.session.commit()

    html = html_of(learning, "/learning-queue")
    needing = table_rows(html, "3 recommendations")
    assert [row[0].split(" ")[0] for row in needing][:2] == [reference_of(app, i) for i in bare]
    developing = table_rows(html, "1 product")
    assert developing[0][0].startswith("Product 0 E-learning")
    assert developing[0][1] == reference_of(app, with_product[0])
    assert developing[0][2] == "Planned"

    home = parse(html_of(learning, "/")).find("section", aria_labelledby="learning-heading").text
    assert "3 recommendations have no learning product yet" in home
    assert "1 product is planned or in development" in home

    make_recommendations(app, debrief_id, 25, product="toolkit")
    first = html_of(learning, "/learning-queue")
    assert len(table_rows(first, "26 products")) == 25
    assert 'href="/learning-queue?products_page=2#developing"' in first
    assert len(table_rows(html_of(learning, "/learning-queue?products_page=2"), "26 products")) == 1


def test_the_board_sees_what_is_awaiting_closure_beside_its_evidence_and_products(
        app, reviewer, owner, learning, board, debrief_id):
    recommendation_id = awaiting_closure(reviewer, owner, learning, debrief_id, product_kind="email_bulletin")
    make_recommendations(app, debrief_id, 2)
    overdue = make_recommendations(app, debrief_id, 1, owner=OTHER_OWNER)[0]
    set_due_date(app, overdue, london_today() - timedelta(days=1))

    html = html_of(board, "/board")
    figures = {row.find("dt").text: row.find("dd").text
               for row in parse(html).find_all("div", cls="govuk-summary-list__row")}
    assert figures["Open recommendations"] == "4"
    assert figures["Awaiting closure"] == "1"
    assert figures["Overdue"] == "1"
    text = main_text(html)
    reference = reference_of(app, recommendation_id)
    assert "1 recommendation the owner says is done" in text
    assert "What was done – " in text and "Every shift has been briefed." in text
    assert "Repeat threats briefing Delivered" in text
    assert "This cannot close as implemented or alternative action: it has only awareness-only products " \
           "(email bulletin) delivered." in text
    links = {a.text: a.attrs["href"] for a in parse(html).find_all("a", cls="govuk-button")}
    assert links[f"Close {reference}"] == f"/recommendations/{recommendation_id}/close"
    assert links[f"Reject closure of {reference}"] == f"/recommendations/{recommendation_id}/reject-closure"
    assert links[f"Extend {reference}"] == f"/recommendations/{recommendation_id}/extend"
    assert links[f"Escalate {reference}"] == f"/recommendations/{recommendation_id}/escalate"
    assert table_rows(html, "1 past their due date")[0][0].startswith(reference_of(app, overdue))
    owners = table_rows(html, "Open and overdue recommendations by owner")
    assert owners[0] == [f"Olive Owner {OTHER_OWNER}", "1", "1"]
    assert owners[1] == [f"Omar Owner {OWNER}", "3", "0"]

    home = parse(html_of(board, "/")).find("section", aria_labelledby="board-heading").text
    assert "1 awaiting closure" in home and "1 overdue" in home and "4 open in all" in home


def test_the_board_queue_pages_through_a_long_list(app, board, debrief_id):
    ids = make_recommendations(app, debrief_id, 11, to="awaiting_closure")
    first = html_of(board, "/board")
    assert "11 recommendations the owner says are done" in first
    assert len(parse(first).find_all("a", cls="govuk-button")) == 10 * 4 + 1  # ten cards a page, and today's board pack
    assert 'href="/board?page=2#awaiting"' in first
    second = html_of(board, "/board?page=2")
    assert f"/recommendations/{ids[-1]}/close" in second
    assert f"/recommendations/{ids[0]}/close" not in second


# Who sees which workspace ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("email, allowed", [
    (OWNER, "/my-actions"), (LEARNING, "/learning-queue"), (BOARD, "/board"), (REVIEWER, None), (ANALYST, None)])
def test_each_workspace_is_for_its_role(browsers, email, allowed):
    browser = browsers(email)
    links = {a.attrs["href"] for a in parse(html_of(browser, "/")).find_all("a", cls="govuk-service-navigation__link")}
    for path in ("/my-actions", "/learning-queue", "/board"):
        assert browser.get(path).status_code == (200 if path == allowed else 403), path
        assert (path in links) == (path == allowed), path


def test_someone_signed_out_is_sent_to_sign_in_from_every_new_page(client, reviewer, debrief_id):
    recommendation_id = write_recommendation(reviewer, debrief_id)
    for path in ("/my-actions", "/learning-queue", "/board", f"/recommendations/{recommendation_id}",
                 f"/recommendations/{recommendation_id}/respond", f"/recommendations/{recommendation_id}/edit",
                 f"/debriefs/{debrief_id}/lessons/new", "/products/1/progress"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in"), path


def test_an_unknown_recommendation_is_a_404(browsers):
    assert browsers(BOARD).get("/recommendations/999999").status_code == 404
    assert browsers(OWNER).get("/recommendations/999999/respond").status_code == 404


# Escaping -------------------------------------------------------------------------------------------------------


def test_what_people_type_is_shown_as_text_never_as_markup(app, reviewer, owner, learning, board, debrief_id):
    add_lesson(reviewer, debrief_id, text=SCRIPT)
    lesson_id = app_lesson_id(app, debrief_id)
    recommendation_id = write_recommendation(reviewer, debrief_id, text=SCRIPT, lesson_ids=[str(lesson_id)])
    respond(owner, recommendation_id, note=SCRIPT)
    product_id = add_product(learning, recommendation_id, title=SCRIPT, kind="intranet_article")
    saved(post_form(learning, f"/products/{product_id}/progress", {
        "status": "delivered", "delivered_on": parts(london_today()), "evidence": SCRIPT}))
    ask_for_closure(owner, recommendation_id, note=SCRIPT)
    for browser, path in ((reviewer, f"/debriefs/{debrief_id}"), (board, f"/recommendations/{recommendation_id}"),
                          (board, "/board"), (owner, "/my-actions"), (learning, "/learning-queue"),
                          (board, f"/recommendations/{recommendation_id}/close"),
                          (learning, f"/products/{product_id}/progress")):
        html = html_of(browser, path)
        assert SCRIPT not in html, path
    page = html_of(board, f"/recommendations/{recommendation_id}")
    assert page.count(ESCAPED_SCRIPT) >= 5
    saved(post_form(board, f"/recommendations/{recommendation_id}/reject-closure", {"rationale": SCRIPT}))
    page = html_of(board, f"/recommendations/{recommendation_id}")
    assert SCRIPT not in page
    assert f"Rationale: {ESCAPED_SCRIPT}" in page
    assert stored_products(app, recommendation_id)[0].title == SCRIPT
