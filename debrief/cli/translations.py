"""`flask translations ...`: the Welsh catalogue's upkeep (README: Welsh).

    flask translations extract   # every marked message into debrief/translations/messages.pot
    flask translations update    # ... and into the Welsh catalogue, new ones untranslated
    flask translations compile   # the .mo files the app reads (bin/setup does this)
    flask translations check     # fails on a message missing, untranslated or fuzzy (a test runs it)
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask.cli import AppGroup

from config import ROOT
from debrief.i18n import TRANSLATIONS

translations_group = AppGroup("translations", help="Extract, update, compile and check the Welsh catalogue.")

#: The functions whose first argument is a message (babel.cfg lists the files).
KEYWORDS = ("_", "gettext", "ngettext:1,2", "pgettext:1c,2", "npgettext:1c,2,3", "lazy_gettext", "_l",
            "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "N_")
POT = TRANSLATIONS / "messages.pot"
WELSH = TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.po"


def _pybabel(command: str, *arguments: str) -> None:
    """Babel's own `pybabel`, run in this process from the project's folder (babel.cfg names paths from it)."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "--quiet", command, *arguments])
    finally:
        os.chdir(here)
        logging.getLogger("babel").setLevel(logging.WARNING)  # --quiet holds for one run only


def extract(target: Path = POT) -> Path:
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    _pybabel("extract", "-F", "babel.cfg", "--no-default-keywords", *keywords, "--no-wrap",
             "--sort-by-file", "--project", "Rapid Debrief", "--msgid-bugs-address", "", "-o", str(target), ".")
    return target


def problems(template: Catalog, welsh: Catalog) -> list[str]:
    """What keeps the Welsh catalogue from covering the code: each a line to show."""
    found = []
    for message in template:
        if not message.id:
            continue
        translated = welsh.get(message.id, message.context)
        label = message.id if isinstance(message.id, str) else message.id[0]
        if translated is None:
            found.append(f"missing: {label!r}")
        elif translated.fuzzy:
            found.append(f"fuzzy: {label!r}")
        elif not all(translated.string) if isinstance(translated.string, tuple) else not translated.string:
            found.append(f"untranslated: {label!r}")
    for message, errors in welsh.check():
        found.extend(f"{error}: {message.id!r}" for error in errors)
    return found


def check() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        template_path = extract(Path(folder) / "messages.pot")
        with template_path.open("rb") as file:
            template = read_po(file)
    with WELSH.open("rb") as file:
        welsh = read_po(file, locale="cy")
    return problems(template, welsh)


@translations_group.command("extract")
def extract_command() -> None:
    """Every marked message into debrief/translations/messages.pot."""
    click.echo(f"Wrote {extract().relative_to(ROOT)}")


@translations_group.command("update")
def update_command() -> None:
    """Extract, then bring the Welsh catalogue up to date: new messages untranslated, gone ones dropped."""
    extract()
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", "cy", "--no-wrap",
             "--ignore-obsolete", "--no-fuzzy-matching")
    click.echo(f"Updated {WELSH.relative_to(ROOT)}: translate what is new, then `flask translations compile`.")


@translations_group.command("compile")
def compile_command() -> None:
    """The .mo files the app reads."""
    compile_catalogues()


def compile_catalogues() -> None:
    _pybabel("compile", "-d", str(TRANSLATIONS))


@translations_group.command("check")
def check_command() -> None:
    """Fails (exit 1) on any message missing, untranslated or fuzzy in Welsh."""
    found = check()
    for line in found:
        click.echo(line, err=True)
    if found:
        raise SystemExit(1)
    click.echo("Every message is translated into Welsh.")
