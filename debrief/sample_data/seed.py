"""Synthetic debriefs at scale: realistic records for benchmarks and for trying the service with a
national amount of data (`flask --app wsgi seed --debriefs N [--seed S]`): 100,000 debriefs bring
about 200,000 lessons and 500,000 recommendations with their clocks, owners' notes, learning
products and board decisions, and about 330,000 partner invitations with 270,000 contributions.

- **Realistic**: ten years of incidents up to today, about one homicide to ten near-misses
  (product.md), victims' ages, domestic abuse, weapons and prior police contact in plausible
  proportions, themes, a meeting and its attendees for most debriefs, and clocks met, late, still
  running or overdue according to their age, so the reviewer's home has real content. Debriefs whose
  meeting was held have 0–4 lessons and about five recommendations (more for homicides), each
  allocated to a seeded owner and moved through the lifecycle as far as its age allows: old ones
  mostly closed by the board, recent ones open, in progress or awaiting closure, some overdue.
- **Partners**: 35 agencies of one invented county (`SEED_AGENCIES`, every `AgencyType`); each
  debrief invites 2–7 of them within hours of being opened (more after a homicide or for a child),
  chosen for the incident (domestic abuse: the domestic abuse service, housing, health; a child:
  children's services and school), each a named contact at a reserved domain, each with its
  contribution deadline. About three in four answer before the link expires, most by their deadline,
  one in ten twice; a few links are withdrawn; the rest expire unanswered, and the recent ones are
  still sent or opened.
- **The history**: the audit events the app writes for what was seeded, with the same entity,
  actor, changes and debrief: "created" for each debrief, "recommendation_added" for each
  recommendation, and for each invitation "invitation_sent", a "contribution_submitted" per version
  and "invitation_revoked". Not the others (the partners' "invitation_opened", clocks, owners'
  updates, board decisions): each row costs as much to write as any other, and these are the ones
  the history of a debrief is read for.
- **Searchable for repeats**: every seeded recommendation gets its row in `recommendation_vectors`
  (the MiniLM sentence vector and word-piece ids repeat detection searches, services/similarity.py).
  The texts come from templates (`distinct_texts()`: a few hundred), so each distinct text is embedded
  once per process and its bytes given to every recommendation that has it.
- **The app's own rules**: which clocks a debrief gets is the policy's `rule.applies_to`, and when
  they fall due is `clocks.due_date_for` and `end_of_day`; a recommendation's clocks are the
  policy's `recommendation_response` and `recommendation_due` rules. Only when each clock was met is
  invented. A recommendation closed as implemented or alternative action passes the closure gate
  (`recommendation_lifecycle`): a delivered learning product that is not awareness-only, or, for
  some, only an intranet article or bulletin and the board's rationale for accepting it. An
  invitation's link expires by `invitations.expires_at_for`, its contribution deadline is the
  policy's `partner_contribution` rule, and its state is `Invitation.state_at`.
- **Deterministic**: one `random.Random(seed)` for the debriefs, another for the learning that
  follows from them and a third for their partners (so adding learning, then partners, left what was
  there as it was), dates counted back from the start of today in London, so the same seed and size
  give the same rows on an empty database (on the same day).
- **Fast** (100,000 debriefs, 8 million rows, in minutes): batches of 5,000 debriefs, one commit
  each, written by PostgreSQL's binary COPY (elsewhere a Core executemany) while a second thread
  invents the next batch; due dates are computed once per (day type, length, start day), and
  100,000 debriefs start on only ~3,650 days; the model runs once per distinct text, in a thread of
  its own as the seed starts, on one BLAS thread (seconds), not once per recommendation (an hour at
  500,000).
  Every trigger and foreign-key check runs as for any other write, so the board's kept counts
  (migration 0018) are right the moment the seed commits.

It adds to what is there: DB- and REC- references continue after the highest of each year, and the
seeded users (`reviewer-001@seed.police.uk`, `owner-001@...`, `learning-001@...`, `board-001@...`,
and `several-001@...`, who holds all four roles) and agencies ("Seedshire ...") are reused when
seeding again. All seeded users share one known password (hashed once, by the accounts service, and
that hash given to every seeded user: 200 hashes would take a minute), so seeding is refused in
production.
"""
from __future__ import annotations

import hashlib
import random
import re
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate, combinations
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from flask import current_app

from debrief.extensions import db
from debrief.models import (
    Agency, AgencyType, AuditEvent, BoardDecision, Clock, Contribution, Debrief, DebriefTheme, IncidentType,
    Invitation, InvitationState, LearningProduct, Lesson, LessonCategory, MeetingAttendee, Priority, Recommendation,
    RecommendationSource, RecommendationUpdate, RecommendationVector, Relationship, Role, Theme, User, UserRole,
    VictimSex, Weapon, recommendation_lessons, utcnow,
)
from debrief.services import accounts, agencies, audit, clocks, invitations, reference_data, similarity
from debrief.services import recommendation_lifecycle as lifecycle
from debrief.services.clock_calendar import (
    BankHolidayCalendar, add_months, end_of_day, london_date, start_of_day,
)
from debrief.services.deadline_policy import PARTNER_CLOCK, RECOMMENDATION_CLOCKS, ClockRule
from debrief.services.learning_products import AUDIENCES
from debrief.services.errors import NotAllowed, ValidationFailed
from debrief.similarity import embed
from debrief.similarity.encoder import one_blas_thread

_In, _Out = TypeVar("_In"), TypeVar("_Out")

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

# Learning: lessons, recommendations and what follows them -------------------------------------------
# Who: ~200 owners at 100,000 debriefs (heads of department, each with a few hundred open at once),
# and a few in the learning team and on the governance board.
MIN_OWNERS, MAX_OWNERS, DEBRIEFS_PER_OWNER = 3, 200, 500
LEARNING_TEAM, BOARD_MEMBERS = 3, 3
# And one person who reviews debriefs, owns recommendations, is in the learning team and on the board
# (`several-001@...`): the home page of someone with several roles.
SEVERAL_ROLES = frozenset({Role.REVIEWER.value, Role.OWNER.value, Role.LEARNING.value, Role.BOARD.value})
# Lessons are written at the meeting; recommendations follow it. About five a debrief in all
# (97% have had their meeting): more for a homicide.
LESSON_COUNTS = {0: 10, 1: 25, 2: 30, 3: 20, 4: 15}
RECOMMENDATION_COUNTS = {
    True: {3: 6, 4: 10, 5: 14, 6: 18, 7: 18, 8: 14, 9: 10, 10: 6, 11: 4},  # homicide: 6.7 on average
    False: {1: 5, 2: 9, 3: 13, 4: 16, 5: 17, 6: 15, 7: 11, 8: 8, 9: 4, 10: 2},  # near-miss: 5.0
}
LINKED_LESSONS = {1: 75, 2: 15, 0: 10}
LESSON_CATEGORIES = {LessonCategory.RISK_ASSESSMENT: 20, LessonCategory.INFORMATION_SHARING: 20,
                     LessonCategory.SUPERVISION: 12, LessonCategory.TRAINING: 15, LessonCategory.POLICY: 12,
                     LessonCategory.PARTNERSHIP: 11, LessonCategory.NOTABLE_PRACTICE: 6, LessonCategory.OTHER: 4}
PRIORITIES = {Priority.HIGH: 25, Priority.MEDIUM: 55, Priority.LOW: 20}
DUE_IN_MONTHS = {Priority.HIGH: (1, 2, 3), Priority.MEDIUM: (3, 4, 6), Priority.LOW: (6, 9, 12)}
SOURCES = {RecommendationSource.DEBRIEF: 78, RecommendationSource.PARTNER: 10, RecommendationSource.DHR: 4,
           RecommendationSource.CHILD_PRACTICE_REVIEW: 2, RecommendationSource.IOPC: 2,
           RecommendationSource.CORONER_PFD: 2, RecommendationSource.SAR: 1, RecommendationSource.INSPECTION: 1}
# How owners and the board behave.
RESPONDED_ON_TIME = 0.80      # within the response clock; the rest late, by days or weeks
STALLED_SHARE = 0.02          # never delivered: open or in progress and overdue until the board
STALLED_UNANSWERED = 0.30     #   closes it as not implemented about three years after its due date
COMPLETED_ON_TIME = 0.70      # asked for closure by the due date; the rest late
EXTENDED_SHARE = 0.40         # of the late ones, given more time by the board before the due date
REJECTED_SHARE = 0.06         # closure refused once by the board, asked for again later
PROGRESS_NOTES = {0: 55, 1: 35, 2: 10}
EVIDENCE_SHARE = 0.30
CLOSURE_CODES = {lifecycle.ClosureCode.IMPLEMENTED: 78, lifecycle.ClosureCode.ALTERNATIVE_ACTION: 8,
                 lifecycle.ClosureCode.NOT_IMPLEMENTED: 4, lifecycle.ClosureCode.NO_LONGER_APPLICABLE: 6,
                 lifecycle.ClosureCode.SUPERSEDED: 4}
# Of those closed as implemented or alternative action: only an intranet article or bulletin was
# delivered, and the board recorded why that was enough (the inspectorate's finding, kept visible).
AWARENESS_ONLY_SHARE = 0.12
EXTRA_AWARENESS_SHARE, SECOND_PRODUCT_SHARE, EVALUATED_SHARE = 0.25, 0.10, 0.35
# A product planned and never delivered, when the recommendation was not implemented after all.
NEVER_DELIVERED = {lifecycle.ClosureCode.NOT_IMPLEMENTED: 0.10, None: 0.05}
# Which kinds count is the lifecycle module's: these are only how often each is chosen.
_KIND_WEIGHTS = {"briefing": 30, "e_learning": 20, "guidance_update": 20, "classroom_training": 15,
                 "system_change": 10, "toolkit": 5, "intranet_article": 75, "email_bulletin": 25}
PRODUCT_KINDS = {k: _KIND_WEIGHTS.get(k, 5) for k in lifecycle.PRODUCT_KINDS if k not in lifecycle.AWARENESS_ONLY}
AWARENESS_KINDS = {k: _KIND_WEIGHTS.get(k, 5) for k in lifecycle.PRODUCT_KINDS if k in lifecycle.AWARENESS_ONLY}
TARGET_COUNTS = {"classroom_training": (20, 400), "e_learning": (300, 6_000), "briefing": (30, 800),
                 "guidance_update": (100, 4_000), "toolkit": (50, 1_500), "system_change": (200, 6_000),
                 "intranet_article": (500, 8_000), "email_bulletin": (500, 8_000)}
KIND_TITLES = {"classroom_training": "Classroom training", "e_learning": "E-learning module", "briefing": "Briefing",
               "guidance_update": "Guidance update", "toolkit": "Toolkit", "system_change": "System change",
               "intranet_article": "Intranet article", "email_bulletin": "Email bulletin"}
TOPICS = {
    LessonCategory.RISK_ASSESSMENT: "risk assessment of repeat victims",
    LessonCategory.INFORMATION_SHARING: "sharing information with partner agencies",
    LessonCategory.SUPERVISION: "supervisory review of safeguarding decisions",
    LessonCategory.TRAINING: "recognising non-fatal strangulation and coercive control",
    LessonCategory.POLICY: "the force policy on repeat and vulnerable victims",
    LessonCategory.PARTNERSHIP: "multi-agency risk meetings",
    LessonCategory.NOTABLE_PRACTICE: "early evidence capture",
    LessonCategory.OTHER: "custody and interview timeliness",
}
LESSON_TEXTS = {
    LessonCategory.RISK_ASSESSMENT: (
        "The DASH risk assessment was completed without the victim's previous reports being checked.",
        "Escalating risk (threats to kill, a recent separation) was not recognised when the risk was graded.",
        "The risk assessment was not revisited after the suspect was released from custody."),
    LessonCategory.INFORMATION_SHARING: (
        "{agency} held information about the suspect that police did not receive.",
        "A MARAC referral was not made although the threshold was met.",
        "Intelligence about the suspect's access to a weapon was not passed to the response team."),
    LessonCategory.SUPERVISION: (
        "No supervisor reviewed the decision to close the earlier report.",
        "The occurrence was closed without a supervisor checking the safeguarding actions.",
        "Workload in the public protection unit meant reviews were weeks late."),
    LessonCategory.TRAINING: (
        "Call handlers did not recognise non-fatal strangulation as a high-risk indicator.",
        "Officers were unsure of their power to enter premises to save life.",
        "Officers did not recognise the signs of coercive and controlling behaviour."),
    LessonCategory.POLICY: (
        "The force policy on repeat victims does not cover reports made to other forces.",
        "The process for applying for a stalking protection order was unclear to investigators.",
        "The missing person policy does not say when a low-risk case must be reviewed."),
    LessonCategory.PARTNERSHIP: (
        "No multi-agency meeting was held although three agencies were involved with the family.",
        "{agency} and police used different thresholds for referral.",
        "{agency} was not invited to the strategy discussion."),
    LessonCategory.NOTABLE_PRACTICE: (
        "The response officer's early use of body-worn video secured key evidence.",
        "The neighbourhood team's contact with the family was praised by partners.",
        "The control room's quick welfare check was done well."),
    LessonCategory.OTHER: (
        "Delays in the custody suite lengthened the time before the suspect was interviewed.",
        "The crime report did not record the interpreter the victim needed."),
}
# Who a recommendation is about, for the templates that name a team.
TEAMS = ("response officers", "neighbourhood officers", "call handlers", "public protection unit staff",
         "detectives", "custody staff", "control room supervisors")
# 73 templates: with the agencies and teams they name, 281 distinct texts (`distinct_texts()`), so
# that repeat detection searches many different texts, yet embedding each of them once takes seconds.
RECOMMENDATION_TEXTS = {
    LessonCategory.RISK_ASSESSMENT: (
        "Review the risk assessment process so that previous reports are checked before risk is graded.",
        "Make a review of the risk grading mandatory when a suspect is released from custody.",
        "Add separation and threats to kill as prompts that raise the risk grading.",
        "Require {team} to complete a DASH risk assessment at every domestic abuse incident, including when "
        "the victim declines to answer the questions.",
        "Check police and partner records for previous reports before a DASH risk assessment is graded.",
        "Refer every high-risk domestic abuse case to the MARAC within one working day of the risk assessment.",
        "Review the victim's risk grading whenever the suspect breaches a bail condition.",
        "Ask {agency} what it knows about the household before a standard-risk grading is confirmed.",
        "Introduce a secondary risk assessment by the public protection unit for medium-risk cases with a "
        "history of strangulation.",
        "Record the reasons for the risk grading on the crime report so that supervisors can review them.",
        "Treat stalking behaviour as a risk factor in its own right when domestic abuse risk is graded."),
    LessonCategory.INFORMATION_SHARING: (
        "Agree an information-sharing protocol with {agency} for people known to both.",
        "Audit MARAC referrals over six months and report the missed referrals to the board.",
        "Make sure intelligence about access to weapons reaches the officers attending.",
        "Share the details of every domestic abuse incident involving children with {agency} within 24 hours.",
        "Give {agency} a single point of contact in the public protection unit for safeguarding concerns.",
        "Make sure intelligence from {agency} is recorded on the police national database.",
        "Check the police national computer for bail conditions and warning markers before officers attend.",
        "Set up a daily safeguarding meeting with {agency} to review the overnight domestic abuse incidents.",
        "Make sure officers can see previous incidents at an address on their mobile devices before they "
        "arrive.",
        "Tell the victim when the suspect is released from custody, and record that they were told."),
    LessonCategory.SUPERVISION: (
        "Require a supervisor's review before any domestic abuse report is closed.",
        "Set a standard for how quickly supervisors review safeguarding actions, and report against it.",
        "Require a supervisor to review every decision to take no further action on a domestic abuse report.",
        "Make sure the safeguarding actions of {team} are reviewed by a supervisor within 24 hours of an "
        "incident.",
        "Audit a sample of closed high-risk cases each month and report the findings to the board.",
        "Reduce caseloads in the public protection unit so that supervisors can review cases on time.",
        "Record supervisory reviews on the crime report, with the reasons for each decision.",
        "Require an inspector to review any decision not to arrest a suspect for a domestic abuse offence.",
        "Dip sample missing person reports each quarter to check that supervisors reviewed them."),
    LessonCategory.TRAINING: (
        "Train call handlers to recognise non-fatal strangulation as a high-risk indicator.",
        "Deliver training on the power to enter premises to save life to all response officers.",
        "Include coercive and controlling behaviour in the next round of public protection training.",
        "Train {team} to recognise coercive and controlling behaviour and to record it as an offence.",
        "Deliver training on stalking and harassment to {team}, including how to spot fixation and obsession.",
        "Train {team} in the use of domestic violence protection notices and orders.",
        "Include non-fatal strangulation in the annual personal safety training for {team}.",
        "Run joint training with {agency} on recognising domestic abuse of older people.",
        "Train supervisors to challenge risk assessments rather than accept the grading given.",
        "Brief {team} on the signs of child criminal exploitation and how to refer a child to the MASH."),
    LessonCategory.POLICY: (
        "Update the repeat victim policy to include reports made to other forces.",
        "Publish guidance on applying for stalking protection orders.",
        "Set review periods for low-risk missing person cases in the missing person policy.",
        "Update the domestic abuse policy so that victims who withdraw their support are still safeguarded.",
        "Write a procedure for evidence-led prosecutions when the victim does not support a prosecution.",
        "Update the bail policy so that victims are told on the same day when a suspect is released.",
        "Publish a procedure for dealing with reported breaches of non-molestation orders.",
        "Revise the missing person policy so that children who go missing repeatedly are reviewed by the MASH.",
        "Make body-worn video mandatory at every domestic abuse incident, and update the policy to say so.",
        "Set out in policy when a welfare check must be made in person rather than by telephone."),
    LessonCategory.PARTNERSHIP: (
        "Hold a multi-agency meeting whenever three or more agencies are involved with a family.",
        "Agree common referral thresholds with {agency}.",
        "Invite {agency} to strategy discussions where it is involved with the family.",
        "Agree with {agency} how safeguarding concerns are escalated when a referral is not accepted.",
        "Hold a joint review with {agency} of the cases both agencies were involved in during the last year.",
        "Ask the community safety partnership to commission a domestic homicide review within one month.",
        "Agree a joint protocol with {agency} for victims with mental health needs.",
        "Set up a multi-agency panel with {agency} to manage the most harmful perpetrators of domestic abuse.",
        "Invite {agency} to the MARAC as a standing member.",
        "Agree with {agency} who leads the safeguarding plan when both agencies work with the same victim."),
    LessonCategory.NOTABLE_PRACTICE: (
        "Share the response officer's use of body-worn video as an example of good practice.",
        "Share the control room's quick welfare check with all call handlers as an example of good practice.",
        "Recognise the neighbourhood team's work with the family and describe it in the next learning bulletin.",
        "Use the joint visit with {agency} as a case study in public protection training.",
        "Share how {team} secured early evidence at the scene as good practice across the force."),
    LessonCategory.OTHER: (
        "Review custody suite staffing so that interviews are not delayed.",
        "Record interpreter needs on every crime report.",
        "Book interpreters before a victim's statement is taken, not after.",
        "Reduce the time suspects wait for interview in custody by reviewing how detention is managed.",
        "Make sure forensic submissions in homicide cases are prioritised and tracked.",
        "Change the crime recording system so that linked incidents at the same address are shown together.",
        "Record the victim's preferred language and communication needs on every crime report.",
        "Review how exhibits are stored so that evidence is not lost when a case moves between teams."),
}
RESPONSES = ("Accepted. I will {plan} by {due}.", "Accepted: I will {plan}, and expect to finish by {due}.",
             "Accepted in full. My team will {plan} by {due}.")
PLANS = ("update the procedure and brief supervisors", "work with Learning and Development on a training package",
         "agree the change with our partners at the next strategic meeting",
         "change the system so the check is prompted", "rewrite the guidance and publish it")
PROGRESS = ("Draft procedure written and out for consultation.", "Training package designed; dates booked.",
            "Partners have agreed the approach; the protocol is being drafted.",
            "System change specified; the supplier is building it.",
            "Delayed by staff shortages; still on track for the revised plan.")
EVIDENCE = ("Attendance registers and feedback forms are held by Learning and Development.",
            "The new procedure is published on the policy library, version 2.",
            "An audit of 50 cases after the change found the check done in 47.",
            "The signed protocol is attached to the board paper.")
COMPLETIONS = ("Done: the change is in place and staff have been told.",
               "Completed. The procedure has changed and the training has been delivered.",
               "Delivered as planned; evidence attached.")
NOT_DONE = ("Not delivered: the funding was not agreed. I am asking the board to close it.",
            "This was overtaken by the national guidance; asking the board to close it.")
RATIONALES = {
    "awareness": ("The change is small and an intranet article reached the people who needed it.",
                  "The board accepts the bulletin as enough: the process change affects a handful of staff."),
    lifecycle.ClosureCode.NOT_IMPLEMENTED: (
        "The board accepts the risk: the cost is out of proportion to the benefit.",
        "Not delivered within three years; the board accepts the risk and closes it."),
    lifecycle.ClosureCode.NO_LONGER_APPLICABLE: ("The unit this applied to has been restructured.",
                                                  "The national guidance now covers this."),
    lifecycle.ClosureCode.SUPERSEDED: ("Superseded by a later recommendation on the same subject.",),
}
REJECTIONS = ("The evidence does not show the training reached the officers named.",
              "The procedure is in draft; come back when it is published.")
EXTENSIONS = ("The supplier needs longer to build the system change.",
              "Training places are booked for the next quarter.",
              "Waiting for the partners' board to agree the protocol.")
HOUSEKEEPING_AFTER_DAYS = (900, 1_300)
# Who a product is for: one to three of the learning team's audiences (one choice, not a sample:
# random.sample costs more than the rest of a product).
AUDIENCE_GROUPS = [group for size in (1, 2, 3) for group in combinations(AUDIENCES, size)]

# Partners: agencies, invitations and contributions --------------------------------------------------
# The partners of one invented county, found again by name when seeding again. By what they do, for
# choosing whom a debrief invites; their `AgencyType` is what the app records.
SEED_AGENCIES: dict[str, tuple[tuple[str, AgencyType], ...]] = {
    "health": (("Seedshire Hospitals NHS Foundation Trust", AgencyType.HEALTH),
               ("Seedmouth University Hospitals NHS Trust", AgencyType.HEALTH),
               ("Seedshire Integrated Care Board", AgencyType.HEALTH),
               ("Seedford Primary Care Network", AgencyType.HEALTH),
               ("Seedbury Medical Practice", AgencyType.HEALTH)),
    "ambulance": (("Seedshire Ambulance Service NHS Trust", AgencyType.HEALTH),),
    "mental_health": (("Seedshire Mental Health NHS Foundation Trust", AgencyType.MENTAL_HEALTH),
                      ("Seedmouth Child and Adolescent Mental Health Service", AgencyType.MENTAL_HEALTH),
                      ("Seedshire Perinatal Mental Health Team", AgencyType.MENTAL_HEALTH)),
    "adult_social_care": (("Seedshire County Council Adult Social Care", AgencyType.LOCAL_AUTHORITY),
                          ("Seedmouth City Council Adult Social Care", AgencyType.LOCAL_AUTHORITY)),
    "council": (("Seedford Borough Council", AgencyType.LOCAL_AUTHORITY),
                ("North Seedshire District Council", AgencyType.LOCAL_AUTHORITY),
                ("Seedshire Community Safety Partnership", AgencyType.LOCAL_AUTHORITY)),
    "children": (("Seedshire Children's Social Care", AgencyType.CHILDRENS_SERVICES),
                 ("Seedmouth Children's Services", AgencyType.CHILDRENS_SERVICES),
                 ("Seedshire Multi-Agency Safeguarding Hub", AgencyType.CHILDRENS_SERVICES),
                 ("Seedford Early Help Team", AgencyType.CHILDRENS_SERVICES)),
    "education": (("Seedford Academy Trust", AgencyType.EDUCATION),
                  ("Seedmouth Primary School", AgencyType.EDUCATION),
                  ("Seedbury High School", AgencyType.EDUCATION),
                  ("Seedshire College", AgencyType.EDUCATION)),
    "probation": (("Probation Service Seedshire", AgencyType.PROBATION),
                  ("Probation Service Seedmouth", AgencyType.PROBATION)),
    "youth_justice": (("Seedshire Youth Justice Service", AgencyType.YOUTH_JUSTICE),
                      ("Seedmouth Youth Offending Team", AgencyType.YOUTH_JUSTICE)),
    "housing": (("Seedford Homes", AgencyType.HOUSING),
                ("Seedmouth Housing Association", AgencyType.HOUSING),
                ("Seedshire Homelessness Prevention Team", AgencyType.HOUSING)),
    "violence_reduction": (("Seedshire Violence Reduction Unit", AgencyType.VIOLENCE_REDUCTION_UNIT),),
    "domestic_abuse": (("Seedshire Domestic Abuse Service", AgencyType.OTHER),
                       ("Seedmouth Women's Aid", AgencyType.OTHER),
                       ("Seedshire Independent Domestic Violence Advisers", AgencyType.OTHER)),
    "substance_misuse": (("Seedshire Drug and Alcohol Service", AgencyType.OTHER),),
    "victim_support": (("Seedshire Victim Support", AgencyType.OTHER),),
}
# Partner contacts' addresses: a reserved domain (RFC 2606) that the app's email check accepts
# (`.invalid` and `.test` it refuses) and that no mail ever reaches.
PARTNER_EMAIL_DOMAIN = "partner.seed.example"
CONTACTS_PER_AGENCY = 3  # the safeguarding leads a reviewer invites again and again
# How many partners a debrief invites: more after a homicide or when the victim is a child, who has
# more agencies around them (children's services, school, health).
INVITATION_COUNTS = {False: {2: 40, 3: 35, 4: 15, 5: 7, 6: 3},  # 3.0 on average
                     True: {3: 25, 4: 30, 5: 25, 6: 12, 7: 8}}  # 4.5
# Which: every debrief draws from the usual partners, more from those the incident calls for
# (domestic abuse: the domestic abuse service, housing, health; a child: children's services and
# school; drugs: the drug and alcohol service; a suspect known to police: probation). The first
# invitation goes to the lead agency when there is one.
INVITED_GROUPS = {"health": 6, "mental_health": 4, "adult_social_care": 2, "council": 2, "housing": 2,
                  "probation": 2, "substance_misuse": 2, "ambulance": 1, "victim_support": 1,
                  "violence_reduction": 1}
INVITED_FOR = {
    "domestic": {"domestic_abuse": 12, "housing": 5, "health": 3, "children": 2},
    "child": {"children": 14, "education": 10, "youth_justice": 3, "health": 3},
    "older": {"adult_social_care": 8, "health": 2},
    "drugs": {"substance_misuse": 6},
    "violence": {"violence_reduction": 4, "youth_justice": 1},
    "known": {"probation": 4},
}
LEAD_GROUP = {"child": "children", "domestic": "domestic_abuse"}  # in this order
# When: the reviewer invites partners within hours of opening the debrief, one after another; now
# and then one more agency turns up days later.
FIRST_INVITATION_MINUTES = 6 * 60  # on average, after the debrief was opened
LATE_INVITATION_SHARE = 0.10
# What partners do (the engagement the review team reports): three quarters answer, most before
# their contribution deadline, all before the link expires (the app refuses it after); a few links
# are withdrawn within days (wrong contact, agency not involved after all).
REVOKED_SHARE = 0.03
RESPONDED_SHARE = 0.78         # of those not withdrawn: 76% of all
PARTNER_ON_TIME = 0.70         # answered by the contribution deadline; the rest late, before expiry
SAME_SITTING = 0.60            # opened the link and answered at once; the others came back to it
OPENED_UNANSWERED = 0.45       # of the unanswered: opened, never answered
SECOND_VERSION_SHARE = 0.10    # sent again with more, before the link expired
ATTENDING_SHARE = 0.70
# Whether the agency knew the people: more often when police did too, or in a domestic setting.
PRIOR_CONTACT_ANSWERS = {True: {"yes": 60, "no": 25, "unknown": 15}, False: {"yes": 30, "no": 55, "unknown": 15}}
PARTNER_LEARNING_SHARE = 0.65
CONTACT_SUMMARIES = (
    "The victim was seen {count} times in the last two years, most recently {months} months before the "
    "incident. No safeguarding concerns were recorded.",
    "The suspect was referred to us {months} months before the incident and was on a waiting list when it "
    "happened.",
    "We held an open case on the family; the last home visit was {months} months before the incident.",
    "The victim disclosed abuse at an appointment {months} months before the incident; a referral was made "
    "but not followed up.",
    "The suspect missed {count} appointments; the case was closed after letters went unanswered.",
    "The tenancy was flagged for rent arrears and a neighbour's complaint about shouting {months} months "
    "before the incident.",
    "Staff noted a change in the child's behaviour {months} months before the incident and spoke to a parent.",
    "The suspect was under our supervision and reported as required; the last appointment was {months} "
    "months before the incident.",
)
PARTNER_LEARNING = (
    "Our records did not show that police had attended the address; we would have reassessed the risk if "
    "we had known.",
    "A referral that is not accepted should go back to the referrer within a week, with the reasons.",
    "Staff did not ask about domestic abuse at routine appointments; we are reviewing our guidance on "
    "routine enquiry.",
    "Missed appointments should prompt a welfare check when there are known risks.",
    "We would welcome an invitation to the MARAC when we hold an open case.",
    "The information was held in two systems that do not share records; we are looking at a single record.",
    "Nothing further: we had no contact that would have changed the outcome.",
    "Our safeguarding lead was not told about the earlier incident; a named police contact would help.",
)
REVISED = "Updated after a further search of our records: "


@dataclass(frozen=True)
class SeedResult:
    debriefs: int
    clocks: int  # the debriefs' clocks
    themes: int
    attendees: int
    users_created: int
    reviewers: tuple[str, ...]
    seconds: float
    lessons: int = 0
    recommendations: int = 0
    recommendation_clocks: int = 0
    lesson_links: int = 0
    updates: int = 0
    products: int = 0
    decisions: int = 0
    vectors: int = 0  # rows in recommendation_vectors, one per recommendation
    embedding_seconds: float = 0.0  # of `seconds`: running the model over the distinct texts
    owners: tuple[str, ...] = ()
    learning_team: tuple[str, ...] = ()
    board: tuple[str, ...] = ()
    several: str = ""  # the one seeded user with several roles (SEVERAL_ROLES)
    statuses: dict[str, int] = field(default_factory=dict)  # recommendations added, by status
    agencies: int = 0  # the seeded agencies, found again or created
    agencies_created: int = 0
    invitations: int = 0
    partner_clocks: int = 0  # one contribution deadline per invitation, if the policy has one
    contributions: int = 0  # every version
    audit_events: int = 0  # every event written for the seeded debriefs, of every kind
    invitation_states: dict[str, int] = field(default_factory=dict)  # invitations added, by state at `now`


@dataclass(frozen=True)
class IncidentFacts:
    """What the policy's applicability rules read from a debrief (`ClockRule.applies_to`)."""

    is_homicide: bool
    victim_age: int | None
    domestic: bool
    weapon: str | None
    prior_police_contact: bool


def seeded_email(kind: str, n: int) -> str:
    return f"{kind}-{n:03d}@{SEED_EMAIL_DOMAIN}"


def reviewer_email(n: int) -> str:
    return seeded_email("reviewer", n)


def owner_email(n: int) -> str:
    return seeded_email("owner", n)


def reviewer_count(debriefs: int) -> int:
    return min(MAX_REVIEWERS, max(MIN_REVIEWERS, debriefs // DEBRIEFS_PER_REVIEWER))


def owner_count(debriefs: int) -> int:
    return min(MAX_OWNERS, max(MIN_OWNERS, debriefs // DEBRIEFS_PER_OWNER))


def add_debriefs(debriefs: int, *, seed: int = 0, today: date | None = None, batch_size: int = BATCH_SIZE,
                 progress: Callable[[int], None] | None = None) -> SeedResult:
    """Adds `debriefs` synthetic debriefs, with their clocks, themes, meetings and a "created" audit
    event each, their lessons and recommendations (with clocks, owners' notes, learning products and
    board decisions), their partners' invitations (with contribution deadlines and contributions), the
    audit events the app writes for those, and the seeded users and agencies. Commits after every
    batch: this is a bulk load, and a 100,000-row transaction would only hold memory and locks for
    nothing."""
    if current_app.config["APP_ENV"] == "production":
        raise NotAllowed("Seed data has a known password and is refused when APP_ENV=production.")
    if debriefs < 1:
        raise ValidationFailed({"debriefs": "The number of debriefs must be 1 or more"})
    started = time.perf_counter()
    rng = random.Random(seed)
    now = start_of_day(today or london_date(utcnow()))

    users = _SeededUsers()
    reviewers = users.ensure("reviewer", reviewer_count(debriefs), [Role.REVIEWER.value], _reviewer_name)
    owners = users.ensure("owner", owner_count(debriefs), [Role.OWNER.value], _person_name)
    learning_team = users.ensure("learning", LEARNING_TEAM, [Role.LEARNING.value], _person_name)
    board = users.ensure("board", BOARD_MEMBERS, [Role.BOARD.value], _person_name, chair_first=True)
    # One person in all four: a share of the debriefs, recommendations, products and decisions each.
    several = users.ensure("several", 1, sorted(SEVERAL_ROLES), _person_name)
    partners = _SeededAgencies()
    db.session.commit()
    kinds = _incident_types()
    maker = _DebriefMaker(rng, now, kinds, reviewers + several)
    learner = _LearningMaker(random.Random(f"learning-{seed}"), now, kinds, owners + several, learning_team + several,
                             board + several, maker.due_dates)
    # A third stream for the partners, so that adding them left the debriefs and learning as they were.
    inviter = _PartnerMaker(random.Random(f"partners-{seed}"), now, kinds, partners, maker.due_dates)
    totals = {"debriefs": 0, "clocks": 0, "themes": 0, "attendees": 0, "lessons": 0, "recommendations": 0,
              "recommendation_clocks": 0, "lesson_links": 0, "updates": 0, "products": 0, "decisions": 0,
              "vectors": 0, "invitations": 0, "partner_clocks": 0, "contributions": 0, "audit_events": 0}
    statuses: dict[str, int] = {status.value: 0 for status in lifecycle.Status}
    states: dict[str, int] = {state.value: 0 for state in InvitationState}
    vectors = _SeededVectors()
    def make(batch: list[_Slot]) -> tuple[list[_Draft], list[_LearningDraft], list[_PartnerDraft]]:
        drafts = [maker.make(slot) for slot in batch]
        return drafts, [learner.make(draft) for draft in drafts], [inviter.make(draft) for draft in drafts]

    for drafts, learning, invited in _made_ahead(make, _batches(_numbered(_report_times(rng, debriefs, now)),
                                                                batch_size)):
        for name, count in _insert(drafts, learning, invited, vectors).items():
            totals[name] += count
        for draft in learning:
            for recommendation in draft.recommendations:
                statuses[recommendation.row["status"]] += 1
        for partner_draft in invited:
            for invitation in partner_draft.invitations:
                states[invitation.state.value] += 1
        db.session.commit()
        if progress:
            progress(totals["debriefs"])
    _refresh_planner_statistics()
    return SeedResult(**totals, users_created=users.created, reviewers=_emails(reviewers), owners=_emails(owners),
                      learning_team=_emails(learning_team), board=_emails(board), several=several[0][1],
                      statuses=statuses,
                      agencies=len(partners.agencies), agencies_created=partners.created, invitation_states=states,
                      embedding_seconds=vectors.seconds, seconds=time.perf_counter() - started)


def distinct_texts() -> list[str]:
    """Every text a seeded recommendation can have, sorted."""
    return sorted({template.format(agency=agency, team=team) for templates in RECOMMENDATION_TEXTS.values()
                   for template in templates for agency in AGENCIES for team in TEAMS})


# Every seeded text's vector row values, by text: the model runs once per process.
_EMBEDDED: dict[str, dict[str, bytes]] = {}


class _SeededVectors:
    """A seeded recommendation's `recommendation_vectors` values, by its text. Every distinct text is
    embedded in one go (about 300 texts), so a text's vector does not depend on which others shared
    its batch, and the same seed gives the same bytes; in a thread of its own from the start (NumPy
    lets other threads run while it multiplies), so that the first batch is invented meanwhile."""

    def __init__(self) -> None:
        self.seconds = 0.0  # spent running the model
        pool = ThreadPoolExecutor(max_workers=1)
        self._first = pool.submit(self._embed, [text for text in distinct_texts() if text not in _EMBEDDED])
        pool.shutdown(wait=False)  # the thread ends when the texts are embedded

    def rows(self, items: list[tuple[int, str]]) -> list[dict[str, Any]]:
        """(recommendation id, text) to rows for `recommendation_vectors`."""
        self._first.result()
        self._embed(sorted({text for _, text in items if text not in _EMBEDDED}))  # templates changed
        return [{"recommendation_id": recommendation_id, **_EMBEDDED[text]} for recommendation_id, text in items]

    def _embed(self, texts: list[str]) -> None:
        if texts:
            started = time.perf_counter()
            with one_blas_thread():
                embeddings = embed(texts)
            _EMBEDDED.update(zip(texts, map(similarity.columns, embeddings), strict=True))
            self.seconds += time.perf_counter() - started


# Who and what -----------------------------------------------------------------------------------


def _emails(users: list[tuple[int, str]]) -> tuple[str, ...]:
    return tuple(email for _, email in users)


def _reviewer_name(n: int) -> str:
    return f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 7) % len(LAST_NAMES)]}"


def _person_name(n: int) -> str:
    return f"{FIRST_NAMES[(n * 3) % len(FIRST_NAMES)]} {LAST_NAMES[(n * 11 + n // len(FIRST_NAMES)) % len(LAST_NAMES)]}"


class _SeededUsers:
    """The seeded users, found again or created. The first one created goes through the accounts
    service, which hashes the seed password; the others get that same hash (one known password for
    all of them), with the same roles and the same "created" audit event the service writes."""

    def __init__(self) -> None:
        self.created = 0
        self._password_hash: str | None = None

    def ensure(self, kind: str, count: int, roles: list[str], name_of: Callable[[int], str], *,
               chair_first: bool = False) -> list[tuple[int, str]]:
        """The seeded users `<kind>-001@...` to `<kind>-<count>@...` as (id, email)."""
        emails = [seeded_email(kind, n) for n in range(1, count + 1)]
        found = dict(db.session.execute(sa.select(User.email, User.id).where(User.email.in_(emails))).all())
        users = []
        for n, email in enumerate(emails, start=1):
            if email not in found:
                found[email] = self._create(email, name_of(n), roles, chair=chair_first and n == 1)
            users.append((found[email], email))
        return users

    def _create(self, email: str, name: str, roles: list[str], *, chair: bool) -> int:
        self.created += 1
        if self._password_hash is None:
            user = accounts.create_user(email=email, name=name, roles=roles, password=SEED_PASSWORD, actor=None,
                                        is_board_chair=chair)
            self._password_hash = user.password_hash
            return user.id
        user = User(email=email, name=name, password_hash=self._password_hash,
                    is_board_chair=chair, roles=[UserRole(role=role) for role in sorted(roles)])
        db.session.add(user)
        db.session.flush()
        audit.record(None, "created", "user", user.id, {"email": email, "name": name, "roles": sorted(roles),
                                                         "is_board_chair": chair})
        return user.id


@dataclass(frozen=True)
class _SeededAgency:
    id: int
    name: str
    group: str  # what it does: a key of SEED_AGENCIES
    contacts: tuple[tuple[str, str], ...]  # (name, email) of the people invited there


class _SeededAgencies:
    """The seeded agencies, found again by name (whatever its case, as the app finds them) or added
    through the agencies service, which writes its "created" audit event. A withdrawn one is left out:
    the app refuses to invite it."""

    def __init__(self) -> None:
        listed = [(group, name, kind) for group, members in SEED_AGENCIES.items() for name, kind in members]
        self.created = 0
        self.agencies: list[_SeededAgency] = []
        for n, (group, name, kind) in enumerate(listed):
            agency = agencies.find(name)
            if agency is None:
                agency = agencies.add(name=name, kind=kind.value, actor=None)
                self.created += 1
            if agency.active:
                self.agencies.append(_SeededAgency(agency.id, agency.name, group, _contacts(n, agency.name)))
        if not self.agencies:
            raise ValidationFailed({"agencies": "Every seeded agency has been withdrawn; there is no one to invite"})


def _contacts(n: int, agency: str) -> tuple[tuple[str, str], ...]:
    """The `n`th seeded agency's contacts, the same every time."""
    slug = re.sub("[^a-z0-9]+", "-", agency.lower().replace("'", "")).strip("-")
    domain = f"{slug}.{PARTNER_EMAIL_DOMAIN}"
    people = [(FIRST_NAMES[(n * 7 + k * 3) % len(FIRST_NAMES)], LAST_NAMES[(n * 3 + k * 7) % len(LAST_NAMES)])
              for k in range(CONTACTS_PER_AGENCY)]
    return tuple((f"{first} {last}", f"{first}.{last}@{domain}".lower()) for first, last in people)


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


def _made_ahead(make: Callable[[_In], _Out], inputs: Iterable[_In]) -> Iterator[_Out]:
    """`make(input)` for each of `inputs`, in order, each made in a thread of its own (in the app's
    context) while the caller writes the one before: the database takes in one batch while the next
    is invented. One thread, one call at a time: the random streams are drawn in the same order."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run(item: _In) -> _Out:
        with app.app_context():
            return make(item)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        for item in inputs:
            submitted = pool.submit(run, item)
            if pending is not None:
                yield pending.result()
            pending = submitted
        if pending is not None:
            yield pending.result()


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
        self._dates: dict[tuple[int, int, int, int], date] = {}

    def __call__(self, unit: str, length: int, start: date) -> date:
        key = (unit, length, start)
        if key not in self._known:
            self._known[key] = clocks.due_date_for(unit, length, start, self._calendar)
        return self._known[key]

    def end_of(self, day: date) -> datetime:
        if day not in self._ends:
            self._ends[day] = end_of_day(day)
        return self._ends[day]

    def london(self, at: datetime) -> date:
        """`london_date`, once per UTC hour: London is a whole number of hours from UTC, and its
        clocks change on the hour."""
        if at.tzinfo is not timezone.utc:
            return london_date(at)
        key = (at.year, at.month, at.day, at.hour)
        if key not in self._dates:
            self._dates[key] = london_date(at)
        return self._dates[key]


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


_PICKS: dict[int, tuple[dict[Any, int], list[Any], list[int], float, int]] = {}


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    """`rng.choices(list(weights), weights=list(weights.values()))[0]`: the same draw from the same
    random number, with the weights added up once per dict instead of on every call."""
    known = _PICKS.get(id(weights))
    if known is None or known[0] is not weights:
        cumulative = list(accumulate(weights.values()))
        known = _PICKS[id(weights)] = (weights, list(weights), cumulative, cumulative[-1] + 0.0, len(cumulative) - 1)
    _, population, cumulative, total, last = known
    return population[bisect(cumulative, rng.random() * total, 0, last)]


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
        audit = {"at": slot.created_at, "actor_id": reviewer_id, "invitation_id": None, "actor_label": reviewer_email,
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
    reference = Debrief.numbered(debrief["reference_year"], debrief["reference_number"])
    changes: dict[str, Any] = {"reference": reference}
    for name in ("incident_type_code", "crime_reference", "operation_name", "occurred_at", "reported_at",
                 "area", "summary", "partner_briefing", "victim_age", "victim_sex", "relationship_to_suspect",
                 "domestic", "weapon", "prior_police_contact"):
        value = debrief[name]
        changes["incident_type" if name == "incident_type_code" else name] = (
            value.isoformat() if isinstance(value, datetime) else value)
    changes["themes"] = themes
    return changes


# Lessons, recommendations and what follows them -----------------------------------------------------


@dataclass
class _RecommendationDraft:
    """A recommendation's rows before it has an id."""

    row: dict[str, Any]
    lessons: list[int]  # positions in its debrief's lessons
    clocks: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    products: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    added: dict[str, Any]  # its "recommendation_added" audit event, but for its id and its lessons' ids


@dataclass
class _LearningDraft:
    lessons: list[dict[str, Any]]
    recommendations: list[_RecommendationDraft]


def _seconds(at: datetime) -> datetime:
    return at.replace(microsecond=0)


def _between(rng: random.Random, start: datetime, end: datetime, low: float = 0.0, high: float = 1.0) -> datetime:
    return _seconds(start + (end - start) * rng.uniform(low, high))


def _days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=int(rng.uniform(low, high) * 24 * 60))


class _LearningMaker:
    """Invents what a debrief's meeting learned and recommended, and how far each recommendation got
    by now: the whole story is drawn first (when the owner responds, asks for closure, when the board
    decides), then cut at `now`, so status, notes, products, decisions and clocks always agree."""

    def __init__(self, rng: random.Random, now: datetime, kinds: list[IncidentType], owners: list[tuple[int, str]],
                 learning_team: list[tuple[int, str]], board: list[tuple[int, str]], due_dates: _DueDates) -> None:
        self.rng, self.now, self.due_dates = rng, now, due_dates
        self.homicides = {k.code for k in kinds if k.is_homicide}
        self.owners = [user_id for user_id, _ in owners]
        self.owner_emails = dict(owners)
        self.learning_team = [user_id for user_id, _ in learning_team]
        self.board = [user_id for user_id, _ in board]
        self.rules = [rule for kind in RECOMMENDATION_CLOCKS if (rule := clocks.policy().rule(kind)) is not None]
        self.response_rule = clocks.policy().rule("recommendation_response")
        self.categories = {c: w for c, w in LESSON_CATEGORIES.items() if c is not LessonCategory.NOTABLE_PRACTICE}
        # REC-<year>-<n> after the highest of each year, like the debriefs' references.
        self.highest: dict[int, int] = dict(db.session.execute(
            sa.select(Recommendation.reference_year, sa.func.max(Recommendation.reference_number))
            .group_by(Recommendation.reference_year)).all())

    def make(self, draft: _Draft) -> _LearningDraft:
        held = draft.debrief["meeting_held_at"]
        if held is None:  # no meeting yet: nothing learned or recommended yet
            return _LearningDraft([], [])
        rng, debrief = self.rng, draft.debrief
        latest = self.now - timedelta(minutes=1)
        lessons = []
        for _ in range(_pick(rng, LESSON_COUNTS)):
            category = _pick(rng, LESSON_CATEGORIES)
            themes = sorted(rng.sample(draft.themes, rng.randint(1, len(draft.themes))))
            lessons.append({"text": rng.choice(LESSON_TEXTS[category]).format(agency=rng.choice(AGENCIES)),
                            "category": category.value, "themes": themes, "contribution_id": None,
                            "created_by_id": debrief["reviewer_id"],
                            "created_at": max(held, min(_seconds(held + timedelta(minutes=rng.randint(10, 180))),
                                                        latest))})
        # Recommendations are allocated within days of the meeting (sooner if the meeting was just now).
        first = held + timedelta(minutes=rng.randint(120, 10 * 24 * 60))
        if first > latest:
            first = held + (self.now - held) * rng.uniform(0.2, 0.8)
        count = _pick(rng, RECOMMENDATION_COUNTS[debrief["incident_type_code"] in self.homicides])
        recommendations = []
        for n in range(count):
            created = max(held, min(_seconds(first + timedelta(minutes=n * rng.randint(2, 15))), latest))
            linked = rng.sample(range(len(lessons)), min(len(lessons), _pick(rng, LINKED_LESSONS))) if lessons else []
            category = (LessonCategory(lessons[linked[0]]["category"]) if linked else _pick(rng, self.categories))
            recommendations.append(self._recommendation(created, category, linked, debrief,
                                                        draft.audit["actor_label"]))
        return _LearningDraft(lessons, recommendations)

    def _recommendation(self, created: datetime, category: LessonCategory, linked: list[int],
                        debrief: dict[str, Any], reviewer: str) -> _RecommendationDraft:
        rng, now = self.rng, self.now
        priority = _pick(rng, PRIORITIES)
        created_on = self.due_dates.london(created)
        due = add_months(created_on, rng.choice(DUE_IN_MONTHS[priority]))
        year = created_on.year
        self.highest[year] = self.highest.get(year, 0) + 1
        row = {"reference_year": year, "reference_number": self.highest[year], "debrief_id": None,
               "text": rng.choice(RECOMMENDATION_TEXTS[category]).format(agency=rng.choice(AGENCIES),
                                                                         team=rng.choice(TEAMS)),
               "owner_id": rng.choice(self.owners), "due_date": due, "priority": priority.value,
               "source": _pick(rng, SOURCES).value, "status": lifecycle.Status.OPEN.value, "closure_code": None,
               "created_by_id": debrief["reviewer_id"], "created_at": created, "updated_at": created,
               "closed_at": None, "version": 1}
        owner = row["owner_id"]
        # What the app records when the reviewer adds it (recommendations.create), as first entered.
        added = {"at": created, "actor_id": row["created_by_id"], "invitation_id": None, "actor_label": reviewer,
                 "action": "recommendation_added", "entity": "recommendation",
                 "changes": {"reference": Recommendation.numbered(year, row["reference_number"]), "text": row["text"],
                             "owner": self.owner_emails[owner], "due_date": due.isoformat(),
                             "priority": row["priority"]}}

        # The story, start to finish. --------------------------------------------------------------
        response_due = (self._due(self.response_rule, created, due)[2] if self.response_rule
                        else self.due_dates.end_of(due))
        responded: datetime | None = (_between(rng, created, response_due, 0.05, 0.95)
                                      if rng.random() < RESPONDED_ON_TIME
                                      else _seconds(response_due + _days(rng, 0.5, 40)))
        due_at = self.due_dates.end_of(due)
        stalled = rng.random() < STALLED_SHARE
        code = _pick(rng, CLOSURE_CODES)
        extended: tuple[datetime, date] | None = None
        if stalled:
            # Never delivered; years later the owner gives up and the board closes it.
            if rng.random() < STALLED_UNANSWERED:
                responded = None
            completions = [_seconds(due_at + _days(rng, *HOUSEKEEPING_AFTER_DAYS))]
            responded = responded or completions[0] - timedelta(days=1)
            code = lifecycle.ClosureCode.NOT_IMPLEMENTED
        elif rng.random() < COMPLETED_ON_TIME:
            completions = [_between(rng, created, due_at, 0.35, 0.97)]
        else:
            completions = [_seconds(due_at + timedelta(minutes=int(min(rng.expovariate(1 / 45), 365) * 24 * 60)))]
            if rng.random() < EXTENDED_SHARE:  # the board gave more time before the due date
                extended = (_seconds(max(created, due_at - _days(rng, 1, 28))),
                            add_months(due, rng.choice((1, 2, 3))))
        if completions[0] <= responded:
            completions[0] = _seconds(responded + _days(rng, 1, 30))
        rejected = None
        if not stalled and rng.random() < REJECTED_SHARE:
            rejected = _seconds(completions[0] + _days(rng, 7, 45))
            completions.append(_seconds(rejected + _days(rng, 7, 60)))
        closed = _seconds(completions[-1] + _days(rng, 3, 45))
        awareness_only = code in (lifecycle.ClosureCode.IMPLEMENTED, lifecycle.ClosureCode.ALTERNATIVE_ACTION) \
            and not stalled and rng.random() < AWARENESS_ONLY_SHARE
        rationale = self._rationale(code, awareness_only)

        # Cut at now. --------------------------------------------------------------------------------
        board_member = rng.choice(self.board)
        events: list[tuple[datetime, str]] = []  # the changes that each added a version
        updates, decisions = [], []

        def update(kind: str, text: str, at: datetime) -> None:
            if at < now:
                updates.append({"kind": kind, "text": text, "author_id": owner, "at": at})
                events.append((at, kind))

        def decide(decision: str, at: datetime, **values: Any) -> None:
            if at < now:
                decisions.append({"decision": decision, "closure_code": None, "rationale": None,
                                  "new_due_date": None, "decided_by_id": board_member, "decided_at": at,
                                  "details": {}, **values})
                events.append((at, decision))

        update("response", rng.choice(RESPONSES).format(plan=rng.choice(PLANS), due=f"{due:%-d %B %Y}"), responded)
        if extended and extended[0] < now:
            decide("extend", extended[0], rationale=rng.choice(EXTENSIONS), new_due_date=extended[1])
            row["due_date"] = due = extended[1]
        progress_until = completions[0] if not stalled else min(completions[0], responded + timedelta(days=365))
        for at in sorted(_between(rng, responded, progress_until, 0.1, 0.9)
                         for _ in range(_pick(rng, PROGRESS_NOTES))):
            update("progress", rng.choice(PROGRESS), at)
        if not stalled and rng.random() < EVIDENCE_SHARE:
            update("evidence", rng.choice(EVIDENCE), _between(rng, responded, completions[0], 0.9, 0.99))
        done = NOT_DONE if code is lifecycle.ClosureCode.NOT_IMPLEMENTED else COMPLETIONS
        update("completion", rng.choice(done), completions[0])
        if rejected:
            decide("reject_closure", rejected, rationale=rng.choice(REJECTIONS))
            update("completion", rng.choice(done), completions[1])
        decide("close", closed, closure_code=code.value, rationale=rationale)

        status = lifecycle.Status.OPEN
        if responded < now:
            status = lifecycle.Status.IN_PROGRESS
        if completions[0] < now:
            status = lifecycle.Status.AWAITING_CLOSURE
        if rejected and rejected < now:
            status = lifecycle.Status.IN_PROGRESS
            if completions[1] < now:
                status = lifecycle.Status.AWAITING_CLOSURE
        if closed < now:
            status = lifecycle.Status.CLOSED
            row.update(closure_code=code.value, closed_at=closed)
        row["status"] = status.value
        row["version"] = 1 + len(events)
        row["updated_at"] = max([created, *(at for at, _ in events)])

        products = self._products(category, responded, completions[0], stalled, code, awareness_only)
        met = [at for at in completions if at < now]
        due_met = met[-1] if status in (lifecycle.Status.AWAITING_CLOSURE, lifecycle.Status.CLOSED) else None
        clock_rows = []
        for rule in self.rules:
            base, due_date, due_time = self._due(rule, created, due)
            met_at = (responded if responded < now else None) if rule.kind == "recommendation_response" else due_met
            # Not paused or extended, and not a debrief's (its other columns are left NULL).
            clock_rows.append({"kind": rule.kind, "label": rule.label, "source": rule.source, "unit": rule.unit,
                               "length": rule.length, "started_at": created, "base_due_date": base,
                               "due_date": due_date, "due_at": due_time, "met_at": met_at})
        return _RecommendationDraft(row, linked, clock_rows, updates, products, decisions, added)

    def _due(self, rule: ClockRule, start: datetime, due: date) -> tuple[date, date, datetime]:
        """(base due date, due date, due time) of a recommendation's clock, by the policy's rule: the
        date the reviewer set for `due_date` clocks, else `clocks.due_date_for`."""
        base = due if rule.unit == "due_date" else self.due_dates(rule.unit, rule.length, self.due_dates.london(start))
        return base, base, self.due_dates.end_of(base)

    def _rationale(self, code: lifecycle.ClosureCode, awareness_only: bool) -> str | None:
        rng = self.rng
        if awareness_only:
            return rng.choice(RATIONALES["awareness"])
        if code is lifecycle.ClosureCode.NOT_IMPLEMENTED or (code in RATIONALES and rng.random() < 0.8):
            return rng.choice(RATIONALES[code])
        return None

    def _products(self, category: LessonCategory, responded: datetime, completed: datetime, stalled: bool,
                  code: lifecycle.ClosureCode, awareness_only: bool) -> list[dict[str, Any]]:
        """The learning team's products, drawn after the owner's response: delivered before the owner
        asks for closure when the recommendation was implemented, never delivered when it was not."""
        rng = self.rng
        implemented = not stalled and code in (lifecycle.ClosureCode.IMPLEMENTED,
                                               lifecycle.ClosureCode.ALTERNATIVE_ACTION)
        plans: list[tuple[str, float]] = []  # (kind, when it is delivered: a share of the time to completion)
        if awareness_only:
            plans.append((_pick(rng, AWARENESS_KINDS), rng.uniform(0.4, 0.95)))
        elif implemented:
            plans.append((_pick(rng, PRODUCT_KINDS), rng.uniform(0.4, 0.95)))
            if rng.random() < EXTRA_AWARENESS_SHARE:  # an article or bulletin as well, around the same time
                plans.append((_pick(rng, AWARENESS_KINDS), rng.uniform(0.5, 1.2)))
            if rng.random() < SECOND_PRODUCT_SHARE:  # a second product, sometimes after the closure
                plans.append((_pick(rng, PRODUCT_KINDS), rng.uniform(0.6, 1.5)))
        elif rng.random() < NEVER_DELIVERED.get(code, NEVER_DELIVERED[None]) or (stalled and rng.random() < 0.3):
            plans.append((_pick(rng, PRODUCT_KINDS), 0.0))  # planned, never delivered
        rows = []
        for kind, delivery in plans:
            made = _between(rng, responded, completed, 0.05, 0.4)
            if made >= self.now:
                continue
            low, high = TARGET_COUNTS.get(kind, (50, 1_000))
            target = rng.randint(low, high)
            product = {"kind": kind, "title": f"{KIND_TITLES.get(kind, kind)}: {TOPICS[category]}",
                       "audience": list(rng.choice(AUDIENCE_GROUPS)), "target_count": target,
                       "status": "planned", "delivered_on": None, "reached_count": None, "evidence": None,
                       "created_by_id": rng.choice(self.learning_team), "created_at": made}
            delivered = _seconds(made + (completed - made) * delivery) if delivery else None
            if delivered is not None and delivered < self.now:
                evaluated = rng.random() < EVALUATED_SHARE and delivered + timedelta(days=120) < self.now
                product.update(status="evaluated" if evaluated else "delivered",
                               delivered_on=self.due_dates.london(delivered),
                               reached_count=int(target * rng.uniform(0.55, 1.0)),
                               evidence=rng.choice(EVIDENCE) if rng.random() < 0.7 else None)
            elif rng.random() < 0.5:
                product["status"] = "in_development"
            rows.append(product)
        return rows


# Partners: whom a debrief invites, and what they do with the link -----------------------------------


@dataclass
class _InvitationDraft:
    """An invitation's rows before it has an id."""

    row: dict[str, Any]
    agency: str
    state: InvitationState  # at `now`, by the model's own rule
    clock: dict[str, Any] | None  # its contribution deadline
    contributions: list[dict[str, Any]]
    events: list[tuple[datetime, str, dict[str, Any], bool]]  # (at, action, changes, by the partner)


@dataclass
class _PartnerDraft:
    reviewer: str  # who invited them, as the audit history names them
    invitations: list[_InvitationDraft]


class _Times(NamedTuple):
    """What `Invitation.state_at` reads, without building an ORM object per seeded invitation."""

    expires_at: datetime
    opened_at: datetime | None
    responded_at: datetime | None
    revoked_at: datetime | None


class _PartnerMaker:
    """Invents whom a debrief invites and what each partner did with the link: the whole story is drawn
    first (opened, answered or not, withdrawn), then cut at `now`. When the link expires is the
    invitations service's rule, when the contribution is due the policy's; the secret link itself is
    never made (see `_token_hash`)."""

    def __init__(self, rng: random.Random, now: datetime, kinds: list[IncidentType], seeded: _SeededAgencies,
                 due_dates: _DueDates) -> None:
        self.rng, self.now, self.due_dates = rng, now, due_dates
        self.homicides = {k.code for k in kinds if k.is_homicide}
        self.agencies = seeded.agencies
        self.groups: dict[str, list[int]] = {}  # positions in `agencies`, by what they do
        for n, agency in enumerate(self.agencies):
            self.groups.setdefault(agency.group, []).append(n)
        self.rule = clocks.policy().rule(PARTNER_CLOCK)
        self._weights: dict[tuple[str, ...], dict[int, float]] = {}

    def make(self, draft: _Draft) -> _PartnerDraft:
        rng, debrief = self.rng, draft.debrief
        age = debrief["victim_age"]
        needs = tuple(need for need, applies in (
            ("domestic", debrief["domestic"]), ("child", age is not None and age < 18),
            ("older", age is not None and age >= 70), ("drugs", "drugs" in draft.themes),
            ("violence", "serious_violence" in draft.themes), ("known", debrief["prior_police_contact"])) if applies)
        wanted = _pick(rng, INVITATION_COUNTS[debrief["incident_type_code"] in self.homicides or "child" in needs])
        chosen: list[int] = []
        lead = next((self.groups[LEAD_GROUP[need]] for need in LEAD_GROUP if need in needs
                     and LEAD_GROUP[need] in self.groups), None)
        if lead:
            chosen.append(rng.choice(lead))
        weights = self._weights_for(needs)
        for _ in range(4 * wanted):  # never loops forever when few agencies are left
            if len(chosen) >= min(wanted, len(self.agencies)):
                break
            if (n := _pick(rng, weights)) not in chosen:
                chosen.append(n)

        # Sent one after another within hours of the debrief being opened (sooner if that was just now).
        start, latest = debrief["created_at"], self.now - timedelta(minutes=1)
        at = start + timedelta(minutes=min(int(rng.expovariate(1 / FIRST_INVITATION_MINUTES)), MINUTES_IN_3_DAYS))
        if at > latest:
            at = start + (self.now - start) * rng.uniform(0.2, 0.8)
        reference = Debrief.numbered(debrief["reference_year"], debrief["reference_number"])
        made = []
        for position, n in enumerate(chosen, start=1):
            at += timedelta(minutes=rng.randint(2, 20))
            if rng.random() < LATE_INVITATION_SHARE:
                at += _days(rng, 1, 5)
            sent = max(start, min(_seconds(at), latest))
            made.append(self._invitation(self.agencies[n], sent, debrief, _token_hash(rng, reference, position)))
        return _PartnerDraft(draft.audit["actor_label"], made)

    def _weights_for(self, needs: tuple[str, ...]) -> dict[int, float]:
        """How likely each agency is to be invited for these needs: its group's weight, shared by the
        group's agencies. One dict per combination of needs (`_pick` adds each up once)."""
        if needs not in self._weights:
            groups = dict(INVITED_GROUPS)
            for need in needs:
                for group, weight in INVITED_FOR[need].items():
                    groups[group] = groups.get(group, 0) + weight
            weights = {n: groups.get(group, 0) / len(members)
                       for group, members in self.groups.items() for n in members}
            if not any(weights.values()):  # only agencies nobody asks for are left: any of them
                weights = dict.fromkeys(weights, 1.0)
            self._weights[needs] = weights
        return self._weights[needs]

    def _invitation(self, agency: _SeededAgency, sent: datetime, debrief: dict[str, Any],
                    token_hash: str) -> _InvitationDraft:
        rng, now = self.rng, self.now
        contact, email = rng.choice(agency.contacts)
        expires = invitations.expires_at_for(sent)
        clock = self._clock(agency, sent)
        due_at = min(clock["due_at"], expires) if clock else expires

        # The story, start to finish. -------------------------------------------------------------
        opened = responded = revoked = None
        versions: list[datetime] = []
        if rng.random() < REVOKED_SHARE:
            revoked = _between(rng, sent, min(sent + timedelta(days=4), expires), 0.01, 0.99)
            if rng.random() < 0.3:
                opened = _between(rng, sent, revoked, 0.1, 0.9)
        elif rng.random() < RESPONDED_SHARE:
            responded = (_between(rng, sent, due_at, 0.02, 0.98) if rng.random() < PARTNER_ON_TIME
                         else _between(rng, due_at, expires, 0.01, 0.95))
            opened = (_seconds(responded - timedelta(minutes=rng.randint(5, 90))) if rng.random() < SAME_SITTING
                      else _between(rng, sent, responded, 0.02, 0.8))
            opened = max(opened, sent)
            versions.append(responded)
            if rng.random() < SECOND_VERSION_SHARE:
                versions.append(_between(rng, responded, expires, 0.05, 0.95))
        elif rng.random() < OPENED_UNANSWERED:
            opened = _between(rng, sent, expires, 0.01, 0.6)

        # Cut at now. -------------------------------------------------------------------------------
        if opened is not None and opened >= now:
            opened = None
        if responded is not None and responded >= now:
            responded = None
        if revoked is not None and revoked >= now:
            revoked = None
        row = {"agency_id": agency.id, "contact_email": email, "contact_name": contact, "token_hash": token_hash,
               "previous_token_hash": None, "last_reminded_at": None, "invited_by_id": debrief["reviewer_id"],
               "created_at": sent, "delivered_at": sent, "expires_at": expires, "opened_at": opened,
               "responded_at": responded,
               "revoked_at": revoked}
        events = [(sent, "invitation_sent", {"agency": agency.name, "email": email}, False)]
        contributions: list[dict[str, Any]] = []
        for at in versions:
            if at < now:
                contributions.append(self._contribution(len(contributions) + 1, at, debrief,
                                                        contributions[-1] if contributions else None))
                events.append((at, "contribution_submitted", {"version": len(contributions)}, True))
        if revoked:
            events.append((revoked, "invitation_revoked", {"agency": agency.name}, False))
        if clock:
            clock["met_at"] = responded  # the first contribution meets it
        state = Invitation.state_at(_Times(expires, opened, responded, revoked), now)  # type: ignore[arg-type]
        return _InvitationDraft(row, agency.name, state, clock, contributions, events)

    def _clock(self, agency: _SeededAgency, sent: datetime) -> dict[str, Any] | None:
        """The invitation's contribution deadline, as `clocks.start_partner_clock` starts it: a seeded
        debrief has no meeting planned, so it runs the policy's length from the day it was sent."""
        rule = self.rule
        if rule is None:
            return None
        due = self.due_dates(rule.unit, rule.length, self.due_dates.london(sent))
        return {"kind": rule.kind, "label": clocks.partner_clock_label(rule, agency.name), "source": rule.source,
                "unit": rule.unit, "length": rule.length, "waits_for": None,
                "days_before_meeting": rule.days_before_meeting, "started_at": sent, "base_due_date": due,
                "due_date": due, "due_at": self.due_dates.end_of(due), "met_at": None, "paused_at": None,
                "pause_reason": None, "extension_reason": None}

    def _contribution(self, version: int, at: datetime, debrief: dict[str, Any],
                      before: dict[str, Any] | None) -> dict[str, Any]:
        """What the partner sent; a second version keeps the first's answers, adding what a further
        search of their records found."""
        rng = self.rng
        if before is None:
            known = debrief["prior_police_contact"] or debrief["domestic"]
            prior = _pick(rng, PRIOR_CONTACT_ANSWERS[known])
            attending = rng.random() < ATTENDING_SHARE
            learning = rng.choice(PARTNER_LEARNING) if rng.random() < PARTNER_LEARNING_SHARE else None
        else:
            attending, learning = before["attending"], before["learning"]
            prior = "yes" if before["prior_contact"] == "unknown" and rng.random() < 0.6 else before["prior_contact"]
        summary = None
        if prior == "yes":  # the app keeps a summary only when there was contact
            summary = rng.choice(CONTACT_SUMMARIES).format(count=rng.randint(2, 9), months=rng.randint(1, 18))
            summary = f"{REVISED}{summary}" if before is not None else summary
        return {"version": version, "submitted_at": at, "attending": attending, "prior_contact": prior,
                "contact_summary": summary, "learning": learning}


def _token_hash(rng: random.Random, reference: str, position: int) -> str:
    """A seeded invitation's `token_hash`: 64 hex digits that no link opens. It is not the SHA-256 of
    anything (a keyed BLAKE2b of the debrief's reference), so nobody holds a secret for it, and it is
    unique because the reference is; the key comes from the seed, so the same seed gives the same."""
    key = rng.getrandbits(128).to_bytes(16, "big")
    return hashlib.blake2b(f"{reference}/{position}".encode(), key=key, digest_size=32).hexdigest()


# Writing ------------------------------------------------------------------------------------------


def _insert(drafts: list[_Draft], learning: list[_LearningDraft], partners: list[_PartnerDraft],
            vectors: _SeededVectors) -> dict[str, int]:
    """One batch: the debriefs, then every row that points at them; the lessons, then the
    recommendations, then every row that points at those; the invitations, then theirs; and last the
    audit events of all of them."""
    _execute(Debrief, [d.debrief for d in drafts])
    # Ids found again by the unique crime reference: RETURNING in parameter order makes SQLite
    # insert one row per statement (and PostgreSQL three times slower than without RETURNING).
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
    for model, rows in ((Clock, clock_rows), (DebriefTheme, theme_rows), (MeetingAttendee, attendee_rows)):
        _execute(model, rows)
    counts = {"debriefs": len(ids), "clocks": len(clock_rows), "themes": len(theme_rows),
              "attendees": len(attendee_rows)}
    counts |= _insert_learning(ids, learning, vectors, audit_rows)
    counts |= _insert_partners(ids, partners, audit_rows)
    _execute(AuditEvent, audit_rows)
    return counts | {"audit_events": len(audit_rows)}


def _insert_learning(debrief_ids: list[int], learning: list[_LearningDraft], vectors: _SeededVectors,
                     audit_rows: list[dict[str, Any]]) -> dict[str, int]:
    """Also adds each recommendation's "recommendation_added" event to `audit_rows`."""
    _execute(Lesson, [{**lesson, "debrief_id": debrief_id}
                      for debrief_id, draft in zip(debrief_ids, learning, strict=True) for lesson in draft.lessons])
    # A debrief's lessons in the order they were inserted (this batch's debriefs are all new).
    lesson_ids: dict[int, list[int]] = {}
    if any(draft.lessons for draft in learning):
        for lesson_id, debrief_id in db.session.execute(
                sa.select(Lesson.id, Lesson.debrief_id).where(Lesson.debrief_id.in_(debrief_ids)).order_by(Lesson.id)):
            lesson_ids.setdefault(debrief_id, []).append(lesson_id)
    recommendations = [(debrief_id, r) for debrief_id, draft in zip(debrief_ids, learning, strict=True)
                       for r in draft.recommendations]
    _execute(Recommendation, [{**r.row, "debrief_id": debrief_id} for debrief_id, r in recommendations])
    # Ids found again by the unique reference: this batch's numbers of each year are one range.
    ranges: dict[int, tuple[int, int]] = {}
    for _, r in recommendations:
        year, number = r.row["reference_year"], r.row["reference_number"]
        low, high = ranges.get(year, (number, number))
        ranges[year] = (min(low, number), max(high, number))
    id_of = {}
    for year, (low, high) in ranges.items():
        id_of.update(((year, number), id_) for number, id_ in db.session.execute(
            sa.select(Recommendation.reference_number, Recommendation.id)
            .where(Recommendation.reference_year == year, Recommendation.reference_number.between(low, high))))
    clock_rows, link_rows, update_rows, product_rows, decision_rows, texts = [], [], [], [], [], []
    for debrief_id, r in recommendations:
        rid = id_of[(r.row["reference_year"], r.row["reference_number"])]
        texts.append((rid, r.row["text"]))
        clock_rows += [{**row, "recommendation_id": rid} for row in r.clocks]
        update_rows += [{**row, "recommendation_id": rid} for row in r.updates]
        product_rows += [{**row, "recommendation_id": rid} for row in r.products]
        decision_rows += [{**row, "recommendation_id": rid} for row in r.decisions]
        linked = [lesson_ids[debrief_id][n] for n in r.lessons]
        link_rows += [{"recommendation_id": rid, "lesson_id": lesson_id} for lesson_id in linked]
        audit_rows.append({**r.added, "changes": {**r.added["changes"], "lessons": linked}, "entity_id": rid,
                           "debrief_id": debrief_id})
    vector_rows = vectors.rows(texts)
    for table, rows in ((Clock, clock_rows), (recommendation_lessons, link_rows), (RecommendationUpdate, update_rows),
                        (LearningProduct, product_rows), (BoardDecision, decision_rows),
                        (RecommendationVector, vector_rows)):
        _execute(table, rows)
    return {"lessons": sum(len(d.lessons) for d in learning), "recommendations": len(recommendations),
            "recommendation_clocks": len(clock_rows), "lesson_links": len(link_rows), "updates": len(update_rows),
            "products": len(product_rows), "decisions": len(decision_rows), "vectors": len(vector_rows)}


def _insert_partners(debrief_ids: list[int], partners: list[_PartnerDraft], audit_rows: list[dict[str, Any]]
                     ) -> dict[str, int]:
    """The invitations, then their deadlines and contributions; their audit events go to `audit_rows`,
    the partner's own as the app writes them (by the invitation, under the agency's name)."""
    _execute(Invitation, [{**invitation.row, "debrief_id": debrief_id}
                          for debrief_id, draft in zip(debrief_ids, partners, strict=True)
                          for invitation in draft.invitations])
    # Ids found again by the unique token hash, among this batch's debriefs (all new).
    id_of = dict(db.session.execute(sa.select(Invitation.token_hash, Invitation.id)
                                    .where(Invitation.debrief_id.in_(debrief_ids))).all())
    clock_rows, contribution_rows = [], []
    for debrief_id, draft in zip(debrief_ids, partners, strict=True):
        for invitation in draft.invitations:
            iid = id_of[invitation.row["token_hash"]]
            if invitation.clock:
                clock_rows.append({**invitation.clock, "debrief_id": debrief_id, "invitation_id": iid})
            contribution_rows += [{**row, "invitation_id": iid} for row in invitation.contributions]
            reviewer_id, partner = invitation.row["invited_by_id"], audit.partner_label(invitation.agency, iid)
            audit_rows += [{"at": at, "actor_id": None if by_partner else reviewer_id,
                            "invitation_id": iid if by_partner else None,
                            "actor_label": partner if by_partner else draft.reviewer, "action": action,
                            "entity": "invitation", "entity_id": iid, "changes": changes, "debrief_id": debrief_id}
                           for at, action, changes, by_partner in invitation.events]
    _execute(Clock, clock_rows)
    _execute(Contribution, contribution_rows)
    return {"invitations": len(id_of), "partner_clocks": len(clock_rows), "contributions": len(contribution_rows)}


def _execute(target: type[db.Model] | sa.Table, rows: list[dict[str, Any]]) -> None:
    """Every row has every column the seed sets (NULLs as None), so one statement serves them all:
    on PostgreSQL a COPY (`_copy`), elsewhere a Core executemany of `sa.insert(target)`, without the
    ORM's bulk path, which costs a third more per row."""
    if not rows:
        return
    connection = db.session.connection()
    table = target if isinstance(target, sa.Table) else target.__table__
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
    else:
        connection.execute(sa.insert(table), rows)


def _copy(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """`COPY table (columns) FROM STDIN` in binary, on the session's own connection (in its
    transaction): the rows `sa.insert(table)` would write, with the Python-side defaults of the
    columns the rows leave out (the others get the server's). Each value goes as psycopg sends it for
    its column's type in the database, not through SQLAlchemy's bind processing (a third of the cost
    here): the seed gives aware UTC datetimes, and dicts and lists for JSON, and
    test_postgresql_copy_writes_the_rows_sqlite_inserts_write holds the two ways to the same rows. A
    tenth of an executemany's cost per row at both ends; binary, because the recommendations' word
    vectors (7 kB each) cost twice as much again as hex text."""
    quote = connection.dialect.identifier_preparer.quote
    given = list(rows[0])
    defaults = {column.key: column.default.arg if column.default.is_scalar else column.default.arg(None)
                for column in table.c if column.key not in rows[0] and column.default is not None
                and (column.default.is_scalar or column.default.is_callable)}
    columns = [table.c[key] for key in [*given, *defaults]]
    extra = tuple(defaults.values())
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        types = dict(cursor.execute("SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass "
                                    "AND attnum > 0 AND NOT attisdropped", (table.name,)).fetchall())
        names = ", ".join(quote(column.name) for column in columns)
        with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([types[column.name] for column in columns])
            for row in rows:
                copy.write_row((*map(row.__getitem__, given), *extra))


def _refresh_planner_statistics() -> None:
    """Until autovacuum catches up with a bulk load, PostgreSQL plans as if the tables were tiny and
    reads 400,000 meeting attendees to find a page's hundred; ANALYZE now (SQLite has one too)."""
    for table in (Debrief.__table__, Clock.__table__, DebriefTheme.__table__, MeetingAttendee.__table__,
                  AuditEvent.__table__, Lesson.__table__, Recommendation.__table__, recommendation_lessons,
                  RecommendationUpdate.__table__, LearningProduct.__table__, BoardDecision.__table__,
                  RecommendationVector.__table__, User.__table__, Agency.__table__, Invitation.__table__,
                  Contribution.__table__):
        db.session.execute(sa.text(f"ANALYZE {table.name}"))
    db.session.commit()
