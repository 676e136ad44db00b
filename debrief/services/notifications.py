"""Email through the outbox: a service queues a row in the same transaction as the change it reports;
delivery over SMTP happens after the commit and again later for whatever failed. A mail server that
is down loses nothing."""
from __future__ import annotations

import base64
import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, g

from debrief.extensions import db
from debrief.models import OutboxEmail, User, utcnow
from debrief.services import audit
from debrief.services.errors import Conflict
from debrief.services.pagination import Page, paginate

log = logging.getLogger(__name__)

LINK_PLACEHOLDER = "{link}"
#: Seconds to wait after the nth failure before trying again; the last repeats.
BACKOFF = (60, 300, 900, 3600, 6 * 3600)
MAX_ATTEMPTS = 8
SMTP_TIMEOUT = 10
#: How long an attempt keeps an email from other deliverers (longer than any SMTP exchange).
LEASE = timedelta(minutes=10)


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"rapid-debrief outbox link\0" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def queue(*, key: str, to: str, subject: str, body: str, secret_link: str | None = None,
          reply_to: str | None = None) -> OutboxEmail:
    """An email to send once the current transaction commits. `key` says what it is about; a key
    already queued is not queued again. `secret_link` replaces {link} in the body when it is sent."""
    existing = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.idempotency_key == key))
    if existing is not None:
        return existing
    email = OutboxEmail(
        idempotency_key=key, to_address=to, reply_to=reply_to, subject=subject, body=body,
        sealed_link=_fernet().encrypt(secret_link.encode()).decode() if secret_link else None,
    )
    db.session.add(email)
    db.session.flush()
    g.setdefault("outbox_queued", []).append(email.id)
    return email


def message_id(email: OutboxEmail) -> str:
    """The same for every attempt at one email, so a mail server or client can drop duplicates."""
    return f"<{hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:32]}@rapid-debrief.invalid>"


def _message(email: OutboxEmail) -> EmailMessage:
    body = email.body
    if email.sealed_link:
        body = body.replace(LINK_PLACEHOLDER, _fernet().decrypt(email.sealed_link.encode()).decode())
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = email.to_address
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(email)
    message.set_content(body)
    return message


def _smtp() -> smtplib.SMTP:
    config = current_app.config
    server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
    if config["MAIL_USE_TLS"]:
        server.starttls()
    if config["MAIL_USERNAME"]:
        server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return server


def _failed(email: OutboxEmail, error: str, now: datetime) -> None:
    email.last_error = error[:500]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = "failed"
    else:
        email.next_attempt_at = now + timedelta(seconds=BACKOFF[min(email.attempts, len(BACKOFF)) - 1])


def _claim(email: OutboxEmail, now: datetime) -> bool:
    """Takes a pending, due email for one attempt, committed before anything is sent: whoever else
    delivers (the scheduler, another request) sees it as not due for LEASE. An attempt cut short by
    a crash is made again when the lease runs out."""
    claimed = db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email.id, OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .values(attempts=OutboxEmail.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return claimed


def deliver(emails: list[OutboxEmail], now: datetime | None = None) -> int:
    """Sends the given emails that are pending and due, over one SMTP connection; returns how many
    went. Each is claimed, sent, and marked sent (or left waiting with its error and a later next
    attempt), with a commit after each step.

    The guarantee is at least once: if the process dies after the mail server has accepted an email
    and before it is marked sent, the email is sent again when its lease runs out, with the same
    Message-ID (derived from its idempotency key), by which mail servers and clients can tell it is
    the same email. Nothing is sent twice otherwise."""
    now = now or utcnow()
    claimed = [email for email in emails if _claim(email, now)]
    if not claimed:
        return 0
    try:
        server = _smtp()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Mail server %s:%s unavailable: %s", current_app.config["MAIL_SERVER"],
                    current_app.config["MAIL_PORT"], type(error).__name__)
        for email in claimed:
            _failed(email, f"Mail server unavailable: {error}", now)
        db.session.commit()
        return 0
    sent = 0
    with server:
        for email in claimed:
            try:
                server.send_message(_message(email))
            except InvalidToken:
                email.status = "failed"
                email.last_error = "Its link could not be decrypted (SECRET_KEY changed); send a new invitation."
            except (OSError, smtplib.SMTPException) as error:
                _failed(email, str(error), now)
            else:
                _sent(email, now)
                sent += 1
            db.session.commit()
    return sent


def _sent(email: OutboxEmail, now: datetime) -> None:
    email.status, email.sent_at, email.sealed_link, email.last_error = "sent", now, None, None


def deliver_queued_in_this_request() -> None:
    """After a request has committed: try at once to send what it queued."""
    ids = g.pop("outbox_queued", None)
    if not ids:
        return
    try:
        deliver(list(db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.id.in_(ids)))))
    except Exception:  # never let email break the answer to a request that already succeeded
        db.session.rollback()
        log.exception("Delivering the outbox after a request failed; the rows stay pending")


def deliver_due(now: datetime | None = None, limit: int = 500) -> int:
    """Sends every pending email whose next attempt is due, oldest first (the scheduler, and
    `jobs tick`)."""
    now = now or utcnow()
    sent = 0
    while True:
        emails = list(db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
            .order_by(OutboxEmail.id).limit(limit)))
        if not emails:
            return sent
        sent += deliver(emails, now)


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


def retry(email: OutboxEmail, *, actor: User) -> None:
    """An administrator sends a failed email again: it is pending from now, with a fresh count of
    attempts, and this request tries it at once."""
    if email.status != "failed":
        raise Conflict("invalid_transition", f"Only an email that failed can be retried; this one is {email.status}.")
    email.status, email.attempts, email.next_attempt_at = "pending", 0, utcnow()
    audit.record(actor, "email_retried", "outbox_email", email.id, {"to": email.to_address, "subject": email.subject})
    g.setdefault("outbox_queued", []).append(email.id)
