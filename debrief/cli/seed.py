"""`seed --debriefs N [--seed S]`: synthetic data at scale, for benchmarks."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from debrief.extensions import db
from debrief.services import seed
from debrief.services.errors import RuleBroken


@click.command("seed")
@click.option("--debriefs", "count", type=click.IntRange(min=1), required=True,
              help="How many debriefs to add.")
@click.option("--seed", "seed_value", type=int, default=0, show_default=True,
              help="The same seed and number give the same data on an empty database.")
@with_appcontext
def seed_command(count: int, seed_value: int) -> None:
    """Add N synthetic debriefs with their clocks, meetings and seeded reviewers. Refused in production."""
    try:
        result = seed.add_debriefs(count, seed=seed_value, progress=lambda done: click.echo(
            f"  {done:,} of {count:,} debriefs", err=True))
    except RuleBroken as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Seeded {result.debriefs:,} debriefs, {result.clocks:,} clocks, {result.themes:,} themes, "
               f"{result.attendees:,} meeting attendees and {len(result.reviewers)} reviewers "
               f"({result.users_created} new) in {result.seconds:.1f} seconds.")
    click.echo(f"Reviewers: {result.reviewers[0]} ... {result.reviewers[-1]} "
               f"(password {seed.SEED_PASSWORD}).")
