"""The analysis of death reports (issue 21): reports of one person from different sources become one
death, an analyst keeps two apart or joins them and the decision survives re-analysis; a planted
series is ranked first and found as a candidate; analysts confirm or dismiss series; who may see and
do what; the nightly job tells analysts of a new candidate series once; the pages."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Death, DeathReport, LinkedSeries, OutboxEmail
from tests.builders import EMAIL, background, make_staff, open_debrief, planted_series, report
from tests.conftest import csrf_token_from
from tests.html import problems


ANALYSE = "/api/v1/death-reports/analyse"
IMPORT = "/api/v1/death-reports/import"


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


def load(client, headers, source: str, rows: list[dict]) -> None:
    response = client.post(IMPORT, json={"source": source, "reports": rows}, headers=headers)
    assert response.status_code == 200 and not response.get_json()["rejected"], response.get_json()


def analyse(client, headers) -> dict:
    response = client.post(ANALYSE, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def death_of(read_db, source: str, reference: str) -> int | None:
    return read_db(lambda s: s.scalar(sa.select(DeathReport.death_id).where(
        DeathReport.source == source, DeathReport.source_reference == reference)))


# One death per person -------------------------------------------------------------------------------------

POLICE = report("SD/2025/000101", datetime(2025, 6, 14, 23, 10), family="Hughes", given="Daniel James",
                born="1988-03-07", sex="male", lat=52.4780, lon=-1.8990, place="street", cause="trauma_sharp",
                classification="suspicious")
#: The same man as the ambulance service saw him: a misspelt name, day and month of birth swapped,
#: three hours later, at the hospital 2 km away.
NHS = report("AMB-77Q1", datetime(2025, 6, 15, 2, 5), family="Hughs", given="Danny", born="1988-07-03",
             sex="male", lat=52.4740, lon=-1.9170, place="hospital", cause="trauma_sharp", classification="",
             nhs="9434765919")
#: Another man of the same common name, born another year, dying elsewhere months later.
NAMESAKE = report("SD/2025/000300", datetime(2025, 11, 2, 9, 0), family="Hughes", given="Daniel",
                  born="1951-10-22", sex="male", lat=52.5600, lon=-1.8000, place="dwelling", cause="natural",
                  indicators="found_by_relative")


def test_two_sources_reports_of_one_person_become_one_death(client, staff, read_db):
    load(client, staff["analyst"], "police", [POLICE, NAMESAKE, *background(40)])
    load(client, staff["analyst"], "nhs", [NHS])
    outcome = analyse(client, staff["analyst"])
    assert outcome["reports"] == 43 and outcome["deaths"] == 42
    death = death_of(read_db, "police", POLICE["source_reference"])
    assert death is not None and death == death_of(read_db, "nhs", NHS["source_reference"])
    assert death_of(read_db, "police", NAMESAKE["source_reference"]) != death
    shown = client.get(f"/api/v1/deaths/{death}", headers=staff["board"]).get_json()
    assert {r["source"] for r in shown["reports"]} == {"police", "nhs"}
    # The scene, not the hospital, is where the death is placed; the cause both sources agree on.
    assert shown["latitude"] == pytest.approx(52.4780) and shown["apparent_cause"] == "trauma_sharp"
    assert shown["reference"].startswith("DTH-2025-")


def test_an_analyst_keeps_two_reports_apart_and_the_decision_survives_reanalysis(client, staff, read_db):
    load(client, staff["analyst"], "police", [POLICE])
    load(client, staff["analyst"], "nhs", [NHS])
    analyse(client, staff["analyst"])
    ids = read_db(lambda s: list(s.scalars(sa.select(DeathReport.id).order_by(DeathReport.id))))
    response = client.post("/api/v1/death-reports/possible-matches/decision", headers=staff["analyst"],
                           json={"reports": ids, "decision": "different_people", "note": "Different GP records"})
    assert response.status_code == 200, response.get_json()
    for _ in range(2):
        assert analyse(client, staff["analyst"])["deaths"] == 2
        assert death_of(read_db, "police", POLICE["source_reference"]) != death_of(read_db, "nhs", NHS["source_reference"])
    # Changing the decision joins them again at the next analysis.
    client.post("/api/v1/death-reports/possible-matches/decision", headers=staff["analyst"],
                json={"reports": ids, "decision": "same_person"})
    assert analyse(client, staff["analyst"])["deaths"] == 1


def test_an_analyst_joins_two_reports_the_method_keeps_apart(client, staff, read_db):
    other = report("ASC-5", datetime(2025, 9, 1, 12, 0), family="Okonkwo", given="Grace", born="1940-02-02",
                   sex="female", lat=52.45, lon=-1.95, place="care_home", cause="natural")
    load(client, staff["analyst"], "police", [NAMESAKE])
    load(client, staff["analyst"], "local_authority", [other])
    assert analyse(client, staff["analyst"])["deaths"] == 2
    ids = read_db(lambda s: list(s.scalars(sa.select(DeathReport.id).order_by(DeathReport.id))))
    client.post("/api/v1/death-reports/possible-matches/decision", headers=staff["analyst"],
                json={"reports": ids, "decision": "same_person", "note": "Registrar confirmed"})
    assert analyse(client, staff["analyst"])["deaths"] == 1


def test_a_death_keeps_its_reference_when_analysed_again(client, staff, read_db):
    load(client, staff["analyst"], "police", [POLICE, NAMESAKE])
    analyse(client, staff["analyst"])
    before = read_db(lambda s: dict(s.execute(sa.select(Death.id, Death.reference_number)).all()))
    load(client, staff["analyst"], "nhs", [NHS])
    analyse(client, staff["analyst"])
    after = read_db(lambda s: dict(s.execute(sa.select(Death.id, Death.reference_number)).all()))
    assert after == before


@pytest.mark.parametrize("body, field", [
    ({"reports": [1], "decision": "same_person"}, "reports"),
    ({"reports": [1, 1], "decision": "same_person"}, "reports"),
    ({"reports": [1, 2], "decision": "perhaps"}, "decision"),
    ({"reports": ["1", "2"], "decision": "same_person"}, "reports"),
])
def test_a_match_decision_names_what_is_wrong(client, staff, body, field):
    response = client.post("/api/v1/death-reports/possible-matches/decision", headers=staff["analyst"], json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_a_match_decision_on_reports_that_do_not_exist_is_a_404(client, staff):
    response = client.post("/api/v1/death-reports/possible-matches/decision", headers=staff["analyst"],
                           json={"reports": [998, 999], "decision": "same_person"})
    assert response.status_code == 404


# Linked series --------------------------------------------------------------------------------------------


@pytest.fixture
def analysed(client, staff):
    load(client, staff["analyst"], "police", [*background(), *planted_series()])
    return analyse(client, staff["analyst"])


def planted_ids(read_db) -> set[int]:
    return {death_of(read_db, "police", f"SER-{n}") for n in range(4)}


def test_a_planted_series_is_ranked_first_for_its_members_and_found_as_a_candidate(client, staff, analysed, read_db):
    planted = planted_ids(read_db)
    for death in planted:
        similar = client.get(f"/api/v1/deaths/{death}/similar?limit=5", headers=staff["analyst"]).get_json()["items"]
        assert similar and similar[0]["death"]["id"] in planted, similar[:2]
        assert 0 <= similar[0]["score"] <= 1
        reasons = " ".join(similar[0]["reasons"])
        assert "insulin" in reasons and "days apart" in reasons and "m apart" in reasons
    series = client.get("/api/v1/linked-series?status=candidate", headers=staff["board"]).get_json()["items"]
    holding = [s for s in series if len(planted & set(s["death_ids"])) >= 3]
    assert holding, series
    assert holding[0]["reference"].startswith("SER-") and "insulin" in holding[0]["summary"]


def test_ordinary_deaths_form_no_candidate_series(client, staff, read_db):
    load(client, staff["analyst"], "police", background())
    assert analyse(client, staff["analyst"])["candidate_series"] == 0


def test_an_analyst_confirms_a_series_and_reanalysis_keeps_the_decision(client, staff, analysed, read_db):
    series = client.get("/api/v1/linked-series", headers=staff["analyst"]).get_json()["items"][0]
    path = f"/api/v1/linked-series/{series['id']}/decision"
    missing_note = client.post(path, headers=staff["analyst"], json={"decision": "confirm"})
    assert missing_note.status_code == 422 and "note" in missing_note.get_json()["error"]["fields"]
    assert client.post(path, headers=staff["board"], json={"decision": "confirm", "note": "x"}).status_code == 403
    decided = client.post(path, headers=staff["analyst"], json={"decision": "confirm", "note": "Same nurse on shift"})
    assert decided.status_code == 200 and decided.get_json()["status"] == "confirmed"
    again = analyse(client, staff["analyst"])
    assert again["new_series"] == 0
    kept = client.get(f"/api/v1/linked-series/{series['id']}", headers=staff["analyst"]).get_json()
    assert kept["status"] == "confirmed" and kept["note"] == "Same nurse on shift"
    assert set(series["death_ids"]) <= set(kept["death_ids"])


def test_a_dismissed_series_stays_dismissed(client, staff, analysed, read_db):
    series = client.get("/api/v1/linked-series", headers=staff["analyst"]).get_json()["items"][0]
    client.post(f"/api/v1/linked-series/{series['id']}/decision", headers=staff["analyst"],
                json={"decision": "dismiss", "note": "All four were prescribed insulin"})
    outcome = analyse(client, staff["analyst"])
    assert outcome["new_series"] == 0
    statuses = read_db(lambda s: dict(s.execute(sa.select(LinkedSeries.id, LinkedSeries.status)).all()))
    assert statuses[series["id"]] == "dismissed"


# Who may see and do what -------------------------------------------------------------------------------------

READS = ["/api/v1/deaths", "/api/v1/linked-series", "/api/v1/deaths/{death}", "/api/v1/deaths/{death}/similar"]


@pytest.mark.parametrize("who, status", [("analyst", 200), ("board", 200), ("admin", 403), ("reviewer", 403),
                                         ("owner", 403), ("learning", 403)])
def test_only_analysts_and_the_board_read_deaths_and_series(client, staff, analysed, read_db, who, status):
    death = next(iter(planted_ids(read_db)))
    for path in READS:
        assert client.get(path.format(death=death), headers=staff[who]).status_code == status, path
    assert client.get("/api/v1/deaths").status_code == 401


@pytest.mark.parametrize("who", ["board", "admin", "reviewer", "owner", "learning"])
def test_only_analysts_analyse(client, staff, who):
    assert client.post(ANALYSE, headers=staff[who]).status_code == 403


@pytest.mark.parametrize("path", ["/deaths", "/linked-series", "/deaths/import", "/deaths/possible-matches"])
def test_signed_out_people_and_partners_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("who, status", [("analyst", 200), ("board", 200), ("admin", 403), ("reviewer", 403),
                                         ("owner", 403), ("learning", 403)])
def test_the_pages_follow_the_same_rules(staff, analysed, browser_of, read_db, who, status):
    browser = browser_of(EMAIL[who])
    death = next(iter(planted_ids(read_db)))
    for path in ("/deaths", f"/deaths/{death}", "/linked-series"):
        assert browser.get(path).status_code == status, path


def test_the_board_reads_but_cannot_decide_or_settle_matches(staff, analysed, browser_of, read_db):
    board = browser_of(EMAIL["board"])
    series = read_db(lambda s: s.scalar(sa.select(LinkedSeries.id)))
    page = board.get(f"/linked-series/{series}").get_data(as_text=True)
    assert "Save decision" not in page
    token = csrf_token_from(page)  # the sign-out form's
    refused = board.post(f"/linked-series/{series}", data={"csrf_token": token, "decision": "confirm", "note": "x"})
    assert refused.status_code == 403
    assert board.get("/deaths/possible-matches").status_code == 403


def test_a_partner_link_opens_nothing_of_this(app, client, staff, analysed, read_db):
    """A partner holds only their invitation link: it is never an API token, and the session it gives
    opens no page of deaths or series."""
    with app.app_context():
        db.session.add(Agency(name="Riverside Health Board", kind="health"))
        db.session.commit()
    debrief = open_debrief(client, staff["reviewer"])
    invited = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=staff["reviewer"],
                          json={"agency": "Riverside Health Board", "email": "nurse@health.example"})
    assert invited.status_code == 201, invited.get_json()
    secret = invited.get_json()["url"].rsplit("/", 1)[1]
    partner = app.test_client()
    assert partner.get(f"/invite/{secret}").status_code == 200
    death = next(iter(planted_ids(read_db)))
    for path in ("/deaths", f"/deaths/{death}", "/linked-series", "/deaths/report"):
        response = partner.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path
    for path in ("/api/v1/deaths", "/api/v1/linked-series", f"/api/v1/deaths/{death}"):
        assert partner.get(path, headers={"Authorization": f"Bearer {secret}"}).status_code == 401, path


@pytest.mark.parametrize("query, field", [("from=2025-02-31", "from"), ("to=0001-01-01", "to"),
                                          ("from=2025-06-01&to=2025-01-01", "to"), ("cause=poison", "cause"),
                                          ("area=my+street", "area"), ("colour=red", "colour")])
def test_a_bad_filter_on_the_api_list_is_a_422_naming_it(client, staff, query, field):
    response = client.get(f"/api/v1/deaths?{query}", headers=staff["analyst"])
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_the_api_list_filters_by_period_and_substance(client, staff, analysed):
    body = client.get("/api/v1/deaths?substance=insulin&from=2025-01-01&to=2025-12-31",
                      headers=staff["analyst"]).get_json()
    assert body["total"] == 4 and all("insulin" in d["substances"] for d in body["items"])


# The pages ---------------------------------------------------------------------------------------------------


def test_an_analyst_sees_the_deaths_a_death_and_a_series_with_its_map_and_timeline(staff, analysed, browser_of,
                                                                                    read_db):
    analyst = browser_of(EMAIL["analyst"])
    listing = analyst.get("/deaths").get_data(as_text=True)
    assert "Last analysed" in listing and "<svg" in listing and "DTH-" in listing
    filtered = analyst.get("/deaths?substance=insulin").get_data(as_text=True)
    assert "4 deaths" in filtered
    death = next(iter(planted_ids(read_db)))
    page = analyst.get(f"/deaths/{death}").get_data(as_text=True)
    assert "Deaths most like this one" in page and "insulin" in page
    assert any(name in page for name in ("Ashworth", "Bellamy", "Crowther", "Dunmore"))
    series = read_db(lambda s: s.scalar(sa.select(LinkedSeries.id)))
    shown = analyst.get(f"/linked-series/{series}").get_data(as_text=True)
    assert shown.count("<svg") >= 2 and "Save decision" in shown


def test_a_bad_filter_shows_the_error_summary_not_an_error_page(staff, browser_of):
    analyst = browser_of(EMAIL["analyst"])
    response = analyst.get("/deaths?start=31&start=2&start=2025&end=1&end=1&end=0001&cause=unicorn")
    assert response.status_code == 400
    summary = problems(response.get_data(as_text=True))
    assert "real date" in summary and "between 1 1 1900 and 31 12 2099" in summary and "cause" in summary


def test_an_analyst_decides_a_series_on_its_page(staff, analysed, browser_of, read_db):
    analyst = browser_of(EMAIL["analyst"])
    series = read_db(lambda s: s.scalar(sa.select(LinkedSeries.id)))
    page = analyst.get(f"/linked-series/{series}").get_data(as_text=True)
    token = csrf_token_from(page)
    empty = analyst.post(f"/linked-series/{series}", data={"csrf_token": token})
    assert empty.status_code == 400 and "Select whether to confirm" in problems(empty.get_data(as_text=True))
    done = analyst.post(f"/linked-series/{series}", data={"csrf_token": token, "decision": "confirm",
                                                          "note": "Linked by the <b>same</b> agency nurse"})
    assert done.status_code == 302
    shown = analyst.get(f"/linked-series/{series}").get_data(as_text=True)
    assert "&lt;b&gt;same&lt;/b&gt;" in shown and "Confirmed" in shown


def test_a_confirmed_series_opens_a_debrief(make_user, staff, analysed, browser_of, read_db):
    make_user("rana@police.uk", "reviewer", "analyst", name="Rana Reviewer")
    series = read_db(lambda s: s.scalar(sa.select(LinkedSeries.id)))
    reviewer_analyst = browser_of("rana@police.uk")
    token = csrf_token_from(reviewer_analyst.get(f"/linked-series/{series}").get_data(as_text=True))
    reviewer_analyst.post(f"/linked-series/{series}", data={"csrf_token": token, "decision": "confirm",
                                                            "note": "Linked"})
    page = reviewer_analyst.get(f"/linked-series/{series}").get_data(as_text=True)
    assert "Open a debrief from this series" in page
    form = reviewer_analyst.get(f"/debriefs/new?series={series}").get_data(as_text=True)
    assert "Opened from the confirmed linked series" in form
    # A reviewer who cannot read deaths cannot open one from a series.
    assert browser_of(EMAIL["reviewer"]).get(f"/debriefs/new?series={series}").status_code == 403


def test_a_death_reference_is_never_given_twice_even_after_its_death_was_merged(client, staff, read_db):
    load(client, staff["analyst"], "police", [POLICE])
    load(client, staff["analyst"], "nhs", [dict(NHS, given_names="Daniel", date_of_birth="1989-03-07",
                                                nhs_number="")])
    analyse(client, staff["analyst"])
    first = read_db(lambda s: set(s.scalars(sa.select(Death.reference_number))))
    ids = read_db(lambda s: list(s.scalars(sa.select(DeathReport.id).order_by(DeathReport.id))))
    assert len(first) == 2  # born a year apart: the method keeps them apart; an analyst joins them
    client.post("/api/v1/death-reports/possible-matches/decision", headers=staff["analyst"],
                json={"reports": ids, "decision": "same_person"})
    analyse(client, staff["analyst"])
    load(client, staff["analyst"], "police", [NAMESAKE])
    analyse(client, staff["analyst"])
    numbers = read_db(lambda s: list(s.scalars(sa.select(Death.reference_number).order_by(Death.id))))
    assert len(numbers) == 2 and numbers[-1] > max(first)


def test_an_analyst_settles_a_possible_match_on_its_page(client, staff, browser_of, read_db):
    # The same name and found three hours apart, but born a year apart: perhaps one man, perhaps two.
    near = dict(NHS, given_names="Daniel", date_of_birth="1989-03-07", nhs_number="")
    load(client, staff["analyst"], "police", [POLICE])
    load(client, staff["analyst"], "nhs", [near])
    analyse(client, staff["analyst"])
    analyst = browser_of(EMAIL["analyst"])
    listing = analyst.get("/deaths/possible-matches")
    assert listing.status_code == 200
    from debrief.models import PossibleMatch
    match = read_db(lambda s: s.scalar(sa.select(PossibleMatch.id)))
    assert match is not None, "the method should be unsure of one name, three hours apart, born a year apart"
    page = analyst.get(f"/deaths/possible-matches/{match}").get_data(as_text=True)
    assert "Hughes" in page and "dates of birth differ" in page
    token = csrf_token_from(page)
    done = analyst.post(f"/deaths/possible-matches/{match}", data={"csrf_token": token, "decision": "different_people"})
    assert done.status_code == 302
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(PossibleMatch))) == 0


# The nightly job ---------------------------------------------------------------------------------------------


def test_the_nightly_job_run_twice_tells_each_analyst_of_a_new_series_once(client, staff, runner, read_db, mailbox):
    load(client, staff["analyst"], "police", [*background(), *planted_series()])
    for _ in range(2):
        result = runner.invoke(args=["jobs", "tick", "--now", "2026-12-07T03:00"])
        assert result.exit_code == 0, result.output
    emails = read_db(lambda s: list(s.scalars(sa.select(OutboxEmail).where(
        OutboxEmail.subject.like("New candidate linked series%")))))
    # One series, and two people who hold the analyst role: one email each.
    assert sorted(e.to_address for e in emails) == sorted([EMAIL["analyst"], EMAIL["reading_owner"]])
    body = emails[0].body
    for personal in ("Ashworth", "Edith", "1931", "insulin", "care home"):
        assert personal not in body
    assert "/linked-series/" in body
    analyses = read_db(lambda s: s.scalar(sa.text("SELECT count(*) FROM death_analyses")))
    assert analyses == 1  # the second pass found tonight's analysis done
    delivered = [m for m in mailbox if "New candidate linked series" in m["Subject"]]
    assert len(delivered) == 2


def test_the_nightly_job_waits_for_the_night(client, staff, runner, read_db):
    load(client, staff["analyst"], "police", [POLICE])
    runner.invoke(args=["jobs", "tick", "--now", "2026-12-07T01:30"])
    assert read_db(lambda s: s.scalar(sa.text("SELECT count(*) FROM death_analyses"))) == 0
