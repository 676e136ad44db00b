"""The plain shapes the death methods work on: one report as a source sent it, one death as the
methods see it. Codes are those of api.md ("Death reports and linked series")."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

SOURCES = ("police", "nhs", "local_authority")


@dataclass(frozen=True)
class ReportRecord:
    """One organisation's record of one death. `key` is "source:source_reference", unique."""

    key: str
    source: str
    found_at: datetime | None = None  # timezone-aware
    reported_at: datetime | None = None
    family_name: str | None = None
    given_names: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None  # male, female, unknown
    nhs_number: str | None = None  # ten digits
    latitude: float | None = None
    longitude: float | None = None
    location_type: str | None = None
    apparent_cause: str | None = None
    substances: frozenset[str] = field(default_factory=frozenset)
    indicators: frozenset[str] = field(default_factory=frozenset)
    classification: str | None = None


@dataclass(frozen=True)
class DeathProfile:
    """One person's death as the series method sees it, made from that person's reports."""

    id: int
    found_at: datetime | None
    latitude: float | None
    longitude: float | None
    age: int | None
    sex: str | None
    location_type: str | None
    apparent_cause: str | None
    substances: frozenset[str]
    indicators: frozenset[str]
    classification: str | None
    sources: frozenset[str] = field(default_factory=frozenset)


def nhs_number_is_valid(digits: str) -> bool:
    """Whether ten digits pass the NHS number's modulus 11 check (the last digit checks the rest)."""
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])
