"""The analysis of death reports: link the reports of one person into one death, make each death's
picture, place it in an area of the map, and find the deaths most like it and candidate linked series.

It runs over everything imported, from the API, the command line, an analyst's button, and nightly
from the scheduler. The button only asks for it (a run stored unfinished) and the page answers at
once: a thread of the web process runs it once the request commits, or, if that process stops, the
scheduler's job after ASKED_LEASE. A death keeps its reference from one analysis to the next (it is the death that
holds most of the same reports), and analysts' decisions (two reports are or are not one person; a
series confirmed or dismissed) are inputs to every run, so they survive it. The methods themselves
are in debrief/deaths/; this module moves records between them and the database.
"""
from __future__ import annotations

import logging
import time as clock
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Flask, g

from debrief.background import HandOverThread
from debrief.deaths import linkage, profile, series
from debrief.deaths.records import DeathProfile, ReportRecord
from debrief.extensions import db
from debrief.models import (
    Death, DeathAnalysis, DeathReport, PossibleMatch, ReportPairDecision, User, utcnow,
)
from debrief.services import audit, linked_series, references
from debrief.services.clock_calendar import LONDON, london_date

log = logging.getLogger(__name__)

#: How many similar deaths each death keeps (the API's `limit` is at most this).
SIMILAR_KEPT = 50
#: The things two similar deaths share that are kept as reasons, the most telling first.
REASONS_KEPT = 4
#: The nightly run starts at or after this London time.
NIGHTLY_FROM = time(2, 0)
#: The map's grid of areas: columns lettered west to east, rows numbered north to south ("C4").
AREA_COLUMNS = 6
AREA_ROWS = 6
_CHUNK = 2_000
#: How long a process that starts an analysis asked for keeps it from the others: far longer than an
#: analysis takes (about a minute for a large force's two years). One whose process stopped is
#: started again after this.
ASKED_LEASE = timedelta(minutes=15)
# Any number, the same in every process: only one analysis writes at a time (PostgreSQL).
_LOCK_KEY = 0x44656174  # "Deat"


@dataclass(frozen=True)
class Outcome:
    reports: int
    deaths: int
    candidate_series: int
    new_series: int
    seconds: float
    phases: dict[str, float]  # seconds each step took: read, link, deaths, series, store


def analyse(actor: User | None = None, run: DeathAnalysis | None = None) -> Outcome:
    """Links, profiles and compares every death; flushed, not committed (the caller commits). `run`:
    the analysis asked for that this is (run_asked)."""
    started = last = clock.perf_counter()
    phases: dict[str, float] = {}

    def done(phase: str) -> None:
        nonlocal last
        now = clock.perf_counter()
        phases[phase] = round(phases.get(phase, 0.0) + now - last, 3)
        last = now

    _one_at_a_time()
    run = run or DeathAnalysis(started_at=utcnow(), started_by_id=actor.id if actor else None)
    db.session.add(run)

    reports = list(db.session.execute(sa.select(
        DeathReport.id, DeathReport.source, DeathReport.source_reference, DeathReport.found_at,
        DeathReport.reported_at, DeathReport.family_name, DeathReport.given_names, DeathReport.date_of_birth,
        DeathReport.sex, DeathReport.nhs_number, DeathReport.latitude, DeathReport.longitude,
        DeathReport.location_type, DeathReport.apparent_cause, DeathReport.substances, DeathReport.indicators,
        DeathReport.initial_classification, DeathReport.death_id)))
    records = {_key(row): _record(row) for row in reports}
    id_of = {_key(row): row.id for row in reports}
    key_of = {row.id: _key(row) for row in reports}

    done("read")
    decisions = [linkage.Decision(a=key_of[a], b=key_of[b], same_person=same)
                 for a, b, same in db.session.execute(sa.select(
                     ReportPairDecision.report_a_id, ReportPairDecision.report_b_id, ReportPairDecision.same_person))]
    linked = linkage.link_reports(list(records.values()), decisions) if records else linkage.Linkage([], [])
    done("link")

    death_of_report = {_key(row): row.death_id for row in reports}
    kept = _keep_references(linked.groups, death_of_report)
    # Each group's picture, under its death's id (a new death's is provisional until it is inserted).
    pictures = [profile.profile_of(kept.get(index, -1 - index), [records[key] for key in group])
                for index, group in enumerate(linked.groups)]
    extent = _extent(pictures)
    ids = _store_deaths(pictures, kept, extent, [_first_found(group, records) for group in linked.groups])
    profiles = {death_id: replace(picture, id=death_id) for death_id, picture in zip(ids, pictures)}
    _link_reports(linked.groups, ids, id_of, death_of_report)
    _store_possible_matches(linked.possible_matches, id_of)
    done("deaths")

    found = series.analyse(list(profiles.values()), top=SIMILAR_KEPT)
    done("series")
    _store_similar(found.similar)
    new_series = linked_series.reconcile(found.candidates)

    run.finished_at = utcnow()
    run.reports, run.deaths = len(reports), len(profiles)
    run.candidate_series, run.new_series = len(found.candidates), len(new_series)
    run.extent = extent
    db.session.flush()
    done("store")
    run.seconds = round(clock.perf_counter() - started, 2)
    audit.record(actor, "deaths_analysed", "death_analysis", run.id,
                 {"reports": run.reports, "deaths": run.deaths, "candidate_series": run.candidate_series,
                  "new_series": run.new_series})
    log.info("Death analysis %s: %s reports, %s deaths, %s candidate series (%s new) in %.1f s (%s)", run.id,
             run.reports, run.deaths, run.candidate_series, run.new_series, run.seconds, phases)
    return Outcome(reports=run.reports, deaths=run.deaths, candidate_series=run.candidate_series,
                   new_series=run.new_series, seconds=run.seconds, phases=phases)


def analyse_nightly(now: datetime) -> Outcome | None:
    """The scheduler's job: one analysis a night, from NIGHTLY_FROM London time, decided from the
    stored runs (so a second pass the same night, or a missed night, does no harm)."""
    today = london_date(now)
    if now.astimezone(LONDON).time() < NIGHTLY_FROM:
        return None
    since = datetime.combine(today, NIGHTLY_FROM, tzinfo=LONDON)
    done = db.session.scalar(sa.select(sa.func.count()).select_from(DeathAnalysis)
                             .where(DeathAnalysis.started_at >= since, DeathAnalysis.finished_at.is_not(None)))
    if done:
        return None
    return analyse(None)


def ask(actor: User) -> DeathAnalysis:
    """An analysis to run after this request (the Deaths page's button), stored unfinished; one
    asked for that has not started yet is not asked for twice. Once the request commits, this
    process's analysis thread runs it (init_app)."""
    waiting = db.session.scalar(sa.select(DeathAnalysis).where(
        DeathAnalysis.finished_at.is_(None), DeathAnalysis.claimed_until.is_(None)).order_by(DeathAnalysis.id).limit(1))
    if waiting is None:
        waiting = DeathAnalysis(started_at=utcnow(), started_by_id=actor.id)
        db.session.add(waiting)
        db.session.flush()
    g.death_analysis_asked = True
    return waiting


def asked() -> DeathAnalysis | None:
    """The oldest analysis asked for and not finished: running, or about to start."""
    return db.session.scalar(sa.select(DeathAnalysis).where(DeathAnalysis.finished_at.is_(None))
                             .order_by(DeathAnalysis.id).limit(1))


def run_asked(now: datetime | None = None) -> Outcome | None:
    """Runs the oldest analysis asked for that no process is running (or whose process stopped: its
    ASKED_LEASE ran out), committed; None when there is none. It is taken first, committed, so that
    the analysis thread of another web worker and the scheduler's job leave it alone."""
    now = now or utcnow()
    free = (sa.select(DeathAnalysis.id)
            .where(DeathAnalysis.finished_at.is_(None),
                   sa.or_(DeathAnalysis.claimed_until.is_(None), DeathAnalysis.claimed_until <= now))
            .order_by(DeathAnalysis.id).limit(1).with_for_update(skip_locked=True))
    run_id = db.session.scalar(
        sa.update(DeathAnalysis).where(DeathAnalysis.id.in_(free))
        .values(claimed_until=now + ASKED_LEASE, started_at=now)  # it reads the reports from now
        .returning(DeathAnalysis.id).execution_options(synchronize_session=False))
    db.session.commit()
    if run_id is None:
        return None
    run = db.session.get(DeathAnalysis, run_id)
    outcome = analyse(db.session.get(User, run.started_by_id) if run.started_by_id else None, run=run)
    db.session.commit()
    return outcome


def init_app(app: Flask) -> None:
    """After a request that asked for an analysis (and committed), this process's analysis thread
    runs it, and any other asked for meanwhile."""
    def run_every_asked(_) -> None:
        while run_asked() is not None:
            pass

    thread = app.extensions["death_analysis"] = HandOverThread(app, "death-analysis", run_every_asked)

    @app.after_request
    def run_what_this_request_asked_for(response):
        if g.pop("death_analysis_asked", False):
            thread.hand_over([True])
        return response


def latest() -> DeathAnalysis | None:
    return db.session.scalar(sa.select(DeathAnalysis).where(DeathAnalysis.finished_at.is_not(None))
                             .order_by(DeathAnalysis.id.desc()).limit(1))


def _one_at_a_time() -> None:
    """Two analyses at once would number the same new deaths twice: the second waits (PostgreSQL;
    SQLite lets one writer in at a time anyway)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _key(row) -> str:
    return f"{row.source}:{row.source_reference}"


def _record(row) -> ReportRecord:
    return ReportRecord(
        key=_key(row), source=row.source, found_at=row.found_at, reported_at=row.reported_at,
        family_name=row.family_name, given_names=row.given_names, date_of_birth=row.date_of_birth, sex=row.sex,
        nhs_number=row.nhs_number, latitude=row.latitude, longitude=row.longitude,
        location_type=row.location_type, apparent_cause=row.apparent_cause,
        substances=frozenset(row.substances or ()), indicators=frozenset(row.indicators or ()),
        classification=row.initial_classification)


def _keep_references(groups: list[list[str]], death_of_report: dict[str, int | None]) -> dict[int, int]:
    """{group index: the existing death that holds most of its reports} (each death goes to one
    group, the largest overlaps first); the other groups are new deaths. Deaths left with no group
    are deleted."""
    overlaps = []
    for index, group in enumerate(groups):
        for death_id, count in Counter(death_of_report[key] for key in group if death_of_report[key]).items():
            overlaps.append((-count, death_id, index))
    overlaps.sort()
    kept: dict[int, int] = {}
    taken: set[int] = set()
    for _, death_id, index in overlaps:
        if index not in kept and death_id not in taken:
            kept[index] = death_id
            taken.add(death_id)
    gone = sorted(set(db.session.scalars(sa.select(Death.id))) - taken)
    for start in range(0, len(gone), _CHUNK):
        chunk = gone[start:start + _CHUNK]
        db.session.execute(sa.update(DeathReport).where(DeathReport.death_id.in_(chunk)).values(death_id=None))
        db.session.execute(sa.delete(Death).where(Death.id.in_(chunk)))
    return kept


def _first_found(group: list[str], records: dict[str, ReportRecord]) -> datetime | None:
    return min((at for key in group if (at := records[key].found_at) is not None), default=None)


_VALUES = ("found_at", "age", "sex", "location_type", "apparent_cause", "substances", "indicators",
           "classification", "latitude", "longitude", "area", "sources")


def _values(picture: DeathProfile, extent: dict) -> dict:
    return {"found_at": picture.found_at, "age": picture.age, "sex": picture.sex,
            "location_type": picture.location_type, "apparent_cause": picture.apparent_cause,
            "substances": sorted(picture.substances), "indicators": sorted(picture.indicators),
            "classification": picture.classification, "latitude": picture.latitude,
            "longitude": picture.longitude, "area": area_of(picture.latitude, picture.longitude, extent),
            "sources": "+".join(sorted(picture.sources))}


def _store_deaths(pictures: list[DeathProfile], kept: dict[int, int], extent: dict,
                  first_found: list[datetime | None]) -> list[int]:
    """Writes each group's death: a new one inserted with its values and numbered within the year it
    was found; a kept one updated only where its values changed. Returns the death id of each group."""
    now = utcnow()
    values = [_values(picture, extent) for picture in pictures]
    kept_ids = sorted(kept.values())
    held = {row.id: row._asdict() for start in range(0, len(kept_ids), _CHUNK) for row in db.session.execute(
        sa.select(Death.id, *(getattr(Death, name) for name in _VALUES))
        .where(Death.id.in_(kept_ids[start:start + _CHUNK])))}
    changed = [{"id": kept[index], **values[index], "updated_at": now} for index in kept
               if any(held[kept[index]][name] != values[index][name] for name in _VALUES)]
    for start in range(0, len(changed), _CHUNK):
        db.session.execute(sa.update(Death), changed[start:start + _CHUNK])
    new = [index for index in range(len(pictures)) if index not in kept]
    years = {index: london_date(first_found[index] or now).year for index in new}
    highest = dict(db.session.execute(sa.select(Death.reference_year, sa.func.max(Death.reference_number))
                                      .group_by(Death.reference_year)).all())
    numbers = {year: iter(references.take_numbers("death", year, count, at_least_after=highest.get(year, 0)))
               for year, count in Counter(years.values()).items()}
    rows = [{**values[index], "reference_year": years[index], "reference_number": next(numbers[years[index]]),
             "similar": [], "created_at": now, "updated_at": now} for index in new]
    ids = dict(kept)
    for start in range(0, len(rows), _CHUNK):
        inserted = db.session.scalars(sa.insert(Death).returning(Death.id, sort_by_parameter_order=True),
                                      rows[start:start + _CHUNK])
        ids.update(zip(new[start:start + _CHUNK], inserted))
    return [ids[index] for index in range(len(pictures))]


def _link_reports(groups: list[list[str]], ids: list[int], id_of: dict[str, int],
                  death_of_report: dict[str, int | None]) -> None:
    """Each report to its group's death, writing only the reports whose death changed."""
    links = [{"id": id_of[key], "death_id": death_id} for death_id, group in zip(ids, groups) for key in group
             if death_of_report[key] != death_id]
    for start in range(0, len(links), _CHUNK):
        db.session.execute(sa.update(DeathReport), links[start:start + _CHUNK])


def _extent(profiles) -> dict:
    """The map's extent: the deaths' positions, leaving out the outermost 0.5% each way (one
    mistyped place should not shrink everyone else into a corner), with a margin."""
    latitudes = sorted(p.latitude for p in profiles if p.latitude is not None)
    longitudes = sorted(p.longitude for p in profiles if p.longitude is not None)
    if not latitudes:
        return {}
    cut = len(latitudes) // 200
    south, north = latitudes[cut], latitudes[-1 - cut]
    west, east = longitudes[cut], longitudes[-1 - cut]
    margin_lat, margin_lon = max((north - south) * 0.03, 0.005), max((east - west) * 0.03, 0.008)
    return {"south": round(south - margin_lat, 4), "north": round(north + margin_lat, 4),
            "west": round(west - margin_lon, 4), "east": round(east + margin_lon, 4),
            "columns": AREA_COLUMNS, "rows": AREA_ROWS}


def area_of(latitude: float | None, longitude: float | None, extent: dict) -> str | None:
    """The grid square of the map a place is in, like "C4"; None outside the map or unknown."""
    if latitude is None or longitude is None or not extent:
        return None
    x = (longitude - extent["west"]) / (extent["east"] - extent["west"])
    y = (extent["north"] - latitude) / (extent["north"] - extent["south"])
    if not (0 <= x <= 1 and 0 <= y <= 1):
        return None
    column = min(int(x * extent["columns"]), extent["columns"] - 1)
    row = min(int(y * extent["rows"]), extent["rows"] - 1)
    return f"{chr(ord('A') + column)}{row + 1}"


def area_names(extent: dict) -> list[str]:
    if not extent:
        return []
    return [f"{chr(ord('A') + column)}{row + 1}" for row in range(extent["rows"])
            for column in range(extent["columns"])]


def _store_possible_matches(matches: list, id_of: dict[str, int]) -> None:
    db.session.execute(sa.delete(PossibleMatch))
    rows = []
    for match in matches:
        a, b = sorted((id_of[match.a], id_of[match.b]))
        rows.append({"report_a_id": a, "report_b_id": b, "probability": round(match.probability, 4),
                     "reasons": list(match.reasons)})
    if rows:
        db.session.execute(sa.insert(PossibleMatch), rows)


def _store_similar(similar: dict[int, list]) -> None:
    rows = [{"id": death_id, "similar": [{"id": s.other_id, "score": round(s.score, 4), "reasons": _kept(s.reasons)}
                                         for s in found]}
            for death_id, found in similar.items()]
    for start in range(0, len(rows), _CHUNK):
        db.session.execute(sa.update(Death), rows[start:start + _CHUNK])


def _kept(reasons) -> list[list]:
    """The most telling REASONS_KEPT things two deaths share, then how far apart in space and time:
    enough to say why, short enough to read (and to store 50 times for each death)."""
    shared = [r for r in reasons if r.kind not in ("distance", "days")][:REASONS_KEPT]
    return [_reason(r) for r in shared] + [_reason(r) for r in reasons if r.kind in ("distance", "days")]


def _reason(reason) -> list:
    """A reason as stored: [kind, field, code, value] (words in debrief/deaths/words.py)."""
    return [reason.kind, reason.field, reason.code, reason.value]
