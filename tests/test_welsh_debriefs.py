"""The debrief pages, their deadlines and the deadline pages in Welsh; the API's refusals from the debrief and
deadline services in Welsh; and the policy's Welsh clock labels (`label_cy`)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from debrief.services import clocks, deadline_policy
from debrief.services.deadline_policy import DEFAULT_POLICY_FILE, LABEL_MAX, PolicyError
from tests.builders import MURDER, REVIEWER, clock_id, open_debrief_through_form, post_form
from tests.html import english_left, error_summary, parse

WELSH = {"Accept-Language": "cy"}
#: What the tests typed, and the policy's sources (English by design, marked lang="en" on the page).
TYPED = ("42/18812/26", "Op Larch", "Southend", "Man stabbed outside a takeaway on the High Street.",
         "A man died after an assault in Southend.", "Riya Reviewer", "DB-", "Murder")


@pytest.fixture
def reviewer(make_user, browser_of):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    browser = browser_of(REVIEWER)
    browser.get("/?lang=cy")  # the language link: Welsh from now on (cookie and profile)
    return browser


def _mine(html: str) -> str:
    """The page without what other areas draw: the service's navigation (web/navigation.py), the partner
    agencies and the lessons and recommendations sections, and the history lines (debrief/history.py).
    Those areas' own tests read them in Welsh."""
    html = re.sub(r'<ul class="govuk-service-navigation__list".*?</ul>', "", html, flags=re.S)
    for first, upto in (("partners", "meeting"), ("lessons", "history")):
        html = re.sub(rf'<h2 class="govuk-heading-m" id="{first}">.*?(?=<h2 class="govuk-heading-m" id="{upto}">)',
                      "", html, flags=re.S)
    return re.sub(r'(id="history">.*?<tbody class="govuk-table__body">).*?(</tbody>)', r"\1\2", html, flags=re.S)


def test_the_debrief_list_reads_in_welsh(reviewer):
    open_debrief_through_form(reviewer)
    page = reviewer.get("/debriefs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert parse(html).find("html").attrs["lang"] == "cy"
    assert "Ôl-drafodaethau" in html and "1 ôl-drafodaeth" in html
    assert english_left(_mine(html), allow=TYPED) == []
    assert english_left(_mine(reviewer.get("/debriefs?status=meeting_held").get_data(as_text=True)), allow=TYPED) == []


def test_the_debrief_page_and_its_deadlines_read_in_welsh(reviewer):
    debrief_id = open_debrief_through_form(reviewer, prior_police_contact="y")
    html = reviewer.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    assert "Dyddiadau cau" in html
    assert "Cyfarfod yr ôl-drafodaeth gyflym" in html and "Atgyfeiriad i’r IOPC" in html
    deadlines = html[html.index('id="deadlines"'):html.index('id="meeting"')]
    assert "Rapid debrief meeting" not in deadlines
    assert english_left(_mine(html), allow=TYPED) == []


def test_the_form_and_its_errors_read_in_welsh(app, reviewer):
    form = reviewer.get("/debriefs/new").get_data(as_text=True)
    # The incident types are reference data: an administrator gives each its Welsh (label_cy); the seeded ones
    # have none yet. "Partner" is Welsh too.
    with app.app_context():
        from debrief.services import reference_data

        allow = (*TYPED, *(k.label for k in reference_data.incident_types(include_inactive=True)), "Partner")
    assert english_left(_mine(form), allow=allow) == []
    page = post_form(reviewer, "/debriefs/new", {"crime_reference": "", "summary": "",
                                                "occurred_on": ["31", "2", "2026"], "occurred_time": "25:00"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    messages = [text for text, _link in error_summary(html)]
    assert "Dewiswch y math o ddigwyddiad" in messages
    assert "Rhowch y cyfeirnod trosedd" in messages
    assert "Rhowch grynodeb o’r digwyddiad" in messages
    assert "Rhaid i’r dyddiad y digwyddodd y digwyddiad fod yn ddyddiad go iawn, fel 2 11 2026" in messages
    assert "Mae problem wedi codi" in html
    assert english_left(_mine(html), allow=allow) == []


def test_the_meeting_page_and_its_errors_read_in_welsh(reviewer):
    debrief_id = open_debrief_through_form(reviewer)
    html = post_form(reviewer, f"/debriefs/{debrief_id}/meeting",
                     {"held_on": ["", "", ""], "held_time": "", "attendees": "DS Shah, " + "x" * 121}
                     ).get_data(as_text=True)
    messages = [text for text, _link in error_summary(html)]
    assert "Rhowch y dyddiad ar gyfer y cyfarfod" in messages
    assert "Rhaid i asiantaeth mynychwr 1 fod yn 120 nod neu lai" in messages
    assert english_left(_mine(html), allow=(*TYPED, "DS Shah", "x" * 121)) == []


def test_a_deadline_page_and_its_error_read_in_welsh(reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    meeting = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    for action in ("met", "extend", "pause"):
        html = reviewer.get(f"/deadlines/{meeting}/{action}").get_data(as_text=True)
        assert "Cyfarfod yr ôl-drafodaeth gyflym" in html
        assert english_left(_mine(html), allow=TYPED) == [], action
    refused = post_form(reviewer, f"/deadlines/{meeting}/extend", {"due_date": ["1", "1", "2020"], "reason": ""})
    html = refused.get_data(as_text=True)
    messages = [text for text, _link in error_summary(html)]
    assert "Rhowch reswm" in messages
    assert any(m.startswith("Rhaid i’r dyddiad dyledus newydd fod ar ôl yr un presennol") for m in messages)
    assert english_left(_mine(html), allow=TYPED) == []


def test_the_api_refuses_in_welsh_with_its_codes_unchanged(client, make_user, api_token):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    headers = api_token(REVIEWER)
    refused = client.post("/api/v1/debriefs", json={**MURDER, "summary": "", "crime_reference": ""},
                          headers={**headers, **WELSH})
    body = refused.get_json()["error"]
    assert refused.status_code == 422 and body["code"] == "validation_error"
    assert body["message"] == "Nid yw peth o’r wybodaeth yn ddilys"
    assert body["fields"]["summary"] == "Rhowch grynodeb o’r digwyddiad"

    debrief = client.post("/api/v1/debriefs", json=MURDER, headers=headers).get_json()
    meeting = next(d for d in debrief["deadlines"] if d["kind"] == "debrief_meeting")
    assert meeting["label"] == "Rapid debrief meeting"  # the API's label stays as the policy wrote it
    assert client.post(f"/api/v1/deadlines/{meeting['id']}/met", headers=headers).status_code == 200
    again = client.post(f"/api/v1/deadlines/{meeting['id']}/met", headers={**headers, **WELSH})
    error = again.get_json()["error"]
    assert again.status_code == 409 and error["code"] == "invalid_transition"
    assert error["message"].startswith("Cafodd y dyddiad cau ‘Cyfarfod yr ôl-drafodaeth gyflym’ ei fodloni eisoes")
    english = client.post(f"/api/v1/deadlines/{meeting['id']}/met", headers=headers).get_json()["error"]
    assert english["message"].startswith("Rapid debrief meeting was already met on ")


# The policy's Welsh labels ---------------------------------------------------------------------------------

SHIPPED = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")


def test_every_shipped_clock_has_a_welsh_label():
    policy = deadline_policy.load()
    assert all(rule.label_cy and len(rule.label_cy) <= LABEL_MAX for rule in policy.rules)
    assert policy.rule("iopc_referral").label_cy == "Atgyfeiriad i’r IOPC"


@pytest.mark.parametrize(("welsh", "message"), [
    ('"' + "x" * (LABEL_MAX + 1) + '"', "clock 'debrief_meeting': label_cy must be 80 characters or fewer"),
    ('""', "clock 'debrief_meeting': label_cy must be some text"),
    ("7", "clock 'debrief_meeting': label_cy must be some text"),
])
def test_a_welsh_label_is_checked_like_the_english(tmp_path: Path, welsh, message):
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED.replace('label_cy = "Cyfarfod yr ôl-drafodaeth gyflym"', f"label_cy = {welsh}", 1),
                    encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        deadline_policy.load(path)
    assert message in str(raised.value)


def test_a_welsh_label_is_optional(tmp_path: Path):
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED.replace('label_cy = "Cyfarfod yr ôl-drafodaeth gyflym"\n', "", 1), encoding="utf-8")
    assert deadline_policy.load(path).rule("debrief_meeting").label_cy is None


def test_a_clocks_name_follows_the_readers_language(app, reviewer, read_db):
    debrief_id = open_debrief_through_form(reviewer)
    meeting = clock_id(read_db, debrief_id, "Rapid debrief meeting")
    from debrief.extensions import db
    from debrief.i18n import in_language
    from debrief.models import Clock

    with app.app_context():
        clock = db.session.get(Clock, meeting)
        with in_language("cy"):
            assert clocks.clock_name(clock) == "Cyfarfod yr ôl-drafodaeth gyflym"
        with in_language("en"):
            assert clocks.clock_name(clock) == "Rapid debrief meeting"
        assert clock.label == "Rapid debrief meeting"
