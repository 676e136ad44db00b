"""The outbox: every email the service means to send is a row first, so nothing is lost when the
mail server is down."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from debrief.extensions import db
from debrief.models.types import UTCDateTime, utcnow


class OutboxEmail(db.Model):
    __tablename__ = "outbox_emails"
    __table_args__ = (sa.Index("ix_outbox_emails_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the email is about, e.g. "invitation:42"; the same key is never sent twice.
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # A secret link the body needs (a partner's invitation), encrypted with a key derived from
    # SECRET_KEY and wiped once the email is sent: the database never holds it readable.
    sealed_link: Mapped[str | None] = mapped_column(sa.Text)
    # The partner invitation whose link it carries, if any (its email status, and whether a retry can work).
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitations.id", ondelete="SET NULL"), index=True)
    # pending, sent, failed; replaced: never sent, a newer email carries its invitation's new link.
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
