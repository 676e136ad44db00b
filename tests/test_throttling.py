"""Throttling counts failures in the database, so every worker and every server shares one count."""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa
from flask_migrate import upgrade

from debrief import ConfigurationError
from debrief.extensions import db
from debrief.models import Agency, FailedAttempt, as_if_now, utcnow
from debrief.services import accounts
from debrief.services.throttling import Limit, parse_limits
from tests.builders import MURDER
from tests.conftest import PASSWORD, csrf_token_from, make_app, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
WRONG = "Enter a correct email address and password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not listen within 30 s:\n{log.read_text(errors='replace')[-3000:]}")


def test_wrong_passwords_for_one_account_across_4_workers_get_at_most_the_limit(tmp_path):
    """The issue's target: 40 wrong passwords for one account, posted concurrently to gunicorn with 4
    workers (the deployment's settings, production mode): at most the configured 5 are judged, the
    rest are told to wait."""
    with throwaway_database(tmp_path) as url:
        setup = make_app(url)
        with setup.app_context():
            upgrade()
            accounts.create_user(email="riya@police.uk", name="Riya Reviewer", roles=["reviewer"],
                                 password=PASSWORD, actor=None)
            db.session.commit()
            db.engine.dispose()

        port = _free_port()
        log = tmp_path / "gunicorn.log"
        environment = {**os.environ, "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                       "DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://", 1),
                       "BIND": f"127.0.0.1:{port}", "SCHEDULER_ENABLED": "0",
                       "SIGN_IN_RATE_LIMIT": "5 per minute;20 per hour"}
        with log.open("wb") as output:
            # --preload: the app is loaded once and forked, so four workers are up in seconds, not 30.
            server = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", "4",
                 "--preload", "wsgi:app"], cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_listening(port, server, log)
            base = f"http://127.0.0.1:{port}"
            first = requests.get(f"{base}/sign-in", timeout=60)
            # The cookie is marked Secure (production); this test speaks plain HTTP on loopback, so it
            # sends the cookie itself.
            cookie = {"session": first.cookies["session"]}
            token = csrf_token_from(first.text)

            def guess(n: int) -> requests.Response:
                return requests.post(f"{base}/sign-in", cookies=cookie, timeout=30, allow_redirects=False,
                                     data={"csrf_token": token, "email": "riya@police.uk",
                                           "password": f"guess-number-{n}"})

            with ThreadPoolExecutor(max_workers=8) as pool:
                answers = list(pool.map(guess, range(40)))
            workers = {pid for pid in re.findall(r"Booting worker with pid: (\d+)", log.read_text())}
        finally:
            server.terminate()
            server.wait(timeout=30)

    statuses = [answer.status_code for answer in answers]
    judged = [answer for answer in answers if answer.status_code == 400]
    assert len(workers) == 4
    assert set(statuses) <= {400, 429}, statuses
    assert 1 <= len(judged) <= 5, statuses
    assert all(WRONG in answer.text for answer in judged)
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in answers if answer.status_code == 429)


# Invitation links: wrong ones are counted, real ones always open ----------------------------------------


@pytest.fixture
def real_link(client, make_user, api_token, app):
    """A partner's invitation link, made through the API as a reviewer would."""
    make_user("riya@police.uk", "reviewer")
    reviewer = api_token("riya@police.uk")
    with app.app_context():
        db.session.add(Agency(name="Mid and South Essex NHS", kind="health"))
        db.session.commit()
    debrief = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()
    invitation = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=reviewer, json={
        "agency": "Mid and South Essex NHS", "email": "dr.jones@nhs.net", "name": "Dr Sam Jones"}).get_json()
    return urlsplit(invitation["url"]).path


def test_a_real_link_still_opens_from_an_address_throttled_for_wrong_ones(app, real_link, mailbox):
    phone = app.test_client()
    office = {"REMOTE_ADDR": "198.51.100.20"}
    statuses = [phone.get(f"/invite/guess-{n}", environ_base=office).status_code for n in range(12)]
    assert statuses == [404] * 10 + [429] * 2  # INVITE_WRONG_LINK_LIMIT: 10 per minute
    refused = phone.get("/invite/guess-again", environ_base=office)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Wait 1 minute, then try again" in refused.get_data(as_text=True)

    page = phone.get(real_link, environ_base=office)
    assert page.status_code == 200 and "Rapid debrief" in page.get_data(as_text=True)
    assert phone.get(real_link, environ_base=office).status_code == 200
    # Another address is not held up by this one.
    assert phone.get("/invite/guess-x", environ_base={"REMOTE_ADDR": "198.51.100.21"}).status_code == 404


# The counting itself ---------------------------------------------------------------------------------------


def failures(app) -> list:
    with app.app_context():
        return db.session.execute(sa.select(FailedAttempt.key, FailedAttempt.at)).all()


def test_waiting_the_time_given_is_enough_and_old_failures_are_pruned(app, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    start = utcnow()
    for _ in range(5):
        assert auth.sign_in("riya@police.uk", "guessing-wrongly").status_code == 400
    refused = auth.sign_in("riya@police.uk")
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    with as_if_now(start + timedelta(seconds=wait - 2)):
        assert auth.sign_in("riya@police.uk").status_code == 429
    with as_if_now(start + timedelta(seconds=wait + 1)):
        assert auth.sign_in("riya@police.uk").status_code == 302
    # 5 failures × (account and address, address): 10 rows; refusals and the success left none behind.
    assert len(failures(app)) == 10
    auth.sign_out()
    # A day later (the longest window configured), the next attempt prunes them.
    with as_if_now(start + timedelta(days=1, minutes=1)):
        assert auth.sign_in("riya@police.uk", "guessing-wrongly").status_code == 400
    assert len(failures(app)) == 2


def test_the_hourly_limit_holds_when_each_minute_is_under_its_limit(app, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    start = utcnow()
    statuses = []
    for minute in range(5):  # 5 per minute;20 per hour: 5 a minute for 4 minutes, then the hour is full
        with as_if_now(start + timedelta(minutes=minute, seconds=1)):
            statuses += [auth.sign_in("riya@police.uk", "guessing-wrongly").status_code for _ in range(5)]
    assert statuses == [400] * 20 + [429] * 5
    with as_if_now(start + timedelta(minutes=4, seconds=2)):
        response = auth.sign_in("riya@police.uk", "guessing-wrongly")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 50 * 60
    assert "Wait 56 minutes, then try again" in response.get_data(as_text=True)


def test_the_failures_table_names_no_email_or_address(app, auth, make_user):
    auth.sign_in("riya@police.uk", "guessing-wrongly")
    rows = failures(app)
    assert len(rows) == 2
    assert all(len(key) == 64 and "riya" not in key and "127.0.0.1" not in key for key, _ in rows)


def test_limits_are_read_in_flask_limiters_notation_and_a_typo_stops_the_app(database_url):
    assert parse_limits("5 per minute;20 per hour") == (Limit(5, timedelta(minutes=1)), Limit(20, timedelta(hours=1)))
    assert parse_limits("10/2 seconds, 50 per day") == (Limit(10, timedelta(seconds=2)), Limit(50, timedelta(days=1)))
    with pytest.raises(ConfigurationError, match="SIGN_IN_RATE_LIMIT: 'five per minute' is not a limit"):
        make_app(database_url, SIGN_IN_RATE_LIMIT="five per minute")
