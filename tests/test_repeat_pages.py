"""Repeat recommendations in the pages (product.md "Repeat recommendations"; issue 6, "While writing" and
"Escalation"): a reviewer writing a recommendation that repeats an earlier one is told before it is
saved (a confirmation step without JavaScript; the page's script asks `/recommendations/similar` as they
type); a reviewer confirms or dismisses a possible repeat on the recommendation's page; and a
confirmed repeat of a recommendation closed as implemented reaches the board beside the earlier
recommendation's learning products.

The method (which texts are flagged) is tested in test_similarity_encoder.py and bench/; the API in
test_repeats_api.py.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from debrief.models import Recommendation, RepeatLink
from tests.builders import (
    EARLIER, EMAIL, PARAPHRASE, UNRELATED, delivered_product, london_today, make_staff, move, open_debrief,
    post_form, recommended, to_awaiting_closure,
)
from tests.conftest import csrf_token_from
from tests.html import (
    ESCAPED_SCRIPT, SCRIPT, error_summary, input_value, is_checked, parse, parts, success_banner,
)

#: Like none of the recommendations the tests make.
ANOTHER_SUBJECT = "Replace the broken CCTV cameras in the custody suite before the end of the year."


@pytest.fixture
def staff(make_user, api_token) -> dict[str, dict[str, str]]:
    return make_staff(make_user, api_token)


@pytest.fixture
def browsers(staff, browser_of):
    """Each person's own signed-in browser, opened when first asked for."""
    opened: dict = {}

    def of(key: str):
        if key not in opened:
            opened[key] = browser_of(EMAIL[key])
        return opened[key]

    return of


@pytest.fixture
def reviewer(browsers):
    return browsers("reviewer")


@pytest.fixture
def debrief(client, staff) -> dict:
    return open_debrief(client, staff["reviewer"])


@pytest.fixture
def earlier(client, staff, debrief) -> dict:
    """A recommendation already made, through the API, among others on other subjects (how rare a
    word is across the force's recommendations counts, so a corpus of one flags nothing)."""
    made = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER)
    recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    return made


def typed(text: str, **changes) -> dict:
    return {"text": text, "owner_email": EMAIL["owner"], "due_date": parts(london_today() + timedelta(days=60)),
            "priority": "high", "source": "partner", **changes}


def html_of(browser, path: str, status: int = 200) -> str:
    response = browser.get(path)
    assert response.status_code == status, f"{path} answered {response.status_code}"
    return response.get_data(as_text=True)


def saved_at(response) -> int:
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    match = re.fullmatch(r"/recommendations/(\d+)(#.*)?", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def count(read_db) -> int:
    return read_db(lambda s: s.scalar(sa.select(sa.func.count(Recommendation.id))))


def links(read_db) -> list[tuple[int, int, str]]:
    return read_db(lambda s: [tuple(row) for row in s.execute(
        sa.select(RepeatLink.recommendation_id, RepeatLink.earlier_id, RepeatLink.decision).order_by(RepeatLink.id))])


def hidden_fields(html: str) -> dict[str, list[str]]:
    """What the page's form sends back without showing it, by name."""
    fields: dict[str, list[str]] = {}
    for field in parse(html).find("main").find_all("input", type="hidden"):
        fields.setdefault(field.attrs["name"], []).append(field.attrs.get("value") or "")
    return fields


def press(browser, path: str, html: str, button: dict[str, str]):
    """Submits the page's form as the browser would, with the button pressed."""
    return browser.post(path, data={**hidden_fields(html), **button})


def section(html: str, heading_id: str) -> str:
    """The text under a heading, up to the next heading of the same level or higher."""
    heading = parse(html).find(id=heading_id)
    assert heading is not None, f"no #{heading_id}"
    level = int(heading.tag[1])
    siblings = heading.parent.children
    parts = [heading.text]
    for node in siblings[siblings.index(heading) + 1:]:
        if not isinstance(node, str) and re.fullmatch(r"h[1-6]", node.tag) and int(node.tag[1]) <= level:
            break
        parts.append(node if isinstance(node, str) else node.text)
    return " ".join(" ".join(parts).split())


# Writing a recommendation that repeats an earlier one, without JavaScript --------------------------------------


def test_a_paraphrase_of_an_earlier_recommendation_asks_before_it_is_saved(reviewer, debrief, earlier, read_db):
    path = f"/debriefs/{debrief['id']}/recommendations/new"
    response = post_form(reviewer, path, typed(PARAPHRASE))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    assert page.find("h1").text == "This may repeat an earlier recommendation"
    assert page.find(id="what-you-wrote").text == PARAPHRASE
    listed = page.find(id="earlier-recommendations").text
    assert earlier["reference"] in listed and EARLIER in listed and "Open" in listed and "% similar" in listed
    assert page.find("a", href=f"/recommendations/{earlier['id']}") is not None
    assert [b.text for b in page.find("main").find_all("button")] == ["Save it anyway", "Change the recommendation"]
    # Nothing is saved yet; everything typed is kept in the form.
    assert count(read_db) == 2
    kept = hidden_fields(html)
    assert kept.pop("csrf_token")
    assert kept == {"text": [PARAPHRASE], "owner_email": [EMAIL["owner"]],
                    "due_date": parts(london_today() + timedelta(days=60)), "priority": ["high"],
                    "source": ["partner"]}


def test_change_the_recommendation_goes_back_to_the_form_with_everything_typed(reviewer, debrief, earlier, read_db):
    path = f"/debriefs/{debrief['id']}/recommendations/new"
    step = post_form(reviewer, path, typed(PARAPHRASE)).get_data(as_text=True)
    response = press(reviewer, path, step, {"change": "1"})
    assert response.status_code == 200
    form = response.get_data(as_text=True)
    assert parse(form).find("h1").text == "Add a recommendation"
    assert error_summary(form) == []
    assert input_value(form, "text") == PARAPHRASE
    assert input_value(form, "owner_email") == EMAIL["owner"]
    due = london_today() + timedelta(days=60)
    assert [input_value(form, f"due_date-{part}") for part in ("day", "month", "year")] == parts(due)
    assert is_checked(form, "priority", "high")
    assert "selected" in parse(form).find("option", value="partner").attrs
    assert count(read_db) == 2


def test_save_it_anyway_saves_and_the_new_recommendation_shows_the_earlier_one_as_a_possible_repeat(
        reviewer, debrief, earlier, read_db):
    path = f"/debriefs/{debrief['id']}/recommendations/new"
    step = post_form(reviewer, path, typed(PARAPHRASE)).get_data(as_text=True)
    later_id = saved_at(press(reviewer, path, step, {"repeats_seen": "1"}))
    assert count(read_db) == 3
    record = read_db(lambda s: s.get(Recommendation, later_id))
    assert (record.text, record.priority, record.source) == (PARAPHRASE, "high", "partner")
    assert links(read_db) == [(later_id, earlier["id"], "suggested")]

    html = html_of(reviewer, f"/recommendations/{later_id}")
    banner = success_banner(html)
    assert banner.startswith(f"Recommendation {record.reference} allocated to Olu Owner.")
    assert f"It may repeat {earlier['reference']}: a reviewer confirms or dismisses that on its page." in banner
    possible = section(html, "possible-repeats")
    assert earlier["reference"] in possible and EARLIER in possible and "% similar" in possible


def test_a_recommendation_like_no_earlier_one_saves_straight_away(reviewer, debrief, earlier, read_db):
    later_id = saved_at(post_form(reviewer, f"/debriefs/{debrief['id']}/recommendations/new", typed(ANOTHER_SUBJECT)))
    assert count(read_db) == 3 and links(read_db) == []
    html = html_of(reviewer, f"/recommendations/{later_id}")
    assert "No earlier recommendation like this one has been found." in section(html, "repeats")


def test_the_page_script_having_shown_the_matches_saves_without_the_extra_step(reviewer, debrief, earlier, read_db):
    later_id = saved_at(post_form(reviewer, f"/debriefs/{debrief['id']}/recommendations/new",
                                  typed(PARAPHRASE, repeats_seen="1")))
    assert links(read_db) == [(later_id, earlier["id"], "suggested")]


def test_a_refused_form_is_refused_after_the_step_with_what_was_typed(reviewer, debrief, earlier, read_db):
    path = f"/debriefs/{debrief['id']}/recommendations/new"
    step = post_form(reviewer, path, typed(PARAPHRASE, owner_email="")).get_data(as_text=True)
    response = press(reviewer, path, step, {"repeats_seen": "1"})
    assert response.status_code == 400
    form = response.get_data(as_text=True)
    assert error_summary(form) == [("Enter the owner's email address", "#owner_email")]
    assert input_value(form, "text") == PARAPHRASE
    assert count(read_db) == 2


def test_rewording_into_a_repeat_asks_too_and_an_unchanged_text_does_not(browsers, client, staff, debrief, earlier,
                                                                       read_db):
    board = browsers("board")
    later = recommended(client, staff["reviewer"], debrief["id"], text=ANOTHER_SUBJECT)
    path = f"/recommendations/{later['id']}/edit"
    form = html_of(board, path)
    data = {**hidden_fields(form), "text": PARAPHRASE, "owner_email": EMAIL["owner"],
            "due_date": parts(london_today() + timedelta(days=60)), "priority": "low"}
    response = board.post(path, data=data)
    assert response.status_code == 200
    step = response.get_data(as_text=True)
    assert parse(step).find("h1").text == "This may repeat an earlier recommendation"
    assert earlier["reference"] in parse(step).find(id="earlier-recommendations").text
    assert read_db(lambda s: s.get(Recommendation, later["id"]).text) == ANOTHER_SUBJECT

    assert saved_at(press(board, path, step, {"repeats_seen": "1"})) == later["id"]
    assert read_db(lambda s: s.get(Recommendation, later["id"]).text) == PARAPHRASE
    assert links(read_db) == [(later["id"], earlier["id"], "suggested")]
    # The same words again (another field changed): nothing new to be told.
    form = html_of(board, path)
    assert saved_at(board.post(path, data={**hidden_fields(form), "text": PARAPHRASE, "owner_email": EMAIL["owner"],
                                           "due_date": parts(london_today() + timedelta(days=30)),
                                           "priority": "high"})) == later["id"]


# Confirming and dismissing on the recommendation's page ---------------------------------------------------------


@pytest.fixture
def later(client, staff, debrief, earlier) -> dict:
    """A paraphrase of `earlier`, which the system flagged as a possible repeat when it was written."""
    record = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    assert [p["id"] for p in record["possible_repeats"]] == [earlier["id"]]
    return record


def decide(browser, recommendation_id: int, of: int, decision: str):
    token = csrf_token_from(html_of(browser, "/"))
    return browser.post(f"/recommendations/{recommendation_id}/repeats",
                        data={"csrf_token": token, "of": str(of), "decision": decision})


def decision_buttons(html: str) -> list[str]:
    """The repeat decisions' buttons (not the page's other buttons, such as sharing with the library)."""
    forms = parse(html).find("main").find_all("form")
    return [b.text for form in forms if form.attrs.get("action", "").endswith("/repeats") for b in form.find_all("button")]


def test_a_reviewer_confirms_a_possible_repeat_and_both_pages_say_so(reviewer, earlier, later, read_db):
    html = html_of(reviewer, f"/recommendations/{later['id']}")
    assert decision_buttons(html) == [f"Confirm repeat of {earlier['reference']}",
                                      f"Not a repeat of {earlier['reference']}"]
    response = decide(reviewer, later["id"], earlier["id"], "confirm")
    assert response.headers["Location"] == f"/recommendations/{later['id']}#repeats"
    assert links(read_db) == [(later["id"], earlier["id"], "confirmed")]

    html = html_of(reviewer, response.headers["Location"])
    assert success_banner(html) == f"{later['reference']} is confirmed as a repeat of {earlier['reference']}."
    repeat_of = parse(html).find(id="repeat-of")
    assert repeat_of.text.startswith(f"Repeat of {earlier['reference']} {earlier['reference']} is open.")
    assert "Confirmed by Riya Reviewer" in repeat_of.text
    assert "Learning did not stick" not in repeat_of.text  # the earlier one is still open
    assert parse(html).find(id="possible-repeats") is None
    assert decision_buttons(html) == [f"Not a repeat of {earlier['reference']}"]

    earlier_page = html_of(reviewer, f"/recommendations/{earlier['id']}")
    repeated_by = parse(earlier_page).find(id="repeated-by")
    assert repeated_by.text == f"Repeated by: {later['reference']} (open)"
    assert repeated_by.find("a").attrs["href"] == f"/recommendations/{later['id']}"


def test_a_reviewer_dismisses_a_possible_repeat(reviewer, earlier, later, read_db):
    response = decide(reviewer, later["id"], earlier["id"], "dismiss")
    assert links(read_db) == [(later["id"], earlier["id"], "dismissed")]
    html = html_of(reviewer, response.headers["Location"])
    assert success_banner(html) == f"{later['reference']} is recorded as not a repeat of {earlier['reference']}."
    assert parse(html).find(id="possible-repeats") is None and parse(html).find(id="repeat-of") is None
    assert earlier["reference"] in section(html, "not-repeats")
    assert parse(html_of(reviewer, f"/recommendations/{earlier['id']}")).find(id="repeated-by") is None


@pytest.mark.parametrize("who", ["owner", "analyst", "board"])
def test_only_a_reviewer_may_confirm_or_dismiss(browsers, earlier, later, read_db, who):
    browser = browsers(who)  # the owner owns both recommendations, so may read them
    html = html_of(browser, f"/recommendations/{later['id']}")
    assert earlier["reference"] in section(html, "possible-repeats")
    assert decision_buttons(html) == []
    assert "A reviewer confirms or dismisses it." in section(html, "possible-repeats")
    for decision in ("confirm", "dismiss"):
        assert decide(browser, later["id"], earlier["id"], decision).status_code == 403
    assert links(read_db) == [(later["id"], earlier["id"], "suggested")]


def test_a_refused_decision_is_shown_in_an_error_summary_not_a_crash(reviewer, earlier, later, read_db):
    assert decide(reviewer, later["id"], earlier["id"], "confirm").status_code == 302
    # The earlier one cannot now be a repeat of the later.
    response = decide(reviewer, earlier["id"], later["id"], "confirm")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert parse(html).find("title").text.startswith("Error: ")
    assert error_summary(html) == [(f"{later['reference']} is confirmed as a repeat of {earlier['reference']}; "
                                    "two recommendations cannot repeat each other.", "#repeats")]
    for of, decision, message in ((999999, "confirm", "There is no recommendation with that id"),
                                  (earlier["id"], "maybe", "Choose confirm or dismiss"),
                                  ("", "confirm", "Give the id of the earlier recommendation")):
        response = decide(reviewer, later["id"], of, decision)
        assert response.status_code == 400
        assert [m for m, _ in error_summary(response.get_data(as_text=True))] == [message]
    assert links(read_db) == [(later["id"], earlier["id"], "confirmed")]
    assert decide(reviewer, 999999, earlier["id"], "confirm").status_code == 404


def test_a_decision_without_its_csrf_token_is_refused(reviewer, earlier, later, read_db):
    response = reviewer.post(f"/recommendations/{later['id']}/repeats",
                             data={"of": str(earlier["id"]), "decision": "confirm"})
    assert response.status_code == 400
    assert links(read_db) == [(later["id"], earlier["id"], "suggested")]


# The page script's endpoint ---------------------------------------------------------------------------------------


def similar(browser, body, *, token: str | None = "from-the-page"):
    headers = {}
    if token == "from-the-page":
        token = csrf_token_from(html_of(browser, "/"))
    if token:
        headers["X-CSRFToken"] = token
    return browser.post("/recommendations/similar", json=body, headers=headers)


def test_the_form_script_gets_the_matches_with_their_words(reviewer, earlier):
    response = similar(reviewer, {"text": PARAPHRASE})
    assert response.status_code == 200 and response.mimetype == "application/json"
    matches = response.get_json()["matches"]
    best = matches[0]
    assert {k: best[k] for k in ("id", "reference", "url", "text", "status", "status_text", "status_tag",
                                 "closure_code", "closure_text", "is_repeat")} == {
        "id": earlier["id"], "reference": earlier["reference"], "url": f"/recommendations/{earlier['id']}",
        "text": EARLIER, "status": "open", "status_text": "Open", "status_tag": "govuk-tag--blue",
        "closure_code": None, "closure_text": None, "is_repeat": True}
    assert best["percent"] == round(best["score"] * 100) and 50 <= best["percent"] <= 100
    assert not any(m["is_repeat"] for m in matches[1:])
    # Rewording a recommendation: it is not its own match.
    excluded = similar(reviewer, {"text": EARLIER, "exclude_id": earlier["id"]}).get_json()["matches"]
    assert earlier["id"] not in [m["id"] for m in excluded]


def test_the_board_may_ask_too_as_it_may_reword(browsers, earlier):
    assert similar(browsers("board"), {"text": PARAPHRASE}).status_code == 200


@pytest.mark.parametrize("who", ["analyst", "learning", "admin"])
def test_staff_who_read_every_recommendation_may_ask_as_they_may_through_the_api(browsers, earlier, who):
    response = similar(browsers(who), {"text": PARAPHRASE})
    assert response.status_code == 200
    assert response.get_json()["matches"][0]["id"] == earlier["id"]


def test_an_owner_asking_is_shown_only_their_own_recommendations(client, staff, browsers, debrief):
    """The page's twin of the API's check answers by the same record rule: the owner learns nothing
    of anyone else's recommendations."""
    someone_elses = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER,
                                owner_email=EMAIL["other_owner"])
    own = recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    response = similar(browsers("owner"), {"text": PARAPHRASE})
    assert response.status_code == 200
    assert [m["id"] for m in response.get_json()["matches"]] == [own["id"]]
    assert someone_elses["reference"] not in response.get_data(as_text=True)
    assert EARLIER not in response.get_data(as_text=True)
    other = similar(browsers("other_owner"), {"text": PARAPHRASE}).get_json()["matches"]
    assert other[0]["id"] == someone_elses["id"] and other[0]["url"] == f"/recommendations/{someone_elses['id']}"


def test_asking_needs_the_csrf_token_and_a_signed_in_session(reviewer, client, staff):
    assert similar(reviewer, {"text": PARAPHRASE}, token=None).status_code == 400
    assert similar(reviewer, {"text": PARAPHRASE}, token="forged").status_code == 400
    token = csrf_token_from(html_of(client, "/sign-in"))
    response = similar(client, {"text": PARAPHRASE}, token=token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    # A bearer token is for the API, not this page's endpoint.
    response = client.post("/recommendations/similar", json={"text": PARAPHRASE},
                           headers={**staff["reviewer"], "X-CSRFToken": token})
    assert response.status_code == 401


@pytest.mark.parametrize("body, field", [({}, "text"), ({"text": "   "}, "text"), ({"text": 7}, "text"),
                                         ({"text": "x" * 20_001}, "text"),
                                         ({"text": PARAPHRASE, "exclude_id": "one"}, "exclude_id")])
def test_asking_about_no_text_is_refused(reviewer, body, field):
    response = similar(reviewer, body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_form_loads_the_script_and_has_somewhere_to_show_the_matches(reviewer, debrief, earlier):
    for path, exclude in ((f"/debriefs/{debrief['id']}/recommendations/new", None),
                          (f"/recommendations/{earlier['id']}/edit", str(earlier["id"]))):
        page = parse(html_of(reviewer, path))
        panel = page.find(id="similar-recommendations")
        assert panel.attrs["aria-live"] == "polite"
        assert (panel.attrs["data-for"], panel.attrs["data-url"]) == ("text", "/recommendations/similar")
        assert panel.attrs.get("data-exclude-id") == exclude
        assert page.find("script", src="/static/similar-recommendations.js").attrs["type"] == "module"
    script = reviewer.get("/static/similar-recommendations.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert "innerHTML" not in script.get_data(as_text=True)


# The board ---------------------------------------------------------------------------------------------------------


def test_a_confirmed_repeat_of_an_implemented_recommendation_reaches_the_board_with_the_earlier_products(
        browsers, client, staff, debrief, earlier, read_db):
    to_awaiting_closure(client, staff["owner"], earlier["id"])
    product = delivered_product(client, staff["learning"], earlier["id"], "classroom_training")
    assert move(client, staff["board"], earlier["id"], "closed", closure_code="implemented").status_code == 200
    board = browsers("board")
    assert "No open recommendation repeats one closed as done." in section(html_of(board, "/board"),
                                                                           "did-not-stick")

    later = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    assert decide(browsers("reviewer"), later["id"], earlier["id"], "confirm").status_code == 302
    html = html_of(browsers("reviewer"), f"/recommendations/{later['id']}")
    repeat_of = parse(html).find(id="repeat-of").text
    assert f"Repeat of {earlier['reference']} Learning did not stick" in repeat_of
    assert f"{earlier['reference']} was closed: implemented." in repeat_of

    html = html_of(board, "/board")
    figures = {row.find("dt").text: row.find("dd").text
               for row in parse(html).find_all("div", cls="govuk-summary-list__row")}
    assert figures["Repeats of earlier recommendations"] == "1"
    assert figures["Repeats of recommendations closed as implemented"] == "1"
    queue = section(html, "did-not-stick")
    assert queue.startswith("Learning did not stick 1 open recommendation repeats one the board closed as done")
    due = london_today() + timedelta(days=60)
    for expected in (later["reference"], "Owner: Olu Owner", f"due {due:%A} {due.day} {due:%B %Y}", PARAPHRASE,
                     f"Repeats {earlier['reference']}", "Closed: implemented", EARLIER,
                     f"Learning products for {earlier['reference']}", product["title"], "Classroom training",
                     "Delivered"):
        assert expected in queue, expected


def test_the_board_queue_pages(browsers, client, staff, debrief, earlier):
    html = html_of(browsers("board"), "/board?repeats_page=7")  # past the end: the last (only) page
    assert "No open recommendation repeats one closed as done." in html


# Escaping ------------------------------------------------------------------------------------------------------------


def test_markup_in_a_recommendation_is_shown_as_text_on_every_repeat_page(browsers, client, staff, debrief, read_db):
    first = recommended(client, staff["reviewer"], debrief["id"], text=f"{EARLIER} {SCRIPT}")
    recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED)
    reviewer = browsers("reviewer")
    path = f"/debriefs/{debrief['id']}/recommendations/new"
    response = post_form(reviewer, path, typed(f"{PARAPHRASE} {SCRIPT}"))
    step = response.get_data(as_text=True)
    assert parse(step).find("h1").text == "This may repeat an earlier recommendation"
    assert SCRIPT not in step and step.count(ESCAPED_SCRIPT) >= 2
    assert hidden_fields(step)["text"] == [f"{PARAPHRASE} {SCRIPT}"]  # kept exactly, escaped in the page
    later_id = saved_at(press(reviewer, path, step, {"repeats_seen": "1"}))
    assert read_db(lambda s: s.get(Recommendation, later_id).text) == f"{PARAPHRASE} {SCRIPT}"

    html = html_of(reviewer, f"/recommendations/{later_id}")
    assert SCRIPT not in html and f"{EARLIER} {ESCAPED_SCRIPT}" in html
    answer = similar(reviewer, {"text": PARAPHRASE, "exclude_id": later_id}).get_json()
    assert answer["matches"][0]["text"] == f"{EARLIER} {SCRIPT}"  # as stored: the page's script uses textContent

    to_awaiting_closure(client, staff["owner"], first["id"])
    delivered_product(client, staff["learning"], first["id"], "briefing")
    move(client, staff["board"], first["id"], "closed", closure_code="alternative_action")
    decide(reviewer, later_id, first["id"], "confirm")
    board = html_of(browsers("board"), "/board")
    assert SCRIPT not in board and board.count(ESCAPED_SCRIPT) >= 2


def test_an_owners_page_shows_nothing_of_the_others_their_recommendation_repeats(client, staff, browsers, debrief):
    someone_elses = recommended(client, staff["reviewer"], debrief["id"], text=EARLIER,
                                owner_email=EMAIL["other_owner"])
    recommended(client, staff["reviewer"], debrief["id"], text=UNRELATED, owner_email=EMAIL["other_owner"])
    own = recommended(client, staff["reviewer"], debrief["id"], text=PARAPHRASE)
    page = f"/recommendations/{own['id']}"
    assert someone_elses["reference"] in html_of(browsers("reviewer"), page)
    html = html_of(browsers("owner"), page)
    assert someone_elses["reference"] not in html and EARLIER not in html
