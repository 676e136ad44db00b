"""`demo`: demonstration data for trying the service locally."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from debrief.extensions import db
from debrief.sample_data import demo


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demonstration data (safe to run twice). Refused in production."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException(
            "Demo data has known passwords and is refused when APP_ENV=production."
        )
    sign_ins = demo.load()
    db.session.commit()
    click.echo("Demo sign-ins (email / password):")
    for email, password, roles in sign_ins:
        click.echo(f"  {email:<32} {password:<24} {roles}")
