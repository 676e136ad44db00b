"""`seed --debriefs N [--seed S]`: synthetic debriefs at scale, made with the app's own clock rules, with
their lessons and recommendations moved through the app's own lifecycle."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from email_validator import validate_email
from flask_migrate import upgrade

from debrief.extensions import db
from debrief.models import (
    Agency, AgencyType, AuditEvent, BoardDecision, Clock, Contribution, Debrief, Invitation, InvitationState,
    LearningProduct, Lesson, Recommendation, RecommendationUpdate, RecommendationVector, User, recommendation_lessons,
    utcnow,
)
from debrief.services import agencies, audit, clocks, invitations, recommendations, reminders, similarity
from debrief.services import recommendation_lifecycle as lifecycle
from debrief.sample_data import seed as seeding
from debrief.services.clock_calendar import end_of_day, london_date, start_of_day
from debrief.services.deadline_policy import PARTNER_CLOCK
from debrief.sample_data.seed import SEED_PASSWORD, distinct_texts, owner_email, reviewer_email, seeded_email
from debrief.similarity import embed
from tests.builders import counted_from_scratch, kept
from tests.conftest import make_app, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
CRIME_REFERENCE = re.compile(r"[0-9]{1,4}/[0-9]{1,8}/[0-9]{2}")
REC_REFERENCE = re.compile(r"REC-20[0-9]{2}-[0-9]{4,}")
BOARD = lifecycle.Actor(roles=frozenset({"board"}), is_owner=False)


def seed(runner, debriefs: int, seed: int = 1):
    result = runner.invoke(args=["seed", "--debriefs", str(debriefs), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    return result


def content(session) -> tuple[list, list, list, list, list, tuple[list, list, list]]:
    """What a seed made, in a form two databases can be compared by."""
    debriefs = session.scalars(
        sa.select(Debrief).order_by(Debrief.reference_year, Debrief.reference_number)).all()
    reference = {d.id: d.reference for d in debriefs}
    rows = [(d.reference, d.crime_reference, d.incident_type_code, d.reported_at, d.occurred_at, d.victim_age,
             d.domestic, d.weapon, d.reviewer.email, d.meeting_held_at, tuple(d.themes),
             tuple((a.name, a.agency) for a in d.attendees)) for d in debriefs]
    deadlines = sorted((reference[c.debrief_id], c.kind, c.started_at, c.due_date, c.met_at, c.paused_at)
                       for c in session.scalars(sa.select(Clock).where(Clock.debrief_id.is_not(None))))
    lessons = [(reference[lesson.debrief_id], lesson.text, lesson.category, tuple(lesson.themes), lesson.created_at)
               for lesson in session.scalars(sa.select(Lesson).order_by(Lesson.id))]
    vectors = sorted(session.execute(
        sa.select(Recommendation.reference_year, Recommendation.reference_number, RecommendationVector.vector,
                  RecommendationVector.token_ids)
        .join(RecommendationVector, RecommendationVector.recommendation_id == Recommendation.id)).all())
    return rows, deadlines, lessons, learning_content(session, reference), vectors, partner_content(session, reference)


def partner_content(session, debrief_reference: dict[int, str]) -> tuple[list, list, list]:
    """The invitations (agency, contact, dates, states), their contributions, and the audit history
    of the debriefs, with ids given as the references they stand for."""
    now = start_of_day(london_date(utcnow()))  # the seed's now
    agency = dict(session.execute(sa.select(Agency.id, Agency.name)).all())
    emails = dict(session.execute(sa.select(User.id, User.email)).all())
    invited = session.scalars(sa.select(Invitation).order_by(Invitation.id)).all()
    invitation = {i.id: (debrief_reference[i.debrief_id], agency[i.agency_id]) for i in invited}
    assert len(set(invitation.values())) == len(invitation)  # an agency is invited once to a debrief
    rows = [(*invitation[i.id], i.contact_name, i.contact_email, i.token_hash, emails[i.invited_by_id], i.created_at,
             i.expires_at, i.opened_at, i.responded_at, i.revoked_at, i.state_at(now)) for i in invited]
    contributions = sorted((invitation[c.invitation_id], c.version, c.submitted_at, c.attending, c.prior_contact,
                            c.contact_summary, c.learning)
                           for c in session.scalars(sa.select(Contribution)))
    recommendation = {id_: Recommendation.numbered(year, number) for id_, year, number in session.execute(
        sa.select(Recommendation.id, Recommendation.reference_year, Recommendation.reference_number))}
    lesson = dict(session.execute(sa.select(Lesson.id, Lesson.text)).all())
    entity = {"debrief": debrief_reference, "recommendation": recommendation, "invitation": invitation}
    history = sorted(
        (debrief_reference[e.debrief_id], e.action, e.entity, entity[e.entity][e.entity_id], e.at, e.actor_label,
         emails.get(e.actor_id), invitation.get(e.invitation_id),
         json.dumps({**e.changes, "lessons": [lesson[i] for i in e.changes["lessons"]]} if "lessons" in e.changes
                    else e.changes, sort_keys=True))
        for e in session.scalars(sa.select(AuditEvent).where(AuditEvent.debrief_id.is_not(None))))
    return rows, contributions, history


def learning_content(session, debrief_reference: dict[int, str]) -> list:
    records = session.scalars(sa.select(Recommendation).order_by(Recommendation.reference_year,
                                                                 Recommendation.reference_number)).all()
    found = learning_rows(session)
    lesson_texts = dict(session.execute(sa.select(Lesson.id, Lesson.text)).all())
    emails = dict(session.execute(sa.select(User.id, User.email)).all())
    return [(r.reference, debrief_reference[r.debrief_id], r.text, emails[r.owner_id], r.due_date, r.priority,
             r.source, r.status, r.closure_code, r.created_at, r.closed_at, r.version,
             tuple(lesson_texts[i] for i in sorted(found["links"][r.id])),
             tuple((c.kind, c.started_at, c.due_date, c.met_at) for c in found["clocks"][r.id]),
             tuple((u.kind, u.text, emails[u.author_id], u.at) for u in found["updates"][r.id]),
             tuple((p.kind, p.title, tuple(p.audience), p.status, p.delivered_on, p.reached_count)
                   for p in found["products"][r.id]),
             tuple((d.decision, d.closure_code, d.rationale, d.new_due_date, emails[d.decided_by_id], d.decided_at)
                   for d in found["decisions"][r.id]))
            for r in records]


def learning_rows(session) -> dict[str, dict[int, list]]:
    """Every recommendation's clocks, updates, products, decisions and linked lesson ids, by
    recommendation id, in a handful of queries."""
    found: dict[str, dict[int, list]] = {name: defaultdict(list) for name in
                                         ("clocks", "updates", "products", "decisions", "links")}
    for name, model in (("clocks", Clock), ("updates", RecommendationUpdate), ("products", LearningProduct),
                        ("decisions", BoardDecision)):
        query = sa.select(model).order_by(model.id)
        if model is Clock:
            query = query.where(Clock.recommendation_id.is_not(None))
        for row in session.scalars(query):
            found[name][row.recommendation_id].append(row)
    for recommendation_id, lesson_id in session.execute(sa.select(recommendation_lessons)):
        found["links"][recommendation_id].append(lesson_id)
    return found


@contextmanager
def empty_database(tmp_path: Path, url: str | None = None):
    """Another empty database with the schema (the one `url` names, or a throwaway one of the test
    run's kind), and a CLI runner on it."""
    with nullcontext(url) if url else throwaway_database(tmp_path) as url:
        other = make_app(url)
        with other.app_context():
            upgrade()
        try:
            yield other
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()


def test_seed_adds_debriefs_with_clocks_themes_meetings_and_reviewers(runner, read_db):
    result = seed(runner, 300)
    assert "Seeded 300 debriefs" in result.output
    assert re.search(r"\d+(\.\d)? seconds", result.output)

    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    assert len(debriefs) == 300
    kinds = read_db(lambda s: s.execute(sa.select(Clock.debrief_id, Clock.invitation_id, Clock.kind)).all())
    per_debrief = defaultdict(set)
    for debrief_id, _, kind in kinds:
        per_debrief[debrief_id].add(kind)
    assert all({"debrief_meeting", "debrief_report", PARTNER_CLOCK} <= per_debrief[d.id] for d in debriefs)
    debrief_clocks = [kind for debrief_id, invitation_id, kind in kinds if debrief_id is not None and not invitation_id]
    partner_clocks = [kind for _, invitation_id, kind in kinds if invitation_id is not None]
    assert f"{len(debrief_clocks):,} clocks" in result.output

    assert all(d.themes for d in debriefs)
    assert all(bool(d.attendees) == (d.meeting_held_at is not None) for d in debriefs)
    assert any(d.meeting_held_at for d in debriefs) and any(not d.meeting_held_at for d in debriefs)

    users = read_db(lambda s: s.scalars(sa.select(User)).all())
    by_role = defaultdict(set)
    for user in users:
        if user.email != seeded_email("several", 1):  # the one with several roles, below
            assert len(user.role_set) == 1
            by_role[next(iter(user.role_set)).value].add(user.email)
    assert set(by_role) == {"reviewer", "owner", "learning", "board"}
    reviewers = by_role["reviewer"]
    assert 5 <= len(reviewers) <= 20
    assert reviewers == {reviewer_email(n) for n in range(1, len(reviewers) + 1)}
    assert f"{len(reviewers)} reviewers" in result.output
    assert by_role["owner"] == {owner_email(n) for n in range(1, len(by_role["owner"]) + 1)}
    assert by_role["learning"] == {seeded_email("learning", n) for n in (1, 2, 3)}
    assert by_role["board"] == {seeded_email("board", n) for n in (1, 2, 3)}
    assert [u.email for u in users if u.is_board_chair] == [seeded_email("board", 1)]
    assert f"({len(users)} new users in all)" in result.output

    for model, words in ((Lesson, "lessons"), (Recommendation, "recommendations"), (LearningProduct, "learning products"),
                         (RecommendationUpdate, "owners' updates"), (BoardDecision, "board decisions")):
        count = read_db(lambda s, model=model: s.scalar(sa.select(sa.func.count()).select_from(model)))
        assert count > 0
        assert f"{count:,} {words}" in result.output
    recommendation_clocks = len(kinds) - len(debrief_clocks) - len(partner_clocks)
    assert f"{recommendation_clocks:,} recommendation clocks" in result.output

    for model, words in ((Invitation, "invitations"), (Contribution, "contributions"), (Agency, "agencies")):
        count = read_db(lambda s, model=model: s.scalar(sa.select(sa.func.count()).select_from(model)))
        assert count > 0
        assert f"{count:,} {words}" in result.output
    assert f"{len(partner_clocks):,} contribution deadlines" in result.output
    assert len(partner_clocks) == read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(Invitation)))
    states = Counter(read_db(lambda s: [i.state_at(start_of_day(london_date(utcnow())))
                                        for i in s.scalars(sa.select(Invitation))]))
    assert all(f"{states[state]:,} {state.value}" in result.output for state in InvitationState)
    history = read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                         .where(AuditEvent.debrief_id.is_not(None))))
    assert f"{history:,} audit events" in result.output

    created = read_db(lambda s: s.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "debrief", AuditEvent.action == "created")).all())
    assert sorted(e.debrief_id for e in created) == sorted(d.id for d in debriefs)
    by_id = {d.id: d for d in debriefs}
    assert all(e.changes["reference"] == by_id[e.debrief_id].reference for e in created)


def test_one_seeded_user_holds_several_roles_and_has_work_in_each(app, runner, browser_of):
    result = seed(runner, 300)
    several = seeded_email("several", 1)
    assert f"several roles (board, learning, owner, reviewer): {several}" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == several))
        assert {role.value for role in user.role_set} == seeding.SEVERAL_ROLES == {"reviewer", "owner", "learning",
                                                                                   "board"}
        assert not user.is_board_chair
        for column in (Debrief.reviewer_id, Recommendation.owner_id, LearningProduct.created_by_id,
                       BoardDecision.decided_by_id):
            mine = db.session.scalar(sa.select(sa.func.count()).where(column == user.id))
            everyone = db.session.scalar(sa.select(sa.func.count()).select_from(column.table))
            assert 0 < mine < everyone  # a share of each, as one of the others in that role
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation).where(
            Recommendation.owner_id == user.id, Recommendation.status != "closed")) > 0
    assert browser_of(several, SEED_PASSWORD).get("/").status_code == 200


def test_postgresql_copy_writes_the_rows_sqlite_inserts_write(tmp_path):
    """PostgreSQL's rows go by COPY (and skip the foreign-key checks), SQLite's by executemany: the
    same seed gives the same content in both, every reference resolved."""
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    made = []
    for url in (None, f"sqlite:///{tmp_path / 'executemany.sqlite3'}"):
        with empty_database(tmp_path, url) as other:
            seed(other.test_cli_runner(), 150, seed=42)
            with other.app_context():
                made.append((content(db.session), stored_as_copy_leaves_them(db.session)))
    assert made[0] == made[1]
    assert made[0][0][0] and made[0][0][5][0]  # debriefs and invitations


def stored_as_copy_leaves_them(session) -> list:
    """What `content` leaves out: the columns COPY fills from defaults and the word vectors."""
    return sorted(session.execute(
        sa.select(Invitation.token_hash, Invitation.language, Invitation.previous_token_hash)).all()) + sorted(
        session.execute(sa.select(Recommendation.text, RecommendationVector.word_vectors).join(
            RecommendationVector, RecommendationVector.recommendation_id == Recommendation.id)).all())


def test_the_same_seed_gives_the_same_data_and_another_seed_different_data(tmp_path, runner, read_db):
    made = []
    for _ in range(2):
        with empty_database(tmp_path) as other:
            seed(other.test_cli_runner(), 200, seed=42)
            with other.app_context():
                made.append(content(db.session))
    assert made[0] == made[1]
    assert len(made[0][0]) == 200
    invited, contributed, history = made[0][5]
    assert len(invited) >= 400 and contributed and len(history) > len(invited)

    seed(runner, 200, seed=43)
    assert read_db(content) != made[0]


def test_the_boards_kept_counts_are_right_the_moment_the_seed_commits(runner, read_db):
    """The seed writes in bulk (COPY on PostgreSQL), yet every trigger runs: the board's kept counts
    (migration 0018) equal a count made from scratch."""
    seed(runner, 60)
    assert read_db(kept) == read_db(counted_from_scratch)
    assert sum(read_db(kept)[0].values()) == read_db(lambda s: s.scalar(sa.select(sa.func.count(Recommendation.id))))


def test_seeding_twice_adds_and_never_collides(app, runner, read_db):
    first = seed(runner, 200, seed=5)
    references = lambda s: s.execute(sa.select(Recommendation.reference_year,  # noqa: E731
                                               Recommendation.reference_number)).all()
    before = read_db(references)
    earlier = set(read_db(lambda s: s.scalars(sa.select(Debrief.id)).all()))
    withdrawn = seeding.SEED_AGENCIES["health"][0][0]  # the most invited
    with app.app_context():
        agencies.set_active(agencies.find(withdrawn), False, actor=None)
        db.session.commit()
    second = seed(runner, 200, seed=5)
    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    assert len(debriefs) == 400
    assert len({d.reference for d in debriefs}) == 400
    assert len({d.crime_reference for d in debriefs}) == 400
    assert all(CRIME_REFERENCE.fullmatch(d.crime_reference) for d in debriefs)
    users = read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(User)))
    assert users == 5 + 3 + 3 + 3 + 1  # reviewers, owners, learning team, board and several roles, made once
    assert f"({users} new users in all)" in first.output and "(0 new users in all)" in second.output
    seeded = read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(Agency)))
    assert seeded == sum(len(group) for group in seeding.SEED_AGENCIES.values())  # made once too
    assert f"{seeded} agencies ({seeded} new)" in first.output
    assert f"{seeded - 1} agencies (0 new)" in second.output  # all but the withdrawn one
    hashes = read_db(lambda s: s.scalars(sa.select(Invitation.token_hash)).all())
    assert len(set(hashes)) == len(hashes) > 0  # the same seed again, yet no link's hash twice
    invited = read_db(lambda s: s.execute(sa.select(Invitation.debrief_id, Agency.name).join(Invitation.agency)).all())
    assert any(name == withdrawn for debrief_id, name in invited if debrief_id in earlier)
    assert all(name != withdrawn for debrief_id, name in invited if debrief_id not in earlier)  # the app would refuse

    after = read_db(references)
    assert len(after) > len(before) > 0
    assert len(set(after)) == len(after)  # REC-<year>-<n> never twice
    highest_before = defaultdict(int)
    for year, number in before:
        highest_before[year] = max(highest_before[year], number)
    added = set(after) - set(before)
    assert all(number > highest_before[year] for year, number in added)  # numbering continues
    for year in {year for year, _ in after}:  # and leaves no gaps
        numbers = sorted(number for y, number in after if y == year)
        assert numbers == list(range(1, len(numbers) + 1))
    records = read_db(lambda s: s.scalars(sa.select(Recommendation)).all())
    assert all(REC_REFERENCE.fullmatch(r.reference) for r in records)


def test_adding_partners_left_the_debriefs_and_learning_as_they_were(tmp_path, monkeypatch):
    """Partners draw from a stream of their own: a seed made without them has the same debriefs,
    clocks, lessons and recommendations."""
    def without_partner_clocks(made):
        rows, deadlines, *rest = made[:5]
        return rows, [d for d in deadlines if d[1] != PARTNER_CLOCK], *rest

    made = []
    for invite in (True, False):
        if not invite:
            monkeypatch.setattr(seeding._PartnerMaker, "make",
                                lambda self, draft: seeding._PartnerDraft(draft.audit["actor_label"], []))
        with empty_database(tmp_path) as other:
            seed(other.test_cli_runner(), 200, seed=42)
            with other.app_context():
                made.append(content(db.session))
    assert made[0][5][0] and not made[1][5][0]  # invitations, then none
    assert without_partner_clocks(made[0]) == without_partner_clocks(made[1])


def test_seed_is_refused_in_production(database_url, read_db):
    production = make_app(database_url, APP_ENV="production")
    result = production.test_cli_runner().invoke(args=["seed", "--debriefs", "10"])
    assert result.exit_code != 0
    assert "refused when APP_ENV=production" in result.output
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(Debrief))) == 0
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(User))) == 0


def test_proportions_and_dates_are_realistic(runner, read_db):
    seed(runner, 3000, seed=11)
    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    homicides = [d for d in debriefs if d.is_homicide]
    assert 0.06 <= len(homicides) / len(debriefs) <= 0.12  # about one homicide to ten near-misses
    children = [d for d in debriefs if d.victim_age is not None and d.victim_age < 18]
    assert 0.07 <= len(children) / len(debriefs) <= 0.14
    assert 0.15 <= sum(d.domestic for d in homicides) / len(homicides) <= 0.35
    assert Counter(d.weapon for d in homicides).most_common(1)[0][0] == "knife"
    assert 0.03 <= sum(d.prior_police_contact for d in debriefs) / len(debriefs) <= 0.25
    assert {t for d in debriefs for t in d.themes} == {"serious_violence", "drugs", "vulnerability",
                                                       "domestic_abuse"}

    now = utcnow()
    assert all(d.occurred_at <= d.reported_at <= d.created_at <= now for d in debriefs)
    assert min(d.reported_at for d in debriefs) < now - timedelta(days=9 * 365)
    assert max(d.reported_at for d in debriefs) > now - timedelta(days=7)
    year_old = [d for d in debriefs if d.reported_at < now - timedelta(days=365)]
    assert sum(d.meeting_held_at is not None for d in year_old) / len(year_old) > 0.9

    deadlines = read_db(lambda s: s.scalars(sa.select(Clock)).all())
    assert all(c.met_at is None or c.started_at <= c.met_at <= now for c in deadlines)
    with runner.app.app_context():
        assert clocks.overdue(1, 10, now).total > 0
        assert clocks.due_soon(1, 10, now).total > 0


def test_clocks_are_the_ones_the_policy_gives_with_its_due_dates(app, runner, read_db):
    seed(runner, 2000, seed=3)
    with app.app_context():
        rules, calendar = clocks.policy().debrief_rules, clocks.calendar()
        for debrief in db.session.scalars(sa.select(Debrief)):
            deadlines = {c.kind: c for c in clocks.clocks_of(debrief, with_partner_clocks=False)}
            assert set(deadlines) == {r.kind for r in rules if r.applies_to(debrief)}, debrief.reference
            if debrief.is_homicide:
                assert "homicide_index_return" in deadlines
            if debrief.victim_age is not None and debrief.victim_age < 18:
                assert "child_safeguarding_notification" in deadlines
            for clock in deadlines.values():
                if clock.waits_for:
                    assert clock.started_at == deadlines[clock.waits_for].met_at
                if clock.started_at is None:
                    assert clock.due_date is None and clock.met_at is None
                    continue
                start = london_date(clock.started_at)
                assert clock.base_due_date == clocks.due_date_for(clock.unit, clock.length, start, calendar)
                assert clock.due_at == end_of_day(clock.due_date)
                assert (clock.due_date == clock.base_due_date) == (clock.extension_reason is None)
            assert debrief.meeting_held_at == deadlines["debrief_meeting"].met_at


def test_lessons_and_recommendations_come_in_realistic_proportions(runner, read_db):
    seed(runner, 3000, seed=11)
    now, today = utcnow(), london_date(utcnow())
    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    records = read_db(lambda s: s.scalars(sa.select(Recommendation)).all())
    lessons = read_db(lambda s: s.scalars(sa.select(Lesson)).all())
    assert 4.3 <= len(records) / len(debriefs) <= 5.7  # about five a debrief: 500,000 at 100,000
    per_debrief = Counter(r.debrief_id for r in records)
    held = {d.id for d in debriefs if d.meeting_held_at is not None}
    assert set(per_debrief) <= held  # recommended at or after the meeting
    homicides = {d.id for d in debriefs if d.is_homicide}
    homicide_average = sum(per_debrief[i] for i in homicides & held) / len(homicides & held)
    near_miss_average = sum(per_debrief[i] for i in held - homicides) / len(held - homicides)
    assert homicide_average > near_miss_average
    lessons_per_debrief = Counter(lesson.debrief_id for lesson in lessons)
    assert set(lessons_per_debrief) <= held and max(lessons_per_debrief.values()) == 4
    assert 0.05 <= (len(held) - len(lessons_per_debrief)) / len(held) <= 0.15  # a tenth learned nothing new
    assert 1.8 <= len(lessons) / len(held) <= 2.3
    by_id = {d.id: d for d in debriefs}
    assert all(by_id[r.debrief_id].meeting_held_at <= r.created_at < now for r in records)
    assert all(set(lesson.themes) <= set(by_id[lesson.debrief_id].themes) for lesson in lessons)

    def share(group, status):
        return sum(r.status == status for r in group) / len(group)

    old = [r for r in records if r.created_at < now - timedelta(days=3 * 365)]
    recent = [r for r in records if r.created_at > now - timedelta(days=90)]
    assert share(old, "closed") > 0.97
    assert share(recent, "closed") < 0.2
    assert {r.status for r in recent} == {"open", "in_progress", "awaiting_closure", "closed"}
    statuses = Counter(r.status for r in records)
    assert 0.85 <= statuses["closed"] / len(records) <= 0.99
    overdue = [r for r in records if r.status in ("open", "in_progress") and r.due_date < today]
    assert 0.003 <= len(overdue) / len(records) <= 0.05
    assert any(r.created_at < now - timedelta(days=2 * 365) for r in overdue)  # some long forgotten

    closed = [r for r in records if r.status == "closed"]
    codes = Counter(r.closure_code for r in closed)
    assert set(codes) == {code.value for code in lifecycle.ClosureCode}
    assert 0.7 <= codes["implemented"] / len(closed) <= 0.85
    assert Counter(r.priority for r in records).most_common(1)[0][0] == "medium"
    assert Counter(r.source for r in records).most_common(1)[0][0] == "debrief"

    owners = read_db(lambda s: s.scalars(sa.select(User).where(  # and the one with several roles
        User.email.like("owner-%") | (User.email == seeded_email("several", 1)))).all())
    open_by_owner = Counter(r.owner_id for r in records if r.status != "closed")
    assert {u.id for u in owners} == {r.owner_id for r in records}
    assert all(open_by_owner[u.id] >= 10 for u in owners)  # My actions has something on it for everyone


def test_partners_are_invited_for_the_incident_and_answer_in_realistic_proportions(app, runner):
    seed(runner, 2000, seed=11)
    now = start_of_day(london_date(utcnow()))  # the seed's now
    with app.app_context():
        debriefs = {d.id: d for d in db.session.scalars(sa.select(Debrief))}
        invited = db.session.scalars(sa.select(Invitation).order_by(Invitation.created_at, Invitation.id)).all()
        versions = defaultdict(list)
        for c in db.session.scalars(sa.select(Contribution).order_by(Contribution.version)):
            versions[c.invitation_id].append(c)
        deadline = {c.invitation_id: c for c in db.session.scalars(
            sa.select(Clock).where(Clock.invitation_id.is_not(None)))}
        rule, calendar = clocks.policy().rule(PARTNER_CLOCK), clocks.calendar()
        expected_expiry = {i.id: invitations.expires_at_for(i.created_at) for i in invited}
        seeded = db.session.scalars(sa.select(Agency)).all()
    group_of = {name: group for group, members in seeding.SEED_AGENCIES.items() for name, _ in members}

    # The agencies: a few dozen of every kind the app knows.
    assert 30 <= len(seeded) <= 40 and all(a.active for a in seeded)
    assert {a.kind for a in seeded} == {kind.value for kind in AgencyType}

    # How many and whom each debrief invites.
    of_debrief = defaultdict(list)
    for i in invited:
        of_debrief[i.debrief_id].append(i)
    counts = {debrief_id: len(found) for debrief_id, found in of_debrief.items()}
    assert set(counts) == set(debriefs)  # every debrief
    assert min(counts.values()) >= 2 and max(counts.values()) <= 8
    assert 2.9 <= sum(counts.values()) / len(counts) <= 3.6
    children = {d.id for d in debriefs.values() if d.victim_age is not None and d.victim_age < 18}
    more = {d.id for d in debriefs.values() if d.is_homicide} | children
    average = lambda ids: sum(counts[i] for i in ids) / len(ids)  # noqa: E731
    assert average(more) > average(set(debriefs) - more) + 1
    assert all(len({i.agency_id for i in found}) == len(found) for found in of_debrief.values())
    first_group = {debrief_id: group_of[found[0].agency.name] for debrief_id, found in of_debrief.items()}
    assert all(first_group[i] == "children" for i in children)
    assert all(first_group[d.id] == "domestic_abuse" for d in debriefs.values() if d.domestic and d.id not in children)
    invited_groups = Counter(group_of[i.agency.name] for i in invited)
    assert invited_groups.most_common(1)[0][0] == "health"
    domestic = [i for i in invited if debriefs[i.debrief_id].domestic]
    other = [i for i in invited if not debriefs[i.debrief_id].domestic and i.debrief_id not in children]
    share = lambda found, group: sum(group_of[i.agency.name] == group for i in found) / len(found)  # noqa: E731
    assert share(domestic, "housing") > share(other, "housing")
    assert share(other, "education") < 0.02 < share([i for i in invited if i.debrief_id in children], "education")

    # Who, when, and the link nobody holds.
    for i in invited:
        debrief = debriefs[i.debrief_id]
        assert i.invited_by_id == debrief.reviewer_id
        assert debrief.created_at <= i.created_at < now
        assert i.expires_at == expected_expiry[i.id]  # the invitations service's rule
        assert i.contact_name and i.contact_email.endswith(f".{seeding.PARTNER_EMAIL_DOMAIN}")
        assert re.fullmatch(r"[0-9a-f]{64}", i.token_hash)
        assert i.previous_token_hash is None and i.last_reminded_at is None
        end = min(i.expires_at, now)
        assert all(at is None or i.created_at <= at < end for at in (i.opened_at, i.responded_at, i.revoked_at))
        assert i.responded_at is None or i.revoked_at is None
        if i.responded_at:
            assert i.opened_at is not None and i.opened_at <= i.responded_at
    assert len({i.token_hash for i in invited}) == len(invited)
    after_opening = [i.created_at - debriefs[i.debrief_id].created_at for i in invited]
    assert sum(delay < timedelta(days=1) for delay in after_opening) / len(invited) > 0.7  # within hours, most
    assert sum(delay < timedelta(days=10) for delay in after_opening) / len(invited) > 0.97
    for email in {i.contact_email for i in invited}:  # addresses the app's own check accepts, as it stores them
        assert validate_email(email, check_deliverability=False).normalized.lower() == email

    # States by age, with the model's own rule: old ones answered, expired or withdrawn; recent ones waiting.
    states = {i.id: i.state_at(now) for i in invited}
    old = Counter(states[i.id] for i in invited if i.created_at < now - timedelta(days=30))
    total = sum(old.values())
    assert 0.70 <= old[InvitationState.RESPONDED] / total <= 0.82
    assert 0.14 <= old[InvitationState.EXPIRED] / total <= 0.28
    assert 0.01 <= old[InvitationState.REVOKED] / total <= 0.06
    assert not old[InvitationState.SENT] and not old[InvitationState.OPENED]
    recent = Counter(states[i.id] for i in invited if i.created_at > now - timedelta(days=14))
    assert recent[InvitationState.SENT] + recent[InvitationState.OPENED] > 0
    assert not recent[InvitationState.EXPIRED]

    # Contributions: for answered invitations only, versions 1..n, the first when it was answered.
    assert set(versions) == {i.id for i in invited if i.responded_at is not None}
    by_id = {i.id: i for i in invited}
    for invitation_id, found in versions.items():
        invitation = by_id[invitation_id]
        assert [c.version for c in found] == list(range(1, len(found) + 1))
        assert found[0].submitted_at == invitation.responded_at
        assert [c.submitted_at for c in found] == sorted(c.submitted_at for c in found)
        assert found[-1].submitted_at < min(invitation.expires_at, now)
        for c in found:
            assert c.prior_contact in invitations.PRIOR_CONTACT
            assert (c.contact_summary is not None) == (c.prior_contact == "yes")
    again = sum(len(found) > 1 for found in versions.values()) / len(versions)
    assert 0.05 <= again <= 0.16
    assert max(len(found) for found in versions.values()) == 2
    first = [found[0] for found in versions.values()]
    assert 0.6 <= sum(c.attending for c in first) / len(first) <= 0.8
    assert {c.prior_contact for c in first} == invitations.PRIOR_CONTACT
    assert any(c.learning for c in first) and any(c.learning is None for c in first)

    # Each its contribution deadline, as `clocks.start_partner_clock` starts it, met by the first answer.
    assert set(deadline) == set(by_id)
    late = 0
    for i in invited:
        clock = deadline[i.id]
        assert clock.kind == PARTNER_CLOCK and clock.debrief_id == i.debrief_id
        assert clock.label == clocks.partner_clock_label(rule, i.agency.name)
        assert clock.started_at == i.created_at
        assert clock.base_due_date == clock.due_date == clocks.due_date_for(
            rule.unit, rule.length, london_date(i.created_at), calendar)
        assert clock.due_at == end_of_day(clock.due_date)
        assert clock.met_at == i.responded_at
        late += i.responded_at is not None and i.responded_at > clock.due_at
    assert 0.2 <= late / len(versions) <= 0.4


def test_the_history_has_the_events_the_app_writes_for_what_was_seeded(app, runner):
    seed(runner, 500, seed=6)
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.debrief_id.is_not(None))).all()
        invited = {i.id: i for i in db.session.scalars(sa.select(Invitation))}
        contributions = db.session.scalars(sa.select(Contribution)).all()
        records = {r.id: r for r in db.session.scalars(sa.select(Recommendation))}
        linked = defaultdict(set)
        for recommendation_id, lesson_id in db.session.execute(sa.select(recommendation_lessons)):
            linked[recommendation_id].add(lesson_id)
        emails = dict(db.session.execute(sa.select(User.id, User.email)).all())
        reviewer = {d.id: d.reviewer_id for d in db.session.scalars(sa.select(Debrief))}
        extended = set(db.session.scalars(sa.select(BoardDecision.recommendation_id)
                                          .where(BoardDecision.decision == "extend")))
    by_action = defaultdict(list)
    for e in events:
        by_action[e.action].append(e)
    assert set(by_action) == {"created", "recommendation_added", "invitation_sent", "contribution_submitted",
                              "invitation_revoked"}
    assert len(by_action["created"]) == len(reviewer)

    # One invitation_sent per invitation, by the reviewer who sent it, as `invitations.invite` writes it.
    sent = {e.entity_id: e for e in by_action["invitation_sent"]}
    assert len(sent) == len(by_action["invitation_sent"]) == len(invited)
    for invitation_id, e in sent.items():
        i = invited[invitation_id]
        assert (e.entity, e.debrief_id, e.at, e.actor_id, e.actor_label, e.invitation_id) == (
            "invitation", i.debrief_id, i.created_at, i.invited_by_id, emails[i.invited_by_id], None)
        assert e.changes == {"agency": i.agency.name, "email": i.contact_email}

    # One contribution_submitted per version, by the partner through their link (`invitations.contribute`).
    submitted = {(e.entity_id, e.changes["version"]): e for e in by_action["contribution_submitted"]}
    assert len(submitted) == len(by_action["contribution_submitted"]) == len(contributions)
    for c in contributions:
        e, i = submitted[(c.invitation_id, c.version)], invited[c.invitation_id]
        assert (e.entity, e.debrief_id, e.at, e.actor_id, e.invitation_id) == (
            "invitation", i.debrief_id, c.submitted_at, None, i.id)
        assert e.actor_label == audit.partner_label(i.agency.name, i.id) == f"{i.agency.name} (partner invitation {i.id})"
        assert e.changes == {"version": c.version}

    # One invitation_revoked per withdrawn invitation, by the reviewer (`invitations.revoke`).
    revoked = {e.entity_id: e for e in by_action["invitation_revoked"]}
    assert set(revoked) == {i.id for i in invited.values() if i.revoked_at is not None}
    for invitation_id, e in revoked.items():
        i = invited[invitation_id]
        assert (e.at, e.actor_id, e.actor_label, e.debrief_id, e.changes) == (
            i.revoked_at, i.invited_by_id, emails[i.invited_by_id], i.debrief_id, {"agency": i.agency.name})

    # One recommendation_added per recommendation, as `recommendations.create` writes it.
    added = {e.entity_id: e for e in by_action["recommendation_added"]}
    assert set(added) == set(records) and len(added) == len(by_action["recommendation_added"])
    for recommendation_id, e in added.items():
        r = records[recommendation_id]
        assert (e.entity, e.debrief_id, e.at, e.actor_id, e.actor_label, e.invitation_id) == (
            "recommendation", r.debrief_id, r.created_at, reviewer[r.debrief_id], emails[r.created_by_id], None)
        assert set(e.changes) == {"reference", "text", "owner", "due_date", "priority", "lessons"}
        assert (e.changes["reference"], e.changes["text"], e.changes["owner"], e.changes["priority"]) == (
            r.reference, r.text, emails[r.owner_id], r.priority)
        assert set(e.changes["lessons"]) == linked[r.id] and len(e.changes["lessons"]) == len(linked[r.id])
        # The due date as first set: the board has moved some since.
        assert (e.changes["due_date"] != r.due_date.isoformat()) == (r.id in extended)
    assert extended


def test_a_seeded_reviewer_sees_the_partners_and_the_analyst_their_engagement(app, runner, browser_of):
    seed(runner, 300, seed=9)
    now = start_of_day(london_date(utcnow()))
    with app.app_context():
        invited = db.session.scalars(sa.select(Invitation)).all()
        deadline = {c.invitation_id: c.due_at for c in db.session.scalars(
            sa.select(Clock).where(Clock.invitation_id.is_not(None)))}
        contributed = Counter(db.session.scalars(sa.select(Contribution.invitation_id)))
        # The debrief page's partners, with the service it uses: each invitation's state and versions.
        busiest = Counter(i.debrief_id for i in invited if i.responded_at).most_common(1)[0][0]
        debrief = db.session.get(Debrief, busiest)
        views = invitations.partners_of(debrief, now)
        reviewer, reference = debrief.reviewer.email, debrief.reference
        names = [v.invitation.agency.name for v in views]
        # The partner engagement report, over the ten years.
        rows = invitations.engagement(london_date(min(i.created_at for i in invited)), london_date(now), now)
        # The reminder job: only invitations still open, never the long-expired ones.
        due = reminders.unanswered_invitations(utcnow(), london_date(utcnow()))
    assert [v.invitation.debrief_id for v in views] == [busiest] * len(views) and len(views) >= 2
    assert all(v.state is v.invitation.state_at(now) and len(v.contributions) == contributed[v.invitation.id]
               and v.deadline is not None for v in views)

    page = browser_of(reviewer, SEED_PASSWORD).get(f"/debriefs/{busiest}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert reference in html and all(name.replace("'", "&#39;") in html for name in names)

    assert sum(r.sent for r in rows) == len(invited)
    assert sum(r.opened for r in rows) == sum(i.opened_at is not None for i in invited)
    assert sum(r.responded for r in rows) == sum(i.responded_at is not None for i in invited)
    assert sum(r.late for r in rows) == sum(i.responded_at is not None and i.responded_at > deadline[i.id]
                                            for i in invited) > 0
    unanswered = [i for i in invited if i.responded_at is None and i.revoked_at is None
                  and (deadline[i.id] < now or i.expires_at <= now)]
    assert sum(r.never_answered for r in rows) == len(unanswered) > 0
    assert {i.state_at(now) for i in unanswered} <= {InvitationState.EXPIRED, InvitationState.SENT,
                                                    InvitationState.OPENED}
    assert {r.agency for r in rows} <= {name for group in seeding.SEED_AGENCIES.values() for name, _ in group}
    assert len(due) < 0.05 * len(invited)


def test_recommendations_are_where_the_lifecycle_and_their_clocks_would_have_put_them(app, runner):
    seed(runner, 1500, seed=8)
    today = london_date(utcnow())
    with app.app_context():
        rules = {kind: clocks.policy().rule(kind) for kind in ("recommendation_response", "recommendation_due")}
        calendar = clocks.calendar()
        found = learning_rows(db.session)
        lessons_of = defaultdict(set)
        for lesson_id, debrief_id in db.session.execute(sa.select(Lesson.id, Lesson.debrief_id)):
            lessons_of[debrief_id].add(lesson_id)
        gate_refused_with_rationale, awaiting_gate = 0, []
        records = db.session.scalars(sa.select(Recommendation)).all()
        for r in records:
            updates, products, decisions = found["updates"][r.id], found["products"][r.id], found["decisions"][r.id]
            kinds = [u.kind for u in updates]
            facts = [lifecycle.ProductFacts(kind=p.kind, status=p.status) for p in products]
            assert r.version == 1 + len(updates) + len(decisions), r.reference  # one for every change
            assert set(found["links"][r.id]) <= lessons_of[r.debrief_id]
            assert [u.at for u in updates] == sorted(u.at for u in updates)
            assert all(u.author_id == r.owner_id for u in updates)
            assert r.updated_at == max([r.created_at, *(u.at for u in updates), *(d.decided_at for d in decisions)])

            # Status, notes and decisions tell the same story.
            assert (kinds[:1] == ["response"]) == (r.status != "open"), r.reference
            # Asked for closure once, and once more after each refusal; waiting for the board or closed
            # only after asking.
            rejections = [d.decision for d in decisions].count("reject_closure")
            asked = r.status in ("awaiting_closure", "closed")
            assert kinds.count("completion") == rejections + asked, r.reference
            if asked:
                assert kinds[-1] == "completion"
            close = [d for d in decisions if d.decision == "close"]
            assert (r.status == "closed") == bool(close) == (r.closure_code is not None) == (r.closed_at is not None)
            if r.status == "closed":
                assert close[0].closure_code == r.closure_code and close[0].decided_at == r.closed_at
                assert close == decisions[-1:]
                # The board could have made this closure: the lifecycle's own check, closure gate included.
                lifecycle.check(lifecycle.Status.AWAITING_CLOSURE,
                                lifecycle.Move(to=lifecycle.Status.CLOSED, closure_code=r.closure_code,
                                               rationale=close[0].rationale), BOARD, facts)
                if r.closure_code in ("implemented", "alternative_action") and not close[0].rationale:
                    assert lifecycle.closure_gate_problem(facts) is None
                    assert recommendations.closure_gate_problem(r) is None
                elif r.closure_code in ("implemented", "alternative_action"):
                    gate_refused_with_rationale += lifecycle.closure_gate_problem(facts) is not None
            if r.status == "open":
                assert not products and not updates
            if r.status == "awaiting_closure":
                awaiting_gate.append(lifecycle.closure_gate_problem(facts))
            for extension in (d for d in decisions if d.decision == "extend"):
                assert extension.new_due_date == r.due_date and extension.rationale

            for p in products:
                assert p.kind in lifecycle.PRODUCT_KINDS and p.audience and p.target_count
                assert r.created_at <= p.created_at
                delivered = p.status in lifecycle.DELIVERED_STATES
                assert delivered == (p.delivered_on is not None) == (p.reached_count is not None)
                if delivered:
                    assert london_date(p.created_at) <= p.delivered_on < today
                    assert p.reached_count <= p.target_count

            # Its clocks: the policy's rules, started when it was allocated.
            deadlines = {c.kind: c for c in found["clocks"][r.id]}
            assert set(deadlines) == set(rules)
            response, due = deadlines["recommendation_response"], deadlines["recommendation_due"]
            assert response.started_at == due.started_at == r.created_at
            rule = rules["recommendation_response"]
            assert response.base_due_date == response.due_date == clocks.due_date_for(
                rule.unit, rule.length, london_date(r.created_at), calendar)
            assert due.base_due_date == due.due_date == r.due_date
            assert all(c.due_at == end_of_day(c.due_date) and c.debrief_id is None for c in deadlines.values())
            assert response.met_at == (updates[0].at if r.status != "open" else None)
            assert due.met_at == (updates[-1].at if r.status in ("awaiting_closure", "closed") else None)
        # The board's queue: most have delivered what the gate needs; some have not (yet) and say why not.
        assert 0.5 < awaiting_gate.count(None) / len(awaiting_gate) < 1, (awaiting_gate.count(None), len(awaiting_gate))
        # Some were closed with only an intranet article or bulletin, and the board said why.
        assert gate_refused_with_rationale > 0
        awareness_only = [r for r in records if r.status == "closed" and found["products"][r.id]
                          and {p.kind for p in found["products"][r.id]} <= lifecycle.AWARENESS_ONLY]
        assert awareness_only and all(found["decisions"][r.id][-1].rationale for r in awareness_only)


def test_a_seeded_owner_and_the_board_use_the_service_on_seeded_data(app, runner, read_db, browser_of, api_token):
    seed(runner, 500, seed=2)
    owner = owner_email(1)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == owner))
        mine = recommendations.my_actions(user, 1, 25)
        everything = db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)
                                       .where(Recommendation.owner_id == user.id))
        awaiting = recommendations.awaiting_closure(1, 25).total
    assert mine.total > 0 and all(r.status != "closed" and r.owner_id == user.id for r in mine.items)
    assert [r.due_date for r in mine.items] == sorted(r.due_date for r in mine.items)

    browser = browser_of(owner, SEED_PASSWORD)
    page = browser.get("/my-actions")
    if any(rule.rule == "/my-actions" for rule in app.url_map.iter_rules()):
        assert page.status_code == 200
        assert mine.items[0].reference in page.get_data(as_text=True)
    else:  # the page is not there yet: the service above is what it will show
        assert page.status_code == 404
    assert browser.get(f"/api/v1/recommendations/{mine.items[0].id}",
                       headers=api_token(owner)).get_json()["owner"]["email"] == owner

    listed = browser.get(f"/api/v1/recommendations?owner={owner}&per_page=25", headers=api_token(reviewer_email(1)))
    assert listed.status_code == 200
    assert listed.get_json()["total"] == everything
    assert {item["owner"]["email"] for item in listed.get_json()["items"]} == {owner}

    board = api_token(seeded_email("board", 1))
    queue = browser.get("/api/v1/recommendations?status=awaiting_closure", headers=board)
    assert queue.status_code == 200 and queue.get_json()["total"] == awaiting > 0
    summary = browser.get("/api/v1/board/summary", headers=board)
    assert summary.status_code == 200 and summary.get_json()["awaiting_closure"] == awaiting


def test_a_seeded_reviewer_uses_the_service_on_seeded_data(runner, read_db, browser_of, api_token):
    seed(runner, 300)
    browser = browser_of(reviewer_email(1), SEED_PASSWORD)
    home = browser.get("/")
    assert home.status_code == 200
    assert "My open debriefs" in home.get_data(as_text=True)
    listing = browser.get("/debriefs")
    assert listing.status_code == 200
    newest = read_db(lambda s: s.scalar(sa.select(Debrief).order_by(Debrief.reported_at.desc()).limit(1)))
    assert newest.reference in listing.get_data(as_text=True)
    assert browser.get("/debriefs?page=3&status=open").status_code == 200
    assert browser.get(f"/debriefs/{newest.id}").status_code == 200

    api = browser.get("/api/v1/debriefs?per_page=100", headers=api_token(reviewer_email(1)))
    assert api.status_code == 200
    assert api.get_json()["total"] == 300


def test_the_page_benchmark_runs_end_to_end_at_a_small_size(tmp_path):
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), "--debriefs", "60", "--requests", "3",
         "--database-url", server],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("GET /", "GET /debriefs", "GET /api/v1/debriefs?per_page=100", "GET /api/v1/recommendations?per_page=100",
                 "GET /api/v1/board/summary", "My actions", "board queue", "recommendations.my_actions"):
        assert page in result.stdout
    assert "p95" in result.stdout


def test_every_seeded_recommendation_has_its_vectors_and_is_found_as_a_repeat(app, runner, read_db):
    seed(runner, 200, seed=4)
    texts = dict(read_db(lambda s: s.execute(sa.select(Recommendation.id, Recommendation.text)).all()))
    vectors = read_db(lambda s: s.execute(sa.select(
        RecommendationVector.recommendation_id, RecommendationVector.vector, RecommendationVector.token_ids)).all())
    assert len(texts) > 500
    assert Counter(recommendation_id for recommendation_id, _, _ in vectors) == Counter(set(texts))  # one each

    # Each the embedding of its text: the same text, the same bytes.
    by_text = defaultdict(set)
    for recommendation_id, vector, token_ids in vectors:
        by_text[texts[recommendation_id]].add((vector, token_ids))
    assert all(len(stored) == 1 for stored in by_text.values())
    assert set(by_text) <= set(distinct_texts())
    assert len(by_text) > 100  # varied: not a handful of vectors
    sample = sorted(by_text)[::25]
    for text, embedding in zip(sample, embed(sample), strict=True):
        ((vector, token_ids),) = by_text[text]
        assert token_ids == embedding.token_ids.tobytes()
        assert np.allclose(np.frombuffer(vector, dtype=np.float16), embedding.vector, atol=2e-3)

    # Repeat detection finds them: a seeded text's own recommendations first, scored as repeats.
    counts = Counter(texts.values()).most_common()
    for text, count in (counts[0], counts[-1], counts[len(counts) // 2]):
        with app.app_context():
            found = similarity.check(text)
            first = [(f.recommendation.id, f.score, f.is_repeat) for f in found[:count]]
        assert len(first) == min(count, len(found)) > 0
        # Identical copies lead none of the others, so each scores on its coverage alone (about 0.86).
        assert all(texts[recommendation_id] == text and score > 0.8 and is_repeat
                   for recommendation_id, score, is_repeat in first), (text, first)


def test_the_tick_benchmark_runs_end_to_end_at_a_small_size(tmp_path):
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "jobs_tick.py"), "--recommendations", "300", "--database-url", server],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for figure in ("1. first tick ever", "3. tomorrow 09:00 (the day's tick)", "twice the recommendations",
                   "The day's tick at", "The SMTP sink received"):
        assert figure in result.stdout, result.stdout


def test_the_repeat_benchmark_runs_end_to_end_at_a_small_size(tmp_path):
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "repeats_speed.py"), "--small", "--recommendations", "300",
         "--queries", "10", "--synthetic", "2000", "--database-url", server],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for figure in ("(a) check at", "(b) full index load", "(b) add one", "(c) VmRSS", "(c) nearest search over 2,000",
                   "p95"):
        assert figure in result.stdout, result.stdout
