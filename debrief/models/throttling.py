"""Failed attempts (a wrong password, an unknown invitation link), counted to throttle whoever makes them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from debrief.extensions import db
from debrief.models.types import UTCDateTime, utcnow


class FailedAttempt(db.Model):
    """One failure under one key (for example one account from one address). The key is kept only as
    a keyed digest: the table names no email address and no IP address. Rows older than the longest
    window any limit looks at are pruned as new ones arrive (services/throttling.py)."""

    __tablename__ = "failed_attempts"
    __table_args__ = (sa.Index("ix_failed_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
