"""From lesson to closed recommendation: lessons, recommendations, learning products and the
governance board's decisions. The lifecycle rules are in services/recommendation_lifecycle.py."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.partners import Contribution
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class LessonCategory(StrEnum):
    RISK_ASSESSMENT = "risk_assessment"
    INFORMATION_SHARING = "information_sharing"
    SUPERVISION = "supervision"
    TRAINING = "training"
    POLICY = "policy"
    PARTNERSHIP = "partnership"
    NOTABLE_PRACTICE = "notable_practice"
    OTHER = "other"


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RecommendationSource(StrEnum):
    DEBRIEF = "debrief"
    PARTNER = "partner"
    DHR = "dhr"
    CHILD_PRACTICE_REVIEW = "child_practice_review"
    IOPC = "iopc"
    CORONER_PFD = "coroner_pfd"
    SAR = "sar"
    INSPECTION = "inspection"
    OTHER_FORCE = "other_force"


recommendation_lessons = sa.Table(
    "recommendation_lessons", db.metadata,
    sa.Column("recommendation_id", sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("lesson_id", sa.ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Lesson(db.Model):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(sa.ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(30))
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # From the police's own review, or from a partner's contribution (kept linked).
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contribution: Mapped[Contribution | None] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def source(self) -> str:
        return "partner" if self.contribution_id else "police"


#: The statuses a recommendation can have (services/recommendation_lifecycle.Status, whose rules
#: move it between them); the database refuses any other.
RECOMMENDATION_STATUSES = ("open", "in_progress", "awaiting_closure", "closed")
STATUS_CHECK = "status IN (" + ", ".join(f"'{status}'" for status in RECOMMENDATION_STATUSES) + ")"
#: Open or in progress: still the owner's to do (services/recommendations.STILL_TO_DO, whose index this is).
STILL_TO_DO_CHECK = "status IN ('open', 'in_progress')"


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        sa.UniqueConstraint("reference_year", "reference_number", name="uq_recommendations_reference"),
        # An import run twice does not add the same recommendation twice.
        sa.UniqueConstraint("source", "source_reference", name="uq_recommendations_source_reference"),
        sa.Index("ix_recommendations_status_due", "status", "due_date"),
        # Lists run soonest due first, with the id to break ties.
        sa.Index("ix_recommendations_due_id", "due_date", "id"),
        # Most rows are closed; the workspaces look only at the rest. The board's counts by owner
        # read this index alone (PostgreSQL's INCLUDE), not the rows.
        sa.Index("ix_recommendations_not_closed_owner", "owner_id", "due_date", "id",
                 postgresql_include=["status", "debrief_id", "created_at"],
                 postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'")),
        sa.Index("ix_recommendations_not_closed_due", "due_date", "id",
                 postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'")),
        # Still the owner's to do (STILL_TO_DO in services/recommendations.py): the overdue lists and
        # counts read only these.
        sa.Index("ix_recommendations_still_to_do_due", "due_date", "id", postgresql_include=["owner_id", "debrief_id"],
                 postgresql_where=sa.text(STILL_TO_DO_CHECK), sqlite_where=sa.text(STILL_TO_DO_CHECK)),
        # The board's queue: awaiting its decision, the longest waiting first.
        sa.Index("ix_recommendations_awaiting_closure", "updated_at", "id",
                 postgresql_where=sa.text("status = 'awaiting_closure'"), sqlite_where=sa.text("status = 'awaiting_closure'")),
        # The board dashboard's period: recommendations made between two dates.
        sa.Index("ix_recommendations_created", "created_at", "id", postgresql_include=["debrief_id"]),
        sa.CheckConstraint(STATUS_CHECK, name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # This force's own recommendations are numbered REC-<year>-<nnnn>; imported ones keep the
    # reference their issuer gave them (source_reference) and have no debrief, owner or due date.
    reference_year: Mapped[int | None] = mapped_column()
    reference_number: Mapped[int | None] = mapped_column()
    debrief_id: Mapped[int | None] = mapped_column(sa.ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    priority: Mapped[str] = mapped_column(sa.String(10), default=Priority.MEDIUM.value)
    source: Mapped[str] = mapped_column(sa.String(30), default=RecommendationSource.DEBRIEF.value)
    source_reference: Mapped[str | None] = mapped_column(sa.String(100))
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    closure_code: Mapped[str | None] = mapped_column(sa.String(30))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Every change adds one; an edit made from an older version is refused (no lost updates).
    version: Mapped[int] = mapped_column(default=1)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    debrief: Mapped["Debrief | None"] = relationship()  # noqa: F821  (models/debriefs.py)
    lessons: Mapped[list[Lesson]] = relationship(secondary=recommendation_lessons, order_by=Lesson.id)
    products: Mapped[list[LearningProduct]] = relationship(
        back_populates="recommendation", order_by="LearningProduct.id", cascade="all, delete-orphan")
    updates: Mapped[list[RecommendationUpdate]] = relationship(
        order_by="RecommendationUpdate.id", cascade="all, delete-orphan")
    decisions: Mapped[list[BoardDecision]] = relationship(
        order_by="BoardDecision.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def imported(self) -> bool:
        return self.debrief_id is None

    @property
    def reference(self) -> str:
        if self.reference_number is None:
            return self.source_reference or f"imported #{self.id}"
        return self.numbered(self.reference_year, self.reference_number)

    @staticmethod
    def numbered(year: int, number: int) -> str:
        """This force's reference for its `number`th recommendation of `year`."""
        return f"REC-{year}-{number:04d}"


class RecommendationUpdate(db.Model):
    """What the owner (or the board) wrote: the response, progress, what was done, evidence."""

    __tablename__ = "recommendation_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                   index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # response, progress, completion, evidence
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


#: Products not delivered yet: the learning queue's (services.recommendations.products_in_development).
IN_DEVELOPMENT_STATES = ("planned", "in_development")
IN_DEVELOPMENT = sa.text("status IN ({})".format(", ".join(f"'{state}'" for state in IN_DEVELOPMENT_STATES)))


class LearningProduct(db.Model):
    """How the learning reaches people: training, a briefing, a guidance change, ..."""

    __tablename__ = "learning_products"
    __table_args__ = (
        sa.Index("ix_learning_products_status", "status"),
        # A recommendation's products, and their kind and status from the index alone (the board
        # dashboard's products by kind for a period).
        sa.Index("ix_learning_products_recommendation_id", "recommendation_id", postgresql_include=["kind", "status"]),
        # The learning queue's products still in the making, oldest first.
        sa.Index("ix_learning_products_in_development", "created_at", "id",
                 postgresql_where=IN_DEVELOPMENT, sqlite_where=IN_DEVELOPMENT),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(200))
    audience: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    target_count: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    delivered_on: Mapped[date | None] = mapped_column(sa.Date)
    reached_count: Mapped[int | None] = mapped_column()
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="products")

    @property
    def reach_percent(self) -> int | None:
        if not self.target_count or self.reached_count is None:
            return None
        return round(100 * self.reached_count / self.target_count)


class BoardDecision(db.Model):
    """A governance board decision on a recommendation, with its rationale and who decided."""

    __tablename__ = "board_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                   index=True)
    decision: Mapped[str] = mapped_column(sa.String(20))  # close, reject_closure, extend, escalate
    closure_code: Mapped[str | None] = mapped_column(sa.String(30))
    rationale: Mapped[str | None] = mapped_column(sa.Text)
    new_due_date: Mapped[date | None] = mapped_column(sa.Date)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    # An escalation names the senior officer it goes to (an active member of staff), who is told.
    escalated_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    escalated_to: Mapped[User | None] = relationship(foreign_keys=[escalated_to_id], lazy="joined")
    recommendation: Mapped[Recommendation] = relationship(viewonly=True)
