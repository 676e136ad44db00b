"""What an import of recommendations from elsewhere leaves behind (services/imports.py): the import
itself, with its counts, and the recommendations whose vectors are still to be computed
(services/similarity.py), so that an import answers at once and nothing it accepted is lost if a
process stops before the encoding is done."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.learning import Recommendation
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class RecommendationImport(db.Model):
    """One import (an upload or an API call): how many items were accepted and rejected, and how
    many of those accepted repeat detection can search so far. `finished_at` is when the last one
    became searchable."""

    __tablename__ = "recommendation_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    accepted: Mapped[int] = mapped_column()
    rejected: Mapped[int] = mapped_column()
    encoded: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    by: Mapped[User | None] = relationship()

    @property
    def waiting(self) -> int:
        return self.accepted - self.encoded


class RecommendationAwaitingVectors(db.Model):
    """An imported recommendation whose vectors are not computed yet: repeat detection cannot find it
    until they are. An encoder claims a batch of rows for LEASE (`claimed_by`, `claimed_until`),
    computes their vectors outside any transaction, then stores them and deletes the rows it still
    holds; rows whose claim ran out (the process stopped) are claimed again."""

    __tablename__ = "recommendations_awaiting_vectors"

    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation_imports.id", ondelete="CASCADE"),
                                           index=True)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recommendation: Mapped[Recommendation] = relationship()
