"""Times the main pages and API lists on a database seeded with N synthetic debriefs.

    .venv/bin/python bench/pages.py --debriefs 100000 \\
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--requests 50] [--seed S] [--keep]

Creates a throwaway database (a new PostgreSQL database on the server the URL names, or a new SQLite
file when given sqlite:///a/new/file.sqlite3), runs the migrations, seeds it through the same service
as `flask --app wsgi seed`, then requests each page in-process through the Flask test client, signed
in as the seeded reviewer with the most open debriefs. For each page it prints p50, p95 and the
slowest of --requests requests after a few warm-up ones, and how many SQL statements one request
runs. The database is dropped at the end unless --keep is given.
"""
from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from debrief import create_app  # noqa: E402
from debrief.extensions import db  # noqa: E402
from debrief.models import Debrief, IncidentType, User  # noqa: E402
from debrief.services import accounts, seed  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
WARM_UP = 3
PER_PAGE = 25  # the debrief list's page size


def main() -> int:
    options = _arguments()
    with throwaway_database(options.database_url, keep=options.keep) as url:
        app = bench_app(url)
        with app.app_context():
            upgrade()
            print(f"Seeding {options.debriefs:,} debriefs (seed {options.seed}) ...", flush=True)
            result = seed.add_debriefs(options.debriefs, seed=options.seed)
            print(f"Seeded {result.debriefs:,} debriefs, {result.clocks:,} clocks, {result.themes:,} themes, "
                  f"{result.attendees:,} attendees, {len(result.reviewers)} reviewers "
                  f"in {result.seconds:.1f} s on {db.engine.dialect.name}.", flush=True)
            settled = settle()
            reviewer, debrief_id, token = _subjects()
        client = signed_in(app, reviewer)
        deep = max(1, options.debriefs // PER_PAGE // 2)
        pages = [
            ("GET /", "/", {}),
            ("GET /debriefs", "/debriefs", {}),
            (f"GET /debriefs?page={deep}", f"/debriefs?page={deep}", {}),
            ("GET /debriefs?status=open", "/debriefs?status=open", {}),
            ("GET /debriefs/<id>", f"/debriefs/{debrief_id}", {}),
            ("GET /api/v1/debriefs?per_page=100", "/api/v1/debriefs?per_page=100",
             {"Authorization": f"Bearer {token}"}),
        ]
        print(f"\n{options.debriefs:,} debriefs on {db_label(app)}, {options.requests} requests per page "
              f"after {WARM_UP} warm-up, signed in as {reviewer}; seed {result.seconds:.1f} s, "
              f"vacuum {settled:.1f} s\n")
        print(f"| {'page':<38} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} | {'SQL':>4} |")
        print(f"|{'-' * 40}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 5}:|")
        for label, path, headers in pages:
            times, statements = time_page(app, client, path, headers, options.requests)
            print(f"| {label:<38} | {percentile(times, 50):7.1f} | {percentile(times, 95):7.1f} | "
                  f"{max(times):7.1f} | {statements:>4} |", flush=True)
        with app.app_context():
            db.engine.dispose()
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debriefs", type=int, required=True, help="how many debriefs to seed")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server to create a throwaway database on, or sqlite:///a/new/file")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    if options.debriefs < 1 or options.requests < 1:
        parser.error("--debriefs and --requests must be 1 or more")
    return options


@contextmanager
def throwaway_database(server_url: str, *, keep: bool) -> Iterator[str]:
    """A new database: a SQLite file that must not exist yet, or a PostgreSQL database on the server."""
    if server_url.startswith("sqlite"):
        path = Path(make_url(server_url).database or "")
        if not path.name or path.exists():
            raise SystemExit(f"Give a new SQLite file, like sqlite:///path/to/new.sqlite3 ({path} exists).")
        try:
            yield f"sqlite:///{path.resolve()}"
        finally:
            if keep:
                print(f"\nKept the database: sqlite:///{path.resolve()}")
            else:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)
        return
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"rapid_debrief_bench_{secrets.token_hex(4)}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"\nKept the database: {url.set(database=name).render_as_string(hide_password=True)}")
        else:
            with server.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def bench_app(url: str) -> Flask:
    return create_app({
        "APP_ENV": "testing",  # the seed is refused in production; testing allows cheap seeded passwords
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_FAST": True,
        "SESSION_COOKIE_SECURE": False,  # the test client speaks plain HTTP
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
    })


def settle() -> float:
    """VACUUM ANALYZE, as autovacuum would within a minute of a bulk load: the timings are then the
    steady state, not autovacuum catching up in the background. Returns the seconds it took."""
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def db_label(app: Flask) -> str:
    with app.app_context():
        name = db.engine.dialect.name
        version = db.session.execute(sa.text(
            "select sqlite_version()" if name == "sqlite" else "show server_version")).scalar()
        db.session.remove()
    return f"{name} {version}"


def _subjects() -> tuple[str, int, str]:
    """The seeded reviewer with the most open debriefs, the newest homicide, and an API token."""
    reviewer_id = db.session.scalar(
        sa.select(Debrief.reviewer_id).where(Debrief.meeting_held_at.is_(None))
        .group_by(Debrief.reviewer_id).order_by(sa.func.count().desc(), Debrief.reviewer_id).limit(1)
    ) or db.session.scalar(sa.select(Debrief.reviewer_id).limit(1))
    reviewer = db.session.get(User, reviewer_id)
    debrief_id = db.session.scalar(
        sa.select(Debrief.id).join(IncidentType, IncidentType.code == Debrief.incident_type_code)
        .order_by(IncidentType.is_homicide.desc(), Debrief.reported_at.desc()).limit(1))
    token = accounts.issue_token(reviewer, actor=None)
    db.session.commit()
    return reviewer.email, debrief_id, token


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"csrf_token": token, "email": email,
                                              "password": seed.SEED_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"Could not sign in as {email}: {response.status_code}")
    return client


def time_page(app: Flask, client: FlaskClient, path: str, headers: dict[str, str],
              requests: int) -> tuple[list[float], int]:
    """Milliseconds for each timed request, and the SQL statements the last one ran."""
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    for _ in range(WARM_UP):
        _get(client, path, headers)
    times = []
    with app.app_context():
        engine = db.engine
    for n in range(requests):
        last = n == requests - 1
        if last:
            sa.event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        _get(client, path, headers)
        times.append((time.perf_counter() - started) * 1000)
        if last:
            sa.event.remove(engine, "before_cursor_execute", count)
    return times, statements


def _get(client: FlaskClient, path: str, headers: dict[str, str]) -> None:
    response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


if __name__ == "__main__":
    sys.exit(main())
