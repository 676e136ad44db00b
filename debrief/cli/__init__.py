"""Command-line commands (`flask --app wsgi ...`). Each parses options, calls a service, commits."""
from flask import Flask

from debrief.cli.deaths import deaths_group
from debrief.cli.demo import demo_command
from debrief.cli.dev_mail import dev_mail_command
from debrief.cli.jobs import jobs_group
from debrief.cli.library import library_group
from debrief.cli.seed import seed_command
from debrief.cli.translations import translations_group
from debrief.cli.users import users_group


def register(app: Flask) -> None:
    app.cli.add_command(users_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(jobs_group)
    app.cli.add_command(deaths_group)
    app.cli.add_command(library_group)
    app.cli.add_command(dev_mail_command)
    app.cli.add_command(translations_group)
