"""Imports never hold a request for long (issue 24): an import of recommendations answers once its
rows are checked and stored, with what it accepted and rejected; their vectors are computed
afterwards, in batches, by the web worker's encoder thread or the scheduler's job; nothing imported
is lost if a process stops half-way; and a person sees how far it has got, on a page and in the API."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import RecommendationAwaitingVectors, RecommendationImport, RecommendationVector, utcnow
from debrief.services import imports, similarity
from tests.builders import EMAIL, make_staff
from tests.conftest import SignIn, csrf_token_from, make_app
from tests.html import parse

IMPORT = "/api/v1/recommendations/import"

CHILDREN = ("Officers attending incidents where children are present should speak to the children directly, "
            "away from their parents, and record what each child says about their experience.")
PARAPHRASE = "Talk to the kids separately, away from the adults, and write down what each of them tells you."
FLEET = "Review the force's vehicle fleet maintenance contract before it is renewed."
STALKING = "Call handlers should ask every caller reporting harassment whether the suspect is an ex-partner."


def item(reference: str, text: str = CHILDREN, **changes) -> dict:
    return {"text": text, "source": "iopc", "source_reference": reference, "issued_on": "2024-03-31", **changes}


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def quiet(app, database_url, mail_server):
    """The app as a web worker with ENCODE_IMPORTS_IN_WEB_WORKERS off runs it: an import's
    recommendations wait for the scheduler's job, so the test sees them waiting."""
    quiet = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port,
                     ENCODE_IMPORTS_IN_WEB_WORKERS=False)
    yield quiet
    with quiet.app_context():
        db.engine.dispose()


def waiting(read_db) -> list[tuple[int, str | None]]:
    return read_db(lambda s: list(s.execute(
        sa.select(RecommendationAwaitingVectors.recommendation_id, RecommendationAwaitingVectors.claimed_by)
        .order_by(RecommendationAwaitingVectors.recommendation_id)).tuples()))


def with_vectors(read_db) -> set[int]:
    return read_db(lambda s: set(s.scalars(sa.select(RecommendationVector.recommendation_id))))


def progress(read_db, import_id: int) -> RecommendationImport:
    return read_db(lambda s: s.get(RecommendationImport, import_id))


def check(client, headers, text: str) -> list[str]:
    response = client.post("/api/v1/recommendations/check", json={"text": text}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [match["reference"] for match in response.get_json()["matches"]]


def tick(runner, when):
    result = runner.invoke(args=["jobs", "tick", "--now", when.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


# Answered at once, searchable a moment later ----------------------------------------------------------------


def test_an_import_answers_with_what_it_accepted_and_rejected_and_the_rows_wait_for_their_vectors(
        quiet, staff, read_db, runner, background_recommendations):
    client = quiet.test_client()
    response = client.post(IMPORT, headers=staff["reviewer"], json={"items": [
        item("IOPC-1"), item("IOPC-2", text=FLEET), item("IOPC-3", source="tabloid"), item("IOPC-4", text=STALKING)]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [(i["line"], i["reference"]) for i in body["imported"]] == [(1, "IOPC-1"), (2, "IOPC-2"), (4, "IOPC-4")]
    assert [r["line"] for r in body["rejected"]] == [3]
    record = body["import"]
    assert {key: record[key] for key in ("accepted", "rejected", "encoded", "waiting", "finished_at")} == {
        "accepted": 3, "rejected": 1, "encoded": 0, "waiting": 3, "finished_at": None}
    assert record["by"]["email"] == EMAIL["reviewer"] and record["started_at"]
    assert response.headers["Location"] == f"/api/v1/recommendations/imports/{record['id']}"

    # Stored and waiting: repeat detection skips them until their vectors are stored.
    ids = [i["id"] for i in body["imported"]]
    assert waiting(read_db) == [(i, None) for i in ids]
    assert not with_vectors(read_db) & set(ids)
    assert "IOPC-1" not in check(client, staff["analyst"], PARAPHRASE)

    # The scheduler's job (as `jobs tick` runs it) encodes them.
    assert "imported recommendations made searchable: 3" in tick(runner, utcnow())
    assert waiting(read_db) == [] and set(ids) <= with_vectors(read_db)
    done = progress(read_db, record["id"])
    assert (done.accepted, done.rejected, done.encoded, done.waiting) == (3, 1, 3, 0)
    assert done.finished_at is not None and done.finished_at >= done.started_at
    assert check(client, staff["analyst"], PARAPHRASE)[0] == "IOPC-1"
    assert "imported recommendations made searchable: 0" in tick(runner, utcnow())  # nothing left: nothing done


def test_the_web_workers_encoder_thread_makes_an_import_searchable_after_it_answers(app, client, staff, read_db):
    response = client.post(IMPORT, headers=staff["reviewer"], json={"items": [item("CPR-1"), item("CPR-2", FLEET)]})
    assert response.status_code == 201
    thread = app.extensions["vector_encoding"]._thread
    assert thread is not None and thread.name == "vector-encoding"
    # The test client waits for the thread (as a person reads the progress a moment later).
    import_id = response.get_json()["import"]["id"]
    assert waiting(read_db) == []
    assert progress(read_db, import_id).encoded == 2
    assert check(client, staff["analyst"], PARAPHRASE)[0] == "CPR-1"


def test_the_encoder_works_in_batches_each_stored_and_counted_as_it_goes(quiet, staff, read_db, monkeypatch):
    monkeypatch.setattr(similarity, "STORE_BATCH", 2)
    texts = [CHILDREN, FLEET, STALKING, PARAPHRASE, CHILDREN + " Every time."]
    body = quiet.test_client().post(IMPORT, headers=staff["admin"], json={
        "items": [item(f"B-{n}", text) for n, text in enumerate(texts)]}).get_json()
    import_id = body["import"]["id"]
    events = []  # the vectors written (rows per statement) and the commits, in order
    with quiet.app_context():

        def written(_conn, _cursor, statement, parameters, _context, many):
            if statement.startswith("INSERT INTO recommendation_vectors"):
                events.append(len(parameters) if many else len(parameters) // 4)  # four columns a row
            elif statement.startswith("UPDATE recommendation_imports"):
                events.append("counted")

        def committed(_conn):
            if events and events[-1] != "committed":
                events.append("committed")

        sa.event.listen(db.engine, "before_cursor_execute", written)
        sa.event.listen(db.engine, "commit", committed)
        try:
            assert imports.encode_waiting() == 5
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", written)
            sa.event.remove(db.engine, "commit", committed)
    # Each batch stored, counted into its import and committed before the next is encoded.
    assert events == [2, "counted", "committed", 2, "counted", "committed", 1, "counted", "committed"]
    assert progress(read_db, import_id).encoded == 5 and waiting(read_db) == []


def test_two_encoders_at_once_take_different_rows(quiet, staff, read_db, monkeypatch):
    monkeypatch.setattr(similarity, "STORE_BATCH", 2)
    quiet.test_client().post(IMPORT, headers=staff["reviewer"], json={
        "items": [item("T-1"), item("T-2", FLEET), item("T-3", STALKING)]})
    now = utcnow()
    with quiet.app_context():
        first, second, third = (imports._claim(name, now) for name in ("first", "second", "third"))
    assert (len(first), len(second), third) == (2, 1, {})
    assert not set(first) & set(second)
    assert sorted(claimed for _, claimed in waiting(read_db)) == ["first", "first", "second"]


def test_rows_claimed_by_an_encoder_that_stopped_are_picked_up_again(quiet, staff, read_db, runner):
    body = quiet.test_client().post(IMPORT, headers=staff["reviewer"], json={
        "items": [item("R-1"), item("R-2", FLEET), item("R-3", STALKING)]}).get_json()
    import_id = body["import"]["id"]
    claimed_at = utcnow()
    with quiet.app_context():
        held = imports._claim("stopped-worker", claimed_at)  # ... and then its process is killed
        texts = dict(held)
    assert len(held) == 3

    # Within the lease nobody else takes them (the holder may still be encoding).
    assert "made searchable: 0" in tick(runner, claimed_at + timedelta(minutes=1))
    assert [claimed for _, claimed in waiting(read_db)] == ["stopped-worker"] * 3
    assert progress(read_db, import_id).encoded == 0

    # Once it has run out, the scheduler's job claims and encodes them.
    assert "made searchable: 3" in tick(runner, claimed_at + imports.LEASE + timedelta(seconds=1))
    assert waiting(read_db) == []
    done = progress(read_db, import_id)
    assert (done.encoded, done.finished_at is not None) == (3, True)

    # The stopped worker, had it come back late, stores nothing twice and counts nothing twice.
    with quiet.app_context():
        assert imports._store("stopped-worker", dict(zip(texts, similarity.embed(list(texts.values()))))) == 0
    assert progress(read_db, import_id).encoded == 3
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(RecommendationVector))) == 3


def test_nothing_is_lost_when_the_web_worker_stops_before_encoding(quiet, staff, read_db, runner):
    """The rows are stored with the import: a worker that never starts its thread (stopped, or the
    thread switched off) leaves them for the scheduler's next run."""
    body = quiet.test_client().post(IMPORT, headers=staff["reviewer"], json={"items": [item("L-1")]}).get_json()
    assert [claimed for _, claimed in waiting(read_db)] == [None]
    tick(runner, utcnow())
    assert body["imported"][0]["id"] in with_vectors(read_db)


# Progress a person can see -------------------------------------------------------------------------------


def signed_in(app, who: str):
    browser = app.test_client()
    assert SignIn(browser).sign_in(EMAIL[who]).status_code == 302
    return browser


def test_the_upload_result_links_to_the_import_page_which_says_how_many_are_searchable(quiet, staff, runner):
    browser = signed_in(quiet, "reviewer")
    content = ("text,source,source_reference,issued_on\r\n"
               f'"{CHILDREN}",iopc,U-1,2024-03-31\r\n"{FLEET}",sar,U-2,31/01/2023\r\n,iopc,U-3,2024-03-31\r\n')
    token = csrf_token_from(browser.get("/recommendations/import").get_data(as_text=True))
    result = browser.post("/recommendations/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(content.encode()), "list.csv")}).get_data(as_text=True)
    assert parse(result).find("h1").text == "2 recommendations imported"
    link = parse(result).find("p", id="progress").find("a")
    assert link.text == "See how many it searches so far"
    path = link.attrs["href"]
    assert path.startswith("/recommendations/imports/")

    page = parse(browser.get(path).get_data(as_text=True))
    assert page.find("h1").text == "Repeat detection searches 0 of the 2 recommendations imported so far"
    assert "2 are still being read. Refresh this page to see how far it has got." in page.text
    rows = {key.text: value.text for key, value in zip(page.find_all("dt"), page.find_all("dd"))}
    assert (rows["Recommendations imported"], rows["Rows not imported"], rows["Searched by repeat detection"],
            rows["Imported by"], rows["Finished"]) == ("2", "1", "0", "Riya Reviewer", "Not yet")

    tick(runner, utcnow())
    page = parse(browser.get(path).get_data(as_text=True))  # refreshed
    assert page.find("h1").text == "Repeat detection searches all 2 recommendations imported"
    rows = {key.text: value.text for key, value in zip(page.find_all("dt"), page.find_all("dd"))}
    assert rows["Searched by repeat detection"] == "2" and rows["Finished"] != "Not yet"


def test_the_api_gives_an_imports_progress(quiet, staff, runner):
    client = quiet.test_client()
    body = client.post(IMPORT, headers=staff["reviewer"], json={"items": [item("P-1"), item("P-2", FLEET)]}).get_json()
    path = f"/api/v1/recommendations/imports/{body['import']['id']}"
    before = client.get(path, headers=staff["admin"])
    assert before.status_code == 200
    assert before.get_json() == body["import"]
    tick(runner, utcnow())
    after = client.get(path, headers=staff["reviewer"]).get_json()
    assert (after["accepted"], after["encoded"], after["waiting"]) == (2, 2, 0) and after["finished_at"]


def test_an_import_that_does_not_exist_is_a_404(client, staff, browser_of):
    missing = client.get("/api/v1/recommendations/imports/999999", headers=staff["reviewer"])
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert browser_of(EMAIL["reviewer"]).get("/recommendations/imports/999999").status_code == 404


@pytest.mark.parametrize("who, status", [
    ("owner", 403), ("board", 403), ("analyst", 403), ("learning", 403), ("reviewer", 200), ("admin", 200)])
def test_only_those_who_may_import_see_an_imports_progress(client, staff, browser_of, who, status):
    body = client.post(IMPORT, headers=staff["reviewer"], json={"items": [item("W-1")]}).get_json()
    import_id = body["import"]["id"]
    assert client.get(f"/api/v1/recommendations/imports/{import_id}", headers=staff[who]).status_code == status
    assert browser_of(EMAIL[who]).get(f"/recommendations/imports/{import_id}").status_code == status


def test_signed_out_people_are_sent_to_sign_in_and_no_token_is_a_401(client, staff):
    body = client.post(IMPORT, headers=staff["reviewer"], json={"items": [item("S-1")]}).get_json()
    import_id = body["import"]["id"]
    page = client.get(f"/recommendations/imports/{import_id}")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in")
    assert client.get(f"/api/v1/recommendations/imports/{import_id}").status_code == 401
