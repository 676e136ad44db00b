"""The Deaths page's "Analyse now" never holds the request (issue 24): the analysis (a minute for a
large force's two years of reports) is stored as asked for and runs after the page has answered, in
a thread of the web process, or, if that process stops, from the scheduler; the page says it is
running, then shows its figures."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import DeathAnalysis, User, utcnow
from debrief.services import accounts, death_analysis
from tests.builders import EMAIL, background, make_staff, report
from tests.conftest import csrf_token_from
from tests.html import parse, success_banner

ANALYSE = "/deaths/analyse"


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def reports(client, staff):
    rows = [*background(40), report("SD-1", datetime(2025, 6, 14, 23, 10), family="Hughes", given="Daniel",
                                    born="1988-03-07", sex="male", lat=52.478, lon=-1.899, place="street",
                                    cause="trauma_sharp")]
    response = client.post("/api/v1/death-reports/import", json={"source": "police", "reports": rows},
                           headers=staff["analyst"])
    assert response.status_code == 200 and not response.get_json()["rejected"]
    return len(rows)


def runs(read_db) -> list[tuple[bool, int, int | None]]:
    """Each analysis: finished, how many reports it read, who asked for it."""
    return read_db(lambda s: [(r.finished_at is not None, r.reports, r.started_by_id) for r in s.scalars(
        sa.select(DeathAnalysis).order_by(DeathAnalysis.id))])


def finished(read_db, run_id: int) -> bool:
    return read_db(lambda s: s.get(DeathAnalysis, run_id).finished_at is not None)


def asked_by(app, email: str) -> int:
    """An analyst asks for an analysis, as the button does, without a request (so nothing runs it)."""
    with app.app_context():
        run = death_analysis.ask(accounts.find_by_email(email))
        db.session.commit()
        return run.id


def freshness(browser) -> tuple[str, str | None]:
    page = parse(browser.get("/deaths").get_data(as_text=True))
    running = page.find(id="analysis-running")
    return page.find(id="freshness").text, running.text if running else None


def test_the_button_answers_at_once_and_the_analysis_runs_after_it(staff, reports, browser_of, read_db):
    analyst = browser_of(EMAIL["analyst"])
    token = csrf_token_from(analyst.get("/deaths").get_data(as_text=True))
    response = analyst.post(ANALYSE, data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/deaths"
    page = analyst.get("/deaths").get_data(as_text=True)
    assert success_banner(page) == ("The analysis has started. Refresh the page to see its figures when it has "
                                    "finished.")
    # The test client waits for the analysis thread, as the analyst refreshes a minute later.
    analyst_id = read_db(lambda s: s.scalar(sa.select(User.id).where(User.email == EMAIL["analyst"])))
    assert runs(read_db) == [(True, reports, analyst_id)]
    text, running = freshness(analyst)
    assert f"{reports} reports" in text and running is None


def test_while_it_runs_the_page_says_so_and_the_scheduler_runs_one_whose_worker_stopped(
        app, staff, reports, browser_of, read_db, runner):
    run_id = asked_by(app, EMAIL["analyst"])
    assert asked_by(app, EMAIL["analyst"]) == run_id  # asked twice before it starts: one analysis
    board = browser_of(EMAIL["board"])
    text, running = freshness(board)
    assert "No analysis has run yet" in text
    assert running.startswith("An analysis asked for on ") and running.endswith(
        "is running. Refresh this page to see its figures when it has finished.")

    # A web worker takes it, and stops before it is done (its transaction is lost with it).
    took = utcnow()
    with app.app_context():
        db.session.execute(sa.update(DeathAnalysis).values(claimed_until=took + death_analysis.ASKED_LEASE))
        db.session.commit()
    with app.app_context():
        assert death_analysis.run_asked(took + timedelta(minutes=1)) is None  # still its worker's, as far as anyone knows
    assert not finished(read_db, run_id)
    # (The tick runs the nightly analysis too, at this time of day: only the one asked for matters here.)
    result = runner.invoke(args=["jobs", "tick", "--now", (took + death_analysis.ASKED_LEASE
                                                           + timedelta(seconds=1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert finished(read_db, run_id)
    assert read_db(lambda s: s.get(DeathAnalysis, run_id).reports) == reports
    text, running = freshness(board)
    assert "Last analysed" in text and running is None


def test_an_analysis_asked_for_while_one_runs_runs_after_it(app, staff, reports, read_db):
    first = asked_by(app, EMAIL["analyst"])
    with app.app_context():
        db.session.execute(sa.update(DeathAnalysis).values(claimed_until=utcnow() + death_analysis.ASKED_LEASE))
        db.session.commit()
    second = asked_by(app, EMAIL["analyst"])  # the first has started: this one sees what came since
    assert second != first
    with app.app_context():
        assert death_analysis.run_asked() is not None  # the second (the first is its worker's)
        assert death_analysis.run_asked() is None
    assert (finished(read_db, first), finished(read_db, second)) == (False, True)


@pytest.mark.parametrize("who", ["board", "reviewer", "owner"])
def test_only_analysts_ask_for_an_analysis(staff, browser_of, read_db, who):
    browser = browser_of(EMAIL[who])
    token = csrf_token_from(browser.get("/").get_data(as_text=True))
    assert browser.post(ANALYSE, data={"csrf_token": token}).status_code == 403
    assert runs(read_db) == []
