"""What repeat detection keeps: each recommendation's vectors, and the links between a
recommendation and the earlier ones it may repeat (services/similarity.py, services/repeats.py)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.learning import Recommendation
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class RecommendationVector(db.Model):
    """A recommendation's text as the similarity index holds it: the sentence vector (float16), its
    word-piece ids (for how rare each word is across the corpus) and the word pieces' vectors in
    context (int8, for the word-by-word comparison; absent on rows written before revision 0006,
    whose texts a check encodes instead). A new row replaces the old one
    when the text changes, so `id` only grows and a web worker catches up by reading the rows
    above the last id it saw: adding a recommendation never rebuilds the index."""

    __tablename__ = "recommendation_vectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), unique=True)
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)
    token_ids: Mapped[bytes] = mapped_column(sa.LargeBinary)
    word_vectors: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)


class RepeatDecision(StrEnum):
    SUGGESTED = "suggested"   # flagged by the system, waiting for a reviewer
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class RepeatLink(db.Model):
    """`recommendation` may repeat `earlier`: flagged with the system's score, then confirmed or
    dismissed by a reviewer. A confirmed link reads both ways: "repeat of" and "repeated by"."""

    __tablename__ = "repeat_links"
    __table_args__ = (
        sa.UniqueConstraint("recommendation_id", "earlier_id", name="uq_repeat_links_pair"),
        sa.Index("ix_repeat_links_decision", "decision", "recommendation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"))
    earlier_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    score: Mapped[float | None] = mapped_column(sa.Float)
    decision: Mapped[str] = mapped_column(sa.String(12), default=RepeatDecision.SUGGESTED.value)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recommendation: Mapped[Recommendation] = relationship(foreign_keys=[recommendation_id])
    earlier: Mapped[Recommendation] = relationship(foreign_keys=[earlier_id])
    decided_by: Mapped[User | None] = relationship()
