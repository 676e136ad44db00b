"""The API's own error messages in Welsh (issue 23): with `Accept-Language: cy` a person reads the
`message` (and the `fields`' messages the API layer writes) in Welsh; `error.code` and the `fields`' keys
are the same as in English, for the programs that read them."""
from __future__ import annotations

import pytest
from flask_babel import lazy_gettext

from debrief.errors import api_error
from debrief.services import validation
from debrief.services.errors import ValidationFailed
from tests.builders import DEBRIEF, make_staff

WELSH = {"Accept-Language": "cy"}


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def both(client, method: str, path: str, headers: dict | None = None, **kwargs):
    """The same request in English and in Welsh: (status, English error, Welsh error)."""
    english = client.open(path, method=method, headers=headers or {}, **kwargs)
    welsh = client.open(path, method=method, headers={**(headers or {}), **WELSH}, **kwargs)
    assert english.status_code == welsh.status_code
    return english.status_code, english.get_json()["error"], welsh.get_json()["error"]


def same_for_programs(english: dict, welsh: dict) -> None:
    assert welsh["code"] == english["code"]
    assert sorted(welsh.get("fields", {})) == sorted(english.get("fields", {}))
    assert welsh["message"] != english["message"]


def test_a_body_that_is_not_json_is_a_400_in_welsh(client, staff):
    status, english, welsh = both(client, "POST", "/api/v1/debriefs", staff["reviewer"], data="{not json",
                                  content_type="application/json")
    assert status == 400 and english["code"] == "bad_request"
    assert english["message"] == "The request body must be a JSON object."
    assert welsh["message"] == "Rhaid i gorff y cais fod yn wrthrych JSON."
    same_for_programs(english, welsh)


def test_no_token_is_a_401_in_welsh(client):
    status, english, welsh = both(client, "GET", "/api/v1/debriefs")
    assert status == 401 and english["code"] == "unauthorized"
    assert english["message"] == "Send a valid API token as 'Authorization: Bearer <token>'."
    assert welsh["message"] == "Anfonwch docyn API dilys fel 'Authorization: Bearer <token>'."
    same_for_programs(english, welsh)


def test_a_role_that_may_not_is_a_403_in_welsh(client, staff):
    status, english, welsh = both(client, "GET", "/api/v1/board/pack.docx", staff["owner"])
    assert status == 403 and english["code"] == "forbidden"
    assert english["message"] == "Your role does not allow this."
    assert welsh["message"] == "Nid yw eich rôl yn caniatáu hyn."
    same_for_programs(english, welsh)


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/debriefs/99999999999999999999"])
def test_nothing_at_an_address_is_a_404_in_welsh(client, staff, path):
    status, english, welsh = both(client, "GET", path, staff["board"])
    assert status == 404 and english["code"] == "not_found"
    assert english["message"] == "There is nothing at this address. Check the path and the id."
    assert welsh["message"] == "Nid oes dim yn y cyfeiriad hwn. Gwiriwch y llwybr a’r rhif adnabod."
    same_for_programs(english, welsh)


def test_a_method_an_address_does_not_take_is_a_405_in_welsh(client, staff):
    status, english, welsh = both(client, "DELETE", "/api/v1/debriefs", staff["reviewer"])
    assert status == 405 and english["code"] == "method_not_allowed"
    assert welsh["message"] == "Nid yw’r cyfeiriad hwn yn derbyn y dull hwnnw."
    same_for_programs(english, welsh)


def test_a_validation_error_is_a_422_in_welsh_with_the_same_fields(client, staff):
    body = {**DEBRIEF, "crime_reference": "42/90001/26", "occurred_at": "1800-01-01T00:00:00+00:00"}
    status, english, welsh = both(client, "POST", "/api/v1/debriefs", staff["reviewer"], json=body)
    assert status == 422 and english["code"] == "validation_error"
    assert english["message"] == "Some of the information is not valid"
    assert welsh["message"] == "Nid yw peth o’r wybodaeth yn ddilys"
    assert english["fields"]["occurred_at"] == "must be in 1900 or later"
    assert welsh["fields"]["occurred_at"] == "rhaid iddo fod yn 1900 neu’n hwyrach"
    same_for_programs(english, welsh)


def test_the_text_rules_speak_welsh(app):
    with app.test_request_context(headers=WELSH):
        errors: dict[str, str] = {}
        validation.text("x" * 6, "note", errors, label="a note", max_length=5)
        validation.choice("maybe", "status", errors, {"open"}, label="a status")
        validation.text("", "reason", errors, label="a reason", required=True)
        assert errors["note"].startswith("Rhaid i ") and errors["note"].endswith(" fod yn 5 nod neu lai")
        assert errors["status"].startswith("Dewiswch ") and errors["status"].endswith(" o’r rhestr")
        assert errors["reason"].startswith("Rhowch ")
    with app.test_request_context():
        errors = {}
        validation.text("x" * 6, "note", errors, label="a note", max_length=5)
        assert errors == {"note": "A note must be 5 characters or fewer"}


def test_a_lazy_message_never_reaches_json(app):
    with app.test_request_context("/api/v1/debriefs", headers=WELSH):
        error = ValidationFailed({"status": lazy_gettext("Select %(label)s", label="a status")},
                                 lazy_gettext("Some of the information is not valid"))
        assert type(error.message) is str and type(error.fields["status"]) is str
        response, status = api_error(422, "validation_error", lazy_gettext("Your role does not allow this."),
                                     {"x": lazy_gettext("Enter %(label)s", label="y")})
        assert status == 422
        assert response.get_json()["error"] == {"code": "validation_error", "message": "Nid yw eich rôl yn caniatáu hyn.",
                                                "fields": {"x": "Rhowch y"}}
