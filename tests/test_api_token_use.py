"""A bearer token's last use is recorded at the request's edge, never before the view runs: the view's
work is the request's one transaction (issue 22, style.md "the transaction visible at the request's
edge")."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import ApiToken, Recommendation, RecommendationUpdate
from debrief.services import recommendations
from debrief.services.errors import Conflict
from tests.builders import EMAIL, make_staff, open_debrief, recommended


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def rec(client, staff):
    return recommended(client, staff["reviewer"], open_debrief(client, staff["reviewer"])["id"])


def last_used(read_db, email: str):
    """When the person's newest token was last used."""
    return read_db(lambda s: s.scalars(sa.select(ApiToken.last_used_at).join(ApiToken.user)
                                       .where(sa.text("users.email = :email")).params(email=email)
                                       .order_by(ApiToken.id.desc())).first())


@pytest.fixture
def commits(app):
    """How many times the app's session has committed, so far in this test."""
    count = {"n": 0}

    def counted(_session):
        count["n"] += 1

    sa.event.listen(db.session, "after_commit", counted)
    yield count
    sa.event.remove(db.session, "after_commit", counted)


def test_nothing_is_committed_before_the_view_runs_and_a_reads_last_use_is_recorded(
        client, api_token, rec, read_db, commits, monkeypatch):
    headers = api_token(EMAIL["owner"])  # a fresh token: never used
    assert last_used(read_db, EMAIL["owner"]) is None
    seen = {}
    real_get = recommendations.get

    def get(recommendation_id):
        seen["commits before the view"] = commits["n"]
        return real_get(recommendation_id)

    monkeypatch.setattr(recommendations, "get", get)
    commits["n"] = 0
    response = client.get(f"/api/v1/recommendations/{rec['id']}", headers=headers)
    assert response.status_code == 200
    assert seen == {"commits before the view": 0}
    assert last_used(read_db, EMAIL["owner"]) is not None  # recorded after the view, though a GET commits nothing


def test_a_view_that_fails_half_way_leaves_nothing_half_done_and_the_use_is_still_recorded(
        client, api_token, rec, read_db, monkeypatch):
    headers = api_token(EMAIL["owner"])
    real_add_update = recommendations.add_update

    def fails_after_writing(recommendation, **values):
        real_add_update(recommendation, **values)  # adds the update and a new version, flushed
        db.session.flush()
        raise Conflict("stale", "Something changed half-way.")

    monkeypatch.setattr(recommendations, "add_update", fails_after_writing)
    response = client.post(f"/api/v1/recommendations/{rec['id']}/updates", headers=headers,
                           json={"kind": "progress", "text": "Half-done"})
    assert response.status_code == 409
    assert read_db(lambda s: s.scalars(sa.select(RecommendationUpdate.text)).all()) == []
    assert read_db(lambda s: s.get(Recommendation, rec["id"]).version) == rec["version"]
    assert last_used(read_db, EMAIL["owner"]) is not None


def test_a_refused_token_records_nothing(client, rec, read_db):
    response = client.get(f"/api/v1/recommendations/{rec['id']}", headers={"Authorization": "Bearer rd_nope"})
    assert response.status_code == 401
