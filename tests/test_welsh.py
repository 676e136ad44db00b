"""Welsh beside English: choosing the language, remembering it, Welsh dates and plurals, and the
catalogue check that keeps every message translated."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from babel.messages.catalog import Catalog

from debrief.cli.translations import check, problems
from debrief.extensions import db
from debrief.i18n import date_and_time, days, in_language, long_date, number
from debrief.models import User
from tests.builders import REVIEWER
from tests.html import english_left, error_summary, parse

WELSH = {"Accept-Language": "cy"}


def html_lang(response) -> str:
    return parse(response.get_data(as_text=True)).find("html").attrs["lang"]


# The catalogue ---------------------------------------------------------------------------------------------


def test_every_message_in_the_code_is_translated_into_welsh():
    assert check() == []


def _catalogue(*messages: tuple[str, str, bool]) -> Catalog:
    catalogue = Catalog(locale="cy")
    for english, welsh, fuzzy in messages:
        catalogue.add(english, welsh, flags=("fuzzy",) if fuzzy else ())
    return catalogue


def test_the_check_fails_on_a_message_missing_untranslated_or_fuzzy():
    template = _catalogue(("Save", "", False), ("Cancel", "", False), ("Continue", "", False), ("Back", "", False))
    welsh = _catalogue(("Save", "Cadw", False), ("Cancel", "", False), ("Continue", "Parhau", True))

    assert problems(template, welsh) == ["untranslated: 'Cancel'", "fuzzy: 'Continue'", "missing: 'Back'"]
    assert problems(template, _catalogue(*(("Save Cancel Continue Back".split()[i], w, False)
                                           for i, w in enumerate(["Cadw", "Canslo", "Parhau", "Yn ôl"])))) == []


def test_the_check_fails_on_a_plural_without_all_six_welsh_forms():
    template = Catalog(locale="cy")
    template.add(("%(num)d day", "%(num)d days"), ("", ""))
    welsh = Catalog(locale="cy")
    welsh.add(("%(num)d day", "%(num)d days"), ("%(num)d diwrnod", "%(num)d diwrnod", "", "", "", ""))

    assert problems(template, welsh) == ["untranslated: '%(num)d day'"]


# Dates, numbers and plurals --------------------------------------------------------------------------------


def test_dates_read_in_welsh_with_babels_month_names(app):
    with app.test_request_context(headers=WELSH):
        assert long_date(date(2026, 12, 6)) == "dydd Sul 6 Rhagfyr 2026"
        assert date_and_time(datetime(2026, 12, 6, 14, 5, tzinfo=timezone.utc)) == "6 Rhagfyr 2026 am 14:05"
        assert number(12345) == "12,345"
    with app.test_request_context():
        assert long_date(date(2026, 12, 6)) == "Sunday 6 December 2026"
        assert date_and_time(datetime(2026, 6, 6, 14, 5, tzinfo=timezone.utc)) == "6 June 2026 at 15:05"


@pytest.mark.parametrize(("count", "welsh"), [
    (0, "0 diwrnod"), (1, "1 diwrnod"), (2, "2 ddiwrnod"), (3, "3 diwrnod"), (6, "6 diwrnod"), (11, "11 diwrnod"),
])
def test_a_count_in_a_sentence_takes_welshs_six_plural_forms(app, count, welsh):
    with app.app_context(), in_language("cy"):
        assert days(count) == welsh
    with app.app_context(), in_language("en"):
        assert days(count) == f"{count} day{'' if count == 1 else 's'}"


# Choosing the language -------------------------------------------------------------------------------------


def test_the_first_visit_follows_the_browsers_language(client):
    assert html_lang(client.get("/sign-in", headers=WELSH)) == "cy"
    assert html_lang(client.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"
    assert html_lang(client.get("/sign-in", headers={"Accept-Language": "cy-GB,en;q=0.5"})) == "cy"
    assert html_lang(client.get("/sign-in", headers={"Accept-Language": "fr"})) == "en"


def test_the_language_link_switches_the_page_and_is_remembered(client):
    page = client.get("/sign-in").get_data(as_text=True)
    link = parse(page).find("a", hreflang="cy")
    assert link is not None and link.attrs["href"] == "/sign-in?lang=cy"
    assert link.attrs["lang"] == "cy"

    switched = client.get(link.attrs["href"])
    assert switched.status_code == 303 and switched.headers["Location"] == "/sign-in"

    welsh = client.get("/sign-in", headers={"Accept-Language": "en"})  # the choice beats the browser's
    assert html_lang(welsh) == "cy"
    assert "Neidio i’r prif gynnwys" in welsh.get_data(as_text=True)
    back = parse(welsh.get_data(as_text=True)).find("a", hreflang="en")
    assert back.attrs["href"] == "/sign-in?lang=en"
    client.get(back.attrs["href"])
    assert html_lang(client.get("/sign-in", headers=WELSH)) == "en"


def test_the_language_link_keeps_the_pages_other_parameters(client):
    response = client.get("/sign-in?next=%2Fdebriefs&lang=cy")
    assert response.headers["Location"] == "/sign-in?next=%2Fdebriefs"


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/sign-in?lang=fr")
    assert response.status_code == 303 and "language=" not in response.headers.get("Set-Cookie", "")
    assert html_lang(client.get("/sign-in")) == "en"


def test_a_staff_members_choice_is_kept_in_their_profile(app, client, auth, make_user):
    make_user(REVIEWER, "reviewer")
    auth.sign_in(REVIEWER)
    client.get("/?lang=cy")
    with app.app_context():
        assert db.session.scalar(db.select(User.language).where(User.email == REVIEWER)) == "cy"

    elsewhere = app.test_client()  # another computer: no cookie, an English browser
    from tests.conftest import SignIn

    SignIn(elsewhere).sign_in(REVIEWER)
    assert html_lang(elsewhere.get("/", headers={"Accept-Language": "en"})) == "cy"


def test_a_form_error_reads_in_welsh(client):
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/sign-in", headers=WELSH).get_data(as_text=True))
    page = client.post("/sign-in", headers=WELSH, data={"csrf_token": token, "email": "", "password": ""})
    html = page.get_data(as_text=True)
    assert "Mae problem wedi codi" in html
    assert error_summary(html) and english_left(html) == []


def test_the_api_follows_accept_language_only(client):
    response = client.get("/api/v1/debriefs", headers={**WELSH, "Cookie": "language=en"})
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"]["code"] == "unauthorised" or body["error"]["code"]
    english = client.get("/api/v1/debriefs").get_json()
    assert body["error"]["message"] != english["error"]["message"]


# One vocabulary ---------------------------------------------------------------------------------------------


def test_the_vocabulary_has_words_for_every_code_the_app_stores():
    """A code the models or the lifecycle know, shown without words, would reach a page as the bare code."""
    from debrief import vocabulary as words
    from debrief.models import (
        AgencyType, Classification, DebriefStatus, DeathSource, Indicator, InvitationState, LessonCategory,
        LocationType, Priority, RecommendationSource, Relationship, Role, Sex, Substance, Theme, VictimSex, Weapon,
    )
    from debrief.models.deaths import ApparentCause, SeriesStatus
    from debrief.services.learning_products import AUDIENCES
    from debrief.services.recommendation_lifecycle import PRODUCT_KINDS, ClosureCode, Status

    covered = {
        "THEME": Theme, "WEAPON": Weapon, "RELATIONSHIP": Relationship, "VICTIM_SEX": VictimSex,
        "DEBRIEF_STATUS": DebriefStatus, "AGENCY_TYPE": AgencyType, "ROLE": Role, "STATUS": Status,
        "STATUS_IN_SENTENCE": Status, "CLOSURE_CODE": ClosureCode, "CLOSURE_CODE_IN_SENTENCE": ClosureCode,
        "PRIORITY": Priority, "SOURCE": RecommendationSource, "LESSON_CATEGORY": LessonCategory,
        "PRODUCT_KIND": PRODUCT_KINDS, "PRODUCT_KIND_IN_SENTENCE": PRODUCT_KINDS, "AUDIENCE": AUDIENCES,
        "INVITATION_STATE": InvitationState, "DEATH_SOURCE": DeathSource, "LOCATION_TYPE": LocationType,
        "FOUND": LocationType, "CAUSE": ApparentCause, "BOTH_CAUSE": ApparentCause, "SUBSTANCE": Substance,
        "INDICATOR": Indicator, "CLASSIFICATION": Classification, "SEX": Sex, "SERIES_STATUS": SeriesStatus,
    }
    missing = {name: sorted({str(code) for code in codes} - set(getattr(words, name)))
               for name, codes in covered.items()}
    assert {name: codes for name, codes in missing.items() if codes} == {}
