"""How long an import of recommendations from elsewhere holds its request, and how long until repeat
detection finds them (issue 24: 500 answered in <= 2 s and searchable within 30 s).

    .venv/bin/python bench/import_speed.py [--count 500] [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
                                           [--workers 2] [--keep]

Creates a throwaway database (as bench/pages.py does), a reviewer with an API token, then serves the app
with gunicorn as deployed (`gunicorn -c gunicorn.conf.py wsgi:app`, APP_ENV=production, --workers sync
workers), sends WARM_UP light requests so that the workers have loaded the app (a new worker's first
answer is another matter: bench/load.py), then one `POST /api/v1/recommendations/import` of --count
recommendations (the 490 texts of bench/data, then the same again, each with its own reference). It
prints the time to the answer, then polls
`GET /api/v1/recommendations/imports/<id>` every POLL seconds and prints how many were searchable when,
until all are; finally it checks that `POST /api/v1/recommendations/check` with the last text finds its
recommendation. An app that answers without an `import` (encoding inside the request, before issue 24)
counts as searchable when it answers. The database is dropped at the end unless --keep is given.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from load import Server, gunicorn  # noqa: E402
from pages import DEFAULT_SERVER, bench_app, db_label, throwaway_database  # noqa: E402

from debrief.extensions import db  # noqa: E402
from debrief.services import accounts  # noqa: E402

ANSWER_TARGET = 2.0      # seconds
SEARCHABLE_TARGET = 30.0  # seconds after the import was sent
POLL = 0.5
WARM_UP = 6
GIVE_UP = 600.0
TEXTS = (ROOT / "bench" / "data" / "repeats-background.jsonl", ROOT / "bench" / "data" / "repeats-heldout.jsonl")


def texts(count: int) -> list[str]:
    found = [json.loads(line)["text"] for path in TEXTS for line in path.read_text(encoding="utf-8").splitlines() if line]
    distinct = list(dict.fromkeys(found))
    # More wanted than there are: the same texts again, each import item still its own reference.
    return [distinct[n % len(distinct)] for n in range(count)]


def call(server: Server, method: str, path: str, token: str, body: dict | None = None,
         timeout: float = 120) -> tuple[int, dict, float]:
    """Status, JSON body and seconds to the whole answer."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        seconds = time.perf_counter() - started
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {"raw": raw[:200].decode("utf-8", "replace")}
        return response.status, answer, seconds
    except (OSError, http.client.HTTPException) as error:  # e.g. the worker killed at gunicorn's timeout
        return 0, {"error": str(error)}, time.perf_counter() - started
    finally:
        connection.close()


def main() -> int:
    options = _arguments()
    os.environ["WEB_CONCURRENCY"] = str(options.workers)  # gunicorn.conf.py reads it
    items = [{"text": text, "source": "inspection", "source_reference": f"BENCH-{n:05d}", "issued_on": "2024-03-31"}
             for n, text in enumerate(texts(options.count), start=1)]
    with throwaway_database(options.database_url, keep=options.keep) as url:
        app = bench_app(url)
        print(f"Database: {db_label(app)}; {options.count:,} recommendations in one import; gunicorn: "
              f"{options.workers} sync workers (gunicorn.conf.py)", flush=True)
        with app.app_context():
            upgrade()
            reviewer = accounts.create_user(email="reviewer@bench.police.uk", name="Bench Reviewer",
                                            roles=["reviewer"], password="bench-password-long", actor=None)
            token = accounts.issue_token(reviewer, actor=None)
            db.session.commit()
            db.engine.dispose()
        with tempfile.TemporaryDirectory() as workdir, \
                gunicorn("wsgi:app", url, Path(workdir) / "app.log") as server:
            first = [call(server, "GET", "/api/v1/me", token)[2] for _ in range(WARM_UP)]
            print(f"warm-up: {WARM_UP} requests, the first {first[0]:.2f} s, the last {first[-1] * 1000:.0f} ms; "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
            status, answer, answered = call(server, "POST", "/api/v1/recommendations/import", token, {"items": items})
            sent_at = time.perf_counter() - answered
            if status != 201:
                print(f"answer: {status} after {answered:.2f} s: {str(answer)[:300]}")
                return 1
            print(f"answer: {status}, {len(answer['imported']):,} imported, {len(answer['rejected']):,} rejected, "
                  f"in {answered:.2f} s (target <= {ANSWER_TARGET:.0f} s)", flush=True)
            searchable = _until_searchable(server, token, answer, sent_at)
            last = answer["imported"][-1]
            status, found, _ = call(server, "POST", "/api/v1/recommendations/check", token, {"text": items[-1]["text"]})
            ids = [match["id"] for match in found.get("matches", [])]
            print(f"the repeat check finds the last one ({last['reference']}): {'yes' if last['id'] in ids else 'NO'}")
    print(f"load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} processors)")
    met = answered <= ANSWER_TARGET and searchable is not None and searchable <= SEARCHABLE_TARGET
    print(f"answered in {answered:.2f} s (target <= {ANSWER_TARGET:.0f} s); all searchable "
          f"{'never' if searchable is None else f'after {searchable:.1f} s'} (target <= {SEARCHABLE_TARGET:.0f} s): "
          f"{'met' if met else 'missed'}")
    return 0


def _until_searchable(server: Server, token: str, answer: dict, sent_at: float) -> float | None:
    """Seconds from sending the import until all its recommendations were searchable (None: not
    within GIVE_UP), printing the count as it grows."""
    if "import" not in answer:
        print("(encoded inside the request: searchable when answered)")
        return time.perf_counter() - sent_at
    path = f"/api/v1/recommendations/imports/{answer['import']['id']}"
    shown = -1
    while time.perf_counter() - sent_at < GIVE_UP:
        status, progress, _ = call(server, "GET", path, token)
        if status != 200:
            print(f"progress: {status} {progress}")
            return None
        elapsed = time.perf_counter() - sent_at
        if progress["encoded"] != shown:
            shown = progress["encoded"]
            print(f"  {elapsed:6.1f} s: {shown:,} of {progress['accepted']:,} searchable", flush=True)
        if not progress["waiting"]:
            return elapsed
        time.sleep(POLL)
    return None


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500, help="recommendations in the import (default 500)")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server (a throwaway database is made on it) or a new sqlite:/// file")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
