"""Importing death reports: one source's extract (the force's sudden-death reports, an NHS extract,
a local authority's), as CSV or JSON (api.md "Death reports and linked series").

Every good row is kept and every bad one reported by its line and field, so one mistake in a long
extract holds back nothing else. A report is known by its source and the source's own reference:
importing it again with the same values changes nothing, and with changed values updates it. The
messages never repeat what a field held: names, dates of birth and NHS numbers are personal data of
the dead and must not reach logs, emails or screens other than the death's own page.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from debrief.extensions import db
from debrief.i18n import number
from debrief.models import (
    ApparentCause, Classification, DeathReport, DeathSource, Indicator, LocationType, Sex, Substance, User, utcnow,
)
from debrief.services import audit, validation
from debrief.services.csv_files import CsvRows, read_rows
from debrief.services.errors import Conflict, ValidationFailed

LONDON = ZoneInfo("Europe/London")
SOURCES = tuple(source.value for source in DeathSource)
FIELDS = ("source_reference", "reported_at", "found_at", "family_name", "given_names", "date_of_birth", "sex",
          "nhs_number", "latitude", "longitude", "location_type", "apparent_cause", "substances", "indicators",
          "initial_classification", "narrative")
#: An extract must name these columns; the rest may be absent (unknown) as well as empty.
REQUIRED_COLUMNS = ("source_reference", "found_at")
#: A year of a large force's reports from one source is about 4 MB.
MAX_CSV_BYTES = 16 * 1024 * 1024
MAX_ROWS = 60_000
MAX_NARRATIVE = 5_000
#: Mainland UK, Northern Ireland, the islands: a point outside this is a mistake (a swapped latitude
#: and longitude, a missing minus sign).
UK_LATITUDE = (49.8, 60.95)
UK_LONGITUDE = (-8.7, 1.8)
EARLIEST = date(1900, 1, 1)
ATTEMPTS = 3
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LOOKUP_CHUNK = 1_000
_VALUE_COLUMNS = FIELDS[1:]


@dataclass(frozen=True)
class ImportResult:
    imported: int
    updated: int
    unchanged: int
    rejected: list[tuple[int, str | None, dict[str, str]]]  # (line, source_reference, {field: what is wrong})


def import_reports(source: Any, items: Any, *, actor: User | None, lines: Sequence[int] | None = None) -> ImportResult:
    """Adds or updates each good report of `source` and reports each bad one by its line
    (`lines[i]` for items[i], or 1 for the first item). Flushed, not committed."""
    if source not in SOURCES:
        raise ValidationFailed({"source": _("Choose the source of the extract: one of %(sources)s",
                                             sources=", ".join(SOURCES))})
    if not isinstance(items, list):
        raise ValidationFailed({"reports": _("must be a list of death reports")})
    if not items:
        raise ValidationFailed({"reports": _("There are no death reports to import")})
    if len(items) > MAX_ROWS:
        raise ValidationFailed({"reports": _("At most %(most)s reports can be imported at a time (this has "
                                             "%(count)s): split the extract", most=number(MAX_ROWS),
                                             count=number(len(items)))})
    lines = list(lines) if lines is not None else list(range(1, len(items) + 1))
    now = utcnow()
    for _attempt in range(ATTEMPTS):
        good, rejected = _check(items, lines, now)
        held = _held(source, [values["source_reference"] for _line, values in good])
        new, changed, unchanged = [], [], 0
        for _line, values in good:
            existing = held.get(values["source_reference"])
            if existing is None:
                new.append({**values, "source": source, "imported_by_id": actor.id if actor else None,
                            "imported_at": now, "updated_at": now})
            elif any(existing[name] != values[name] for name in _VALUE_COLUMNS):
                changed.append({**values, "id": existing["id"], "updated_at": now})
            else:
                unchanged += 1
        try:
            with db.session.begin_nested():
                if new:
                    # render_nulls: every row with the same columns, so that they go in a few
                    # multi-row statements (the ORM otherwise leaves out each row's empty fields,
                    # and a different set of them is a statement of its own: one a row, nearly).
                    db.session.execute(sa.insert(DeathReport).execution_options(render_nulls=True), new)
                if changed:
                    db.session.execute(sa.update(DeathReport), changed)
        except IntegrityError:
            continue  # another import added some of the same at this moment: read what is held again
        if new or changed:
            audit.record(actor, "death_reports_imported", "death_report", 0,
                         {"source": source, "imported": len(new), "updated": len(changed)})
        return ImportResult(imported=len(new), updated=len(changed), unchanged=unchanged, rejected=rejected)
    raise Conflict("busy", _("Another import of the same reports is running. Try again."))


def _held(source: str, references: list[str]) -> dict[str, dict[str, Any]]:
    """{source_reference: {"id", and each value column}} for the reports of `source` already held."""
    columns = [DeathReport.id, DeathReport.source_reference, *(getattr(DeathReport, name) for name in _VALUE_COLUMNS)]
    held = {}
    for start in range(0, len(references), _LOOKUP_CHUNK):
        rows = db.session.execute(sa.select(*columns).where(
            DeathReport.source == source,
            DeathReport.source_reference.in_(references[start:start + _LOOKUP_CHUNK])))
        for row in rows:
            held[row.source_reference] = row._asdict()
    return held


def _check(items: list, lines: list[int], now: datetime) -> tuple[list[tuple[int, dict]], list[tuple[int, str | None, dict[str, str]]]]:
    first_line: dict[str, int] = {}
    good, rejected = [], []
    for line, item in zip(lines, items):
        values, errors = _read(item, now)
        reference = values.get("source_reference")
        if reference and not errors.get("source_reference"):
            if reference in first_line:
                errors["source_reference"] = _("The same reference is on line %(line)s", line=first_line[reference])
            else:
                first_line[reference] = line
        if errors:
            rejected.append((line, reference, errors))
        else:
            good.append((line, values))
    return good, rejected


def _read(item: Any, now: datetime) -> tuple[dict[str, Any], dict[str, str]]:
    """One report's values and what is wrong with it, field by field."""
    if not isinstance(item, dict):
        return {}, {"report": _("must be an object with the fields of a death report")}
    errors = {name: _("is not a field a death report has") for name in item if name not in FIELDS}
    raw: dict[str, str | None] = {}
    for name in FIELDS:
        value = item.get(name)
        if value is None or isinstance(value, str):
            raw[name] = value.strip() if value else None
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and name in ("latitude", "longitude"):
            raw[name] = str(value)
        else:
            errors[name] = _("must be a string")
            raw[name] = None
    values: dict[str, Any] = {
        "source_reference": validation.text(raw["source_reference"], "source_reference", errors,
                                            label=_l("the source's reference for the report"), required=True,
                                            max_length=100, single_line=True),
        "family_name": validation.text(raw["family_name"], "family_name", errors, label=_l("the family name"),
                                       max_length=100, single_line=True),
        "given_names": validation.text(raw["given_names"], "given_names", errors, label=_l("the given names"),
                                       max_length=200, single_line=True),
        "narrative": validation.text(raw["narrative"], "narrative", errors, label=_l("the narrative"),
                                     max_length=MAX_NARRATIVE),
        "reported_at": _moment(raw["reported_at"], "reported_at", errors, now),
        "found_at": _moment(raw["found_at"], "found_at", errors, now, required=True),
        "date_of_birth": _date_of_birth(raw["date_of_birth"], errors),
        "sex": _code(raw["sex"], "sex", errors, Sex),
        "nhs_number": _nhs_number(raw["nhs_number"], errors),
        "location_type": _code(raw["location_type"], "location_type", errors, LocationType),
        "apparent_cause": _code(raw["apparent_cause"], "apparent_cause", errors, ApparentCause),
        "initial_classification": _code(raw["initial_classification"], "initial_classification", errors,
                                        Classification),
        "substances": _codes(raw["substances"], "substances", errors, Substance),
        "indicators": _codes(raw["indicators"], "indicators", errors, Indicator),
    }
    values["latitude"], values["longitude"] = _position(raw["latitude"], raw["longitude"], errors)
    found, reported, born = values["found_at"], values["reported_at"], values["date_of_birth"]
    if found and reported and reported < found:
        errors.setdefault("reported_at", _("must be at or after the time the person was found (found_at)"))
    if born and found and born > found.astimezone(LONDON).date():
        errors.setdefault("date_of_birth", _("must be on or before the day the person was found"))
    return values, errors


def _moment(value: str | None, field: str, errors: dict[str, str], now: datetime, *,
            required: bool = False) -> datetime | None:
    """ISO 8601; London time when it has no offset."""
    if not value:
        if required:
            errors[field] = _("Enter when the person was found, like 2025-03-31T14:05")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors[field] = _("must be a date and time like 2025-03-31T14:05 (ISO 8601)")
        return None
    try:
        moment = moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment
        moment = moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        errors[field] = _("must be a date in 1900 or later and not in the future")
        return None
    if moment < datetime(1900, 1, 1, tzinfo=timezone.utc):
        errors[field] = _("must be in 1900 or later")
    elif moment > now + validation.CLOCK_SKEW:
        errors[field] = _("must not be in the future")
    return moment


def _date_of_birth(value: str | None, errors: dict[str, str]) -> date | None:
    """1950-03-31, or 31/03/1950 as spreadsheets write it (day first, as in the UK)."""
    if not value:
        return None
    example = "1950-03-31 or 31/03/1950"
    born = None
    try:
        if len(value) == 10 and value[4] == "-":
            born = date.fromisoformat(value)
        elif found := _DAY_FIRST.match(value):
            day, month, year = (int(part) for part in found.groups())
            born = date(year, month, day)
    except ValueError:
        born = None
    if born is None:
        errors["date_of_birth"] = _("must be a real date, like %(example)s", example=example)
    elif born < EARLIEST:
        errors["date_of_birth"] = _("must be in 1900 or later")
    return born


@cache
def _known(codes) -> frozenset[str]:
    return frozenset(member.value for member in codes)


def _code(value: str | None, field: str, errors: dict[str, str], codes) -> str | None:
    if not value:
        return None
    code = value.strip().lower()
    if code not in _known(codes):
        errors[field] = _("must be one of %(codes)s", codes=", ".join(member.value for member in codes))
        return None
    return code


def _codes(value: str | None, field: str, errors: dict[str, str], codes) -> list[str]:
    """`;`-separated codes, each known; kept sorted and once each."""
    if not value:
        return []
    given = [part.strip().lower() for part in value.split(";") if part.strip()]
    known = _known(codes)
    unknown = [code for code in given if code not in known]
    if unknown:
        errors[field] = ngettext("has %(count)s code that is not in the list; use %(codes)s",
                                 "has %(count)s codes that are not in the list; use %(codes)s", len(unknown),
                                 count=number(len(unknown)), codes=", ".join(sorted(known)))
        return []
    return sorted(set(given))


def _nhs_number(value: str | None, errors: dict[str, str]) -> str | None:
    """Ten digits (spaces and hyphens allowed). One whose modulus 11 check digit fails is kept as the
    source holds it: it is still evidence that two reports are one person (a slip of one or two
    digits is the usual mistake), and refusing it would lose the report, which nobody here can
    correct; the death's page says it fails the check."""
    if not value:
        return None
    digits = re.sub(r"[\s-]", "", value)
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        errors["nhs_number"] = _("must be an NHS number: 10 digits")
        return None
    return digits


def _position(latitude: str | None, longitude: str | None,
              errors: dict[str, str]) -> tuple[float | None, float | None]:
    if not latitude and not longitude:
        return None, None
    if not latitude or not longitude:
        errors["latitude" if not latitude else "longitude"] = _("give both latitude and longitude, or neither")
        return None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        errors["latitude"] = _("latitude and longitude must be decimal degrees, like 52.4862 and -1.8904")
        return None, None
    if not (UK_LATITUDE[0] <= lat <= UK_LATITUDE[1]):
        errors["latitude"] = _("must be in the UK: between 49.8 and 60.95 degrees north")
    if not (UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1]):
        errors["longitude"] = _("must be in the UK: between 8.7 degrees west (-8.7) and 1.8 degrees east")
    if "latitude" in errors or "longitude" in errors:
        return None, None
    return round(lat, 6), round(lon, 6)


def rows_from_csv(data: bytes) -> CsvRows:
    """An extract's rows, or ValidationFailed on `file` when it is not a UTF-8 CSV of this shape."""
    return read_rows(data, fields=FIELDS, required=REQUIRED_COLUMNS, max_bytes=MAX_CSV_BYTES,
                     optional_note=_(" (and any of the others you have)"))
