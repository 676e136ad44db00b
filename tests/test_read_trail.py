"""Who looked at what: opening a debrief, a partner's contribution or a death leaves a row in the read
trail (who, when, which record; never its content), which administrators read on their own page and
which stays out of the debrief's history."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Death, DeathReport, RecordView
from debrief.services import agencies, debriefs, invitations
from debrief.services.debriefs import DebriefDetails
from debrief.services.invitations import ContributionDetails
from debrief.models import utcnow

READERS = ("reviewer", "board", "analyst", "admin")  # Rule.READ_EVERYTHING
DEATH_READERS = ("analyst", "board")  # Rule.READ_DEATHS


@pytest.fixture
def records(app, make_user):
    """A debrief with one partner contribution, and a death; returns their ids."""
    reviewer = make_user("rita@police.uk", "reviewer", name="Rita Reviewer")
    with app.app_context():
        actor = db.session.get(type(reviewer), reviewer.id)
        debrief = debriefs.create(DebriefDetails(
            incident_type="murder", crime_reference="42/777/26", area="Southend", summary="Secret summary",
            occurred_at=utcnow().replace(microsecond=0), reported_at=utcnow().replace(microsecond=0)), actor=actor)
        agency = agencies.add(name="Seedshire Council", kind="local_authority", actor=actor)
        db.session.flush()
        invitation, _ = invitations.invite(debrief, agency=agency.id, email="kim@council.example", name="Kim",
                                           actor=actor)
        contribution = invitations.contribute(invitation, ContributionDetails(
            attending="yes", prior_contact="yes", contact_summary="Known to the council since 2024",
            learning="Share the housing referral"))
        death = Death(reference_year=2026, reference_number=1, sources="police")
        report = DeathReport(source="police", source_reference="SD/2026/000123", family_name="Zebedee",
                             death=death)
        db.session.add_all([death, report])
        db.session.commit()
        return {"debrief": debrief.id, "contribution": contribution.id, "death": death.id, "report": report.id}


def views(read_db) -> list[tuple[str, str, int]]:
    return read_db(lambda s: [(v.user.email, v.entity, v.entity_id) for v in
                              s.scalars(sa.select(RecordView).order_by(RecordView.id))])


@pytest.mark.parametrize("role", READERS)
def test_opening_a_debrief_page_records_the_debrief_and_each_contribution_shown(records, make_user, browser_of,
                                                                               read_db, role):
    make_user(f"{role}@police.uk", role)
    page = browser_of(f"{role}@police.uk").get(f"/debriefs/{records['debrief']}")
    assert page.status_code == 200
    assert views(read_db) == [(f"{role}@police.uk", "debrief", records["debrief"]),
                              (f"{role}@police.uk", "contribution", records["contribution"])]


@pytest.mark.parametrize("role", READERS)
def test_opening_a_debrief_and_its_contributions_through_the_api_records_each(records, make_user, api_token, client,
                                                                            read_db, role):
    make_user(f"{role}@police.uk", role)
    headers = api_token(f"{role}@police.uk")
    assert client.get(f"/api/v1/debriefs/{records['debrief']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/debriefs/{records['debrief']}/contributions", headers=headers).status_code == 200
    assert views(read_db) == [(f"{role}@police.uk", "debrief", records["debrief"]),
                              (f"{role}@police.uk", "contribution", records["contribution"])]


@pytest.mark.parametrize("role", DEATH_READERS)
def test_opening_a_death_on_its_page_and_in_the_api_records_each(records, make_user, browser_of, api_token, client,
                                                                 read_db, role):
    make_user(f"{role}@police.uk", role)
    assert browser_of(f"{role}@police.uk").get(f"/deaths/{records['death']}").status_code == 200
    assert client.get(f"/api/v1/deaths/{records['death']}", headers=api_token(f"{role}@police.uk")).status_code == 200
    assert views(read_db) == [(f"{role}@police.uk", "death", records["death"]),
                              (f"{role}@police.uk", "death_report", records["report"])] * 2


def test_every_refresh_is_kept_and_a_refused_or_missing_record_leaves_none(records, make_user, browser_of, read_db):
    make_user("bea@police.uk", "board")
    make_user("olu@police.uk", "owner")
    board = browser_of("bea@police.uk")
    for _ in range(3):
        board.get(f"/debriefs/{records['debrief']}")
    assert [v for v in views(read_db) if v[1] == "debrief"] == [("bea@police.uk", "debrief", records["debrief"])] * 3
    assert board.get("/debriefs/99999").status_code == 404
    assert browser_of("olu@police.uk").get(f"/debriefs/{records['debrief']}").status_code == 403
    assert len(views(read_db)) == 6


def test_the_debrief_history_does_not_show_views(records, make_user, browser_of, api_token, client):
    make_user("bea@police.uk", "board")
    board = browser_of("bea@police.uk")
    board.get(f"/debriefs/{records['debrief']}")
    page = board.get(f"/debriefs/{records['debrief']}").get_data(as_text=True)
    history = client.get(f"/api/v1/debriefs/{records['debrief']}/history",
                         headers=api_token("bea@police.uk")).get_json()["items"]
    assert not [e for e in history if "view" in e["action"] or "open" in e["action"]]
    assert "viewed" not in page.lower() and "bea@police.uk" not in page


def test_an_administrator_reads_the_trail_newest_first_and_filters_it_by_person_and_by_record(
        records, make_user, browser_of):
    make_user("ada@police.uk", "admin", name="Ada Admin")
    make_user("bea@police.uk", "board", name="Bea Board")
    make_user("ann@police.uk", "analyst", name="Ann Analyst")
    browser_of("bea@police.uk").get(f"/debriefs/{records['debrief']}")
    browser_of("ann@police.uk").get(f"/deaths/{records['death']}")
    admin = browser_of("ada@police.uk")
    assert 'href="/admin/read-trail"' in admin.get("/admin").get_data(as_text=True)

    everything = rows(admin.get("/admin/read-trail").get_data(as_text=True))
    assert [(who, what) for _, who, what in everything] == [
        ("Ann Analyst", "Death report Police report SD/2026/000123"),
        ("Ann Analyst", "Death DTH-2026-00001"),
        ("Bea Board", "Partner contribution Seedshire Council (version 1)"),
        ("Bea Board", "Debrief DB-"),
    ]
    page = admin.get("/admin/read-trail").get_data(as_text=True)
    assert "Known to the council" not in page and "Secret summary" not in page  # never the content
    assert "Zebedee" not in page

    by_person = rows(admin.get("/admin/read-trail?person=BEA@police.uk").get_data(as_text=True))
    assert {who for _, who, _ in by_person} == {"Bea Board"} and len(by_person) == 2
    by_record = rows(admin.get(f"/admin/read-trail?kind=death&number={records['death']}").get_data(as_text=True))
    assert [(who, what) for _, who, what in by_record] == [("Ann Analyst", "Death DTH-2026-00001")]


def test_the_trail_pages_newest_first(app, records, make_user, browser_of):
    make_user("ada@police.uk", "admin", name="Ada Admin")
    make_user("bea@police.uk", "board", name="Bea Board")
    board = browser_of("bea@police.uk")
    for _ in range(26):  # 52 rows: a debrief and its contribution each time
        board.get(f"/debriefs/{records['debrief']}")
    admin = browser_of("ada@police.uk")
    first = admin.get("/admin/read-trail?kind=debrief").get_data(as_text=True)
    assert "26 openings" in first and len(rows(first)) == 26
    both = admin.get("/admin/read-trail").get_data(as_text=True)
    assert "52 openings" in both and len(rows(both)) == 50 and "Page 2 of 2" in both
    assert len(rows(admin.get("/admin/read-trail?page=2").get_data(as_text=True))) == 2


@pytest.mark.parametrize("query, field", [("person=nobody@police.uk", "There is no user with that email address"),
                                          ("number=99999999999", "number must be a whole number"),
                                          ("number=12x", "number must be a whole number"),
                                          ("kind=recipe", "Choose a kind of record from the list")])
def test_a_bad_filter_is_explained_not_a_500(records, make_user, browser_of, query, field):
    make_user("ada@police.uk", "admin")
    response = browser_of("ada@police.uk").get(f"/admin/read-trail?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and field in html


@pytest.mark.parametrize("role", ("reviewer", "owner", "learning", "board", "analyst"))
def test_only_administrators_read_the_trail(make_user, browser_of, role):
    make_user(f"{role}@police.uk", role)
    assert browser_of(f"{role}@police.uk").get("/admin/read-trail").status_code == 403


def rows(html: str) -> list[tuple[str, str, str]]:
    """(when, who, what) for each row of the trail's table, text only."""
    table = re.search(r'<table class="govuk-table" id="read-trail">(.*?)</table>', html, re.S)
    if table is None:
        return []
    found = []
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.group(1), re.S)[1:]:
        cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        who = cells[1].rsplit(" ", 1)[0]
        what = cells[2].split(" Everyone who opened it")[0]
        found.append((cells[0], who, re.sub(r"DB-\d+-\d+", "DB-", what)))
    return found
