"""A debrief: one for each homicide or near-miss."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.reference import IncidentType
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class Theme(StrEnum):
    """The homicide prevention framework's themes."""

    SERIOUS_VIOLENCE = "serious_violence"
    DRUGS = "drugs"
    VULNERABILITY = "vulnerability"
    DOMESTIC_ABUSE = "domestic_abuse"


class Weapon(StrEnum):
    KNIFE = "knife"
    FIREARM = "firearm"
    BLUNT = "blunt"
    OTHER = "other"
    NONE = "none"
    UNKNOWN = "unknown"


class Relationship(StrEnum):
    """The victim's relationship to the suspect."""

    PARTNER = "partner"
    EX_PARTNER = "ex_partner"
    FAMILY = "family"
    ACQUAINTANCE = "acquaintance"
    STRANGER = "stranger"
    OTHER = "other"
    UNKNOWN = "unknown"


class VictimSex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class DebriefStatus(StrEnum):
    OPEN = "open"
    MEETING_HELD = "meeting_held"
    REPORT_ISSUED = "report_issued"
    MONITORING = "monitoring"
    CLOSED = "closed"




class Debrief(db.Model):
    __tablename__ = "debriefs"
    __table_args__ = (
        sa.UniqueConstraint("reference_year", "reference_number", name="uq_debriefs_reference"),
        # Lists run newest report first, with the id to break ties: one index serves every page.
        sa.Index("ix_debriefs_reported_at_id", "reported_at", "id"),
        sa.Index("ix_debriefs_reviewer_open", "reviewer_id", "meeting_held_at"),
        # The board dashboard's type of incident, from the index alone.
        sa.Index("ix_debriefs_incident_type", "incident_type_code", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_year: Mapped[int] = mapped_column()
    reference_number: Mapped[int] = mapped_column()
    incident_type_code: Mapped[str] = mapped_column(sa.ForeignKey("incident_types.code"))
    crime_reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    operation_name: Mapped[str | None] = mapped_column(sa.String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    area: Mapped[str | None] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.Text)  # internal: never shown to partners
    partner_briefing: Mapped[str | None] = mapped_column(sa.Text)
    victim_age: Mapped[int | None] = mapped_column()
    victim_sex: Mapped[str | None] = mapped_column(sa.String(10))
    relationship_to_suspect: Mapped[str | None] = mapped_column(sa.String(20))
    domestic: Mapped[bool] = mapped_column(default=False)
    weapon: Mapped[str | None] = mapped_column(sa.String(10))
    prior_police_contact: Mapped[bool] = mapped_column(default=False)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # When the rapid debrief meeting is planned (shown to partners), and when it was held.
    meeting_scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    incident_type: Mapped[IncidentType] = relationship(lazy="joined")
    reviewer: Mapped[User] = relationship(lazy="joined")
    theme_rows: Mapped[list[DebriefTheme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DebriefTheme.theme")
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingAttendee.position")

    @property
    def reference(self) -> str:
        return self.numbered(self.reference_year, self.reference_number)

    @staticmethod
    def numbered(year: int, number: int) -> str:
        """The reference of the `number`th debrief of `year`."""
        return f"DB-{year}-{number:04d}"

    @property
    def themes(self) -> list[str]:
        return [row.theme for row in self.theme_rows]

    @property
    def is_homicide(self) -> bool:
        return self.incident_type.is_homicide

    @property
    def status(self) -> DebriefStatus:
        # Later stages (report, monitoring, closure) are derived as those records arrive.
        return DebriefStatus.MEETING_HELD if self.meeting_held_at else DebriefStatus.OPEN


class DebriefTheme(db.Model):
    __tablename__ = "debrief_themes"
    __table_args__ = (
        # The debriefs with a theme, from the index alone (the board dashboard's theme).
        sa.Index("ix_debrief_themes_theme", "theme", "debrief_id"),
        sa.CheckConstraint(
            "theme IN ('serious_violence', 'drugs', 'vulnerability', 'domestic_abuse')", name="known_theme"),
    )

    debrief_id: Mapped[int] = mapped_column(sa.ForeignKey("debriefs.id", ondelete="CASCADE"),
                                            primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(30), primary_key=True)


class MeetingAttendee(db.Model):
    """Someone at the rapid debrief meeting: a member of staff or a partner agency's representative."""

    __tablename__ = "meeting_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(sa.ForeignKey("debriefs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(sa.String(120))
    agency: Mapped[str] = mapped_column(sa.String(120))
