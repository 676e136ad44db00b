"""DB-<year>-<nnnn> references never collide, even when reviewers save at the same moment."""
import threading

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Debrief
from tests.builders import MURDER

THREADS = 6
EACH = 4


def test_reviewers_saving_at_the_same_moment_get_distinct_consecutive_references(app, make_user, api_token):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    headers = api_token("riya@police.uk")
    start = threading.Barrier(THREADS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def reviewer_saving(n: int) -> None:
        client = app.test_client()
        start.wait()
        for k in range(EACH):
            response = client.post("/api/v1/debriefs", headers=headers,
                                   json={**MURDER, "crime_reference": f"42/{n}{k:02d}/26"})
            with lock:
                results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=reviewer_saving, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [status for status, _ in results] == [201] * (THREADS * EACH), [b for s, b in results if s != 201]
    references = sorted(body["reference"] for _, body in results)
    year = references[0].split("-")[1]
    assert references == [f"DB-{year}-{n:04d}" for n in range(1, THREADS * EACH + 1)]


def test_the_same_crime_reference_saved_twice_at_once_makes_one_debrief(app, make_user, api_token, read_db):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    headers = api_token("riya@police.uk")
    start = threading.Barrier(2)
    statuses = []

    def save() -> None:
        client = app.test_client()
        start.wait()
        statuses.append(client.post("/api/v1/debriefs", json=MURDER, headers=headers).status_code)

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201, 409]
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Debrief.id)))) == 1


def test_a_clash_on_the_reference_number_is_retried_with_the_next_number(app, make_user, api_token, read_db):
    """Force the race deterministically: just before the debrief's insert, another connection takes the
    number it was about to use. (On SQLite a request holds the write lock from its first query, so no
    other writer can get in between: the clash cannot happen there.)"""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite serialises writing requests; the PostgreSQL run exercises the retry")
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    headers = api_token("riya@police.uk")
    client = app.test_client()
    first = client.post("/api/v1/debriefs", json=MURDER, headers=headers).get_json()
    year, number = int(first["reference"].split("-")[1]), int(first["reference"].split("-")[2])
    stolen = []

    def steal_the_next_number(session, flush_context, instances):
        if stolen or not any(isinstance(o, Debrief) for o in session.new):
            return
        with db.engine.begin() as other:
            other.execute(sa.text(
                "INSERT INTO debriefs (reference_year, reference_number, incident_type_code, crime_reference,"
                " occurred_at, reported_at, summary, domestic, prior_police_contact, reviewer_id, created_at,"
                " updated_at) SELECT reference_year, :n, incident_type_code, '99/99/26', occurred_at, reported_at,"
                " summary, domestic, prior_police_contact, reviewer_id, created_at, updated_at FROM debriefs"
                " WHERE id = :id"), {"n": number + 1, "id": first["id"]})
        stolen.append(number + 1)

    with app.app_context():
        sa.event.listen(db.session, "before_flush", steal_the_next_number)
        try:
            response = client.post("/api/v1/debriefs", json={**MURDER, "crime_reference": "42/2/26"}, headers=headers)
        finally:
            sa.event.remove(db.session, "before_flush", steal_the_next_number)
    assert stolen == [number + 1]
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reference"] == f"DB-{year}-{number + 2:04d}"
