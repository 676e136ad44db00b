"""Importing death reports (issue 21, api.md "Death reports and linked series"): one source's extract
through the API (CSV or JSON), the upload page and `flask deaths import`. Every bad row is reported
by line and field, the good ones kept; the same file twice changes nothing; a changed row updates its
report; names, dates of birth and NHS numbers never reach logs or messages."""
from __future__ import annotations

import io
import logging

import pytest
import sqlalchemy as sa

from debrief.models import AuditEvent, DeathReport
from debrief.deaths.records import nhs_number_is_valid
from tests.builders import EMAIL, csv_of, make_staff
from tests.conftest import csrf_token_from
from tests.html import problems


IMPORT = "/api/v1/death-reports/import"
PAGE = "/deaths/import"
#: A valid NHS number (modulus 11), and the personal data that must never be repeated back.
NHS_NUMBER = "9434765919"
FAMILY_NAME = "Zebedee-Quartermaine"


def row(reference: str = "SD/2025/000001", **changes) -> dict[str, str]:
    values = {"source_reference": reference, "reported_at": "2025-03-02T08:00", "found_at": "2025-03-02T06:30",
              "family_name": FAMILY_NAME, "given_names": "Daniel James", "date_of_birth": "1990-05-17",
              "sex": "male", "nhs_number": NHS_NUMBER, "latitude": "52.4862", "longitude": "-1.8904",
              "location_type": "dwelling", "apparent_cause": "drug_related", "substances": "heroin;alcohol",
              "indicators": "lives_alone", "initial_classification": "non_suspicious",
              "narrative": "Found by a neighbour & a carer <no signs of disturbance>."}
    values.update(changes)
    return values


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def reports(read_db) -> list[DeathReport]:
    return read_db(lambda s: list(s.scalars(sa.select(DeathReport).order_by(DeathReport.id))))


def send_json(client, headers, source, rows):
    return client.post(IMPORT, json={"source": source, "reports": rows}, headers=headers)


def send_csv(client, headers, content: bytes, source: str = "police", filename: str = "extract.csv"):
    return client.post(IMPORT, data={"source": source, "file": (io.BytesIO(content), filename)},
                       headers=headers, content_type="multipart/form-data")


# The API --------------------------------------------------------------------------------------------------


def test_an_analyst_imports_a_police_extract_as_csv(client, staff, read_db):
    response = send_csv(client, staff["analyst"], csv_of(row(), row("SD/2025/000002", family_name="Okafor")))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"imported": 2, "updated": 0, "unchanged": 0, "rejected": []}
    held = reports(read_db)
    assert [r.source_reference for r in held] == ["SD/2025/000001", "SD/2025/000002"]
    first = held[0]
    assert first.source == "police" and first.nhs_number == NHS_NUMBER and first.sex == "male"
    assert first.substances == ["alcohol", "heroin"] and first.indicators == ["lives_alone"]
    # London time without an offset: 06:30 on 2 March is 06:30 UTC (GMT).
    assert first.found_at.isoformat() == "2025-03-02T06:30:00+00:00"
    assert first.latitude == pytest.approx(52.4862) and first.date_of_birth.isoformat() == "1990-05-17"


def test_london_summer_time_is_read_as_such(client, staff, read_db):
    send_json(client, staff["analyst"], "nhs", [row("AMB-1", found_at="2025-07-01T12:00", reported_at="")])
    assert reports(read_db)[0].found_at.isoformat() == "2025-07-01T11:00:00+00:00"


def test_good_rows_are_kept_and_each_bad_one_reported_by_line_and_field(client, staff, read_db):
    content = csv_of(
        row("SD-1"),                                                          # line 2: good
        row("SD-2", found_at="31/02/2025"),                                   # 3: not a date
        row("SD-3", apparent_cause="poisoned", substances="heroin;unicorn"),  # 4: unknown codes
        row("SD-4", latitude="48.85", longitude="2.35"),                      # 5: Paris, not the UK
        row("SD-5", nhs_number="94347 659"),                                  # 6: not ten digits
        row("SD-6", date_of_birth="2026-01-01", found_at="2025-01-01T10:00", reported_at=""),  # 7: born after
        row("SD-1"),                                                          # 8: same reference again
        row("SD-8", found_at="2999-01-01T00:00", reported_at=""),            # 9: the future
        row("SD-9", sex="M"),                                                 # 10: unknown code
        row("", found_at=""),                                                 # 11: no reference, no date
    )
    response = send_csv(client, staff["analyst"], content)
    assert response.status_code == 200
    body = response.get_json()
    assert body["imported"] == 1 and body["updated"] == 0
    rejected = {r["line"]: r for r in body["rejected"]}
    assert sorted(rejected) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert set(rejected[3]["fields"]) == {"found_at"}
    assert set(rejected[4]["fields"]) == {"apparent_cause", "substances"}
    assert "1 code that is not in the list" in rejected[4]["fields"]["substances"]
    assert "unicorn" not in rejected[4]["fields"]["substances"]  # what a field held is never repeated
    assert set(rejected[5]["fields"]) == {"latitude", "longitude"}
    assert set(rejected[6]["fields"]) == {"nhs_number"}
    assert set(rejected[7]["fields"]) == {"date_of_birth"}
    assert "line 2" in rejected[8]["fields"]["source_reference"]
    assert set(rejected[9]["fields"]) == {"found_at"}
    assert set(rejected[10]["fields"]) == {"sex"}
    assert set(rejected[11]["fields"]) == {"source_reference", "found_at"}
    assert rejected[3]["source_reference"] == "SD-2"
    # What a field held is never repeated back: not the name, the date of birth or the NHS number.
    text = str(body)
    assert FAMILY_NAME not in text and "94347 659" not in text and "2026-01-01" not in text
    assert [r.source_reference for r in reports(read_db)] == ["SD-1"]


def test_importing_the_same_file_twice_changes_nothing_and_a_changed_row_updates_its_report(client, staff, read_db):
    content = csv_of(row("SD-1"), row("SD-2"))
    assert send_csv(client, staff["analyst"], content).get_json()["imported"] == 2
    again = send_csv(client, staff["analyst"], content).get_json()
    assert again == {"imported": 0, "updated": 0, "unchanged": 2, "rejected": []}
    changed = send_csv(client, staff["analyst"], csv_of(row("SD-1", apparent_cause="hanging", substances=""),
                                                         row("SD-2"))).get_json()
    assert changed == {"imported": 0, "updated": 1, "unchanged": 1, "rejected": []}
    held = reports(read_db)
    assert len(held) == 2 and held[0].apparent_cause == "hanging" and held[0].substances == []
    # The same reference from another source is another report.
    assert send_csv(client, staff["analyst"], content, source="nhs").get_json()["imported"] == 2
    events = read_db(lambda s: list(s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "death_reports_imported"))))
    assert len(events) == 3  # the import that changed nothing is not an event
    assert all(FAMILY_NAME not in str(e.changes) for e in events)


def test_columns_in_any_order_others_ignored_and_absent_ones_unknown(client, staff, read_db):
    content = ("narrative,found_at,extra column,source_reference\r\n"
               "\"Found in a park, by a dog walker\",2025-01-05T09:00,ignored,SD-7\r\n").encode("utf-8-sig")
    body = send_csv(client, staff["analyst"], content).get_json()
    assert body["imported"] == 1
    held = reports(read_db)[0]
    assert held.narrative == "Found in a park, by a dog walker" and held.family_name is None and held.substances == []


@pytest.mark.parametrize("content, filename, message", [
    (b"source_reference,narrative\r\nSD-1,no found_at column\r\n", "a.csv", "missing found_at"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.csv", "must be a CSV"),
    (b"   ", "empty.csv", "empty"),
    ("source_reference,found_at\r\nSD-1,2025-01-01\r\n".encode("utf-16"), "excel.csv", "UTF-8"),
])
def test_a_file_that_is_not_a_csv_of_this_shape_is_a_422_naming_what_is_wrong(client, staff, read_db, content,
                                                                               filename, message):
    response = send_csv(client, staff["analyst"], content, filename=filename)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"]["file"]
    assert reports(read_db) == []


def test_ten_megabytes_of_text_in_a_field_is_refused_for_that_row_only(client, staff, read_db):
    huge = "x" * (10 * 1024 * 1024)
    response = send_csv(client, staff["analyst"], csv_of(row("SD-1"), row("SD-2", narrative=huge)))
    assert response.status_code == 200
    body = response.get_json()
    assert body["imported"] == 1 and body["rejected"][0]["fields"] == {
        "narrative": "The narrative must be 5,000 characters or fewer"}


def test_a_file_over_the_size_limit_is_refused_without_saving_anything(app, client, staff, read_db):
    from debrief.services import death_reports

    too_big = csv_of(row("SD-1")) + b"x" * (death_reports.MAX_CSV_BYTES + 1)
    response = send_csv(client, staff["analyst"], too_big)
    assert response.status_code in (413, 422)
    assert reports(read_db) == []


@pytest.mark.parametrize("body, field", [
    ({"source": "police"}, "reports"),
    ({"source": "police", "reports": []}, "reports"),
    ({"source": "police", "reports": "SD-1"}, "reports"),
    ({"source": "coroner", "reports": [{"source_reference": "x", "found_at": "2025-01-01"}]}, "source"),
    ({"source": "police", "reports": [], "extra": 1}, "extra"),
])
def test_a_json_import_names_what_is_wrong(client, staff, body, field):
    response = client.post(IMPORT, json=body, headers=staff["analyst"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_json_rows_may_give_coordinates_as_numbers_but_not_other_types(client, staff, read_db):
    body = send_json(client, staff["analyst"], "local_authority", [
        row("ASC-1", latitude=52.5, longitude=-1.9), row("ASC-2", substances=["heroin"]), "not an object"]).get_json()
    assert body["imported"] == 1
    assert {r["line"]: set(r["fields"]) for r in body["rejected"]} == {2: {"substances"}, 3: {"report"}}


@pytest.mark.parametrize("who, status", [("analyst", 200), ("admin", 200), ("board", 403), ("reviewer", 403),
                                         ("owner", 403), ("learning", 403)])
def test_only_analysts_and_administrators_import(client, staff, who, status):
    assert send_json(client, staff[who], "police", [row()]).status_code == status


def test_importing_needs_a_token(client):
    assert client.post(IMPORT, json={"source": "police", "reports": [row()]}).status_code == 401


def test_an_nhs_number_failing_its_check_digit_is_kept_as_the_source_holds_it(client, staff, read_db):
    """Sources hold mistyped numbers (two digits swapped); the report is not lost for it."""
    body = send_json(client, staff["analyst"], "nhs", [row("AMB-9", nhs_number="9434765918")]).get_json()
    assert body["imported"] == 1 and not body["rejected"]
    assert reports(read_db)[0].nhs_number == "9434765918"


def test_the_nhs_number_check_digit():
    assert nhs_number_is_valid("9434765919") and not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("1000000010")  # a check digit of 10 is never valid


def test_personal_data_never_reaches_the_logs(app, client, staff, caplog):
    caplog.set_level(logging.DEBUG)
    send_csv(client, staff["analyst"], csv_of(row("SD-1"), row("SD-2", nhs_number="123")))
    client.post("/api/v1/death-reports/analyse", headers=staff["analyst"])
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert FAMILY_NAME not in logged and NHS_NUMBER not in logged and "1990-05-17" not in logged


# The command line -----------------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_lists_bad_rows_by_line(runner, tmp_path, read_db):
    path = tmp_path / "nhs.csv"
    path.write_bytes(csv_of(row("AMB-1"), row("AMB-2", sex="X")))
    result = runner.invoke(args=["deaths", "import", str(path), "--source", "nhs"])
    assert result.exit_code == 0, result.output
    assert "1 imported, 0 updated, 0 unchanged, 1 rejected." in result.output
    assert "line 3 (AMB-2): sex" in result.output
    assert FAMILY_NAME not in result.output
    again = runner.invoke(args=["deaths", "import", str(path), "--source", "nhs"])
    assert "0 imported, 0 updated, 1 unchanged" in again.output
    assert [r.source for r in reports(read_db)] == ["nhs"]


def test_the_command_refuses_a_file_without_the_columns(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,date\nA,B\n")
    result = runner.invoke(args=["deaths", "import", str(path), "--source", "police"])
    assert result.exit_code != 0 and "source_reference" in result.output


# The upload page ------------------------------------------------------------------------------------------


def upload(browser, content: bytes, source: str | None = "police", *, csrf: bool = True):
    data = {"file": (io.BytesIO(content), "extract.csv")}
    if source:
        data["source"] = source
    if csrf:
        data["csrf_token"] = csrf_token_from(browser.get(PAGE).get_data(as_text=True))
    return browser.post(PAGE, data=data, content_type="multipart/form-data")


def test_an_analyst_uploads_an_extract_and_sees_what_was_kept_and_refused(staff, browser_of, read_db):
    analyst = browser_of(EMAIL["analyst"])
    page = analyst.get(PAGE)
    assert page.status_code == 200 and 'type="file"' in page.get_data(as_text=True)
    response = upload(analyst, csv_of(row("SD-1"), row("SD-2", date_of_birth="17/05/1990"),
                                      row("SD-3", found_at="yesterday")))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 new reports, 0 updated" in html and "1 not imported" in html
    assert "found_at" in html and "SD-3" in html
    assert len(reports(read_db)) == 2


def test_the_upload_asks_for_the_source_and_a_file(staff, browser_of, read_db):
    analyst = browser_of(EMAIL["analyst"])
    token = csrf_token_from(analyst.get(PAGE).get_data(as_text=True))
    response = analyst.post(PAGE, data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400
    summary = problems(response.get_data(as_text=True))
    assert "Select whose extract it is" in summary and "Select a CSV file" in summary


def test_an_upload_that_is_not_a_csv_shows_the_error_summary(staff, browser_of, read_db):
    response = upload(browser_of(EMAIL["admin"]), b"\x00\x01\x02 binary")
    assert response.status_code == 400
    assert "must be a CSV" in problems(response.get_data(as_text=True))
    assert reports(read_db) == []


def test_an_upload_without_the_csrf_token_is_refused(staff, browser_of, read_db):
    response = upload(browser_of(EMAIL["analyst"]), csv_of(row()), csrf=False)
    assert response.status_code == 400 and reports(read_db) == []


@pytest.mark.parametrize("who", ["reviewer", "owner", "learning", "board"])
def test_other_roles_cannot_open_the_upload_page(staff, browser_of, who):
    assert browser_of(EMAIL[who]).get(PAGE).status_code == 403
