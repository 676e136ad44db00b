"""Email through the outbox: a service queues a row in the same transaction as the change it reports;
delivery over SMTP happens after the commit, outside the request (a delivery thread in each web
process), and again later for whatever failed (the scheduler's `outbox` job). A mail server that is
down loses nothing, and one that hangs holds up no request."""
from __future__ import annotations

import base64
import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, current_app, g
from flask_babel import gettext as _

from debrief import background, vocabulary
from debrief.background import HandOverThread
from debrief.extensions import db
from debrief.models import Invitation, OutboxEmail, User, utcnow
from debrief.services import audit
from debrief.services.errors import Conflict
from debrief.services.pagination import Page, paginate

log = logging.getLogger(__name__)

LINK_PLACEHOLDER = "{link}"
#: Seconds to wait after the nth failure before trying again; the last repeats.
BACKOFF = (60, 300, 900, 3600, 6 * 3600)
MAX_ATTEMPTS = 8
#: How long an attempt keeps an email from other deliverers (longer than any SMTP exchange).
LEASE = timedelta(minutes=10)
#: Emails sent between two commits of their outcome.
MARK_EVERY = 25


def hello(name: str | None) -> str:
    """An email's first line, in the language in force: "Hello Ada," (names stay as they are)."""
    return _("Hello %(name)s,", name=name) if name else _("Hello,")


def questions_to(person: User) -> str:
    """An email's last line: who to ask, by name and address."""
    return _("Questions: %(name)s, %(email)s", name=person.name, email=person.email)


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"rapid-debrief outbox link\0" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _row(key: str, to: str, subject: str, body: str, secret_link: str | None, reply_to: str | None,
         invitation_id: int | None) -> dict:
    return {"idempotency_key": key, "to_address": to, "reply_to": reply_to, "subject": subject, "body": body,
            "sealed_link": _fernet().encrypt(secret_link.encode()).decode() if secret_link else None,
            "invitation_id": invitation_id}


def queue(*, key: str, to: str, subject: str, body: str, secret_link: str | None = None,
          reply_to: str | None = None, invitation_id: int | None = None) -> OutboxEmail:
    """An email to send once the current transaction commits. `key` says what it is about; a key
    already queued is not queued again. `secret_link` replaces {link} in the body when it is sent;
    `invitation_id` names the partner invitation whose link it is."""
    existing = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.idempotency_key == key))
    if existing is not None:
        return existing
    email = OutboxEmail(**_row(key, to, subject, body, secret_link, reply_to, invitation_id))
    db.session.add(email)
    db.session.flush()
    g.setdefault("outbox_queued", []).append(email.id)
    return email


@dataclass(frozen=True)
class Email:
    """An email to queue in bulk (`queue_all`)."""

    key: str
    to: str
    subject: str
    body: str
    secret_link: str | None = None
    reply_to: str | None = None
    invitation_id: int | None = None


def queue_all(emails: list[Email]) -> None:
    """Queues many emails in one statement (the scheduler's reminders). The caller has made sure
    their keys are new; the unique key still refuses any that is not."""
    if emails:
        now = utcnow()
        db.session.execute(sa.insert(OutboxEmail), [
            {**_row(e.key, e.to, e.subject, e.body, e.secret_link, e.reply_to, e.invitation_id),
             "status": "pending", "attempts": 0,
             "created_at": now, "next_attempt_at": now} for e in emails])


def message_id(email) -> str:
    """The same for every attempt at one email, so a mail server or client can drop duplicates."""
    return f"<{hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:32]}@rapid-debrief.invalid>"


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def _message(email) -> MIMEText:
    """The email as sent: plain text in UTF-8. Built with the email package's compat32 API, about
    four times faster than EmailMessage's header registry: the scheduler sends hundreds at 07:00."""
    body = email.body
    if email.sealed_link:
        body = body.replace(LINK_PLACEHOLDER, _fernet().decrypt(email.sealed_link.encode()).decode())
    message = MIMEText(body, "plain", "utf-8")
    message["From"] = _address(current_app.config["MAIL_DEFAULT_SENDER"])
    message["To"] = email.to_address
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = _header(email.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(email)
    return message


def _smtp() -> smtplib.SMTP:
    config = current_app.config
    server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    if config["MAIL_USE_TLS"]:
        server.starttls()
    if config["MAIL_USERNAME"]:
        server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return server


def _failure(attempts: int, error: str, now: datetime) -> dict:
    """The columns of an email whose `attempts`th attempt failed: tried again later, or given up."""
    if attempts >= MAX_ATTEMPTS:
        return {"status": "failed", "last_error": error[:500]}
    return {"last_error": error[:500], "next_attempt_at": now + timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])}


def _claim(ids: list[int], now: datetime) -> list[sa.Row]:
    """Takes those of the emails `ids` that are pending and due, for one attempt each, committed
    before anything is sent: whoever else delivers (the scheduler, another request) sees them as not
    due for LEASE. An attempt cut short by a crash is made again when the lease runs out. Returns
    what sending them needs, oldest first."""
    if not ids:
        return []
    claimed = db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id.in_(ids), OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .values(attempts=OutboxEmail.attempts + 1, next_attempt_at=now + LEASE)
        .returning(OutboxEmail.id, OutboxEmail.idempotency_key, OutboxEmail.to_address, OutboxEmail.reply_to,
                   OutboxEmail.subject, OutboxEmail.body, OutboxEmail.sealed_link, OutboxEmail.attempts)
        .execution_options(synchronize_session=False)).all()
    db.session.commit()
    return sorted(claimed, key=lambda row: row.id)


def deliver(ids: list[int], now: datetime | None = None) -> int:
    """Sends those of the emails `ids` that are pending and due, over one SMTP connection; returns
    how many went. They are claimed first; then sent, and marked sent (or left waiting with their
    error and a later next attempt) MARK_EVERY at a time.

    The guarantee is at least once: if the process dies after the mail server has accepted an email
    and before it is marked sent, the email is sent again when its lease runs out, with the same
    Message-ID (derived from its idempotency key), by which mail servers and clients can tell it is
    the same email: at most the MARK_EVERY emails of one batch. Nothing is sent twice otherwise."""
    now = now or utcnow()
    claimed = _claim(ids, now)
    if not claimed:
        return 0
    try:
        server = _smtp()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Mail server %s:%s unavailable: %s", current_app.config["MAIL_SERVER"],
                    current_app.config["MAIL_PORT"], type(error).__name__)
        for email in claimed:
            _record(email.id, _failure(email.attempts, f"Mail server unavailable: {error}", now))
        db.session.commit()
        return 0
    sent = 0
    with server:
        for start in range(0, len(claimed), MARK_EVERY):
            went = []
            for email in claimed[start:start + MARK_EVERY]:
                try:
                    server.send_message(_message(email))
                except InvalidToken:
                    _record(email.id, {"status": "failed", "last_error": (
                        "Its link could not be decrypted (SECRET_KEY changed); send a new invitation.")})
                except (OSError, smtplib.SMTPException) as error:
                    _record(email.id, _failure(email.attempts, str(error), now))
                except Exception as error:  # e.g. an address the email library refuses: this email only
                    log.warning("Email %s could not be sent: %s", email.id, type(error).__name__)
                    _record(email.id, _failure(email.attempts, f"Could not be sent: {type(error).__name__}", now))
                else:
                    went.append(email.id)
            _sent(went, now)
            _commit_without_waiting_for_the_disk()
            sent += len(went)
    return sent


def _record(email_id: int, values: dict) -> None:
    db.session.connection().execute(sa.update(OutboxEmail).where(OutboxEmail.id == email_id).values(**values))


def _sent(email_ids: list[int], now: datetime) -> None:
    """Marks emails sent; an invitation whose link one of them carried has reached its contact."""
    if email_ids:
        connection = db.session.connection()
        connection.execute(
            sa.update(OutboxEmail).where(OutboxEmail.id.in_(email_ids))
            .values(status="sent", sent_at=now, sealed_link=None, last_error=None))
        connection.execute(
            sa.update(Invitation)
            .where(Invitation.id.in_(sa.select(OutboxEmail.invitation_id).where(OutboxEmail.id.in_(email_ids))),
                   Invitation.delivered_at.is_(None))
            .values(delivered_at=now).execution_options(synchronize_session=False))


def _commit_without_waiting_for_the_disk() -> None:
    """Commits a batch's outcomes. On PostgreSQL the commit does not wait for its WAL to reach the
    disk: the outcome is safe from this process dying, and a crash of the database server itself
    could lose the last fraction of a second of them, so those emails would go again with the same
    Message-ID, as the delivery guarantee already allows."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL synchronous_commit = off"))
    db.session.commit()


def deliver_due(now: datetime | None = None, limit: int = 500) -> int:
    """Sends every pending email whose next attempt is due, oldest first (the scheduler, and
    `jobs tick`)."""
    now = now or utcnow()
    sent = 0
    while True:
        ids = list(db.session.scalars(
            sa.select(OutboxEmail.id).where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
            .order_by(OutboxEmail.id).limit(limit)))
        if not ids:
            return sent
        sent += deliver(ids, now)


# After a request: the delivery thread -----------------------------------------------------------


class DeliveryThread(HandOverThread):
    """Sends what requests queued, outside them (debrief/background.py): a request only hands over
    the ids it committed and answers; a mail server that is slow or hangs holds up this thread
    alone. What the thread has not sent when the process stops is still pending in the outbox, and
    the scheduler's `outbox` job sends it."""

    def __init__(self, app: Flask):
        super().__init__(app, "outbox-delivery", deliver)


def init_app(app: Flask) -> None:
    """After each request, hand what it queued (and committed) to the process's delivery thread."""
    thread = app.extensions["outbox_delivery"] = DeliveryThread(app)

    @app.after_request
    def send_what_this_request_queued(response):
        ids = g.pop("outbox_queued", None)
        if ids:
            thread.hand_over(ids)
        return response


def wait_for_deliveries(timeout: float = 30) -> bool:
    """Until every delivery thread of this process has tried what it was handed."""
    return background.wait_until_idle(timeout, name="outbox-delivery")


# For administrators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    sent: int
    failed: int


def counts() -> OutboxCounts:
    rows = dict(db.session.execute(sa.select(OutboxEmail.status, sa.func.count()).group_by(OutboxEmail.status)).all())
    return OutboxCounts(pending=rows.get("pending", 0), sent=rows.get("sent", 0), failed=rows.get("failed", 0))


def needing_attention(page: int = 1, per_page: int = 25) -> Page:
    """Emails that failed for good, then those still waiting after a failed attempt, oldest first."""
    query = (sa.select(OutboxEmail)
             .where(sa.or_(OutboxEmail.status == "failed",
                           sa.and_(OutboxEmail.status == "pending", OutboxEmail.last_error.is_not(None))))
             .order_by(sa.case((OutboxEmail.status == "failed", 0), else_=1), OutboxEmail.id))
    return paginate(query, page, per_page, key=OutboxEmail.id)


def get(email_id: int) -> OutboxEmail | None:
    return db.session.get(OutboxEmail, email_id)


def why_no_retry(email: OutboxEmail, now: datetime | None = None) -> str | None:
    """Why sending a failed email again cannot work, if it cannot: the secret link it needs is gone
    or unreadable, or the invitation whose link it carries is withdrawn or has expired. None when a
    retry can work."""
    if email.status != "failed":
        return _("Only an email that failed can be retried; this one is %(status)s.",
                 status=vocabulary.words(vocabulary.OUTBOX_STATUS_IN_SENTENCE, email.status))
    invitation = email.invitation_id and db.session.get(Invitation, email.invitation_id)
    if invitation:
        if invitation.revoked_at is not None:
            return _("Its invitation has been withdrawn: the link in it no longer works.")
        if (now or utcnow()) >= invitation.expires_at:
            return _("Its invitation has expired: the link in it no longer works.")
    if LINK_PLACEHOLDER in email.body:
        if not email.sealed_link:
            return _("Its link is no longer kept (a newer email replaced it). Resend the invitation from its debrief.")
        try:
            _fernet().decrypt(email.sealed_link.encode())
        except InvalidToken:
            return _("Its link could not be decrypted (SECRET_KEY changed). Resend the invitation from its debrief.")
    return None


def retry(email: OutboxEmail, *, actor: User) -> None:
    """An administrator sends a failed email again: it is pending from now, with a fresh count of
    attempts, and the delivery thread tries it as soon as this request commits."""
    refused = why_no_retry(email)
    if refused:
        raise Conflict("invalid_transition", refused)
    email.status, email.attempts, email.next_attempt_at = "pending", 0, utcnow()
    audit.record(actor, "email_retried", "outbox_email", email.id, {"to": email.to_address, "subject": email.subject})
    g.setdefault("outbox_queued", []).append(email.id)


def replace_waiting(invitation_id: int) -> None:
    """The invitation's emails still waiting, or failed, are never sent: a newer email carries its new
    link. Their sealed links are dropped (the database keeps no link it will not send)."""
    db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.invitation_id == invitation_id, OutboxEmail.status.in_(("pending", "failed")))
        .values(status="replaced", sealed_link=None)
        .execution_options(synchronize_session=False))
