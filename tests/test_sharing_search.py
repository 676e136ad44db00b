"""A force's search of the national library (issue 25), over real HTTP on loopback: every filter the
library's API takes, as a GOV.UK form in the reader's words; bad values in the error summary, nothing
searched; the library's pages one after another; and a library that cannot be reached, hangs or answers
wrongly, said so in this force's words on a 200 page, never with the library's words or the token."""
from __future__ import annotations

import logging

import pytest

from tests.builders import share, shared_by_two_forces
from tests.conftest import _free_port as closed_port
from tests.html import error_summary, found_item_ids, is_checked, parse, selected_option

PAGE = "/shared-learning/library"
TOKEN = "rdl_a-token-that-must-never-be-shown"


@pytest.fixture
def searcher(make_user, browser_of):
    """Someone from the force's learning team (they read recommendations, so they search the library)."""
    make_user("lee@police.uk", "learning", name="Lee Learning")
    return browser_of("lee@police.uk")


@pytest.fixture
def shared(library_for_force) -> dict[str, int]:
    library = library_for_force
    return shared_by_two_forces(library.client, library.forces["Essex Police"], library.forces["Kent Police"])


def search(browser, expect: int = 200, **query) -> str:
    page = browser.get(PAGE, query_string=query)
    assert page.status_code == expect, page.get_data(as_text=True)[:500]
    return page.get_data(as_text=True)


def test_a_force_searches_the_library_with_every_filter(searcher, shared):
    html = search(searcher)
    assert found_item_ids(html) == set(shared.values())
    options = parse(html).find("select", id="force").find_all("option")
    forces = {option.text: option.attrs["value"] for option in options}
    assert set(forces) == {"All forces", "Essex Police", "Kent Police"} and forces["All forces"] == ""

    for query, expected in (({"what_worked": "y"}, {"calls"}), ({"q": "naloxone"}, {"naloxone"}),
                            ({"q": "earlier CALL address"}, {"calls", "calls_not_done"}),
                            ({"theme": "vulnerability", "kind": "lesson"}, {"hostel_lesson"}),
                            ({"incident_type": "manslaughter"}, {"hostel_lesson", "naloxone"}),
                            ({"status": "closed"}, {"calls", "calls_not_done"}),
                            ({"closure_code": "not_implemented"}, {"calls_not_done"}),
                            ({"force": forces["Kent Police"]}, {"naloxone", "calls_not_done"}),
                            ({"year": "2024"}, {"hostel_lesson", "naloxone"}),
                            ({"theme": "vulnerability", "year": "2025"}, set())):
        assert found_item_ids(search(searcher, **query)) == {shared[name] for name in expected}, query

    meaning = search(searcher, q="reviving someone who has taken too much heroin", by="meaning", theme="drugs")
    assert found_item_ids(meaning) == {shared["naloxone"]} and "Closeness in meaning" in meaning
    assert is_checked(meaning, "by", "meaning") and selected_option(meaning, "theme") == "drugs"
    # In words, not codes: the type of incident, themes, status and what delivered it.
    card = parse(meaning).find("li", id=f"item-{shared['naloxone']}").text
    assert "Recommendation from Kent Police, issued Monday 30 September 2024" in card
    assert "Manslaughter" in card and "Drugs" in card and "Open" in card and "manslaughter" not in card
    worked = parse(search(searcher, what_worked="y")).find("li", id=f"item-{shared['calls']}").text
    assert "Closed: Implemented" in worked
    assert "What worked" in worked and "Classroom training: Earlier calls matter" in worked
    assert "Nothing in the library matches this search." in search(searcher, q="zebra")


def test_the_search_goes_through_the_librarys_pages(searcher, library_for_force):
    kent = library_for_force.forces["Kent Police"]
    ids = {share(library_for_force.client, kent, text=f"Recommendation {n}: read the earlier calls before grading.",
                 source_reference=f"K-{n}") for n in range(23)}
    first = search(searcher, q="earlier calls")
    assert "23 items, the latest issued first" in first and len(found_item_ids(first)) == 20
    next_page = parse(first).find("a", rel="next").attrs["href"]
    assert "q=earlier+calls" in next_page and "page=2" in next_page
    second = searcher.get(next_page).get_data(as_text=True)
    assert found_item_ids(first) | found_item_ids(second) == ids and len(found_item_ids(second)) == 3
    assert parse(second).find("a", rel="prev") is not None and parse(second).find("a", rel="next") is None
    # An old link past the end shows the last page.
    assert found_item_ids(search(searcher, q="earlier calls", page="9")) == found_item_ids(second)


@pytest.mark.parametrize("query, field, message", [
    ({"year": "1899"}, "year", "Enter the year as 4 digits from 1900 to 2100, like 2025"),
    ({"year": "2101"}, "year", "Enter the year as 4 digits from 1900 to 2100, like 2025"),
    ({"year": "20x5"}, "year", "Enter the year as 4 digits from 1900 to 2100, like 2025"),
    ({"year": "9" * 5000}, "year", "Enter the year as 4 digits from 1900 to 2100, like 2025"),
    ({"force": "0"}, "force", "Select a force from the list"),
    ({"force": "kent"}, "force", "Select a force from the list"),
    ({"by": "colour"}, "by", "Choose to search by words or by meaning"),
    ({"theme": "weather"}, "theme", None), ({"status": "shut"}, "status", None),
    ({"closure_code": "maybe"}, "closure_code", None), ({"kind": "story"}, "kind", None),
    ({"what_worked": "perhaps"}, "what_worked", None), ({"q": "x" * 501}, "q", None),
    ({"incident_type": "m" * 41}, "incident_type", "Select a type of incident from the list"),
    ({"page": "0"}, None, None), ({"page": "²"}, None, None),
])
def test_bad_values_are_in_the_error_summary_and_nothing_is_searched(searcher, stand_in_library, query, field,
                                                                      message):
    library = stand_in_library(200, {"items": [{"id": 3, "name": "Kent Police"}], "total": 1, "page": 1,
                                     "per_page": 200})
    html = search(searcher, expect=400, **query)
    summary = error_summary(html)
    assert len(summary) == 1
    if field:
        assert summary[0][1] == f"#{field}"
    if message:
        assert summary[0][0] == message
    assert parse(html).find("title").text.startswith("Error:")
    assert not [path for path in library.requests if path.startswith("/api/v1/library/items")]
    assert TOKEN not in html


def test_a_library_that_cannot_be_reached_is_said_so_on_a_200_page(app, searcher, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "LIBRARY_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setitem(app.config, "LIBRARY_TOKEN", TOKEN)
    with caplog.at_level(logging.DEBUG):
        html = search(searcher, q="earlier calls", year="2025")
    assert "The national library cannot be reached just now" in html
    assert 'value="earlier calls"' in html  # what was asked is kept, to try again
    assert TOKEN not in html and TOKEN not in caplog.text


def test_a_library_that_hangs_is_given_up_on_after_its_timeout(searcher, stand_in_library):
    stand_in_library(hang=True)  # LIBRARY_TIMEOUT 1
    html = search(searcher, q="earlier calls")
    assert "The national library cannot be reached just now" in html and TOKEN not in html


@pytest.mark.parametrize("status, body", [
    (500, {"error": {"code": "server_error", "message": "OperationalError at library-db-7 (secret detail)"}}),
    (422, {"error": {"code": "validation_error", "message": "secret detail", "fields": {"q": "secret detail"}}}),
    (404, {"error": {"code": "not_found", "message": "secret detail"}}),
    (200, {"secret detail": True}),
    (200, "secret detail"),
    (200, {"items": [{"id": "x", "kind": None, "text": "secret detail"}], "total": "many"}),
])
def test_a_library_that_answers_wrongly_is_said_so_in_this_forces_words(searcher, stand_in_library, caplog,
                                                                        status, body):
    stand_in_library(status, body)
    with caplog.at_level(logging.DEBUG):
        html = search(searcher, q="earlier calls")
    assert "The national library c" in parse(html).find(id="library-unreachable").text
    assert "secret detail" not in html and TOKEN not in html and TOKEN not in caplog.text


def test_items_the_force_cannot_read_are_left_out_and_a_library_that_lists_no_forces_is_still_searched(
        searcher, stand_in_library):
    good = {"id": 7, "force": "Kent Police", "kind": "lesson", "text": "Read <b>earlier</b> calls.", "themes": [],
            "incident_type": "murder", "issued_on": "2025-01-02", "status": None, "closure_code": None,
            "products": [], "withdrawn": False}
    stand_in_library(200, {"items": [good, {**good, "id": 8, "issued_on": "yesterday"}, {"id": 9}, "nonsense"],
                           "total": 4, "page": 1, "per_page": 20},
                     by_path={"/api/v1/library/forces": (404, {"error": {"code": "not_found", "message": "No"}})})
    html = search(searcher)
    assert found_item_ids(html) == {7} and parse(html).find(id="library-unreachable") is None
    assert [option.text for option in parse(html).find("select", id="force").find_all("option")] == ["All forces"]
    assert "Read &lt;b&gt;earlier&lt;/b&gt; calls." in html and "Murder" in html
