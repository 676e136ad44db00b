"""How long one scheduler tick takes with 500,000 recommendations, and that its cost follows what is
due, not the size of the tables (issue 7: one tick at most 2 s).

    .venv/bin/python bench/jobs_tick.py --recommendations 500000 \\
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--seed S] [--keep]
    .venv/bin/python bench/jobs_tick.py --reuse postgresql://postgres@127.0.0.1:5432/rapid_debrief_bench_<hex>
    .venv/bin/python bench/jobs_tick.py --small --database-url sqlite:///tmp/new.sqlite3   # a quick run, for CI

Seeds a throwaway database through the seed service (about 4.97 recommendations a debrief, dated
around today), starts an SMTP sink on loopback (aiosmtpd, counting what it receives), then times
`jobs.tick` (every reminder rule, then the outbox delivered over SMTP) as of:

1. today 09:00 London: the first tick on a database that has never had one, so everything due now
   is queued at once (a catch-up no working installation sees, shown for scale);
2. today 11:00: the same again (every rule finds what is due, the outbox already holds it: nothing new);
3. tomorrow 09:00: the day's tick (what became due since yesterday, and each owner's digest);
4. tomorrow 11:00, after adding as many closed recommendations again (years of history, none due):
   the same finding work as 2 over twice the rows.

For each: the rows each rule found due, the emails queued and sent, the time deciding and the time
delivering. The database is dropped at the end unless --keep is given; --reuse starts again from
the seed (it empties the outbox and removes the history an earlier run added).
"""
from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock_time, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench.pages import DEFAULT_SERVER, bench_app, db_label, reused, settle, throwaway_database  # noqa: E402
from debrief import jobs  # noqa: E402
from debrief.extensions import db  # noqa: E402
from debrief.models import Clock, Invitation, OutboxEmail, Recommendation  # noqa: E402
from debrief.services import reminders  # noqa: E402
from debrief.sample_data import seed  # noqa: E402
from debrief.services.clock_calendar import LONDON, london_date  # noqa: E402

TARGET_SECONDS = 2.0
HISTORY = "Historic recommendation "  # the text of the closed recommendations added
RECOMMENDATIONS_PER_DEBRIEF = 4.97


class Sink:
    """An SMTP server on loopback that counts what it is given."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received = 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received += 1
        return "250 OK"

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@dataclass
class Tick:
    label: str
    recommendations: int
    found: dict[str, int] = field(default_factory=dict)  # rows each rule found due
    queued: int = 0
    sent: int = 0
    deciding: float = 0.0
    delivering: float = 0.0

    @property
    def total(self) -> float:
        return self.deciding + self.delivering


def timed_tick(label: str, now: datetime) -> Tick:
    """jobs.tick as the CLI runs it, with each reminder rule's rows counted."""
    tick = Tick(label, db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)))
    db.session.remove()
    originals = list(reminders.RULES)

    def counting(name: str, rule: Callable) -> Callable:
        def run(*args):
            found = rule(*args)
            tick.found[name] = len(found)
            return found
        return run

    reminders.RULES[:] = [(name, counting(name, rule)) for name, rule in originals]
    try:
        for job in jobs.JOBS:
            started = time.perf_counter()
            result = jobs.run_job(job, now)
            elapsed = time.perf_counter() - started
            if job.name == "outbox":
                tick.sent, tick.delivering = result, elapsed
            elif job.name == "reminders":
                tick.queued, tick.deciding = sum(result.values()), elapsed
    finally:
        reminders.RULES[:] = originals
    return tick


def add_closed_history(count: int, rng: random.Random) -> float:
    """`count` recommendations closed years ago (none due, none open): history that only makes the
    tables bigger. Returns the seconds it took."""
    started = time.perf_counter()
    debrief_ids = db.session.scalars(sa.text("SELECT id FROM debriefs ORDER BY id")).all()
    year = london_date(datetime.now(LONDON)).year
    batch = []
    for n in range(count):
        due = date(year - 10, 1, 1) + timedelta(days=rng.randrange(9 * 365))
        batch.append({"text": f"{HISTORY}{n}", "debrief_id": rng.choice(debrief_ids),
                      "due_date": due, "status": "closed", "closure_code": "implemented", "priority": "medium",
                      "source": "debrief", "version": 1,
                      "created_at": datetime.combine(due - timedelta(days=90), clock_time(9), LONDON),
                      "updated_at": datetime.combine(due, clock_time(9), LONDON),
                      "closed_at": datetime.combine(due, clock_time(9), LONDON)})
        if len(batch) == 10_000 or n == count - 1:
            db.session.execute(sa.insert(Recommendation), batch)
            db.session.commit()
            batch = []
    return time.perf_counter() - started


def table_sizes() -> str:
    counts = {name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for name, model in (("recommendations", Recommendation), ("clocks", Clock),
                                  ("invitations", Invitation), ("outbox emails", OutboxEmail))}
    return ", ".join(f"{count:,} {name}" for name, count in counts.items())


def main() -> int:
    options = _arguments()
    if options.small:
        options.recommendations = 2_000
    debriefs = max(1, round(options.recommendations / RECOMMENDATIONS_PER_DEBRIEF))
    with (reused(options.reuse) if options.reuse else throwaway_database(options.database_url, keep=options.keep)) as url, \
            Sink() as sink:
        app = bench_app(url)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, BOARD_CHAIR_EMAIL="chair@bench.invalid")
        with app.app_context():
            if options.reuse:  # start again from the seed: no email queued, no history added
                db.session.execute(sa.delete(OutboxEmail))
                db.session.execute(sa.delete(Recommendation).where(Recommendation.text.like(HISTORY + "%")))
                db.session.commit()
            else:
                upgrade()
                print(f"Seeding {debriefs:,} debriefs (seed {options.seed}) for about "
                      f"{options.recommendations:,} recommendations ...", flush=True)
                result = seed.add_debriefs(debriefs, seed=options.seed)
                print(f"Seeded {result.debriefs:,} debriefs and {result.recommendations:,} recommendations in "
                      f"{result.seconds:.1f} s; VACUUM ANALYZE {settle():.1f} s.", flush=True)
            sizes = table_sizes()
            db.session.remove()  # SQLite: db_label's own session must not wait for this one's lock
            print(f"{sizes} on {db_label(app)}.", flush=True)
            today = london_date(datetime.now(LONDON))

            def moment(day: date, hour: int) -> datetime:
                return datetime.combine(day, clock_time(hour), LONDON)

            tomorrow = today + timedelta(days=1)
            ticks = [timed_tick("1. first tick ever, today 09:00 (everything due now)", moment(today, 9)),
                     timed_tick("2. today 11:00 (nothing new)", moment(today, 11)),
                     timed_tick("3. tomorrow 09:00 (the day's tick)", moment(tomorrow, 9)),
                     timed_tick("3b. tomorrow 11:00 (nothing new)", moment(tomorrow, 11))]
            extra = ticks[0].recommendations
            print(f"\nAdding {extra:,} closed recommendations (history, none due) ...", flush=True)
            print(f"  {add_closed_history(extra, random.Random(options.seed)):.1f} s; "
                  f"VACUUM ANALYZE {settle():.1f} s", flush=True)
            ticks.append(timed_tick("4. tomorrow 13:00, twice the recommendations (nothing new)", moment(tomorrow, 13)))
            ticks.append(timed_tick("5. the day after, 09:00, twice the recommendations (the day's tick)",
                                    moment(tomorrow + timedelta(days=1), 9)))
            print(f"{table_sizes()}.", flush=True)
            db.session.remove()

    rules = [name for name, _ in reminders.RULES]
    print(f"\n| tick | recommendations | rows found due ({' / '.join(rules)}) | queued | sent | deciding ms | "
          "delivering ms | tick ms |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for t in ticks:
        found = " / ".join(f"{t.found.get(name, 0):,}" for name in rules)
        print(f"| {t.label} | {t.recommendations:,} | {found} | {t.queued:,} | {t.sent:,} | {t.deciding * 1000:,.0f} | "
              f"{t.delivering * 1000:,.0f} | {t.total * 1000:,.0f} |")
    print(f"\nThe SMTP sink received {sink.received:,} emails; the outbox marked "
          f"{sum(t.sent for t in ticks):,} sent.")
    day = ticks[2]
    verdict = "met" if day.total <= TARGET_SECONDS else "MISSED"
    print(f"The day's tick at {day.recommendations:,} recommendations: {day.total:.2f} s "
          f"(target <= {TARGET_SECONDS:.0f} s: {verdict}).")
    same = [t.deciding for t in (ticks[1], ticks[3], ticks[4])]
    print(f"Finding what is due with nothing new (ticks 2, 3b, 4): {', '.join(f'{s * 1000:.0f}' for s in same)} ms "
          f"(median {statistics.median(same) * 1000:.0f} ms), with {ticks[3].recommendations:,} and then "
          f"{ticks[4].recommendations:,} recommendations.")
    if sink.received != sum(t.sent for t in ticks):
        print("The sink and the outbox disagree.", file=sys.stderr)
        return 1
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recommendations", type=int, default=500_000,
                        help="about how many recommendations to seed (at about 4.97 a debrief)")
    parser.add_argument("--small", action="store_true", help="a quick run: about 2,000 recommendations")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server to create a throwaway database on, or sqlite:///a/new/file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database (for --reuse)")
    parser.add_argument("--reuse", metavar="URL", help="time a database seeded and kept earlier (today)")
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
