"""No page loads its rows one query at a time (issue 9): each main page and API list runs the same
number of SQL statements whether it shows two of everything or five."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency
from debrief.services import notifications
from tests.builders import (
    EMAIL, delivered_product, in_days, make_staff, open_debrief, recommended, set_due_date,
    to_awaiting_closure, today,
)

#: (who, path): every main page and API list, with {debrief} and {recommendation} the story's.
PAGES = [
    ("reviewer", "/"),
    ("reviewer", "/debriefs"),
    ("reviewer", "/debriefs/{debrief}"),
    ("reviewer", "/recommendations/{recommendation}"),
    ("owner", "/"),
    ("owner", "/my-actions"),
    ("board", "/"),
    ("board", "/board"),
    ("board", "/board/dashboard"),
    ("learning", "/learning-queue"),
    ("analyst", "/reports/partner-engagement"),
    ("admin", "/admin/users"),
    ("admin", "/admin/outbox"),
    ("reviewer", "/api/v1/debriefs?per_page=100"),
    ("reviewer", "/api/v1/debriefs/{debrief}"),
    ("reviewer", "/api/v1/debriefs/{debrief}/lessons"),
    ("reviewer", "/api/v1/debriefs/{debrief}/invitations"),
    ("reviewer", "/api/v1/debriefs/{debrief}/contributions"),
    ("reviewer", "/api/v1/debriefs/{debrief}/history"),
    ("board", "/api/v1/recommendations?per_page=100"),
    ("board", "/api/v1/recommendations?overdue=true"),
    ("board", "/api/v1/board/summary"),
]


class Story:
    """Grows by `n` of everything the pages list: debriefs for the reviewer; lessons,
    recommendations (overdue, awaiting closure, with products) and invitations on one debrief;
    users; failed emails."""

    def __init__(self, app, client, staff, read_db, make_user):
        self.app, self.client, self.staff, self.read_db, self.make_user = app, client, staff, read_db, make_user
        self.debrief = open_debrief(client, staff["reviewer"])
        self.size = 0
        self.first_recommendation = None

    def grow(self, n: int) -> None:
        reviewer = self.staff["reviewer"]
        for _ in range(n):
            k = self.size = self.size + 1
            open_debrief(self.client, reviewer, crime_reference=f"42/{50000 + k}/26")
            self.client.post(f"/api/v1/debriefs/{self.debrief['id']}/lessons", headers=reviewer,
                             json={"text": f"Lesson {k}", "category": "supervision"})
            overdue = recommended(self.client, reviewer, self.debrief["id"], due_date=in_days(30),
                                  text=f"Overdue action number {k} on supervision of risk assessments")
            set_due_date(self.read_db, overdue["id"], today() - timedelta(days=k))
            done = recommended(self.client, reviewer, self.debrief["id"], due_date=in_days(40),
                               text=f"Completed action number {k} on briefing neighbourhood teams")
            delivered_product(self.client, self.staff["learning"], done["id"], "briefing")
            to_awaiting_closure(self.client, self.staff["owner"], done["id"])
            self.first_recommendation = self.first_recommendation or overdue
            with self.app.app_context():
                db.session.add(Agency(name=f"Agency {k}", kind="health"))
                db.session.commit()
            self.client.post(f"/api/v1/debriefs/{self.debrief['id']}/invitations", headers=reviewer,
                             json={"agency": f"Agency {k}", "email": f"contact{k}@nhs.net"})
            self.make_user(f"extra{k}@police.uk", "owner", name=f"Extra Owner {k}")
            with self.app.app_context():
                notifications.queue(key=f"failed:{k}", to=f"person{k}@police.uk", subject=f"Subject {k}", body="Body")
                db.session.execute(sa.text("UPDATE outbox_emails SET status = 'failed', attempts = 8, "
                                           "last_error = 'refused' WHERE idempotency_key = :key"), {"key": f"failed:{k}"})
                db.session.commit()


def statements_of(app, request) -> tuple[int, int]:
    """The status of `request()` and how many SQL statements it ran."""
    seen = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: seen.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        status = request().status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    return status, len(seen)


@pytest.fixture
def story(app, client, make_user, api_token, read_db):
    staff = make_staff(make_user, api_token)
    return Story(app, client, staff, read_db, make_user)


def test_every_main_page_runs_as_many_statements_for_five_rows_as_for_two(app, story, browser_of, api_token):
    browsers = {who: browser_of(EMAIL[who]) for who in {who for who, path in PAGES if not path.startswith("/api")}}
    tokens = {who: api_token(EMAIL[who]) for who in {who for who, path in PAGES if path.startswith("/api")}}

    def counts() -> dict[tuple[str, str], int]:
        found = {}
        for who, path in PAGES:
            url = path.format(debrief=story.debrief["id"], recommendation=story.first_recommendation["id"])
            if url.startswith("/api"):
                request = lambda url=url, who=who: story.client.get(url, headers=tokens[who])  # noqa: E731
            else:
                request = lambda url=url, who=who: browsers[who].get(url)  # noqa: E731
            request()  # once to warm caches (reference data, the signed-in user's first load)
            status, found[(who, path)] = statements_of(app, request)
            assert status == 200, (who, url, status)
        return found

    story.grow(2)
    with_two = counts()
    story.grow(3)
    with_five = counts()
    grew = {page: (with_two[page], with_five[page]) for page in with_two if with_five[page] != with_two[page]}
    assert not grew, f"statements per request grew with the rows shown (two → five): {grew}"


def test_every_main_page_runs_as_many_statements_in_welsh_as_in_english(app, story, browser_of):
    """Welsh words come from the catalogue, not the database: a page in Welsh must not load more (a
    partner's deadline named in Welsh once loaded its invitation and agency row by row)."""
    story.grow(3)
    pages = [(who, path) for who, path in PAGES if not path.startswith("/api")]
    browsers = {who: browser_of(EMAIL[who]) for who, _ in pages}

    def counts() -> dict[tuple[str, str], int]:
        found = {}
        for who, path in pages:
            url = path.format(debrief=story.debrief["id"], recommendation=story.first_recommendation["id"])
            browsers[who].get(url)  # once to warm caches
            status, found[(who, path)] = statements_of(app, lambda url=url, who=who: browsers[who].get(url))
            assert status == 200, (who, url, status)
        return found

    english = counts()
    for browser in browsers.values():
        browser.get("/?lang=cy")
    welsh = counts()
    assert {page: (english[page], welsh[page]) for page in english if welsh[page] != english[page]} == {}
