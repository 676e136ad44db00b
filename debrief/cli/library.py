"""`library ...`: the national library's commands. `forces add` runs at the library (LIBRARY_MODE)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from debrief.cli.users import describe
from debrief.extensions import db
from debrief.services import library
from debrief.services.errors import RuleBroken


@click.group("library", cls=AppGroup, help="The national library of lessons and recommendations.")
def library_group() -> None:
    pass


@library_group.group("forces", cls=AppGroup, help="(At the library) the forces that publish to it.")
def forces_group() -> None:
    pass


@forces_group.command("add")
@click.argument("name")
def add_force(name: str) -> None:
    """Add a force to the library; its token is the last line printed (only its digest is kept)."""
    try:
        force, token = library.add_force(name)
    except RuleBroken as error:
        db.session.rollback()
        raise click.ClickException(describe(error)) from None
    db.session.commit()
    click.echo(f"Added {force.name}. Its library token is shown once; give it to the force for LIBRARY_TOKEN:")
    click.echo(token)


@library_group.command("pull")
def pull_command() -> None:
    """(At a force) other forces' shared recommendations into the repeat corpus; withdrawn ones leave
    it. The scheduler does this nightly."""
    from debrief.services import imports, library_client, library_pull

    if not library_client.configured():
        raise click.ClickException("The national library is not configured here: set LIBRARY_URL and LIBRARY_TOKEN.")
    record = library_pull.pull()
    if not record.succeeded:
        raise click.ClickException(f"The pull failed and changed nothing: {record.error}")
    searchable = imports.encode_waiting()
    click.echo(f"{record.added:,} added, {record.updated:,} updated, {record.removed:,} removed; "
               f"{searchable:,} made searchable.")
