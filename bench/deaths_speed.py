"""How long importing and analysing two years of a large force's death reports takes (issue 21:
22,000 deaths, about 30,000 reports from the three sources, in at most 60 s on two cores).

    .venv/bin/python bench/deaths_speed.py [--deaths 22000] [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--keep]
    .venv/bin/python bench/deaths_speed.py --database-url sqlite:////tmp/deaths-bench.sqlite3

The data are ../shared/data/deaths-dev/ (6,000 deaths over two years, 9,223 reports) copied side by
side until there are --deaths deaths (the last copy in part): each copy moved 30 km east (a neighbouring area of the same
force), its people born a year later per copy and given other valid NHS numbers, so the copies are
other people at the same density, with the same mix of sources, misspellings and gaps. Each source's
file is imported as `flask deaths import` does it (read, checked, inserted, committed), then one
analysis runs as `flask deaths analyse` does; the script prints the time of each phase, the
analysis's own phases, and the process's peak memory. With --pages it then times the deaths pages
and API lists in-process as an analyst (p50 and p95; target p95 <= 100 ms).
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.deaths_data import DEV, read_truth  # noqa: E402
from bench.pages import (  # noqa: E402
    DEFAULT_SERVER, bench_app, db_label, reused, signed_in, throwaway_database, time_page,
)
from debrief.deaths.records import SOURCES  # noqa: E402
from debrief.extensions import db  # noqa: E402
from debrief.models import Death, LinkedSeries  # noqa: E402
from debrief.services import accounts, death_analysis, death_reports  # noqa: E402
from debrief.sample_data import seed  # noqa: E402

TARGET_SECONDS = 60.0
PAGE_TARGET_MS = 100.0
PAGE_REQUESTS = 30
EAST_DEGREES = 0.45  # about 30 km at 52° north


def _nhs_number(original: str, copy: int) -> str:
    """Another valid NHS number for the copy's person (modulus 11 check digit)."""
    if not original or copy == 0:
        return original
    stem = (int(original[:9]) + copy * 104_729) % 1_000_000_000
    while True:
        digits = f"{stem:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1))) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)
        stem = (stem + 1) % 1_000_000_000


def scaled_files(deaths: int) -> dict[str, bytes]:
    """Each source's CSV with the dev set copied until it holds about `deaths` deaths."""
    copies = max(1, math.ceil(deaths / 6_000))
    # The last copy takes only as many people as are still wanted (by their number in the truth).
    person = {key: int(who[1:]) for key, who in read_truth()["reports"].items()}
    last_copy_people = deaths - (copies - 1) * 6_000
    files = {}
    for source in SOURCES:
        with open(DEV / f"{source}.csv", newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for copy in range(copies):
            for row in rows:
                if copy == copies - 1 and person[f"{source}:{row['source_reference']}"] > last_copy_people:
                    continue
                moved = dict(row)
                if copy:
                    moved["source_reference"] = f"{row['source_reference']}-C{copy}"
                    if row["longitude"]:
                        moved["longitude"] = f"{float(row['longitude']) + copy * EAST_DEGREES:.6f}"
                    if row["date_of_birth"]:
                        year = int(row["date_of_birth"][:4]) + copy
                        moved["date_of_birth"] = f"{year}{row['date_of_birth'][4:]}".replace("-02-29", "-02-28")
                    moved["nhs_number"] = _nhs_number(row["nhs_number"], copy)
                writer.writerow(moved)
        files[source] = out.getvalue().encode("utf-8")
    return files


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    options = _arguments()
    files = scaled_files(options.deaths)
    with (reused(options.reuse) if options.reuse else throwaway_database(options.database_url, keep=options.keep)) as url:
        app = bench_app(url)
        print(f"Database: {db_label(app)}", flush=True)
        with app.app_context():
            upgrade()
            timings = {}
            for source, content in files.items():
                started = time.perf_counter()
                rows = death_reports.rows_from_csv(content)
                result = death_reports.import_reports(source, rows.items, actor=None, lines=rows.lines)
                db.session.commit()
                timings[f"import {source}"] = time.perf_counter() - started
                print(f"import {source:<16} {len(rows.items):>7,} rows: {result.imported:,} new, {result.updated:,} "
                      f"updated, {len(result.rejected):,} rejected in {timings[f'import {source}']:.1f} s", flush=True)
            started = time.perf_counter()
            outcome = death_analysis.analyse(None)
            db.session.commit()
            timings["analyse"] = time.perf_counter() - started
            db.session.remove()
        pages = _time_pages(app) if options.pages else []
    total = sum(timings.values())
    print(f"analyse: {outcome.reports:,} reports, {outcome.deaths:,} deaths, {outcome.candidate_series:,} candidate "
          f"series in {timings['analyse']:.1f} s")
    print("  phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in outcome.phases.items()))
    print(f"import and analysis: {total:.1f} s (target <= {TARGET_SECONDS:.0f} s); peak memory {peak_mb():,.0f} MB")
    for path, p50, p95, statements in pages:
        print(f"  {path:<44} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {statements:>3} statements")
    slow = [path for path, _, p95, _ in pages if p95 > PAGE_TARGET_MS]
    if pages:
        print(f"pages: p95 <= {PAGE_TARGET_MS:.0f} ms on {len(pages) - len(slow)} of {len(pages)}")
    return 0 if total <= TARGET_SECONDS and not slow else 1


def _time_pages(app) -> list[tuple[str, float, float, int]]:
    """p50 and p95 of each deaths page and API list, in-process (the test client), as an analyst."""
    import statistics

    with app.app_context():
        analyst = accounts.create_user(email="analyst@bench.police.uk", name="Bench Analyst", roles=["analyst"],
                                       password=seed.SEED_PASSWORD, actor=None)
        token = accounts.issue_token(analyst, actor=None)
        death = db.session.scalar(sa.select(Death.id).order_by(Death.id).limit(1))
        series = db.session.scalar(sa.select(LinkedSeries.id).order_by(LinkedSeries.id).limit(1))
        db.session.commit()
    client = signed_in(app, "analyst@bench.police.uk")
    api = {"Authorization": f"Bearer {token}"}
    paths = [("/deaths", {}), ("/deaths?cause=drug_related&substance=heroin", {}), (f"/deaths/{death}", {}),
             ("/linked-series", {}), (f"/linked-series/{series}", {}), ("/deaths/report", {}),
             ("/api/v1/deaths", api), (f"/api/v1/deaths/{death}/similar", api), ("/api/v1/linked-series", api)]
    rows = []
    for path, headers in paths:
        times, statements = time_page(app, client, path, headers, PAGE_REQUESTS)
        times.sort()
        rows.append((path, statistics.median(times), times[int(0.95 * (len(times) - 1))], statements))
    return rows


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deaths", type=int, default=22_000, help="about how many deaths (default 22,000)")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server (a throwaway database is made on it) or a new sqlite:/// file")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--pages", action="store_true",
                        help=f"then time the deaths pages and API lists ({PAGE_REQUESTS} requests each, in-process)")
    parser.add_argument("--reuse", help="a database kept by --keep (imports again: unchanged rows change nothing)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
