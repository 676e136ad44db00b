"""Deadline clocks on debriefs: which apply, when they fall due, and meeting, extending, pausing them."""
from datetime import date, datetime, timedelta, timezone

import pytest
from debrief.models import Clock
from debrief.services.clock_calendar import LONDON
from tests.builders import MURDER


@pytest.fixture
def reviewer(make_user, api_token):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    return api_token("riya@police.uk")


@pytest.fixture
def open_debrief(client, reviewer):
    counter = iter(range(1, 1000))

    def open_(**changes) -> dict:
        body = {**MURDER, "crime_reference": f"42/{next(counter)}/26", **changes}
        response = client.post("/api/v1/debriefs", json=body, headers=reviewer)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return open_


def clock(body: dict, kind: str) -> dict:
    return next(d for d in body["deadlines"] if d["kind"] == kind)


def kinds(body: dict) -> set[str]:
    return {d["kind"] for d in body["deadlines"]}


EVERY = {"debrief_meeting", "debrief_report"}


@pytest.mark.parametrize("facts,expected", [
    pytest.param({"incident_type": "wounding", "victim_age": 30, "weapon": "knife"}, EVERY,
                 id="a near-miss gets only the meeting and report"),
    pytest.param({"incident_type": "murder", "victim_age": 30, "weapon": "none"},
                 EVERY | {"homicide_index_return"}, id="a homicide gets the Home Office return"),
    pytest.param({"incident_type": "manslaughter", "victim_age": None, "weapon": "knife"},
                 EVERY | {"homicide_index_return"}, id="an unknown age is not assumed adult for the OWHR"),
    pytest.param({"incident_type": "murder", "victim_age": 18, "weapon": "knife"},
                 EVERY | {"homicide_index_return", "owhr_notification"},
                 id="an adult victim of an offensive weapon homicide gets the OWHR notification"),
    pytest.param({"incident_type": "murder", "victim_age": 40, "weapon": "unknown"},
                 EVERY | {"homicide_index_return"}, id="no OWHR when the weapon is not known"),
    pytest.param({"incident_type": "attempted_murder", "victim_age": 40, "weapon": "firearm"}, EVERY,
                 id="no OWHR for a near-miss"),
    pytest.param({"incident_type": "murder", "victim_age": 17, "weapon": "knife"},
                 EVERY | {"homicide_index_return", "child_safeguarding_notification", "child_rapid_review"},
                 id="a victim under 18 gets the two child safeguarding clocks and no OWHR"),
    pytest.param({"incident_type": "non_fatal_strangulation", "victim_age": 0, "weapon": "none"},
                 EVERY | {"child_safeguarding_notification", "child_rapid_review"},
                 id="a baby victim of a near-miss gets the child clocks"),
    pytest.param({"incident_type": "murder", "victim_age": 35, "weapon": "blunt", "domestic": True},
                 EVERY | {"homicide_index_return", "owhr_notification", "dhr_referral"},
                 id="a domestic homicide gets the DHR referral"),
    pytest.param({"incident_type": "wounding_with_intent", "victim_age": 35, "domestic": True}, EVERY,
                 id="a domestic near-miss gets no DHR referral"),
    pytest.param({"incident_type": "wounding", "victim_age": 22, "prior_police_contact": True},
                 EVERY | {"iopc_referral"}, id="prior police contact gets the IOPC referral"),
])
def test_which_clocks_a_debrief_gets(open_debrief, facts, expected):
    assert kinds(open_debrief(**facts)) == expected


def test_the_iopc_referral_is_due_by_the_end_of_the_following_day(open_debrief):
    body = open_debrief(prior_police_contact=True, occurred_at="2026-11-06T22:00:00+00:00",
                        reported_at="2026-11-06T23:40:00+00:00")  # Friday evening
    referral = clock(body, "iopc_referral")
    assert referral["due_date"] == "2026-11-07"  # Saturday: a calendar day, weekends included
    assert referral["due_at"] == "2026-11-07T23:59:59+00:00"


def test_a_report_just_after_midnight_in_summer_counts_from_the_london_date(open_debrief):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): day 1 is 2 July, day 7 is 8 July.
    body = open_debrief(occurred_at="2026-06-30T22:00:00+00:00", reported_at="2026-06-30T23:30:00+00:00")
    meeting = clock(body, "debrief_meeting")
    assert meeting["due_date"] == "2026-07-08"
    assert meeting["due_at"] == "2026-07-08T23:59:59+01:00"  # 22:59:59 UTC


def test_a_clock_that_ends_after_the_clocks_go_back_ends_at_london_midnight(open_debrief):
    # Reported Saturday 24 October 2026 (BST); day 7 is Saturday 31 October, after BST ended on the 25th.
    body = open_debrief(occurred_at="2026-10-24T09:00:00+01:00", reported_at="2026-10-24T10:00:00+01:00")
    assert clock(body, "debrief_meeting")["due_at"] == "2026-10-31T23:59:59+00:00"


def test_working_day_clocks_skip_christmas(open_debrief, client, reviewer):
    # The case: reported Monday 21 December 2025 is not possible (a Sunday), so this is the
    # same shape a year earlier: Monday 22 December 2025, 5 working days skipping 25, 26 December.
    body = open_debrief(victim_age=12, occurred_at="2025-12-22T08:00:00+00:00",
                        reported_at="2025-12-22T09:00:00+00:00")
    notification = clock(body, "child_safeguarding_notification")
    # 23 Tue=1, 24 Wed=2, 25 Thu and 26 Fri bank holidays, weekend, 29 Mon=3, 30 Tue=4, 31 Wed=5.
    assert notification["due_date"] == "2025-12-31"


def test_the_rapid_review_waits_for_the_notification_then_runs_15_working_days(open_debrief, client, reviewer):
    body = open_debrief(victim_age=15, occurred_at="2026-11-02T08:00:00+00:00",
                        reported_at="2026-11-02T09:00:00+00:00")
    review = clock(body, "child_rapid_review")
    assert review["state"] == "not_started" and review["due_date"] is None and review["due_at"] is None

    refused = client.post(f"/api/v1/deadlines/{review['id']}/met", json={}, headers=reviewer)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_transition"

    notification = clock(body, "child_safeguarding_notification")
    client.post(f"/api/v1/deadlines/{notification['id']}/met", json={"at": "2026-11-05T15:00:00+00:00"},
                headers=reviewer)
    after = client.get(f"/api/v1/debriefs/{body['id']}", headers=reviewer).get_json()
    # Met Thursday 5 November; 15 working days: 6 Nov=1 ... Thursday 26 November = 15.
    assert clock(after, "child_rapid_review")["due_date"] == "2026-11-26"
    assert clock(after, "child_rapid_review")["state"] in ("pending", "overdue")


def test_mark_met_defaults_to_now_and_cannot_be_repeated(open_debrief, client, reviewer):
    meeting = clock(open_debrief(), "debrief_meeting")
    before = datetime.now(timezone.utc)
    response = client.post(f"/api/v1/deadlines/{meeting['id']}/met", headers=reviewer)
    assert response.status_code == 200
    met_at = datetime.fromisoformat(response.get_json()["met_at"])
    assert before - timedelta(seconds=1) <= met_at <= datetime.now(timezone.utc)
    assert response.get_json()["state"] == "met"
    again = client.post(f"/api/v1/deadlines/{meeting['id']}/met", json={}, headers=reviewer)
    assert again.status_code == 409


@pytest.mark.parametrize("at,message", [
    ("2099-01-01T00:00:00+00:00", "now or in the past"),
    ("2026-11-01T00:00:00+00:00", "after the clock started"),
    ("not a time", "ISO 8601"),
])
def test_mark_met_at_an_impossible_time_is_refused(open_debrief, client, reviewer, at, message):
    meeting = clock(open_debrief(), "debrief_meeting")
    response = client.post(f"/api/v1/deadlines/{meeting['id']}/met", json={"at": at}, headers=reviewer)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"]["at"]


def test_extend_needs_a_reason_and_a_later_date(open_debrief, client, reviewer):
    report = clock(open_debrief(), "debrief_report")  # due 30 November 2026
    url = f"/api/v1/deadlines/{report['id']}/extend"
    no_reason = client.post(url, json={"due_date": "2026-12-14"}, headers=reviewer)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    blank = client.post(url, json={"due_date": "2026-12-14", "reason": "   "}, headers=reviewer)
    assert blank.status_code == 422
    earlier = client.post(url, json={"due_date": "2026-11-20", "reason": "x"}, headers=reviewer)
    assert "after the current one" in earlier.get_json()["error"]["fields"]["due_date"]
    bad_date = client.post(url, json={"due_date": "14/12/2026", "reason": "x"}, headers=reviewer)
    assert bad_date.get_json()["error"]["fields"]["due_date"] == "must be a date, like 2026-12-21"

    ok = client.post(url, json={"due_date": "2026-12-14", "reason": "Post-mortem delayed"}, headers=reviewer)
    assert ok.status_code == 200
    assert ok.get_json()["due_date"] == "2026-12-14"
    assert ok.get_json()["due_at"] == "2026-12-14T23:59:59+00:00"


def test_pause_and_resume_need_reasons(open_debrief, client, reviewer):
    report = clock(open_debrief(), "debrief_report")
    pause, resume = (f"/api/v1/deadlines/{report['id']}/{action}" for action in ("pause", "resume"))
    assert client.post(resume, json={"reason": "x"}, headers=reviewer).status_code == 409  # not paused
    assert client.post(pause, json={}, headers=reviewer).status_code == 422
    paused = client.post(pause, json={"reason": "Coroner asked us to wait"}, headers=reviewer)
    assert paused.status_code == 200 and paused.get_json()["state"] == "paused"
    assert client.post(pause, json={"reason": "again"}, headers=reviewer).status_code == 409
    assert client.post(resume, json={"reason": ""}, headers=reviewer).status_code == 422
    resumed = client.post(resume, json={"reason": "Coroner content"}, headers=reviewer)
    assert resumed.status_code == 200 and resumed.get_json()["state"] in ("pending", "overdue")
    assert resumed.get_json()["due_date"] == report["due_date"]  # paused and resumed the same day


def _pause_days_ago(app, clock_id: int, days: int) -> None:
    from debrief.extensions import db

    with app.app_context():
        record = db.session.get(Clock, clock_id)
        record.paused_at = record.paused_at - timedelta(days=days)
        db.session.commit()


def test_resuming_moves_the_due_date_by_the_days_paused(app, open_debrief, client, reviewer):
    report = clock(open_debrief(), "debrief_report")  # calendar days, due 2026-11-30
    client.post(f"/api/v1/deadlines/{report['id']}/pause", json={"reason": "wait"}, headers=reviewer)
    _pause_days_ago(app, report["id"], 3)
    resumed = client.post(f"/api/v1/deadlines/{report['id']}/resume", json={"reason": "go"}, headers=reviewer)
    assert resumed.get_json()["due_date"] == "2026-12-03"


def test_a_working_day_clock_resumes_by_working_days(app, open_debrief, client, reviewer):
    from debrief.services.clock_calendar import BankHolidayCalendar

    body = open_debrief(victim_age=9)
    notification = clock(body, "child_safeguarding_notification")  # due Monday 9 November 2026
    client.post(f"/api/v1/deadlines/{notification['id']}/pause", json={"reason": "wait"}, headers=reviewer)
    _pause_days_ago(app, notification["id"], 7)
    resumed = client.post(f"/api/v1/deadlines/{notification['id']}/resume", json={"reason": "go"},
                          headers=reviewer).get_json()
    # A week paused holds five working days, fewer if a bank holiday fell in it (the calendar's own
    # hand-computed cases are in test_clock_calendar.py); the due date moves by those, not by seven.
    calendar = BankHolidayCalendar()
    today = datetime.now(LONDON).date()
    paused_working_days = calendar.working_days_in(today - timedelta(days=7), today)
    assert paused_working_days in (3, 4, 5)
    expected = calendar.add_working_days(date(2026, 11, 9), paused_working_days)
    assert resumed["due_date"] == expected.isoformat()
    assert expected != date(2026, 11, 16) or paused_working_days == 5


def test_paused_clocks_are_never_overdue(app, open_debrief, client, reviewer):
    meeting = clock(open_debrief(), "debrief_meeting")  # due 9 November 2026: already past
    assert meeting["state"] == "overdue"
    paused = client.post(f"/api/v1/deadlines/{meeting['id']}/pause", json={"reason": "wait"}, headers=reviewer)
    assert paused.get_json()["state"] == "paused"


def test_changing_reported_at_moves_every_clock_not_yet_met_and_keeps_extensions(open_debrief, client, reviewer):
    body = open_debrief(prior_police_contact=True)
    meeting, report, referral = (clock(body, k) for k in ("debrief_meeting", "debrief_report", "iopc_referral"))
    client.post(f"/api/v1/deadlines/{referral['id']}/met", json={"at": "2026-11-03T10:00:00+00:00"}, headers=reviewer)
    client.post(f"/api/v1/deadlines/{report['id']}/extend", json={"due_date": "2026-12-07", "reason": "PM late"},
                headers=reviewer)  # 7 days past the policy's 30 November

    changed = client.patch(f"/api/v1/debriefs/{body['id']}", headers=reviewer, json={
        "occurred_at": "2026-11-01T10:00:00+00:00", "reported_at": "2026-11-01T11:00:00+00:00"}).get_json()

    assert clock(changed, "debrief_meeting")["due_date"] == "2026-11-08"  # was 9 November
    assert clock(changed, "debrief_report")["due_date"] == "2026-12-06"  # 29 November + the 7 extra days
    assert clock(changed, "iopc_referral")["due_date"] == referral["due_date"]  # met: left alone
    assert clock(changed, "iopc_referral")["state"] == "met"
    history = client.get(f"/api/v1/debriefs/{body['id']}/history", headers=reviewer).get_json()["items"]
    moved = {e["changes"]["clock"] for e in history if e["action"] == "clock_moved"}
    assert moved == {"Rapid debrief meeting", "Debrief report issued", "Home Office homicide index return",
                     "Offensive weapon homicide review notification"}


def test_a_corrected_age_withdraws_unmet_clocks_but_never_met_ones(open_debrief, client, reviewer, read_db):
    body = open_debrief(victim_age=16)
    notification = clock(body, "child_safeguarding_notification")
    client.post(f"/api/v1/deadlines/{notification['id']}/met", json={"at": "2026-11-04T10:00:00+00:00"},
                headers=reviewer)
    corrected = client.patch(f"/api/v1/debriefs/{body['id']}", json={"victim_age": 26}, headers=reviewer).get_json()
    assert "child_safeguarding_notification" in kinds(corrected)  # met: kept
    assert "child_rapid_review" not in kinds(corrected)  # started by the met notification, unmet: withdrawn
    assert "owhr_notification" in kinds(corrected)  # now an adult victim of a knife homicide


@pytest.mark.parametrize("role", ["owner", "learning", "board", "analyst", "admin"])
def test_only_reviewers_act_on_clocks(open_debrief, client, make_user, api_token, role):
    report = clock(open_debrief(), "debrief_report")
    make_user(f"{role}@police.uk", role, name=role)
    headers = api_token(f"{role}@police.uk")
    for action, body in (("met", {}), ("extend", {"due_date": "2026-12-20", "reason": "x"}),
                         ("pause", {"reason": "x"}), ("resume", {"reason": "x"})):
        assert client.post(f"/api/v1/deadlines/{report['id']}/{action}", json=body,
                           headers=headers).status_code == 403


def test_unknown_deadline_is_a_404(client, reviewer):
    assert client.post("/api/v1/deadlines/999/met", json={}, headers=reviewer).status_code == 404


def test_every_clock_change_is_in_the_history_with_who_did_it(open_debrief, client, reviewer, read_db):
    body = open_debrief()
    report = clock(body, "debrief_report")
    for action, payload in (("pause", {"reason": "wait"}), ("resume", {"reason": "go"}),
                            ("extend", {"due_date": "2026-12-24", "reason": "late"}), ("met", {})):
        client.post(f"/api/v1/deadlines/{report['id']}/{action}", json=payload, headers=reviewer)
    history = client.get(f"/api/v1/debriefs/{body['id']}/history", headers=reviewer).get_json()["items"]
    about_report = [e for e in history if e["entity"] == "clock" and e["entity_id"] == report["id"]]
    assert [e["action"] for e in about_report] == ["clock_added", "clock_paused", "clock_resumed",
                                                   "clock_extended", "clock_met"]
    assert all(e["actor"] == "riya@police.uk" for e in about_report)
    assert about_report[3]["changes"]["reason"] == "late"


# Met late, and undoing a mistaken "met" ---------------------------------------------------------


def test_a_deadline_met_after_its_due_time_stays_met_and_says_it_was_late(open_debrief, client, reviewer):
    body = open_debrief(prior_police_contact=True)  # reported 2 November: the IOPC referral is due the 3rd
    iopc, report = clock(body, "iopc_referral"), clock(body, "debrief_report")
    late = client.post(f"/api/v1/deadlines/{iopc['id']}/met", json={"at": "2026-11-04T09:00:00+00:00"},
                       headers=reviewer).get_json()
    assert late["state"] == "met" and late["met_late"] is True
    on_time = client.post(f"/api/v1/deadlines/{report['id']}/met", json={"at": "2026-11-04T09:00:00+00:00"},
                          headers=reviewer).get_json()
    assert on_time["state"] == "met" and on_time["met_late"] is False
    assert clock(open_debrief(), "debrief_report")["met_late"] is False  # not met: not late either


def test_a_deadline_marked_met_by_mistake_runs_again_and_the_history_says_so(open_debrief, client, reviewer):
    body = open_debrief(prior_police_contact=True)
    iopc = clock(body, "iopc_referral")
    client.post(f"/api/v1/deadlines/{iopc['id']}/met", headers=reviewer)
    undone = client.post(f"/api/v1/deadlines/{iopc['id']}/unmet", headers=reviewer)
    assert undone.status_code == 200, undone.get_json()
    assert undone.get_json()["state"] == "overdue" and undone.get_json()["met_at"] is None  # due 3 November 2026
    history = client.get(f"/api/v1/debriefs/{body['id']}/history", headers=reviewer).get_json()["items"]
    assert [e["action"] for e in history][-2:] == ["clock_met", "clock_met_undone"]
    assert history[-1]["actor"] == "riya@police.uk"
    again = client.post(f"/api/v1/deadlines/{iopc['id']}/unmet", headers=reviewer)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"


def test_undoing_a_met_notification_makes_the_rapid_review_wait_again(open_debrief, client, reviewer):
    body = open_debrief(victim_age=15)
    notification, review = clock(body, "child_safeguarding_notification"), clock(body, "child_rapid_review")
    client.post(f"/api/v1/deadlines/{notification['id']}/met", headers=reviewer)
    client.post(f"/api/v1/deadlines/{notification['id']}/unmet", headers=reviewer)
    after = client.get(f"/api/v1/debriefs/{body['id']}", headers=reviewer).get_json()
    assert clock(after, "child_rapid_review") == {**review, "met_late": False}
    # Once the rapid review itself is met, the notification cannot be taken back before it.
    client.post(f"/api/v1/deadlines/{notification['id']}/met", headers=reviewer)
    client.post(f"/api/v1/deadlines/{review['id']}/met", headers=reviewer)
    refused = client.post(f"/api/v1/deadlines/{notification['id']}/unmet", headers=reviewer)
    assert refused.status_code == 409 and "Child safeguarding rapid review" in refused.get_json()["error"]["message"]


def test_a_meeting_deadline_met_by_the_meeting_record_is_not_undone_here(open_debrief, client, reviewer):
    body = open_debrief()
    client.post(f"/api/v1/debriefs/{body['id']}/meeting", headers=reviewer,
                json={"held_at": "2026-11-05T10:00:00+00:00", "attendees": [{"name": "DS Shah", "agency": "Police"}]})
    refused = client.post(f"/api/v1/deadlines/{clock(body, 'debrief_meeting')['id']}/unmet", headers=reviewer)
    assert refused.status_code == 409 and "meeting record" in refused.get_json()["error"]["message"]


@pytest.mark.parametrize("role", ["owner", "learning", "board", "analyst", "admin"])
def test_only_reviewers_undo_a_met_deadline(open_debrief, client, make_user, api_token, reviewer, role):
    meeting = clock(open_debrief(), "debrief_meeting")
    client.post(f"/api/v1/deadlines/{meeting['id']}/met", headers=reviewer)
    make_user(f"{role}@police.uk", role)
    assert client.post(f"/api/v1/deadlines/{meeting['id']}/unmet",
                       headers=api_token(f"{role}@police.uk")).status_code == 403
    assert client.post("/api/v1/deadlines/99999/unmet", headers=reviewer).status_code == 404
