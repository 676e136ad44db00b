"""Reading deaths: the list with its filters, one death with its reports, the deaths most like it;
and the matches the record linkage was unsure of, which an analyst settles.

Death reports hold personal data of the dead. Only the roles in permissions.READ_DEATHS read them,
and nothing here writes a name, date of birth or NHS number to a log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from debrief.extensions import db
from debrief.models import (
    ApparentCause, Classification, Death, DeathReport, PossibleMatch, ReportPairDecision, Substance, User, utcnow,
)
from debrief.services import audit, death_analysis, validation
from debrief.services.clock_calendar import end_of_day, start_of_day
from debrief.services.errors import NotFound, ValidationFailed
from debrief.services.pagination import Page, paginate

MAX_SIMILAR = death_analysis.SIMILAR_KEPT  # the API's `limit`: no more than each death keeps
#: A map draws each death as a dot up to this many; beyond, only its shaded areas.
MAP_DOTS = 2_000
#: The days a period may start and end on: beyond them a date is a typing mistake.
EARLIEST, LATEST = date(1900, 1, 1), date(2099, 12, 31)
DEFAULT_SIMILAR = 10


@dataclass(frozen=True)
class DeathFilters:
    """What the deaths list is narrowed to; every field optional."""

    start: date | None = None
    end: date | None = None
    cause: str | None = None
    substance: str | None = None
    classification: str | None = None
    area: str | None = None

    def query(self) -> sa.Select:
        query = sa.select(Death)
        if self.start:
            query = query.where(Death.found_at >= start_of_day(self.start))
        if self.end:
            query = query.where(Death.found_at <= end_of_day(self.end))
        if self.cause:
            query = query.where(Death.apparent_cause == self.cause)
        if self.classification:
            query = query.where(Death.classification == self.classification)
        if self.area:
            query = query.where(Death.area == self.area)
        if self.substance:
            # Substances are a short JSON list of codes, stored sorted: a code is matched with its quotes.
            query = query.where(sa.cast(Death.substances, sa.Text).contains(f'"{self.substance}"'))
        return query


def filters(*, start: date | None, end: date | None, cause: str | None = None, substance: str | None = None,
            classification: str | None = None, area: str | None = None,
            errors: dict[str, str] | None = None) -> DeathFilters:
    """Checked filters; `errors` already found (a date that is not real) are reported with the rest."""
    errors = dict(errors or {})
    for field, value in (("from", start), ("to", end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            errors.setdefault(field, _("The start of the period must be between 1 1 1900 and 31 12 2099")
                              if field == "from" else _("The end of the period must be between 1 1 1900 and 31 12 2099"))
    if start and end and end < start and not errors:
        errors["to"] = _("The end of the period must be on or after its start")
    cause = validation.choice(cause or None, "cause", errors, ApparentCause, label=_("a cause"))
    substance = validation.choice(substance or None, "substance", errors, Substance, label=_("a substance"))
    classification = validation.choice(classification or None, "classification", errors, Classification,
                                       label=_("a classification"))
    area = (area or "").strip().upper() or None
    if area and not (len(area) <= 3 and area[0].isalpha() and area[1:].isdigit()):
        errors["area"] = _("Select an area of the map, like C4")
    if errors:
        raise ValidationFailed(errors)
    return DeathFilters(start=start, end=end, cause=cause, substance=substance, classification=classification,
                        area=area)


def listing(filters: DeathFilters, page: int, per_page: int) -> Page:
    query = filters.query().options(selectinload(Death.reports).load_only(
        DeathReport.source, DeathReport.source_reference, DeathReport.death_id))
    return paginate(query.order_by(Death.found_at.desc(), Death.id.desc()), page, per_page, key=Death.id)


def map_of(filters: DeathFilters) -> tuple[dict[str, int], list[tuple[float, float]] | None]:
    """The list's deaths for its map: how many in each area, and where each was found when there
    are no more than MAP_DOTS of them (more dots than that say nothing a shaded area does not)."""
    query = filters.query()
    counts = dict(db.session.execute(query.with_only_columns(Death.area, sa.func.count())
                                     .where(Death.area.is_not(None)).group_by(Death.area)).all())
    if sum(counts.values()) > MAP_DOTS:
        return counts, None
    placed = query.with_only_columns(Death.latitude, Death.longitude).where(Death.latitude.is_not(None))
    return counts, [(lat, lon) for lat, lon in db.session.execute(placed.limit(MAP_DOTS + 1))]


def get(death_id: int) -> Death:
    death = db.session.get(Death, death_id, options=[selectinload(Death.reports)])
    if death is None:
        raise NotFound(_("There is no death with that id."))
    return death


@dataclass(frozen=True)
class SimilarDeath:
    death: Death
    score: float
    reasons: list[list]


def similar(death: Death, limit: int = DEFAULT_SIMILAR) -> list[SimilarDeath]:
    """The deaths most like `death` as a possible series, best first, as the last analysis found."""
    kept = (death.similar or [])[:limit]
    others = {d.id: d for d in db.session.scalars(sa.select(Death).where(Death.id.in_([s["id"] for s in kept]))
                                                 .options(selectinload(Death.reports).load_only(
                                                     DeathReport.source, DeathReport.source_reference,
                                                     DeathReport.death_id)))}
    return [SimilarDeath(death=others[s["id"]], score=s["score"], reasons=s["reasons"])
            for s in kept if s["id"] in others]


def similar_limit(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_SIMILAR
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_SIMILAR:
        raise ValidationFailed({"limit": _("must be a whole number from 1 to %(most)s", most=MAX_SIMILAR)})
    return limit


def unanalysed_since(analysis) -> int:
    """Reports imported or changed since `analysis` (the latest, a DeathAnalysis, or None) began:
    not yet in the deaths shown."""
    query = sa.select(sa.func.count()).select_from(DeathReport)
    if analysis is not None:
        query = query.where(DeathReport.updated_at > analysis.started_at)
    return db.session.scalar(query) or 0


# The matches the method was unsure of --------------------------------------------------------------

def possible_matches(page: int, per_page: int) -> Page:
    query = (sa.select(PossibleMatch).options(selectinload(PossibleMatch.report_a), selectinload(PossibleMatch.report_b))
             .order_by(PossibleMatch.probability.desc(), PossibleMatch.id))
    return paginate(query, page, per_page)


def possible_match(match_id: int) -> PossibleMatch:
    match = db.session.get(PossibleMatch, match_id)
    if match is None:
        raise NotFound(_("There is no such possible match; the latest analysis may have settled it."))
    return match


def decide_match(report_ids: object, decision: str | None, note: str | None, *, actor: User) -> ReportPairDecision:
    """An analyst says two reports are (`same_person`) or are not (`different_people`) one person.
    The decision holds for every later analysis; the deaths change at the next analysis."""
    errors: dict[str, str] = {}
    if not (isinstance(report_ids, list) and len(report_ids) == 2 and all(validation.is_id(i) for i in report_ids)
            and report_ids[0] != report_ids[1]):
        errors["reports"] = _("must be the ids of two different death reports")
    if not isinstance(decision, str) or decision not in ("same_person", "different_people"):
        errors["decision"] = _("Select whether the reports are of the same person or of different people")
    if note is not None and not isinstance(note, str):
        errors["note"] = _("must be text")
        note = None
    note = validation.text(note, "note", errors, label=_("a note"), max_length=validation.LIMITS["death_match.note"])
    if errors:
        raise ValidationFailed(errors)
    a, b = sorted(report_ids)
    found = set(db.session.scalars(sa.select(DeathReport.id).where(DeathReport.id.in_([a, b]))))
    if found != {a, b}:
        raise NotFound(_("There is no death report with one of those ids."))
    row = db.session.scalar(sa.select(ReportPairDecision).where(
        ReportPairDecision.report_a_id == a, ReportPairDecision.report_b_id == b))
    if row is None:
        row = ReportPairDecision(report_a_id=a, report_b_id=b)
        db.session.add(row)
    row.same_person, row.note = decision == "same_person", note
    row.decided_by_id, row.decided_at = actor.id, utcnow()
    db.session.execute(sa.delete(PossibleMatch).where(PossibleMatch.report_a_id == a, PossibleMatch.report_b_id == b))
    db.session.flush()
    audit.record(actor, "death_reports_matched", "report_pair_decision", row.id,
                 {"reports": [a, b], "same_person": row.same_person})
    return row

