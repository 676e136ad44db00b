"""Reads a death-report data set laid out like ../shared/data/deaths-dev/ (police.csv, nhs.csv,
local_authority.csv and truth.json) into the methods' records, for the benchmarks.

This is a plain reader for trusted benchmark files; the application's own import, with its checks
and messages, is debrief/services/death_reports.py."""
from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from debrief.deaths.records import SOURCES, ReportRecord

LONDON = ZoneInfo("Europe/London")
DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "deaths-dev"


def _when(value: str) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _codes(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(";") if part.strip())


def read_reports(folder: Path = DEV) -> list[ReportRecord]:
    reports = []
    for source in SOURCES:
        with open(folder / f"{source}.csv", newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                reports.append(ReportRecord(
                    key=f"{source}:{row['source_reference']}", source=source,
                    found_at=_when(row["found_at"]), reported_at=_when(row["reported_at"]),
                    family_name=row["family_name"] or None, given_names=row["given_names"] or None,
                    date_of_birth=date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None,
                    sex=row["sex"] or None, nhs_number=row["nhs_number"] or None,
                    latitude=float(row["latitude"]) if row["latitude"] else None,
                    longitude=float(row["longitude"]) if row["longitude"] else None,
                    location_type=row["location_type"] or None, apparent_cause=row["apparent_cause"] or None,
                    substances=_codes(row["substances"]), indicators=_codes(row["indicators"]),
                    classification=row["initial_classification"] or None))
    return reports


def read_truth(folder: Path = DEV) -> dict:
    """{"reports": {key: person}, "series": {name: {"archetype", "deaths": [person, ...]}}, ...}"""
    with open(folder / "truth.json", encoding="utf-8") as handle:
        return json.load(handle)
