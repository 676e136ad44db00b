"""The board dashboard in the browser (issue 8): the board's figures as charts, each with its data as a
table, narrowed by period, theme and type of incident. Its headline figures are the API summary's."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Recommendation
from debrief.services import dashboard
from debrief.services.clock_calendar import LONDON
from debrief.services.errors import ValidationFailed
from tests import builders
from tests.builders import (
    EMAIL, delivered_product, in_days, make_staff, move, open_debrief, recommended, set_due_date, summary,
    to_awaiting_closure, today,
)

PAGE = "/board/dashboard"


# --- reading the page ----------------------------------------------------------------------------


def figure(html: str, name: str) -> int:
    match = re.search(rf'id="figure-{name}">\s*(\d+)\s*<', html)
    assert match, f"no figure {name} on the page"
    return int(match.group(1))


def headline(html: str) -> dict[str, int]:
    return {key: figure(html, key.replace("_", "-"))
            for key in ("open", "overdue", "awaiting_closure", "repeats", "repeats_of_implemented")}


def _text(cell: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", cell)).split())


def table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table, each cell's text (the row heading first)."""
    match = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert match, f"no table {table_id} on the page"
    body = match.group(1).split("<tbody", 1)[1]
    return [[_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def chart(html: str, chart_id: str) -> str:
    match = re.search(rf'<figure class="rd-chart-figure" id="{chart_id}">(.*?)</figure>', html, re.S)
    assert match, f"no chart {chart_id} on the page"
    return match.group(1)


def page(browser, query: str = "", status: int = 200) -> str:
    response = browser.get(f"{PAGE}?{query}" if query else PAGE)
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def day_query(name: str, day) -> str:
    return f"{name}={day.day}&{name}={day.month}&{name}={day.year}"


def made_days_ago(read_db, recommendation_id: int, days: int) -> None:
    """Moves when a recommendation was made (noon London time, `days` days ago)."""
    made = datetime.combine(today() - timedelta(days=days), time(12), tzinfo=LONDON)

    def write(session):
        session.execute(sa.update(Recommendation).where(Recommendation.id == recommendation_id)
                        .values(created_at=made))
        session.commit()

    read_db(write)


# --- stories -------------------------------------------------------------------------------------


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def debrief(client, staff):
    return open_debrief(client, staff["reviewer"])


#: The governance board API's story with known numbers (its docstring tells it).
board_story = builders.board_story


@pytest.fixture
def with_repeats(client, staff, debrief, board_story):
    """board_story, and: H closed as implemented (a classroom course delivered), I a confirmed repeat of
    H (the learning did not stick), J a confirmed repeat of A (still open)."""
    reviewer = staff["reviewer"]
    h = recommended(client, reviewer, debrief["id"], text="Train call handlers to ask about coercive control",
                    due_date=in_days(40))
    to_awaiting_closure(client, staff["owner"], h["id"])
    delivered_product(client, staff["learning"], h["id"], "classroom_training")
    assert move(client, staff["board"], h["id"], "closed", closure_code="implemented").status_code == 200
    i = recommended(client, reviewer, debrief["id"], text="Call handlers should ask about controlling behaviour",
                    due_date=in_days(41))
    j = recommended(client, reviewer, debrief["id"], text="Supervisors check each risk assessment the same day",
                    due_date=in_days(42), owner_email=EMAIL["other_owner"])
    for later, earlier in ((i, h), (j, board_story["a"])):
        response = client.post(f"/api/v1/recommendations/{later['id']}/repeat", headers=reviewer,
                               json={"of": earlier["id"], "decision": "confirm"})
        assert response.status_code == 200, response.get_json()
    return {**board_story, "h": h, "i": i, "j": j}


@pytest.fixture
def two_debriefs(client, staff, read_db):
    """A murder (serious violence) and an attempted murder (drugs). The murder has three open
    recommendations, one overdue and one made 100 days ago; the attempted murder one open and one
    closed."""
    reviewer = staff["reviewer"]
    murder = open_debrief(client, reviewer)
    attempt = open_debrief(client, reviewer, incident_type="attempted_murder", crime_reference="42/90001/26",
                           themes=["drugs"])
    m1 = recommended(client, reviewer, murder["id"], due_date=in_days(20))
    m2 = recommended(client, reviewer, murder["id"], due_date=in_days(21), text="Share MARAC minutes with health")
    m3 = recommended(client, reviewer, murder["id"], due_date=in_days(22), text="Audit the knife arch logs")
    a1 = recommended(client, reviewer, attempt["id"], due_date=in_days(23), text="Brief custody on drug debt")
    a2 = recommended(client, reviewer, attempt["id"], due_date=in_days(24), text="Map county lines routes")
    to_awaiting_closure(client, staff["owner"], a2["id"])
    assert move(client, staff["board"], a2["id"], "closed", closure_code="no_longer_applicable").status_code == 200
    set_due_date(read_db, m2["id"], today() - timedelta(days=2))
    made_days_ago(read_db, m3["id"], 100)
    return {"m1": m1, "m2": m2, "m3": m3, "a1": a1, "a2": a2}


# --- the same numbers as the API -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["board", "analyst"])
def test_the_dashboard_shows_the_api_summarys_headline_figures(client, staff, with_repeats, browser_of, who):
    api = summary(client, staff[who])
    assert (api["open"], api["overdue"], api["awaiting_closure"], api["repeats"],
            api["repeats_of_implemented"]) == (7, 2, 1, 2, 1)  # the story really has something to show
    html = page(browser_of(EMAIL[who]))
    assert headline(html) == {key: api[key] for key in ("open", "overdue", "awaiting_closure", "repeats",
                                                        "repeats_of_implemented")}
    # Overdue by owner is the summary's by_owner, those with any overdue.
    rows = table(html, "table-overdue-by-owner")
    assert rows[:-1] == [[f"{o['name']} ({o['email']})", str(o["overdue"]), str(o["open"])]
                         for o in api["by_owner"] if o["overdue"]]
    assert rows[-1] == ["All owners", str(api["overdue"]), ""]
    # With no period chosen, partner responses cover every invitation: never answered is the summary's.
    partners = table(html, "table-partners")
    assert partners[-1][0] == "All agencies" and int(partners[-1][5]) == api["unanswered_invitations"] == 2
    assert table(html, "table-ageing")[-1] == ["All open recommendations", str(api["open"])]


def test_with_nothing_recorded_every_figure_is_zero(staff, browser_of):
    html = page(browser_of(EMAIL["board"]))
    assert set(headline(html).values()) == {0}
    assert "No recommendations are overdue." in html
    assert "No invitations were sent in this period." in html
    assert [row[1] for row in table(html, "table-ageing")] == ["0"] * 6


def test_the_service_figures_equal_the_summary_when_nothing_is_chosen(app, client, staff, with_repeats):
    api = summary(client, staff["board"])
    with app.app_context():
        figures = dashboard.figures()
    assert (figures.open, figures.overdue, figures.awaiting_closure, figures.repeats,
            figures.repeats_of_implemented) == (api["open"], api["overdue"], api["awaiting_closure"],
                                                api["repeats"], api["repeats_of_implemented"])
    assert sum(band.count for band in figures.ageing) == api["open"]


# --- filters -------------------------------------------------------------------------------------


def test_a_theme_narrows_the_figures_to_its_debriefs(staff, two_debriefs, browser_of):
    board = browser_of(EMAIL["board"])
    everything = headline(page(board))
    assert (everything["open"], everything["overdue"]) == (4, 1)
    drugs = page(board, "theme=drugs")
    assert (figure(drugs, "open"), figure(drugs, "overdue")) == (1, 0)
    assert "from debriefs with the theme drugs" in drugs
    violence = page(board, "theme=serious_violence")
    assert (figure(violence, "open"), figure(violence, "overdue")) == (3, 1)
    assert figure(page(board, "theme=domestic_abuse"), "open") == 0


def test_an_incident_type_narrows_the_figures_to_its_debriefs(staff, two_debriefs, browser_of):
    board = browser_of(EMAIL["board"])
    assert figure(page(board, "incident_type=murder"), "open") == 3
    attempt = page(board, "incident_type=attempted_murder")
    assert figure(attempt, "open") == 1
    assert "from debriefs of attempted murder" in attempt
    both = page(board, "incident_type=attempted_murder&theme=serious_violence")
    assert figure(both, "open") == 0


def test_a_period_narrows_the_figures_to_recommendations_made_in_it(staff, two_debriefs, browser_of):
    board = browser_of(EMAIL["board"])
    recent = page(board, day_query("start", today() - timedelta(days=30)))
    assert (figure(recent, "open"), figure(recent, "overdue")) == (3, 1)  # not the one made 100 days ago
    older = page(board, day_query("end", today() - timedelta(days=60)))
    assert (figure(older, "open"), figure(older, "overdue")) == (1, 0)
    both = page(board, day_query("start", today() - timedelta(days=100)) + "&"
                + day_query("end", today() - timedelta(days=100)))
    assert figure(both, "open") == 1  # both ends are included
    assert f"made from {(today() - timedelta(days=100)):%A} " in both
    assert table(both, "table-ageing")[2] == ["91 to 180 days", "1"]


def test_the_filter_narrows_repeats_and_learning_products(app, client, staff, with_repeats, read_db):
    made_days_ago(read_db, with_repeats["i"]["id"], 50)  # the repeat of the implemented one, made earlier
    with app.app_context():
        recent = dashboard.figures(dashboard.filter_from(start=today() - timedelta(days=10)))
        older = dashboard.figures(dashboard.filter_from(end=today() - timedelta(days=40)))
    assert (recent.repeats, recent.repeats_of_implemented) == (1, 0)
    assert (older.repeats, older.repeats_of_implemented, older.open) == (1, 1, 1)
    kinds = {k.kind: (k.products, k.delivered) for k in recent.products_by_kind}
    assert kinds["classroom_training"] == (1, 1)  # H's, made today
    assert {k.kind: k.products for k in older.products_by_kind}["classroom_training"] == 0


# --- the charts on fixed data --------------------------------------------------------------------


def test_open_recommendations_are_banded_by_days_since_they_were_made(client, staff, debrief, read_db,
                                                                      browser_of):
    ages = (0, 30, 31, 90, 91, 200, 365, 366, 800)
    for n, age in enumerate(ages):
        made = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(60), text=f"Action {n}")
        made_days_ago(read_db, made["id"], age)
    closed = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(60), text="Closed long ago")
    to_awaiting_closure(client, staff["owner"], closed["id"])
    assert move(client, staff["board"], closed["id"], "closed", closure_code="superseded").status_code == 200
    made_days_ago(read_db, closed["id"], 400)
    html = page(browser_of(EMAIL["analyst"]))
    assert table(html, "table-ageing") == [
        ["0 to 30 days", "2"], ["31 to 90 days", "2"], ["91 to 180 days", "1"], ["181 to 365 days", "2"],
        ["More than a year", "2"], ["All open recommendations", "9"]]
    drawn = chart(html, "chart-ageing")
    assert 'role="img"' in drawn and 'aria-labelledby="chart-ageing-name"' in drawn
    assert "<figcaption" in drawn
    assert re.search(r'<title id="chart-ageing-name">Open recommendations by days since they were made: '
                     r"0 to 30 days, 2 open; 31 to 90 days, 2 open;", drawn)
    assert [_text(t) for t in re.findall(r'<text class="rd-chart__value"[^>]*>(.*?)</text>', drawn)] == [
        "2 open", "2 open", "1 open", "2 open", "2 open"]


def test_overdue_by_owner_names_the_most_overdue_and_sums_the_rest(app, client, staff, debrief, make_user,
                                                                   read_db, browser_of):
    owners = {"una@police.uk": 3, "vic@police.uk": 2, "wyn@police.uk": 1, "xan@police.uk": 1}
    for n, (email, overdue) in enumerate(owners.items()):
        make_user(email, "owner", name=email.split("@")[0].title())
        for k in range(overdue):
            rec = recommended(client, staff["reviewer"], debrief["id"], owner_email=email, due_date=in_days(30),
                              text=f"Overdue action {n}-{k}")
            set_due_date(read_db, rec["id"], today() - timedelta(days=1 + k))
    recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))  # Olu: open, not overdue
    with app.app_context():
        top_two = dashboard.figures(top_owners=2).overdue_by_owner
    assert [(o.email, o.overdue) for o in top_two.named] == [("una@police.uk", 3), ("vic@police.uk", 2)]
    assert (top_two.other_owners, top_two.others_overdue) == (2, 2)

    html = page(browser_of(EMAIL["board"]))
    assert [row[:2] for row in table(html, "table-overdue-by-owner")] == [
        ["Una (una@police.uk)", "3"], ["Vic (vic@police.uk)", "2"], ["Wyn (wyn@police.uk)", "1"],
        ["Xan (xan@police.uk)", "1"], ["All owners", "7"]]
    assert "Olu Owner" not in chart(html, "chart-overdue-by-owner")


def test_learning_products_by_kind_mark_awareness_only_kinds_in_words_and_colour(client, staff, debrief,
                                                                                browser_of):
    rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30))
    for kind in ("briefing", "briefing", "intranet_article"):
        delivered_product(client, staff["learning"], rec["id"], kind)
    planned = client.post(f"/api/v1/recommendations/{rec['id']}/products", headers=staff["learning"],
                          json={"kind": "email_bulletin", "title": "Bulletin", "audience": ["response"]})
    assert planned.status_code == 201
    html = page(browser_of(EMAIL["board"]))
    rows = {row[0]: row[1:] for row in table(html, "table-products")}
    assert rows["Briefing"] == ["2", "2"]
    assert rows["Intranet article (awareness only)"] == ["1", "1"]
    assert rows["Email bulletin (awareness only)"] == ["1", "0"]
    assert rows["Classroom training"] == ["0", "0"]
    assert rows["All kinds"] == ["4", "3"]
    drawn = chart(html, "chart-products")
    bars = re.findall(r'<text class="rd-chart__label"[^>]*>(.*?)</text>\s*<rect [^>]*fill="([^"]+)"', drawn)
    fills = {_text(label): fill for label, fill in bars}
    assert fills["Intranet article (awareness only)"] == fills["Email bulletin (awareness only)"] == "#d4351c"
    assert {fill for label, fill in fills.items() if "awareness" not in label} == {"#1d70b8"}
    assert "style=" not in drawn  # the Content-Security-Policy blocks inline styles


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query, field, message", [
    ("start=31&start=2&start=2026", "start", "The start of the period must be a real date"),
    ("start=1&start=&start=2026", "start", "The start of the period must be a real date"),
    ("end=x", "end", "The end of the period must be a real date"),
    ("end=1&end=2&end=3&end=4", "end", "The end of the period must be a real date"),
    ("start=1&start=1&start=0001", "start", "between 1 1 1900 and 31 12 2099"),
    ("end=31&end=12&end=9999", "end", "between 1 1 1900 and 31 12 2099"),
    ("start=2&start=2&start=2026&end=1&end=2&end=2026", "end", "The end of the period must be on or after its start"),
    ("theme=knife_crime", "theme", "Choose a theme from the list"),
    ("incident_type=%3Cscript%3E", "incident_type", "Choose a type of incident from the list"),
])
def test_bad_filters_are_explained_in_an_error_summary(staff, browser_of, query, field, message):
    html = page(browser_of(EMAIL["board"]), query, status=400)
    summary_box = html.split('class="govuk-error-summary"', 1)[1].split("<h1", 1)[0]
    assert message in unescape(summary_box)
    assert f'href="#{field}{"-day" if field in ("start", "end") else ""}"' in summary_box
    assert "<title>Error: Board dashboard" in html
    assert 'id="figure-open"' not in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_an_inactive_incident_type_can_still_be_chosen(app, staff, browser_of):
    from debrief.models import IncidentType

    with app.app_context():
        db.session.execute(sa.update(IncidentType).where(IncidentType.code == "infanticide").values(active=False))
        db.session.commit()
    html = page(browser_of(EMAIL["board"]), "incident_type=infanticide")
    assert figure(html, "open") == 0


def test_the_filter_service_refuses_what_the_page_refuses(app):
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            dashboard.filter_from(start=today(), end=today() - timedelta(days=1), theme="nope", incident_type="nope")
    assert set(refused.value.fields) == {"end", "theme", "incident_type"}


# --- who sees it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("board", 200), ("analyst", 200), ("owner", 403), ("reviewer", 403),
                                          ("learning", 403), ("admin", 403)])
def test_only_the_board_and_analysts_see_the_dashboard(make_user, browser_of, role, status):
    make_user(f"{role}@police.uk", role, name=role.title())
    response = browser_of(f"{role}@police.uk").get(PAGE)
    assert response.status_code == status
    nav_link = 'href="/board/dashboard"' in response.get_data(as_text=True)
    assert nav_link is (status == 200)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_the_navigation_marks_the_dashboard_and_not_the_board(staff, browser_of):
    html = page(browser_of(EMAIL["board"]))
    current = re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"\s+aria-current', html)
    assert current == ["/board/dashboard"]
    board_page = browser_of(EMAIL["board"]).get("/board").get_data(as_text=True)
    assert 'href="/board/dashboard"' in board_page.split("<main", 1)[1]  # the board page links to it


# --- names are shown, never run ------------------------------------------------------------------


def test_owner_and_agency_names_are_escaped_everywhere(app, client, staff, debrief, make_user, read_db,
                                                      browser_of):
    owner_name = '<script>alert("owner")</script> Gwenllïan Ŵŷn & Co'
    agency_name = "Bwrdd Iechyd <script>alert(1)</script> & Cymru ŵŷ"
    make_user("gwen@police.uk", "owner", name=owner_name)
    rec = recommended(client, staff["reviewer"], debrief["id"], owner_email="gwen@police.uk", due_date=in_days(30))
    set_due_date(read_db, rec["id"], today() - timedelta(days=1))
    with app.app_context():
        db.session.add(Agency(name=agency_name, kind="health"))
        db.session.commit()
    response = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=staff["reviewer"],
                           json={"agency": agency_name, "email": "cyswllt@iechyd.cymru"})
    assert response.status_code == 201, response.get_json()

    html = page(browser_of(EMAIL["board"]))
    main = html.split("<main", 1)[1]
    assert "<script>" not in main
    assert "&lt;script&gt;alert(&#34;owner&#34;)&lt;/script&gt; Gwenllïan Ŵŷn &amp; Co" in chart(
        html, "chart-overdue-by-owner")
    assert "Bwrdd Iechyd &lt;script&gt;alert(1)&lt;/script&gt; &amp; Cymru ŵŷ" in chart(html, "chart-partners")
    assert table(html, "table-partners")[0] == [agency_name, "1", "0", "0", "0", "0"]
    assert table(html, "table-overdue-by-owner")[0][0] == f"{owner_name} (gwen@police.uk)"


# --- counted in SQL ------------------------------------------------------------------------------


def test_the_figures_take_the_same_few_queries_however_many_recommendations(app, client, staff, debrief,
                                                                           read_db):
    def queries() -> int:
        statements = []
        with app.app_context():
            listen = lambda *args: statements.append(args[2])  # noqa: E731
            sa.event.listen(db.engine, "before_cursor_execute", listen)
            try:
                dashboard.figures(dashboard.filter_from(theme="serious_violence"))
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    def add(n: int) -> None:
        for k in range(n):
            rec = recommended(client, staff["reviewer"], debrief["id"], due_date=in_days(30), text=f"Action {k}")
            delivered_product(client, staff["learning"], rec["id"], "briefing")
            set_due_date(read_db, rec["id"], today() - timedelta(days=1))

    add(1)
    few = queries()
    add(6)
    assert queries() == few <= 12


def test_partner_responses_are_narrowed_by_theme_and_incident_type_too(app, client, staff, two_debriefs):
    with app.app_context():
        db.session.add(Agency(name="Mid and South Essex NHS", kind="health"))
        db.session.commit()
    for recommendation, times in ((two_debriefs["m1"], 2), (two_debriefs["a1"], 1)):
        for n in range(times):
            response = client.post(f"/api/v1/debriefs/{recommendation['debrief_id']}/invitations",
                                   headers=staff["reviewer"], json={"agency": "Mid and South Essex NHS",
                                                                    "email": f"nurse{n}@nhs.net"})
            assert response.status_code == 201, response.get_json()

    def sent(**chosen) -> int:
        with app.app_context():
            return dashboard.partner_responses(dashboard.filter_from(**chosen)).total("sent")

    assert sent() == 3
    assert sent(theme="drugs") == 1 and sent(theme="serious_violence") == 2
    assert sent(incident_type="murder") == 2 and sent(incident_type="attempted_murder") == 1
    assert sent(theme="drugs", incident_type="murder") == 0


def test_the_analysts_home_page_leads_to_the_figures_and_the_downloads(staff, browser_of):
    home = browser_of(EMAIL["analyst"]).get("/").get_data(as_text=True)
    for href in ("/board/dashboard", "/reports/partner-engagement", "/reports/recommendations.csv",
                 "/reports/lessons.csv", "/reports/debriefs.csv"):
        assert f'href="{href}"' in home, href
