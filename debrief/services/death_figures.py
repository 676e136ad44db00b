"""The analytical report on death investigations: its figures for a period, as the page
/deaths/report shows them and the Word report (documents/deaths_report.py) lays them out.

The period is London dates, both ends included, on when each death was found (`Death.found_at`).
Each figure is set beside the period of the same length just before it. Every count is made in SQL
(GROUP BY), the substances too (a short JSON list per death, matched code by code), so that a
year of 22,000 deaths takes a few passes over an index, not 22,000 rows brought into Python.
Nothing here reads a name, a date of birth or an NHS number: deaths are told by their references.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from debrief.deaths.words import reason_words
from debrief.vocabulary import CAUSE, CLASSIFICATION, SUBSTANCE
from debrief.extensions import db
from debrief.i18n import month_year, number
from debrief.models import (
    Classification, Death, DeathSource, LinkedSeries, SeriesStatus, Substance, linked_series_members, utcnow,
)
from debrief.services import death_analysis, deaths
from debrief.services.clock_calendar import add_months, london_date, start_of_day
from debrief.services.errors import ValidationFailed

#: The dates a period may use: beyond them a date is a slip of the keyboard.
EARLIEST, LATEST = deaths.EARLIEST, deaths.LATEST
#: The longest period one report covers (its table by month stays readable).
LONGEST_MONTHS = 120
#: Beyond this many deaths the maps shade their areas only, without a dot for each death.
MAP_DOTS = deaths.MAP_DOTS
NOT_RECORDED = _l("Not recorded")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def default_period(today: date | None = None) -> Period:
    """The last twelve complete months: a year, so that the figures beside it are a year-on-year
    comparison and no season is left out."""
    today = today or london_date(utcnow())
    first_of_this_month = today.replace(day=1)
    return Period(add_months(first_of_this_month, -12), first_of_this_month - timedelta(days=1))


def period_of(start: date | None, end: date | None, *, format_errors: dict[str, str] | None = None,
              required: bool = False) -> Period:
    """The period asked for, or ValidationFailed naming each of `from` and `to` that is wrong.
    Not `required`: both left out is the default period. `format_errors` are the caller's own
    (a date that is not a real one)."""
    errors = dict(format_errors or {})
    if start is None and end is None and not required and not errors:
        return default_period()
    for name, day in (("from", start), ("to", end)):
        if name in errors:
            continue
        if day is None:
            errors[name] = _("Enter the start of the period") if name == "from" else _("Enter the end of the period")
        elif not EARLIEST <= day <= LATEST:
            errors[name] = (_("The start of the period must be between 1 1 1900 and 31 12 2099") if name == "from"
                            else _("The end of the period must be between 1 1 1900 and 31 12 2099"))
    if not errors and end < start:
        errors["to"] = _("The end of the period must be on or after its start")
    if not errors and end >= add_months(start, LONGEST_MONTHS):
        errors["to"] = _("The period must be %(years)s years or shorter", years=LONGEST_MONTHS // 12)
    if errors:
        raise ValidationFailed(errors)
    return Period(start, end)


# What the report shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One line of a table with the previous period beside it."""

    code: str | None
    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_words(self) -> str:
        return change_in_words(self.current, self.previous)


@dataclass(frozen=True)
class Count:
    code: str | None
    label: str
    count: int


@dataclass(frozen=True)
class Month:
    first_day: date
    count: int

    @property
    def label(self) -> str:
        return month_year(self.first_day)


@dataclass(frozen=True)
class SeriesMember:
    reference: str
    found_at: datetime | None
    cause: str
    area: str | None
    latitude: float | None
    longitude: float | None
    in_period: bool


@dataclass(frozen=True)
class SeriesInPeriod:
    id: int
    reference: str
    status: str
    score: float
    reasons: list[str]
    note: str | None
    members: list[SeriesMember]


@dataclass(frozen=True)
class DeathFigures:
    period: Period
    previous_period: Period
    total: int
    previous_total: int
    by_cause: list[Change]
    by_classification: list[Change]
    by_month: list[Month]
    by_area: list[Count]  # most first; the deaths with no area of the map are `unplaced`
    area_counts: dict[str, int]
    unplaced: int
    positions: list[tuple[float, float]] | None  # None when there are more than MAP_DOTS deaths
    extent: dict
    substances: list[Count]  # deaths with each substance, most first
    with_substances: int
    partners_only: int
    previous_partners_only: int
    partners_only_by_cause: list[Count]
    confirmed_series: list[SeriesInPeriod]
    candidate_series: list[SeriesInPeriod]
    analysed_at: datetime | None
    not_yet_analysed: int  # reports imported or changed since the latest analysis, not yet counted

    @property
    def change_words(self) -> str:
        return change_in_words(self.total, self.previous_total)


def change_in_words(current: int, previous: int) -> str:
    """"12 more (up 15%)", "3 fewer (down 4%)", "No change", "5 more (none before)"."""
    difference = current - previous
    if difference == 0:
        return _("No change")
    amount, share = number(abs(difference)), f"{abs(difference) / previous:.0%}" if previous else ""
    if difference > 0:
        if previous == 0:
            return _("%(amount)s more (none before)", amount=amount)
        return _("%(amount)s more (up %(share)s)", amount=amount, share=share)
    return _("%(amount)s fewer (down %(share)s)", amount=amount, share=share)


def figures(period: Period) -> DeathFigures:
    """Four passes over the deaths of the two periods, each a GROUP BY: by kind (cause,
    classification, known only to partners), by area, by month with the substances, and the series."""
    previous = period.previous
    since, until = start_of_day(previous.start), start_of_day(period.end + timedelta(days=1))
    boundary = start_of_day(period.start)
    in_both = (Death.found_at >= since) & (Death.found_at < until)
    in_period = (Death.found_at >= boundary) & (Death.found_at < until)

    # Known only to partners: the SQL twin of Death.known_only_to_partners (no "police" among the sources).
    partners_only = sa.case(((sa.literal("+") + Death.sources + sa.literal("+")).contains(
        f"+{DeathSource.POLICE.value}+"), 0), else_=1)
    current = sa.case((Death.found_at >= boundary, 1), else_=0)
    kinds = db.session.execute(
        sa.select(Death.apparent_cause, Death.classification, partners_only, current, sa.func.count())
        .where(in_both).group_by(Death.apparent_cause, Death.classification, partners_only, current)).all()
    causes: Counter[tuple] = Counter()
    classifications: Counter[tuple] = Counter()
    partner_causes: Counter[str | None] = Counter()
    partners = Counter()
    for cause, classification, only_partners, in_this_period, count in kinds:
        causes[cause, in_this_period] += count
        classifications[classification, in_this_period] += count
        if only_partners:
            partners[in_this_period] += count
            if in_this_period:
                partner_causes[cause] += count
    by_cause = _changes(causes, CAUSE, order=None)
    by_classification = _changes(classifications, CLASSIFICATION, order=[c.value for c in Classification])
    total = sum(row.current for row in by_cause)

    areas = dict(db.session.execute(sa.select(Death.area, sa.func.count()).where(in_period)
                                    .group_by(Death.area)).all())
    unplaced = areas.pop(None, 0)
    by_area = sorted((Count(area, area, count) for area, count in areas.items()),
                     key=lambda c: (-c.count, c.label[0], int(c.label[1:]) if c.label[1:].isdigit() else 0))
    positions = None
    if total <= MAP_DOTS:
        positions = [(lat, lon) for lat, lon in db.session.execute(
            sa.select(Death.latitude, Death.longitude)
            .where(in_period, Death.latitude.is_not(None), Death.longitude.is_not(None)))]

    by_month, substances, with_substances = _months_and_substances(period)
    analysis = death_analysis.latest()
    series = _series(in_period, boundary, until)
    return DeathFigures(
        period=period, previous_period=previous, total=total, previous_total=sum(row.previous for row in by_cause),
        by_cause=by_cause, by_classification=by_classification, by_month=by_month,
        by_area=by_area, area_counts=areas, unplaced=unplaced, positions=positions,
        extent=dict(analysis.extent or {}) if analysis else {},
        substances=sorted((Count(code, SUBSTANCE.get(code, code), count) for code, count in substances.items()
                           if count), key=lambda c: (-c.count, c.label)),
        with_substances=with_substances,
        partners_only=partners[1], previous_partners_only=partners[0],
        partners_only_by_cause=sorted((Count(code, _label(code, CAUSE), count)
                                       for code, count in partner_causes.items()),
                                      key=lambda c: (c.code is None, -c.count, c.label)),
        confirmed_series=[s for s in series if s.status == SeriesStatus.CONFIRMED.value],
        candidate_series=[s for s in series if s.status == SeriesStatus.CANDIDATE.value],
        analysed_at=analysis.finished_at if analysis else None,
        not_yet_analysed=deaths.unanalysed_since(analysis),
    )


def _label(code: str | None, words: dict[str, str]) -> str:
    return str(NOT_RECORDED) if code is None else str(words.get(code, code))


def _changes(counts: Counter, words: dict[str, str], order: list[str] | None) -> list[Change]:
    """{(code, 1 for this period or 0 for the one before): count} as Changes: in `order` when given
    (the vocabulary's own, as a classification runs from least to most serious), else the most in
    the period first; "Not recorded" last either way."""
    codes = {code for code, _ in counts}
    changes = [Change(code, _label(code, words), counts[code, 1], counts[code, 0]) for code in codes]
    if order is not None:
        rank = {code: index for index, code in enumerate(order)}
        return sorted(changes, key=lambda c: (c.code is None, rank.get(c.code, len(rank)), c.label))
    return sorted(changes, key=lambda c: (c.code is None, -c.current, -c.previous, c.label))


def _months_and_substances(period: Period) -> tuple[list[Month], Counter[str], int]:
    """Deaths found in each London calendar month the period touches (a month cut by the period's
    start or end counts only its days inside), and the deaths with each substance and with any, in
    one GROUP BY over month boundaries. Substances are a short JSON list of codes: a code is matched
    with its quotes, as the deaths list's filter does."""
    firsts = []
    month = period.start.replace(day=1)
    while month <= period.end:
        firsts.append(month)
        month = add_months(month, 1)
    starts = [max(first, period.start) for first in firsts]
    # Month i holds the deaths found on or after the start of month i and before that of month i+1.
    bucket = sa.case(*((Death.found_at >= start_of_day(day), index) for index, day in reversed(list(enumerate(starts)))),
                     else_=-1)
    listed = sa.cast(Death.substances, sa.Text)
    codes = [s.value for s in Substance]
    with_each = [sa.func.sum(sa.case((listed.contains(f'"{code}"'), 1), else_=0)) for code in codes]
    with_any = sa.func.sum(sa.case((listed.contains('"'), 1), else_=0))
    rows = db.session.execute(
        sa.select(bucket, sa.func.count(), with_any, *with_each)
        .where(Death.found_at >= start_of_day(period.start), Death.found_at < start_of_day(period.end + timedelta(days=1)))
        .group_by(bucket)).all()
    found, substances, with_substances = {}, Counter(), 0
    for index, count, any_substance, *each in rows:
        found[index] = count
        with_substances += any_substance or 0
        substances.update({code: n or 0 for code, n in zip(codes, each)})
    return [Month(first, found.get(index, 0)) for index, first in enumerate(firsts)], substances, with_substances


def _series(in_period, boundary: datetime, until: datetime) -> list[SeriesInPeriod]:
    """Candidate and confirmed series with at least one member found in the period, the surest
    first; each with all its members, those found outside the period marked so."""
    members_in_period = (sa.select(linked_series_members.c.series_id)
                         .join(Death, Death.id == linked_series_members.c.death_id).where(in_period))
    held = db.session.scalars(
        sa.select(LinkedSeries)
        .where(LinkedSeries.status.in_([SeriesStatus.CONFIRMED.value, SeriesStatus.CANDIDATE.value]),
               LinkedSeries.id.in_(members_in_period))
        .options(selectinload(LinkedSeries.deaths).load_only(
            Death.reference_year, Death.reference_number, Death.found_at, Death.apparent_cause, Death.area,
            Death.latitude, Death.longitude))
        .order_by(LinkedSeries.score.desc(), LinkedSeries.id))
    return [SeriesInPeriod(
        id=series.id, reference=series.reference, status=series.status, score=series.score,
        reasons=[reason_words(reason) for reason in series.reasons or []], note=series.note,
        members=[SeriesMember(reference=death.reference, found_at=death.found_at,
                              cause=_label(death.apparent_cause, CAUSE), area=death.area,
                              latitude=death.latitude, longitude=death.longitude,
                              in_period=death.found_at is not None and boundary <= death.found_at < until)
                 for death in series.deaths])
        for series in held]
