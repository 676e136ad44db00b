"""`users create` and `users token`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from debrief.extensions import db
from debrief.models import Role
from debrief.services import accounts
from debrief.services.errors import RuleBroken


@click.group("users", cls=AppGroup, help="Staff accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="A role; repeat for several.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when not given.")
def create(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a staff user who can sign in."""
    try:
        user = accounts.create_user(email=email, name=name, roles=roles, password=password, actor=None)
    except RuleBroken as error:
        db.session.rollback()
        raise click.ClickException(describe(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))}).")


@users_group.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Issue a new API token for a user; the token is the last line printed."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email address {email}.")
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated; reactivate them first.")
    secret = accounts.issue_token(user, actor=None)
    db.session.commit()
    click.echo(f"API token for {user.email}. It is shown once; keep it somewhere safe:")
    click.echo(secret)


def describe(error: RuleBroken) -> str:
    """A refusal as one line for the terminal: each field with its problem, or the message."""
    if not error.fields:
        return error.message
    return "; ".join(f"{field}: {message}" for field, message in error.fields.items())
