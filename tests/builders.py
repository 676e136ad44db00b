"""Shared test builders: the records and people that tests in more than one module start from.

Import what a test needs from here (`from tests.builders import EMAIL, make_staff, open_debrief`), never
from another test module. Here are: the staff (PEOPLE, EMAIL, make_staff), a debrief (MURDER through the
API, debrief_form through the pages), dates (today, in_days), recommendations moved through their
lifecycle (recommended, move, to_awaiting_closure, delivered_product, set_due_date), the governance
board's story with known numbers (the board_story fixture), texts that repeat one another, death reports
(csv_of, background, planted_series), the board's kept counts against a count from scratch (kept,
counted_from_scratch) and the API's routes. Reading pages is in tests/html.py; the
fixtures every test may ask for (make_user, api_token, browser_of, read_db...) are in tests/conftest.py.
"""
from __future__ import annotations

import io
import itertools
import random
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import (
    Agency, AuditEvent, Clock, Debrief, Invitation, LearningProduct, LearningProductCount, MeetingAttendee,
    Recommendation, RecommendationCount, utcnow,
)
from debrief.services.clock_calendar import LONDON, london_date
from tests.conftest import csrf_token_from, force_token
from tests.html import error_summary

# People ---------------------------------------------------------------------------------------------------

#: key: (email, roles, name). "reading_owner" owns recommendations of their own and, as an analyst,
#: can see everyone's: someone else's recommendation is visible to them but not theirs to act on.
PEOPLE = {
    "reviewer": ("riya@police.uk", ("reviewer",), "Riya Reviewer"),
    "owner": ("olu@police.uk", ("owner",), "Olu Owner"),
    "other_owner": ("oscar@police.uk", ("owner",), "Oscar Owner"),
    "reading_owner": ("omar@police.uk", ("owner", "analyst"), "Omar Owner"),
    "learning": ("lee@police.uk", ("learning",), "Lee Learning"),
    "board": ("bea@police.uk", ("board",), "Bea Board"),
    "analyst": ("ana@police.uk", ("analyst",), "Ana Analyst"),
    "admin": ("ada@police.uk", ("admin",), "Ada Admin"),
}

EMAIL = {key: email for key, (email, _, _) in PEOPLE.items()}
#: The reviewer the page tests act as (PEOPLE's reviewer).
REVIEWER = "riya@police.uk"


def make_staff(make_user, api_token) -> dict[str, dict[str, str]]:
    """Every person in PEOPLE, with an API token; returns their Authorization headers by key."""
    headers = {}
    for key, (email, roles, name) in PEOPLE.items():
        make_user(email, *roles, name=name)
        headers[key] = api_token(email)
    return headers


# A debrief ------------------------------------------------------------------------------------------------

MURDER = {
    "incident_type": "murder", "crime_reference": "42/18812/26", "operation_name": "Op Larch",
    "occurred_at": "2026-11-02T23:10:00+00:00", "reported_at": "2026-11-02T23:40:00+00:00",
    "area": "Southend", "summary": "internal summary", "partner_briefing": "what partners may read",
    "themes": ["serious_violence"], "victim_age": 19, "domestic": False, "weapon": "knife",
    "prior_police_contact": False,
}

#: The debrief's internal detail, which must never reach an owner's email.
SECRET_SUMMARY = "INTERNAL: suspect named as J. Bloggs, seen at 14 Acacia Avenue"

DEBRIEF = {**MURDER, "summary": SECRET_SUMMARY, "crime_reference": "42/77001/26", "operation_name": "Op Hawthorn"}


def open_debrief(client, reviewer, **changes) -> dict:
    response = client.post("/api/v1/debriefs", json={**DEBRIEF, **changes}, headers=reviewer)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# Dates ----------------------------------------------------------------------------------------------------


def today() -> date:
    return london_date(utcnow())


def in_days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


def london_today() -> date:
    return datetime.now(LONDON).date()


# Recommendations through the API --------------------------------------------------------------------------


def recommend(client, reviewer, debrief_id: int, **body):
    payload = {"text": "Supervisors review every DASH risk assessment within 24 hours",
               "owner_email": EMAIL["owner"], "due_date": in_days(60), **body}
    return client.post(f"/api/v1/debriefs/{debrief_id}/recommendations", json=payload, headers=reviewer)


def recommended(client, reviewer, debrief_id: int, **body) -> dict:
    response = recommend(client, reviewer, debrief_id, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def get(client, headers, recommendation_id: int):
    return client.get(f"/api/v1/recommendations/{recommendation_id}", headers=headers)


def move(client, headers, recommendation_id: int, to: str, **body):
    return client.post(f"/api/v1/recommendations/{recommendation_id}/transition", json={"to": to, **body},
                       headers=headers)


def to_awaiting_closure(client, owner, recommendation_id: int) -> dict:
    response = move(client, owner, recommendation_id, "in_progress", note="Plan: a supervisor check on every DASH")
    assert response.status_code == 200, response.get_json()
    response = move(client, owner, recommendation_id, "awaiting_closure",
                    note="Done: supervisors trained, check added to the DASH form")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def add_product(client, headers, recommendation_id: int, **body):
    payload = {"kind": "briefing", "title": "DASH supervision briefing", "audience": ["supervisors"], **body}
    return client.post(f"/api/v1/recommendations/{recommendation_id}/products", json=payload, headers=headers)


def delivered_product(client, headers, recommendation_id: int, kind: str, **fields) -> dict:
    created = add_product(client, headers, recommendation_id, kind=kind, **fields)
    assert created.status_code == 201, created.get_json()
    response = client.patch(f"/api/v1/products/{created.get_json()['id']}", headers=headers,
                            json={"status": "delivered", "delivered_on": in_days(0)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def clock(body: dict, kind: str) -> dict:
    return next(d for d in body["deadlines"] if d["kind"] == kind)


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.get_json())
    error = response.get_json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


def set_due_date(read_db, recommendation_id: int, due: date) -> None:
    """Moves a due date straight in the database (a recommendation allocated long ago)."""

    def write(session):
        session.execute(sa.update(Recommendation).where(Recommendation.id == recommendation_id).values(due_date=due))
        session.commit()

    read_db(write)


# The governance board -------------------------------------------------------------------------------------


def summary(client, headers) -> dict:
    response = client.get("/api/v1/board/summary", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


#: One contact per invitation: a contact who holds a live invitation to a debrief is not invited again.
CONTACTS = itertools.count()


def invite(app, client, reviewer, debrief_id: int, **age) -> int:
    """An invitation made through the API, then (optionally) aged in the database."""
    created = client.post(f"/api/v1/debriefs/{debrief_id}/invitations", headers=reviewer,
                          json={"agency": "Mid and South Essex NHS", "email": f"contact{next(CONTACTS)}@nhs.net"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    now = utcnow()
    with app.app_context():
        if "clock_due_days_ago" in age:
            db.session.execute(sa.update(Clock).where(Clock.invitation_id == body["id"]).values(
                due_at=now - timedelta(days=age["clock_due_days_ago"])))
        if "expired_days_ago" in age:
            db.session.execute(sa.update(Invitation).where(Invitation.id == body["id"]).values(
                expires_at=now - timedelta(days=age["expired_days_ago"])))
        db.session.commit()
    return body


@pytest.fixture
def board_story(app, client, staff, debrief, make_user, api_token, read_db, mailbox):
    """Known numbers. Olu: A open, B open and 3 days overdue, C in progress and 1 day overdue, D awaiting
    closure. Oscar: E open, F closed (its date long past, but closed is never overdue). Pat: G closed
    only. Partner invitations: one answered, one past its deadline, one in time, one expired, one
    past its deadline but withdrawn."""
    make_user("pat@police.uk", "owner", name="Pat Owner")
    reviewer = staff["reviewer"]
    rec = lambda days, owner="owner": recommended(client, reviewer, debrief["id"], due_date=in_days(days),  # noqa: E731
                                                  owner_email=EMAIL.get(owner, owner))
    a, b, c, d = rec(30), rec(31), rec(32), rec(10)
    e, f, g = rec(5, "other_owner"), rec(33, "other_owner"), rec(34, "pat@police.uk")
    assert move(client, staff["owner"], c["id"], "in_progress", note="Plan").status_code == 200
    to_awaiting_closure(client, staff["owner"], d["id"])
    to_awaiting_closure(client, staff["other_owner"], f["id"])
    assert move(client, staff["board"], f["id"], "closed", closure_code="no_longer_applicable").status_code == 200
    to_awaiting_closure(client, api_token("pat@police.uk"), g["id"])
    assert move(client, staff["board"], g["id"], "closed", closure_code="superseded").status_code == 200
    set_due_date(read_db, b["id"], today() - timedelta(days=3))
    set_due_date(read_db, c["id"], today() - timedelta(days=1))
    set_due_date(read_db, f["id"], today() - timedelta(days=10))

    with app.app_context():
        db.session.add(Agency(name="Mid and South Essex NHS", kind="health"))
        db.session.commit()
    answered = invite(app, client, reviewer, debrief["id"], clock_due_days_ago=1)
    partner = app.test_client()
    path = urlsplit(answered["url"]).path
    token = csrf_token_from(partner.get(path).get_data(as_text=True))
    assert partner.post(path, data={"csrf_token": token, "attending": "no", "prior_contact": "no"}).status_code == 200
    invite(app, client, reviewer, debrief["id"], clock_due_days_ago=2)  # unanswered, past its deadline
    invite(app, client, reviewer, debrief["id"])  # unanswered, still in time
    invite(app, client, reviewer, debrief["id"], expired_days_ago=1)  # the link expired unanswered
    withdrawn = invite(app, client, reviewer, debrief["id"], clock_due_days_ago=2)
    assert client.post(f"/api/v1/invitations/{withdrawn['id']}/revoke", headers=reviewer).status_code == 200
    return {name: r for name, r in zip("abcdefg", (a, b, c, d, e, f, g))}


# Acting through the pages ---------------------------------------------------------------------------------


def debrief_form(**changes) -> dict:
    """The form for a murder reported on Monday 2 November 2026 at 23:40 (GMT), with `changes`;
    a change of None leaves the field out."""
    data = {
        "incident_type": "murder",
        "crime_reference": "42/18812/26",
        "operation_name": "Op Larch",
        "occurred_on": ["2", "11", "2026"],
        "occurred_time": "23:10",
        "reported_on": ["2", "11", "2026"],
        "reported_time": "23:40",
        "area": "Southend",
        "summary": "Man stabbed outside a takeaway on the High Street.",
        "partner_briefing": "A man died after an assault in Southend.",
        "victim_age": "",
        "relationship_to_suspect": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def post_form(browser, path: str, data: dict, *, form_page: str | None = None):
    """Opens the form page (for its CSRF token; a stale form sends the reader back to the debrief, whose
    page has the same session's token) and posts `data` to `path`."""
    page = browser.get(form_page or path, follow_redirects=True)
    assert page.status_code == 200, f"{form_page or path} answered {page.status_code}"
    return browser.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), **data})


def open_debrief_through_form(browser, **changes) -> int:
    """Opens a debrief through the form and returns its id."""
    response = post_form(browser, "/debriefs/new", debrief_form(**changes))
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    match = re.fullmatch(r"/debriefs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def edit_debrief(browser, debrief_id: int, **changes):
    return post_form(browser, f"/debriefs/{debrief_id}/edit", debrief_form(**changes))


def clock_id(read_db, debrief_id: int, label: str) -> int:
    found = read_db(lambda s: s.scalar(sa.select(Clock.id).where(Clock.debrief_id == debrief_id,
                                                                    Clock.label == label)))
    assert found is not None, f"no {label} clock"
    return found


def counts(read_db) -> dict[str, int]:
    """How many debriefs, clocks, audit events and attendees are stored."""
    def count(model):
        return read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(model)))

    return {"debriefs": count(Debrief), "clocks": count(Clock), "audit": count(AuditEvent),
            "attendees": count(MeetingAttendee)}


# Repeat recommendations -----------------------------------------------------------------------------------

EARLIER = ("Officers attending incidents where children are present should speak to the children directly, "
           "away from their parents, and record what each child says about their experience.")


PARAPHRASE = "Talk to the kids separately, away from the adults, and write down what each of them tells you."

UNRELATED = "Review the force's vehicle fleet maintenance contract before it is renewed."


# Death reports --------------------------------------------------------------------------------------------

HEADER = ("source_reference,reported_at,found_at,family_name,given_names,date_of_birth,sex,nhs_number,latitude,"
          "longitude,location_type,apparent_cause,substances,indicators,initial_classification,narrative")


def csv_of(*rows: dict[str, str], header: str = HEADER) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header.split(","))
    for values in rows:
        writer.writerow([values.get(name, "") for name in header.split(",")])
    return out.getvalue().encode("utf-8")


FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
          "Evans", "Thomas", "Roberts", "Walker", "Khan", "Hughes", "Green", "Hall", "Wood", "Clarke"]


GIVEN = ["John", "Margaret", "David", "Susan", "Peter", "Mary", "Michael", "Patricia", "Robert", "Linda",
         "James", "Barbara", "Stephen", "Karen", "Paul", "Carol", "Mark", "Janet", "Alan", "Sandra"]


CARE_HOME = (52.4410, -1.9330)

ESTATE = (52.5050, -1.9030)


def report(reference: str, found: datetime, *, family: str, given: str, born: str | None, sex: str,
           lat: float, lon: float, place: str, cause: str, substances: str = "", indicators: str = "",
           classification: str = "non_suspicious", nhs: str = "") -> dict[str, str]:
    return {"source_reference": reference, "found_at": found.isoformat(timespec="minutes"),
            "reported_at": (found + timedelta(hours=2)).isoformat(timespec="minutes"), "family_name": family,
            "given_names": given, "date_of_birth": born or "", "sex": sex, "nhs_number": nhs,
            "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}", "location_type": place, "apparent_cause": cause,
            "substances": substances, "indicators": indicators, "initial_classification": classification,
            "narrative": "Synthetic test report."}


#: Ordinary kinds of death: (place, cause, substances, indicators), one picked per death.
ORDINARY = [
    ("dwelling", "natural", "", "found_by_relative"),
    ("dwelling", "natural", "", "lives_alone;found_by_carer;known_to_social_care"),
    ("care_home", "natural", "", "found_by_carer;known_to_social_care"),
    ("dwelling", "drug_related", "heroin", "previous_overdose"),
    ("dwelling", "hanging", "", "found_by_relative"),
    ("dwelling", "alcohol_related", "alcohol", "lives_alone"),
    ("street", "road_traffic", "", "found_by_stranger"),
    ("dwelling", "fall_from_height", "", "found_by_relative;head_injury"),
    ("river_or_water", "drowning", "alcohol", "found_by_stranger"),
    ("public_open_space", "hypothermia", "alcohol", "homeless;found_by_stranger"),
    ("dwelling", "drug_related", "cocaine;alcohol", "night_out"),
    ("dwelling", "unexplained", "", "no_signs_of_disturbance"),
]


def background(count: int = 400, seed: int = 7) -> list[dict[str, str]]:
    """Ordinary deaths over two years across the area: natural deaths at home and in care homes (many
    in one), heroin deaths on one estate, hangings, alcohol, falls, drownings... None is a series."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 8, 0)
    rows = []
    for n in range(count):
        place, cause, substances, indicators = ORDINARY[n % len(ORDINARY)]
        found = start + timedelta(days=rng.randrange(0, 720), minutes=rng.randrange(0, 600))
        lat, lon = 52.40 + rng.random() * 0.2, -2.05 + rng.random() * 0.3
        if place == "care_home" and n % 2:
            lat, lon = CARE_HOME[0] + rng.gauss(0, 0.0003), CARE_HOME[1] + rng.gauss(0, 0.0003)
        if substances == "heroin":
            lat, lon = ESTATE[0] + rng.gauss(0, 0.002), ESTATE[1] + rng.gauss(0, 0.002)
        old = place == "care_home" or cause in ("natural", "fall_from_height")
        year = rng.randrange(1925, 1950) if old else rng.randrange(1950, 2005)
        born = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"
        rows.append(report(f"BG-{n}", found, family=rng.choice(FAMILY), given=rng.choice(GIVEN), born=born,
                           sex=rng.choice(["male", "female"]), lat=lat, lon=lon, place=place, cause=cause,
                           substances=substances, indicators=indicators))
    return rows


def planted_series() -> list[dict[str, str]]:
    """Four insulin deaths in one care home within ten weeks, none of them diabetic."""
    start = datetime(2025, 2, 3, 7, 0)
    people = [("Ashworth", "Edith", "1931-04-02"), ("Bellamy", "Harold", "1929-11-20"),
              ("Crowther", "Winifred", "1934-07-15"), ("Dunmore", "Albert", "1930-01-09")]
    return [report(f"SER-{n}", start + timedelta(days=n * 17), family=family, given=given, born=born,
                   sex="female" if n % 2 == 0 else "male", lat=CARE_HOME[0] + 0.0002 * n, lon=CARE_HOME[1],
                   place="care_home", cause="unexplained", substances="insulin",
                   indicators="hypoglycaemia;not_diabetic;found_by_carer")
            for n, (family, given, born) in enumerate(people)]


# The API's routes -----------------------------------------------------------------------------------------


def api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi_document":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    return routes


# The board's kept counts (migration 0018) ------------------------------------------------------------

def kept(session) -> tuple[dict, dict]:
    """The two kept tables, without the rows that have come back to nothing."""
    by_status = {(r.status, bool(r.tracked), bool(r.with_product), r.owner_id): r.count
                 for r in session.scalars(sa.select(RecommendationCount)) if r.count}
    by_kind = {(r.incident_type_code, r.theme, r.kind, r.status): r.count
               for r in session.scalars(sa.select(LearningProductCount)) if r.count}
    return by_status, by_kind


def counted_from_scratch(session) -> tuple[dict, dict]:
    """What the kept tables should hold, counted row by row in Python."""
    by_status: dict = {}
    for rec in session.scalars(sa.select(Recommendation)):
        key = (rec.status, rec.debrief_id is not None, bool(rec.products), rec.owner_id or 0)
        by_status[key] = by_status.get(key, 0) + 1
    by_kind: dict = {}
    for product in session.scalars(sa.select(LearningProduct)):
        debrief = product.recommendation.debrief
        for theme in ["", *(debrief.themes if debrief else [])]:
            key = (debrief.incident_type_code if debrief else "", theme, product.kind, product.status)
            by_kind[key] = by_kind.get(key, 0) + 1
    return by_status, by_kind


# The national library (LIBRARY_MODE) ---------------------------------------------------------------------

def add_library_force(library_app, name: str) -> dict[str, str]:
    """A force at the library, added as `library forces add` adds one; returns its Authorization header."""
    return {"Authorization": f"Bearer {force_token(library_app, name)}"}


#: An item a force shares with the library: a recommendation closed as implemented with classroom training.
LIBRARY_ITEM = {
    "kind": "recommendation",
    "text": "Call handlers should check the history of earlier calls from the same address before grading a "
            "domestic abuse call.",
    "themes": ["domestic_abuse"], "incident_type": "murder", "issued_on": "2025-03-14", "status": "closed",
    "closure_code": "implemented", "products": [{"kind": "classroom_training", "title": "Earlier calls matter"}],
    "source_reference": "REC-2025-0007",
}


def share(library_client, force: dict[str, str], **changes) -> int:
    """Publishes LIBRARY_ITEM (with `changes`) as `force`; returns the library's id for it."""
    response = library_client.post("/api/v1/library/items", json={**LIBRARY_ITEM, **changes}, headers=force)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()["id"]


def shared_by_two_forces(library_client, essex: dict[str, str], kent: dict[str, str]) -> dict[str, int]:
    """Four items at the library, by name: Essex's call-handling recommendation (what worked, murder, 2025)
    and its lesson (vulnerability, manslaughter, 2024); Kent's naloxone recommendation (drugs, open,
    manslaughter, 2024) and one closed as not implemented."""
    return {
        "calls": share(library_client, essex),
        "hostel_lesson": share(library_client, essex, kind="lesson", text=HOSTEL, themes=["vulnerability"],
                               incident_type="manslaughter", issued_on="2024-06-01", status=None,
                               closure_code=None, products=[], source_reference="LES-2024-0002"),
        "naloxone": share(library_client, kent, text=DRUGS, themes=["drugs"], incident_type="manslaughter",
                          issued_on="2024-09-30", status="open", closure_code=None, products=[],
                          source_reference="K-17"),
        "calls_not_done": share(library_client, kent, text="Call handlers should see every earlier call from the "
                                "same address on one screen.", status="closed", closure_code="not_implemented",
                                products=[], source_reference="K-18"),
    }


HOSTEL = ("Hostel staff should be told how to report a resident who has not been seen for a day, so that welfare "
          "checks are not left until the weekend.")
DRUGS = "Officers attending a suspected overdose should carry naloxone and be trained to give it."
