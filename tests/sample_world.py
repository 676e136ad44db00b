"""A small world of real records, one of each kind the API and pages name by id, made through the
API as each role would: for the fuzzer and the authorisation matrix, so that paths with real ids are
reached (a request for record 1 that does not exist only ever tests the 404)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Role

#: One person per role; the owner owns the recommendation below.
PEOPLE = {role.value: (f"{role.value}@police.uk", f"{role.value.title()} Person") for role in Role}


@dataclass
class World:
    headers: dict[str, dict[str, str]]  # role -> Authorization header
    ids: dict[str, int] = field(default_factory=dict)  # path parameter name -> a real id
    invitation_path: str = ""  # the partner's /invite/<token> page


def _created(response, status: int = 201) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    return response.get_json()


def build(app, client, make_user, api_token) -> World:
    for role, (email, name) in PEOPLE.items():
        make_user(email, role, name=name)
    world = World(headers={role: api_token(email) for role, (email, _) in PEOPLE.items()})
    target = make_user("target@police.uk", "owner", name="Tess Target")  # for the administrator's pages
    with app.app_context():
        db.session.add(Agency(name="Mid and South Essex NHS", kind="health"))
        db.session.commit()
    reviewer, learning, analyst = world.headers["reviewer"], world.headers["learning"], world.headers["analyst"]

    debrief = _created(client.post("/api/v1/debriefs", headers=reviewer, json={
        "incident_type": "murder", "crime_reference": "42/18812/26", "occurred_at": "2026-11-02T23:10:00+00:00",
        "reported_at": "2026-11-02T23:40:00+00:00", "area": "Southend", "summary": "A man was stabbed.",
        "partner_briefing": "A man died in Southend.", "victim_age": 19}))
    invitation = _created(client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=reviewer,
                                      json={"agency": "Mid and South Essex NHS", "email": "sam@nhs.net"}))
    lesson = _created(client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=reviewer,
                                  json={"text": "Call handlers missed the earlier calls.", "category": "information_sharing"}))
    recommendation = _created(client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", headers=reviewer, json={
        "text": "Train call handlers to check earlier calls from the same address.",
        "owner_email": PEOPLE["owner"][0], "due_date": (date.today() + timedelta(days=60)).isoformat(),
        "lesson_ids": [lesson["id"]]}))
    product = _created(client.post(f"/api/v1/recommendations/{recommendation['id']}/products", headers=learning,
                                   json={"kind": "briefing", "title": "Earlier calls", "audience": ["call_handling"]}))
    imported = _created(client.post("/api/v1/recommendations/import", headers=reviewer, json={"items": [{
        "text": "Speak to the children at the address on their own.", "source": "iopc",
        "source_reference": "IOPC-2024-0001", "issued_on": "2024-03-31"}]}))
    draft = _created(client.post("/api/v1/library/drafts", headers=reviewer, json={"lesson_id": lesson["id"]}))
    found = "2025-02-03T07:00"
    person = {"found_at": found, "reported_at": "2025-02-03T09:00", "family_name": "Ashworth", "given_names": "Edith",
              "date_of_birth": "1931-04-02", "sex": "female", "latitude": "52.441000", "longitude": "-1.933000",
              "location_type": "care_home", "apparent_cause": "unexplained"}
    for source in ("police", "nhs"):
        _created(client.post("/api/v1/death-reports/import", headers=analyst, json={
            "source": source, "reports": [{**person, "source_reference": f"{source.upper()}-1"}]}), 200)
    _created(client.post("/api/v1/death-reports/analyse", headers=analyst), 200)

    from debrief.models import (Clock, Death, DeathReport, IncidentType, LinkedSeries, OutboxEmail,
                                PossibleMatch)

    def first(column):
        return db.session.scalar(sa.select(sa.func.min(column)))

    with app.app_context():
        death = db.session.get(Death, first(Death.id))
        reports = sorted(db.session.scalars(sa.select(DeathReport.id)))
        # Two reports too alike to tell apart, and a series: too few deaths for the analysis to find
        # them itself, so they are written here as it would write them.
        if first(PossibleMatch.id) is None:
            db.session.add(PossibleMatch(report_a_id=reports[0], report_b_id=reports[1], probability=0.5,
                                         reasons=[]))
        if first(LinkedSeries.id) is None:
            # Confirmed: a later analysis (an analyst's post in the matrix) replaces candidates.
            db.session.add(LinkedSeries(reference_year=2025, reference_number=1, score=0.9, reasons=[],
                                        deaths=[death], status="confirmed", note="Same care home."))
        db.session.commit()
        world.ids = {"debrief_id": debrief["id"], "invitation_id": invitation["id"], "lesson_id": lesson["id"],
                     "recommendation_id": recommendation["id"], "product_id": product["id"],
                     "clock_id": first(Clock.id), "death_id": death.id, "series_id": first(LinkedSeries.id),
                     "match_id": first(PossibleMatch.id), "email_id": first(OutboxEmail.id),
                     "kind_id": first(IncidentType.id), "agency_id": first(Agency.id), "user_id": target.id,
                     "import_id": imported["import"]["id"], "draft_id": draft["id"]}
    world.invitation_path = "/" + invitation["url"].split("/", 3)[3]
    return world
