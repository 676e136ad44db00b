"""An administrator gives an existing incident class and agency their Welsh names (and an agency its
invitation language), and Welsh pages show them."""
from __future__ import annotations

import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, IncidentType
from debrief.services import agencies
from tests.conftest import csrf_token_from
from tests.html import english_left, error_summary, input_value, is_checked, parse, success_banner

ADMIN = "ada@police.uk"


def _agency(app, name="Mid and South Essex NHS Foundation Trust") -> int:
    with app.app_context():
        agency = agencies.add(name=name, kind="health", actor=None)
        db.session.commit()
        return agency.id


def _signed_in_admin(client, auth, make_user):
    make_user(ADMIN, "admin", name="Ada Admin")
    auth.sign_in(ADMIN)
    return client


def test_an_agency_made_in_english_gets_its_welsh_name_and_language(app, client, auth, make_user):
    agency_id = _agency(app, "Hywel Dda University Health Board")
    _signed_in_admin(client, auth, make_user)
    listing = client.get("/admin/agencies").get_data(as_text=True)
    link = parse(listing).find("a", href=f"/admin/agencies/{agency_id}/welsh")
    assert link is not None and "Hywel Dda University Health Board" in link.text

    form = client.get(link.attrs["href"]).get_data(as_text=True)
    assert input_value(form, "name_cy") in (None, "") and is_checked(form, "language", "en")
    response = client.post(link.attrs["href"], data={
        "csrf_token": csrf_token_from(form), "name_cy": "Bwrdd Iechyd Prifysgol Hywel Dda", "language": "cy"})
    assert response.status_code == 302
    assert "Bwrdd Iechyd Prifysgol Hywel Dda" in client.get("/admin/agencies").get_data(as_text=True)
    with app.app_context():
        agency = db.session.get(Agency, agency_id)
        assert (agency.name_cy, agency.language) == ("Bwrdd Iechyd Prifysgol Hywel Dda", "cy")

    welsh = client.get("/admin/agencies?lang=cy", follow_redirects=True).get_data(as_text=True)
    assert "Bwrdd Iechyd Prifysgol Hywel Dda" in welsh
    assert english_left(welsh, allow=("Hywel Dda University Health Board", "Ada Admin",
                                     "Mid and South Essex NHS Foundation Trust")) == []


def test_a_welsh_name_too_long_is_refused_with_what_was_typed_kept(app, client, auth, make_user):
    agency_id = _agency(app)
    _signed_in_admin(client, auth, make_user)
    address = f"/admin/agencies/{agency_id}/welsh"
    token = csrf_token_from(client.get(address).get_data(as_text=True))
    response = client.post(address, data={"csrf_token": token, "name_cy": "B" * 161, "language": "fr"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert [message for message, _ in error_summary(html)] == [
        "The agency's Welsh name must be 160 characters or fewer", "Select the language for invitations from the list"]
    assert input_value(html, "name_cy") == "B" * 161
    with app.app_context():
        assert db.session.get(Agency, agency_id).name_cy is None

    client.get(f"{address}?lang=cy")
    welsh = client.post(address, data={"csrf_token": token, "name_cy": "B" * 161, "language": "cy"})
    assert [message for message, _ in error_summary(welsh.get_data(as_text=True))] == [
        "Rhaid i enw Cymraeg yr asiantaeth fod yn 160 nod neu lai"]


def test_an_incident_classs_welsh_label_can_be_changed_and_shows_on_welsh_pages(app, client, auth, make_user):
    _signed_in_admin(client, auth, make_user)
    with app.app_context():
        murder = db.session.scalar(sa.select(IncidentType).where(IncidentType.code == "murder"))
        assert murder.label_cy == "Llofruddiaeth"  # migration 0017 names the default classes in Welsh
        kind_id = murder.id
    address = f"/admin/incident-types/{kind_id}/welsh"
    form = client.get(address).get_data(as_text=True)
    assert input_value(form, "label_cy") == "Llofruddiaeth"
    response = client.post(address, data={"csrf_token": csrf_token_from(form), "label_cy": "Llofruddiaeth (newydd)"},
                           follow_redirects=True)
    assert success_banner(response.get_data(as_text=True)) == "The Welsh for Murder is saved."
    welsh = client.get("/admin/incident-types?lang=cy", follow_redirects=True).get_data(as_text=True)
    assert "Llofruddiaeth (newydd)" in welsh

    token = csrf_token_from(client.get(address).get_data(as_text=True))
    client.post(address, data={"csrf_token": token, "label_cy": ""})
    with app.app_context():
        assert db.session.get(IncidentType, kind_id).label_cy is None  # emptied: English shows instead
