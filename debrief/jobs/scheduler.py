"""The scheduler process (`flask jobs run`): a standby until it holds the leadership lock, then
APScheduler's blocking scheduler running every job on its interval, until SIGTERM or SIGINT.

A job running when the signal comes is finished, not cut off; the lock is released on the way out,
so a standby takes over at once. If the lock is lost (the database connection holding it dropped),
this process stops acting and exits with status 1, so that a supervisor restarts it as a standby.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from debrief.extensions import db
from debrief.jobs import JOBS, Job, leadership, run_job
from debrief.models import utcnow
from debrief.services.clock_calendar import LONDON

log = logging.getLogger(__name__)

STANDBY_POLL_SECONDS = 2.0
LEADERSHIP_CHECK_SECONDS = 15


def lock_for(app: Flask) -> leadership.Leadership:
    with app.app_context():
        return leadership.for_engine(db.engine, app.instance_path)


def run(app: Flask) -> int:
    """Blocks until stopped; returns the exit status."""
    stopping = threading.Event()
    scheduler = BlockingScheduler(timezone=LONDON, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    lost = threading.Event()

    def stop(signum, _frame) -> None:
        log.info("Scheduler %s: %s received, stopping after the running job", os.getpid(), signal.Signals(signum).name)
        stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    lock = lock_for(app)
    try:
        if not lock.try_acquire():
            log.info("Scheduler %s: standby; another scheduler holds the lock", os.getpid())
            while not stopping.wait(STANDBY_POLL_SECONDS):
                if lock.try_acquire():
                    break
        if stopping.is_set():
            log.info("Scheduler %s: stopped (standby)", os.getpid())
            return 0
        log.info("Scheduler %s: acting as the scheduler", os.getpid())

        def in_app(job: Job) -> None:
            with app.app_context():
                run_job(job, utcnow())

        def watch() -> None:
            """Stops on a signal that came before the scheduler started, or when the lock is lost."""
            if not lock.still_held():
                log.error("Scheduler %s: lost the scheduler lock; stopping", os.getpid())
                lost.set()
            if lost.is_set() or stopping.is_set():
                scheduler.shutdown(wait=False)

        start = utcnow()
        for job in JOBS:
            scheduler.add_job(in_app, IntervalTrigger(seconds=job.every_seconds), args=[job], id=job.name,
                              name=job.name, next_run_time=start)
        scheduler.add_job(watch, IntervalTrigger(seconds=LEADERSHIP_CHECK_SECONDS), id="watch",
                          next_run_time=start + timedelta(seconds=1))
        scheduler.start()  # returns once shut down
        log.info("Scheduler %s: stopped", os.getpid())
        return 1 if lost.is_set() else 0
    finally:
        lock.release()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
