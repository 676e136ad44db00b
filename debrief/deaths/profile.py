"""One death's picture made from the reports that different sources sent about it.

Plain rules, each one commented; the series method (series.py) only ever sees the result."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from debrief.deaths.records import DeathProfile, ReportRecord

# Which source knows the scene best: the police attend it; the council hears of it later; the NHS
# row often gives the hospital the person was taken to.
SOURCE_ORDER = {"police": 0, "local_authority": 1, "nhs": 2}

# Causes that say little: any specific cause from another source is preferred to these.
VAGUE_CAUSES = ("natural", "unexplained", "other")  # later in this tuple = vaguer

# Classifications, least serious first: the death takes the most serious any source gave.
CLASSIFICATIONS = ("non_suspicious", "unexplained", "suspicious", "homicide")

# Location types that describe a place the person was taken to rather than where they were found.
NOT_THE_SCENE = ("hospital",)

LONDON = ZoneInfo("Europe/London")


def _order(report: ReportRecord) -> tuple:
    """Sources in the order they are trusted for the scene; within a source, earliest found first."""
    moment = report.found_at.timestamp() if report.found_at else float("inf")
    return SOURCE_ORDER.get(report.source, 9), moment, report.key


def _age(date_of_birth: date | None, found_at: datetime | None) -> int | None:
    if date_of_birth is None or found_at is None:
        return None
    day = found_at.astimezone(LONDON).date() if found_at.tzinfo else found_at.date()  # the day in London
    years = day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    return years if 0 <= years <= 120 else None


def _most_common(values: list, order_of: dict) -> object:
    """The most frequent value; ties go to the more trusted source (the earlier in `values`)."""
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda value: (counts[value], -values.index(value))) if counts else None


def profile_of(death_id: int, reports: Sequence[ReportRecord]) -> DeathProfile:
    """One death from its reports (one or more, usually from different sources)."""
    ordered = sorted(reports, key=_order)

    # When found: the police report's time when there is one (they attend the scene), else the
    # earliest time any source gave.
    police_times = [r.found_at for r in ordered if r.source == "police" and r.found_at]
    all_times = sorted((r.found_at for r in ordered if r.found_at), key=lambda moment: moment.timestamp())
    found_at = police_times[0] if police_times else (all_times[0] if all_times else None)

    # Where: the scene, not a hospital. The first report (in trust order) with coordinates whose
    # location type is not a hospital; only when every located report says hospital do we keep it.
    located = [r for r in ordered if r.latitude is not None and r.longitude is not None]
    scene = [r for r in located if r.location_type not in NOT_THE_SCENE]
    where = scene[0] if scene else (located[0] if located else None)
    latitude, longitude = (where.latitude, where.longitude) if where else (None, None)

    # What kind of place: from the report that gave the location when it says; otherwise the first
    # non-hospital type any report gives; a hospital only when nothing else is known.
    types = [r.location_type for r in ordered if r.location_type]
    scene_types = [t for t in types if t not in NOT_THE_SCENE]
    if where is not None and where.location_type:
        location_type = where.location_type
    else:
        location_type = scene_types[0] if scene_types else (types[0] if types else None)
    if location_type in NOT_THE_SCENE and scene_types:
        location_type = scene_types[0]

    # Cause: a specific cause beats natural / unexplained / other; among specific causes the one
    # most sources agree on (ties to the more trusted source); among vague ones the least vague.
    causes = [r.apparent_cause for r in ordered if r.apparent_cause]
    specific = [c for c in causes if c not in VAGUE_CAUSES]
    if specific:
        apparent_cause = _most_common(specific, SOURCE_ORDER)
    elif causes:
        apparent_cause = min(causes, key=VAGUE_CAUSES.index)
    else:
        apparent_cause = None

    # Substances and indicators: anything any source saw.
    substances = frozenset().union(*(r.substances for r in ordered)) if ordered else frozenset()
    indicators = frozenset().union(*(r.indicators for r in ordered)) if ordered else frozenset()

    # Classification: the most serious any source gave.
    classes = [r.classification for r in ordered if r.classification in CLASSIFICATIONS]
    classification = max(classes, key=CLASSIFICATIONS.index) if classes else None

    # Age at death from the date of birth most sources agree on (a swapped day and month in one
    # source is outvoted; ties to the more trusted source).
    births = [r.date_of_birth for r in ordered if r.date_of_birth]
    age = _age(_most_common(births, SOURCE_ORDER), found_at or (all_times[0] if all_times else None))

    # Sex: male or female when a source says so (the most common answer); "unknown" says nothing.
    sexes = [r.sex for r in ordered if r.sex in ("male", "female")]
    sex = _most_common(sexes, SOURCE_ORDER) if sexes else None

    return DeathProfile(
        id=death_id, found_at=found_at, latitude=latitude, longitude=longitude, age=age, sex=sex,
        location_type=location_type, apparent_cause=apparent_cause, substances=substances,
        indicators=indicators, classification=classification,
        sources=frozenset(r.source for r in ordered))
