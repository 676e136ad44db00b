"""Development out of the box (issue 22): `bin/dev` catches the app's email on this machine
(`flask dev-mail`) and /dev/mail shows each message with its links, in development only."""
from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller

from debrief import dev_mail
from debrief.extensions import db
from debrief.services import notifications
from tests.conftest import SignIn, _free_port, make_app


@pytest.fixture
def catcher(tmp_path):
    """`flask dev-mail`'s catcher on a free loopback port, keeping messages in a folder."""
    folder = tmp_path / "dev-mail"
    port = _free_port()
    controller = Controller(dev_mail.Catcher(folder), hostname="127.0.0.1", port=port)
    controller.start()
    yield folder, port
    controller.stop()


@pytest.fixture
def development_app(app, database_url, catcher, tmp_path):
    folder, port = catcher
    development = make_app(database_url, APP_ENV="development", SECRET_KEY="", INSTANCE_PATH=tmp_path,
                           MAIL_SERVER="127.0.0.1", MAIL_PORT=port, DEV_MAIL_DIR=str(folder))
    yield development
    development.extensions["outbox_delivery"].wait_until_idle(10)
    with development.app_context():
        db.engine.dispose()


def test_the_developer_reads_caught_email_and_follows_the_partners_link(development_app, make_user):
    make_user("riya@police.uk", "reviewer")
    with development_app.app_context():
        notifications.queue(key="invitation:dev", to="dr.jones@nhs.net", subject="Rapid debrief RD-1: please share",
                            body="Open this link:\n{link}\n", secret_link="http://127.0.0.1:5000/invite/abc123")
        db.session.commit()
        assert notifications.deliver_due() == 1
    browser = development_app.test_client()
    assert SignIn(browser).sign_in("riya@police.uk").status_code == 302
    page = browser.get("/dev/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rapid debrief RD-1: please share" in html and "dr.jones@nhs.net" in html
    assert re.search(r'<a class="govuk-link rd-caught-link" href="http://127.0.0.1:5000/invite/abc123">', html)


def test_the_caught_email_page_exists_only_in_development(app, make_user, browser_of):
    make_user("riya@police.uk", "reviewer")
    assert browser_of("riya@police.uk").get("/dev/mail").status_code == 404
    assert "dev_mail" not in app.blueprints
