"""Deadline clocks: named timers on a debrief (and later on invitations and recommendations)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.types import UTCDateTime


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    PENDING = "pending"
    MET = "met"
    OVERDUE = "overdue"
    PAUSED = "paused"


class Clock(db.Model):
    __tablename__ = "clocks"
    __table_args__ = (
        # The open clocks by due time: what the reviewer's home and the reminders look for.
        sa.Index("ix_clocks_open_due", "due_at", postgresql_where=sa.text("met_at IS NULL"),
                 sqlite_where=sa.text("met_at IS NULL")),
        # An invitation's contribution deadline, read from the index alone (partner engagement).
        sa.Index("ix_clocks_invitation_id", "invitation_id", postgresql_include=["due_at"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int | None] = mapped_column(sa.ForeignKey("debriefs.id", ondelete="CASCADE"),
                                                   index=True)
    # A partner contribution clock belongs to one invitation as well as to its debrief.
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitations.id", ondelete="CASCADE"))
    # A recommendation's clocks (its response and its due date) belong to it instead of a debrief.
    recommendation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    # A policy's label (at most deadline_policy.LABEL_MAX) and, for a partner's clock, the agency's name.
    label: Mapped[str] = mapped_column(sa.String(255))
    source: Mapped[str] = mapped_column(sa.String(255))
    # The policy's day type and length, copied when the clock is made so the clock explains itself.
    unit: Mapped[str] = mapped_column(sa.String(30))
    length: Mapped[int] = mapped_column()
    waits_for: Mapped[str | None] = mapped_column(sa.String(40))
    days_before_meeting: Mapped[int | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the policy gives; `due_date` adds extensions and pauses on top.
    base_due_date: Mapped[date | None] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(sa.Text)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)

    debrief: Mapped["Debrief | None"] = relationship()  # noqa: F821  (models/debriefs.py)
    recommendation: Mapped["Recommendation | None"] = relationship()  # noqa: F821  (models/learning.py)
    invitation: Mapped["Invitation | None"] = relationship()  # noqa: F821  (models/partners.py)

    @property
    def met_late(self) -> bool:
        """Met after the end of its last day (extensions and pauses included): it says so, though it is met."""
        return self.met_at is not None and self.due_at is not None and self.met_at > self.due_at

    def state_at(self, now: datetime) -> ClockState:
        if self.met_at is not None:
            return ClockState.MET
        if self.started_at is None:
            return ClockState.NOT_STARTED
        if self.paused_at is not None:
            return ClockState.PAUSED
        if self.due_at is not None and now > self.due_at:
            return ClockState.OVERDUE
        return ClockState.PENDING
