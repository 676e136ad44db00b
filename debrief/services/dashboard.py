"""The board dashboard: the governance board's figures for a period, a theme and an incident type,
as the charts on /board/dashboard show them.

The headline figures (open, overdue, awaiting closure, repeats, repeats of recommendations closed as
done) are the board summary's own, `recommendations.open_figures` and `repeats.counts`, narrowed by
the filter: what counts as open, overdue or a repeat is decided there, once. This module adds what
only the dashboard shows: how long open recommendations have been open (counted in the same pass as
the headline figures), the owners with the most overdue, the learning products by kind, and the
partner agencies' responses.

Every figure is as current as the rows it counts: the open recommendations are counted when the page
is asked for, and the products by kind (all history) come from counts the database keeps in the same
transaction as each change (models/figures.py).

What the filter means:

- the period is when a recommendation was made (allocated to its owner), London dates, both ends
  included. A recommendation, not its debrief, is what the board tracks, and "how many of the
  recommendations made last quarter are still open" is the board's question; the debrief's reported
  date would put a recommendation made this month into a period long gone. Partner responses count
  the invitations sent in the same period;
- theme and incident type are the recommendation's debrief's (for partner responses, the
  invitation's debrief's).

With no filter every figure covers everything, and the headline figures are those of
GET /api/v1/board/summary.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from debrief.extensions import db
from debrief.i18n import number
from debrief.models import Debrief, DebriefTheme, LearningProduct, LearningProductCount, Recommendation, Theme
from debrief.services import invitations, recommendations, reference_data, repeats
from debrief.services.clock_calendar import start_of_day
from debrief.services.errors import ValidationFailed
from debrief.services.invitations import AgencyEngagement
from debrief.services.recommendation_lifecycle import AWARENESS_ONLY, DELIVERED_STATES, PRODUCT_KINDS
from debrief.services.recommendations import OwnerLoad

#: Days since a recommendation was made: the ageing chart's bands, the last one open-ended.
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 30), (31, 90), (91, 180), (181, 365), (366, None))
#: How many owners the overdue chart names; the rest are summed in one bar.
TOP_OWNERS = 10
#: The dates a period may use: beyond them a date is a slip of the keyboard (and Python's dates end).
EARLIEST, LATEST = date(1900, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class Filter:
    """What the board narrowed the dashboard to; None is "all"."""

    start: date | None = None
    end: date | None = None
    theme: str | None = None
    incident_type: str | None = None

    @property
    def is_everything(self) -> bool:
        return self == Filter()


def filter_from(*, start: date | None = None, end: date | None = None, theme: str | None = None,
                incident_type: str | None = None, format_errors: dict[str, str] | None = None) -> Filter:
    """The filter asked for, or ValidationFailed naming each field that is wrong (`start`, `end`,
    `theme`, `incident_type`). `format_errors` are the page's own (a date that is not a real one)."""
    errors = dict(format_errors or {})
    for name, day in (("start", start), ("end", end)):
        if day is not None and not EARLIEST <= day <= LATEST:
            errors.setdefault(name, _("The start of the period must be between 1 1 1900 and 31 12 2099") if name == "start"
                              else _("The end of the period must be between 1 1 1900 and 31 12 2099"))
    if start and end and end < start and "start" not in errors:
        errors.setdefault("end", _("The end of the period must be on or after its start"))
    theme = theme or None
    if theme is not None and theme not in {t.value for t in Theme}:
        errors["theme"] = _("Choose a theme from the list")
    incident_type = incident_type or None
    if incident_type is not None and reference_data.incident_type(incident_type) is None:
        errors["incident_type"] = _("Choose a type of incident from the list")
    if errors:
        raise ValidationFailed(errors)
    return Filter(start=start, end=end, theme=theme, incident_type=incident_type)


def selects(chosen: Filter):
    """SQL: the recommendations the filter selects (None when it selects everything)."""
    conditions = []
    if chosen.start is not None:
        conditions.append(Recommendation.created_at >= start_of_day(chosen.start))
    if chosen.end is not None:
        conditions.append(Recommendation.created_at < start_of_day(chosen.end + timedelta(days=1)))
    if chosen.theme is not None:
        conditions.append(Recommendation.debrief_id.in_(
            sa.select(DebriefTheme.debrief_id).where(DebriefTheme.theme == chosen.theme)))
    if chosen.incident_type is not None:
        conditions.append(Recommendation.debrief_id.in_(
            sa.select(Debrief.id).where(Debrief.incident_type_code == chosen.incident_type)))
    return sa.and_(*conditions) if conditions else None


# What the dashboard shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBand:
    """Open recommendations made between `shortest` and `longest` days ago (None: no upper limit)."""

    shortest: int
    longest: int | None
    count: int

    @property
    def label(self) -> str:
        if self.longest is None:
            return _("More than a year")
        return _("%(shortest)s to %(longest)s days", shortest=number(self.shortest), longest=number(self.longest))


@dataclass(frozen=True)
class OverdueByOwner:
    """The owners with the most overdue recommendations, most first; the rest summed."""

    named: tuple[OwnerLoad, ...]
    other_owners: int
    others_overdue: int


@dataclass(frozen=True)
class ProductsOfKind:
    kind: str
    awareness_only: bool
    products: int
    delivered: int  # delivered or evaluated


@dataclass(frozen=True)
class PartnerResponses:
    """Invitations sent from `start` to `end`, by agency (invitations.engagement)."""

    start: date
    end: date
    by_agency: tuple[AgencyEngagement, ...]

    def total(self, what: str) -> int:
        return sum(getattr(row, what) for row in self.by_agency)


@dataclass(frozen=True)
class Dashboard:
    chosen: Filter
    open: int
    overdue: int
    awaiting_closure: int
    repeats: int
    repeats_of_implemented: int
    ageing: tuple[AgeBand, ...]
    overdue_by_owner: OverdueByOwner
    products_by_kind: tuple[ProductsOfKind, ...]
    partner_responses: PartnerResponses


def figures(chosen: Filter = Filter(), *, top_owners: int = TOP_OWNERS) -> Dashboard:
    """Every figure on the dashboard, counted in SQL: the same few queries however many
    recommendations there are."""
    within = selects(chosen)
    # The headline figures, the owners and the ageing bands in one pass over the open recommendations.
    open_ = recommendations.open_figures(within, also=_age_conditions())
    repeated, did_not_stick = repeats.counts(within)
    return Dashboard(
        chosen=chosen, open=open_.open, overdue=open_.overdue, awaiting_closure=open_.awaiting_closure,
        repeats=repeated, repeats_of_implemented=did_not_stick,
        ageing=tuple(AgeBand(shortest, longest, count) for (shortest, longest), count in zip(AGE_BANDS, open_.also)),
        overdue_by_owner=_overdue_by_owner(open_.by_owner, top_owners),
        products_by_kind=products_by_kind(chosen), partner_responses=partner_responses(chosen))


def _age_conditions() -> list:
    """SQL: made within each of AGE_BANDS, as days since today (London). The first band has no lower
    time limit and the last no upper one, so the bands of the open recommendations add up to the open
    figure."""
    today = recommendations.today()
    made = Recommendation.created_at
    conditions = []
    for shortest, longest in AGE_BANDS:
        parts = []
        if longest is not None:  # made on or after the day `longest` days ago
            parts.append(made >= start_of_day(today - timedelta(days=longest)))
        if shortest > 0:  # and before the day after the one `shortest` days ago
            parts.append(made < start_of_day(today - timedelta(days=shortest - 1)))
        conditions.append(sa.and_(*parts))
    return conditions


def _overdue_by_owner(loads: list[OwnerLoad], top: int) -> OverdueByOwner:
    # board_summary lists owners most overdue first: the named ones are the first with any.
    overdue = [load for load in loads if load.overdue]
    rest = overdue[top:]
    return OverdueByOwner(named=tuple(overdue[:top]), other_owners=len(rest),
                          others_overdue=sum(load.overdue for load in rest))


def products_by_kind(chosen: Filter = Filter()) -> tuple[ProductsOfKind, ...]:
    """Learning products of the chosen recommendations, by kind: every known kind in its usual
    order (awareness-only ones marked), then any other kind found in the data.

    Without a period they come from the counts the database keeps by incident type and theme
    (models/figures.py: all history, never counted row by row); a period counts the products of the
    recommendations made in it (ix_recommendations_created, then each one's products from
    ix_learning_products_recommendation_id alone)."""
    if chosen.start is None and chosen.end is None:
        kept = LearningProductCount
        delivered = sa.case((kept.status.in_(DELIVERED_STATES), kept.count), else_=0)
        query = (sa.select(kept.kind, sa.func.sum(kept.count), sa.func.sum(delivered))
                 .where(kept.theme == (chosen.theme or ""))
                 .group_by(kept.kind))
        if chosen.incident_type is not None:
            query = query.where(kept.incident_type_code == chosen.incident_type)
    else:
        query = (sa.select(LearningProduct.kind, sa.func.count(),
                           sa.func.count(sa.case((LearningProduct.status.in_(DELIVERED_STATES), 1))))
                 .join(Recommendation, Recommendation.id == LearningProduct.recommendation_id)
                 .where(selects(chosen)).group_by(LearningProduct.kind))
    found = {kind: (int(products), int(delivered)) for kind, products, delivered in db.session.execute(query)
             if products}
    kinds = [*PRODUCT_KINDS, *sorted(set(found) - set(PRODUCT_KINDS))]
    return tuple(ProductsOfKind(kind, kind in AWARENESS_ONLY, *found.get(kind, (0, 0))) for kind in kinds)


def partner_responses(chosen: Filter) -> PartnerResponses:
    """The partner agencies' answers to invitations sent in the chosen period; with no start, in the
    year before its end (invitations.recent_period), and with no end, up to today."""
    today = recommendations.today()
    end = chosen.end or max(today, chosen.start or today)
    start = chosen.start or invitations.recent_period(end)[0]
    return PartnerResponses(start=start, end=end, by_agency=tuple(invitations.engagement(
        start, end, theme=chosen.theme, incident_type=chosen.incident_type)))
