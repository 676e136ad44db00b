"""Partner agencies through invitation links: the email, the secret, the partner's page, the states."""
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, AuditEvent, Clock, Contribution, Invitation, OutboxEmail, utcnow
from debrief.services import notifications, validation
from tests.builders import MURDER
from tests.conftest import csrf_token_from, make_app


@pytest.fixture
def reviewer(make_user, api_token):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    return api_token("riya@police.uk")


@pytest.fixture
def agencies(app):
    with app.app_context():
        for name, kind in (("Mid and South Essex NHS", "health"), ("Essex Children's Services", "childrens_services"),
                           ("Probation Service East", "probation")):
            db.session.add(Agency(name=name, kind=kind))
        db.session.commit()


@pytest.fixture
def debrief(client, reviewer, agencies):
    body = {**MURDER, "summary": "INTERNAL: suspect named as J. Bloggs", "partner_briefing": "A man died in Southend."}
    return client.post("/api/v1/debriefs", json=body, headers=reviewer).get_json()


def invite(client, reviewer, debrief, **body):
    payload = {"agency": "Mid and South Essex NHS", "email": "Dr.Jones@NHS.net", "name": "Dr Sam Jones", **body}
    return client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", json=payload, headers=reviewer)


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_the_contact_gets_an_email_with_a_working_link(client, reviewer, debrief, mailbox):
    response = invite(client, reviewer, debrief)
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "sent" and body["agency"] == "Mid and South Essex NHS"
    assert body["email"] == "dr.jones@nhs.net"
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/invite/[A-Za-z0-9_-]{43}", body["url"])

    assert len(mailbox) == 1
    email = mailbox[0]
    assert email["To"] == "dr.jones@nhs.net"
    assert email["Reply-To"] == "riya@police.uk"  # a reply reaches the reviewer, not a mailbox nobody reads
    assert debrief["reference"] in email["Subject"]
    assert email["Message-ID"].startswith("<") and email["Message-ID"].endswith("@rapid-debrief.invalid>")
    text = email.get_content()
    link = re.search(r"http://\S+/invite/\S+", text).group(0)
    assert link == body["url"]
    assert "Riya Reviewer" in text and "riya@police.uk" in text
    assert "J. Bloggs" not in text and "Southend" not in text  # nothing about the incident in email

    page = client.get(path_of(link))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert debrief["reference"] in html and "A man died in Southend." in html


def test_the_database_never_holds_the_raw_token(app, client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief).get_json()["url"]
    token = url.rsplit("/", 1)[1]
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                assert token not in str(tuple(row)), table.name
        outbox = conn.execute(sa.select(OutboxEmail.body, OutboxEmail.sealed_link, OutboxEmail.status)).one()
    assert outbox.status == "sent" and outbox.sealed_link is None and "{link}" in outbox.body


def test_a_mail_server_that_is_down_loses_nothing(app, client, reviewer, debrief, mailbox, read_db):
    app.config["MAIL_PORT"], port = 1, app.config["MAIL_PORT"]  # nothing listens on port 1
    try:
        response = invite(client, reviewer, debrief)
    finally:
        app.config["MAIL_PORT"] = port
    assert response.status_code == 201  # the invitation stands; the email waits
    waiting = read_db(lambda s: s.scalars(sa.select(OutboxEmail)).one())
    assert waiting.status == "pending" and waiting.attempts == 1 and "unavailable" in waiting.last_error
    assert waiting.sealed_link is not None and response.get_json()["url"] not in waiting.sealed_link
    assert mailbox == []

    from debrief.services import notifications

    with app.app_context():
        sent = notifications.deliver_due(now=utcnow() + timedelta(hours=1))
        db.session.commit()
    assert sent == 1
    assert re.search(r"/invite/\S+", mailbox[0].get_content()).group(0) == path_of(response.get_json()["url"])


@pytest.mark.parametrize("body,field", [
    ({"agency": "Nowhere Trust"}, "agency"), ({"agency": None}, "agency"), ({"agency": ["x"]}, "agency"),
    ({"email": "not-an-email"}, "email"), ({"email": ""}, "email"), ({"name": "x" * 121}, "name"),
])
def test_a_bad_invitation_is_refused_and_nothing_is_sent(client, reviewer, debrief, mailbox, read_db, body, field):
    response = invite(client, reviewer, debrief, **body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert mailbox == []
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Invitation.id)))) == 0


def test_a_withdrawn_agency_cannot_be_invited(app, client, reviewer, debrief):
    with app.app_context():
        db.session.execute(sa.update(Agency).values(active=False))
        db.session.commit()
    assert invite(client, reviewer, debrief).status_code == 422


def test_an_agency_with_the_longest_name_allowed_can_be_invited(app, client, reviewer, debrief, read_db):
    """A partner's deadline is named after the agency: its name at full length fits (on PostgreSQL a
    column too short was a 500)."""
    name = "Southend " + "x" * (validation.LIMITS["agency.name"] - len("Southend "))
    with app.app_context():
        db.session.add(Agency(name=name, kind="health"))
        db.session.commit()
    response = invite(client, reviewer, debrief, agency=name)
    assert response.status_code == 201, response.get_json()
    invitation_id = response.get_json()["id"]
    labels = read_db(lambda session: session.scalars(sa.select(Clock.label).where(Clock.invitation_id == invitation_id)).all())
    assert labels == [f"Partner contribution: {name}"]


def partner_post(client, path, **data):
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_the_partner_page_shows_the_briefing_never_the_internal_summary(app, client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief).get_json()["url"]
    partner = app.test_client()
    html = partner.get(path_of(url)).get_data(as_text=True)
    assert "A man died in Southend." in html
    assert "J. Bloggs" not in html and "INTERNAL" not in html
    assert "Please respond by" in html


def test_partner_pages_send_no_referrer_and_are_never_cached(app, client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief).get_json()["url"]
    for path in (path_of(url), "/invite/not-a-real-token"):
        response = app.test_client().get(path)
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"


def test_states_go_sent_opened_responded(app, client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief).get_json()["url"]
    listing = f"/api/v1/debriefs/{debrief['id']}/invitations"
    states = lambda: [i["state"] for i in client.get(listing, headers=reviewer).get_json()["items"]]  # noqa: E731
    assert states() == ["sent"]
    partner = app.test_client()
    partner.get(path_of(url))
    assert states() == ["opened"]
    response = partner_post(partner, path_of(url), attending="yes", prior_contact="no", learning="Share GP records")
    assert response.status_code == 200
    assert "Contribution sent" in response.get_data(as_text=True)
    assert states() == ["responded"]
    item = client.get(listing, headers=reviewer).get_json()["items"][0]
    assert "url" not in item and item["responded_at"]


def test_the_partner_contribution_clock_is_met_by_the_first_response(app, client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief).get_json()["url"]
    deadlines = lambda: [d for d in client.get(f"/api/v1/debriefs/{debrief['id']}", headers=reviewer)  # noqa: E731
                         .get_json()["deadlines"] if d["kind"] == "partner_contribution"]
    clock = deadlines()[0]
    assert clock["state"] == "pending" and clock["label"] == "Partner contribution: Mid and South Essex NHS"
    partner_post(app.test_client(), path_of(url), attending="no", prior_contact="unknown")
    assert deadlines()[0]["state"] == "met"


def test_the_contribution_clock_ends_two_days_before_a_planned_meeting(client, reviewer, debrief, mailbox):
    from datetime import datetime

    from debrief.services.clock_calendar import LONDON

    today = datetime.now(LONDON).date()
    meeting = datetime.combine(today + timedelta(days=10), datetime.min.time().replace(hour=10), tzinfo=LONDON)
    client.patch(f"/api/v1/debriefs/{debrief['id']}", json={"meeting_scheduled_for": meeting.isoformat()},
                 headers=reviewer)
    invite(client, reviewer, debrief)
    body = client.get(f"/api/v1/debriefs/{debrief['id']}", headers=reviewer).get_json()
    clock = next(d for d in body["deadlines"] if d["kind"] == "partner_contribution")
    assert clock["due_date"] == (today + timedelta(days=8)).isoformat()

    later = meeting + timedelta(days=4)
    body = client.patch(f"/api/v1/debriefs/{debrief['id']}", json={"meeting_scheduled_for": later.isoformat()},
                        headers=reviewer).get_json()
    clock = next(d for d in body["deadlines"] if d["kind"] == "partner_contribution")
    assert clock["due_date"] == (today + timedelta(days=12)).isoformat()  # moved with the meeting


def test_without_a_meeting_the_contribution_is_due_in_five_working_days(client, reviewer, debrief, mailbox):
    from datetime import datetime

    from debrief.services.clock_calendar import LONDON, BankHolidayCalendar

    invite(client, reviewer, debrief)
    body = client.get(f"/api/v1/debriefs/{debrief['id']}", headers=reviewer).get_json()
    clock = next(d for d in body["deadlines"] if d["kind"] == "partner_contribution")
    today = datetime.now(LONDON).date()
    assert clock["due_date"] == BankHolidayCalendar().add_working_days(today, 5).isoformat()


def test_a_partner_may_resubmit_and_every_version_is_kept(app, client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief).get_json()["url"]
    partner = app.test_client()
    partner_post(partner, path_of(url), attending="no", prior_contact="no")
    page = partner.get(path_of(url)).get_data(as_text=True)
    assert "You sent a response on" in page
    partner_post(partner, path_of(url), attending="yes", prior_contact="yes", contact_summary="Seen in A&E in May")
    items = client.get(f"/api/v1/debriefs/{debrief['id']}/contributions", headers=reviewer).get_json()["items"]
    assert [(c["version"], c["attending"], c["prior_contact"]) for c in items] == [(1, False, "no"), (2, True, "yes")]
    assert items[1]["contact_summary"] == "Seen in A&E in May"
    assert items[0]["agency"] == "Mid and South Essex NHS"


@pytest.mark.parametrize("data,messages", [
    ({}, ["Select whether someone from your agency will attend", "Select whether your agency had contact"]),
    ({"attending": "yes", "prior_contact": "yes"}, ["Enter a summary of the contact your agency had"]),
    ({"attending": "maybe", "prior_contact": "no"}, ["from the list"]),
    ({"attending": "yes", "prior_contact": "no", "learning": "x" * 5_001}, ["5,000 characters or fewer"]),
])
def test_a_partners_form_mistakes_are_explained_and_nothing_is_saved(app, client, reviewer, debrief, mailbox,
                                                                    read_db, data, messages):
    url = invite(client, reviewer, debrief).get_json()["url"]
    response = partner_post(app.test_client(), path_of(url), **data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    for message in messages:
        assert message in html
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Contribution.id)))) == 0


def _age(app, invitation_id: int, **changes) -> None:
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.id == invitation_id).values(**changes))
        db.session.commit()


def test_an_expired_link_is_a_410_naming_who_to_contact(app, client, reviewer, debrief, mailbox):
    created = invite(client, reviewer, debrief).get_json()
    _age(app, created["id"], expires_at=utcnow() - timedelta(minutes=1))
    response = app.test_client().get(path_of(created["url"]))
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "has expired" in html and "Riya Reviewer" in html and "riya@police.uk" in html
    assert "A man died in Southend." not in html
    posted = app.test_client().post(path_of(created["url"]), data={"attending": "yes", "prior_contact": "no"})
    assert posted.status_code in (400, 410)  # refused either for the missing CSRF token or as gone
    listing = client.get(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=reviewer).get_json()
    assert listing["items"][0]["state"] == "expired"


def test_a_revoked_link_stops_working_at_once(app, client, reviewer, debrief, mailbox):
    created = invite(client, reviewer, debrief).get_json()
    partner = app.test_client()
    token = csrf_token_from(partner.get(path_of(created["url"])).get_data(as_text=True))
    revoked = client.post(f"/api/v1/invitations/{created['id']}/revoke", headers=reviewer)
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    response = partner.post(path_of(created["url"]), data={"csrf_token": token, "attending": "yes",
                                                           "prior_contact": "no"})
    assert response.status_code == 410
    assert "has been withdrawn" in response.get_data(as_text=True)
    assert client.post(f"/api/v1/invitations/{created['id']}/revoke", headers=reviewer).status_code == 409


def test_a_partner_whose_session_was_lost_gets_their_answers_back(app, client, reviewer, debrief, mailbox, read_db):
    url = invite(client, reviewer, debrief).get_json()["url"]
    partner = app.test_client()
    partner.get(path_of(url))
    response = app.test_client().post(path_of(url), data={  # a new browser: no session, no token
        "attending": "yes", "prior_contact": "yes", "contact_summary": "Seen at the GP on 3 May"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "your answers were not sent yet" in html
    assert "Seen at the GP on 3 May" in html  # nothing typed is lost
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Contribution.id)))) == 0


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
    lambda t: t[:20],  # cut short
    lambda t: t + "x",  # something added
    lambda t: "not-a-token",
])
def test_a_tampered_or_unknown_link_is_a_404(app, client, reviewer, debrief, mailbox, tamper):
    url = invite(client, reviewer, debrief).get_json()["url"]
    token = url.rsplit("/", 1)[1]
    response = app.test_client().get(f"/invite/{tamper(token)}")
    assert response.status_code == 404
    assert "not recognised" in response.get_data(as_text=True)


def test_a_link_reaches_only_its_own_debrief(app, client, reviewer, debrief, mailbox):
    other = client.post("/api/v1/debriefs", headers=reviewer, json={
        **MURDER, "crime_reference": "42/777/26", "partner_briefing": "The other incident's briefing"}).get_json()
    url = invite(client, reviewer, debrief).get_json()["url"]
    partner = app.test_client()
    html = partner.get(path_of(url)).get_data(as_text=True)
    assert "The other incident" not in html and other["reference"] not in html
    partner_post(partner, path_of(url), attending="yes", prior_contact="no")
    mine = client.get(f"/api/v1/debriefs/{debrief['id']}/contributions", headers=reviewer).get_json()
    theirs = client.get(f"/api/v1/debriefs/{other['id']}/contributions", headers=reviewer).get_json()
    assert mine["total"] == 1 and theirs["total"] == 0


def test_a_partners_token_opens_nothing_in_the_api_or_the_staff_pages(app, client, reviewer, debrief, mailbox):
    token = invite(client, reviewer, debrief).get_json()["url"].rsplit("/", 1)[1]
    partner = app.test_client()
    partner.get(f"/invite/{token}")  # the partner's session, such as it is
    from debrief.api import api as api_blueprint

    paths = {re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule) for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith(api_blueprint.name + ".") and rule.endpoint != "api.openapi_document"}
    assert len(paths) >= 10
    for path in sorted(paths):
        for method in ("get", "post", "patch"):
            response = getattr(partner, method)(path, json={}, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code in (401, 405), (method, path, response.status_code)
    for page in ("/", "/debriefs", f"/debriefs/{debrief['id']}"):
        assert partner.get(page).status_code == 302  # to the staff sign-in page


def test_every_use_of_a_link_is_audited(app, client, reviewer, debrief, mailbox, read_db):
    created = invite(client, reviewer, debrief).get_json()
    partner = app.test_client()
    partner_post(partner, path_of(created["url"]), attending="yes", prior_contact="no")
    client.post(f"/api/v1/invitations/{created['id']}/revoke", headers=reviewer)
    assert partner.get(path_of(created["url"])).status_code == 410
    events = read_db(lambda s: s.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "invitation")
                                         .order_by(AuditEvent.id)).all())
    assert [e.action for e in events] == ["invitation_sent", "invitation_opened", "contribution_submitted",
                                          "invitation_revoked", "invitation_refused"]
    assert events[4].changes == {"because": "revoked"}
    assert events[1].invitation_id == created["id"] and events[1].actor_id is None
    assert events[2].actor_label == f"Mid and South Essex NHS (partner invitation {created['id']})"


def test_wrong_links_are_rate_limited_per_address(app, client):
    stranger = app.test_client()
    statuses = [stranger.get(f"/invite/guess-{n}").status_code for n in range(11)]
    assert statuses == [404] * 10 + [429]
    assert app.test_client().get("/invite/guess-x", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 404


def test_a_partners_real_link_is_not_counted_against_them(app, client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief).get_json()["url"]
    partner = app.test_client()
    assert all(partner.get(path_of(url)).status_code == 200 for _ in range(12))


def test_secret_links_never_reach_the_access_log(app, client, reviewer, debrief, mailbox, caplog):
    import logging

    from debrief.log_redaction import RedactSecretLinks, redact

    token = invite(client, reviewer, debrief).get_json()["url"].rsplit("/", 1)[1]
    assert redact(f'"GET /invite/{token} HTTP/1.1" 200') == '"GET /invite/[redacted] HTTP/1.1" 200'
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        assert any(isinstance(f, RedactSecretLinks) for f in logger.filters)
        with caplog.at_level(logging.INFO, logger=name):
            logger.info('%s - - "%s" %s', "127.0.0.1", f"GET /invite/{token}?x=1 HTTP/1.1", 200)
    assert token not in caplog.text
    assert caplog.text.count("/invite/[redacted]") == 2


def test_only_reviewers_invite_or_revoke(client, make_user, api_token, reviewer, debrief, mailbox):
    created = invite(client, reviewer, debrief).get_json()
    for role in ("owner", "learning", "board", "analyst", "admin"):
        make_user(f"{role}@police.uk", role, name=role)
        headers = api_token(f"{role}@police.uk")
        assert invite(client, headers, debrief).status_code == 403
        assert client.post(f"/api/v1/invitations/{created['id']}/revoke", headers=headers).status_code == 403
        assert client.post(f"/api/v1/invitations/{created['id']}/resend", headers=headers).status_code == 403


# Email leaves outside the request (issue 22) ----------------------------------------------------


class HungMailServer:
    """Accepts TCP connections on loopback and never says a word (no SMTP greeting)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hung_mail_server() -> Iterator[HungMailServer]:
    server = HungMailServer()
    yield server
    server.close()


@pytest.fixture
def app_with_a_hung_mail_server(app, database_url, hung_mail_server):
    """The app as a web worker runs it (the plain test client, nobody waiting for the email), with a
    mail server that accepts the connection and then hangs."""
    hung = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=hung_mail_server.port, MAIL_TIMEOUT=2)
    yield hung
    hung.extensions["outbox_delivery"].wait_until_idle(10)
    with hung.app_context():
        db.engine.dispose()


def test_a_hung_mail_server_holds_up_no_request(app_with_a_hung_mail_server, reviewer, debrief, read_db,
                                                hung_mail_server):
    client = app_with_a_hung_mail_server.test_client()
    started = time.perf_counter()
    response = invite(client, reviewer, debrief)
    elapsed = time.perf_counter() - started
    assert response.status_code == 201
    assert elapsed < 1, f"inviting a partner took {elapsed:.1f} s"

    listed = client.get(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=reviewer).get_json()
    assert [item["email_status"] for item in listed["items"]] == ["queued"]  # never shown as sent

    # The delivery thread gave up on that server after MAIL_TIMEOUT: the email waits for a later attempt.
    assert app_with_a_hung_mail_server.extensions["outbox_delivery"].wait_until_idle(10)
    assert hung_mail_server.connections, "the delivery thread never tried the mail server"
    waiting = read_db(lambda s: s.scalars(sa.select(OutboxEmail)).one())
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.last_error


def test_email_queued_by_a_request_is_sent_by_the_delivery_thread(app, client, reviewer, debrief, mailbox,
                                                                  read_db):
    response = invite(client, reviewer, debrief)
    assert response.status_code == 201
    assert [message["To"] for message in mailbox] == ["dr.jones@nhs.net"]
    assert read_db(lambda s: s.scalars(sa.select(OutboxEmail.status)).one()) == "sent"
    thread = app.extensions["outbox_delivery"]._thread
    assert thread is not None and thread.name == "outbox-delivery" and thread is not threading.current_thread()


def test_the_delivery_thread_starts_afresh_in_a_forked_worker(app, monkeypatch):
    """gunicorn forks workers from a master that may have loaded the app: a thread and a lock copied
    from the parent are not the child's, so the first hand-over in the child starts its own."""
    delivery = notifications.DeliveryThread(app)
    old_lock = delivery._ready
    monkeypatch.setattr(delivery, "_pid", -1)  # as if this object had been made before a fork
    delivery.hand_over([])
    assert delivery._ready is not old_lock and delivery._thread.is_alive()
    assert delivery.wait_until_idle(5)


# Whether the email has left; resending; one live invitation per contact (issue 22) --------------


def email_statuses(client, reviewer, debrief) -> list[str]:
    listing = client.get(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=reviewer).get_json()
    return [item["email_status"] for item in listing["items"]]


def fail_for_good(app):
    """Every attempt at the waiting emails fails (nothing listens on port 1) until they give up."""
    port, app.config["MAIL_PORT"] = app.config["MAIL_PORT"], 1
    try:
        with app.app_context():
            when = utcnow()
            for _ in range(notifications.MAX_ATTEMPTS):
                when += timedelta(days=1)
                notifications.deliver_due(now=when)
            db.session.commit()
    finally:
        app.config["MAIL_PORT"] = port


def test_an_invitation_whose_email_failed_says_so_and_is_resent_with_a_working_link(
        app, client, reviewer, debrief, mailbox, read_db):
    app.config["MAIL_PORT"], port = 1, app.config["MAIL_PORT"]
    try:
        created = invite(client, reviewer, debrief).get_json()
    finally:
        app.config["MAIL_PORT"] = port
    assert created["email_status"] == "queued"
    assert email_statuses(client, reviewer, debrief) == ["queued"]  # tried once, waiting: not sent
    fail_for_good(app)
    assert email_statuses(client, reviewer, debrief) == ["failed"] and mailbox == []

    resent = client.post(f"/api/v1/invitations/{created['id']}/resend", headers=reviewer)
    assert resent.status_code == 200
    body = resent.get_json()
    assert body["url"] != created["url"] and body["email_status"] == "queued"  # as the request answered
    assert email_statuses(client, reviewer, debrief) == ["sent"]
    (message,) = mailbox
    assert re.search(r"http://\S+/invite/\S+", message.get_content()).group(0) == body["url"]
    assert app.test_client().get(path_of(body["url"])).status_code == 200
    assert app.test_client().get(path_of(created["url"])).status_code == 200  # the link it replaced still works
    emails = read_db(lambda s: s.execute(sa.select(OutboxEmail.status, OutboxEmail.sealed_link)
                                         .order_by(OutboxEmail.id)).all())
    assert [e.status for e in emails] == ["replaced", "sent"] and all(e.sealed_link is None for e in emails)
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(AuditEvent.id))
                                      .where(AuditEvent.action == "invitation_resent"))) == 1


def test_a_withdrawn_invitation_is_not_resent(app, client, reviewer, debrief, mailbox):
    created = invite(client, reviewer, debrief).get_json()
    client.post(f"/api/v1/invitations/{created['id']}/revoke", headers=reviewer)
    refused = client.post(f"/api/v1/invitations/{created['id']}/resend", headers=reviewer)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_transition"
    assert len(mailbox) == 1
    assert client.post("/api/v1/invitations/999999/resend", headers=reviewer).status_code == 404


def test_a_contact_with_a_live_invitation_is_not_invited_again(app, client, reviewer, debrief, mailbox, read_db):
    first = invite(client, reviewer, debrief).get_json()
    again = invite(client, reviewer, debrief, email=" DR.JONES@nhs.net ", agency="Probation Service East")
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "duplicate" and "dr.jones@nhs.net already has an invitation" in error["message"]
    assert set(error["fields"]) == {"email"}
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Invitation.id)))) == 1 and len(mailbox) == 1

    assert invite(client, reviewer, debrief, email="someone.else@nhs.net").status_code == 201
    client.post(f"/api/v1/invitations/{first['id']}/revoke", headers=reviewer)
    assert invite(client, reviewer, debrief).status_code == 201  # withdrawn: no longer live
    _age(app, first["id"] + 2, expires_at=utcnow() - timedelta(minutes=1))
    assert invite(client, reviewer, debrief).status_code == 201  # expired: no longer live


def test_partner_engagement_counts_only_invitations_whose_link_reached_the_contact(
        app, client, reviewer, debrief, mailbox):
    from debrief.services import invitations

    app.config["MAIL_PORT"], port = 1, app.config["MAIL_PORT"]
    try:
        never_left = invite(client, reviewer, debrief).get_json()
    finally:
        app.config["MAIL_PORT"] = port
    invite(client, reviewer, debrief, email="nurse@nhs.net")  # delivered
    _age(app, never_left["id"], expires_at=utcnow() - timedelta(minutes=1))
    today = utcnow().date()
    with app.app_context():
        (nhs,) = invitations.engagement(today - timedelta(days=1), today)
        assert (nhs.sent, nhs.never_answered) == (1, 0)
        assert invitations.not_answered_in_time(today - timedelta(days=1), today) == 0


# A double click (issue 22) -----------------------------------------------------------------------


def test_simultaneous_submissions_are_all_kept_and_none_fails(app, client, reviewer, debrief, mailbox, read_db):
    """Sixteen posts of the partner's form at once (a double click, a flaky phone): none answers 500,
    none is lost, each is a version of its own, and the first response is recorded once."""
    path = path_of(invite(client, reviewer, debrief).get_json()["url"])
    partners, tokens = [], []
    for _ in range(16):  # each its own browser, with its own session and CSRF token
        partner = app.test_client()
        tokens.append(csrf_token_from(partner.get(path).get_data(as_text=True)))
        partners.append(partner)
    start = threading.Barrier(16)
    statuses: list[int] = []

    def submit(partner, token: str, n: int) -> None:
        start.wait()
        response = partner.post(path, data={"csrf_token": token, "attending": "yes", "prior_contact": "no",
                                             "learning": f"Answer {n}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(partner, token, n))
               for n, (partner, token) in enumerate(zip(partners, tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * 16
    kept = read_db(lambda s: s.execute(sa.select(Contribution.version, Contribution.learning)).all())
    assert sorted(version for version, _ in kept) == list(range(1, 17))
    assert sorted(learning for _, learning in kept) == sorted(f"Answer {n}" for n in range(16))
    submitted = read_db(lambda s: s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "contribution_submitted")).all())
    assert len(submitted) == 16
