"""The main pages and API lists under concurrent load, served by gunicorn as in deployment, at two
sizes (issues 9 and 24), beside a peer list page and a bare Flask JSON endpoint served the same way.

    .venv/bin/python bench/load.py                        # 1,000 and 100,000 debriefs on PostgreSQL 127.0.0.1:5432
    .venv/bin/python bench/load.py --sizes 30 60 --seconds 1      # a small run (the test suite's is smaller still)
    .venv/bin/python bench/load.py --keep                 # keep both databases, then measure them again:
    .venv/bin/python bench/load.py --reuse 1000=postgresql://... --reuse 100000=postgresql://...

For each size it creates a throwaway database (as bench/pages.py does), seeds it through the seed
service (`flask --app wsgi seed`), runs VACUUM ANALYZE, then starts three gunicorn servers with the
README's deployment settings (`gunicorn -c gunicorn.conf.py`, APP_ENV=production): the app
(`wsgi:app`); the peer page (`bench/peer.py`: a list of the same `recommendations` table written the
way the Flask Mega-Tutorial writes one, `db.paginate`, 25 rows); and a bare Flask app with one JSON
endpoint (`bench/bare.py`), the stack's limit. It signs in over HTTP through the sign-in page as a
seeded reviewer, owner, learning-team member, board member and a user holding several roles (a
board member given three more: bench/pages.py's `_subjects`), and issues API tokens. Then wrk, a
separate process, drives each page in turn:

- a warm-up at full concurrency, so that every worker has had a request for the page;
- **light load**: one connection, each request sent when the last one is answered: p50 and p95;
- **heavy load**: `--connections` connections (default 8): p95 and requests per second, and the
  page's requests per second against the peer page's.

It prints a table per size, then the targets at the largest size: every page's p95 ≤ 100 ms at
light load and ≤ 300 ms at heavy load; its requests per second ≥ the peer page's in the same run;
its p50 no more than 1.5 × its p50 at the smallest size. It exits 1 if a page answered anything but
2xx (or could not be measured), and 0 otherwise: missed targets are reported, not failures of the script.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from pages import (  # noqa: E402
    DEFAULT_SERVER, PER_PAGE, Subjects, _subjects, bench_app, db_label, seeded, seeded_already, settle,
    throwaway_database,
)

from debrief.extensions import db  # noqa: E402
from debrief.models import Recommendation  # noqa: E402
from debrief.sample_data import seed  # noqa: E402

WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"
P95_TARGET_MS = 100.0  # light load
HEAVY_P95_TARGET_MS = 300.0  # heavy load
PEER_SHARE = 1.0  # a page serves at least as many requests a second as the peer page
GROWTH_LIMIT = 1.5  # p50 at the largest size against the smallest
WARM_UP_LIMIT = 60  # seconds
LABEL = 44
BARE = "bare Flask JSON endpoint (bench/bare.py)"
PEER = "peer: Mega-Tutorial list (bench/peer.py)"


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    who: str  # whose cookie or token: reviewer, owner, board, learning, several ("" for bare and peer)
    api: bool = False
    server: str = "app"  # which gunicorn serves it: app, bare or peer


@dataclass(frozen=True)
class Figures:
    p50: float  # ms, light load
    p95: float  # ms, light load
    rps: float  # requests per second, heavy load
    heavy_p95: float  # ms, heavy load


def main() -> int:
    options = _arguments()
    results: dict[int, dict[str, Figures]] = {}
    failed: list[str] = []
    for size in options.sizes:
        with ExitStack() as stack:
            url = (options.reuse[size] if size in options.reuse
                   else stack.enter_context(throwaway_database(options.database_url, keep=options.keep)))
            subjects, recommendation_id, label = _prepare(url, size, options)
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapid-debrief-load-")))
            servers = {name: stack.enter_context(gunicorn(app, url, workdir / f"{name}.log"))
                       for name, app in (("app", "wsgi:app"), ("bare", "bench.bare:app"), ("peer", "bench.peer:app"))}
            credentials = _credentials(servers["app"], subjects)
            pages = _pages(size, subjects, recommendation_id)
            print(f"\n{size:,} debriefs on {label}; gunicorn: {options.workers} sync workers each "
                  f"(gunicorn.conf.py); wrk: warm-up {options.warm_up:g} s, light load 1 connection for "
                  f"{options.seconds:g} s, heavy load {options.connections} connections for {options.seconds:g} s; "
                  "requests a second at heavy load against the peer page's\n", flush=True)
            print(f"| {'page':<{LABEL}} | {'p50 ms':>7} | {'p95 ms':>7} | {'heavy p95':>9} | {'req/s':>7} "
                  f"| {'× peer':>7} |")
            print(f"|{'-' * (LABEL + 2)}|{'-' * 8}:|{'-' * 8}:|{'-' * 10}:|{'-' * 8}:|{'-' * 8}:|")
            figures: dict[str, Figures] = {}
            for page in pages:
                try:
                    headers = credentials.get(f"{page.who}-api" if page.api else page.who, {})
                    figures[page.label] = measured = _measure(servers[page.server], page, headers, options)
                except LoadFailed as failure:
                    failed.append(f"{page.label} at {size:,}")
                    print(f"| {page.label:<{LABEL}} | failed: {failure} |", flush=True)
                    continue
                peer = measured.rps / figures[PEER].rps if PEER in figures else float("nan")
                print(f"| {page.label:<{LABEL}} | {measured.p50:7.1f} | {measured.p95:7.1f} | {measured.heavy_p95:9.1f} "
                      f"| {measured.rps:7.0f} | {peer:6.2f}× |", flush=True)
            results[size] = figures
    if results:
        _targets(results, options)
    if failed:
        print(f"\n{len(failed)} failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


class LoadFailed(Exception):
    """A page answered something other than 2xx, or wrk could not run."""


class NothingAnswered(LoadFailed):
    """No request finished within the run."""


def _prepare(url: str, size: int, options: argparse.Namespace) -> tuple[Subjects, int, str]:
    """Migrate, seed and settle a new database (or count a reused one); who to sign in as."""
    app = bench_app(url)
    with app.app_context():
        upgrade()  # a reused database is brought up to date first
        if size in options.reuse:
            result = seeded_already()
            print(f"Measuring {url}: {result.debriefs:,} debriefs seeded earlier.", flush=True)
        else:
            print(f"Seeding {size:,} debriefs (seed {options.seed}) ...", flush=True)
            result = seed.add_debriefs(size, seed=options.seed)
            print(seeded(result, db.engine.dialect.name), flush=True)
            print(f"VACUUM ANALYZE: {settle():.1f} s", flush=True)
        subjects = _subjects(result)
        # A recommendation page: the subject debrief's newest recommendation, or any.
        recommendation_id = db.session.scalar(
            sa.select(Recommendation.id).order_by((Recommendation.debrief_id == subjects.debrief_id).desc(),
                                                  Recommendation.id.desc()).limit(1))
        db.session.remove()
        db.engine.dispose()
    return subjects, recommendation_id, db_label(app)


def _pages(size: int, subjects: Subjects, recommendation_id: int) -> list[Page]:
    """The peer first (every page's throughput is read against the peer's), the stack's limit, then the app's."""
    deep = max(1, size // PER_PAGE // 2)
    return [
        Page(PEER, "/peer", "", server="peer"),
        Page(BARE, "/bare", "", server="bare"),
        Page("GET / (the reviewer's home)", "/", "reviewer"),
        Page("GET / (a user with several roles)", "/", "several"),
        Page("GET /debriefs", "/debriefs", "reviewer"),
        Page("GET /debriefs?page=<halfway>", f"/debriefs?page={deep}", "reviewer"),
        Page("GET /debriefs?status=open", "/debriefs?status=open", "reviewer"),
        Page("GET /debriefs/<id>", f"/debriefs/{subjects.debrief_id}", "reviewer"),
        Page("GET /recommendations/<id>", f"/recommendations/{recommendation_id}", "reviewer"),
        Page("GET /my-actions (as the owner)", "/my-actions", "owner"),
        Page("GET /learning-queue", "/learning-queue", "learning"),
        Page("GET /board", "/board", "board"),
        Page("GET /board/dashboard", "/board/dashboard", "board"),
        Page("GET /reports/partner-engagement", "/reports/partner-engagement", "board"),
        Page("GET /api/v1/debriefs?per_page=100", "/api/v1/debriefs?per_page=100", "reviewer", api=True),
        Page("GET /api/v1/debriefs/<id>", f"/api/v1/debriefs/{subjects.debrief_id}", "reviewer", api=True),
        Page("GET /api/v1/recommendations?per_page=100", "/api/v1/recommendations?per_page=100", "board", api=True),
        Page("GET /api/v1/recommendations?overdue=true", "/api/v1/recommendations?overdue=true", "board", api=True),
        Page("GET /api/v1/board/summary", "/api/v1/board/summary", "board", api=True),
    ]


# The servers ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Server:
    host: str
    port: int

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


@contextmanager
def gunicorn(app: str, database_url: str, log: Path, **settings: str) -> Iterator[Server]:
    """`gunicorn -c gunicorn.conf.py <app>` as the README deploys it, on a free loopback port, with its
    access log (the deployment's, to stdout) going to a file; `settings` are more environment variables
    (WEB_CONCURRENCY=...). Yields once every worker is ready (warmed up); stopped with SIGTERM at the end."""
    port = _free_port()
    environment = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://", 1),
        "BIND": f"127.0.0.1:{port}",
        "SCHEDULER_ENABLED": "0",
        **settings,
    }
    with log.open("wb") as output:
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", app],
                                   cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    server = Server("127.0.0.1", port)
    try:
        _wait_until_ready(process, log, int(settings.get("WEB_CONCURRENCY") or _configured_workers()))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: What gunicorn.conf.py's post_worker_init logs once a worker has warmed up and may take traffic.
READY = "Worker ready"
READY_LIMIT = 300  # seconds for every worker to load the app and warm up


def _wait_until_ready(process: subprocess.Popen, log: Path, workers: int) -> None:
    """Until every worker has said it is ready, as a load balancer waits for a server's health check: a
    request sent earlier waits in the socket's queue while the workers load the app and warm up."""
    deadline = time.monotonic() + READY_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        if log.read_text(errors="replace").count(READY) >= workers:
            return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn's {workers} workers were not ready within {READY_LIMIT} s:\n"
                     f"{log.read_text(errors='replace')[-3000:]}")


# Signing in over HTTP -------------------------------------------------------------------------------

def _credentials(server: Server, subjects: Subjects) -> dict[str, dict[str, str]]:
    """The headers each user's requests carry: a session cookie from the real sign-in page, and
    a bearer token for the API (reviewer and board)."""
    credentials = {who: {"Cookie": _signed_in(server, email)} for who, email in (
        ("reviewer", subjects.reviewer), ("owner", subjects.owner), ("learning", subjects.learning),
        ("board", subjects.board), ("several", subjects.several))}
    credentials["reviewer-api"] = {"Authorization": f"Bearer {subjects.reviewer_token}"}
    credentials["board-api"] = {"Authorization": f"Bearer {subjects.board_token}"}
    return credentials


def _signed_in(server: Server, email: str) -> str:
    cookies: dict[str, str] = {}
    status, body = _request(server, "GET", "/sign-in", cookies)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    if status != 200 or not token:
        raise SystemExit(f"The sign-in page answered {status}")
    form = urlencode({"csrf_token": token.group(1), "email": email, "password": seed.SEED_PASSWORD})
    status, _ = _request(server, "POST", "/sign-in", cookies, form)
    if status != 302:
        raise SystemExit(f"Could not sign in as {email}: {status}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _request(server: Server, method: str, path: str, cookies: dict[str, str], form: str | None = None
             ) -> tuple[int, str]:
    """One request; the cookies it sets are kept (the app marks them Secure, which a real browser would
    only send over HTTPS: the bench speaks plain HTTP on loopback, as a load balancer's backend does)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=form, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update((name, morsel.value) for name, morsel in SimpleCookie(header).items())
        return response.status, body
    finally:
        connection.close()


# wrk ------------------------------------------------------------------------------------------------

def _measure(server: Server, page: Page, headers: dict[str, str], options: argparse.Namespace) -> Figures:
    """Warm-up, light load (one connection) and heavy load (many), each a separate wrk process."""
    _warm_up(server, page, headers, options)
    light = _answered(server, page, headers, connections=1, seconds=options.seconds)
    heavy = _answered(server, page, headers, connections=options.connections, seconds=options.seconds)
    return Figures(p50=light.p50, p95=light.p95, rps=heavy.rps, heavy_p95=heavy.p95)


def _answered(server: Server, page: Page, headers: dict[str, str], *, connections: int, seconds: float) -> Run:
    """A run with at least one answer: a run shorter than one slow request (a short --seconds on a
    busy machine) is run again, twice as long, up to three times."""
    for attempt in range(3):
        try:
            return _wrk(server, page, headers, connections=connections, seconds=seconds * 2 ** attempt)
        except NothingAnswered:
            continue
    raise LoadFailed(f"no request was answered within {seconds * 4:g} s")


def _warm_up(server: Server, page: Page, headers: dict[str, str], options: argparse.Namespace) -> None:
    """Full concurrency until every connection has had an answer: a worker's first request for some
    pages loads what it keeps for the next ones (compiled templates, the repeat-detection model)."""
    deadline = time.monotonic() + WARM_UP_LIMIT
    while True:
        try:
            if _wrk(server, page, headers, connections=options.connections, seconds=options.warm_up
                    ).requests >= options.connections:
                return
        except NothingAnswered:
            pass
        if time.monotonic() > deadline:
            raise LoadFailed(f"no answers after {WARM_UP_LIMIT} s of warm-up")


@dataclass(frozen=True)
class Run:
    requests: int
    rps: float
    p50: float
    p95: float


def _wrk(server: Server, page: Page, headers: dict[str, str], *, connections: int, seconds: float) -> Run:
    command = [WRK, "--threads", str(min(2, connections)), "--connections", str(connections),
               "--duration", f"{max(1, round(seconds))}s", "--timeout", "10s", "--script", str(WRK_SCRIPT)]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    finished = subprocess.run([*command, server.url(page.path)], capture_output=True, text=True, timeout=seconds + 60)
    line = next((line for line in finished.stdout.splitlines() if line.startswith("RESULT ")), None)
    if finished.returncode != 0 or line is None:
        raise LoadFailed(f"wrk exited {finished.returncode}: {finished.stderr.strip()[:200]}")
    requests, duration_us, p50_us, p95_us, _max_us, bad_status, socket_errors = (int(v) for v in line.split()[1:])
    if bad_status or socket_errors:
        raise LoadFailed(f"{bad_status} answers not 2xx/3xx and {socket_errors} socket errors in {requests:,}")
    if requests == 0:
        raise NothingAnswered(f"no request was answered within {seconds:g} s")
    return Run(requests=requests, rps=requests / (duration_us / 1e6), p50=p50_us / 1000, p95=p95_us / 1000)


WRK = shutil.which("wrk") or "wrk"


# The targets ----------------------------------------------------------------------------------------

def _targets(results: dict[int, dict[str, Figures]], options: argparse.Namespace) -> None:
    small, large = min(results), max(results)
    figures, before = results[large], results[small]
    peer = figures.get(PEER)
    missed = []
    print(f"\nTargets at {large:,} debriefs (p95 at light load, 1 connection, and at heavy load, {options.connections} "
          f"connections; requests a second at heavy load against the peer page's in the same run"
          f"{f'; p50 growth against {small:,}' if small != large else ''}):\n")
    print(f"| {'page':<{LABEL}} | {'p95 ≤ 100 ms':>12} | {'heavy p95 ≤ 300 ms':>18} | {'≥ peer':>8} "
          f"| {'p50 growth ≤ 1.5×':>17} |")
    print(f"|{'-' * (LABEL + 2)}|{'-' * 13}:|{'-' * 19}:|{'-' * 9}:|{'-' * 18}:|")
    for label, page in figures.items():
        if label in (BARE, PEER):
            continue
        share = page.rps / peer.rps if peer else float("nan")
        growth = page.p50 / before[label].p50 if small != large and label in before else None
        checks = [page.p95 <= P95_TARGET_MS, page.heavy_p95 <= HEAVY_P95_TARGET_MS, share >= PEER_SHARE,
                  growth is None or growth <= GROWTH_LIMIT]
        missed += [f"{label}: {what}" for ok, what in zip(checks, ("p95", "heavy p95", "throughput", "growth"))
                   if not ok]
        print(f"| {label:<{LABEL}} | {_mark(checks[0])} {page.p95:7.1f} ms | {_mark(checks[1])} {page.heavy_p95:13.1f} ms "
              f"| {_mark(checks[2])} {share:4.2f}× | {_mark(checks[3])} {('—' if growth is None else f'{growth:.2f}×'):>14} |")
    print(f"\n{'Every target met.' if not missed else f'{len(missed)} targets missed: ' + '; '.join(missed)}")


def _mark(ok: bool) -> str:
    return "ok" if ok else "NO"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N",
                        help="how many debriefs to seed for each run (default 1000 100000, or only the reused ones)")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server to create throwaway databases on, or sqlite:///a/new/file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=10.0, help="each load run's length (default 10)")
    parser.add_argument("--warm-up", type=float, default=2.0, help="the warm-up's length (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="heavy load's connections (default 8)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="append", default=[], metavar="SIZE=URL",
                        help="measure a database seeded earlier for that size instead of seeding a new one")
    options = parser.parse_args()
    try:
        options.reuse = {int(size): url.replace("postgresql://", "postgresql+psycopg://", 1)
                         for size, _, url in (item.partition("=") for item in options.reuse)}
    except ValueError:
        parser.error("--reuse takes SIZE=URL, e.g. 1000=postgresql://postgres@127.0.0.1:5432/rapid_debrief_bench_1")
    options.sizes = sorted(set(options.sizes or ([] if options.reuse else [1_000, 100_000])) | set(options.reuse))
    if min(options.sizes) < 1 or options.seconds <= 0 or options.connections < 1:
        parser.error("sizes, --seconds and --connections must be positive")
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk; bin/test installs it)")
    options.workers = _configured_workers()
    return options


def _configured_workers() -> int:
    """How many workers gunicorn.conf.py starts here, read from the file itself."""
    settings: dict[str, object] = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    return int(settings["workers"])


if __name__ == "__main__":
    sys.exit(main())
