"""The outbox (issue 7): every email is a row first; a mail server that is down loses nothing; a crash
between sending and marking sent resends at most once more, with the same Message-ID; an email that
keeps failing waits for an administrator's retry on the outbox page."""
from __future__ import annotations

import re
import socket
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import AuditEvent, OutboxEmail, User, as_if_now
from debrief.services import notifications
from tests.conftest import csrf_token_from

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def queue(app, n: int = 1) -> list[int]:
    """Emails queued at T0."""
    with app.app_context(), as_if_now(T0):
        ids = [notifications.queue(key=f"test:{i}", to=f"person{i}@police.uk", subject=f"Subject {i}",
                                   body=f"Body {i} <b>&</b>").id for i in range(n)]
        db.session.commit()
        return ids


def rows(read_db) -> list[OutboxEmail]:
    return read_db(lambda s: s.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all())


def tick(runner, when: datetime):
    return runner.invoke(args=["jobs", "tick", "--now", when.isoformat()])


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def mail_down(app, closed_port):
    """The mail server refuses connections until `up()` is called."""
    working = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = closed_port

    class Switch:
        @staticmethod
        def up():
            app.config["MAIL_PORT"] = working

    yield Switch
    app.config["MAIL_PORT"] = working


def test_a_mail_server_that_is_down_loses_nothing_and_each_email_goes_once_it_is_back(
        app, runner, read_db, mailbox, mail_down):
    queue(app, 3)
    assert tick(runner, T0).exit_code == 0
    waiting = rows(read_db)
    assert [e.status for e in waiting] == ["pending"] * 3 and not mailbox
    assert all(e.attempts == 1 and "unavailable" in e.last_error for e in waiting)
    assert all(e.next_attempt_at == T0 + timedelta(seconds=notifications.BACKOFF[0]) for e in waiting)

    assert tick(runner, T0 + timedelta(seconds=30)).exit_code == 0  # not due again yet
    assert [e.attempts for e in rows(read_db)] == [1, 1, 1]

    mail_down.up()
    assert tick(runner, T0 + timedelta(minutes=2)).exit_code == 0
    assert sorted(m["Subject"] for m in mailbox) == ["Subject 0", "Subject 1", "Subject 2"]
    assert [e.status for e in rows(read_db)] == ["sent"] * 3
    tick(runner, T0 + timedelta(days=1))
    assert len(mailbox) == 3


def test_a_crash_after_sending_resends_once_with_the_same_message_id(app, runner, read_db, mailbox, monkeypatch):
    queue(app)

    def crash(email_id, now):
        raise RuntimeError("the process died before the row was marked sent")

    monkeypatch.setattr(notifications, "_sent", crash)
    result = tick(runner, T0)
    assert result.exit_code != 0 and len(mailbox) == 1
    email = rows(read_db)[0]
    assert email.status == "pending" and email.attempts == 1  # claimed, not marked sent
    monkeypatch.undo()

    tick(runner, T0 + timedelta(minutes=5))  # still within the attempt's lease: nobody sends it again
    assert len(mailbox) == 1
    tick(runner, T0 + notifications.LEASE + timedelta(seconds=1))
    assert len(mailbox) == 2
    assert mailbox[0]["Message-ID"] == mailbox[1]["Message-ID"]  # a duplicate the receiver can recognise
    tick(runner, T0 + timedelta(days=1))
    assert len(mailbox) == 2 and rows(read_db)[0].status == "sent"


def test_two_deliverers_never_send_the_same_email(app, mailbox):
    queue(app)
    with app.app_context():
        email_id = db.session.scalars(sa.select(OutboxEmail.id)).one()
        assert [row.id for row in notifications._claim([email_id], T0)] == [email_id]  # one deliverer has it
        assert notifications.deliver([email_id], T0 + timedelta(seconds=1)) == 0  # the other finds it taken
    assert not mailbox


@pytest.fixture
def failed(app, runner, read_db, mail_down):
    """An email that failed every attempt."""
    queue(app)
    when = T0
    for _ in range(notifications.MAX_ATTEMPTS):
        tick(runner, when)
        when += timedelta(days=1)
    email = rows(read_db)[0]
    assert email.status == "failed" and email.attempts == notifications.MAX_ATTEMPTS
    tick(runner, when)  # a failed email is not tried again by the scheduler
    assert rows(read_db)[0].attempts == notifications.MAX_ATTEMPTS
    return email


def test_an_administrator_sees_failed_emails_and_retries_one(
        app, make_user, browser_of, read_db, failed, mail_down, mailbox):
    make_user("ada@police.uk", "admin", name="Ada Admin")
    admin = browser_of("ada@police.uk")
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "person0@police.uk" in page and "Subject 0" in page and "Mail server unavailable" in page
    assert "Failed: need a retry" in page
    assert "Body 0" not in page  # the page lists emails; it does not show what they say

    mail_down.up()
    response = admin.post(f"/admin/outbox/{failed.id}/retry", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert [m["Subject"] for m in mailbox] == ["Subject 0"]  # sent at once
    assert rows(read_db)[0].status == "sent"
    followed = admin.get("/admin/outbox").get_data(as_text=True)
    assert "is queued again" in followed and "No email has failed" in followed
    event = read_db(lambda s: s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "email_retried")).one())
    assert event.actor_id is not None


def test_retrying_needs_an_administrator_and_a_csrf_token(app, make_user, browser_of, read_db, failed, mailbox):
    make_user("ada@police.uk", "admin", name="Ada Admin")
    make_user("riya@police.uk", "reviewer")
    reviewer = browser_of("riya@police.uk")
    assert reviewer.get("/admin/outbox").status_code == 403
    token = csrf_token_from(reviewer.get("/").get_data(as_text=True))
    assert reviewer.post(f"/admin/outbox/{failed.id}/retry", data={"csrf_token": token}).status_code == 403
    admin = browser_of("ada@police.uk")
    assert admin.post(f"/admin/outbox/{failed.id}/retry", data={}).status_code in (302, 400)
    assert rows(read_db)[0].status == "failed" and not mailbox
    assert admin.post("/admin/outbox/999999/retry", data={"csrf_token": token}).status_code in (400, 404)


def test_only_a_failed_email_can_be_retried(app, make_user, browser_of, read_db, mailbox):
    queue(app)
    make_user("ada@police.uk", "admin", name="Ada Admin")
    admin = browser_of("ada@police.uk")
    token = csrf_token_from(admin.get("/admin/outbox").get_data(as_text=True))
    email_id = rows(read_db)[0].id
    response = admin.post(f"/admin/outbox/{email_id}/retry", data={"csrf_token": token}, follow_redirects=True)
    assert "Only an email that failed can be retried" in response.get_data(as_text=True)


def test_welsh_and_emoji_arrive_intact_in_subject_body_and_sender(app, runner, mailbox):
    sender = app.config["MAIL_DEFAULT_SENDER"]
    app.config["MAIL_DEFAULT_SENDER"] = "Heddlu Dyfed-Powys ŵŷ <adolygu@heddlu.example>"
    try:
        with app.app_context(), as_if_now(T0):
            notifications.queue(key="welsh", to="sian@heddlu.example",
                                subject="Adolygiad cyflym: Siân, ŵŷ 🙂 & <b>", body="Llinell gyntaf ŵŷ 🙂\nAil linell & <b>")
            db.session.commit()
        assert tick(runner, T0).exit_code == 0
    finally:
        app.config["MAIL_DEFAULT_SENDER"] = sender
    (message,) = mailbox
    assert message["Subject"] == "Adolygiad cyflym: Siân, ŵŷ 🙂 & <b>"
    assert message.get_content().rstrip("\n") == "Llinell gyntaf ŵŷ 🙂\nAil linell & <b>"
    assert message["From"].addresses[0].display_name == "Heddlu Dyfed-Powys ŵŷ"
    assert message["From"].addresses[0].addr_spec == "adolygu@heddlu.example"


def test_retry_is_offered_only_where_it_can_work(app, client, make_user, api_token, browser_of, read_db, mail_down,
                                                mailbox):
    """An invitation's email whose invitation was withdrawn or has expired, or whose link can no
    longer be read, would carry a dead link: the page says why instead of offering Retry."""
    from debrief.models import Agency, Invitation, utcnow
    from tests.builders import MURDER

    make_user("ada@police.uk", "admin", name="Ada Admin")
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    debrief_id = client.post("/api/v1/debriefs", json=MURDER, headers=api_token("riya@police.uk")).get_json()["id"]
    with app.app_context():
        reviewer = db.session.scalars(sa.select(User).where(User.email == "riya@police.uk")).one()
        agency = Agency(name="NHS", kind="health")
        db.session.add(agency)
        db.session.flush()
        made = {}
        for name, changes in (("withdrawn", {"revoked_at": utcnow()}), ("expired", {"expires_at": utcnow()}),
                              ("live", {}), ("unreadable", {})):
            invitation = Invitation(debrief_id=debrief_id, agency_id=agency.id, contact_email=f"{name}@nhs.net",
                                    token_hash=name.ljust(64, "0"), invited_by_id=reviewer.id,
                                    expires_at=utcnow() + timedelta(days=14))
            db.session.add(invitation)
            db.session.flush()
            made[name] = notifications.queue(key=f"invitation:{invitation.id}", to=invitation.contact_email,
                                             subject=f"Invitation {name}", body="Open {link}",
                                             secret_link="http://x/invite/abc", invitation_id=invitation.id).id
            for column, value in changes.items():
                setattr(invitation, column, value)
        db.session.execute(sa.update(OutboxEmail).values(status="failed", last_error="Mail server unavailable"))
        db.session.execute(sa.update(OutboxEmail).where(OutboxEmail.id == made["unreadable"])
                           .values(sealed_link="not-a-fernet-token"))
        db.session.commit()

    admin = browser_of("ada@police.uk")
    page = admin.get("/admin/outbox").get_data(as_text=True)
    rows_by_subject = {re.search(r"Invitation (\w+)", row).group(1): row
                       for row in page.split('<tr class="govuk-table__row">')[2:]}
    assert "Cannot be retried. Its invitation has been withdrawn" in rows_by_subject["withdrawn"]
    assert "Cannot be retried. Its invitation has expired" in rows_by_subject["expired"]
    assert "Cannot be retried. Its link could not be decrypted" in rows_by_subject["unreadable"]
    assert "Retry" not in rows_by_subject["withdrawn"].replace("retried", "")
    assert ">Retry<" in rows_by_subject["live"]

    token = csrf_token_from(page)
    refused = admin.post(f"/admin/outbox/{made['withdrawn']}/retry", data={"csrf_token": token}, follow_redirects=True)
    assert "Its invitation has been withdrawn" in refused.get_data(as_text=True)
    mail_down.up()
    admin.post(f"/admin/outbox/{made['live']}/retry", data={"csrf_token": token})
    assert [m["To"] for m in mailbox] == ["live@nhs.net"]
    assert {e.id: e.status for e in rows(read_db)}[made["withdrawn"]] == "failed"
