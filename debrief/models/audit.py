"""The audit history: who did what to which record, when. Rows are only ever added."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # A partner acting through their invitation link (they have no account).
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitations.id"), index=True)
    # Who acted, as shown in the history: a user's email, a partner's agency, or "system".
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(40))
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int] = mapped_column()
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The debrief the change belongs to, so its whole history is one indexed query.
    debrief_id: Mapped[int | None] = mapped_column(sa.ForeignKey("debriefs.id"), index=True)

    actor: Mapped[User | None] = relationship()


class RecordView(db.Model):
    """Who opened which sensitive record, and when: the read trail. Kept apart from the audit history,
    which says what changed, so that a debrief's history does not fill with "viewed"; never the content."""
    __tablename__ = "record_views"
    __table_args__ = (
        sa.Index("ix_record_views_user_at", "user_id", "at"),
        sa.Index("ix_record_views_entity_at", "entity", "entity_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int] = mapped_column()

    user: Mapped[User] = relationship()
