"""Reminders and escalations (issue 7; product.md "Reminders"), walked through the days with
`jobs tick --now` and a real SMTP server on loopback: each email once, at the right time; the same
day's ticks send nothing new; a skipped week is caught up once; nothing in an email about the
incident, and every email links to where the action is done."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Invitation, OutboxEmail, User, as_if_now
from debrief.services.clock_calendar import LONDON
from tests.builders import EMAIL, SECRET_SUMMARY, make_staff, open_debrief, recommended

#: Monday 2 March 2026, 09:00 in London (GMT).
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """`day` of March 2026 at that London time."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


def tick(runner, when: datetime) -> str:
    result = runner.invoke(args=["jobs", "tick", "--now", when.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def keys(read_db) -> set[str]:
    return set(read_db(lambda s: s.scalars(sa.select(OutboxEmail.idempotency_key)).all()))


def kind(key: str) -> str:
    return key.split(":", 1)[0]


def walk(runner, read_db, days, hour: int = 9) -> dict[int, list[str]]:
    """Ticks at `hour` on each day of March; returns the kinds of email first queued on each."""
    seen = keys(read_db)
    queued = {}
    for day in days:
        tick(runner, at(day, hour))
        now_held = keys(read_db)
        queued[day] = sorted(kind(k) for k in now_held - seen)
        seen = now_held
    return queued


@pytest.fixture
def staff(make_user, api_token, read_db):
    headers = make_staff(make_user, api_token)

    def make_chair(session):
        session.execute(sa.update(User).where(User.email == EMAIL["board"]).values(is_board_chair=True))
        session.commit()

    read_db(make_chair)
    return headers


@pytest.fixture
def debrief(client, staff):
    with as_if_now(T0.astimezone(timezone.utc)):
        return open_debrief(client, staff["reviewer"], occurred_at=(T0 - timedelta(hours=3)).isoformat(),
                            reported_at=(T0 - timedelta(hours=2)).isoformat())


@pytest.fixture
def recommendation(client, staff, debrief):
    """Allocated to Olu on Monday 2 March, due Thursday 12 March; the response is due on the 16th."""
    with as_if_now(T0.astimezone(timezone.utc)):
        return recommended(client, staff["reviewer"], debrief["id"], due_date="2026-03-12")


def test_each_reminder_is_sent_once_on_its_day(runner, read_db, recommendation, mailbox):
    mailbox.clear()  # the allocation email
    queued = walk(runner, read_db, range(2, 18))
    assert queued == {
        2: ["board-escalation"],         # Monday: the week's escalation to the chair
        3: [], 4: [],
        5: ["due-in-7"],                 # the recommendation is due in 7 days
        6: [],
        7: ["clock-due-soon"],           # the rapid debrief meeting is due on the 9th
        8: [],
        9: ["board-escalation"],
        10: ["clock-overdue"],           # ... and was not marked met
        11: [],
        12: ["due-today"],
        13: ["overdue-digest"],          # one digest a day while anything is overdue
        14: ["overdue-digest", "response-due"],  # the owner's response is due on the 16th
        15: ["overdue-digest"],
        16: ["board-escalation", "overdue-digest"],
        17: ["overdue-digest"],
    }
    assert len(mailbox) == sum(len(kinds) for kinds in queued.values())
    assert len({message["Message-ID"] for message in mailbox}) == len(mailbox)
    to = {message["Subject"]: message["To"] for message in mailbox}
    assert to["Overdue: Rapid debrief meeting, rapid debrief " + recommendation_debrief_reference(read_db)] == \
        EMAIL["reviewer"]
    assert {message["To"] for message in mailbox if "escalation" in message["Subject"].lower()} == {EMAIL["board"]}


def recommendation_debrief_reference(read_db) -> str:
    from debrief.models import Debrief
    return read_db(lambda s: s.scalars(sa.select(Debrief)).one().reference)


def test_every_reminder_links_to_its_page_and_says_nothing_about_the_incident(
        client, runner, read_db, recommendation, mailbox, browser_of):
    mailbox.clear()
    walk(runner, read_db, range(2, 18))
    pages = {
        "due-in-7": f"/recommendations/{recommendation['id']}",
        "response-due": f"/recommendations/{recommendation['id']}/respond",
        "clock-overdue": f"/debriefs/{recommendation['debrief_id']}",
        "overdue-digest": "/my-actions",
        "board-escalation": "/board",
    }
    bodies = {kind(key): body for key, body in read_db(
        lambda s: s.execute(sa.select(OutboxEmail.idempotency_key, OutboxEmail.body)).all())}
    for reminder, path in pages.items():
        assert f"http://127.0.0.1:5000{path}" in bodies[reminder], reminder
    for message in mailbox:
        text = message.get_content()
        for secret in (SECRET_SUMMARY, "Acacia", "Op Hawthorn", "Southend", "42/77001/26"):
            assert secret not in text and secret not in message["Subject"]
    # The links work for the person they are sent to.
    owner = browser_of(EMAIL["owner"])
    for path in ("/my-actions", f"/recommendations/{recommendation['id']}/respond"):
        assert owner.get(path).status_code == 200, path
    assert browser_of(EMAIL["board"]).get("/board").status_code == 200


def test_ticks_repeated_in_a_day_send_nothing_new_and_nothing_goes_before_seven(
        runner, read_db, recommendation, mailbox):
    assert "before 07:00" in tick(runner, at(13, 6, 59))
    assert keys(read_db) == {k for k in keys(read_db) if k.startswith("recommendation-allocated")}
    tick(runner, at(13, 7, 0))
    after_first = keys(read_db)
    sent = len(mailbox)
    for hour in (9, 12, 23):
        tick(runner, at(13, hour, 30))
    assert keys(read_db) == after_first and len(mailbox) == sent


def test_a_skipped_week_is_caught_up_once(runner, read_db, recommendation, mailbox):
    walk(runner, read_db, [13])  # Friday: digest, the overdue meeting clock and the week's escalation
    queued = walk(runner, read_db, [23])  # the scheduler was down for a week and a day
    assert queued[23] == ["board-escalation", "overdue-digest"]  # this week's and today's: not one per day missed
    held = keys(read_db)
    assert sorted(k.rsplit(":", 1)[1] for k in held if kind(k) == "board-escalation") == ["2026-W11", "2026-W13"]
    assert sorted(k.rsplit(":", 1)[1] for k in held if kind(k) == "overdue-digest") == ["2026-03-13", "2026-03-23"]


def test_a_moved_due_date_is_reminded_afresh_and_a_done_one_is_not(client, runner, read_db, staff, recommendation):
    walk(runner, read_db, [5])  # due in 7 days
    with as_if_now(at(5, 10)):
        response = client.patch(f"/api/v1/recommendations/{recommendation['id']}", headers=staff["reviewer"],
                                json={"due_date": "2026-03-20", "version": recommendation["version"]})
    assert response.status_code == 200, response.get_json()
    assert walk(runner, read_db, [13])[13] == ["board-escalation", "clock-overdue", "due-in-7"]  # the new date
    with as_if_now(at(13, 10)):
        for to, note in (("in_progress", "Plan agreed"), ("awaiting_closure", "Done")):
            response = client.post(f"/api/v1/recommendations/{recommendation['id']}/transition",
                                   headers=staff["owner"], json={"to": to, "note": note})
            assert response.status_code == 200, response.get_json()
    # Done: no due-today, no digest (only the escalation of the week, whose Monday was not ticked).
    assert walk(runner, read_db, [20, 21]) == {20: ["board-escalation"], 21: []}


def test_the_digest_lists_each_overdue_recommendation_of_its_owner(client, runner, read_db, staff, debrief, mailbox):
    with as_if_now(T0.astimezone(timezone.utc)):
        made = [recommended(client, staff["reviewer"], debrief["id"], due_date=f"2026-03-{day:02d}",
                            text=f"Recommendation number {day} about supervision of risk assessments")
                for day in (5, 6, 20)]
    mailbox.clear()
    walk(runner, read_db, [9])
    digest = next(m for m in mailbox if m["To"] == EMAIL["owner"] and "overdue" in m["Subject"])
    assert digest["Subject"] == "2 overdue recommendations allocated to you"
    text = digest.get_content()
    assert made[0]["reference"] in text and made[1]["reference"] in text and made[2]["reference"] not in text


# Partners ---------------------------------------------------------------------------------------


def make_agencies(app) -> None:
    with app.app_context():
        db.session.add_all([Agency(name="Mid and South Essex NHS", kind="health"),
                            Agency(name="Essex Children's Services", kind="childrens_services")])
        db.session.commit()


@pytest.fixture
def invited(client, staff, debrief, app):
    make_agencies(app)
    with as_if_now(T0.astimezone(timezone.utc)):
        made = [client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=staff["reviewer"],
                            json={"agency": agency, "email": email, "name": name})
                for agency, email, name in (("Mid and South Essex NHS", "dr.jones@nhs.net", "Dr Sam Jones"),
                                            ("Essex Children's Services", "kim@essex.gov.uk", "Kim Lee"))]
    assert all(r.status_code == 201 for r in made), [r.get_json() for r in made]
    return [r.get_json() for r in made]


def test_an_unanswered_invitation_is_reminded_three_working_days_before_its_deadline(
        client, runner, read_db, invited, mailbox, browser_of, debrief):
    first, answered = invited

    def respond(session):
        session.execute(sa.update(Invitation).where(Invitation.id == answered["id"]).values(responded_at=T0))
        session.commit()

    read_db(respond)
    mailbox.clear()
    queued = walk(runner, read_db, range(2, 11))
    reminders = {day: [k for k in kinds if k == "invitation-reminder"] for day, kinds in queued.items()}
    # Contributions are due on Monday 9 March (five working days); three working days before: Wednesday.
    assert reminders == {2: [], 3: [], 4: ["invitation-reminder"], 5: [], 6: [], 7: [], 8: [], 9: [], 10: []}
    reminder = next(m for m in mailbox if m["Subject"].startswith("Reminder"))
    assert reminder["To"] == "dr.jones@nhs.net"
    assert "Monday 9 March 2026" in reminder["Subject"]
    new_link = re.search(r"http://\S+/invite/\S+", reminder.get_content()).group(0)
    assert new_link != first["url"]
    with as_if_now(at(5)):
        for link in (new_link, first["url"]):  # the reminder's link works, and so does the first email's
            assert client.get(urlsplit(link).path).status_code == 200
    reminded = read_db(lambda s: s.get(Invitation, first["id"]).last_reminded_at)
    assert reminded == at(4).astimezone(timezone.utc)
    page = browser_of(EMAIL["reviewer"]).get(f"/debriefs/{debrief['id']}").get_data(as_text=True)
    assert "reminded 4 March 2026" in page  # the reviewer sees that the partner was chased
    stored = read_db(lambda s: s.scalars(sa.select(OutboxEmail).where(
        OutboxEmail.idempotency_key.like("invitation-reminder:%"))).one())
    assert stored.sealed_link is None and new_link.rsplit("/", 1)[1] not in stored.body  # the secret is not kept


def test_a_withdrawn_invitation_is_not_reminded(client, runner, read_db, staff, invited):
    for invitation in invited:
        assert client.post(f"/api/v1/invitations/{invitation['id']}/revoke",
                           headers=staff["reviewer"]).status_code in (200, 204)
    queued = walk(runner, read_db, range(2, 6))
    assert not any("invitation-reminder" in kinds for kinds in queued.values())


def test_the_chair_can_also_be_named_in_the_settings(app, runner, read_db, recommendation):
    app.config["BOARD_CHAIR_EMAIL"] = "Chair@Essex.Police.uk"
    try:
        walk(runner, read_db, [2])
    finally:
        app.config["BOARD_CHAIR_EMAIL"] = ""
    escalations = sorted(k for k in keys(read_db) if kind(k) == "board-escalation")
    assert escalations == [f"board-escalation:{EMAIL['board']}:2026-W10", "board-escalation:chair@essex.police.uk:2026-W10"]


def test_tick_explains_a_time_it_cannot_read(runner):
    result = runner.invoke(args=["jobs", "tick", "--now", "next tuesday"])
    assert result.exit_code == 2 and "like 2026-03-02T09:00" in result.output


def test_jobs_run_is_refused_unless_the_scheduler_is_switched_on(runner, app):
    assert app.config["SCHEDULER_ENABLED"] is False
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 1 and "SCHEDULER_ENABLED" in result.output

