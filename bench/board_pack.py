"""How long the governance board pack takes to build with about 2,000 open recommendations
(issue 8: at most 5 s).

    .venv/bin/python bench/board_pack.py [--open 2000] [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--keep]
    .venv/bin/python bench/board_pack.py --reuse postgresql://postgres@127.0.0.1:5432/rapid_debrief_bench_<hex>

Seeds a throwaway database through the seed service with enough debriefs for about --open
recommendations not yet closed (about one in twenty of the seed's recommendations; the rest are
closed), then builds the pack for today's meeting --runs times exactly as `GET /api/v1/board/pack.docx`
does (the first after a warm-up build), and prints the median and slowest, what the pack held
(overdue, awaiting closure, repeats, decisions, partners) and its size.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench.pages import DEFAULT_SERVER, bench_app, db_label, reused, settle, throwaway_database  # noqa: E402
from debrief.documents import board_pack  # noqa: E402
from debrief.extensions import db  # noqa: E402
from debrief.models import Recommendation, Role, User, UserRole  # noqa: E402
from debrief.services import recommendations  # noqa: E402
from debrief.sample_data import seed  # noqa: E402

TARGET_SECONDS = 5.0
OPEN_SHARE = 0.049  # of the seed's recommendations, those not closed
RECOMMENDATIONS_PER_DEBRIEF = 4.97


def main() -> int:
    options = _arguments()
    debriefs = max(1, round(options.open / OPEN_SHARE / RECOMMENDATIONS_PER_DEBRIEF))
    with (reused(options.reuse) if options.reuse else throwaway_database(options.database_url, keep=options.keep)) as url:
        app = bench_app(url)
        with app.app_context():
            if not options.reuse:
                upgrade()
                print(f"Seeding {debriefs:,} debriefs (seed {options.seed}) ...", flush=True)
                result = seed.add_debriefs(debriefs, seed=options.seed)
                print(f"Seeded {result.debriefs:,} debriefs and {result.recommendations:,} recommendations in "
                      f"{result.seconds:.1f} s; VACUUM ANALYZE {settle():.1f} s.", flush=True)
            summary = recommendations.board_summary()
            total = db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation))
            member = db.session.scalar(sa.select(User).join(UserRole).where(UserRole.role == Role.BOARD.value)
                                       .order_by(User.id).limit(1))
            meeting = recommendations.today()
            db.session.remove()
        print(f"{total:,} recommendations: {summary.open:,} open, {summary.overdue:,} overdue, "
              f"{summary.awaiting_closure:,} awaiting closure, {summary.repeats:,} confirmed repeats; "
              f"{db_label(app)}.", flush=True)
        seconds, size = [], 0
        for run in range(options.runs + 1):
            with app.app_context():
                member = db.session.merge(member)
                started = time.perf_counter()
                content = board_pack.build(meeting, None, member)
                elapsed = time.perf_counter() - started
                db.session.rollback()  # not recorded: every run covers the same period
                db.session.remove()
            if run:  # the first is a warm-up (imports, the template read)
                seconds.append(elapsed)
            size = len(content)
    median = statistics.median(seconds)
    verdict = "met" if median <= TARGET_SECONDS else "MISSED"
    print(f"\nBoard pack with {summary.open:,} open recommendations: median {median:.2f} s, slowest "
          f"{max(seconds):.2f} s over {len(seconds)} builds (target <= {TARGET_SECONDS:.0f} s: {verdict}); "
          f"{size / 1024:,.0f} KB.")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=2_000, help="about how many recommendations not yet closed")
    parser.add_argument("--runs", type=int, default=3, help="timed builds, after one warm-up")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server to create a throwaway database on, or sqlite:///a/new/file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database (for --reuse)")
    parser.add_argument("--reuse", metavar="URL", help="time a database seeded and kept earlier")
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
