"""Welsh beside English for signing in, the home pages, administration and the error pages: every word
a person reads is Welsh on a Welsh page, and the reference data an administrator edits carries its Welsh
(an incident class's Welsh label, an agency's Welsh name and the language its contacts are invited in)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import abort

from debrief.extensions import db
from debrief.models import Agency, AuditEvent, IncidentType
from debrief.sample_data import welsh
from debrief.services import agencies, reference_data
from debrief.services.errors import ValidationFailed
from tests.conftest import SignIn, csrf_token_from, make_app
from tests.html import english_left, error_summary, parse, problems, success_banner, table_rows

WELSH = {"Accept-Language": "cy"}
#: "partner" is Welsh too ("asiantaethau partner", the glossary's term), though english_left counts it as English.
PARTNER = ("asiantaethau partner", "Asiantaethau partner", "Cyfraniad partner")
ROLES = ("reviewer", "owner", "learning", "board", "analyst", "admin")


def welsh_browser(app, email: str):
    """A browser signed in as `email` that has chosen Welsh with the language link."""
    browser = app.test_client()
    assert SignIn(browser).sign_in(email).status_code == 302
    browser.get("/?lang=cy")
    return browser


def page(browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def post(browser, path: str, **data):
    token = csrf_token_from(page(browser, path))
    return browser.post(path, data={"csrf_token": token, **data})


@pytest.fixture
def admin(app, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    return welsh_browser(app, "adam@police.uk")


# Signing in ------------------------------------------------------------------------------------------------


def test_the_sign_in_page_reads_in_welsh(client):
    html = client.get("/sign-in", headers=WELSH).get_data(as_text=True)
    assert parse(html).find("h1").text == "Mewngofnodi i Rapid Debrief"
    assert "Cyfeiriad e-bost" in html and "Cyfrinair" in html
    assert english_left(html, allow=PARTNER) == []


def test_a_wrong_password_is_refused_in_welsh(client, make_user):
    make_user("riya@police.uk", "reviewer")
    token = csrf_token_from(client.get("/sign-in", headers=WELSH).get_data(as_text=True))
    response = client.post("/sign-in", headers=WELSH,
                           data={"csrf_token": token, "email": "riya@police.uk", "password": "not-the-password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_summary(html) == [("Rhowch gyfeiriad e-bost a chyfrinair cywir", "#email")]
    assert "Gwall:" in parse(html).find("title").text
    assert english_left(html, allow=("riya@police.uk", *PARTNER)) == []


def test_a_page_that_needs_signing_in_says_so_in_welsh(client):
    response = client.get("/admin/users", headers=WELSH)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    html = client.get(response.headers["Location"], headers=WELSH).get_data(as_text=True)
    assert "Mewngofnodwch i weld y dudalen honno." in html
    assert "Sign in to see that page." in client.get("/admin/users", follow_redirects=True).get_data(as_text=True)


def test_signing_out_is_confirmed_in_welsh(app, make_user):
    make_user("riya@police.uk", "reviewer")
    browser = welsh_browser(app, "riya@police.uk")
    token = csrf_token_from(page(browser, "/"))
    html = browser.post("/sign-out", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert success_banner(html) == "Rydych wedi allgofnodi."


# Home pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_home_page_reads_in_welsh(app, make_user, role):
    make_user(f"{role}@police.uk", role, name="Sam Example")
    html = page(welsh_browser(app, f"{role}@police.uk"), "/")
    assert parse(html).find("h1").text == "Croeso, Sam Example"
    assert english_left(html, allow=("Sam Example", *PARTNER)) == []


def test_a_home_page_with_every_role_reads_in_welsh(app, make_user):
    make_user("all@police.uk", *ROLES, name="Sam Example")
    html = page(welsh_browser(app, "all@police.uk"), "/")
    headings = [h2.text for h2 in parse(html).find_all("h2")]
    assert headings == ["Fy ôl-drafodaethau agored", "Fy nghamau gweithredu", "Ciw dysgu", "Bwrdd llywodraethu",
                        "Dadansoddi", "Gweinyddu"]
    navigation = [link.text for link in parse(html).find_all("a", cls="govuk-service-navigation__link")]
    assert "Hafan" in navigation and "Ôl-drafodaethau" in navigation and "Gweinyddu" in navigation
    assert english_left(html, allow=("Sam Example", *PARTNER)) == []


def test_a_reviewers_debrief_on_the_home_page_shows_its_type_in_welsh(app, make_user, api_token):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    from tests.builders import open_debrief

    opened = open_debrief(app.test_client(), api_token("riya@police.uk"))
    html = page(welsh_browser(app, "riya@police.uk"), "/")
    item = parse(html).find("ul", id="my-debriefs").find("li").text
    assert item.startswith(f"{opened['reference']} – Llofruddiaeth, rhoddwyd gwybod: ")


# Administration --------------------------------------------------------------------------------------------


def test_the_users_page_reads_in_welsh(admin, make_user):
    make_user("bea@police.uk", "board", "analyst", name="Bea Board")
    html = page(admin, "/admin/users")
    assert parse(html).find("h1").text == "Defnyddwyr"
    rows = table_rows(html, "Cyfrifon staff")
    assert ["Bea Board", "bea@police.uk", "DadansoddwrBwrdd llywodraethu", "Gweithredol",
            "Golygu Bea Board Gosod cyfrinair ar gyfer Bea Board Dadactifadu Bea Board"] in rows
    assert english_left(html, allow=(*PARTNER, "Adam Admin", "Bea Board")) == []


def test_the_users_list_pages_in_welsh(app, admin, make_user):
    for n in range(50):
        make_user(f"person{n:02d}@police.uk", "owner", name=f"Person {n:02d}")
    html = page(admin, "/admin/users")
    pagination = parse(html).find("nav", cls="govuk-pagination")
    assert pagination.attrs["aria-label"] == "Tudalennau"
    assert pagination.find("a", rel="next").text == "Nesaf : Tudalen 2 o 2"
    html = page(admin, "/admin/users?page=2")
    assert parse(html).find("a", rel="prev").text == "Blaenorol : Tudalen 1 o 2"


def test_a_new_user_form_error_reads_in_welsh(admin):
    response = post(admin, "/admin/users/new", name="", email="not-an-email", password="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert problems(html) == ("Rhowch enw’r defnyddiwr "
                              "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@police.uk "
                              "Dewiswch o leiaf un rôl Rhaid i’r cyfrinair fod yn 12 nod neu fwy")
    assert english_left(html, allow=(*PARTNER, "Adam Admin", "not-an-email")) == []


def test_the_incident_classes_page_reads_in_welsh_with_the_welsh_labels(app, admin):
    html = page(admin, "/admin/incident-types")
    assert parse(html).find("h1").text == "Dosbarthiadau digwyddiad"
    rows = table_rows(html, "Dosbarthiadau digwyddiad")
    assert rows[0][:3] == ["Murder Label Cymraeg: Llofruddiaeth", "Dynladdiad", "Mewn defnydd"]
    assert rows[-1][1] == "Achos a fu bron yn angheuol"
    assert parse(html).find("span", lang="cy").text == "Llofruddiaeth"
    english = [kind.label for kind in _incident_types(app)]
    assert english_left(html, allow=(*PARTNER, "Adam Admin", *english)) == []


def test_an_administrator_adds_an_incident_class_with_its_welsh_label(app, admin, read_db):
    response = post(admin, "/admin/incident-types", label="Arson with intent to endanger life",
                    label_cy="Llosgi bwriadol gyda’r bwriad o beryglu bywyd", is_homicide="no")
    assert response.status_code == 302
    html = page(admin, "/admin/incident-types")
    assert success_banner(html) == ("Gellir dewis Llosgi bwriadol gyda’r bwriad o beryglu bywyd ar gyfer "
                                    "ôl-drafodaethau newydd nawr.")
    kind = read_db(lambda s: s.scalar(sa.select(IncidentType).where(IncidentType.code == "arson_with_intent_to_endanger_life")))
    assert kind.label_cy == "Llosgi bwriadol gyda’r bwriad o beryglu bywyd"
    created = read_db(lambda s: s.scalar(sa.select(AuditEvent).where(AuditEvent.entity == "incident_type",
                                                                     AuditEvent.entity_id == kind.id)))
    assert created.changes["label_cy"] == kind.label_cy


def test_an_incident_class_form_error_reads_in_welsh(admin):
    response = post(admin, "/admin/incident-types", label="Murder", label_cy="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert problems(html) == ("Mae dosbarth digwyddiad gyda’r enw hwn yn bodoli’n barod "
                              "Dewiswch ai dynladdiad neu achos a fu bron yn angheuol yw hwn")


def test_a_welsh_label_is_held_to_the_same_limits_as_the_english(app):
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            reference_data.add_incident_type(label="Poisoning", label_cy="x" * 121, is_homicide=False, actor=None)
        assert set(refused.value.fields) == {"label_cy"}
        with pytest.raises(ValidationFailed) as refused:
            reference_data.add_incident_type(label="Poisoning", label_cy="Gwenwyno\x00", is_homicide=False,
                                             actor=None)
        assert set(refused.value.fields) == {"label_cy"}
        db.session.rollback()
        kind = reference_data.add_incident_type(label="Poisoning", label_cy="  Gwenwyno  ", is_homicide=False,
                                                actor=None)
        assert kind.label_cy == "Gwenwyno"
        assert reference_data.add_incident_type(label="Arson", label_cy="  ", is_homicide=False,
                                                actor=None).label_cy is None


def test_an_administrator_adds_a_welsh_agency_invited_in_welsh(app, admin, read_db):
    response = post(admin, "/admin/agencies", name="Hywel Dda University Health Board",
                    name_cy="Bwrdd Iechyd Prifysgol Hywel Dda", kind="health", language="cy")
    assert response.status_code == 302
    html = page(admin, "/admin/agencies")
    assert success_banner(html) == "Gellir gwahodd Bwrdd Iechyd Prifysgol Hywel Dda i ôl-drafodaethau nawr."
    agency = read_db(lambda s: s.scalar(sa.select(Agency).where(Agency.name == "Hywel Dda University Health Board")))
    assert (agency.name_cy, agency.language) == ("Bwrdd Iechyd Prifysgol Hywel Dda", "cy")
    row = next(row for row in table_rows(html, "Asiantaethau partner") if row[0].startswith("Hywel Dda"))
    assert row[:3] == ["Hywel Dda University Health Board Enw Cymraeg: Bwrdd Iechyd Prifysgol Hywel Dda "
                       "Gwahoddir yn Gymraeg", "Iechyd", "Mewn defnydd"]
    assert english_left(html, allow=(*PARTNER, "Adam Admin", "Hywel Dda University Health Board",
                                     "As partners know it, for example Mid and South Essex NHS Foundation Trust")) == [
        "Fel y mae partneriaid yn ei hadnabod, er enghraifft Mid and South Essex NHS Foundation Trust"]


def test_an_agency_is_invited_in_english_unless_the_administrator_chooses_welsh(app):
    with app.app_context():
        agency = agencies.add(name="Seedford Homes", kind="housing", actor=None)
        assert (agency.name_cy, agency.language) == (None, "en")
        with pytest.raises(ValidationFailed) as refused:
            agencies.add(name="Seedmouth Homes", kind="housing", language="fr", name_cy="x" * 161, actor=None)
        assert set(refused.value.fields) == {"language", "name_cy"}


def test_the_agency_form_offers_the_language_for_invitations(admin):
    html = page(admin, "/admin/agencies")
    radios = {radio.attrs["value"]: radio for radio in parse(html).find_all("input", name="language")}
    assert set(radios) == {"en", "cy"} and "checked" in radios["en"].attrs
    assert "Iaith y gwahoddiadau" in html and "Enw Cymraeg (dewisol)" in html


def test_the_deadline_policy_page_reads_in_welsh(admin):
    html = page(admin, "/admin/deadline-policy")
    rows = {row[0]: row[1:] for row in table_rows(html, "Clociau sydd mewn grym")}
    # Each clock by its Welsh name, from the policy file's label_cy.
    assert rows["Cyfarfod yr ôl-drafodaeth gyflym"][:3] == ["Pob ôl-drafodaeth", "Pan roddir gwybod am y digwyddiad",
                                                            "7 diwrnod calendr"]
    assert rows["Hysbysiad adolygiad dynladdiad ag arf ymosodol"][2] == "1 mis"
    assert english_left(html, allow=(*PARTNER, "Adam Admin",)) == []


def test_the_outbox_and_the_read_trail_read_in_welsh(admin):
    assert english_left(page(admin, "/admin/outbox"), allow=(*PARTNER, "Adam Admin",)) == []
    assert english_left(page(admin, "/admin"), allow=(*PARTNER, "Adam Admin",)) == []
    html = page(admin, "/admin/read-trail?number=12")
    assert english_left(html, allow=(*PARTNER, "Adam Admin",)) == []


def test_a_read_trail_filter_error_reads_in_welsh(app, admin):
    response = admin.get("/admin/read-trail?person=nobody@police.uk&number=12x")
    assert response.status_code == 400
    assert problems(response.get_data(as_text=True)) == ("Nid oes defnyddiwr gyda’r cyfeiriad e-bost hwnnw "
                                                         "Rhaid i rif y cofnod fod yn rhif cyfan, fel 12")


# The character count ---------------------------------------------------------------------------------------


def test_the_character_count_counts_in_welsh(app, make_user):
    make_user("riya@police.uk", "reviewer")
    html = page(welsh_browser(app, "riya@police.uk"), "/debriefs/new")
    count = parse(html).find("div", id=None, cls="govuk-character-count")
    assert count is not None
    assert count.attrs["data-i18n.characters-under-limit.other"] == "Mae gennych %{count} nod ar ôl"
    assert count.attrs["data-i18n.characters-under-limit.two"] == "Mae gennych %{count} nod ar ôl"
    assert count.attrs["data-i18n.characters-over-limit.many"] == "Mae gennych %{count} nod yn ormod"
    assert count.attrs["data-i18n.characters-at-limit"] == "Mae gennych 0 nod ar ôl"
    assert "Gallwch ddefnyddio hyd at 10,000 nod" in html


# Error pages ----------------------------------------------------------------------------------------------


def test_page_not_found_reads_in_welsh(client):
    response = client.get("/no-such-page", headers=WELSH)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert parse(html).find("h1").text == "Heb ddod o hyd i’r dudalen"
    assert english_left(html) == []


def test_a_page_someone_may_not_see_says_so_in_welsh(app, make_user):
    make_user("riya@police.uk", "reviewer")
    response = welsh_browser(app, "riya@police.uk").get("/admin/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert parse(html).find("h1").text == "Nid oes gennych ganiatâd i weld y dudalen hon"
    assert english_left(html, allow=("Riya Reviewer",)) == []


def test_an_unexpected_error_reads_in_welsh(database_url):
    failing = make_app(database_url)

    @failing.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @failing.get("/gone")
    def gone():
        abort(410)

    response = failing.test_client().get("/boom", headers=WELSH)
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert parse(html).find("h1").text == "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth"
    assert english_left(html) == [] and "secret" not in html
    assert failing.test_client().get("/boom").status_code == 500
    assert "Sorry, there is a problem" in failing.test_client().get("/boom").get_data(as_text=True)
    assert english_left(failing.test_client().get("/gone", headers=WELSH).get_data(as_text=True)) == []


def test_the_apis_own_error_messages_follow_accept_language(client):
    welsh_answer = client.get("/api/v1/no-such-thing", headers=WELSH).get_json()["error"]
    english_answer = client.get("/api/v1/no-such-thing").get_json()["error"]
    assert welsh_answer["code"] == english_answer["code"] == "not_found"
    assert welsh_answer["message"] == "Nid oes dim yn y cyfeiriad hwn. Gwiriwch y llwybr a’r rhif adnabod."
    assert english_answer["message"] == "There is nothing at this address. Check the path and the id."


def test_too_many_sign_in_attempts_are_explained_in_welsh(app, make_user):
    make_user("riya@police.uk", "reviewer")
    browser = app.test_client()
    for _attempt in range(6):  # five wrong guesses a minute are allowed (SIGN_IN_RATE_LIMIT)
        token = csrf_token_from(browser.get("/sign-in", headers=WELSH).get_data(as_text=True))
        response = browser.post("/sign-in", headers=WELSH,
                                data={"csrf_token": token, "email": "riya@police.uk", "password": "wrong-password"})
        if response.status_code == 429:
            break
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Rydych wedi rhoi cynnig arni ormod o weithiau mewn cyfnod byr. Arhoswch" in html
    assert english_left(html) == []


# The sample data ------------------------------------------------------------------------------------------


def test_the_default_incident_classes_are_named_in_welsh_and_the_demo_has_a_welsh_agency(app):
    with app.app_context():
        welsh.add_welsh_agencies()
        welsh.add_welsh_agencies()  # twice changes nothing
        db.session.commit()
        assert all(kind.label_cy for kind in reference_data.incident_types())
        board = db.session.scalars(sa.select(Agency).where(Agency.language == "cy")).all()
        assert [(a.name, a.name_cy) for a in board] == [("Betsi Cadwaladr University Health Board",
                                                          "Bwrdd Iechyd Prifysgol Betsi Cadwaladr")]


def _incident_types(app) -> list[IncidentType]:
    with app.app_context():
        kinds = reference_data.incident_types(include_inactive=True)
        db.session.expunge_all()
        return kinds
