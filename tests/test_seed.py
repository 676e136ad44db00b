"""`seed --debriefs N [--seed S]`: synthetic debriefs at scale, made with the app's own clock rules."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from debrief.extensions import db
from debrief.models import AuditEvent, Clock, Debrief, User, utcnow
from debrief.services import clocks
from debrief.services.clock_calendar import end_of_day, london_date
from debrief.services.seed import SEED_PASSWORD, reviewer_email
from tests.conftest import make_app, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
CRIME_REFERENCE = re.compile(r"[0-9]{1,4}/[0-9]{1,8}/[0-9]{2}")


def seed(runner, debriefs: int, seed: int = 1):
    result = runner.invoke(args=["seed", "--debriefs", str(debriefs), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    return result


def content(session) -> tuple[list, list]:
    """What a seed made, in a form two databases can be compared by."""
    debriefs = session.scalars(
        sa.select(Debrief).order_by(Debrief.reference_year, Debrief.reference_number)).all()
    reference = {d.id: d.reference for d in debriefs}
    rows = [(d.reference, d.crime_reference, d.incident_type_code, d.reported_at, d.occurred_at, d.victim_age,
             d.domestic, d.weapon, d.reviewer.email, d.meeting_held_at, tuple(d.themes),
             tuple((a.name, a.agency) for a in d.attendees)) for d in debriefs]
    deadlines = sorted((reference[c.debrief_id], c.kind, c.started_at, c.due_date, c.met_at, c.paused_at)
                       for c in session.scalars(sa.select(Clock)))
    return rows, deadlines


@contextmanager
def empty_database(tmp_path: Path):
    """Another empty database with the schema, and a CLI runner on it."""
    with throwaway_database(tmp_path) as url:
        other = make_app(url)
        with other.app_context():
            upgrade()
        try:
            yield other
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()


def test_seed_adds_debriefs_with_clocks_themes_meetings_and_reviewers(runner, read_db):
    result = seed(runner, 300)
    assert "Seeded 300 debriefs" in result.output
    assert re.search(r"\d+(\.\d)? seconds", result.output)

    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    assert len(debriefs) == 300
    kinds = read_db(lambda s: s.execute(sa.select(Clock.debrief_id, Clock.kind)).all())
    per_debrief = defaultdict(set)
    for debrief_id, kind in kinds:
        per_debrief[debrief_id].add(kind)
    assert all({"debrief_meeting", "debrief_report"} <= per_debrief[d.id] for d in debriefs)
    assert f"{len(kinds):,} clocks" in result.output

    assert all(d.themes for d in debriefs)
    assert all(bool(d.attendees) == (d.meeting_held_at is not None) for d in debriefs)
    assert any(d.meeting_held_at for d in debriefs) and any(not d.meeting_held_at for d in debriefs)

    reviewers = read_db(lambda s: s.scalars(sa.select(User)).all())
    assert 5 <= len(reviewers) <= 20
    assert {u.email for u in reviewers} == {reviewer_email(n) for n in range(1, len(reviewers) + 1)}
    assert all(u.role_set == {"reviewer"} for u in reviewers)
    assert f"{len(reviewers)} reviewers" in result.output

    created = read_db(lambda s: s.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "debrief", AuditEvent.action == "created")).all())
    assert sorted(e.debrief_id for e in created) == sorted(d.id for d in debriefs)
    by_id = {d.id: d for d in debriefs}
    assert all(e.changes["reference"] == by_id[e.debrief_id].reference for e in created)


def test_the_same_seed_gives_the_same_data_and_another_seed_different_data(tmp_path, runner, read_db):
    made = []
    for _ in range(2):
        with empty_database(tmp_path) as other:
            seed(other.test_cli_runner(), 200, seed=42)
            with other.app_context():
                made.append(content(db.session))
    assert made[0] == made[1]
    assert len(made[0][0]) == 200

    seed(runner, 200, seed=43)
    assert read_db(content) != made[0]


def test_seeding_twice_adds_and_never_collides(runner, read_db):
    seed(runner, 200, seed=5)
    seed(runner, 200, seed=5)
    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    assert len(debriefs) == 400
    assert len({d.reference for d in debriefs}) == 400
    assert len({d.crime_reference for d in debriefs}) == 400
    assert all(CRIME_REFERENCE.fullmatch(d.crime_reference) for d in debriefs)
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(User))) == 5


def test_seed_is_refused_in_production(database_url, read_db):
    production = make_app(database_url, APP_ENV="production")
    result = production.test_cli_runner().invoke(args=["seed", "--debriefs", "10"])
    assert result.exit_code != 0
    assert "refused when APP_ENV=production" in result.output
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(Debrief))) == 0
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(User))) == 0


def test_proportions_and_dates_are_realistic(runner, read_db):
    seed(runner, 3000, seed=11)
    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    homicides = [d for d in debriefs if d.is_homicide]
    assert 0.06 <= len(homicides) / len(debriefs) <= 0.12  # about one homicide to ten near-misses
    children = [d for d in debriefs if d.victim_age is not None and d.victim_age < 18]
    assert 0.07 <= len(children) / len(debriefs) <= 0.14
    assert 0.15 <= sum(d.domestic for d in homicides) / len(homicides) <= 0.35
    assert Counter(d.weapon for d in homicides).most_common(1)[0][0] == "knife"
    assert 0.03 <= sum(d.prior_police_contact for d in debriefs) / len(debriefs) <= 0.25
    assert {t for d in debriefs for t in d.themes} == {"serious_violence", "drugs", "vulnerability",
                                                       "domestic_abuse"}

    now = utcnow()
    assert all(d.occurred_at <= d.reported_at <= d.created_at <= now for d in debriefs)
    assert min(d.reported_at for d in debriefs) < now - timedelta(days=9 * 365)
    assert max(d.reported_at for d in debriefs) > now - timedelta(days=7)
    year_old = [d for d in debriefs if d.reported_at < now - timedelta(days=365)]
    assert sum(d.meeting_held_at is not None for d in year_old) / len(year_old) > 0.9

    deadlines = read_db(lambda s: s.scalars(sa.select(Clock)).all())
    assert all(c.met_at is None or c.started_at <= c.met_at <= now for c in deadlines)
    with runner.app.app_context():
        assert clocks.overdue(1, 10, now).total > 0
        assert clocks.due_soon(1, 10, now).total > 0


def test_clocks_are_the_ones_the_policy_gives_with_its_due_dates(app, runner, read_db):
    seed(runner, 2000, seed=3)
    with app.app_context():
        rules, calendar = clocks.policy().debrief_rules, clocks.calendar()
        for debrief in db.session.scalars(sa.select(Debrief)):
            deadlines = {c.kind: c for c in clocks.clocks_of(debrief)}
            assert set(deadlines) == {r.kind for r in rules if r.applies_to(debrief)}, debrief.reference
            if debrief.is_homicide:
                assert "homicide_index_return" in deadlines
            if debrief.victim_age is not None and debrief.victim_age < 18:
                assert "child_safeguarding_notification" in deadlines
            for clock in deadlines.values():
                if clock.waits_for:
                    assert clock.started_at == deadlines[clock.waits_for].met_at
                if clock.started_at is None:
                    assert clock.due_date is None and clock.met_at is None
                    continue
                start = london_date(clock.started_at)
                assert clock.base_due_date == clocks.due_date_for(clock.unit, clock.length, start, calendar)
                assert clock.due_at == end_of_day(clock.due_date)
                assert (clock.due_date == clock.base_due_date) == (clock.extension_reason is None)
            assert debrief.meeting_held_at == deadlines["debrief_meeting"].met_at


def test_a_seeded_reviewer_uses_the_service_on_seeded_data(runner, read_db, browser_of, api_token):
    seed(runner, 300)
    browser = browser_of(reviewer_email(1), SEED_PASSWORD)
    home = browser.get("/")
    assert home.status_code == 200
    assert "My open debriefs" in home.get_data(as_text=True)
    listing = browser.get("/debriefs")
    assert listing.status_code == 200
    newest = read_db(lambda s: s.scalar(sa.select(Debrief).order_by(Debrief.reported_at.desc()).limit(1)))
    assert newest.reference in listing.get_data(as_text=True)
    assert browser.get("/debriefs?page=3&status=open").status_code == 200
    assert browser.get(f"/debriefs/{newest.id}").status_code == 200

    api = browser.get("/api/v1/debriefs?per_page=100", headers=api_token(reviewer_email(1)))
    assert api.status_code == 200
    assert api.get_json()["total"] == 300


def test_the_page_benchmark_runs_end_to_end_at_a_small_size(tmp_path):
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), "--debriefs", "60", "--requests", "3",
         "--database-url", server],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("GET /", "GET /debriefs", "GET /api/v1/debriefs?per_page=100"):
        assert page in result.stdout
    assert "p95" in result.stdout
