"""A new gunicorn worker's first partner page against its next ones (issue 24: a worker that has just
started answers its first request as fast as its tenth).

    .venv/bin/python bench/first_open.py                          # a throwaway database on PostgreSQL 127.0.0.1:5432
    .venv/bin/python bench/first_open.py --starts 5 --debriefs 1000 --keep
    .venv/bin/python bench/first_open.py --reuse postgresql://postgres@127.0.0.1:5432/rapid_debrief_bench_<hex>

Seeds a throwaway database through the seed service (`--debriefs`, default 200), as bench/pages.py
does. Then, `--starts` times (default 3), with the warm-up on (WARM_UP=1, production's default) and
then off (WARM_UP=0, the worker as it was before debrief/warm_up.py):

1. invites a partner through the invitations service: a new link, as their email carries it;
2. starts gunicorn as deployed (`gunicorn -c gunicorn.conf.py wsgi:app`, APP_ENV=production) with one
   worker, and waits for the worker's "Worker ready" line in its log (after its warm-up, if on), as a
   load balancer waits for a new server's health check (bench/load.py's `gunicorn`);
3. opens the link 10 times over HTTP, one request at a time, each on a new connection as a browser
   opening a link would: the time to the first byte of each answer (connect, send, status line).

It prints each start's first request, the median of requests 2–10 and their ratio, then the target:
the median over the starts of that ratio ≤ 1.5 with the warm-up on. Exits 0 unless a page answered
anything but 200 (a missed target is reported, not a failure of the script).
"""
from __future__ import annotations

import argparse
import http.client
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from load import READY, Server, gunicorn  # noqa: E402
from pages import DEFAULT_SERVER, bench_app, db_label, reused, seeded, settle, throwaway_database  # noqa: E402

from debrief.extensions import db  # noqa: E402
from debrief.models import Agency, Debrief  # noqa: E402
from debrief.sample_data import seed  # noqa: E402
from debrief.services import invitations  # noqa: E402

REQUESTS = 10
TARGET = 1.5


def main() -> int:
    options = _arguments()
    with (reused(options.reuse) if options.reuse else throwaway_database(options.database_url, keep=options.keep)) as url:
        app = bench_app(url)
        with app.app_context():
            upgrade()
            if not options.reuse:
                print(f"Seeding {options.debriefs:,} debriefs (seed {options.seed}) ...", flush=True)
                print(seeded(seed.add_debriefs(options.debriefs, seed=options.seed), db.engine.dialect.name), flush=True)
                print(f"VACUUM ANALYZE: {settle():.1f} s", flush=True)
        print(f"\nA partner's link opened {REQUESTS} times by a new gunicorn worker (gunicorn.conf.py, 1 worker, "
              f"APP_ENV=production) on {db_label(app)}, {options.starts} starts each; time to first byte, ms\n")
        print(f"| {'warm-up':<8} | {'start':>5} | {'first':>7} | {'2–10 median':>11} | {'ratio':>5} | worker's log |")
        print(f"|{'-' * 10}|{'-' * 6}:|{'-' * 8}:|{'-' * 12}:|{'-' * 6}:|{'-' * 14}|")
        ratios: dict[str, list[float]] = {}
        for warm_up in ("on", "off"):
            for start in range(1, options.starts + 1):
                path = _invited(app)
                with ExitStack() as stack:
                    log = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapid-debrief-first-"))) / "app.log"
                    server = stack.enter_context(gunicorn("wsgi:app", url, log, WEB_CONCURRENCY="1",
                                                          WARM_UP="1" if warm_up == "on" else "0"))
                    said = _said(log)
                    times = [_first_byte(server, path) for _ in range(REQUESTS)]
                later = statistics.median(times[1:])
                ratios.setdefault(warm_up, []).append(times[0] / later)
                print(f"| {warm_up:<8} | {start:>5} | {times[0]:7.1f} | {later:11.1f} | {times[0] / later:5.2f} | {said} |",
                      flush=True)
        with app.app_context():
            db.engine.dispose()
    ratio = statistics.median(ratios["on"])
    print(f"\nTarget: a new worker's first partner page ≤ {TARGET}× its later ones (median of {options.starts} starts): "
          f"{'met' if ratio <= TARGET else 'MISSED'}, {ratio:.2f}× with the warm-up "
          f"({statistics.median(ratios['off']):.2f}× without)")
    return 0


def _invited(app) -> str:
    """A new invitation to the newest debrief, from its reviewer, to the first agency: the path of its
    link. Its email waits in the outbox; nothing here sends it (no scheduler, no request)."""
    with app.test_request_context():
        debrief = db.session.scalar(sa.select(Debrief).order_by(Debrief.id.desc()).limit(1))
        agency = db.session.scalar(sa.select(Agency).where(Agency.active).order_by(Agency.id).limit(1))
        _invitation, link = invitations.invite(debrief, agency=agency.id, email=f"partner-{secrets.token_hex(4)}@example.org",
                                               name="Pat Partner", actor=debrief.reviewer)
        db.session.commit()
    return link[link.index("/invite/"):]


def _said(log: Path) -> str:
    """What the worker's "Worker ready" line says of its warm-up."""
    line = next(line for line in log.read_text(errors="replace").splitlines() if READY in line)
    return line.split(READY, 1)[1].strip("; ")


def _first_byte(server: Server, path: str) -> float:
    """Milliseconds from connecting to the answer's status line and headers; the body is read after."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        took = (time.perf_counter() - started) * 1000
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(f"The partner's page answered {response.status}")
    return took


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debriefs", type=int, default=200, help="how many debriefs to seed (default 200)")
    parser.add_argument("--starts", type=int, default=3, help="fresh worker starts with the warm-up, and as many without")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server to create a throwaway database on, or sqlite:///a/new/file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="URL", help="a database seeded earlier (kept with --keep)")
    options = parser.parse_args()
    if options.reuse and options.keep:
        parser.error("--reuse keeps the database it is given; --keep is for a new one")
    if options.debriefs < 1 or options.starts < 1:
        parser.error("--debriefs and --starts must be 1 or more")
    return options


if __name__ == "__main__":
    sys.exit(main())
