"""The authorisation matrix (issue 22): every route in the app (pages and API) × every role and
nobody, each answer allowed or refused as permissions.py and the record-level rules of the services
say. A new route without a line below fails the test: say who may use it.

Refused means 401 or 403, a 404 for a real record (api.md: "exists but not yours"), or, on pages, a
redirect to the sign-in page. Allowed means anything else but a server error: a page, a form's
errors, a 409 because an earlier caller already made the change. Every id is a real record
(tests/sample_world.py); the recommendation belongs to the owner. Page posts carry the session's
CSRF token, so that the token is not what refuses them; JSON posts carry a body that would work.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

from tests import sample_world
from tests.builders import LIBRARY_ITEM, add_library_force, share
from tests.conftest import SignIn, csrf_token_from

NOBODY = "anonymous"
ROLES = ("reviewer", "owner", "learning", "board", "analyst", "admin")
EVERYONE = frozenset({NOBODY, *ROLES})
STAFF = frozenset(ROLES)

# permissions.py's rules, by the roles that hold them.
ADMIN = frozenset({"admin"})
REVIEWER = frozenset({"reviewer"})
READ_EVERYTHING = frozenset({"reviewer", "board", "analyst", "admin"})
OWNER = frozenset({"owner"})
LEARNING = frozenset({"learning"})
BOARD = frozenset({"board"})
ANALYSE = frozenset({"analyst", "board"})
READ_RECOMMENDATIONS = READ_EVERYTHING | LEARNING
IMPORT_RECOMMENDATIONS = frozenset({"reviewer", "admin"})
READ_DEATHS = frozenset({"analyst", "board"})
IMPORT_DEATH_REPORTS = frozenset({"analyst", "admin"})
ANALYSE_DEATHS = frozenset({"analyst"})
# Record-level rules (services/recommendations.py, learning_products.py, recommendation_lifecycle.py),
# for a recommendation that belongs to the owner.
READ_THIS_RECOMMENDATION = READ_RECOMMENDATIONS | OWNER
ITS_OWNER_OR_BOARD = OWNER | BOARD
EDIT_RECOMMENDATIONS = frozenset({"reviewer", "board"})
MANAGE_ITS_PRODUCTS = frozenset({"learning", "reviewer", "owner"})

#: (endpoint, method) -> who may use it.
EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    # Open to all: signing in, the partner's invitation page, the assets, the API's document.
    ("auth.sign_in", "GET"): EVERYONE, ("auth.sign_in", "POST"): EVERYONE,
    ("auth.sign_out", "POST"): EVERYONE,  # judged by whether the session ended (see the loop)
    ("partner.contribute", "GET"): EVERYONE, ("partner.contribute", "POST"): EVERYONE,
    ("assets.govuk_asset", "GET"): EVERYONE, ("assets.govuk_bundle", "GET"): EVERYONE,
    ("api.openapi_document", "GET"): EVERYONE,
    ("home.index", "GET"): STAFF,
    # Administration.
    **{(endpoint, method): ADMIN for endpoint, methods in {
        "admin.index": "GET", "admin.users": "GET", "admin.new_user": "GET POST", "admin.edit_user": "GET POST",
        "admin.deactivate": "GET POST", "admin.read_trail_page": "GET", "admin.reactivate": "POST", "admin.reset_password": "GET POST",
        "admin.outbox": "GET", "admin.retry_email": "POST", "agencies.index": "GET POST", "agencies.change": "POST",
        "agencies.welsh": "GET POST", "reference.incident_type_welsh": "GET POST",
        "reference.deadline_policy": "GET", "reference.incident_types": "GET POST",
        "reference.change_incident_type": "POST"}.items() for method in methods.split()},
    # Debriefs: reviewers run them; those who read everything read them.
    **{(endpoint, method): REVIEWER for endpoint, methods in {
        "debriefs.new": "GET POST", "debriefs.edit": "GET POST", "debriefs.meeting": "GET POST",
        "invitations.new": "GET POST", "invitations.revoke": "GET POST", "invitations.resend": "POST", "recommendations.new_lesson": "GET POST",
        "recommendations.lesson_from_contribution": "POST", "recommendations.new": "GET POST",
        "clocks.extend": "GET POST", "clocks.met": "GET POST", "clocks.unmet": "POST", "clocks.pause": "GET POST", "clocks.resume": "GET POST",
        "recommendations.decide_repeat": "POST",
        "api.create_debrief": "POST", "api.update_debrief": "PATCH", "api.record_meeting": "POST",
        "api.invite_partner": "POST", "api.revoke_invitation": "POST", "api.resend_invitation": "POST", "api.add_lesson": "POST",
        "api.add_recommendation": "POST", "api.decide_repeat": "POST", "api.extend_deadline": "POST",
        "api.meet_deadline": "POST", "api.unmeet_deadline": "POST", "api.pause_deadline": "POST", "api.resume_deadline": "POST"}.items()
       for method in methods.split()},
    **{(endpoint, "GET"): READ_EVERYTHING for endpoint in (
        "debriefs.index", "debriefs.show", "debriefs.report", "reports.debriefs_csv", "reports.lessons_csv",
        "api.list_debriefs", "api.get_debrief", "api.debrief_history", "api.list_invitations",
        "api.list_contributions", "api.list_lessons", "api.debrief_report_document", "api.export_debriefs",
        "api.export_lessons")},
    # Recommendations.
    **{(endpoint, "GET"): READ_RECOMMENDATIONS for endpoint in (
        "reports.recommendations_csv", "api.list_recommendations", "api.export_recommendations")},
    **{(endpoint, method): IMPORT_RECOMMENDATIONS for endpoint, method in (
        ("imports.new", "GET"), ("imports.new", "POST"), ("imports.template", "GET"), ("imports.progress", "GET"),
        ("api.import_recommendations", "POST"), ("api.recommendation_import", "GET"))},
    ("recommendations.show", "GET"): READ_THIS_RECOMMENDATION,
    ("api.get_recommendation", "GET"): READ_THIS_RECOMMENDATION,
    ("recommendations.edit", "GET"): EDIT_RECOMMENDATIONS, ("recommendations.edit", "POST"): EDIT_RECOMMENDATIONS,
    ("api.update_recommendation", "PATCH"): EDIT_RECOMMENDATIONS,
    ("recommendations.similar", "POST"): STAFF,
    **{(endpoint, method): ITS_OWNER_OR_BOARD for endpoint in (
        "recommendations.respond", "recommendations.ask_for_closure", "recommendations.add_update")
       for method in ("GET", "POST")},
    ("api.transition_recommendation", "POST"): ITS_OWNER_OR_BOARD,
    ("api.add_recommendation_update", "POST"): ITS_OWNER_OR_BOARD,
    **{(endpoint, method): BOARD for endpoint in (
        "recommendations.close", "recommendations.reject_closure", "recommendations.extend",
        "recommendations.escalate") for method in ("GET", "POST")},
    ("api.board_decision", "POST"): BOARD,
    ("workspaces.board", "GET"): BOARD,
    **{(endpoint, method): MANAGE_ITS_PRODUCTS for endpoint in (
        "recommendations.new_product", "recommendations.product_progress") for method in ("GET", "POST")},
    ("api.add_product", "POST"): MANAGE_ITS_PRODUCTS, ("api.update_product", "PATCH"): MANAGE_ITS_PRODUCTS,
    # Any staff may check a text for repeats; each sees matches only among what they may read.
    ("api.check_recommendation", "POST"): STAFF,
    ("workspaces.my_actions", "GET"): OWNER,
    ("workspaces.learning_queue", "GET"): LEARNING,
    ("api.me", "GET"): STAFF,
    # Learning across forces: any staff may anonymise a text; reviewers draft what is shared, the board
    # lets it leave or takes it back; those who read everything see what was shared, and whoever reads
    # recommendations searches the library.
    ("api.anonymise", "POST"): STAFF,
    ("api.make_library_draft", "POST"): REVIEWER, ("api.edit_library_draft", "PATCH"): REVIEWER,
    ("api.approve_library_draft", "POST"): BOARD, ("api.withdraw_library_draft", "POST"): BOARD,
    ("api.list_library_drafts", "GET"): READ_EVERYTHING,
    ("sharing.new_draft", "POST"): REVIEWER, ("sharing.draft", "GET"): READ_EVERYTHING,
    ("sharing.draft", "POST"): REVIEWER, ("sharing.approve", "POST"): BOARD, ("sharing.withdraw", "POST"): BOARD,
    ("sharing.shared", "GET"): READ_EVERYTHING, ("sharing.search", "GET"): READ_RECOMMENDATIONS,
    # The board's figures and packs; analysts read them too.
    **{(endpoint, "GET"): ANALYSE for endpoint in (
        "dashboard.index", "workspaces.board_pack_download", "reports.partner_engagement",
        "reports.partner_engagement_csv", "api.board_summary", "api.board_pack_document")},
    # Death reports and linked series.
    **{(endpoint, "GET"): READ_DEATHS for endpoint in (
        "deaths.index", "deaths.show", "death_report.index", "death_report.document", "linked_series.index",
        "linked_series.show", "api.list_deaths", "api.show_death", "api.similar_deaths",
        "api.deaths_report_document", "api.list_series", "api.show_series")},
    ("linked_series.show", "POST"): ANALYSE_DEATHS,
    ("deaths.import_reports", "GET"): IMPORT_DEATH_REPORTS, ("deaths.import_reports", "POST"): IMPORT_DEATH_REPORTS,
    ("api.import_death_reports", "POST"): IMPORT_DEATH_REPORTS,
    **{(endpoint, method): ANALYSE_DEATHS for endpoint, method in (
        ("deaths.analyse", "POST"), ("deaths.possible_matches", "GET"), ("deaths.decide_match", "GET"),
        ("deaths.decide_match", "POST"), ("api.analyse_deaths", "POST"), ("api.possible_matches", "GET"),
        ("api.decide_match", "POST"), ("api.decide_series", "POST"))},
    # The national library (LIBRARY_MODE only): its staff's pages; its items API answers forces' tokens,
    # never a staff token or nobody (test_the_library_answers_as_the_rules_say).
    ("library.search", "GET"): STAFF, ("library.contributions", "GET"): STAFF,
    **{(endpoint, method): frozenset() for endpoint, method in (
        ("library_api.publish_item", "POST"), ("library_api.list_items", "GET"),
        ("library_api.withdraw_item", "DELETE"), ("library_api.record_uses", "POST"),
        ("library_api.list_forces", "GET"))},
}

#: JSON bodies that a permitted caller could use: a refusal must then come from who is asking.
BODIES = {
    "api.transition_recommendation": {"to": "in_progress", "note": "Started."},
    "api.add_recommendation_update": {"kind": "progress", "text": "Briefed the first shift."},
    "api.add_product": {"kind": "briefing", "title": "Earlier calls", "audience": ["call_handling"]},
    "api.update_product": {"evidence": "Slides on the intranet."},
    "api.update_recommendation": {"version": 1, "text": "Train call handlers to check earlier calls."},
    "api.check_recommendation": {"text": "Train call handlers to check earlier calls."},
    "api.board_decision": {"decision": "escalate", "rationale": "No progress."},
    "api.anonymise": {"text": "Call handlers missed the earlier calls."},
    "api.edit_library_draft": {"text": "Call handlers missed the earlier calls."},
    "library_api.publish_item": LIBRARY_ITEM,
    "library_api.record_uses": {"taken": [1]},
}


def path_of(rule, world: sample_world.World) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "", match.group(2)
        if name == "token":
            return world.invitation_path.rsplit("/", 1)[1]
        if converter.startswith("any("):
            return re.findall(r"[\w.-]+", converter[4:])[0]
        if converter == "path":
            return "images/favicon.ico"
        return str(world.ids[name])

    return re.sub(r"<(?:([^:>]+):)?(\w+)>", value, rule.rule)


def refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and urlparse(response.headers["Location"]).path == "/sign-in"


def test_every_route_answers_every_role_as_the_rules_say(app, client, make_user, api_token, browser_of, capsys):
    world = sample_world.build(app, client, make_user, api_token)
    judge(app, world, browser_of, capsys)


def test_the_library_answers_as_the_rules_say(library_app, make_user, api_token, capsys):
    """The national library's own routes (LIBRARY_MODE; the rest are the same app's, judged above): its
    pages for its staff, and its items API for forces' tokens only, a staff token being nobody to it."""
    for role, (email, name) in sample_world.PEOPLE.items():
        make_user(email, role, name=name)
    world = sample_world.World(headers={role: api_token(email) for role, (email, _) in sample_world.PEOPLE.items()})
    world.ids["item_id"] = share(library_app.test_client(), add_library_force(library_app, "Essex Police"))

    def browser_of(email):
        browser = library_app.test_client()
        assert SignIn(browser).sign_in(email).status_code == 302
        return browser

    judge(library_app, world, browser_of, capsys, only=lambda endpoint: endpoint.startswith("library"))


def judge(app, world: sample_world.World, browser_of, capsys, only=lambda endpoint: True) -> None:
    """Every route of `app` (those `only` chooses by endpoint) asked by nobody and by each role, each answer
    allowed or refused as EXPECTED says."""
    cells = sorted(((rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
                    and only(rule.endpoint) for method in rule.methods - {"HEAD", "OPTIONS"}),
                   key=lambda cell: (cell[0].endpoint == "auth.sign_out", cell[0].rule, cell[1]))
    unlisted = {(rule.endpoint, method) for rule, method in cells} - set(EXPECTED)
    assert not unlisted, f"Say who may use these routes in EXPECTED: {sorted(unlisted)}"

    violations, judged = [], 0
    for caller in (NOBODY, *ROLES):
        browser = app.test_client() if caller == NOBODY else browser_of(sample_world.PEOPLE[caller][0])
        token = csrf_token_from(browser.get("/sign-in" if caller == NOBODY else "/").get_data(as_text=True))
        for rule, method in cells:
            path = path_of(rule, world)
            if path.startswith("/api/"):
                response = browser.open(path, method=method, headers=world.headers.get(caller, {}),
                                        json=BODIES.get(rule.endpoint, {}) if method != "GET" else None)
            elif method == "GET":
                response = browser.get(path)
            else:
                response = browser.open(path, method=method, data={"csrf_token": token},
                                        headers={"X-CSRFToken": token})
            response.close()  # CSV downloads stream: finish each before the next request
            judged += 1
            allowed = caller in EXPECTED[(rule.endpoint, method)]
            if rule.endpoint == "auth.sign_out":
                # Signing out always ends at the sign-in page; what matters is that nobody is signed in after.
                signed_out = refused(browser.get("/"))
                if not signed_out or response.status_code >= 500:
                    violations.append(f"{caller} {method} {path}: still signed in after signing out")
                continue
            if response.status_code >= 500 or refused(response) == allowed:
                violations.append(f"{caller} {method} {path}: {response.status_code} "
                                  f"({'should be allowed' if allowed else 'should be refused'})")
    with capsys.disabled():
        print(f"\nauthorisation matrix: {judged} cells, {len(violations)} violations")
    assert not violations, "\n".join(violations)
