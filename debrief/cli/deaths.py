"""`deaths import FILE --source SOURCE` and `deaths analyse`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from debrief.extensions import db
from debrief.services import death_analysis, death_reports
from debrief.services.errors import RuleBroken


@click.group("deaths", cls=AppGroup, help="Death reports and linked series.")
def deaths_group() -> None:
    pass


@deaths_group.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--source", required=True, type=click.Choice(death_reports.SOURCES),
              help="Whose extract it is: police, nhs or local_authority.")
def import_command(file, source: str) -> None:
    """Import one source's death reports from a CSV file. Bad rows are listed by line and field
    (never with what they held); the good ones are kept."""
    try:
        rows = death_reports.rows_from_csv(file.read(death_reports.MAX_CSV_BYTES + 1))
        result = death_reports.import_reports(source, rows.items, actor=None, lines=rows.lines)
    except RuleBroken as error:
        db.session.rollback()
        raise click.ClickException("; ".join(f"{field}: {message}" for field, message in error.fields.items())
                                   or error.message) from None
    db.session.commit()
    for line, reference, fields in result.rejected:
        problems = "; ".join(f"{field} {message}" for field, message in fields.items())
        click.echo(f"line {line} ({reference or 'no reference'}): {problems}", err=True)
    click.echo(f"{result.imported:,} imported, {result.updated:,} updated, {result.unchanged:,} unchanged, "
               f"{len(result.rejected):,} rejected.")


@deaths_group.command("analyse")
def analyse_command() -> None:
    """Link reports of the same person into one death and find linked series, over everything imported."""
    outcome = death_analysis.analyse(None)
    db.session.commit()
    click.echo(f"{outcome.reports:,} reports, {outcome.deaths:,} deaths, {outcome.candidate_series:,} candidate "
               f"series ({outcome.new_series:,} new) in {outcome.seconds:.1f} s.")
