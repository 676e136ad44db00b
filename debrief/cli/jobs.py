"""`jobs run`: the scheduler process. `jobs tick [--now ISO8601]`: one pass of every job as if it
were that time, then the outbox delivered (for cron, drills and tests)."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from debrief import jobs
from debrief.jobs import scheduler
from debrief.models import utcnow
from debrief.services.clock_calendar import LONDON


@click.group("jobs")
def jobs_group() -> None:
    """Reminders, escalations, email delivery, imported recommendations' vectors."""


@jobs_group.command("run")
@with_appcontext
def run_command() -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT. A second one waits as a standby
    and takes over when the first stops. Needs SCHEDULER_ENABLED (so that a copy of the database,
    restored elsewhere, does not email real people)."""
    if not current_app.config["SCHEDULER_ENABLED"]:
        raise click.ClickException("The scheduler is switched off here: set SCHEDULER_ENABLED=1 in the "
                                   "environment of the one process that should send reminders.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise SystemExit(scheduler.run(current_app._get_current_object()))


def _moment(_ctx, _param, value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give a date and time like 2026-03-02T09:00 (London time unless an offset "
                                 "such as Z or +01:00 is given)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(timezone.utc)


@jobs_group.command("tick")
@click.option("--now", "now", callback=_moment, metavar="ISO8601",
              help="Run as if it were this time (London time unless it has an offset). Default: now.")
@with_appcontext
def tick_command(now: datetime) -> None:
    """Run every job once, as if it were NOW, then deliver the outbox. Refused while a scheduler is
    running: only one acts at a time."""
    lock = scheduler.lock_for(current_app._get_current_object())
    if not lock.try_acquire():
        raise click.ClickException("A scheduler is running (it holds the scheduler lock): it does this work. "
                                   "Stop it first to tick by hand.")
    try:
        done = jobs.tick(now)
    finally:
        lock.release()
    reminders, sent = done["reminders"], done["outbox"]
    queued = ", ".join(f"{count} {name}" for name, count in reminders.items()) or "none (before 07:00 London)"
    click.echo(f"Tick as of {now.isoformat()}: reminders queued: {queued}; emails sent: {sent}; imported "
               f"recommendations made searchable: {done['imported_vectors']}; sent to the national library: "
               f"{done['library_sends']}.")
