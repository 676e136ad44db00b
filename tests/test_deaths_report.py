"""The analytical report on death investigations (Recommendation 2): its figures for a period set
beside the period before, the page that shows them to analysts and the board, and the Word report
from the pages and the API. The report names no one; what an analyst typed stays text."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timezone

import pytest
from docx import Document

from debrief.extensions import db
from debrief.models import Death, DeathAnalysis, DeathReport, LinkedSeries, utcnow
from debrief.services import death_figures
from debrief.services.clock_calendar import LONDON
from debrief.services.death_analysis import area_of
from debrief.web import death_maps

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENT = {"south": 53.35, "north": 53.55, "west": -2.40, "east": -2.06, "columns": 6, "rows": 6}
NOTE = "Checked with DS Okafor & the <toxicology> team: \"same batch\""
FAMILY_NAME, NHS_NUMBER, BORN = "Quartermaine", "9434765919", date(1990, 5, 17)
PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}  # 90 days; the 90 before are 3 Oct to 31 Dec 2025
PEOPLE = {"analyst": "ana@police.uk", "board": "bo@police.uk", "reviewer": "rev@police.uk",
          "owner": "own@police.uk", "learning": "lea@police.uk", "admin": "adm@police.uk"}


def london(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON).astimezone(timezone.utc)


@pytest.fixture
def people(make_user, api_token) -> dict[str, dict[str, str]]:
    """A user of each role, by role, with their API headers."""
    headers = {}
    for role, email in PEOPLE.items():
        make_user(email, role, name=f"{role.title()} Person")
        headers[role] = api_token(email)
    return headers


def _death(number: int, found_at: datetime | None, cause: str | None, *, sources: str = "police",
           substances=(), classification: str | None = "unexplained", place: tuple[float, float] | None = None) -> Death:
    lat, lon = place or (None, None)
    return Death(reference_year=(found_at or utcnow()).astimezone(LONDON).year, reference_number=number,
                 found_at=found_at, apparent_cause=cause, substances=sorted(substances), indicators=[],
                 classification=classification, latitude=lat, longitude=lon, area=area_of(lat, lon, EXTENT),
                 sources=sources, similar=[])


@pytest.fixture
def story(app):
    """Six deaths round the first quarter of 2026, one the analysis placed only from an NHS report,
    a confirmed series with an analyst's awkward note, a candidate and a dismissed one."""
    with app.app_context():
        first = _death(1, london(2026, 1, 10, 14, 0), "drug_related", sources="nhs+police", substances=["ghb"],
                       place=(53.48, -2.24))
        second = _death(2, london(2026, 2, 14, 2, 30), "drug_related", sources="nhs", substances=["ghb", "alcohol"],
                        classification="suspicious", place=(53.482, -2.236))
        # 23:30 on 31 March in London (British Summer Time) is 22:30 UTC: inside the period.
        last_evening = _death(3, london(2026, 3, 31, 23, 30), "hanging", place=(53.40, -2.35))
        # 00:30 on 1 April in London is 23:30 UTC on 31 March: outside it.
        next_morning = _death(4, london(2026, 4, 1, 0, 30), "hanging", place=(53.40, -2.35))
        unplaced = _death(5, london(2026, 1, 20, 9, 0), "natural", classification="non_suspicious")
        before = _death(10, london(2025, 11, 5, 12, 0), "hanging", place=(53.50, -2.10))
        deaths = [first, second, last_evening, next_morning, unplaced, before]
        db.session.add_all(deaths)
        db.session.flush()
        db.session.add(DeathReport(source="police", source_reference="SD-1", family_name=FAMILY_NAME,
                                   given_names="Imogen", date_of_birth=BORN, nhs_number=NHS_NUMBER, death_id=first.id,
                                   found_at=first.found_at, apparent_cause="drug_related"))
        db.session.add_all([
            LinkedSeries(reference_year=2026, reference_number=1, status="confirmed", score=0.91, note=NOTE,
                         reasons=[["shared", "substance", "ghb", None], ["distance", None, None, 380],
                                  ["days", None, None, 35]], deaths=[first, second]),
            LinkedSeries(reference_year=2026, reference_number=2, status="candidate", score=0.55,
                         reasons=[["shared", "cause", "hanging", None]], deaths=[last_evening, before]),
            LinkedSeries(reference_year=2026, reference_number=3, status="dismissed", score=0.4,
                         reasons=[], deaths=[first, unplaced]),
        ])
        db.session.add(DeathAnalysis(finished_at=utcnow(), reports=1, deaths=len(deaths), extent=EXTENT))
        db.session.commit()


def opened(response) -> tuple[Document, str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    return Document(io.BytesIO(response.data)), xml


def full_text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def table_headed(document: Document, columns: list[str]) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0] == columns:
            return rows[1:]
    raise AssertionError(f"no table headed {columns}")


# The figures ----------------------------------------------------------------------------------------


def test_the_figures_count_deaths_by_the_london_day_they_were_found(app, story):
    with app.app_context():
        found = death_figures.figures(death_figures.Period(date(2026, 1, 1), date(2026, 3, 31)))
    assert found.previous_period == death_figures.Period(date(2025, 10, 3), date(2025, 12, 31))
    assert (found.total, found.previous_total) == (4, 1)
    assert [(row.label, row.current, row.previous) for row in found.by_cause] == [
        ("Drug-related", 2, 0), ("Hanging", 1, 1), ("Natural causes", 1, 0)]
    assert [(month.label, month.count) for month in found.by_month] == [
        ("January 2026", 2), ("February 2026", 1), ("March 2026", 1)]
    assert [(row.label, row.count) for row in found.substances] == [("GHB", 2), ("alcohol", 1)]
    assert found.with_substances == 2
    assert (found.partners_only, found.previous_partners_only) == (1, 0)
    assert [(row.label, row.count) for row in found.partners_only_by_cause] == [("Drug-related", 1)]
    assert found.unplaced == 1 and sum(found.area_counts.values()) == 3
    assert found.by_area[0].count == 2 and len(found.positions) == 3
    assert [s.reference for s in found.confirmed_series] == ["SER-2026-0001"]
    assert [s.reference for s in found.candidate_series] == ["SER-2026-0002"]
    assert found.confirmed_series[0].reasons == ["both GHB", "380 m apart", "35 days apart"]
    assert [(m.reference, m.in_period) for m in found.candidate_series[0].members] == [
        ("DTH-2025-00010", False), ("DTH-2026-00003", True)]
    assert found.change_words == "3 more (up 300%)"


def test_a_period_must_be_real_ordered_and_not_too_long():
    with pytest.raises(death_figures.ValidationFailed) as refused:
        death_figures.period_of(date(2026, 3, 1), date(2026, 2, 1))
    assert refused.value.fields == {"to": "The end of the period must be on or after its start"}
    with pytest.raises(death_figures.ValidationFailed) as refused:
        death_figures.period_of(date(2000, 1, 1), date(2026, 1, 1))
    assert "10 years or shorter" in refused.value.fields["to"]
    with pytest.raises(death_figures.ValidationFailed) as refused:
        death_figures.period_of(None, None, required=True)
    assert set(refused.value.fields) == {"from", "to"}
    assert death_figures.default_period(date(2026, 11, 22)) == death_figures.Period(date(2025, 11, 1),
                                                                                  date(2026, 10, 31))


# The Word report ------------------------------------------------------------------------------------


def test_the_report_has_its_sections_and_names_no_one(app, client, people, story):
    document, xml = opened(client.get("/api/v1/deaths/report.docx", query_string=PERIOD, headers=people["board"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Summary", "Deaths by apparent cause", "Deaths by initial classification", "Deaths by month",
                    "Deaths by area", "Substances", "Deaths known only to partners", "Linked series",
                    "Confirmed series", "Candidate series", "Method"):
        assert heading in headings
    assert document.core_properties.title == "Analytical report on death investigations"
    assert "OFFICIAL-SENSITIVE" in document.sections[0].header.paragraphs[0].text
    assert "OFFICIAL-SENSITIVE" in document.sections[0].footer.paragraphs[0].text
    text = full_text(document)
    assert app.config["FORCE_NAME"] in text
    assert "1 January 2026 to 31 March 2026" in text
    assert "SER-2026-0001" in text and "SER-2026-0002" in text and "SER-2026-0003" not in text
    assert NOTE in text  # the analyst's & and < survive as text
    assert "both GHB; 380 m apart; 35 days apart" in text
    assert "Splink" in text
    assert table_headed(document, ["Apparent cause", "This period", "Previous period", "Change"])[:2] == [
        ["Drug-related", "2", "0", "2 more (none before)"], ["Hanging", "1", "1", "No change"]]
    members = [row for table in document.tables for row in [[c.text for c in r.cells] for r in table.rows]
               if [c.text for c in table.rows[0].cells] == ["Death", "Found", "Apparent cause", "Area"]]
    assert ["DTH-2025-00010", "5 November 2025 (outside the period)", "Hanging", "F2"] in members
    assert ["DTH-2026-00001", "10 January 2026", "Drug-related", "C3"] in members
    assert "DTH-2026-00004" not in text
    assert any(name.startswith("word/media/") for name in zipfile.ZipFile(io.BytesIO(
        client.get("/api/v1/deaths/report.docx", query_string=PERIOD, headers=people["board"]).data)).namelist())
    for personal in (FAMILY_NAME, "Imogen", NHS_NUMBER, "943 476 5919", "1990-05-17", "17 May 1990"):
        assert personal not in xml
    assert "{{" not in xml and "{%" not in xml


def test_a_report_with_nothing_analysed_is_still_a_valid_document(client, people):
    document, xml = opened(client.get("/api/v1/deaths/report.docx", query_string=PERIOD,
                                      headers=people["analyst"]))
    text = full_text(document)
    assert "No analysis of the death reports has been run yet" in text
    assert "No deaths have been analysed yet, so there is no map." in text
    assert "No confirmed series." in text and "{{" not in xml


def test_the_api_report_is_for_analysts_and_the_board_only(client, people, story):
    assert client.get("/api/v1/deaths/report.docx", query_string=PERIOD).status_code == 401
    for role in ("reviewer", "owner", "learning", "admin"):
        response = client.get("/api/v1/deaths/report.docx", query_string=PERIOD, headers=people[role])
        assert response.status_code == 403, role
    for role in ("analyst", "board"):
        opened(client.get("/api/v1/deaths/report.docx", query_string=PERIOD, headers=people[role]))


@pytest.mark.parametrize("query, fields", [
    ({}, {"from", "to"}),
    ({"from": "2026-01-01"}, {"to"}),
    ({"from": "1 1 2026", "to": "2026-03-31"}, {"from"}),
    ({"from": "2026-02-30", "to": "2026-03-31"}, {"from"}),
    ({"from": "2026-03-31", "to": "2026-01-01"}, {"to"}),
    ({"from": "1990-01-01", "to": "2026-01-01"}, {"to"}),
    ({**PERIOD, "area": "C3"}, {"area"}),
])
def test_bad_or_missing_dates_are_a_422_naming_them(client, people, query, fields):
    response = client.get("/api/v1/deaths/report.docx", query_string=query, headers=people["analyst"])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == fields


def test_the_report_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/deaths/report.docx"]["get"]
    assert operation["operationId"] == "deathsReport" and {"200", "401", "403", "422"} <= set(operation["responses"])


# The page -------------------------------------------------------------------------------------------


def test_the_page_shows_the_figures_to_analysts_and_the_board(people, story, browser_of):
    for role in ("analyst", "board"):
        response = browser_of(PEOPLE[role]).get("/deaths/report", query_string={
            "start": ["1", "1", "2026"], "end": ["31", "3", "2026"]})
        assert response.status_code == 200, role
        html = response.get_data(as_text=True)
        assert "Analytical report on death investigations" in html
        assert re.search(r'id="figure-total">\s*4\s*<', html)
        assert re.search(r'id="figure-previous">\s*1\s*<', html)
        assert 'role="img"' in html and "Map of 3 deaths in 2 areas" in html
        assert "SER-2026-0001" in html and "SER-2026-0003" not in html
        assert "DS Okafor &amp; the &lt;toxicology&gt; team" in html and "<toxicology>" not in html
        assert 'href="/deaths/report.docx?from=2026-01-01&amp;to=2026-03-31"' in html
        assert FAMILY_NAME not in html and NHS_NUMBER not in html


def test_the_page_opens_on_the_last_twelve_complete_months(people, browser_of):
    html = browser_of(PEOPLE["analyst"]).get("/deaths/report").get_data(as_text=True)
    period = death_figures.default_period()
    assert f"?from={period.start.isoformat()}&amp;to={period.end.isoformat()}" in html
    assert f'id="start-month" name="start" type="text" value="{period.start.month}"' in html
    assert f'id="end-day" name="end" type="text" value="{period.end.day}"' in html
    assert "No deaths have been analysed yet" in html


def test_the_page_is_refused_to_other_roles_and_asks_strangers_to_sign_in(client, people, browser_of):
    for role in ("reviewer", "owner", "learning", "admin"):
        assert browser_of(PEOPLE[role]).get("/deaths/report").status_code == 403, role
        assert browser_of(PEOPLE[role]).get("/deaths/report.docx").status_code == 403, role
    response = client.get("/deaths/report")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get("/deaths/report.docx").status_code == 302


@pytest.mark.parametrize("query, message", [
    ({"start": ["31", "2", "2026"], "end": ["31", "3", "2026"]}, "The start of the period must be a real date"),
    ({"start": ["1", "4", "2026"], "end": ["31", "3", "2026"]}, "The end of the period must be on or after its start"),
    ({"start": ["1", "1", "2026"], "end": ["", "", ""]}, "Enter the end of the period"),
    ({"start": ["a", "b", "c"], "end": ["31", "3", "2026"]}, "The start of the period must be a real date"),
    ({"start": ["1", "1", "1800"], "end": ["31", "3", "2026"]}, "between 1 1 1900 and 31 12 2099"),
    ({"start": "1"}, "The start of the period must be a real date"),
])
def test_bad_dates_on_the_page_show_the_error_summary(people, browser_of, query, message):
    response = browser_of(PEOPLE["analyst"]).get("/deaths/report", query_string=query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert "<title>Error: " in html


def test_the_page_downloads_the_word_report(people, story, browser_of):
    analyst = browser_of(PEOPLE["analyst"])
    response = analyst.get("/deaths/report.docx", query_string=PERIOD)
    document, _ = opened(response)
    assert 'filename="deaths-report-2026-01-01-to-2026-03-31.docx"' in response.headers["Content-Disposition"]
    assert "SER-2026-0001" in full_text(document)
    bad = analyst.get("/deaths/report.docx", query_string={"from": "2026-13-01", "to": "2026-03-31"})
    assert bad.status_code == 400 and "must be a date like 2026-11-30" in bad.get_data(as_text=True)


# The drawings ---------------------------------------------------------------------------------------


def test_the_area_map_reads_out_what_it_shows():
    svg = str(death_maps.area_map(EXTENT, {"C3": 210, "A1": 5}, [(53.48, -2.24)], highlight="C3"))
    assert 'role="img"' in svg and "<script" not in svg and "style=" not in svg
    assert "Map of 215 deaths in 2 areas; most in C3 (210); each death is a dot; area C3 is outlined" in svg
    assert svg.count("<circle") == 2  # the death, and the legend's dot
    many = str(death_maps.area_map(EXTENT, {"C3": 2_001}, [(53.48, -2.24)] * 2_001))
    assert "<circle" not in many and "Map of 2,001 deaths in 1 area; most in C3 (2,001)." in many
    assert str(death_maps.area_map({}, {})) == '<p class="govuk-body">No deaths have been analysed yet.</p>'


def test_a_series_map_and_timeline_escape_their_labels_and_name_every_member():
    members = [("DTH-2026-00001 <b>&", 53.48, -2.24), ("DTH-2026-00002", 53.482, -2.236), ("DTH-2026-00003", None, None)]
    svg = str(death_maps.series_map(EXTENT, members))
    assert "<b>" not in svg and "DTH-2026-00001 &lt;b&gt;&amp;" in svg
    assert "Map of 2 deaths, numbered as in the list" in svg and "1 death not shown: place not known" in svg
    assert re.search(r">\d+ m</text>", svg)  # the scale bar
    line = str(death_maps.timeline([("A&B", london(2026, 1, 10, 14)), ("DTH-2026-00002", london(2026, 2, 14, 2))]))
    assert "A&amp;B" in line and "Timeline of 2 deaths from 10 January 2026 to 14 February 2026" in line
    assert "A&amp;B on 10 January 2026; DTH-2026-00002 on 14 February 2026" in line
