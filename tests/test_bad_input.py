"""No 500 from any input (issue 22): ids and page numbers past the database's integer range, JSON
nested too deep or holding half a character, dates in year 1 or 9999 with extreme offsets, and a body
too large to read. Each is a 4xx: the api.md error shape on the API, a GOV.UK page on pages. The
database matters (PostgreSQL's INTEGER is 32-bit): run with TEST_DATABASE_URL too."""
from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_token_from

HUGE = "99999999999999999999"
ENORMOUS = "9" * 5000  # past the 4,300 digits int() accepts
EXTREME_DATES = ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"]
DEBRIEF = {"incident_type": "murder", "crime_reference": "42/18812/26", "occurred_at": "2026-11-02T23:10:00+00:00",
           "reported_at": "2026-11-02T23:40:00+00:00", "area": "Southend", "summary": "A man was stabbed."}


@pytest.fixture
def reviewer(make_user, api_token):
    make_user("riya@police.uk", "reviewer")
    return api_token("riya@police.uk")


@pytest.fixture
def reviewer_browser(make_user, browser_of):
    make_user("riya@police.uk", "reviewer")
    return browser_of("riya@police.uk")


def api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def a_page(response, status: int) -> str:
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "govuk-template" in page and "Traceback" not in page
    return page


@pytest.mark.parametrize("path", [f"/api/v1/debriefs/{HUGE}", f"/api/v1/recommendations/{HUGE}",
                                  f"/api/v1/debriefs/{HUGE}/history", f"/api/v1/debriefs/{ENORMOUS}",
                                  "/api/v1/debriefs/2147483648"])
def test_an_id_past_the_database_range_is_a_404_on_the_api(client, reviewer, path):
    api_error(client.get(path, headers=reviewer), 404, "not_found")


@pytest.mark.parametrize("path", [f"/debriefs/{HUGE}", f"/recommendations/{HUGE}", f"/debriefs/{ENORMOUS}"])
def test_an_id_past_the_database_range_is_a_404_page(reviewer_browser, path):
    assert "Page not found" in a_page(reviewer_browser.get(path), 404)


@pytest.mark.parametrize("page", [str(10**20), ENORMOUS, "²", "0", "-1"])
def test_a_page_number_out_of_range_is_a_422_on_the_api(client, reviewer, page):
    error = api_error(client.get(f"/api/v1/debriefs?page={page}", headers=reviewer), 422, "validation_error")
    assert set(error["fields"]) == {"page"}


def test_the_largest_page_number_is_answered(client, reviewer):
    assert client.get("/api/v1/debriefs?page=1000000", headers=reviewer).get_json()["items"] == []


@pytest.mark.parametrize("page", [str(10**20), ENORMOUS])
def test_a_page_number_out_of_range_shows_the_first_page(reviewer_browser, page):
    a_page(reviewer_browser.get(f"/debriefs?page={page}"), 200)


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 100_000, '{"summary": "\\ud800"}',
                                  '{"crime_reference": "x", "\\udfff": 1}', '["\\ud800"]'])
def test_json_nested_too_deep_or_with_half_a_character_is_a_400(client, reviewer, body):
    response = client.post("/api/v1/debriefs", data=body, content_type="application/json", headers=reviewer)
    api_error(response, 400, "bad_request")


def test_json_with_a_whole_character_escaped_as_a_surrogate_pair_is_read(client, reviewer):
    body = dict(DEBRIEF, summary="A knife \\ud83d\\udd2a was found.")
    text = "{" + ", ".join(f'"{k}": "{v}"' for k, v in body.items()) + "}"
    response = client.post("/api/v1/debriefs", data=text, content_type="application/json", headers=reviewer)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["summary"] == "A knife \N{HOCHO} was found."


@pytest.mark.parametrize("moment", EXTREME_DATES)
def test_a_date_time_at_the_ends_of_the_calendar_is_a_422(client, reviewer, moment):
    response = client.post("/api/v1/debriefs", json=dict(DEBRIEF, occurred_at=moment, reported_at=moment),
                           headers=reviewer)
    error = api_error(response, 422, "validation_error")
    assert {"occurred_at", "reported_at"} <= set(error["fields"])


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_at_the_ends_of_the_calendar_is_a_422(client, reviewer, make_user, day):
    make_user("olu@police.uk", "owner", name="Olu Owner")
    debrief_id = client.post("/api/v1/debriefs", json=DEBRIEF, headers=reviewer).get_json()["id"]
    response = client.post(f"/api/v1/debriefs/{debrief_id}/recommendations", headers=reviewer,
                           json={"text": "Train call handlers.", "owner_email": "olu@police.uk", "due_date": day})
    assert "due_date" in api_error(response, 422, "validation_error")["fields"]


def test_a_number_past_the_database_range_in_a_body_is_a_422(client, reviewer):
    response = client.post("/api/v1/recommendations/check", headers=reviewer,
                           json={"text": "Train call handlers.", "exclude_id": 10**20})
    assert "exclude_id" in api_error(response, 422, "validation_error")["fields"]


@pytest.mark.parametrize(("year", "problem"), [("1", "The date the incident happened must be a real date"),
                                              ("9999", "The date the incident happened must be today or in the past")])
def test_a_year_at_the_ends_of_the_calendar_is_a_gov_uk_error_on_the_form(reviewer_browser, year, problem):
    token = csrf_token_from(reviewer_browser.get("/debriefs/new").get_data(as_text=True))
    response = reviewer_browser.post("/debriefs/new", data={
        "csrf_token": token, "incident_type": "murder", "crime_reference": "42/18812/26",
        "occurred_on": ["31", "12", year], "occurred_time": "23:59", "reported_on": ["31", "12", year],
        "reported_time": "23:59", "summary": "A man was stabbed."})
    page = a_page(response, 400)
    assert "govuk-error-summary" in page and problem in page


def test_half_a_character_in_a_form_field_is_never_stored(reviewer_browser, read_db):
    """Browsers cannot send a lone surrogate; a hand-made post can send its UTF-8 bytes, which are not
    UTF-8. The form reads them as replacement characters, never as half a character."""
    from debrief.models import Debrief

    token = csrf_token_from(reviewer_browser.get("/debriefs/new").get_data(as_text=True))
    fields = {"csrf_token": token, "incident_type": "murder", "crime_reference": "42/18812/26",
              "occurred_time": "23:10", "reported_time": "23:40"}
    parts = [(name, value.encode()) for name, value in fields.items()]
    parts += [("occurred_on", b"2"), ("occurred_on", b"11"), ("occurred_on", b"2026"),
              ("reported_on", b"2"), ("reported_on", b"11"), ("reported_on", b"2026"),
              ("summary", "Stabbed \ud800 outside".encode("utf-8", "surrogatepass"))]
    body = b"".join(b"--B\r\nContent-Disposition: form-data; name=\"" + name.encode() + b"\"\r\n\r\n" + value + b"\r\n"
                    for name, value in parts) + b"--B--\r\n"
    response = reviewer_browser.post("/debriefs/new", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code in (302, 400), response.status_code
    summaries = read_db(lambda s: [d.summary for d in s.query(Debrief)])
    for summary in summaries:
        summary.encode("utf-8")  # a lone surrogate would raise here


class Unread(io.RawIOBase):
    """A 100 MB request body that counts how much of it the app reads."""

    size = 100 * 1024 * 1024

    def __init__(self):
        self.position = self.read_bytes = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"x" * n
        self.position += n
        self.read_bytes += n
        return n


def test_a_100_mb_body_is_a_413_on_the_api_and_is_never_read(client, reviewer):
    body = Unread()
    response = client.post("/api/v1/debriefs", input_stream=body, content_length=body.size,
                           content_type="application/json", headers=reviewer)
    error = api_error(response, 413, "too_large")
    assert "MB" in error["message"]
    assert body.read_bytes == 0


def test_a_100_mb_body_is_a_413_page_and_is_never_read(reviewer_browser):
    body = Unread()
    response = reviewer_browser.post("/recommendations/import", input_stream=body, content_length=body.size,
                                     content_type="multipart/form-data; boundary=B")
    assert "too large" in a_page(response, 413)
    assert body.read_bytes == 0


def test_the_largest_death_report_extract_fits_under_the_limit(app):
    from debrief.services import death_reports

    assert app.config["MAX_CONTENT_LENGTH"] > death_reports.MAX_CSV_BYTES * 2


def test_a_number_past_the_database_range_in_the_page_twin_of_the_repeat_check_is_a_422(reviewer_browser):
    token = csrf_token_from(reviewer_browser.get("/debriefs/new").get_data(as_text=True))
    for exclude_id in (10**20, str(10**20), "²"):
        response = reviewer_browser.post("/recommendations/similar", headers={"X-CSRFToken": token},
                                         json={"text": "Train call handlers.", "exclude_id": exclude_id})
        assert "exclude_id" in api_error(response, 422, "validation_error")["fields"]


def test_a_superscript_digit_posted_as_an_agency_is_a_gov_uk_error(client, make_user, api_token, browser_of):
    """"²" is a digit to str.isdigit, which int() refuses: the invitation form used to answer 500."""
    make_user("riya@police.uk", "reviewer")
    debrief_id = client.post("/api/v1/debriefs", json=DEBRIEF,
                             headers=api_token("riya@police.uk")).get_json()["id"]
    browser = browser_of("riya@police.uk")
    path = f"/debriefs/{debrief_id}/invitations/new"
    token = csrf_token_from(browser.get(path).get_data(as_text=True))
    response = browser.post(path, data={"csrf_token": token, "agency": "²", "email": "contact@nhs.net"})
    page = a_page(response, response.status_code)
    assert response.status_code in (400, 422) and "govuk-error-summary" in page
