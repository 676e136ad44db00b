"""The partner engagement report: per agency, invitations sent, opened, answered, late, never answered."""
import csv
import io
import itertools
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Clock, Invitation
from tests.builders import MURDER

NOW = datetime.now(timezone.utc)
#: One contact per invitation: a contact who holds a live invitation to a debrief is not invited again.
CONTACTS = itertools.count()


@pytest.fixture
def reviewer(make_user, api_token):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    return api_token("riya@police.uk")


@pytest.fixture
def board(browser_of, make_user):
    make_user("bea@police.uk", "board", name="Bea Board")
    return browser_of("bea@police.uk")


def invitation(app, client, reviewer, debrief_id, agency, *, sent_days_ago, due_days_ago, opened=False,
               responded_days_ago=None, revoked=False, expired=False):
    """An invitation made through the API, then moved back in time to the story the test tells."""
    created = client.post(f"/api/v1/debriefs/{debrief_id}/invitations", headers=reviewer,
                          json={"agency": agency, "email": f"contact{next(CONTACTS)}@partner.org"}).get_json()
    sent = NOW - timedelta(days=sent_days_ago)
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.id == created["id"]).values(
            created_at=sent,
            opened_at=sent + timedelta(hours=1) if opened or responded_days_ago is not None else None,
            responded_at=NOW - timedelta(days=responded_days_ago) if responded_days_ago is not None else None,
            revoked_at=NOW - timedelta(days=1) if revoked else None,
            expires_at=NOW - timedelta(days=1) if expired else NOW + timedelta(days=7),
        ))
        db.session.execute(sa.update(Clock).where(Clock.invitation_id == created["id"]).values(
            due_at=NOW - timedelta(days=due_days_ago)))
        db.session.commit()
    return created["id"]


@pytest.fixture
def story(app, client, reviewer, mailbox):
    with app.app_context():
        for name in ("Children's Services", "NHS Trust", "Probation", "=HYPERLINK(\"http://evil\")"):
            db.session.add(Agency(name=name, kind="other"))
        db.session.commit()
    debrief_id = client.post("/api/v1/debriefs", json=MURDER, headers=reviewer).get_json()["id"]
    make = lambda agency, **kw: invitation(app, client, reviewer, debrief_id, agency, **kw)  # noqa: E731
    # NHS Trust: one on time, one late, one never answered (deadline passed), one never answered (link expired).
    make("NHS Trust", sent_days_ago=20, due_days_ago=13, responded_days_ago=15)
    make("NHS Trust", sent_days_ago=20, due_days_ago=13, responded_days_ago=10)
    make("NHS Trust", sent_days_ago=20, due_days_ago=13, opened=True)
    make("NHS Trust", sent_days_ago=30, due_days_ago=-5, expired=True)
    # Children's Services: one still in time (not late, not missed), one withdrawn by police.
    make("Children's Services", sent_days_ago=2, due_days_ago=-3, opened=True)
    make("Children's Services", sent_days_ago=10, due_days_ago=3, revoked=True)
    # Probation: sent before the period asked for; counted only when the period includes it.
    make("Probation", sent_days_ago=400, due_days_ago=393)
    make("=HYPERLINK(\"http://evil\")", sent_days_ago=5, due_days_ago=1)
    return debrief_id


def period(days_back: int = 90) -> str:
    start = (NOW - timedelta(days=days_back)).date()
    end = NOW.date()
    return f"start={start.day}&start={start.month}&start={start.year}&end={end.day}&end={end.month}&end={end.year}"


def test_the_report_counts_sent_opened_responded_late_and_never_answered(app, story):
    from debrief.services import invitations

    with app.app_context():
        rows = {r.agency: r for r in invitations.engagement((NOW - timedelta(days=90)).date(), NOW.date())}
    assert set(rows) == {"NHS Trust", "Children's Services", "=HYPERLINK(\"http://evil\")"}
    nhs = rows["NHS Trust"]
    assert (nhs.sent, nhs.opened, nhs.responded, nhs.late, nhs.never_answered) == (4, 3, 2, 1, 2)
    childrens = rows["Children's Services"]
    assert (childrens.sent, childrens.opened, childrens.responded, childrens.late, childrens.never_answered) == (
        2, 1, 0, 0, 0)


def test_a_longer_period_takes_in_older_invitations(app, story):
    from debrief.services import invitations

    with app.app_context():
        rows = {r.agency: r for r in invitations.engagement((NOW - timedelta(days=500)).date(), NOW.date())}
    assert (rows["Probation"].sent, rows["Probation"].never_answered) == (1, 1)


def test_the_board_sees_the_report_in_the_browser(board, story):
    response = board.get(f"/reports/partner-engagement?{period()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = html.split("NHS Trust</th>")[1].split("</tr>")[0]
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("</td>")[:-1]] == ["4", "3", "2", "1", "2"]
    assert "Probation" not in html


def test_the_csv_matches_the_page_opens_in_excel_and_cannot_run_formulas(board, story):
    response = board.get(f"/reports/partner-engagement.csv?{period()}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Agency", "Invitations sent", "Opened", "Responded", "Responded late", "Never answered"]
    assert ["NHS Trust", "4", "3", "2", "1", "2"] in rows
    evil = next(r for r in rows if "HYPERLINK" in r[0])
    assert evil[0] == "'=HYPERLINK(\"http://evil\")"


def test_a_period_that_ends_before_it_starts_is_explained(board, story):
    start, end = NOW.date(), (NOW - timedelta(days=30)).date()
    html = board.get(f"/reports/partner-engagement?start={start.day}&start={start.month}&start={start.year}"
                     f"&end={end.day}&end={end.month}&end={end.year}").get_data(as_text=True)
    assert "The end of the period must be on or after its start" in html


@pytest.mark.parametrize("role,status", [("analyst", 200), ("board", 200), ("reviewer", 403), ("owner", 403),
                                         ("learning", 403), ("admin", 403)])
def test_who_sees_the_engagement_report(make_user, browser_of, role, status):
    make_user(f"{role}@police.uk", role, name=role)
    browser = browser_of(f"{role}@police.uk")
    assert browser.get("/reports/partner-engagement").status_code == status
    assert browser.get("/reports/partner-engagement.csv").status_code == status
