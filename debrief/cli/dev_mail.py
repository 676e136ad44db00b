"""`flask dev-mail`: catch the app's email on this machine (development; `bin/dev` starts it)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("dev-mail")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=1025, show_default=True, type=int)
@with_appcontext
def dev_mail_command(host: str, port: int) -> None:
    """Run an SMTP server that keeps every email as a file; /dev/mail shows them."""
    from debrief import dev_mail

    dev_mail.serve(Path(current_app.config["DEV_MAIL_DIR"]), host, port)
