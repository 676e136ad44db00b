"""The deadline policy: read from a TOML file, checked when the app starts.

The rules for *when* a clock applies are code (the names below); everything a force may want to
change (lengths, day types, sources, switching a clock off) is in the file.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from debrief.models import Debrief

DEFAULT_POLICY_FILE = Path(__file__).resolve().parent.parent / "deadline_policy.toml"

OFFENSIVE_WEAPONS = {"knife", "firearm", "blunt", "other"}

#: When a clock applies to a debrief, by name.
CONDITIONS: dict[str, Callable[[Debrief], bool]] = {
    "every_debrief": lambda d: True,
    "homicide": lambda d: d.is_homicide,
    "victim_under_18": lambda d: d.victim_age is not None and d.victim_age < 18,
    "domestic_homicide": lambda d: d.is_homicide and d.domestic,
    "adult_offensive_weapon_homicide": lambda d: (
        d.is_homicide and d.victim_age is not None and d.victim_age >= 18 and d.weapon in OFFENSIVE_WEAPONS
    ),
    "prior_police_contact": lambda d: d.prior_police_contact,
}

UNITS = ("calendar_days", "working_days", "end_of_following_day", "months", "due_date")

#: The clock kinds a debrief can carry (api.md "Deadlines").
DEBRIEF_CLOCK_KINDS = (
    "debrief_meeting", "debrief_report", "homicide_index_return", "iopc_referral",
    "child_safeguarding_notification", "child_rapid_review", "dhr_referral", "owhr_notification",
)
#: One for each partner invitation: starts when the invitation is sent, and ends a number of days
#: before the meeting when one is planned, else after its length.
PARTNER_CLOCK = "partner_contribution"
EACH_INVITATION = "each_invitation"
INVITATION_SENT = "invitation_sent"
#: Each recommendation's clocks: from when it is allocated to its owner until the owner responds,
#: and until its due date (unit `due_date`: the date the reviewer set).
RECOMMENDATION_CLOCKS = ("recommendation_response", "recommendation_due")
EACH_RECOMMENDATION = "each_recommendation"
ALLOCATED = "allocated"
#: The clocks that do not hang from a debrief's facts: their kind fixes when they apply and start.
RECORD_CLOCKS = {PARTNER_CLOCK: (EACH_INVITATION, INVITATION_SENT),
                 **{kind: (EACH_RECOMMENDATION, ALLOCATED) for kind in RECOMMENDATION_CLOCKS}}

#: A clock's label is shown in tables and emails; a partner's deadline adds the agency's name to it.
#: `label_cy`, the same label in Welsh (optional), is held to the same length.
LABEL_MAX = 80

SETTINGS = {"label", "label_cy", "applies_when", "starts", "unit", "length", "source", "enabled", "days_before_meeting"}


class PolicyError(ValueError):
    """The policy file has mistakes; the message lists every one."""


@dataclass(frozen=True)
class ClockRule:
    kind: str
    label: str
    applies_when: str
    starts: str
    unit: str
    length: int
    source: str
    days_before_meeting: int | None = None
    #: The label in Welsh, for a reader who reads Welsh (None: they read the English label).
    label_cy: str | None = None

    @property
    def waits_for(self) -> str | None:
        """The clock whose meeting starts this one, if any."""
        return self.starts.removeprefix("met:") if self.starts.startswith("met:") else None

    def applies_to(self, debrief: Debrief) -> bool:
        return self.applies_when in CONDITIONS and CONDITIONS[self.applies_when](debrief)


@dataclass(frozen=True)
class DeadlinePolicy:
    path: Path
    rules: tuple[ClockRule, ...]
    extra_bank_holidays: tuple[date, ...]

    def rule(self, kind: str) -> ClockRule | None:
        return next((r for r in self.rules if r.kind == kind), None)

    @property
    def debrief_rules(self) -> tuple[ClockRule, ...]:
        return tuple(r for r in self.rules if r.kind not in RECORD_CLOCKS)


def load(path: Path | str | None = None) -> DeadlinePolicy:
    path = Path(path or DEFAULT_POLICY_FILE)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"Deadline policy file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"Deadline policy file {path} is not valid TOML: {error}.") from None
    return parse(raw, path)


def parse(raw: dict, path: Path) -> DeadlinePolicy:
    problems: list[str] = []
    clocks = raw.get("clocks", {})
    if not isinstance(clocks, dict):
        problems.append("[clocks] must be a table of clocks")
        clocks = {}
    for key in set(raw) - {"clocks", "extra_bank_holidays"}:
        problems.append(f"unknown setting '{key}'")

    holidays: list[date] = []
    extra = raw.get("extra_bank_holidays", [])
    # type(), not isinstance(): a TOML date-time is a datetime, which is also a date.
    if not isinstance(extra, list) or not all(type(d) is date for d in extra):
        problems.append("extra_bank_holidays must be a list of dates, like [2027-05-10]")
    else:
        holidays = list(extra)

    rules: list[ClockRule] = []
    for kind, settings in clocks.items():
        where = f"clock '{kind}'"
        known = (*DEBRIEF_CLOCK_KINDS, *RECORD_CLOCKS)
        if kind not in known:
            problems.append(f"{where}: not a known clock (known: {', '.join(known)})")
            continue
        if not isinstance(settings, dict):
            problems.append(f"{where}: must be a table of settings")
            continue
        for unknown in sorted(set(settings) - SETTINGS):
            problems.append(f"{where}: unknown setting '{unknown}'")
        enabled = settings.get("enabled", True)
        if not isinstance(enabled, bool):
            problems.append(f"{where}: enabled must be true or false")
        for text in ("label", "source"):
            if not isinstance(settings.get(text), str) or not settings[text].strip():
                problems.append(f"{where}: {text} must be some text")
        if isinstance(settings.get("label"), str) and len(settings["label"].strip()) > LABEL_MAX:
            problems.append(f"{where}: label must be {LABEL_MAX} characters or fewer")
        label_cy = settings.get("label_cy")
        if label_cy is not None and (not isinstance(label_cy, str) or not label_cy.strip()):
            problems.append(f"{where}: label_cy must be some text (or leave it out)")
        elif isinstance(label_cy, str) and len(label_cy.strip()) > LABEL_MAX:
            problems.append(f"{where}: label_cy must be {LABEL_MAX} characters or fewer")
        applies_when = settings.get("applies_when")
        starts = settings.get("starts")
        days_before_meeting = settings.get("days_before_meeting")
        if kind in RECORD_CLOCKS:
            expected_applies, expected_start = RECORD_CLOCKS[kind]
            if applies_when != expected_applies:
                problems.append(f"{where}: applies_when must be '{expected_applies}'")
            if starts != expected_start:
                problems.append(f"{where}: starts must be '{expected_start}'")
            if days_before_meeting is not None and (kind != PARTNER_CLOCK or isinstance(days_before_meeting, bool)
                                                    or not isinstance(days_before_meeting, int)
                                                    or not 0 <= days_before_meeting <= 60):
                problems.append(f"{where}: days_before_meeting must be a whole number from 0 to 60 "
                                "(partner_contribution only)")
        else:
            if applies_when not in CONDITIONS:
                problems.append(f"{where}: applies_when must be one of {', '.join(CONDITIONS)}")
            if not isinstance(starts, str) or not (starts == "reported" or starts.startswith("met:")):
                problems.append(f"{where}: starts must be 'reported' or 'met:<clock>'")
            if days_before_meeting is not None:
                problems.append(f"{where}: days_before_meeting is only for the partner_contribution clock")
        unit = settings.get("unit")
        if unit not in UNITS:
            problems.append(f"{where}: unit must be one of {', '.join(UNITS)}")
        elif (unit == "due_date") != (kind == "recommendation_due"):
            problems.append(f"{where}: unit 'due_date' is for recommendation_due, and it needs that unit")
        length = settings.get("length")
        if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= 366:
            problems.append(f"{where}: length must be a whole number from 1 to 366")
        if enabled is True and not any(p.startswith(where) for p in problems):
            rules.append(ClockRule(kind=kind, label=settings["label"].strip(), applies_when=applies_when,
                                   starts=starts, unit=unit, length=length,
                                   source=settings["source"].strip(), days_before_meeting=days_before_meeting,
                                   label_cy=label_cy.strip() if isinstance(label_cy, str) else None))

    kinds = {r.kind for r in rules}
    for rule in rules:
        if rule.waits_for is not None and rule.waits_for not in kinds:
            problems.append(f"clock '{rule.kind}': starts when '{rule.waits_for}' is met, "
                            "but that clock is not in the policy or is switched off")
        elif rule.waits_for == rule.kind:
            problems.append(f"clock '{rule.kind}': cannot wait for itself")
    if problems:
        raise PolicyError(f"Deadline policy file {path} has mistakes:\n  - " + "\n  - ".join(problems))
    return DeadlinePolicy(path=path, rules=tuple(rules), extra_bank_holidays=tuple(holidays))
