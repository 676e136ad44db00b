"""Deaths and linked series in Welsh (issue 23): the deaths list, a death, the matches to settle and a
pair, the import and its result, the linked series, the analytical report page and its Word document,
an import error, the reasons deaths look alike (pages and the API's `reasons`), with no English left."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from docx import Document

from debrief.deaths.series import Reason
from debrief.deaths.words import match_reason_words, reason_words
from debrief.extensions import db
from debrief.i18n import in_language
from debrief.models import Death, DeathAnalysis, DeathReport, LinkedSeries, PossibleMatch, utcnow
from debrief.services.clock_calendar import LONDON
from debrief.services.death_analysis import area_of
from tests.builders import EMAIL, csv_of, make_staff
from tests.conftest import csrf_token_from
from tests.html import english_left, error_summary, parse

WELSH = {"Accept-Language": "cy"}
EXTENT = {"south": 53.35, "north": 53.55, "west": -2.40, "east": -2.06, "columns": 6, "rows": 6}
NOTE = "Checked with DS Okafor the same batch"
PERIOD = "from=2026-01-01&to=2026-03-31"
#: What the tests typed or imported, shown as it is: names, references, areas and free text.
#: Words of components other areas translate (web/fields.py's character count, dashboard/_charts.html's
#: data table): Welsh once those land.
SHARED = ("You can enter up to 2,000 characters", "You can enter up to 5,000 characters", "Show the data")
TYPED = ("Imogen Quartermaine", "Quartermaine", "Imogen", NOTE, "Ana Analyst", "extract.csv", "SD-1", "AMB-1")


def london(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON).astimezone(timezone.utc)


def _death(number: int, found_at: datetime, cause: str, *, sources: str = "police", substances=(),
           classification: str = "unexplained", place=None, sex="male", indicators=()) -> Death:
    lat, lon = place or (None, None)
    return Death(reference_year=2026, reference_number=number, found_at=found_at, apparent_cause=cause,
                 substances=sorted(substances), indicators=sorted(indicators), classification=classification,
                 latitude=lat, longitude=lon, area=area_of(lat, lon, EXTENT), sources=sources, sex=sex,
                 location_type="care_home", similar=[])


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def story(app, staff):
    """Deaths in the first quarter of 2026 with a death's reports, the deaths like it, a possible match,
    a confirmed series with a note and a candidate, and an analysis."""
    with app.app_context():
        first = _death(1, london(2026, 1, 10, 14, 0), "drug_related", sources="nhs+police", substances=["ghb"],
                       place=(53.48, -2.24), indicators=["unknown_companion", "lives_alone"])
        second = _death(2, london(2026, 2, 14, 2, 30), "drug_related", sources="nhs", substances=["ghb", "alcohol"],
                        classification="suspicious", place=(53.482, -2.236), sex="female")
        third = _death(3, london(2026, 3, 20, 23, 30), "hanging", place=(53.40, -2.35))
        before = _death(10, london(2025, 11, 5, 12, 0), "hanging", place=(53.50, -2.10))
        db.session.add_all([first, second, third, before])
        db.session.flush()
        first.similar = [{"id": second.id, "score": 0.8, "reasons": [
            ["shared", "substance", "ghb", None], ["shared", "location_type", "care_home", None],
            ["shared", "indicator", "unknown_companion", None], ["age", "male", "20-29", None],
            ["distance", None, None, 380], ["days", None, None, 35]]}]
        police = DeathReport(source="police", source_reference="SD-1", family_name="Quartermaine",
                             given_names="Imogen", date_of_birth=date(1990, 5, 17), nhs_number="9434765919",
                             death_id=first.id, found_at=first.found_at, apparent_cause="drug_related",
                             location_type="care_home", sex="female", substances=["ghb"],
                             indicators=["unknown_companion"], initial_classification="unexplained",
                             latitude=53.48, longitude=-2.24)
        nhs = DeathReport(source="nhs", source_reference="AMB-1", family_name="Quartermaine", given_names="Imogen",
                          death_id=second.id, found_at=second.found_at, apparent_cause="drug_related",
                          location_type="hospital", sex="female")
        db.session.add_all([police, nhs])
        db.session.flush()
        db.session.add(PossibleMatch(report_a_id=police.id, report_b_id=nhs.id, probability=0.62,
                                     reasons=["family names match", "dates of birth differ", "found 35 days apart",
                                              "found 2.4 km apart", "not linked: an analyst kept these deaths apart"]))
        db.session.add_all([
            LinkedSeries(reference_year=2026, reference_number=1, status="confirmed", score=0.91, note=NOTE,
                         reasons=[["shared", "substance", "ghb", 2], ["spread", None, None, 380],
                                  ["span", None, None, 35]], deaths=[first, second]),
            LinkedSeries(reference_year=2026, reference_number=2, status="candidate", score=0.55,
                         reasons=[["shared", "cause", "hanging", None], ["sex", None, "male", None]],
                         deaths=[third, before]),
        ])
        db.session.add(DeathAnalysis(finished_at=utcnow(), reports=2, deaths=4, extent=EXTENT))
        db.session.commit()
        return {"first": first.id, "series": db.session.scalar(db.select(LinkedSeries.id).where(
            LinkedSeries.reference_number == 1)), "match": db.session.scalar(db.select(PossibleMatch.id))}


def welsh_page(browser, url: str, status: int = 200) -> str:
    response = browser.get(url, headers=WELSH)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    html = response.get_data(as_text=True)
    assert parse(html).find("html").attrs["lang"] == "cy"
    return html


def assert_welsh(html: str, *allow: str) -> None:
    """No English left in the page's own content (the navigation round it is the core's)."""
    references = tuple(f"DTH-2026-{n:05d}" for n in (1, 2, 3, 10)) + ("SER-2026-0001", "SER-2026-0002")
    main = html[html.index("<main"):html.index("</main>") + len("</main>")]
    assert english_left(main, allow=TYPED + references + SHARED + allow) == []


# The pages ------------------------------------------------------------------------------------------------


def test_the_deaths_list_and_a_death_read_in_welsh(story, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    listing = welsh_page(analyst, "/deaths")
    assert "Marwolaethau" in listing and "Yn gysylltiedig â chyffuriau" in listing and "Cartref gofal" in listing
    assert "Map o 4 marwolaeth" in listing  # the map's accessible name
    assert_welsh(listing)

    death = welsh_page(analyst, f"/deaths/{story['first']}")
    assert "cydymaith anhysbys" in death and "Adroddiad yr heddlu ar farwolaeth sydyn" in death
    assert "GHB yn y ddwy" in death and "380 m ar wahân" in death and "35 diwrnod ar wahân" in death
    assert "y ddau’n ddynion 20–29 oed" in death and "y ddau wedi’u canfod mewn cartref gofal" in death
    assert_welsh(death)


def test_the_matches_and_a_pair_read_in_welsh(story, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    matches = welsh_page(analyst, "/deaths/possible-matches")
    assert "Cyfatebiaethau posibl" in matches and "cyfenwau’n cyfateb" in matches
    assert "wedi’u canfod 35 diwrnod ar wahân" in matches and "wedi’u canfod 2.4 km ar wahân" in matches
    assert_welsh(matches)
    pair = welsh_page(analyst, f"/deaths/possible-matches/{story['match']}")
    assert "Ai un person yw’r rhain?" in pair
    assert_welsh(pair)


def test_a_decision_without_an_answer_is_refused_in_welsh(story, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    url = f"/deaths/possible-matches/{story['match']}"
    token = csrf_token_from(welsh_page(analyst, url))
    html = analyst.post(url, headers=WELSH, data={"csrf_token": token}).get_data(as_text=True)
    assert "Dewiswch a yw’r adroddiadau am yr un person neu am bobl wahanol" in dict(error_summary(html))


def test_the_linked_series_read_in_welsh(story, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    listing = welsh_page(analyst, "/linked-series?status=confirmed")
    assert "Cyfresi – Wedi’i chadarnhau, y cryfaf yn gyntaf" in listing
    assert "2 farwolaeth dros 35 diwrnod: GHB (2 farwolaeth)" in listing
    assert_welsh(listing)
    assert_welsh(welsh_page(analyst, "/linked-series"))
    series = welsh_page(analyst, f"/linked-series/{story['series']}")
    assert "pob un o fewn 380 m" in series and "dros 35 diwrnod" in series
    assert "Llinell amser o 2 farwolaeth rhwng 10 Ionawr 2026 a 14 Chwefror 2026" in series
    assert_welsh(series)


def test_the_analytical_report_page_reads_in_welsh(story, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    html = welsh_page(analyst, f"/deaths/report?{PERIOD}")
    assert "Adroddiad dadansoddol ar ymchwiliadau i farwolaethau" in html
    assert "Ionawr 2026" in html and "Chwefror 2026" in html and "Mawrth 2026" in html  # the months
    assert "GHB yn y ddwy" not in html and "GHB (2 farwolaeth)" in html
    assert_welsh(html)


def test_the_analytical_reports_word_document_is_in_welsh(story, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    analyst.set_cookie("language", "cy")
    response = analyst.get(f"/deaths/report.docx?{PERIOD}")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "1 Ionawr 2026 i 31 Mawrth 2026" in text
    assert "Marwolaethau a ganfuwyd yn y cyfnod hwn: 3 marwolaeth" in text
    assert "Yr achos ymddangosiadol mwyaf cyffredin oedd: yn gysylltiedig â chyffuriau" in text
    assert "Caiff adroddiad pob sefydliad am farwolaeth" in text  # the method
    assert "GHB (2 farwolaeth)" in text and "Ionawr 2026" in text
    assert "were found in this period" not in text and "The commonest apparent cause" not in text


def test_the_import_page_its_result_and_an_import_error_read_in_welsh(staff, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    page = welsh_page(analyst, "/deaths/import")
    assert "Mewnforio adroddiadau marwolaeth" in page
    assert_welsh(page)
    token = csrf_token_from(page)
    good = {"source_reference": "SD-1", "found_at": "2025-03-02T06:30", "sex": "male"}
    bad = {"source_reference": "SD-2", "found_at": "yesterday", "sex": "man"}
    response = analyst.post("/deaths/import", headers=WELSH, content_type="multipart/form-data",
                            data={"csrf_token": token, "source": "police",
                                  "file": (io.BytesIO(csv_of(good, bad)), "extract.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 adroddiad newydd, 0 wedi’u diweddaru" in html and "Heb eu mewnforio: 1" in html
    assert "rhaid iddo fod yn ddyddiad ac amser fel 2025-03-31T14:05 (ISO 8601)" in html
    assert "rhaid iddo fod yn un o male, female, unknown" in html
    assert_welsh(html, "SD-2", "male, female, unknown")

    refused = analyst.post("/deaths/import", headers=WELSH, content_type="multipart/form-data",
                           data={"csrf_token": token})
    assert refused.status_code == 400
    messages = [text for text, _ in error_summary(refused.get_data(as_text=True))]
    assert "Dewiswch echdyniad pwy yw hwn" in messages and "Dewiswch ffeil CSV" in messages


# The reasons in words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "deaths", "days"), [
    (1, "1 farwolaeth", "1 diwrnod"), (2, "2 farwolaeth", "2 ddiwrnod"), (3, "3 marwolaeth", "3 diwrnod"),
    (6, "6 marwolaeth", "6 diwrnod"), (11, "11 marwolaeth", "11 diwrnod"),
])
def test_every_kind_of_reason_reads_in_welsh_with_its_plural(app, count, deaths, days):
    with app.app_context(), in_language("cy"):
        assert reason_words(Reason("shared", field="substance", code="ghb", value=count)) == f"GHB ({deaths})"
        assert reason_words(Reason("shared", field="location_type", code="care_home", value=count)) == \
            f"wedi’u canfod mewn cartref gofal ({deaths})"
        assert reason_words(Reason("shared", field="indicator", code="unknown_companion", value=count)) == \
            f"cydymaith anhysbys ({deaths})"
        assert reason_words(Reason("age", field="female", code="20-29", value=count)) == f"menywod 20–29 oed ({deaths})"
        assert reason_words(Reason("sex", code="male", value=count)) == f"dynion ({deaths})"
        assert reason_words(Reason("days", value=count)) == f"{days} ar wahân"
        assert reason_words(Reason("span", value=count)) == f"dros {days}"
        assert reason_words(Reason("distance", value=count * 100)) == f"{count * 100:,} m ar wahân"
        assert reason_words(Reason("spread", value=count * 1000)) == (
            f"pob un o fewn {count * 1000:,} m" if count * 1000 < 10_000 else f"pob un o fewn {count} km")
    with app.app_context(), in_language("en"):
        assert reason_words(Reason("shared", field="substance", code="ghb", value=count)) == \
            f"GHB ({count} death{'' if count == 1 else 's'})"
        assert reason_words(Reason("days", value=count)) == f"{count} day{'' if count == 1 else 's'} apart"


def test_the_pair_reasons_read_in_welsh(app):
    with app.app_context(), in_language("cy"):
        assert reason_words(Reason("shared", field="substance", code="ghb")) == "GHB yn y ddwy"
        assert reason_words(Reason("shared", field="location_type", code="care_home")) == \
            "y ddau wedi’u canfod mewn cartref gofal"
        assert reason_words(Reason("shared", field="indicator", code="unknown_companion")) == "y ddwy: cydymaith anhysbys"
        assert reason_words(Reason("shared", field="cause", code="drug_related")) == \
            "y ddwy farwolaeth yn gysylltiedig â chyffuriau"
        assert reason_words(Reason("shared", field="classification", code="suspicious")) == \
            "dosbarthiad cyntaf y ddwy: amheus"
        assert reason_words(Reason("age", field="male", code="18-25")) == "y ddau’n ddynion 18–25 oed"
        assert reason_words(Reason("sex", code="female")) == "y ddwy’n fenywod"
        assert reason_words(Reason("days", value=0)) == "yr un diwrnod"
        assert reason_words(Reason("distance", value=380)) == "380 m ar wahân"
        assert match_reason_words("found 3 hours apart") == "wedi’u canfod 3 awr ar wahân"


def test_the_apis_reasons_follow_accept_language(story, client, staff):
    headers = {**staff["analyst"], **WELSH}
    similar = client.get(f"/api/v1/deaths/{story['first']}/similar", headers=headers).get_json()
    assert "GHB yn y ddwy" in similar["items"][0]["reasons"]
    series = client.get(f"/api/v1/linked-series/{story['series']}", headers=headers).get_json()
    assert series["reasons"] == ["GHB (2 farwolaeth)", "pob un o fewn 380 m", "dros 35 diwrnod"]
    english = client.get(f"/api/v1/linked-series/{story['series']}", headers=staff["analyst"]).get_json()
    assert english["reasons"] == ["GHB (2 deaths)", "all within 380 m", "over 35 days"]
    matches = client.get("/api/v1/death-reports/possible-matches", headers=headers).get_json()
    assert "cyfenwau’n cyfateb" in matches["items"][0]["reasons"]
    refused = client.get("/api/v1/linked-series?status=maybe", headers=headers).get_json()
    assert refused["error"]["fields"]["status"] == "rhaid iddo fod yn candidate, confirmed neu dismissed"
