"""`seed --debriefs N [--seed S]`: synthetic data at scale, for benchmarks: debriefs, their lessons and
recommendations, their partners' invitations and contributions, and everything that follows."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from debrief.extensions import db
from debrief.sample_data import seed
from debrief.services.errors import RuleBroken


@click.command("seed")
@click.option("--debriefs", "count", type=click.IntRange(min=1), required=True,
              help="How many debriefs to add.")
@click.option("--seed", "seed_value", type=int, default=0, show_default=True,
              help="The same seed and number give the same data on an empty database.")
@with_appcontext
def seed_command(count: int, seed_value: int) -> None:
    """Add N synthetic debriefs with their clocks, meetings, lessons and recommendations (with owners'
    notes, learning products and board decisions), partner invitations and contributions, and the
    seeded users and agencies. Refused in production."""
    try:
        result = seed.add_debriefs(count, seed=seed_value, progress=lambda done: click.echo(
            f"  {done:,} of {count:,} debriefs", err=True))
    except RuleBroken as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Seeded {result.debriefs:,} debriefs, {result.clocks:,} clocks, {result.themes:,} themes, "
               f"{result.attendees:,} meeting attendees and {len(result.reviewers)} reviewers "
               f"({result.users_created} new users in all) in {result.seconds:.1f} seconds.")
    statuses = ", ".join(f"{number:,} {status.replace('_', ' ')}" for status, number in result.statuses.items())
    click.echo(f"Learning: {result.lessons:,} lessons, {result.recommendations:,} recommendations ({statuses}), "
               f"{result.recommendation_clocks:,} recommendation clocks, {result.lesson_links:,} links to lessons, "
               f"{result.updates:,} owners' updates, {result.products:,} learning products and "
               f"{result.decisions:,} board decisions.")
    states = ", ".join(f"{number:,} {state}" for state, number in result.invitation_states.items())
    click.echo(f"Partners: {result.agencies} agencies ({result.agencies_created} new), {result.invitations:,} "
               f"invitations ({states}), {result.partner_clocks:,} contribution deadlines and "
               f"{result.contributions:,} contributions. History: {result.audit_events:,} audit events.")
    click.echo(f"Reviewers: {result.reviewers[0]} ... {result.reviewers[-1]}; "
               f"owners: {result.owners[0]} ... {result.owners[-1]} ({len(result.owners)}); "
               f"learning team: {', '.join(result.learning_team)}; board: {', '.join(result.board)}; "
               f"several roles ({', '.join(sorted(seed.SEVERAL_ROLES))}): {result.several} "
               f"(password {seed.SEED_PASSWORD}).")
