"""Learning across forces, at a force (issue 25): the drafts this force shares with the national
library, the queue of what is still to reach it, the pulls of other forces' recommendations, and
those recommendations as this force's repeat detection holds them. The rules are in
services/sharing.py and services/library_pull.py."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.learning import Lesson, Recommendation
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class DraftStatus(StrEnum):
    DRAFT = "draft"          # a reviewer is writing it; nothing has left the force
    QUEUED = "queued"        # approved, waiting for the library (it was unreachable)
    PUBLISHED = "published"  # the library holds it
    WITHDRAWN = "withdrawn"  # the board took it back; every force's pull removes it


DRAFT_STATUS_CHECK = "status IN (" + ", ".join(f"'{s.value}'" for s in DraftStatus) + ")"


class LibraryDraft(db.Model):
    """A lesson or a recommendation as it leaves the force: anonymised text, its redactions (where
    each placeholder stands in `text`: [{"start", "end", "kind"}]) and what the library keeps beside
    it. Its source may be deleted later; the draft, and what was shared, stay."""

    __tablename__ = "library_drafts"
    __table_args__ = (sa.CheckConstraint(DRAFT_STATUS_CHECK, name="status"),
                      sa.Index("ix_library_drafts_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # lesson, recommendation
    lesson_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lessons.id", ondelete="SET NULL"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    redactions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    incident_type: Mapped[str] = mapped_column(sa.String(40))
    issued_on: Mapped[date] = mapped_column(sa.Date)
    # A recommendation's outcome when it was shared: its status, closure code and the kinds and titles
    # of the learning products that delivered it.
    recommendation_status: Mapped[str | None] = mapped_column(sa.String(20))
    closure_code: Mapped[str | None] = mapped_column(sa.String(30))
    products: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(12), default=DraftStatus.DRAFT.value)
    library_id: Mapped[int | None] = mapped_column()
    # Why the library last refused it (a queued draft the library found personal data in is a draft again).
    problem: Mapped[str | None] = mapped_column(sa.String(500))
    # What other forces did with it, as the library last said, and when it said so.
    taken_by: Mapped[int | None] = mapped_column()
    found_as_repeat: Mapped[int | None] = mapped_column()
    uses_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lesson: Mapped[Lesson | None] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def source_reference(self) -> str:
        """This force's name for it at the library: sending it again updates the same item."""
        return f"draft-{self.id}"


class LibrarySend(db.Model):
    """Something the library is still to be told (the outbox's pattern): a draft to publish, or one to
    withdraw. A row is written with the change it reports and sent after the commit; when the library
    cannot be reached it stays pending and the scheduler tries again, with backoff. The library keys
    an item by its source reference, so sending one twice does no harm."""

    __tablename__ = "library_sends"
    __table_args__ = (sa.UniqueConstraint("draft_id", "action", name="uq_library_sends_draft_action"),
                      sa.Index("ix_library_sends_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("library_drafts.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(sa.String(10))  # publish, withdraw
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    draft: Mapped[LibraryDraft] = relationship()


class LibraryPull(db.Model):
    """One pull of other forces' shared learning: what it brought and removed, or why it failed. The
    next pull asks the library for what changed after the latest change the pulls saw
    (`changed_up_to`, the library's clock, not this server's), less library_pull.OVERLAP (`since`
    is what it asked)."""

    __tablename__ = "library_pulls"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_up_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool] = mapped_column(default=False)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(500))


class OtherForceRecommendation(db.Model):
    """Another force's shared recommendation, held as an imported recommendation (source
    `other_force`) so that repeat detection finds it: which force made it and the learning products
    that delivered it, so the repeat panel can say what worked."""

    __tablename__ = "other_force_recommendations"

    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True)
    library_id: Mapped[int] = mapped_column(unique=True)
    force: Mapped[str] = mapped_column(sa.String(200))
    products: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    incident_type: Mapped[str | None] = mapped_column(sa.String(40))

    recommendation: Mapped[Recommendation] = relationship()
