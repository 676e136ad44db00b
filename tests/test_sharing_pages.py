"""Sharing with the national library through the pages (issue 25): the reviewer's button, the draft
page with each redaction highlighted and its kind, editing with the GOV.UK error summary, the board's
approve and withdraw, what the force shared, and the library's search saying when it cannot be reached."""
from __future__ import annotations

import re

import pytest

from tests.conftest import _free_port as closed_port
from tests.builders import EMAIL, make_staff, open_debrief, post_form, recommended
from debrief.extensions import db
from debrief.i18n import date_and_time
from debrief.models import LibraryDraft
from tests.html import error_summary, parse, summary_list, table_rows

LESSON = "Callum FINCH rang from 07700 900318; the call handler in Truro did not check the earlier calls."


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def lesson(client, staff):
    debrief = open_debrief(client, staff["reviewer"])
    response = client.post(f"/api/v1/debriefs/{debrief['id']}/lessons", headers=staff["reviewer"],
                           json={"text": LESSON, "category": "information_sharing"})
    return {"debrief": debrief, **response.get_json()}


def share(browser, debrief_id: int, **hidden) -> str:
    response = post_form(browser, "/shared-learning/drafts", hidden, form_page=f"/debriefs/{debrief_id}")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def test_a_reviewer_shares_a_lesson_and_sees_what_was_taken_out(staff, lesson, browser_of):
    reviewer = browser_of(EMAIL["reviewer"])
    page = reviewer.get(f"/debriefs/{lesson['debrief']['id']}").get_data(as_text=True)
    assert "Share with the national library" in page
    draft_page = reviewer.get(share(reviewer, lesson["debrief"]["id"], lesson_id=lesson["id"])).get_data(as_text=True)
    assert "Callum FINCH" not in draft_page and "07700 900318" not in draft_page
    marks = re.findall(r'<mark class="rd-redaction" title="([^"]+)">([^<]+)<', draft_page)
    assert marks == [("person", "[person]"), ("phone number", "[phone number]")]
    assert "Truro" in draft_page


def test_an_owner_sees_no_button_and_is_refused(staff, lesson, client, browser_of):
    rec = recommended(client, staff["reviewer"], lesson["debrief"]["id"])
    owner = browser_of(EMAIL["owner"])
    assert "Share with the national library" not in owner.get(f"/recommendations/{rec['id']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', owner.get("/").get_data(as_text=True))
    response = owner.post("/shared-learning/drafts", data={"csrf_token": token.group(1) if token else "",
                                                            "recommendation_id": rec["id"]})
    assert response.status_code == 403


def test_the_draft_page_names_the_incident_type_and_themes_in_words(app, staff, lesson, browser_of):
    from debrief.services import reference_data

    with app.app_context():
        reference_data.set_welsh_label(reference_data.incident_type("murder"), "Llofruddiaeth", actor=None)
        db.session.commit()
    reviewer = browser_of(EMAIL["reviewer"])
    path = share(reviewer, lesson["debrief"]["id"], lesson_id=lesson["id"])
    draft_id = int(path.rsplit("/", 1)[1])
    rows = summary_list(reviewer.get(path).get_data(as_text=True))
    assert rows["Type of incident"] == "Murder" and rows["Themes"] == "Serious violence"
    welsh = reviewer.get(f"{path}?lang=cy", follow_redirects=True).get_data(as_text=True)
    assert "Llofruddiaeth" in welsh and ">murder<" not in welsh

    # A class withdrawn since keeps its words; a code this force does not know is shown as it is, never a 500.
    with app.app_context():
        reference_data.set_incident_type_active(reference_data.incident_type("murder"), False,
                                                actor=db.session.get(LibraryDraft, draft_id).created_by)
        db.session.commit()
    english = reviewer.get(f"{path}?lang=en", follow_redirects=True).get_data(as_text=True)
    assert summary_list(english)["Type of incident"] == "Murder"
    with app.app_context():
        db.session.get(LibraryDraft, draft_id).incident_type = "gwent_special"
        db.session.commit()
    assert summary_list(reviewer.get(path).get_data(as_text=True))["Type of incident"] == "gwent_special"


def test_editing_a_draft_checks_it_again_and_says_what_is_wrong(staff, lesson, browser_of):
    reviewer = browser_of(EMAIL["reviewer"])
    path = share(reviewer, lesson["debrief"]["id"], lesson_id=lesson["id"])
    empty = post_form(reviewer, path, {"text": "  "})
    assert empty.status_code == 400
    assert error_summary(empty.get_data(as_text=True))[0][0] == "Enter the text to share"
    saved = post_form(reviewer, path, {"text": "Ask Priya Venkataraman's GP in Leeds about earlier visits."})
    assert saved.status_code == 302
    page = reviewer.get(path).get_data(as_text=True)
    assert "Venkataraman" not in page and "Leeds" in page
    assert re.findall(r'<mark class="rd-redaction" title="([^"]+)">', page) == ["person"]


def test_a_drafts_character_count_is_its_sources_limit(client, staff, lesson, browser_of):
    from debrief.services.validation import LIMITS

    reviewer = browser_of(EMAIL["reviewer"])
    rec = recommended(client, staff["reviewer"], lesson["debrief"]["id"])
    for hidden, limit in (({"lesson_id": lesson["id"]}, LIMITS["lesson.text"]),
                          ({"recommendation_id": rec["id"]}, LIMITS["recommendation.text"])):
        page = reviewer.get(share(reviewer, lesson["debrief"]["id"], **hidden)).get_data(as_text=True)
        assert f'data-maxlength="{limit}"' in page


def test_the_board_approves_and_withdraws_and_an_analyst_cannot(staff, lesson, browser_of):
    path = share(browser_of(EMAIL["reviewer"]), lesson["debrief"]["id"], lesson_id=lesson["id"])
    analyst = browser_of(EMAIL["analyst"])
    assert "Approve and share" not in analyst.get(path).get_data(as_text=True)
    assert post_form(analyst, f"{path}/approve", {}, form_page=path).status_code == 403
    board = browser_of(EMAIL["board"])
    approved = post_form(board, f"{path}/approve", {}, form_page=path)
    assert approved.status_code == 302
    page = board.get(path).get_data(as_text=True)
    assert "Approved. The national library cannot be reached just now" in page
    assert "Approved, waiting for the library" in page
    post_form(board, f"{path}/withdraw", {}, form_page=path)
    assert "Withdrawn. Other forces" in board.get(path).get_data(as_text=True)


def test_the_pages_say_when_the_library_cannot_be_reached_and_never_fail(app, staff, lesson, browser_of, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setitem(app.config, "LIBRARY_TOKEN", "rdl_not-a-real-token")
    reviewer = browser_of(EMAIL["reviewer"])
    share(reviewer, lesson["debrief"]["id"], lesson_id=lesson["id"])
    shared = reviewer.get("/shared-learning")
    assert shared.status_code == 200
    html = shared.get_data(as_text=True)
    assert "What other forces did is not known yet" in html and "draft-" in html
    assert app.test_cli_runner().invoke(args=["library", "pull"]).exit_code != 0
    html = reviewer.get("/shared-learning").get_data(as_text=True)
    assert "could not reach the national library" in html and "rdl_not-a-real-token" not in html
    search = reviewer.get("/shared-learning/library?q=earlier+calls")
    assert search.status_code == 200
    assert "The national library cannot be reached just now" in search.get_data(as_text=True)
    assert browser_of(EMAIL["learning"]).get("/shared-learning/library").status_code == 200
    assert browser_of(EMAIL["owner"]).get("/shared-learning/library").status_code == 403


def published(client, staff, lesson) -> dict:
    """The lesson drafted by the reviewer and approved by the board: published in the library."""
    draft = client.post("/api/v1/library/drafts", json={"lesson_id": lesson["id"]}, headers=staff["reviewer"])
    assert draft.status_code == 201, draft.get_json()
    answer = client.post(f"/api/v1/library/drafts/{draft.get_json()['id']}/approve", headers=staff["board"])
    assert answer.status_code == 200 and answer.get_json()["status"] == "published", answer.get_json()
    return answer.get_json()


def uses_cell(html: str) -> str:
    return table_rows(html, "Shared learning")[0][2]


def test_the_pull_fetches_what_other_forces_did_and_the_page_shows_it_as_of_then(
        app, client, staff, lesson, browser_of, library_for_force, monkeypatch):
    draft = published(client, staff, lesson)
    kent = library_for_force.forces["Kent Police"]
    used = library_for_force.client.post("/api/v1/library/uses", headers=kent,
                               json={"taken": [draft["library_id"]], "found_as_repeat": [draft["library_id"]]})
    assert used.status_code == 200
    board = browser_of(EMAIL["board"])
    before = board.get("/shared-learning").get_data(as_text=True)
    assert uses_cell(before) == "Not known yet" and "What other forces did is not known yet" in before

    pulled = app.test_cli_runner().invoke(args=["library", "pull"])
    assert pulled.exit_code == 0, pulled.output
    with app.test_request_context():
        as_of = date_and_time(db.session.get(LibraryDraft, draft["id"]).uses_fetched_at)
    after = board.get("/shared-learning").get_data(as_text=True)
    assert uses_cell(after) == "Taken into 1 force's repeat checks; found as a repeat by 1 force"
    assert parse(after).find(id="uses-as-of").text.startswith(f"What other forces did is as of {as_of}")

    # The library down: the pull fails, and the page shows what was kept, as of then, saying so.
    monkeypatch.setitem(app.config, "LIBRARY_URL", f"http://127.0.0.1:{closed_port()}")
    assert app.test_cli_runner().invoke(args=["library", "pull"]).exit_code != 0
    down = board.get("/shared-learning").get_data(as_text=True)
    assert uses_cell(down) == "Taken into 1 force's repeat checks; found as a repeat by 1 force"
    assert as_of in parse(down).find(id="uses-as-of").text
    assert "could not reach the national library" in down


def test_the_shared_page_never_asks_the_library(app, client, staff, lesson, browser_of, stand_in_library):
    from datetime import datetime, timezone

    draft_fetched = datetime(2026, 12, 1, 3, 5, tzinfo=timezone.utc)
    draft = published_directly(app, lesson, library_id=41, taken_by=3, found_as_repeat=2, fetched=draft_fetched)
    library = stand_in_library(hang=True)  # it would hold the page for LIBRARY_TIMEOUT if asked
    page = browser_of(EMAIL["analyst"]).get("/shared-learning")
    assert page.status_code == 200 and library.requests == []
    html = page.get_data(as_text=True)
    assert uses_cell(html) == "Taken into 3 forces' repeat checks; found as a repeat by 2 forces"
    with app.test_request_context():
        assert f"What other forces did is as of {date_and_time(draft_fetched)}" in html
    assert f"draft-{draft}" in html


def published_directly(app, lesson, **uses) -> int:
    """A draft of the lesson as a pull left it: published, with what other forces did and when that was asked."""
    from debrief.models import User

    with app.app_context():
        from debrief.services import sharing

        reviewer = db.session.scalar(db.select(User).where(User.email == EMAIL["reviewer"]))
        draft = sharing.make_draft(lesson_id=lesson["id"], actor=reviewer)
        draft.status, draft.library_id = "published", uses["library_id"]
        draft.taken_by, draft.found_as_repeat, draft.uses_fetched_at = (uses["taken_by"], uses["found_as_repeat"],
                                                                        uses["fetched"])
        db.session.commit()
        return draft.id
