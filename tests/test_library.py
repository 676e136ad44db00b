"""The national library (LIBRARY_MODE, issue 25): forces and their tokens, the items API that forces
publish to and search, withdrawal, what others did with an item, and the library staff's pages."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from debrief.models import AuditEvent, LibraryForce, LibraryItem, LibraryItemUse, LibraryItemVector
from tests.builders import LIBRARY_ITEM, add_library_force, api_routes, error_of, share, shared_by_two_forces
from tests.conftest import SignIn
from tests.html import error_summary, found_item_ids, parse

ITEMS = "/api/v1/library/items"


@pytest.fixture
def essex(library_app):
    return add_library_force(library_app, "Essex Police")


@pytest.fixture
def kent(library_app):
    return add_library_force(library_app, "Kent Police")


def items(library_client, as_force, **query) -> dict:
    response = library_client.get(ITEMS, query_string=query, headers=as_force)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def stored(library_app, query):
    from debrief.extensions import db

    with library_app.app_context():
        return query(db.session)


# Forces and tokens ---------------------------------------------------------------------------------------


def test_forces_add_prints_a_token_and_keeps_only_its_digest(library_app):
    result = library_app.test_cli_runner().invoke(args=["library", "forces", "add", "Essex Police"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("rdl_") and len(token) > 40

    force = stored(library_app, lambda s: s.scalars(sa.select(LibraryForce)).one())
    assert force.name == "Essex Police"
    assert force.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (force.token_hash, force.token_prefix)
    events = stored(library_app, lambda s: s.scalars(sa.select(AuditEvent)).all())
    assert all(token not in str(event.changes) for event in events)

    again = library_app.test_cli_runner().invoke(args=["library", "forces", "add", "essex police"])
    assert again.exit_code != 0 and "already has a force" in again.output
    empty = library_app.test_cli_runner().invoke(args=["library", "forces", "add", "   "])
    assert empty.exit_code != 0 and "name" in empty.output


def test_only_the_library_adds_forces(app):
    result = app.test_cli_runner().invoke(args=["library", "forces", "add", "Essex Police"])
    assert result.exit_code != 0 and "LIBRARY_MODE" in result.output


def test_the_items_api_answers_nobody_without_a_force_token(library_client, essex, make_user, api_token):
    item_id = share(library_client, essex)
    make_user("ada@police.uk", "admin", name="Ada Admin")
    staff = api_token("ada@police.uk")
    calls = [("GET", ITEMS, None), ("POST", ITEMS, LIBRARY_ITEM), ("DELETE", f"{ITEMS}/{item_id}", None),
             ("GET", "/api/v1/library/forces", None),
             ("POST", "/api/v1/library/uses", {"taken": [item_id]})]
    for headers in ({}, {"Authorization": "Bearer rdl_not-a-token-the-library-issued"},
                    {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}, staff):
        for method, path, body in calls:
            response = library_client.open(path, method=method, json=body, headers=headers)
            error_of(response, 401, "unauthorized")
            assert response.headers["WWW-Authenticate"] == "Bearer"
    assert items(library_client, essex)["total"] == 1  # nothing was withdrawn


def test_a_force_deployment_has_no_items_api(client):
    assert client.get(ITEMS).status_code == 404


# Publishing ---------------------------------------------------------------------------------------------


def test_a_force_publishes_an_item_and_the_same_reference_updates_it(library_app, library_client, essex):
    created = library_client.post(ITEMS, json=LIBRARY_ITEM, headers=essex)
    assert created.status_code == 201
    item_id = created.get_json()["id"]

    changed = {**LIBRARY_ITEM, "text": "Call handlers should read the earlier calls from an address before grading.",
               "themes": ["domestic_abuse", "vulnerability"], "status": "in_progress", "closure_code": None}
    again = library_client.post(ITEMS, json=changed, headers=essex)
    assert again.status_code == 200 and again.get_json() == {"id": item_id}

    (item,) = items(library_client, essex)["items"]
    assert item["text"] == changed["text"] and item["themes"] == ["domestic_abuse", "vulnerability"]
    assert item["status"] == "in_progress" and item["closure_code"] is None
    assert item["force"] == "Essex Police" and item["withdrawn"] is False
    assert item["source_reference"] == "REC-2025-0007" and item["taken_by"] == 0
    # One vector, for the new text; the history names the force.
    assert stored(library_app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(LibraryItemVector))) == 1
    actors = stored(library_app, lambda s: s.scalars(sa.select(AuditEvent.actor_label)
                                                     .where(AuditEvent.entity == "library_item")).all())
    assert actors and all(actor.startswith("Essex Police") for actor in actors)


def test_two_forces_may_use_the_same_reference(library_client, essex, kent):
    assert share(library_client, essex) != share(library_client, kent)


def test_the_library_refuses_personal_data_sent_to_it_directly(library_app, library_client, essex):
    text = ("HUGHES, Daniel (NHS number 943 476 5919, born 12/03/1981) was not referred to the MARAC despite "
            "three earlier calls.")
    response = library_client.post(ITEMS, json={**LIBRARY_ITEM, "text": text}, headers=essex)
    body = error_of(response, 422, "personal_data")
    kinds = {span["kind"]: text[span["start"]:span["end"]] for span in body["redactions"]}
    assert {"person", "nhs_number", "date_of_birth"} <= set(kinds)
    assert "943 476 5919" in kinds["nhs_number"] and "Daniel" in kinds["person"]

    titled = {**LIBRARY_ITEM, "products": [{"kind": "briefing", "title": "Briefing by DS Sarah Jenkins"}]}
    body = error_of(library_client.post(ITEMS, json=titled, headers=essex), 422, "personal_data")
    assert set(body["fields"]) == {"products[0].title"} and body["redactions"] == []

    assert stored(library_app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(LibraryItem))) == 0
    assert stored(library_app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(LibraryItemVector))) == 0


def test_an_anonymised_text_is_taken(library_client, essex):
    text = "[person] had called the police three times in the month before; the calls were graded standard."
    assert share(library_client, essex, text=text, kind="lesson", status=None, closure_code=None, products=[])


@pytest.mark.parametrize("changes, fields", [
    ({"kind": "story"}, {"kind"}),
    ({"kind": None, "text": None, "source_reference": None, "incident_type": None, "issued_on": None},
     {"kind", "text", "source_reference", "incident_type", "issued_on"}),
    ({"text": "x" * 2_001}, {"text"}),
    ({"text": "bad\x00character"}, {"text"}),
    ({"text": 42, "themes": "drugs", "products": "training"}, {"text", "themes", "products"}),
    ({"themes": ["drugs", "weather"]}, {"themes"}),
    ({"incident_type": "Murder!"}, {"incident_type"}),
    ({"issued_on": "2025-02-30"}, {"issued_on"}),
    ({"issued_on": "14/03/2025"}, {"issued_on"}),
    ({"issued_on": "2999-01-01"}, {"issued_on"}),
    ({"issued_on": "1800-01-01"}, {"issued_on"}),
    ({"status": "done"}, {"status"}),
    ({"status": "closed", "closure_code": None}, {"closure_code"}),
    ({"status": "open", "closure_code": "implemented"}, {"closure_code"}),
    ({"kind": "lesson"}, {"status", "closure_code"}),
    ({"products": [{"kind": "poster", "title": ""}]}, {"products[0].kind", "products[0].title"}),
    ({"products": [{"kind": "briefing", "title": "x", "by": "me"}, "y"]}, {"products[0]", "products[1]"}),
    ({"products": [{"kind": "briefing", "title": "x"}] * 21}, {"products"}),
    ({"source_reference": "r" * 101}, {"source_reference"}),
    ({"library_id": 3}, {"library_id"}),
])
def test_a_bad_item_is_refused_field_by_field(library_app, library_client, essex, changes, fields):
    body = error_of(library_client.post(ITEMS, json={**LIBRARY_ITEM, **changes}, headers=essex), 422,
                    "validation_error")
    assert set(body["fields"]) == fields
    assert stored(library_app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(LibraryItem))) == 0


@pytest.mark.parametrize("body", [[1, 2], "text", 3, None])
def test_a_body_that_is_not_an_object_is_refused(library_client, essex, body):
    for path in (ITEMS, "/api/v1/library/uses"):
        response = library_client.post(path, json=body, headers=essex)
        assert response.status_code == 400, response.get_json()
    response = library_client.post(ITEMS, data="not json", headers={**essex, "Content-Type": "application/json"})
    assert response.status_code == 400


# Searching ----------------------------------------------------------------------------------------------

@pytest.fixture
def shared_items(library_client, essex, kent) -> dict[str, int]:
    return shared_by_two_forces(library_client, essex, kent)


def test_search_by_words_theme_since_and_mine(library_client, essex, kent, shared_items):
    everything = items(library_client, kent)
    assert everything["total"] == 4 and everything["page"] == 1 and everything["per_page"] == 25
    by_id = {item["id"]: item for item in everything["items"]}
    # Another force's item shows no reference and no counts; the asking force's own item does.
    assert "source_reference" not in by_id[shared_items["calls"]]
    assert by_id[shared_items["naloxone"]]["source_reference"] == "K-17"
    assert set(by_id[shared_items["naloxone"]]) >= {"taken_by", "found_as_repeat"}

    found = {item["id"] for item in items(library_client, kent, q="earlier CALL address")["items"]}
    assert found == {shared_items["calls"], shared_items["calls_not_done"]}
    assert items(library_client, kent, q="naloxone hostel")["total"] == 0
    assert items(library_client, kent, q="100%_")["total"] == 0  # wildcards are only characters

    assert [item["id"] for item in items(library_client, essex, theme="drugs")["items"]] == [shared_items["naloxone"]]
    mine = items(library_client, essex, mine="true")
    assert {item["id"] for item in mine["items"]} == {shared_items["calls"], shared_items["hostel_lesson"]}

    assert items(library_client, essex, since=(datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat())[
        "total"] == 0
    since = items(library_client, essex, since="2020-01-01T00:00:00+00:00")
    assert [item["id"] for item in since["items"]] == sorted(shared_items.values())  # oldest change first

    paged = items(library_client, essex, per_page=3, page=2)
    assert paged["total"] == 4 and len(paged["items"]) == 1


def test_search_by_meaning_ranks_the_closest_first(library_client, essex, shared_items):
    body = items(library_client, essex, q="call takers need to see previous calls to an address",
                 by="meaning")
    ranked = [item["id"] for item in body["items"]]
    assert set(ranked[:2]) == {shared_items["calls"], shared_items["calls_not_done"]}
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True) and all(-1 <= score <= 1 for score in scores)
    # Filters narrow a meaning search too.
    narrowed = items(library_client, essex, q="reviving someone who has taken too much heroin", by="meaning",
                     theme="drugs")
    assert [item["id"] for item in narrowed["items"]] == [shared_items["naloxone"]]


@pytest.mark.parametrize("query, expected", [
    ({"kind": "lesson"}, {"hostel_lesson"}),
    ({"incident_type": "manslaughter"}, {"hostel_lesson", "naloxone"}),
    ({"status": "closed"}, {"calls", "calls_not_done"}),
    ({"closure_code": "not_implemented"}, {"calls_not_done"}),
    ({"year": "2024"}, {"hostel_lesson", "naloxone"}),
    ({"what_worked": "true"}, {"calls"}),
    ({"what_worked": "true", "by": "meaning", "q": "call handling"}, {"calls"}),
    ({"theme": "vulnerability", "year": "2025"}, set()),
])
def test_filters(library_client, kent, shared_items, query, expected):
    found = {item["id"] for item in items(library_client, kent, **query)["items"]}
    assert found == {shared_items[name] for name in expected}


def test_a_force_lists_the_forces_for_its_force_filter(library_client, library_app, kent, essex):
    ids = stored(library_app, lambda s: dict(s.execute(sa.select(LibraryForce.name, LibraryForce.id)).all()))
    listed = library_client.get("/api/v1/library/forces", headers=kent)
    assert listed.status_code == 200
    assert listed.get_json() == {"items": [{"id": ids["Essex Police"], "name": "Essex Police"},
                                           {"id": ids["Kent Police"], "name": "Kent Police"}],
                                 "total": 2, "page": 1, "per_page": 25}
    second = library_client.get("/api/v1/library/forces?per_page=1&page=2", headers=kent).get_json()
    assert second["items"] == [{"id": ids["Kent Police"], "name": "Kent Police"}] and second["total"] == 2
    error_of(library_client.get("/api/v1/library/forces?per_page=201", headers=kent), 422, "validation_error")


def test_the_force_filter(library_client, library_app, kent, shared_items):
    essex_id = stored(library_app, lambda s: s.scalar(sa.select(LibraryForce.id).where(LibraryForce.name == "Essex Police")))
    found = {item["id"] for item in items(library_client, kent, force=essex_id)["items"]}
    assert found == {shared_items["calls"], shared_items["hostel_lesson"]}


@pytest.mark.parametrize("query", [
    {"theme": "weather"}, {"kind": "story"}, {"status": "shut"}, {"closure_code": "maybe"}, {"by": "colour"},
    {"force": "essex"}, {"force": "0"}, {"force": "99999999999999999999"}, {"year": "20x5"}, {"year": "1066"},
    {"since": "yesterday"}, {"since": "2026-01-01T00:00:00"}, {"since": "0001-01-01T00:00:00+14:00"},
    {"what_worked": "perhaps"}, {"mine": "2"}, {"page": "0"}, {"page": "²"}, {"per_page": "201"},
    {"q": "x" * 501}, {"q": "bad\x00"}, {"incident_type": "m" * 41},
])
def test_bad_search_values_are_refused(library_client, essex, query):
    body = error_of(library_client.get(ITEMS, query_string=query, headers=essex), 422, "validation_error")
    assert set(body["fields"]) == set(query)


# Withdrawing -------------------------------------------------------------------------------------------


def test_the_publisher_withdraws_an_item_and_a_pull_sees_it_go(library_app, library_client, essex, kent):
    item_id = share(library_client, essex)
    before = datetime.now(timezone.utc).isoformat()

    error_of(library_client.delete(f"{ITEMS}/{item_id}", headers=kent), 403, "forbidden")
    error_of(library_client.delete(f"{ITEMS}/999999", headers=essex), 404, "not_found")
    error_of(library_client.delete(f"{ITEMS}/99999999999999999999", headers=essex), 404, "not_found")
    assert items(library_client, kent)["total"] == 1

    response = library_client.delete(f"{ITEMS}/{item_id}", headers=essex)
    assert response.status_code == 200
    assert response.get_json()["withdrawn"] is True and response.get_json()["text"] is None
    assert library_client.delete(f"{ITEMS}/{item_id}", headers=essex).status_code == 200  # again: no change

    (gone,) = items(library_client, kent, since=before)["items"]
    assert gone["id"] == item_id and gone["withdrawn"] is True and gone["text"] is None
    assert items(library_client, kent)["total"] == 0
    assert items(library_client, kent, q="earlier calls")["total"] == 0
    assert items(library_client, kent, q="earlier calls", by="meaning")["total"] == 0
    assert items(library_client, essex, mine="true")["items"][0]["withdrawn"] is True
    assert items(library_client, essex, mine="true", q="earlier calls", by="meaning")["total"] == 0
    text = stored(library_app, lambda s: s.scalar(sa.select(LibraryItem.text)))
    assert text is None
    assert stored(library_app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(LibraryItemVector))) == 0

    # Shared again (the force approved it once more): back, with its text.
    assert share(library_client, essex) == item_id
    assert items(library_client, kent)["items"][0]["withdrawn"] is False


# What other forces did with it ----------------------------------------------------------------------------


def test_uses_are_recorded_once_per_force_and_use(library_app, library_client, essex, kent, shared_items):
    essex_item, kent_item = shared_items["calls"], shared_items["naloxone"]
    report = {"taken": [essex_item, kent_item, 999_999], "found_as_repeat": [essex_item]}
    for _ in range(2):
        response = library_client.post("/api/v1/library/uses", json=report, headers=kent)
        assert response.status_code == 200
        assert response.get_json() == {"taken": 1, "found_as_repeat": 1}  # its own and unknown ids ignored
    assert library_client.post("/api/v1/library/uses", json={"taken": [essex_item]}, headers=essex).get_json() == \
        {"taken": 0, "found_as_repeat": 0}
    assert stored(library_app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(LibraryItemUse))) == 2

    mine = {item["id"]: item for item in items(library_client, essex, mine="true")["items"]}
    assert mine[essex_item]["taken_by"] == 1 and mine[essex_item]["found_as_repeat"] == 1
    assert mine[shared_items["hostel_lesson"]]["taken_by"] == 0


@pytest.mark.parametrize("body", [
    {"taken": "1"}, {"taken": [1, "2"]}, {"taken": [True]}, {"taken": [0]}, {"taken": [2**40]},
    {"found_as_repeat": [1.5]}, {"taken": list(range(1, 1_002))}, {"given": [1]},
])
def test_bad_uses_are_refused(library_client, essex, body):
    error_of(library_client.post("/api/v1/library/uses", json=body, headers=essex), 422, "validation_error")


# The library's pages ------------------------------------------------------------------------------------


@pytest.fixture
def librarian(library_client, make_user):
    make_user("lib@college.police.uk", "analyst", name="Lib Rarian")
    assert SignIn(library_client).sign_in("lib@college.police.uk").status_code == 302
    return library_client


def test_library_staff_search_with_filters(librarian, shared_items):
    page = librarian.get("/library")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert found_item_ids(html) == set(shared_items.values())
    assert "Library" in html and "Essex Police" in html and "Kent Police" in html

    assert found_item_ids(librarian.get("/library?what_worked=y").get_data(as_text=True)) == {shared_items["calls"]}
    assert found_item_ids(librarian.get("/library?q=naloxone").get_data(as_text=True)) == {shared_items["naloxone"]}
    assert found_item_ids(librarian.get("/library?theme=vulnerability&kind=lesson").get_data(as_text=True)) == {
        shared_items["hostel_lesson"]}
    meaning = librarian.get("/library?q=welfare+checks+on+residents&by=meaning").get_data(as_text=True)
    assert "Closeness in meaning" in meaning and str(shared_items["hostel_lesson"]) in meaning
    assert "Nothing in the library matches" in librarian.get("/library?q=zebra").get_data(as_text=True)
    welsh = librarian.get("/library?lang=cy&what_worked=y", follow_redirects=True)
    assert welsh.status_code == 200 and found_item_ids(welsh.get_data(as_text=True)) == {shared_items["calls"]}


@pytest.mark.parametrize("query", ["q=" + "x" * 501, "theme=weather", "by=colour", "page=%C2%B2", "year=99999999999",
                                   "force=0", "status=shut&closure_code=maybe", "kind=story", "what_worked=perhaps"])
def test_bad_values_on_the_search_page_are_a_400_with_the_error_summary(librarian, query):
    page = librarian.get(f"/library?{query}")
    assert page.status_code == 400 and error_summary(page.get_data(as_text=True))


def test_an_old_link_past_the_last_page_shows_the_last_page(librarian, shared_items):
    page = librarian.get("/library?page=9")
    assert page.status_code == 200 and found_item_ids(page.get_data(as_text=True)) == set(shared_items.values())


def test_a_bad_filter_on_the_page_is_shown_in_the_error_summary(librarian, shared_items):
    page = librarian.get("/library?year=20x5&force=kent")
    assert page.status_code == 400
    summary = error_summary(page.get_data(as_text=True))
    assert ("Enter the year as 4 digits from 1900 to 2100, like 2025", "#year") in summary
    assert ("Select a force from the list", "#force") in summary


def test_library_text_is_escaped_on_the_page(librarian, library_client, essex):
    share(library_client, essex, text="<script>alert('x')</script> should not run", source_reference="X-1")
    html = librarian.get("/library").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_contributions_by_force(librarian, library_client, essex, kent, shared_items):
    library_client.post("/api/v1/library/uses", json={"taken": [shared_items["calls"]],
                                                      "found_as_repeat": [shared_items["calls"]]}, headers=kent)
    library_client.delete(f"{ITEMS}/{shared_items['calls_not_done']}", headers=kent)
    page = librarian.get("/library/contributions")
    assert page.status_code == 200
    rows = {row.find("th").text.strip(): [cell.text.strip() for cell in row.find_all("td")]
            for row in parse(page.get_data(as_text=True)).find("tbody").find_all("tr")}
    #                          lessons, recommendations, withdrawn, what worked, taken, found as repeat
    assert rows["Essex Police"] == ["1", "1", "0", "1", "1", "1"]
    assert rows["Kent Police"] == ["0", "1", "1", "0", "0", "0"]


def test_the_library_pages_need_a_sign_in(library_client):
    for path in ("/library", "/library/contributions"):
        response = library_client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def navigation(browser, path: str = "/library") -> list[str]:
    page = browser.get(path)
    assert page.status_code == 200
    links = parse(page.get_data(as_text=True)).find("ul", cls="govuk-service-navigation__list").find_all("a")
    return [link.attrs["href"] for link in links]


def test_each_deployment_shows_only_its_own_areas(library_app, make_user, browser_of):
    """Someone holding every role: at the library only the library's pages and its administration; at a
    force its own areas, with its search of the national library, and none of the library staff's pages."""
    make_user("all@police.uk", "reviewer", "owner", "learning", "board", "analyst", "admin", name="Al Roles")
    at_library = library_app.test_client()
    assert SignIn(at_library).sign_in("all@police.uk").status_code == 302
    assert navigation(at_library) == ["/library", "/library/contributions", "/admin"]
    assert navigation(at_library, "/admin") == ["/library", "/library/contributions", "/admin"]

    at_force = navigation(browser_of("all@police.uk"), "/")
    assert "/shared-learning/library" in at_force and "/debriefs" in at_force and "/admin" in at_force
    assert "/library" not in at_force and "/library/contributions" not in at_force
    assert not [href for href in at_force if href.startswith("/library")]


def test_the_library_navigation_for_its_staff(librarian):
    assert navigation(librarian) == ["/library", "/library/contributions"]


# The API document ---------------------------------------------------------------------------------------


def test_the_librarys_openapi_document_matches_its_routes(library_app, library_client):
    document = library_client.get("/api/v1/openapi.json").get_json()
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert api_routes(library_app) == documented
    assert ("post", "/library/items") in documented
