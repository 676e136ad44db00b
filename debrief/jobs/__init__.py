"""Scheduled jobs, run by one scheduler process (`flask jobs run`), never by web workers.

A job is a thin call into a service with the time it runs as; the rules are in the services
(reminders.py decides what is due, notifications.py delivers the outbox). Each job is its own
transaction. `tick` runs every job once, as if it were a given time, for cron, drills and tests.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from debrief.extensions import db
from debrief.models import as_if_now
from debrief.services import death_analysis, imports, library_pull, notifications, reminders, sharing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[datetime], object]


# In order: a tick delivers last what the reminders queued.
JOBS = (
    Job("reminders", 600, reminders.send_due),
    # Every ten minutes it asks whether tonight's analysis has run yet; it runs once a night.
    Job("death_analysis", 600, death_analysis.analyse_nightly),
    # An analysis asked for from the Deaths page whose web worker stopped before running it.
    Job("asked_death_analysis", 60, death_analysis.run_asked),
    # Other forces' shared recommendations into the repeat corpus, once a night (before their vectors).
    Job("library_pull", 600, library_pull.pull_nightly),
    # Imported recommendations still waiting for their vectors: those the web worker that took the
    # import did not finish (it stopped, or ENCODE_IMPORTS_IN_WEB_WORKERS is off).
    Job("imported_vectors", 30, imports.encode_waiting),
    # Approvals and withdrawals the national library could not be told of at once.
    Job("library_sends", 60, sharing.deliver_due),
    Job("outbox", 60, notifications.deliver_due),
)


def run_job(job: Job, now: datetime) -> object:
    """One run of a job as if it were `now`, committed; a failure is logged and rolled back, and
    the next run starts afresh from the stored state."""
    started = time.perf_counter()
    try:
        with as_if_now(now):
            result = job.run(now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Job %s failed; it runs again on schedule", job.name)
        raise
    finally:
        db.session.remove()
    log.info("Job %s done in %.0f ms: %s", job.name, (time.perf_counter() - started) * 1000, result)
    return result


def tick(now: datetime) -> dict[str, object]:
    """Every job once, as if it were `now`; returns what each did."""
    return {job.name: run_job(job, now) for job in JOBS}
