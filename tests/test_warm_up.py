"""A new web worker warms up before it takes traffic (debrief/warm_up.py): it renders the pages people
open first, a partner's link among them, and leaves the database exactly as it found it."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Invitation
from debrief.warm_up import warm_up
from tests.builders import invite, make_staff, open_debrief, recommended
from tests.conftest import make_app

STEPS = {"libraries", "templates", "pages", "repeat index"}


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def _rows(read_db) -> dict[str, int]:
    return {table.name: read_db(lambda s, t=table: s.scalar(sa.select(sa.func.count()).select_from(t)))
            for table in db.metadata.sorted_tables}


def test_warming_up_renders_the_first_pages_and_writes_nothing(app, client, staff, read_db, mailbox, caplog):
    debrief = open_debrief(client, staff["reviewer"])
    recommended(client, staff["reviewer"], debrief["id"])
    with app.app_context():
        db.session.add(Agency(name="Mid and South Essex NHS", kind="health"))
        db.session.commit()
    invitation = invite(app, client, staff["reviewer"], debrief["id"])
    sent, rows = len(mailbox), _rows(read_db)
    unopened = read_db(lambda s: s.get(Invitation, invitation["id"]))

    with caplog.at_level(logging.WARNING, logger="debrief.warm_up"):
        took = warm_up(app)

    assert set(took) == STEPS and not caplog.records  # every step ran, every page answered
    assert _rows(read_db) == rows and len(mailbox) == sent
    # The partner's page was rendered for this invitation, with a link of its own: all rolled back.
    opened = read_db(lambda s: s.get(Invitation, invitation["id"]))
    assert (opened.token_hash, opened.opened_at) == (unopened.token_hash, None)
    # The app commits for real again, and the partner's own link still opens.
    assert client.get(urlsplit(invitation["url"]).path).status_code == 200
    assert read_db(lambda s: s.get(Invitation, invitation["id"])).opened_at is not None


def test_workers_warm_up_in_production_unless_told_otherwise(database_url):
    assert make_app(database_url, APP_ENV="production").config["WARM_UP"] is True
    assert make_app(database_url, APP_ENV="production", WARM_UP=False).config["WARM_UP"] is False
    assert make_app(database_url).config["WARM_UP"] is False  # the test suite's


def test_a_worker_whose_database_is_down_warms_up_what_it_can_and_starts(tmp_path, caplog):
    app = make_app(f"sqlite:///{tmp_path / 'no-such-folder' / 'rapid-debrief.sqlite3'}")

    with caplog.at_level(logging.WARNING, logger="debrief.warm_up"):
        took = warm_up(app)

    assert set(took) == {"libraries", "templates"}
    assert [r.getMessage() for r in caplog.records] == [
        "Warm-up: the pages step failed; the worker starts without it",
        "Warm-up: the repeat index step failed; the worker starts without it"]
    assert "join_transaction_mode" not in db.session.session_factory.kw
