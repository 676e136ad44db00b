"""Partner agencies, their invitations to a debrief, and what they contribute."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class AgencyType(StrEnum):
    HEALTH = "health"
    MENTAL_HEALTH = "mental_health"
    LOCAL_AUTHORITY = "local_authority"
    CHILDRENS_SERVICES = "childrens_services"
    EDUCATION = "education"
    PROBATION = "probation"
    YOUTH_JUSTICE = "youth_justice"
    HOUSING = "housing"
    VIOLENCE_REDUCTION_UNIT = "violence_reduction_unit"
    OTHER = "other"




class InvitationState(StrEnum):
    SENT = "sent"
    OPENED = "opened"
    RESPONDED = "responded"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Agency(db.Model):
    __tablename__ = "agencies"
    __table_args__ = (sa.CheckConstraint("language IN ('en', 'cy')", name="language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    #: The agency's name in Welsh, where it has one ("Bwrdd Iechyd Prifysgol Hywel Dda").
    name_cy: Mapped[str | None] = mapped_column(sa.String(160))
    kind: Mapped[str] = mapped_column(sa.String(30))
    #: The language its contacts are invited in, unless the reviewer chooses otherwise: "en" or "cy".
    language: Mapped[str] = mapped_column(sa.String(2), default="en", server_default="en")
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def localised_name(self) -> str:
        """The name in the reader's language."""
        from debrief.vocabulary import localised

        return localised(self.name, self.name_cy)


#: Delivered, and neither answered nor withdrawn (ix_invitations_unanswered).
UNANSWERED = "delivered_at IS NOT NULL AND responded_at IS NULL AND revoked_at IS NULL"


class Invitation(db.Model):
    """One named contact at one agency, asked to contribute to one debrief, through one secret link."""

    __tablename__ = "invitations"
    __table_args__ = (
        sa.Index("ix_invitations_agency_created", "agency_id", "created_at"),
        sa.CheckConstraint("language IN ('en', 'cy')", name="language"),
        # Partner engagement over a period (the board's figure, the dashboard, the report), counted
        # from the index alone.
        sa.Index("ix_invitations_created", "created_at",
                 postgresql_include=["id", "agency_id", "opened_at", "responded_at", "revoked_at", "expires_at",
                                     "delivered_at", "respond_by", "debrief_id"]),
        # Delivered and never answered nor withdrawn: the board's "not answered in time" reads only these.
        sa.Index("ix_invitations_unanswered", "created_at", postgresql_include=["respond_by", "expires_at"],
                 postgresql_where=sa.text(UNANSWERED), sqlite_where=sa.text(UNANSWERED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(sa.ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    #: The language of its emails and of the partner's page: "en" or "cy".
    language: Mapped[str] = mapped_column(sa.String(2), default="en", server_default="en")
    # SHA-256 of the secret in the link. The secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # A reminder carries a new link (the first one's secret is gone); the link it replaced keeps
    # working, so a partner who opens the first email is not turned away.
    previous_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the link first reached the contact: the mail server accepted an email carrying it, or it
    # was opened (a link the reviewer passed on another way). Partner engagement counts only these.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first response
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the partner's contribution is due: its deadline clock's `due_at`, copied here by the
    #: database whenever that clock is made or moves (migration 0018), so that partner engagement
    #: reads each invitation's deadline from one index. Read it in SQL; the application never sets it.
    respond_by: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship(lazy="joined")
    debrief: Mapped["Debrief"] = relationship()  # noqa: F821  (models/debriefs.py)
    invited_by: Mapped[User] = relationship()
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="invitation", order_by="Contribution.version", cascade="all, delete-orphan")
    # The emails that carried its link (the invitation, a resend, reminders), oldest first.
    emails: Mapped[list["OutboxEmail"]] = relationship(  # noqa: F821  (models/outbox.py)
        order_by="OutboxEmail.id", viewonly=True)

    def state_at(self, now: datetime) -> InvitationState:
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.responded_at is not None:
            return InvitationState.RESPONDED
        if now >= self.expires_at:
            return InvitationState.EXPIRED
        if self.opened_at is not None:
            return InvitationState.OPENED
        return InvitationState.SENT


class Contribution(db.Model):
    """One submission from a partner. A resubmission is a new version; every version is kept."""

    __tablename__ = "contributions"
    __table_args__ = (sa.UniqueConstraint("invitation_id", "version", name="uq_contributions_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attending: Mapped[bool] = mapped_column()
    prior_contact: Mapped[str] = mapped_column(sa.String(10))  # yes / no / unknown
    contact_summary: Mapped[str | None] = mapped_column(sa.Text)
    learning: Mapped[str | None] = mapped_column(sa.Text)

    invitation: Mapped[Invitation] = relationship(back_populates="contributions")
