"""Synthetic debriefs at scale: realistic records for benchmarks and for trying the service with a
national amount of data (`flask --app wsgi seed --debriefs N [--seed S]`).

- **Realistic**: ten years of incidents up to today, about one homicide to ten near-misses
  (product.md), victims' ages, domestic abuse, weapons and prior police contact in plausible
  proportions, themes, a meeting and its attendees for most debriefs, and clocks met, late, still
  running or overdue according to their age, so the reviewer's home has real content.
- **The app's own rules**: which clocks a debrief gets is the policy's `rule.applies_to`, and when
  they fall due is `clocks.due_date_for` and `end_of_day`. Only when each clock was met is invented.
- **Deterministic**: one `random.Random(seed)`, dates counted back from the start of today in
  London, so the same seed and size give the same rows on an empty database (on the same day).
- **Fast**: SQLAlchemy 2.0 bulk inserts in batches, one commit per batch; due dates are computed
  once per (day type, length, start day), and 100,000 debriefs start on only ~3,650 days.

It adds to what is there: references continue after the highest of each year, and the seeded
reviewers (`reviewer-001@seed.police.uk` ...) are reused when seeding again. All seeded users share
one known password, so seeding is refused in production.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from debrief.extensions import db
from debrief.models import (
    AuditEvent, Clock, Debrief, DebriefTheme, IncidentType, MeetingAttendee, Relationship, Role, Theme,
    VictimSex, Weapon, utcnow,
)
from debrief.services import accounts, clocks, reference_data
from debrief.services.clock_calendar import BankHolidayCalendar, end_of_day, london_date, start_of_day
from debrief.services.deadline_policy import ClockRule
from debrief.services.errors import NotAllowed, ValidationFailed

SEED_PASSWORD = "seed-reviewer-password"
SEED_EMAIL_DOMAIN = "seed.police.uk"
BATCH_SIZE = 5_000
YEARS = 10
MINUTES_IN_3_DAYS = 3 * 24 * 60
MIN_REVIEWERS, MAX_REVIEWERS, DEBRIEFS_PER_REVIEWER = 5, 20, 5_000

# Proportions (product.md "Scale": ten times as many near-misses as homicides).
HOMICIDE_SHARE = 1 / 11
UNKNOWN_AGE_SHARE = 0.03
CHILD_SHARE = 0.10
DOMESTIC_SHARE = {"homicide": 0.25, "non_fatal_strangulation": 0.80, "near_miss": 0.20}
PRIOR_CONTACT_SHARE = {True: 0.25, False: 0.08}  # by domestic or not
# When a clock was met: on time, late, or never (the rest). Still-open clocks are the recent ones.
MET_ON_TIME, MET_LATE = 0.86, 0.11
EXTENDED_SHARE, PAUSED_SHARE = 0.03, 0.03

TYPE_WEIGHTS = {
    "murder": 70, "manslaughter": 26, "infanticide": 2, "corporate_manslaughter": 2,
    "attempted_murder": 15, "threats_to_kill": 10, "wounding_with_intent": 30, "wounding": 20,
    "non_fatal_strangulation": 20, "other_serious_violence": 5,
}
WEAPONS_BY_TYPE: dict[str, dict[Weapon, int]] = {
    "non_fatal_strangulation": {Weapon.NONE: 1},
    "threats_to_kill": {Weapon.KNIFE: 40, Weapon.NONE: 30, Weapon.FIREARM: 5, Weapon.UNKNOWN: 25},
    "infanticide": {Weapon.NONE: 80, Weapon.UNKNOWN: 20},
    "corporate_manslaughter": {Weapon.NONE: 60, Weapon.OTHER: 40},
}
WEAPONS = {Weapon.KNIFE: 55, Weapon.NONE: 15, Weapon.BLUNT: 10, Weapon.FIREARM: 5, Weapon.OTHER: 7,
           Weapon.UNKNOWN: 8}
ADULT_AGE_BANDS = ((18, 24, 25), (25, 34, 25), (35, 44, 20), (45, 59, 18), (60, 90, 12))
DOMESTIC_RELATIONSHIPS = {Relationship.PARTNER: 50, Relationship.EX_PARTNER: 25, Relationship.FAMILY: 25}
OTHER_RELATIONSHIPS = {Relationship.ACQUAINTANCE: 45, Relationship.STRANGER: 30, Relationship.OTHER: 10,
                       Relationship.UNKNOWN: 15}

FORCE_CODES = range(1, 44)  # the 43 forces of England and Wales
# Seeded crime numbers are 9xxxxxxx, the debrief's reference number on top: unique with the year,
# and well away from the numbers real debriefs carry.
CRIME_NUMBER_BASE = 90_000_000
AREAS = ("Basildon", "Birmingham", "Bradford", "Brighton", "Bristol", "Cardiff", "Chelmsford", "Colchester",
         "Coventry", "Croydon", "Derby", "Harlow", "Hull", "Leeds", "Leicester", "Liverpool", "Luton",
         "Manchester", "Middlesbrough", "Newcastle", "Norwich", "Nottingham", "Plymouth", "Portsmouth",
         "Reading", "Sheffield", "Southampton", "Southend", "Stoke", "Swansea", "Wolverhampton", "York")
OPERATION_WORDS = ("Alder", "Ash", "Aspen", "Beech", "Birch", "Bittern", "Cedar", "Curlew", "Elm", "Fern",
                   "Hawthorn", "Hazel", "Heron", "Holly", "Juniper", "Kestrel", "Larch", "Linnet", "Maple",
                   "Merlin", "Oak", "Osprey", "Plover", "Rowan", "Sorrel", "Teal", "Willow", "Wren", "Yew")
FIRST_NAMES = ("Aisha", "Ben", "Chloe", "Daniel", "Emma", "Farhan", "Grace", "Harry", "Imran", "Jess",
               "Kwame", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Sarah", "Tom", "Zara")
LAST_NAMES = ("Ahmed", "Baker", "Clarke", "Davies", "Evans", "Francis", "Green", "Hughes", "Iqbal", "Jones",
              "Khan", "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Roberts", "Shah", "Taylor", "Walsh")
POLICE_ROLES = ("DCI", "DI", "DS", "PC", "Sgt")
AGENCIES = ("Children's social care", "Adult social care", "NHS mental health trust", "Probation Service",
            "GP practice", "Ambulance service", "Housing provider", "Domestic abuse service", "School",
            "Substance misuse service", "Youth justice service")
EXTENSION_REASONS = ("Awaiting the post-mortem report.", "Key partner unavailable until after the funeral.",
                     "The senior investigating officer asked for a delay while suspects are interviewed.",
                     "Waiting for the coroner's decision on the inquest.")
PAUSE_REASONS = ("Paused at the request of the senior investigating officer: charging decision pending.",
                 "Paused while the statutory review decides its terms of reference.")


@dataclass(frozen=True)
class SeedResult:
    debriefs: int
    clocks: int
    themes: int
    attendees: int
    users_created: int
    reviewers: tuple[str, ...]
    seconds: float


@dataclass(frozen=True)
class IncidentFacts:
    """What the policy's applicability rules read from a debrief (`ClockRule.applies_to`)."""

    is_homicide: bool
    victim_age: int | None
    domestic: bool
    weapon: str | None
    prior_police_contact: bool


def reviewer_email(n: int) -> str:
    return f"reviewer-{n:03d}@{SEED_EMAIL_DOMAIN}"


def reviewer_count(debriefs: int) -> int:
    return min(MAX_REVIEWERS, max(MIN_REVIEWERS, debriefs // DEBRIEFS_PER_REVIEWER))


def add_debriefs(debriefs: int, *, seed: int = 0, today: date | None = None, batch_size: int = BATCH_SIZE,
                 progress: Callable[[int], None] | None = None) -> SeedResult:
    """Adds `debriefs` synthetic debriefs, with their clocks, themes, meetings and a "created" audit
    event each, and the seeded reviewers who own them. Commits after every batch: this is a bulk
    load, and a 100,000-row transaction would only hold memory and locks for nothing."""
    if current_app.config["APP_ENV"] == "production":
        raise NotAllowed("Seed data has a known password and is refused when APP_ENV=production.")
    if debriefs < 1:
        raise ValidationFailed({"debriefs": "The number of debriefs must be 1 or more"})
    started = time.perf_counter()
    rng = random.Random(seed)
    now = start_of_day(today or london_date(utcnow()))

    reviewers, users_created = _reviewers(reviewer_count(debriefs))
    db.session.commit()
    maker = _DebriefMaker(rng, now, _incident_types(), reviewers)
    totals = {"debriefs": 0, "clocks": 0, "themes": 0, "attendees": 0}
    for batch in _batches(_numbered(_report_times(rng, debriefs, now)), batch_size):
        for name, count in _insert(maker.make(slot) for slot in batch).items():
            totals[name] += count
        db.session.commit()
        if progress:
            progress(totals["debriefs"])
    _refresh_planner_statistics()
    return SeedResult(**totals, users_created=users_created, reviewers=tuple(email for _, email in reviewers),
                      seconds=time.perf_counter() - started)


# Who and what -----------------------------------------------------------------------------------


def _reviewers(count: int) -> tuple[list[tuple[int, str]], int]:
    """The seeded reviewers as (id, email), created through the accounts service when missing."""
    found, created = [], 0
    for n in range(1, count + 1):
        email = reviewer_email(n)
        user = accounts.find_by_email(email)
        if user is None:
            name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 7) % len(LAST_NAMES)]}"
            user = accounts.create_user(email=email, name=name, roles=[Role.REVIEWER.value],
                                        password=SEED_PASSWORD, actor=None)
            created += 1
        found.append((user.id, user.email))
    return found, created


def _incident_types() -> list[IncidentType]:
    kinds = reference_data.incident_types()
    if not any(k.is_homicide for k in kinds) or all(k.is_homicide for k in kinds):
        raise ValidationFailed({"incident_types": "Seeding needs an active homicide class and an active "
                                                  "near-miss class; run `flask --app wsgi db upgrade`"})
    return kinds


# When: report times and references ----------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """A debrief's place in time: when it was reported and opened, and its reference."""

    reported_at: datetime
    created_at: datetime
    reference_year: int
    reference_number: int


def _report_times(rng: random.Random, n: int, now: datetime) -> list[tuple[datetime, datetime]]:
    """(reported_at, created_at) for n incidents spread over the last ten years, oldest first.
    A debrief is opened within two days of the report, never after `now`."""
    span_minutes = int(YEARS * 365.25 * 24 * 60)
    times = []
    for _ in range(n):
        reported = now - timedelta(minutes=rng.randrange(1, span_minutes))
        created = min(reported + timedelta(minutes=rng.randrange(30, 48 * 60)), now - timedelta(minutes=1))
        times.append((reported, max(created, reported)))
    return sorted(times, key=lambda t: t[1])


def _numbered(times: list[tuple[datetime, datetime]]) -> Iterator[_Slot]:
    """References DB-<year>-<n> numbered in the order debriefs were opened, after the highest that
    exists, so seeding again (or after real use) never collides."""
    highest = dict(db.session.execute(
        sa.select(Debrief.reference_year, sa.func.max(Debrief.reference_number))
        .group_by(Debrief.reference_year)
    ).all())
    for reported_at, created_at in times:
        year = london_date(created_at).year
        highest[year] = highest.get(year, 0) + 1
        yield _Slot(reported_at, created_at, year, highest[year])


def _batches(slots: Iterator[_Slot], size: int) -> Iterator[list[_Slot]]:
    batch: list[_Slot] = []
    for slot in slots:
        batch.append(slot)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# One debrief and everything on it ------------------------------------------------------------------


@dataclass
class _Draft:
    """A debrief's rows before it has an id: the debrief, and the rows that point at it."""

    debrief: dict[str, Any]
    clocks: list[dict[str, Any]]
    themes: list[str]
    attendees: list[tuple[str, str]]
    audit: dict[str, Any]


class _DueDates:
    """`clocks.due_date_for` once per (day type, length, start day), `end_of_day` once per day."""

    def __init__(self, calendar: BankHolidayCalendar) -> None:
        self._calendar = calendar
        self._known: dict[tuple[str, int, date], date] = {}
        self._ends: dict[date, datetime] = {}

    def __call__(self, unit: str, length: int, start: date) -> date:
        key = (unit, length, start)
        if key not in self._known:
            self._known[key] = clocks.due_date_for(unit, length, start, self._calendar)
        return self._known[key]

    def end_of(self, day: date) -> datetime:
        if day not in self._ends:
            self._ends[day] = end_of_day(day)
        return self._ends[day]


def _in_start_order(rules: Sequence[ClockRule]) -> list[ClockRule]:
    """The policy's rules with every clock after the one it waits for."""
    ordered: list[ClockRule] = []
    waiting = list(rules)
    while waiting:
        ready = [r for r in waiting if r.waits_for is None or r.waits_for in {o.kind for o in ordered}]
        if not ready:  # the policy loader refuses such a file; never loop forever here
            raise ValueError("the deadline policy has clocks waiting for each other")
        ordered += ready
        waiting = [r for r in waiting if r not in ready]
    return ordered


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _DebriefMaker:
    """Invents one debrief at a time; every choice comes from the one random stream, in a fixed order."""

    def __init__(self, rng: random.Random, now: datetime, kinds: list[IncidentType],
                 reviewers: list[tuple[int, str]]) -> None:
        self.rng, self.now, self.reviewers = rng, now, reviewers
        self.homicides = {k.code: TYPE_WEIGHTS.get(k.code, 1) for k in kinds if k.is_homicide}
        self.near_misses = {k.code: TYPE_WEIGHTS.get(k.code, 1) for k in kinds if not k.is_homicide}
        self.labels = {k.code: k.label for k in kinds}
        self.rules = _in_start_order(clocks.policy().debrief_rules)
        self.due_dates = _DueDates(clocks.calendar())

    def make(self, slot: _Slot) -> _Draft:
        rng = self.rng
        homicide = rng.random() < HOMICIDE_SHARE
        kind = _pick(rng, self.homicides if homicide else self.near_misses)
        age = self._victim_age(kind)
        domestic_share = DOMESTIC_SHARE.get(kind, DOMESTIC_SHARE["homicide" if homicide else "near_miss"])
        domestic = rng.random() < domestic_share
        weapon = _pick(rng, WEAPONS_BY_TYPE.get(kind, WEAPONS)).value
        facts = IncidentFacts(is_homicide=homicide, victim_age=age, domestic=domestic, weapon=weapon,
                              prior_police_contact=rng.random() < PRIOR_CONTACT_SHARE[domestic])
        clock_rows = self._clocks(facts, slot.reported_at)
        meeting_held_at = next((c["met_at"] for c in clock_rows if c["kind"] == "debrief_meeting"), None)
        reviewer_id, reviewer_email = self.reviewers[rng.randrange(len(self.reviewers))]
        area = rng.choice(AREAS)
        debrief = {
            "reference_year": slot.reference_year,
            "reference_number": slot.reference_number,
            "incident_type_code": kind,
            "crime_reference": (f"{rng.choice(FORCE_CODES)}/{CRIME_NUMBER_BASE + slot.reference_number}"
                                f"/{slot.reference_year % 100:02d}"),
            "operation_name": (f"Operation {rng.choice(OPERATION_WORDS)}"
                               if homicide or rng.random() < 0.3 else None),
            "occurred_at": slot.reported_at - self._delay_before_report(),
            "reported_at": slot.reported_at,
            "area": area,
            "summary": self._summary(kind, area, facts),
            "partner_briefing": (f"A {self.labels[kind].lower()} in {area}. Please tell us what contact your "
                                 "agency had with the victim or the suspect in the last two years."
                                 if rng.random() < 0.6 else None),
            "victim_age": age,
            "victim_sex": self._victim_sex(domestic).value,
            "relationship_to_suspect": self._relationship(domestic, age).value,
            "domestic": domestic,
            "weapon": weapon,
            "prior_police_contact": facts.prior_police_contact,
            "reviewer_id": reviewer_id,
            "meeting_held_at": meeting_held_at,
            "created_at": slot.created_at,
            "updated_at": max(slot.created_at, meeting_held_at or slot.created_at),
        }
        themes = self._themes(kind, facts)
        attendees = self._attendees() if meeting_held_at else []
        audit = {"at": slot.created_at, "actor_id": reviewer_id, "actor_label": reviewer_email,
                 "action": "created", "entity": "debrief", "changes": _created_changes(debrief, themes)}
        return _Draft(debrief, clock_rows, themes, attendees, audit)

    def _delay_before_report(self) -> timedelta:
        """Most incidents are reported within hours; a few days at most."""
        return timedelta(minutes=int(self.rng.expovariate(1 / 120)) % MINUTES_IN_3_DAYS)

    def _victim_age(self, kind: str) -> int | None:
        rng = self.rng
        if kind == "infanticide":
            return 0
        if rng.random() < UNKNOWN_AGE_SHARE:
            return None
        if rng.random() < CHILD_SHARE:
            return rng.randint(13, 17) if rng.random() < 0.7 else rng.randint(0, 12)
        low, high, _ = rng.choices(ADULT_AGE_BANDS, weights=[b[2] for b in ADULT_AGE_BANDS])[0]
        return rng.randint(low, high)

    def _victim_sex(self, domestic: bool) -> VictimSex:
        roll = self.rng.random()
        if roll < 0.02:
            return VictimSex.UNKNOWN
        mostly = VictimSex.FEMALE if domestic else VictimSex.MALE
        return mostly if roll < 0.77 else (VictimSex.MALE if mostly is VictimSex.FEMALE else VictimSex.FEMALE)

    def _relationship(self, domestic: bool, age: int | None) -> Relationship:
        if domestic and age is not None and age < 16:
            return Relationship.FAMILY
        return _pick(self.rng, DOMESTIC_RELATIONSHIPS if domestic else OTHER_RELATIONSHIPS)

    def _themes(self, kind: str, facts: IncidentFacts) -> list[str]:
        rng = self.rng
        themes = set()
        if facts.domestic:
            themes.add(Theme.DOMESTIC_ABUSE)
        armed = facts.weapon in (Weapon.KNIFE, Weapon.FIREARM)
        if (armed or kind in ("attempted_murder", "wounding_with_intent")) and rng.random() < 0.8:
            themes.add(Theme.SERIOUS_VIOLENCE)
        if rng.random() < 0.25:
            themes.add(Theme.DRUGS)
        if (facts.victim_age is not None and (facts.victim_age < 18 or facts.victim_age >= 70)) \
                or rng.random() < 0.15:
            themes.add(Theme.VULNERABILITY)
        return sorted(theme.value for theme in themes or {Theme.SERIOUS_VIOLENCE})

    def _summary(self, kind: str, area: str, facts: IncidentFacts) -> str:
        age = "unknown age" if facts.victim_age is None else f"aged {facts.victim_age}"
        contact = " The victim was known to police." if facts.prior_police_contact else ""
        setting = " Domestic setting." if facts.domestic else ""
        return (f"{self.labels[kind]} in {area} involving a victim {age}; weapon: {facts.weapon}."
                f"{setting}{contact} (Synthetic record made by the seed command.)")

    def _attendees(self) -> list[tuple[str, str]]:
        rng = self.rng
        people = [(f"{rng.choice(POLICE_ROLES)} {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                   "Police (Major Investigation Team)")]
        for agency in rng.sample(AGENCIES, rng.randint(1, 5)):
            people.append((f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", agency))
        return people

    # Clocks: the app's policy and date arithmetic; only when each was met is invented here.

    def _clocks(self, facts: IncidentFacts, reported_at: datetime) -> list[dict[str, Any]]:
        met: dict[str, datetime] = {}
        rows = []
        for rule in self.rules:
            if not rule.applies_to(facts):
                continue
            started_at = reported_at if rule.waits_for is None else met.get(rule.waits_for)
            row = {"kind": rule.kind, "label": rule.label, "source": rule.source, "unit": rule.unit,
                   "length": rule.length, "waits_for": rule.waits_for, "started_at": started_at,
                   "base_due_date": None, "due_date": None, "due_at": None, "met_at": None,
                   "paused_at": None, "pause_reason": None, "extension_reason": None}
            if started_at is not None:
                self._run(row, rule, started_at)
                if row["met_at"] is not None:
                    met[rule.kind] = row["met_at"]
            rows.append(row)
        return rows

    def _run(self, row: dict[str, Any], rule: ClockRule, started_at: datetime) -> None:
        rng = self.rng
        base = self.due_dates(rule.unit, rule.length, london_date(started_at))
        due = base
        if rng.random() < EXTENDED_SHARE:
            due = base + timedelta(days=rng.choice((7, 14, 28)))
            row["extension_reason"] = rng.choice(EXTENSION_REASONS)
        due_at = self.due_dates.end_of(due)
        row.update(base_due_date=base, due_date=due, due_at=due_at)

        roll = rng.random()
        if roll < MET_ON_TIME:
            met_at = started_at + (due_at - started_at) * rng.uniform(0.1, 0.95)
        elif roll < MET_ON_TIME + MET_LATE:
            met_at = due_at + timedelta(hours=rng.randint(12, 30 * 24))
        else:
            met_at = None
        if met_at is not None and met_at < self.now:
            row["met_at"] = met_at.replace(microsecond=0)
        elif rng.random() < PAUSED_SHARE:
            paused_at = started_at + (self.now - started_at) * rng.uniform(0.1, 0.9)
            row["paused_at"] = paused_at.replace(microsecond=0)
            row["pause_reason"] = rng.choice(PAUSE_REASONS)


def _created_changes(debrief: dict[str, Any], themes: list[str]) -> dict[str, Any]:
    """What the app's "created" audit event holds: the reference and the details as entered."""
    reference = f"DB-{debrief['reference_year']}-{debrief['reference_number']:04d}"
    changes: dict[str, Any] = {"reference": reference}
    for name in ("incident_type_code", "crime_reference", "operation_name", "occurred_at", "reported_at",
                 "area", "summary", "partner_briefing", "victim_age", "victim_sex", "relationship_to_suspect",
                 "domestic", "weapon", "prior_police_contact"):
        value = debrief[name]
        changes["incident_type" if name == "incident_type_code" else name] = (
            value.isoformat() if isinstance(value, datetime) else value)
    changes["themes"] = themes
    return changes


# Writing ------------------------------------------------------------------------------------------


def _insert(drafts: Iterator[_Draft]) -> dict[str, int]:
    """One batch: the debriefs, then every row that points at them."""
    drafts = list(drafts)
    db.session.execute(_bulk_insert(Debrief), [d.debrief for d in drafts])
    # Ids found again by the unique crime reference: RETURNING in parameter order makes SQLite
    # insert one row per statement.
    crime_references = [d.debrief["crime_reference"] for d in drafts]
    id_of = dict(db.session.execute(sa.select(Debrief.crime_reference, Debrief.id)
                                    .where(Debrief.crime_reference.in_(crime_references))).all())
    ids = [id_of[reference] for reference in crime_references]
    clock_rows, theme_rows, attendee_rows, audit_rows = [], [], [], []
    for debrief_id, draft in zip(ids, drafts, strict=True):
        clock_rows += [{**row, "debrief_id": debrief_id} for row in draft.clocks]
        theme_rows += [{"debrief_id": debrief_id, "theme": theme} for theme in draft.themes]
        attendee_rows += [{"debrief_id": debrief_id, "position": n, "name": name, "agency": agency}
                          for n, (name, agency) in enumerate(draft.attendees, start=1)]
        audit_rows.append({**draft.audit, "entity_id": debrief_id, "debrief_id": debrief_id})
    for model, rows in ((Clock, clock_rows), (DebriefTheme, theme_rows), (MeetingAttendee, attendee_rows),
                        (AuditEvent, audit_rows)):
        if rows:
            db.session.execute(_bulk_insert(model), rows)
    return {"debriefs": len(ids), "clocks": len(clock_rows), "themes": len(theme_rows),
            "attendees": len(attendee_rows)}


def _bulk_insert(model: type[db.Model]) -> sa.Insert:
    # NULLs written as NULL, so rows with and without them go in one statement, not one each.
    return sa.insert(model).execution_options(render_nulls=True)


def _refresh_planner_statistics() -> None:
    """Until autovacuum catches up with a bulk load, PostgreSQL plans as if the tables were tiny and
    reads 400,000 meeting attendees to find a page's hundred; ANALYZE now (SQLite has one too)."""
    for model in (Debrief, Clock, DebriefTheme, MeetingAttendee, AuditEvent):
        db.session.execute(sa.text(f"ANALYZE {model.__tablename__}"))
    db.session.commit()
