"""Times the main pages and API lists on a database seeded with N synthetic debriefs (and their ~5N
recommendations).

    .venv/bin/python bench/pages.py --debriefs 100000 \\
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--requests 50] [--seed S] [--keep]
        [--language cy]

Creates a throwaway database (a new PostgreSQL database on the server the URL names, or a new SQLite
file when given sqlite:///a/new/file.sqlite3), runs the migrations, seeds it through the same service
as `flask --app wsgi seed`, then requests each page in-process through the Flask test client, signed
in as the seeded reviewer with the most open debriefs, the seeded owner with the most open
recommendations, a board member and a member of the learning team. The workspaces are timed through
their pages when the app has them (`/my-actions`, `/board`, `/learning-queue`), else through the API
lists that show the same recommendations; their services are timed on their own too. For each row it
prints p50, p95 and the slowest of --requests requests after a few warm-up ones, and how many SQL
statements one request runs. The database is dropped at the end unless --keep is given.
"""
from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
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
from debrief.models import Debrief, IncidentType, Recommendation, Role, User  # noqa: E402
from debrief.services import accounts, recommendations  # noqa: E402
from debrief.sample_data import seed  # noqa: E402
from debrief.services import recommendation_lifecycle as lifecycle  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
WARM_UP = 3
PER_PAGE = 25  # the debrief list's page size
LABEL = 60  # the width of the first column


def main() -> int:
    options = _arguments()
    LANGUAGE["Accept-Language"] = options.language
    with (reused(options.reuse) if options.reuse else throwaway_database(options.database_url, keep=options.keep)) as url:
        app = bench_app(url)
        with app.app_context():
            if options.reuse:
                result, settled = seeded_already(), 0.0
                options.debriefs = result.debriefs
                print(f"Timing {options.reuse}: {result.debriefs:,} debriefs, {result.recommendations:,} "
                      "recommendations seeded earlier.", flush=True)
            else:
                upgrade()
                print(f"Seeding {options.debriefs:,} debriefs (seed {options.seed}) ...", flush=True)
                result = seed.add_debriefs(options.debriefs, seed=options.seed)
                print(seeded(result, db.engine.dialect.name), flush=True)
                settled = settle()
            subjects = _subjects(result)
        client = signed_in(app, subjects.reviewer)
        routes = {rule.rule for rule in app.url_map.iter_rules()}
        deep = max(1, options.debriefs // PER_PAGE // 2)
        reviewer_api = {"Authorization": f"Bearer {subjects.reviewer_token}"}
        board_api = {"Authorization": f"Bearer {subjects.board_token}"}
        rows: list[tuple[str, Callable[[], tuple[list[float], int]]]] = [
            (label, _page(app, client, path, headers, options.requests)) for label, path, headers in (
                ("GET /", "/", {}),
                ("GET /debriefs", "/debriefs", {}),
                (f"GET /debriefs?page={deep}", f"/debriefs?page={deep}", {}),
                ("GET /debriefs?status=open", "/debriefs?status=open", {}),
                ("GET /debriefs/<id>", f"/debriefs/{subjects.debrief_id}", {}),
                ("GET /api/v1/debriefs?per_page=100", "/api/v1/debriefs?per_page=100", reviewer_api),
            )]
        # My actions, as the owner with the most open recommendations: the page, or the API list of
        # their recommendations (owners may not list recommendations: the board asks for them).
        if "/my-actions" in routes:
            rows.append(("GET /my-actions (My actions, as the owner)",
                         _page(app, signed_in(app, subjects.owner), "/my-actions", {}, options.requests)))
        else:
            rows.append(("GET /api/v1/recommendations?owner=…&per_page=25 (My actions)",
                         _page(app, client, f"/api/v1/recommendations?owner={subjects.owner}&per_page=25", board_api,
                               options.requests)))
        rows.append(("recommendations.my_actions(owner)",
                     _call(app, lambda: recommendations.my_actions(db.session.get(User, subjects.owner_id)),
                           options.requests)))
        # The board's queue, as a board member.
        board_client = signed_in(app, subjects.board)
        if "/board" in routes:
            rows.append(("GET /board (board queue)", _page(app, board_client, "/board", {}, options.requests)))
        else:
            rows.append(("GET /api/v1/recommendations?status=awaiting_closure (board queue)",
                         _page(app, board_client, "/api/v1/recommendations?status=awaiting_closure", board_api,
                               options.requests)))
        rows.append(("recommendations.awaiting_closure()",
                     _call(app, recommendations.awaiting_closure, options.requests)))
        # The learning team's queue.
        if "/learning-queue" in routes:
            rows.append(("GET /learning-queue (learning queue)",
                         _page(app, signed_in(app, subjects.learning), "/learning-queue", {}, options.requests)))
        rows.append(("recommendations.needing_a_product()",
                     _call(app, recommendations.needing_a_product, options.requests)))
        rows += [
            ("GET /api/v1/recommendations?per_page=100",
             _page(app, board_client, "/api/v1/recommendations?per_page=100", board_api, options.requests)),
            ("GET /api/v1/recommendations?overdue=true&per_page=100",
             _page(app, board_client, "/api/v1/recommendations?overdue=true&per_page=100", board_api,
                   options.requests)),
            ("GET /api/v1/board/summary",
             _page(app, board_client, "/api/v1/board/summary", board_api, options.requests)),
        ]
        # The board's figures as charts, with each of its filters and all of them at once, and the
        # partner engagement report.
        if "/board/dashboard" in routes:
            rows += [(f"GET /board/dashboard{label}", _page(app, board_client, f"/board/dashboard{query}", {},
                                                            options.requests))
                     for label, query in _dashboard_filters(subjects.incident_type)]
        if "/reports/partner-engagement" in routes:
            rows.append(("GET /reports/partner-engagement",
                         _page(app, board_client, "/reports/partner-engagement", {}, options.requests)))
        # The home page of someone holding several roles: a section for each.
        rows.append(("GET / (a user with several roles)",
                     _page(app, signed_in(app, subjects.several), "/", {}, options.requests)))
        print(f"\n{options.debriefs:,} debriefs and {result.recommendations:,} recommendations on {db_label(app)}, "
              f"{options.requests} requests per row after {WARM_UP} warm-up; signed in as {subjects.reviewer} "
              f"(reviewer), {subjects.owner} ({subjects.owner_open:,} open recommendations), {subjects.board} and "
              f"{subjects.learning}; seed {result.seconds:.1f} s, vacuum {settled:.1f} s; pages in "
              f"{'Welsh' if options.language == 'cy' else 'English'}\n")
        print(f"| {'page':<{LABEL}} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} | {'SQL':>4} |")
        print(f"|{'-' * (LABEL + 2)}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 5}:|")
        failed = []
        for label, run in rows:
            try:
                times, statements = run()
            except PageFailed as failure:  # say so, and time the other pages all the same
                failed.append(label)
                print(f"| {label:<{LABEL}} | {'failed: ' + str(failure):>35} |", flush=True)
                continue
            print(f"| {label:<{LABEL}} | {percentile(times, 50):7.1f} | {percentile(times, 95):7.1f} | "
                  f"{max(times):7.1f} | {statements:>4} |", flush=True)
        with app.app_context():
            db.engine.dispose()
    if failed:
        print(f"\n{len(failed)} failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _dashboard_filters(incident_type: str) -> list[tuple[str, str]]:
    """(label, query string): the dashboard unfiltered, by each filter, and by all of them."""
    today = recommendations.today()
    start = today - timedelta(days=91)
    period = f"start={start.day}&start={start.month}&start={start.year}&end={today.day}&end={today.month}&end={today.year}"
    return [("", ""), ("?theme=domestic_abuse", "?theme=domestic_abuse"),
            (f"?incident_type={incident_type}", f"?incident_type={incident_type}"),
            ("?start=…&end=… (the last 91 days)", f"?{period}"),
            ("?start=…&end=…&theme=…&incident_type=…", f"?{period}&theme=domestic_abuse&incident_type={incident_type}")]


class PageFailed(Exception):
    """A page answered something other than 200."""


def seeded(result: seed.SeedResult, dialect: str) -> str:
    statuses = ", ".join(f"{n:,} {status.replace('_', ' ')}" for status, n in result.statuses.items())
    return (f"Seeded {result.debriefs:,} debriefs, {result.clocks:,} clocks, {result.themes:,} themes, "
            f"{result.attendees:,} attendees, {len(result.reviewers)} reviewers; {result.lessons:,} lessons, "
            f"{result.recommendations:,} recommendations ({statuses}), {result.recommendation_clocks:,} "
            f"recommendation clocks, {result.lesson_links:,} links to lessons, {result.updates:,} owners' updates, "
            f"{result.products:,} learning products, {result.decisions:,} board decisions, {len(result.owners)} owners "
            f"in {result.seconds:.1f} s on {dialect}.")


def _page(app: Flask, client: FlaskClient, path: str, headers: dict[str, str], requests: int):
    return lambda: time_page(app, client, path, headers, requests)


def _call(app: Flask, call: Callable[[], object], requests: int):
    return lambda: time_call(app, call, requests)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debriefs", type=int, help="how many debriefs to seed")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server to create a throwaway database on, or sqlite:///a/new/file")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--language", choices=("en", "cy"), default="en",
                        help="ask for every page in English or Welsh (compare the two runs' p95)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="URL",
                        help="time a database seeded earlier (kept with --keep) instead of seeding a new one")
    options = parser.parse_args()
    if options.reuse and options.keep:
        parser.error("--reuse keeps the database it is given; --keep is for a new one")
    if not options.reuse and options.debriefs is None:
        parser.error("--debriefs is needed unless --reuse is given")
    if (options.debriefs is not None and options.debriefs < 1) or options.requests < 1:
        parser.error("--debriefs and --requests must be 1 or more")
    return options


@contextmanager
def reused(url: str) -> Iterator[str]:
    yield url.replace("postgresql://", "postgresql+psycopg://", 1)


def seeded_already() -> seed.SeedResult:
    """What an earlier seed made, counted again, for timing a kept database."""
    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    def emails(kind: str) -> tuple[str, ...]:
        return tuple(db.session.scalars(sa.select(User.email).where(
            User.email.like(f"{kind}-%@{seed.SEED_EMAIL_DOMAIN}")).order_by(User.email)))

    return seed.SeedResult(debriefs=count(Debrief), clocks=0, themes=0, attendees=0, users_created=0,
                           reviewers=emails("reviewer"), seconds=0.0, recommendations=count(Recommendation),
                           owners=emails("owner"), learning_team=emails("learning"), board=emails("board"))


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


@dataclass(frozen=True)
class Subjects:
    reviewer: str  # the seeded reviewer with the most open debriefs
    reviewer_token: str
    debrief_id: int  # the newest homicide
    owner: str  # the seeded owner with the most open recommendations
    owner_id: int
    owner_open: int
    board: str
    board_token: str
    learning: str
    several: str  # a reviewer who is also an owner, in the learning team and on the board (see below)
    incident_type: str  # the commonest


def _subjects(result: seed.SeedResult) -> Subjects:
    reviewer_id = db.session.scalar(
        sa.select(Debrief.reviewer_id).where(Debrief.meeting_held_at.is_(None))
        .group_by(Debrief.reviewer_id).order_by(sa.func.count().desc(), Debrief.reviewer_id).limit(1)
    ) or db.session.scalar(sa.select(Debrief.reviewer_id).limit(1))
    reviewer = db.session.get(User, reviewer_id)
    debrief_id = db.session.scalar(
        sa.select(Debrief.id).join(IncidentType, IncidentType.code == Debrief.incident_type_code)
        .order_by(IncidentType.is_homicide.desc(), Debrief.reported_at.desc()).limit(1))
    owner_id, owner_open = db.session.execute(
        sa.select(User.id, sa.func.count(Recommendation.id)).outerjoin(
            Recommendation, sa.and_(Recommendation.owner_id == User.id,
                                    Recommendation.status != lifecycle.Status.CLOSED.value))
        .where(User.email.in_(result.owners)).group_by(User.id)
        .order_by(sa.func.count(Recommendation.id).desc(), User.id).limit(1)).one()
    board = accounts.find_by_email(result.board[0])
    incident_type = db.session.scalar(sa.select(Debrief.incident_type_code).group_by(Debrief.incident_type_code)
                                      .order_by(sa.func.count().desc(), Debrief.incident_type_code).limit(1))
    several = accounts.find_by_email(seed.seeded_email("several", 1)) or _with_several_roles(result.board[-1])
    subjects = Subjects(reviewer=reviewer.email, reviewer_token=accounts.issue_token(reviewer, actor=None),
                        debrief_id=debrief_id, owner=db.session.get(User, owner_id).email, owner_id=owner_id,
                        owner_open=owner_open, board=board.email, board_token=accounts.issue_token(board, actor=None),
                        learning=result.learning_team[0], incident_type=incident_type, several=several.email)
    db.session.commit()
    return subjects


def _with_several_roles(email: str) -> User:
    """A database seeded before the seed had its several-roles user (seed.SEVERAL_ROLES): the last seeded
    board member is given the other three roles here, through the accounts service (the others in
    `Subjects` keep theirs, so their pages are as before). A reused database already has them."""
    user = accounts.find_by_email(email)
    roles = {*user.role_set, Role.REVIEWER, Role.OWNER, Role.LEARNING}
    if roles != user.role_set:
        accounts.update_user(user, email=user.email, name=user.name, roles=roles, is_board_chair=user.is_board_chair,
                             actor=None)
    return user


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


def time_call(app: Flask, call: Callable[[], object], requests: int) -> tuple[list[float], int]:
    """A service on its own, in a fresh app context each time as a request would have: milliseconds
    for each timed call (its result's rows loaded), and the SQL statements the last one ran."""
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    def once() -> None:
        with app.app_context():
            result = call()
            list(getattr(result, "items", ()))
            db.session.remove()

    for _ in range(WARM_UP):
        once()
    with app.app_context():
        engine = db.engine
    times = []
    for n in range(requests):
        last = n == requests - 1
        if last:
            sa.event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        once()
        times.append((time.perf_counter() - started) * 1000)
        if last:
            sa.event.remove(engine, "before_cursor_execute", count)
    return times, statements


#: The language every page is asked for (--language): English, or Welsh to compare the two.
LANGUAGE = {"Accept-Language": "en"}


def _get(client: FlaskClient, path: str, headers: dict[str, str]) -> None:
    response = client.get(path, headers={**LANGUAGE, **headers})
    if response.status_code != 200:
        raise PageFailed(f"answered {response.status_code}")


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


if __name__ == "__main__":
    sys.exit(main())
