"""Death reports and linked series (the inspectorate's Recommendation 2).

A `DeathReport` is one organisation's record of one death, as imported. `analyse` links the reports
of one person into one `Death` and finds deaths that may form a `LinkedSeries`. An analyst settles
the matches the method is unsure of (`ReportPairDecision`) and decides on each candidate series;
both decisions survive every later analysis. These tables hold personal data of the dead
(OFFICIAL-SENSITIVE): only the services in services/deaths*.py read them.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.deaths.records import nhs_number_is_valid
from debrief.extensions import db
from debrief.models.staff import User
from debrief.models.types import UTCDateTime, utcnow


class DeathSource(StrEnum):
    POLICE = "police"
    NHS = "nhs"
    LOCAL_AUTHORITY = "local_authority"


class LocationType(StrEnum):
    DWELLING = "dwelling"
    CARE_HOME = "care_home"
    HOSPITAL = "hospital"
    HOSTEL = "hostel"
    HOTEL = "hotel"
    STREET = "street"
    PUBLIC_OPEN_SPACE = "public_open_space"
    PLACE_OF_WORSHIP_GROUNDS = "place_of_worship_grounds"
    RIVER_OR_WATER = "river_or_water"
    RAILWAY = "railway"
    WOODLAND = "woodland"
    VEHICLE = "vehicle"
    WORKPLACE = "workplace"
    CUSTODY = "custody"
    OTHER = "other"


class ApparentCause(StrEnum):
    NATURAL = "natural"
    DRUG_RELATED = "drug_related"
    ALCOHOL_RELATED = "alcohol_related"
    HANGING = "hanging"
    FALL_FROM_HEIGHT = "fall_from_height"
    DROWNING = "drowning"
    RAILWAY = "railway"
    TRAUMA_BLUNT = "trauma_blunt"
    TRAUMA_SHARP = "trauma_sharp"
    BURNS = "burns"
    HYPOTHERMIA = "hypothermia"
    ROAD_TRAFFIC = "road_traffic"
    UNEXPLAINED = "unexplained"
    OTHER = "other"


class Substance(StrEnum):
    ALCOHOL = "alcohol"
    HEROIN = "heroin"
    METHADONE = "methadone"
    COCAINE = "cocaine"
    CRACK_COCAINE = "crack_cocaine"
    BENZODIAZEPINE = "benzodiazepine"
    PREGABALIN = "pregabalin"
    GHB = "ghb"
    KETAMINE = "ketamine"
    MDMA = "mdma"
    AMPHETAMINE = "amphetamine"
    SPICE = "spice"
    FENTANYL = "fentanyl"
    NITAZENE = "nitazene"
    INSULIN = "insulin"
    PARACETAMOL = "paracetamol"
    ANTIDEPRESSANT = "antidepressant"
    OTHER = "other"


class Indicator(StrEnum):
    NO_SIGNS_OF_DISTURBANCE = "no_signs_of_disturbance"
    SIGNS_OF_DISTURBANCE = "signs_of_disturbance"
    PARTIALLY_CLOTHED = "partially_clothed"
    BODY_MOVED = "body_moved"
    UNKNOWN_COMPANION = "unknown_companion"
    SIGNS_OF_SEXUAL_ACTIVITY = "signs_of_sexual_activity"
    INJURIES_INCONSISTENT = "injuries_inconsistent"
    HEAD_INJURY = "head_injury"
    LIGATURE_NOT_FROM_SCENE = "ligature_not_from_scene"
    RECENT_DOMESTIC_ABUSE_REPORT = "recent_domestic_abuse_report"
    NIGHT_OUT = "night_out"
    LIVES_ALONE = "lives_alone"
    KNOWN_TO_SOCIAL_CARE = "known_to_social_care"
    HOMELESS = "homeless"
    PROPERTY_DISTURBED = "property_disturbed"
    COLD_CALLER_REPORTED = "cold_caller_reported"
    ACCELERANT_SUSPECTED = "accelerant_suspected"
    MULTIPLE_SEATS_OF_FIRE = "multiple_seats_of_fire"
    HYPOGLYCAEMIA = "hypoglycaemia"
    NOT_DIABETIC = "not_diabetic"
    FOUND_BY_STRANGER = "found_by_stranger"
    FOUND_BY_RELATIVE = "found_by_relative"
    FOUND_BY_CARER = "found_by_carer"
    PREVIOUS_OVERDOSE = "previous_overdose"
    RECENT_PRISON_RELEASE = "recent_prison_release"


class Classification(StrEnum):
    """The initial classification, least to most serious."""

    NON_SUSPICIOUS = "non_suspicious"
    UNEXPLAINED = "unexplained"
    SUSPICIOUS = "suspicious"
    HOMICIDE = "homicide"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Death(db.Model):
    """One person who died: the reports of that person, and the picture they make together
    (debrief/deaths/profile.py), kept here so that lists and figures need not rebuild it."""

    __tablename__ = "deaths"
    __table_args__ = (
        sa.UniqueConstraint("reference_year", "reference_number", name="uq_deaths_reference"),
        sa.Index("ix_deaths_found_at_id", "found_at", "id"),
        {"sqlite_autoincrement": True},  # a merged-away death's id (and so its address) is never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # DTH-<year found>-<nnnnn>: numbered within the year the death was found, never reused.
    reference_year: Mapped[int] = mapped_column()
    reference_number: Mapped[int] = mapped_column()
    found_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    age: Mapped[int | None] = mapped_column()
    sex: Mapped[str | None] = mapped_column(sa.String(10))
    location_type: Mapped[str | None] = mapped_column(sa.String(30))
    apparent_cause: Mapped[str | None] = mapped_column(sa.String(30), index=True)
    substances: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    indicators: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    classification: Mapped[str | None] = mapped_column(sa.String(20))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    area: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    # Which sources reported it, sorted and joined by "+", e.g. "local_authority+nhs".
    sources: Mapped[str] = mapped_column(sa.String(40), default="")
    # The deaths most like this one as a possible series, best first:
    # [{"id": other death, "score": 0.87, "reasons": [[kind, field, code, value], ...]}, ...]
    similar: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reports: Mapped[list[DeathReport]] = relationship(back_populates="death", order_by="DeathReport.id")

    @property
    def reference(self) -> str:
        return self.numbered(self.reference_year, self.reference_number)

    @staticmethod
    def numbered(year: int, number: int) -> str:
        return f"DTH-{year}-{number:05d}"

    @property
    def known_only_to_partners(self) -> bool:
        return DeathSource.POLICE.value not in self.sources.split("+")


class DeathReport(db.Model):
    """One organisation's record of one death, as its extract sent it."""

    __tablename__ = "death_reports"
    __table_args__ = (
        sa.UniqueConstraint("source", "source_reference", name="uq_death_reports_source_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20))
    source_reference: Mapped[str] = mapped_column(sa.String(100))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    found_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    family_name: Mapped[str | None] = mapped_column(sa.String(100))
    given_names: Mapped[str | None] = mapped_column(sa.String(200))
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    sex: Mapped[str | None] = mapped_column(sa.String(10))
    nhs_number: Mapped[str | None] = mapped_column(sa.String(10))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    location_type: Mapped[str | None] = mapped_column(sa.String(30))
    apparent_cause: Mapped[str | None] = mapped_column(sa.String(30))
    substances: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    indicators: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    initial_classification: Mapped[str | None] = mapped_column(sa.String(20))
    narrative: Mapped[str | None] = mapped_column(sa.Text)
    death_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deaths.id", ondelete="SET NULL"), index=True)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    death: Mapped[Death | None] = relationship(back_populates="reports")

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_reference}"

    @property
    def nhs_number_passes_check(self) -> bool:
        return self.nhs_number is not None and nhs_number_is_valid(self.nhs_number)


class ReportPairDecision(db.Model):
    """An analyst's decision that two reports are, or are not, of the same person. The lower report
    id is always `report_a_id`, so a pair has one row."""

    __tablename__ = "report_pair_decisions"
    __table_args__ = (
        sa.UniqueConstraint("report_a_id", "report_b_id", name="uq_report_pair_decisions_pair"),
        sa.CheckConstraint("report_a_id < report_b_id", name="ck_report_pair_decisions_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_a_id: Mapped[int] = mapped_column(sa.ForeignKey("death_reports.id", ondelete="CASCADE"))
    report_b_id: Mapped[int] = mapped_column(sa.ForeignKey("death_reports.id", ondelete="CASCADE"), index=True)
    same_person: Mapped[bool] = mapped_column()
    note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User] = relationship()


class PossibleMatch(db.Model):
    """Two reports the method is unsure are one person, waiting for an analyst. Rewritten by each
    analysis; a decided pair never appears here."""

    __tablename__ = "possible_matches"
    __table_args__ = (
        sa.UniqueConstraint("report_a_id", "report_b_id", name="uq_possible_matches_pair"),
        sa.Index("ix_possible_matches_probability", "probability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_a_id: Mapped[int] = mapped_column(sa.ForeignKey("death_reports.id", ondelete="CASCADE"))
    report_b_id: Mapped[int] = mapped_column(sa.ForeignKey("death_reports.id", ondelete="CASCADE"), index=True)
    probability: Mapped[float] = mapped_column(sa.Float)
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    report_a: Mapped[DeathReport] = relationship(foreign_keys=[report_a_id])
    report_b: Mapped[DeathReport] = relationship(foreign_keys=[report_b_id])


class SeriesStatus(StrEnum):
    CANDIDATE = "candidate"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


linked_series_members = sa.Table(
    "linked_series_members", db.metadata,
    sa.Column("series_id", sa.ForeignKey("linked_series.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("death_id", sa.ForeignKey("deaths.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class LinkedSeries(db.Model):
    """Deaths that may share an offender or a cause: found by the analysis as a candidate, then
    confirmed or dismissed by an analyst with a note."""

    __tablename__ = "linked_series"
    __table_args__ = (
        sa.UniqueConstraint("reference_year", "reference_number", name="uq_linked_series_reference"),
        sa.CheckConstraint("status IN ('candidate', 'confirmed', 'dismissed')", name="ck_linked_series_status"),
        sa.Index("ix_linked_series_status_score", "status", "score"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_year: Mapped[int] = mapped_column()
    reference_number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(20), default=SeriesStatus.CANDIDATE.value)
    score: Mapped[float] = mapped_column(sa.Float)
    # What the members share, as [kind, field, code, value] (words in services/death_words.py).
    reasons: Mapped[list[list[Any]]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    debrief_id: Mapped[int | None] = mapped_column(sa.ForeignKey("debriefs.id", ondelete="SET NULL"))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deaths: Mapped[list[Death]] = relationship(secondary=linked_series_members, order_by=Death.found_at)
    decided_by: Mapped[User | None] = relationship()

    @property
    def reference(self) -> str:
        return f"SER-{self.reference_year}-{self.reference_number:04d}"


class DeathAnalysis(db.Model):
    """One run of the analysis: when, over what, and what it found. The latest finished says how
    fresh the deaths, similar lists and series are; one not finished was asked for and is running,
    or about to."""

    __tablename__ = "death_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reports: Mapped[int] = mapped_column(default=0)
    deaths: Mapped[int] = mapped_column(default=0)
    candidate_series: Mapped[int] = mapped_column(default=0)
    new_series: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    # The map's extent and its grid of areas: {"south", "west", "north", "east", "columns", "rows"}.
    extent: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # An analysis asked for from the Deaths page is stored unfinished, then run after the request:
    # until this time, the process that started it keeps it from the others (services/death_analysis.py).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReferenceCounter(db.Model):
    """The last number given in a year to a kind of record numbered in bulk (deaths, linked series),
    so that a number is never given twice even after its record was merged away or deleted."""

    __tablename__ = "reference_counters"

    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
