"""The national library (LIBRARY_MODE, api.md "Learning across forces"): the forces that publish to
it, with their tokens; the anonymised lessons and recommendations they shared, with what delivered
them; and which other forces took each into their repeat checks or found it as a repeat. The rules are
in services/library.py."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.learning import RECOMMENDATION_STATUSES
from debrief.models.types import UTCDateTime, utcnow


class LibraryItemKind(StrEnum):
    LESSON = "lesson"
    RECOMMENDATION = "recommendation"


class LibraryUse(StrEnum):
    TAKEN = "taken"                      # the force took it into its repeat checks (its pull committed)
    FOUND_AS_REPEAT = "found_as_repeat"  # the force's reviewers found it as a repeat


class LibraryForce(db.Model):
    """A force that publishes to and reads from the library. Only its token's SHA-256 digest is kept."""

    __tablename__ = "library_forces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The token's first characters, so that library staff can tell tokens apart; not enough to use.
    token_prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_STATUS_CHECK = ("status IS NULL OR status IN ("
                 + ", ".join(f"'{status}'" for status in RECOMMENDATION_STATUSES) + ")")

class LibraryItem(db.Model):
    """A lesson or a recommendation one force shared, anonymised, with its outcome (status, closure
    code and the learning products that delivered it). The force knows it by its own
    `source_reference`: sending that again updates it. Withdrawn, it stays (without its text) so that
    every force's next pull removes it."""

    __tablename__ = "library_items"
    __table_args__ = (
        sa.UniqueConstraint("force_id", "source_reference", name="uq_library_items_force_reference"),
        sa.CheckConstraint("kind IN ('lesson', 'recommendation')", name="kind"),
        sa.CheckConstraint(_STATUS_CHECK, name="status"),
        # A pull: what changed since a moment, withdrawn items included.
        sa.Index("ix_library_items_updated", "updated_at", "id"),
        sa.Index("ix_library_items_issued", "issued_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique (force_id, source_reference) constraint, which begins with it.
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("library_forces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str | None] = mapped_column(sa.Text)  # None once withdrawn
    incident_type: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    issued_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str | None] = mapped_column(sa.String(20))
    closure_code: Mapped[str | None] = mapped_column(sa.String(30))
    # The learning products that delivered it: [{"kind", "title"}].
    products: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # Closed as implemented with learning products delivered (services/library.py decides; kept for searching).
    what_worked: Mapped[bool] = mapped_column(default=False, index=True)
    source_reference: Mapped[str] = mapped_column(sa.String(100))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    force: Mapped[LibraryForce] = relationship(lazy="joined", innerjoin=True)
    theme_rows: Mapped[list[LibraryItemTheme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="LibraryItemTheme.theme")

    @property
    def themes(self) -> list[str]:
        return [row.theme for row in self.theme_rows]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def force_name(self) -> str:
        return self.force.name


class LibraryItemTheme(db.Model):
    """One of an item's themes: a table of its own, so that searching by theme uses an index."""

    __tablename__ = "library_item_themes"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("library_items.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(30), primary_key=True, index=True)


class LibraryItemVector(db.Model):
    """An item's text as meaning search holds it, stored as recommendation vectors are
    (models/repeats.py): the sentence vector (float16) and its word-piece ids. A new row replaces the
    old one when the text changes, so `id` only grows and each web worker's index catches up by
    reading the rows above the last id it saw (services/similarity.py)."""

    __tablename__ = "library_item_vectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("library_items.id", ondelete="CASCADE"), unique=True)
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)
    token_ids: Mapped[bytes] = mapped_column(sa.LargeBinary)


class LibraryItemUse(db.Model):
    """Another force took the item into its repeat checks, or found it as a repeat: once per force and use."""

    __tablename__ = "library_item_uses"
    __table_args__ = (sa.CheckConstraint("use IN ('taken', 'found_as_repeat')", name="use"),)

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("library_items.id", ondelete="CASCADE"), primary_key=True)
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("library_forces.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    use: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
