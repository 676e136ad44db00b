"""The governance board through the JSON API (api.md "Governance board"; issue 5): the headline figures
and the board's decisions to extend or escalate a recommendation, each with a rationale and who decided."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import BoardDecision, Invitation, utcnow
from tests import builders
from tests.builders import (
    EMAIL, clock, error_of, get, in_days, invite, make_staff, move, open_debrief, recommended, set_due_date, summary,
    to_awaiting_closure, today,
)


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def debrief(client, staff):
    return open_debrief(client, staff["reviewer"])


#: The governance board's story with known numbers (its docstring tells it); the dashboard's tests use it too.
board_story = builders.board_story


# --- the summary ---------------------------------------------------------------------------------


def test_the_board_sees_open_overdue_awaiting_closure_and_unanswered_invitations(client, staff, board_story):
    body = summary(client, staff["board"])
    assert set(body) == {"open", "overdue", "awaiting_closure", "repeats", "repeats_of_implemented",
                         "unanswered_invitations", "by_owner"}
    assert body["open"] == 5  # A, B, C, D, E: everything not closed
    assert body["overdue"] == 2  # B and C
    assert body["awaiting_closure"] == 1  # D
    assert body["unanswered_invitations"] == 2  # past its deadline, and expired
    assert body["repeats"] == 0 and body["repeats_of_implemented"] == 0
    loads = {row["email"]: (row["open"], row["overdue"]) for row in body["by_owner"]}
    assert loads == {"olu@police.uk": (4, 2), "oscar@police.uk": (1, 0)}  # Pat's only one is closed
    assert body["by_owner"][0]["email"] == "olu@police.uk"  # the most overdue first
    assert body["by_owner"][0]["name"] == "Olu Owner"


def test_the_unanswered_figure_counts_invitations_of_the_last_year(app, client, staff, board_story, debrief):
    """A partner's silence on an invitation sent more than a year ago is history for the partner
    engagement report (which can be asked for any period), not the board's current figure."""
    old = invite(app, client, staff["reviewer"], debrief["id"], clock_due_days_ago=380, expired_days_ago=380)
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.id == old["id"]).values(
            created_at=utcnow() - timedelta(days=366)))
        db.session.commit()
    assert summary(client, staff["board"])["unanswered_invitations"] == 2
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.id == old["id"]).values(
            created_at=utcnow() - timedelta(days=364)))
        db.session.commit()
    assert summary(client, staff["board"])["unanswered_invitations"] == 3


def test_the_analyst_sees_the_same_figures(client, staff, board_story):
    assert summary(client, staff["analyst"]) == summary(client, staff["board"])


def test_with_nothing_recorded_every_figure_is_zero(client, staff):
    assert summary(client, staff["board"]) == {"open": 0, "overdue": 0, "awaiting_closure": 0, "repeats": 0,
                                               "repeats_of_implemented": 0, "unanswered_invitations": 0,
                                               "by_owner": []}


@pytest.mark.parametrize("who", ["reviewer", "owner", "learning", "admin"])
def test_only_the_board_and_analysts_see_the_summary(client, staff, who):
    error_of(client.get("/api/v1/board/summary", headers=staff[who]), 403, "forbidden")


def test_the_summary_needs_a_token(client):
    assert client.get("/api/v1/board/summary").status_code == 401


def test_a_recommendation_awaiting_the_boards_decision_is_not_overdue_against_its_owner(
        client, staff, debrief, read_db):
    """It used to count: 'overdue' was any recommendation not closed and past its due date, although
    the owner had said it was done and its due clock was met (regression for 1888ef5)."""
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(3))
    to_awaiting_closure(client, staff["owner"], rec["id"])
    set_due_date(read_db, rec["id"], today() - timedelta(days=1))  # the board has not met since
    assert clock(get(client, staff["board"], rec["id"]).get_json(), "recommendation_due")["state"] == "met"
    body = summary(client, staff["board"])
    assert body["overdue"] == 0
    assert body["by_owner"] == [{"email": "olu@police.uk", "name": "Olu Owner", "open": 1, "overdue": 0}]
    listed = client.get("/api/v1/recommendations?overdue=true", headers=staff["board"]).get_json()
    assert listed["total"] == 0


# --- decisions: extend and escalate --------------------------------------------------------------


def decide(client, headers, recommendation_id: int, **body):
    return client.post(f"/api/v1/recommendations/{recommendation_id}/decisions", json=body, headers=headers)


def decisions_in_db(read_db, recommendation_id: int) -> list[tuple]:
    return read_db(lambda s: [(d.decision, d.rationale) for d in s.scalars(
        sa.select(BoardDecision).where(BoardDecision.recommendation_id == recommendation_id))])


def test_the_board_extends_an_overdue_recommendation_with_a_rationale(client, staff, debrief, board_story):
    b = board_story["b"]
    new_due = in_days(21)
    response = decide(client, staff["board"], b["id"], decision="extend", new_due_date=new_due,
                      rationale="Training places are not available until next month")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["due_date"] == new_due
    due = clock(body, "recommendation_due")
    assert due["due_date"] == new_due and due["state"] == "pending"
    assert due["due_at"].startswith(f"{new_due}T23:59:59")
    assert body["status"] == "open"
    assert body["version"] > b["version"]
    assert [(d["decision"], d["new_due_date"], d["rationale"], d["decided_by"]) for d in body["decisions"]] == [
        ("extend", new_due, "Training places are not available until next month", "bea@police.uk")]
    assert body["decisions"][0]["decided_at"]

    figures = summary(client, staff["board"])
    assert figures["overdue"] == 1
    assert {r["email"]: r["overdue"] for r in figures["by_owner"]}["olu@police.uk"] == 1

    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["board"]).get_json()["items"]
    extended = [e for e in history if e["action"] == "board_extend"]
    assert len(extended) == 1
    assert extended[0]["actor"] == "bea@police.uk" and extended[0]["entity_id"] == b["id"]
    assert extended[0]["changes"]["due_date"]["to"] == new_due
    assert extended[0]["changes"]["rationale"] == "Training places are not available until next month"


@pytest.mark.parametrize("body, field", [
    ({"new_due_date": "+1"}, "new_due_date"),  # the current date itself
    ({"new_due_date": "-1"}, "new_due_date"),  # earlier than the current date
    ({"new_due_date": "past"}, "new_due_date"),
    ({"new_due_date": None}, "new_due_date"),
    ({"new_due_date": "31/12/2030"}, "new_due_date"),
    ({"rationale": "  "}, "rationale"),
    ({"rationale": None}, "rationale"),
    ({"decision": "postpone"}, "decision"),
    ({"decision": "close"}, "decision"),  # closing is a lifecycle move: the transition endpoint
    ({"decision": None}, "decision"),
])
def test_a_bad_extension_is_refused_field_by_field_and_changes_nothing(client, staff, debrief, read_db, body, field):
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    values = {"decision": "extend", "new_due_date": in_days(60), "rationale": "Waiting for the new system"}
    relative = {"+1": in_days(30), "-1": in_days(29), "past": in_days(-1)}
    values.update({k: relative.get(v, v) if isinstance(v, str) else v for k, v in body.items()})
    error = error_of(decide(client, staff["board"], rec["id"], **values), 422, "validation_error")
    assert field in error["fields"]
    after = get(client, staff["board"], rec["id"]).get_json()
    assert after["due_date"] == in_days(30) and after["decisions"] == [] and after["version"] == rec["version"]
    assert clock(after, "recommendation_due")["due_date"] == in_days(30)


CHIEF = "chris@police.uk"


@pytest.fixture
def chief(make_user, api_token):
    """A senior officer the board escalates to: staff who read only what is theirs (the owner role)."""
    make_user(CHIEF, "owner", name="Chris Chief")
    return api_token(CHIEF)


def test_the_board_escalates_to_a_senior_officer_who_is_told_and_may_read_it(client, staff, debrief, read_db,
                                                                          chief, mailbox):
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    other = recommended(client, staff["reviewer"], debrief["id"], text="Review the custody handover checklist.")
    assert get(client, chief, rec["id"]).status_code == 404
    mailbox.clear()
    response = decide(client, staff["board"], rec["id"], decision="escalate", escalate_to=CHIEF,
                      rationale="Refer to the chief officer group: no owner response")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "open" and body["due_date"] == in_days(30)
    assert [(d["decision"], d["rationale"], d["decided_by"], d["new_due_date"], d["escalated_to"])
            for d in body["decisions"]] == [
        ("escalate", "Refer to the chief officer group: no owner response", "bea@police.uk", None, CHIEF)]
    assert decisions_in_db(read_db, rec["id"]) == [("escalate", "Refer to the chief officer group: no owner response")]
    history = client.get(f"/api/v1/debriefs/{debrief['id']}/history", headers=staff["board"]).get_json()["items"]
    escalated = [e for e in history if e["action"] == "board_escalate"]
    assert [(e["actor"], e["entity_id"], e["changes"]["escalated_to"]) for e in escalated] == [
        ("bea@police.uk", rec["id"], CHIEF)]
    told = {m["To"]: m for m in mailbox}
    assert set(told) == {EMAIL["owner"], CHIEF}
    assert told[CHIEF]["Subject"] == f"{rec['reference']} is escalated to you"
    assert "Refer to the chief officer group: no owner response" in told[CHIEF].get_content()
    assert "Chris Chief" in told[EMAIL["owner"]].get_content()
    # The senior officer may now read it (and only it), but not act on it.
    assert get(client, chief, rec["id"]).status_code == 200
    assert get(client, chief, other["id"]).status_code == 404
    error_of(move(client, chief, rec["id"], "in_progress", note="Mine?"), 403, "forbidden")


@pytest.mark.parametrize("escalate_to, message", [
    (None, "Enter the email address of the senior officer the board escalates it to"),
    ("  ", "Enter the email address of the senior officer the board escalates it to"),
    ("nobody@police.uk", "The board escalates to an active member of staff with an account"),
    ("gone@police.uk", "The board escalates to an active member of staff with an account"),
])
def test_an_escalation_names_an_active_member_of_staff(app, client, staff, debrief, read_db, make_user, mailbox,
                                                       escalate_to, message):
    from debrief.services import accounts
    make_user("gone@police.uk", "board", name="Gina Gone")
    with app.app_context():
        accounts.deactivate(accounts.find_by_email("gone@police.uk"), actor=None)
        db.session.commit()
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    mailbox.clear()
    error = error_of(decide(client, staff["board"], rec["id"], decision="escalate", rationale="Stuck",
                            escalate_to=escalate_to), 422, "validation_error")
    assert error["fields"] == {"escalate_to": message}
    assert decisions_in_db(read_db, rec["id"]) == [] and mailbox == []


def test_the_owner_is_told_of_each_board_decision_with_its_reason(client, staff, debrief, mailbox):
    """Closure rejected, due date extended, closure accepted: each an email to the owner."""
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    to_awaiting_closure(client, staff["owner"], rec["id"])
    mailbox.clear()
    assert move(client, staff["board"], rec["id"], "in_progress",
                rationale="The night shifts were not briefed.").status_code == 200
    assert decide(client, staff["board"], rec["id"], decision="extend", new_due_date=in_days(60),
                  rationale="Training places next month").status_code == 201
    assert move(client, staff["owner"], rec["id"], "awaiting_closure", note="All shifts briefed").status_code == 200
    assert move(client, staff["board"], rec["id"], "closed", closure_code="no_longer_applicable").status_code == 200
    told = [(m["To"], m["Subject"], m.get_content()) for m in mailbox]
    new_due = date.fromisoformat(in_days(60))
    assert [(to, subject) for to, subject, _ in told] == [
        (EMAIL["owner"], f"{rec['reference']}: the board has not closed it"),
        (EMAIL["owner"], f"{rec['reference']} is now due on {new_due.day} {new_due:%B %Y}"),
        (EMAIL["owner"], f"{rec['reference']} is closed")]
    assert "The board's reason: The night shifts were not briefed." in told[0][2]
    assert "The board's reason: Training places next month" in told[1][2]
    assert "as no longer applicable" in told[2][2] and "reason" not in told[2][2]
    assert all(f"/recommendations/{rec['id']}" in body for _, _, body in told)
    assert all(SECRET not in body for _, _, body in told for SECRET in ("Bloggs", "Acacia"))


@pytest.mark.parametrize("who", ["reviewer", "analyst", "owner", "learning", "admin"])
def test_only_the_board_decides(client, staff, debrief, read_db, who):
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    for body in ({"decision": "extend", "new_due_date": in_days(60), "rationale": "More time"},
                 {"decision": "escalate", "rationale": "Escalate", "escalate_to": EMAIL["admin"]}):
        error_of(decide(client, staff[who], rec["id"], **body), 403, "forbidden")
    assert decisions_in_db(read_db, rec["id"]) == []
    assert get(client, staff["board"], rec["id"]).get_json()["due_date"] == in_days(30)


def test_a_closed_recommendation_takes_no_more_decisions(client, staff, debrief, read_db):
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    to_awaiting_closure(client, staff["owner"], rec["id"])
    assert move(client, staff["board"], rec["id"], "closed", closure_code="no_longer_applicable").status_code == 200
    for body in ({"decision": "extend", "new_due_date": in_days(60), "rationale": "More time"},
                 {"decision": "escalate", "rationale": "Escalate", "escalate_to": EMAIL["admin"]}):
        error_of(decide(client, staff["board"], rec["id"], **body), 409, "invalid_transition")
    assert decisions_in_db(read_db, rec["id"]) == [("close", None)]
    assert get(client, staff["board"], rec["id"]).get_json()["due_date"] == in_days(30)


def test_a_decision_on_a_recommendation_that_does_not_exist_is_a_404(client, staff):
    error_of(decide(client, staff["board"], 999999, decision="escalate", rationale="x"), 404, "not_found")
