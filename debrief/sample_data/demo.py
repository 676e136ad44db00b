"""Demonstration data: one user for each role, with known passwords, partner agencies, a few
debriefs whose clocks are due soon, overdue and met, and two years of made-up death reports from the
police and the NHS, analysed, with a planted linked series. Loading twice changes nothing."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Debrief, DeathReport, Role, utcnow
from debrief.services import (
    accounts, agencies, death_analysis, death_reports, debriefs, learning_products, lessons, recommendations,
)
from debrief.sample_data import welsh
from debrief.services.debriefs import Attendee, DebriefDetails

DEMO_USERS = (
    ("reviewer@demo.police.uk", "Riya Reviewer", (Role.REVIEWER,)),
    ("owner@demo.police.uk", "Owen Owner", (Role.OWNER,)),
    ("learning@demo.police.uk", "Lee Learning", (Role.LEARNING,)),
    ("board@demo.police.uk", "Bea Board", (Role.BOARD,)),
    ("analyst@demo.police.uk", "Ana Analyst", (Role.ANALYST,)),
    ("admin@demo.police.uk", "Adam Admin", (Role.ADMIN,)),
)

# (crime reference, days since reported, details, meeting held days after the report)
DEMO_DEBRIEFS = (
    ("42/31001/26", 2, dict(incident_type="murder", operation_name="Op Larch", area="Southend", victim_age=19,
                            weapon="knife", themes=["serious_violence", "drugs"],
                            summary="Stabbing outside a takeaway; victim known to the youth offending team.",
                            partner_briefing="A 19-year-old man died after a stabbing in Southend."), None),
    ("42/31002/26", 6, dict(incident_type="non_fatal_strangulation", area="Basildon", victim_age=16,
                            weapon="none", domestic=True, relationship_to_suspect="partner",
                            themes=["domestic_abuse", "vulnerability"], prior_police_contact=True,
                            summary="Non-fatal strangulation of a 16-year-old by her partner; two earlier calls.",
                            partner_briefing="A 16-year-old girl was strangled by her partner and survived."), None),
    ("42/30877/26", 12, dict(incident_type="manslaughter", operation_name="Op Birch", area="Colchester",
                             victim_age=54, weapon="blunt", domestic=True, relationship_to_suspect="family",
                             themes=["domestic_abuse"],
                             summary="Man died after an assault by his son during a mental health crisis.",
                             partner_briefing="A 54-year-old man died after an assault at home."), 5),
)


DEMO_AGENCIES = (
    ("Mid and South Essex NHS Foundation Trust", "health"),
    ("Essex Partnership University NHS Trust", "mental_health"),
    ("Essex County Council children's services", "childrens_services"),
    ("Probation Service, East of England", "probation"),
    ("Southend Borough Council housing", "housing"),
    ("Essex Violence and Vulnerability Unit", "violence_reduction_unit"),
)


def demo_password(email: str) -> str:
    return f"demo-{email.split('@')[0]}-password"


def load() -> list[tuple[str, str, str]]:
    """Creates what is missing; returns (email, password, roles) for every demo user."""
    sign_ins = []
    for email, name, roles in DEMO_USERS:
        if accounts.find_by_email(email) is None:
            accounts.create_user(email=email, name=name, roles=[r.value for r in roles],
                                 password=demo_password(email), actor=None,
                                 is_board_chair=Role.BOARD in roles)
        sign_ins.append((email, demo_password(email), ", ".join(r.value for r in roles)))
    for name, kind in DEMO_AGENCIES:
        if agencies.find(name) is None:
            agencies.add(name=name, kind=kind, actor=None)
    # Welsh beside English: a health board in Wales, invited in Welsh, and the incident classes' Welsh names.
    welsh.add_welsh_agencies()
    _load_debriefs(accounts.find_by_email(DEMO_USERS[0][0]))
    _load_deaths()
    return sign_ins


def _load_debriefs(reviewer) -> None:
    now = utcnow()
    for crime_reference, days_ago, facts, meeting_after in DEMO_DEBRIEFS:
        if db.session.scalar(sa.select(Debrief.id).where(Debrief.crime_reference == crime_reference)):
            continue
        reported = now - timedelta(days=days_ago)
        details = DebriefDetails(crime_reference=crime_reference, occurred_at=reported - timedelta(minutes=40),
                                 reported_at=reported, **facts)
        debrief = debriefs.create(details, actor=reviewer)
        if meeting_after is not None:
            debriefs.record_meeting(debrief, held_at=reported + timedelta(days=meeting_after), actor=reviewer,
                                    attendees=[Attendee("DS Priya Shah", "Essex Police"),
                                               Attendee("Dr Sam Jones", "Mid and South Essex NHS"),
                                               Attendee("Kim Patel", "Essex County Council children's services")])
            _load_learning(debrief, reviewer)


def _load_learning(debrief, reviewer) -> None:
    """A lesson and two recommendations: one the owner must respond to, one waiting for the board."""
    owner = accounts.find_by_email("owner@demo.police.uk")
    lesson = lessons.add(debrief, text="Two earlier calls about the son's mental health were not shared with "
                                       "the mental health trust.", category="information_sharing",
                         themes=["domestic_abuse"], actor=reviewer)
    today = recommendations.today()
    recommendations.create(debrief, text="Call handlers should refer repeat mental health calls to the "
                                         "mental health trust's triage line.",
                           owner_email=owner.email, due_date=today + timedelta(days=45), priority="high",
                           lesson_ids=[lesson.id], actor=reviewer)
    done = recommendations.create(debrief, text="Brief response officers on recording family members' "
                                                "concerns during domestic incidents.",
                                  owner_email=owner.email, due_date=today + timedelta(days=20), lesson_ids=[lesson.id],
                                  actor=reviewer)
    recommendations.transition(done, to="in_progress", note="Briefing to be written with the learning team.",
                               actor=owner)
    product = learning_products.add(done, kind="briefing", title="Listening to families at domestic incidents",
                                    audience=["response", "supervisors"], target_count=400, actor=owner)
    learning_products.update(product, status="delivered", delivered_on=today, reached_count=312, actor=owner)
    recommendations.transition(done, to="awaiting_closure", note="Briefing delivered at all shift briefings.",
                               actor=owner)


# Ordinary deaths, none a series: (place, cause, substances, indicators).
DEMO_DEATH_KINDS = (
    ("dwelling", "natural", "", "found_by_relative"), ("care_home", "natural", "", "found_by_carer;known_to_social_care"),
    ("dwelling", "drug_related", "heroin", "previous_overdose"), ("dwelling", "hanging", "", "found_by_relative"),
    ("dwelling", "alcohol_related", "alcohol", "lives_alone"), ("street", "road_traffic", "", "found_by_stranger"),
    ("river_or_water", "drowning", "alcohol", "found_by_stranger"), ("dwelling", "unexplained", "", "lives_alone"),
)
DEMO_NAMES = (("Smith", "John"), ("Jones", "Margaret"), ("Taylor", "David"), ("Brown", "Susan"), ("Patel", "Amir"),
              ("Evans", "Carys"), ("Khan", "Imran"), ("Wright", "Peter"), ("Hughes", "Mary"), ("Green", "Paul"))
SOUTHEND = (51.545, 0.707)


def _load_deaths() -> None:
    """Two years of made-up sudden-death reports across a town, a third of them also known to the
    ambulance service (names spelt in capitals, times an hour later), and four young men dead of GHB
    near one churchyard over fifteen months: a series for the analysts to find."""
    if db.session.scalar(sa.select(DeathReport.id).limit(1)) is not None:
        return
    rng = random.Random(2026)
    start = utcnow() - timedelta(days=730)
    police, nhs = [], []
    for n in range(240):
        place, cause, substances, indicators = DEMO_DEATH_KINDS[n % len(DEMO_DEATH_KINDS)]
        family, given = DEMO_NAMES[rng.randrange(len(DEMO_NAMES))]
        found = start + timedelta(days=rng.randrange(0, 720), minutes=rng.randrange(0, 1440))
        born = f"{rng.randrange(1930, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        row = {"source_reference": f"SD/{found.year}/{n + 1:05d}", "found_at": found.isoformat(),
               "family_name": family, "given_names": given, "date_of_birth": born,
               "sex": rng.choice(("male", "female")), "latitude": f"{SOUTHEND[0] + rng.uniform(-0.04, 0.04):.5f}",
               "longitude": f"{SOUTHEND[1] + rng.uniform(-0.08, 0.08):.5f}", "location_type": place,
               "apparent_cause": cause, "substances": substances, "indicators": indicators,
               "initial_classification": "non_suspicious", "narrative": "Made-up report for the demonstration."}
        police.append(row)
        if n % 3 == 0:
            nhs.append({**row, "source_reference": f"AMB-{n + 1:05d}", "family_name": family.upper(),
                        "found_at": (found + timedelta(hours=1)).isoformat(), "location_type": "dwelling",
                        "indicators": "", "initial_classification": "", "narrative": "Conveyed; died in ED."})
    for n, (family, given, day) in enumerate((("Walgate", "Anthony", 40), ("Kovari", "Gabriel", 160),
                                              ("Whitworth", "Daniel", 300), ("Taylor", "Jack", 460))):
        found = start + timedelta(days=day, hours=6)
        police.append({"source_reference": f"SD/{found.year}/9{n:04d}", "found_at": found.isoformat(),
                       "family_name": family, "given_names": given, "date_of_birth": f"{2001 - n}-06-1{n}",
                       "sex": "male", "latitude": f"{51.5402 + 0.0008 * n:.5f}", "longitude": f"{0.7115:.5f}",
                       "location_type": "place_of_worship_grounds", "apparent_cause": "drug_related",
                       "substances": "ghb", "indicators": "partially_clothed;found_by_stranger;unknown_companion",
                       "initial_classification": "non_suspicious",
                       "narrative": "Young man found in the churchyard; GHB suspected."})
    death_reports.import_reports("police", police, actor=None)
    death_reports.import_reports("nhs", nhs, actor=None)
    death_analysis.analyse(None)
