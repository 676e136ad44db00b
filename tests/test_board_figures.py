"""The board's figures that count all history are kept by the database (issue 24): the recommendations by
status and the learning products by kind, kept by triggers in the same transaction as every change, and
each invitation's deadline copied beside it. Whatever happens to the rows, the kept figures equal a
count made from scratch, and the pages show the same numbers as counting the rows would."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import (
    Agency, AuditEvent, Clock, Debrief, DebriefTheme, Invitation, LearningProduct, Recommendation,
    utcnow,
)
from debrief.services import dashboard, invitations, recommendations
from tests.html import parse
from tests.builders import (
    counted_from_scratch, kept,
    EMAIL, add_product, delivered_product, in_days, invite, make_staff, move, open_debrief, recommended, set_due_date,
    to_awaiting_closure, today,
)

EVERYTHING = dict(start=date(1900, 1, 1), end=date(2099, 12, 31))


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def assert_kept_counts_are_right(read_db) -> None:
    found, expected = read_db(kept), read_db(counted_from_scratch)
    assert found == expected


@pytest.fixture
def busy_day(app, client, staff, read_db):
    """Two debriefs of different types and themes, recommendations in every state, products of several
    kinds, one recommendation imported from elsewhere."""
    reviewer, owner, learning, board = staff["reviewer"], staff["owner"], staff["learning"], staff["board"]
    murder = open_debrief(client, reviewer, themes=["serious_violence", "domestic_abuse"])
    attempt = open_debrief(client, reviewer, incident_type="attempted_murder", crime_reference="42/90001/26",
                           themes=["drugs"])
    first = recommended(client, reviewer, murder["id"], due_date=in_days(20))
    second = recommended(client, reviewer, murder["id"], due_date=in_days(21), text="Share MARAC minutes with health")
    third = recommended(client, reviewer, attempt["id"], due_date=in_days(22), text="Brief custody on drug debt")
    delivered_product(client, learning, first["id"], "briefing")
    assert add_product(client, learning, first["id"], kind="classroom_training").status_code == 201
    assert add_product(client, learning, third["id"], kind="guidance_update").status_code == 201
    to_awaiting_closure(client, owner, third["id"])
    delivered_product(client, learning, third["id"], "briefing")
    assert move(client, board, third["id"], "closed", closure_code="implemented").status_code == 200
    with app.app_context():  # imported from elsewhere: no debrief, found as a repeat, not tracked here
        db.session.add(Recommendation(text="Forces should review DASH training", source="iopc",
                                      source_reference="IOPC-2025-0042", status="closed"))
        db.session.commit()
    return {"murder": murder, "attempt": attempt, "first": first, "second": second, "third": third}


def test_the_kept_counts_equal_a_count_from_scratch_through_a_day_of_work(client, staff, busy_day, read_db):
    assert_kept_counts_are_right(read_db)
    found, _ = read_db(kept)
    mine = lambda status, with_product: sum(n for (s, tracked, w, owner), n in found.items()  # noqa: E731
                                            if (s, tracked, w) == (status, True, with_product))
    assert mine("open", False) == 1  # the second: no product yet
    assert mine("open", True) == 1
    assert mine("closed", True) == 1
    assert sum(n for (_, tracked, _, owner), n in found.items() if not tracked and owner == 0) == 1  # imported


def test_a_debriefs_new_type_and_themes_move_its_products_in_the_counts(client, staff, busy_day, read_db):
    reviewer = staff["reviewer"]
    response = client.patch(f"/api/v1/debriefs/{busy_day['murder']['id']}", headers=reviewer,
                            json={"incident_type": "manslaughter", "themes": ["drugs", "vulnerability"]})
    assert response.status_code == 200, response.get_json()
    assert_kept_counts_are_right(read_db)
    _, by_kind = read_db(kept)
    assert by_kind[("manslaughter", "drugs", "briefing", "delivered")] == 1
    assert not any(key[0] == "murder" for key in by_kind)


def test_a_product_delivered_and_a_recommendation_closed_move_in_the_counts(client, staff, busy_day, read_db):
    delivered_product(client, staff["learning"], busy_day["second"]["id"], "briefing")
    to_awaiting_closure(client, staff["owner"], busy_day["second"]["id"])
    assert move(client, staff["board"], busy_day["second"]["id"], "closed",
                closure_code="implemented").status_code == 200
    assert_kept_counts_are_right(read_db)


def test_rows_deleted_by_hand_leave_the_counts_with_everything_they_held(app, client, staff, busy_day, read_db):
    """The application deletes none of these; someone with the database might. A cascade is counted once."""
    def delete(statement):
        with app.app_context():
            db.session.execute(statement)
            db.session.commit()

    first, second = busy_day["first"]["id"], busy_day["second"]["id"]
    delete(sa.delete(LearningProduct).where(LearningProduct.recommendation_id == first,
                                            LearningProduct.kind == "classroom_training"))
    assert_kept_counts_are_right(read_db)
    delete(sa.delete(Recommendation).where(Recommendation.id == first))
    assert_kept_counts_are_right(read_db)
    delete(sa.delete(DebriefTheme).where(DebriefTheme.debrief_id == busy_day["murder"]["id"],
                                         DebriefTheme.theme == "domestic_abuse"))
    assert_kept_counts_are_right(read_db)
    delivered_product(client, staff["learning"], second, "briefing")
    delete(sa.update(AuditEvent).values(debrief_id=None))  # the history keeps no link to a debrief deleted
    delete(sa.delete(Debrief).where(Debrief.id == busy_day["murder"]["id"]))
    assert_kept_counts_are_right(read_db)
    delete(sa.delete(Debrief))
    assert_kept_counts_are_right(read_db)


def test_rows_written_without_the_application_are_counted_as_they_are_written(app, client, staff, busy_day, read_db):
    """As the seed writes them: many rows in one statement, straight into the tables."""
    with app.app_context():
        creator = db.session.scalar(sa.select(LearningProduct.created_by_id).limit(1))
        db.session.execute(sa.insert(LearningProduct), [
            {"recommendation_id": busy_day["second"]["id"], "kind": kind, "title": f"{kind} for all", "audience": [],
             "status": status, "created_by_id": creator, "created_at": utcnow()}
            for kind, status in (("briefing", "planned"), ("briefing", "delivered"), ("e_learning", "evaluated"))])
        db.session.execute(sa.update(Recommendation).where(Recommendation.id == busy_day["first"]["id"])
                           .values(status="closed", closure_code="implemented"))
        db.session.commit()
    assert_kept_counts_are_right(read_db)


def test_the_products_by_kind_kept_are_those_counted_for_a_period_covering_all_time(app, client, staff, busy_day):
    with app.app_context():
        for theme in (None, "serious_violence", "drugs", "domestic_abuse", "vulnerability"):
            for incident_type in (None, "murder", "attempted_murder"):
                chosen = dashboard.Filter(theme=theme, incident_type=incident_type)
                assert dashboard.products_by_kind(chosen) == dashboard.products_by_kind(
                    dashboard.Filter(**EVERYTHING, theme=theme, incident_type=incident_type)), chosen
        all_kinds = {k.kind: (k.products, k.delivered) for k in dashboard.products_by_kind()}
        assert all_kinds["briefing"] == (2, 2)
        assert all_kinds["classroom_training"] == (1, 0)
        drugs = {k.kind: k.products for k in dashboard.products_by_kind(dashboard.Filter(theme="drugs"))}
        assert drugs["guidance_update"] == 1 and drugs["classroom_training"] == 0


def test_the_lists_and_headline_counted_from_the_kept_counts_match_their_rows(app, client, staff, busy_day):
    with app.app_context():
        needing = recommendations.needing_a_product(1, 25)
        assert needing.total == len(needing.items) == 1
        developing = recommendations.products_in_development(1, 25)
        assert developing.total == len(developing.items) == 2
        every = recommendations.search(per_page=200)
        assert every.total == len(every.items) == db.session.scalar(sa.select(sa.func.count(Recommendation.id)))
        closed = recommendations.search(status="closed")
        assert closed.total == len(closed.items) == 2  # the third, and the imported one
        kept, counted = recommendations.open_figures(), recommendations.open_figures(sa.true())
        assert kept == counted
        assert (kept.open, kept.overdue, kept.awaiting_closure) == (2, 0, 0)


def test_an_owners_figures_move_with_a_handover_and_an_overdue_date(client, staff, busy_day, read_db):
    reviewer = staff["reviewer"]
    second = busy_day["second"]
    body = client.get(f"/api/v1/recommendations/{second['id']}", headers=reviewer).get_json()
    response = client.patch(f"/api/v1/recommendations/{second['id']}", headers=reviewer,
                            json={"version": body["version"], "owner_email": "oscar@police.uk"})
    assert response.status_code == 200, response.get_json()
    set_due_date(read_db, busy_day["first"]["id"], today() - timedelta(days=3))
    assert_kept_counts_are_right(read_db)
    kept = read_db(lambda session: recommendations.open_figures())
    assert kept == read_db(lambda session: recommendations.open_figures(sa.true()))
    assert {(o.email, o.open, o.overdue) for o in kept.by_owner} == {("olu@police.uk", 1, 1), ("oscar@police.uk", 1, 0)}


def test_an_invitations_deadline_follows_its_clock_and_engagement_reads_it(app, client, staff, read_db, mailbox):
    reviewer = staff["reviewer"]
    debrief = open_debrief(client, reviewer)
    with app.app_context():
        db.session.add(Agency(name="Mid and South Essex NHS", kind="health"))
        db.session.commit()
    sent = invite(app, client, reviewer, debrief["id"])

    def deadline(session):
        clock = session.scalar(sa.select(Clock).where(Clock.invitation_id == sent["id"]))
        return clock.id, clock.due_at, session.get(Invitation, sent["id"]).respond_by

    clock_id, due, respond_by = read_db(deadline)
    assert respond_by == due is not None
    later = today() + timedelta(days=30)
    response = client.post(f"/api/v1/deadlines/{clock_id}/extend", headers=reviewer,
                           json={"due_date": later.isoformat(), "reason": "The agency asked for more time"})
    assert response.status_code == 200, response.get_json()
    _, due, respond_by = read_db(deadline)
    assert respond_by == due and due.date() >= later - timedelta(days=1)
    # Past the deadline the clock says, not answered: counted as never answered.
    with app.app_context():
        db.session.execute(sa.update(Clock).where(Clock.id == clock_id).values(due_at=utcnow() - timedelta(days=1)))
        db.session.execute(sa.update(Invitation).where(Invitation.id == sent["id"]).values(delivered_at=utcnow()))
        db.session.commit()
        (row,) = invitations.engagement(today() - timedelta(days=1), today())
        assert (row.sent, row.never_answered) == (1, 1)
        assert invitations.not_answered_in_time(today() - timedelta(days=1), today()) == 1
        db.session.execute(sa.delete(Clock).where(Clock.id == clock_id))
        db.session.commit()
        assert db.session.get(Invitation, sent["id"]).respond_by is None


def products_of(html: str) -> dict[str, str]:
    """The dashboard's table of products by kind: each kind's number of products."""
    table = next(t for t in parse(html).find_all("table") if t.attrs.get("id") == "table-products")
    return {row.find("th").text.strip(): row.find_all("td")[0].text.strip()
            for row in table.find("tbody").find_all("tr")}


def test_a_product_added_a_moment_ago_is_on_the_dashboard(client, staff, busy_day, browser_of):
    """The products by kind are kept counts: the board sees a product as soon as it is saved, and the
    page says its figures include every change saved before it was opened."""
    board = browser_of(EMAIL["board"])
    before = board.get("/board/dashboard?theme=domestic_abuse").get_data(as_text=True)
    assert add_product(client, staff["learning"], busy_day["second"]["id"], kind="toolkit").status_code == 201
    after = board.get("/board/dashboard?theme=domestic_abuse").get_data(as_text=True)
    assert (products_of(before)["Toolkit"], products_of(after)["Toolkit"]) == ("0", "1")
    assert "These figures are up to date" in after
