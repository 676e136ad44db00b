"""Reference data an administrator looks after: the incident classes a reviewer chooses from, and the
page that shows the deadline policy in force with each clock's source."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from debrief.models import AuditEvent, IncidentType
from tests.builders import (
    REVIEWER, debrief_form, edit_debrief, open_debrief_through_form, post_form,
)
from tests.conftest import csrf_token_from
from tests.html import (
    ESCAPED_SCRIPT, SCRIPT, deadlines, error_summary, is_checked, parse, success_banner, table_rows,
)

ADMIN = "adam@police.uk"


@pytest.fixture
def admin(make_user, browser_of):
    make_user(ADMIN, "admin", name="Adam Admin")
    return browser_of(ADMIN)


@pytest.fixture
def reviewer(make_user, browser_of):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    return browser_of(REVIEWER)


def add_class(admin, label: str, kind: str | None):
    data = {"label": label}
    if kind is not None:
        data["is_homicide"] = kind
    return post_form(admin, "/admin/incident-types", data)


def class_rows(html: str) -> dict[str, list[str]]:
    return {row[0]: row for row in table_rows(html, "Incident classes")}


def kind_id(read_db, label: str) -> int:
    return read_db(lambda s: s.scalar(sa.select(IncidentType.id).where(IncidentType.label == label)))


def offered_on_the_debrief_form(browser) -> dict[str, str]:
    """The incident classes the form offers: value → label."""
    page = parse(browser.get("/debriefs/new").get_data(as_text=True))
    return {radio.attrs["value"]: page.find("label", for_=radio.attrs["id"]).text
            for radio in page.find_all("input", name="incident_type")}


def class_count(read_db) -> int:
    return read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(IncidentType)))


# Incident classes --------------------------------------------------------------------------------


def test_the_default_incident_classes_are_listed_homicides_first(admin):
    rows = list(class_rows(admin.get("/admin/incident-types").get_data(as_text=True)).values())
    # Each with its Welsh label under it (migration 0017).
    assert [row[:3] for row in rows[:4]] == [["Murder Welsh label: Llofruddiaeth", "Homicide", "In use"],
                                             ["Manslaughter Welsh label: Dynladdiad", "Homicide", "In use"],
                                             ["Infanticide Welsh label: Babanladdiad", "Homicide", "In use"],
                                             ["Corporate manslaughter Welsh label: Dynladdiad corfforaethol",
                                              "Homicide", "In use"]]
    assert all(row[1] == "Near-miss" for row in rows[4:])
    assert len(rows) == 10


def test_admin_adds_an_incident_class_that_reviewers_can_then_choose(admin, reviewer, read_db):
    response = add_class(admin, "  Arson with intent   to endanger life ", "no")
    assert response.status_code == 302
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(html) == "Arson with intent to endanger life can now be chosen for new debriefs."
    assert class_rows(html)["Arson with intent to endanger life"][:3] == [
        "Arson with intent to endanger life", "Near-miss", "In use"]
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.entity == "incident_type"))) == 1

    offered = offered_on_the_debrief_form(reviewer)
    assert offered["arson_with_intent_to_endanger_life"] == "Arson with intent to endanger life"
    debrief_id = open_debrief_through_form(reviewer, incident_type="arson_with_intent_to_endanger_life")
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert parse(html).find("span", cls="govuk-caption-l").text == "Arson with intent to endanger life · Near-miss"
    assert "Home Office homicide index return" not in deadlines(html)


def test_a_homicide_class_an_admin_adds_gets_the_home_office_return(admin, reviewer):
    assert add_class(admin, "Familicide", "yes").status_code == 302
    debrief_id = open_debrief_through_form(reviewer, incident_type="familicide")
    clocks = deadlines(reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True))
    assert clocks["Home Office homicide index return"][1].startswith("Wednesday 2 December 2026")


@pytest.mark.parametrize("label", ["Murder", "  MURDER ", "murder!"])
def test_a_class_with_the_same_name_as_another_is_refused(admin, read_db, label):
    before = class_count(read_db)
    response = add_class(admin, label, "yes")
    assert response.status_code == 400
    assert error_summary(response.get_data(as_text=True)) == [
        ("An incident class with this name already exists", "#label")]
    assert class_count(read_db) == before


def test_a_class_needs_a_name_and_a_kind(admin, read_db):
    before = class_count(read_db)
    response = add_class(admin, "", None)
    assert response.status_code == 400
    assert error_summary(response.get_data(as_text=True)) == [
        ("Enter the name of the incident class", "#label"),
        ("Select whether this is a homicide or a near-miss", "#is_homicide"),
    ]
    response = add_class(admin, "!!!", "no")
    assert error_summary(response.get_data(as_text=True)) == [("The name must contain letters or numbers", "#label")]
    response = add_class(admin, "Kidnap", "maybe")
    assert error_summary(response.get_data(as_text=True)) == [
        ("Select whether this is a homicide or a near-miss", "#is_homicide")]
    assert parse(response.get_data(as_text=True)).find(id="label").attrs["value"] == "Kidnap"
    assert class_count(read_db) == before


def test_a_withdrawn_class_is_not_offered_for_new_debriefs_but_stays_on_those_that_used_it(admin, reviewer, read_db):
    add_class(admin, "Arson with intent", "no")
    debrief_id = open_debrief_through_form(reviewer, incident_type="arson_with_intent")

    arson = kind_id(read_db, "Arson with intent")
    page = admin.get("/admin/incident-types").get_data(as_text=True)
    response = admin.post(f"/admin/incident-types/{arson}/withdraw", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(html) == "Arson with intent is withdrawn: existing debriefs keep it."
    assert class_rows(html)["Arson with intent"][2:] == ["Withdrawn", "Welsh label Arson with intent Restore Arson with intent"]

    assert "arson_with_intent" not in offered_on_the_debrief_form(reviewer)
    response = post_form(reviewer, "/debriefs/new", debrief_form(incident_type="arson_with_intent",
                                                                 crime_reference="42/999/26"))
    assert response.status_code == 400
    assert error_summary(response.get_data(as_text=True)) == [
        ("Select the type of incident from the list", "#incident_type")]

    # The debrief that used it keeps it, on its page, in the list and on its edit form.
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert parse(html).find("span", cls="govuk-caption-l").text == "Arson with intent · Near-miss"
    assert "Arson with intent" in reviewer.get("/debriefs").get_data(as_text=True)
    form = reviewer.get(f"/debriefs/{debrief_id}/edit").get_data(as_text=True)
    assert is_checked(form, "incident_type", "arson_with_intent")
    assert edit_debrief(reviewer, debrief_id, incident_type="arson_with_intent",
                        area="Basildon").status_code == 302

    # Restored, it can be chosen again.
    page = admin.get("/admin/incident-types").get_data(as_text=True)
    admin.post(f"/admin/incident-types/{arson}/restore", data={"csrf_token": csrf_token_from(page)})
    assert "arson_with_intent" in offered_on_the_debrief_form(reviewer)


def test_a_debrief_cannot_be_moved_onto_a_withdrawn_class(admin, reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    page = admin.get("/admin/incident-types").get_data(as_text=True)
    admin.post(f"/admin/incident-types/{kind_id(read_db, 'Infanticide')}/withdraw",
               data={"csrf_token": csrf_token_from(page)})
    response = edit_debrief(reviewer, debrief_id, incident_type="infanticide")
    assert response.status_code == 400
    assert error_summary(response.get_data(as_text=True)) == [
        ("Select the type of incident from the list", "#incident_type")]


def test_markup_in_a_class_name_is_shown_escaped_everywhere(admin, reviewer):
    response = add_class(admin, f"Arson {SCRIPT}", "no")
    assert response.status_code == 302
    html = admin.get("/admin/incident-types").get_data(as_text=True)
    assert SCRIPT not in html
    assert f"Arson {ESCAPED_SCRIPT} can now be chosen" in html
    code = "arson_script_alert_pwned_script"
    form = reviewer.get("/debriefs/new").get_data(as_text=True)
    assert SCRIPT not in form
    assert offered_on_the_debrief_form(reviewer)[code] == f"Arson {SCRIPT}"
    debrief_id = open_debrief_through_form(reviewer, incident_type=code)
    for path in (f"/debriefs/{debrief_id}", "/debriefs", "/"):
        page = reviewer.get(path).get_data(as_text=True)
        assert SCRIPT not in page, path
        assert f"Arson {ESCAPED_SCRIPT}" in page, path


def test_withdrawing_an_unknown_class_is_not_found(admin):
    page = admin.get("/admin/incident-types").get_data(as_text=True)
    assert admin.post("/admin/incident-types/999/withdraw",
                      data={"csrf_token": csrf_token_from(page)}).status_code == 404


# The deadline policy page ------------------------------------------------------------------------


def test_the_deadline_policy_page_lists_every_clock_with_its_source(admin, app):
    html = admin.get("/admin/deadline-policy").get_data(as_text=True)
    rows = {row[0]: row[1:] for row in table_rows(html, "Clocks in force")}
    assert rows["Rapid debrief meeting"] == [
        "Every debrief", "When the incident is reported", "7 calendar days",
        "Force policy (Seedshire Police: as soon as appropriate after the incident)"]
    assert rows["Home Office homicide index return"] == [
        "Homicide", "When the incident is reported", "30 calendar days", "HMICFRS, Homicide prevention (2023)"]
    assert rows["IOPC referral"][2] == "End of the following day"
    assert rows["Child safeguarding notification"][2] == "5 working days"
    assert rows["Child safeguarding rapid review"][1] == "When child safeguarding notification is met"
    assert rows["Child safeguarding rapid review"][3] == "Working Together to Safeguard Children"
    assert rows["Offensive weapon homicide review notification"][2] == "1 month"
    # Every clock the policy in force has, each with its source.
    policy = app.extensions["deadline_policy"]
    assert {label: row[3] for label, row in rows.items()} == {rule.label: rule.source for rule in policy.rules}
    assert "deadline_policy.toml" in html


# Only administrators --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "owner", "learning", "board", "analyst"])
def test_only_administrators_look_after_reference_data(make_user, browser_of, read_db, role):
    make_user(f"{role}@police.uk", role, name=role.title())
    browser = browser_of(f"{role}@police.uk")
    token = csrf_token_from(browser.get("/").get_data(as_text=True))
    murder = kind_id(read_db, "Murder")
    before = class_count(read_db)
    assert browser.get("/admin/incident-types").status_code == 403
    assert browser.get("/admin/deadline-policy").status_code == 403
    assert browser.post("/admin/incident-types", data={"csrf_token": token, "label": "Sneaky",
                                                       "is_homicide": "no"}).status_code == 403
    assert browser.post(f"/admin/incident-types/{murder}/withdraw", data={"csrf_token": token}).status_code == 403
    assert class_count(read_db) == before
    assert read_db(lambda s: s.get(IncidentType, murder).active) is True
    home = browser.get("/").get_data(as_text=True)
    assert "/admin/incident-types" not in home and "/admin/deadline-policy" not in home


def test_someone_signed_out_is_sent_to_sign_in_from_reference_data(client):
    for path in ("/admin/incident-types", "/admin/deadline-policy"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


def test_administrators_find_reference_data_from_their_home_page(admin):
    home = parse(admin.get("/").get_data(as_text=True))
    links = {a.text: a.attrs.get("href") for a in home.find_all("a")}
    assert links["Incident classes"] == "/admin/incident-types"
    assert links["Deadline policy"] == "/admin/deadline-policy"
