"""Learning across forces over real HTTP (issue 25): a national library (LIBRARY_MODE) and two forces,
each its own app with its own throwaway database, each served on loopback. Force A shares a
recommendation; force B's pull brings it into B's repeat detection, which finds it as a repeat; A
withdraws it and B's next pull removes it. A library that is down loses nothing: the approval is
queued, and the scheduler's tick sends it once the library is back."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from contextlib import ExitStack

import pytest
from flask_migrate import upgrade

from debrief.extensions import db
from debrief.services import accounts, similarity
from tests.builders import EARLIER, PARAPHRASE, in_days
from tests.conftest import PASSWORD, Served, force_token, make_app, store_background, throwaway_database

PEOPLE = {"reviewer": "riya@police.uk", "owner": "olu@police.uk", "learning": "lee@police.uk",
          "board": "bea@police.uk", "analyst": "ana@police.uk"}


def call(base: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(base + "/api/v1" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class Force:
    """A force's deployment: its app served over HTTP, and its staff's API tokens."""

    def __init__(self, app):
        self.app = app
        self.served = Served(app)
        self.tokens = {}
        with app.app_context():
            for role, email in PEOPLE.items():
                user = accounts.create_user(email=email, name=role.title(), roles=(role,), password=PASSWORD, actor=None)
                self.tokens[role] = accounts.issue_token(user, actor=None)
            db.session.commit()

    def api(self, role: str, method: str, path: str, body: dict | None = None, expect: int = 200) -> dict:
        status, answer = call(self.served.url, method, path, self.tokens[role], body)
        assert status == expect, (method, path, status, answer)
        return answer

    def cli(self, *args: str) -> str:
        result = self.app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output

    def check(self, text: str) -> list[dict]:
        return self.api("analyst", "POST", "/recommendations/check", {"text": text})["matches"]


@pytest.fixture
def world(tmp_path, mail_server, _background_rows):
    """The library and forces A and B, each migrated and served; B's repeat detection has a background corpus."""
    with ExitStack() as stack:
        urls = [stack.enter_context(throwaway_database(tmp_path / name)) for name in ("library", "a", "b")]
        for name in ("library", "a", "b"):
            (tmp_path / name).mkdir(exist_ok=True)
        mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mail_server.port}
        library_app = make_app(urls[0], LIBRARY_MODE=True, FORCE_NAME="National library", **mail)
        with library_app.app_context():
            upgrade()
        library = Served(library_app)
        forces = {}
        for name, url in zip(("Force A", "Force B"), urls[1:]):
            app = make_app(url, FORCE_NAME=name, LIBRARY_URL=library.url, LIBRARY_TOKEN=force_token(library_app, name),
                           LIBRARY_TIMEOUT=5, **mail)
            with app.app_context():
                upgrade()
            forces[name] = Force(app)
        store_background(forces["Force B"].app, _background_rows)
        served = {"library": library, "a": forces["Force A"], "b": forces["Force B"]}
        yield served
        for server in (served["library"], *(force.served for force in forces.values())):
            server.stop()
        for app in (library_app, *(force.app for force in forces.values())):
            with app.app_context():
                similarity.forget()
                db.engine.dispose()


def implemented_with_classroom_training(a: Force) -> dict:
    """A recommendation of force A's, closed as implemented after classroom training was delivered."""
    debrief = a.api("reviewer", "POST", "/debriefs", {
        "incident_type": "murder", "crime_reference": "42/18812/26", "occurred_at": "2026-11-02T23:10:00+00:00",
        "reported_at": "2026-11-02T23:40:00+00:00", "summary": "A woman was killed at home.",
        "themes": ["domestic_abuse"]}, expect=201)
    rec = a.api("reviewer", "POST", f"/debriefs/{debrief['id']}/recommendations",
                {"text": EARLIER, "owner_email": PEOPLE["owner"], "due_date": in_days(60)}, expect=201)
    product = a.api("learning", "POST", f"/recommendations/{rec['id']}/products",
                    {"kind": "classroom_training", "title": "Voice of the child", "audience": ["response"]}, expect=201)
    a.api("learning", "PATCH", f"/products/{product['id']}", {"status": "delivered", "delivered_on": in_days(0)})
    a.api("owner", "POST", f"/recommendations/{rec['id']}/transition", {"to": "in_progress", "note": "Plan"})
    a.api("owner", "POST", f"/recommendations/{rec['id']}/transition", {"to": "awaiting_closure", "note": "Done"})
    a.api("board", "POST", f"/recommendations/{rec['id']}/transition", {"to": "closed", "closure_code": "implemented"})
    return {"debrief": debrief, "recommendation": rec}


def other_forces(matches: list[dict], b: Force) -> list[dict]:
    from debrief.models import OtherForceRecommendation

    with b.app.app_context():
        ids = set(db.session.scalars(db.select(OtherForceRecommendation.recommendation_id)))
    return [match for match in matches if match["id"] in ids]


def test_a_shared_recommendation_reaches_another_forces_repeat_check_and_leaves_it_when_withdrawn(world):
    a, b, library = world["a"], world["b"], world["library"]
    made = implemented_with_classroom_training(a)

    draft = a.api("reviewer", "POST", "/library/drafts", {"recommendation_id": made["recommendation"]["id"]}, expect=201)
    assert draft["products"] == [{"kind": "classroom_training", "title": "Voice of the child"}]
    published = a.api("board", "POST", f"/library/drafts/{draft['id']}/approve")
    assert published["status"] == "published" and published["library_id"]

    assert not other_forces(b.check(PARAPHRASE), b)
    assert "1 added" in b.cli("library", "pull")
    found = other_forces(b.check(PARAPHRASE), b)
    assert [m["text"] for m in found] == [EARLIER] and found[0]["is_repeat"]

    # B writes the same recommendation: flagged as a repeat of A's; the next pull tells the library.
    debrief = b.api("reviewer", "POST", "/debriefs", {
        "incident_type": "manslaughter", "crime_reference": "7/1234/26", "occurred_at": "2026-11-20T10:00:00+00:00",
        "reported_at": "2026-11-20T11:00:00+00:00", "summary": "A child died."}, expect=201)
    later = b.api("reviewer", "POST", f"/debriefs/{debrief['id']}/recommendations",
                  {"text": PARAPHRASE, "owner_email": PEOPLE["owner"], "due_date": in_days(30)}, expect=201)
    assert [m["id"] for m in later["possible_repeats"]] == [found[0]["id"]]
    b.cli("library", "pull")
    with a.app.test_request_context():
        from debrief.services import library_client
        mine = library_client.items(mine="true")["items"]
    assert [(item["taken_by"], item["found_as_repeat"]) for item in mine] == [(1, 1)]

    withdrawn = a.api("board", "POST", f"/library/drafts/{draft['id']}/withdraw")
    assert withdrawn["status"] == "withdrawn"
    # A pull while the library is down changes nothing; the next one, once it is back, removes it.
    library.stop()
    failed = b.app.test_cli_runner().invoke(args=["library", "pull"])
    assert failed.exit_code != 0 and "changed nothing" in failed.output
    assert [m["text"] for m in other_forces(b.check(PARAPHRASE), b)] == [EARLIER]
    world["library"] = library.again()
    assert "1 removed" in b.cli("library", "pull")
    assert not other_forces(b.check(PARAPHRASE), b)


def test_a_library_that_is_down_then_back_loses_nothing(world):
    a, library = world["a"], world["library"]
    made = implemented_with_classroom_training(a)
    draft = a.api("reviewer", "POST", "/library/drafts", {"recommendation_id": made["recommendation"]["id"]}, expect=201)

    library.stop()  # and the world's teardown stops the one started again below
    assert a.api("board", "POST", f"/library/drafts/{draft['id']}/approve")["status"] == "queued"
    assert "sent to the national library: 0" in a.cli("jobs", "tick", "--now", "2026-12-10T01:00")

    world["library"] = library.again()
    assert "sent to the national library: 1" in a.cli("jobs", "tick", "--now", "2026-12-10T01:30")
    with a.app.test_request_context():
        from debrief.models import LibraryDraft
        from debrief.services import library_client
        shared = db.session.get(LibraryDraft, draft["id"])
        assert shared.status == "published" and shared.library_id
        mine = library_client.items(mine="true")["items"]
    assert [(item["id"], item["text"]) for item in mine] == [(shared.library_id, EARLIER)]
    # A second tick sends nothing again.
    assert "sent to the national library: 0" in a.cli("jobs", "tick", "--now", "2026-12-10T02:00")


def test_the_library_refusing_personal_data_sends_the_draft_back_with_it_highlighted(world):
    from debrief.models import LibraryDraft

    a = world["a"]
    made = implemented_with_classroom_training(a)
    draft = a.api("reviewer", "POST", "/library/drafts", {"recommendation_id": made["recommendation"]["id"]}, expect=201)
    # Personal data the force's anonymiser did not take out (an older version of it, say).
    text = "Officers should have spoken to Morwenna Tregarthen's children on their own."
    with a.app.app_context():
        db.session.get(LibraryDraft, draft["id"]).text = text
        db.session.commit()
    refused = a.api("board", "POST", f"/library/drafts/{draft['id']}/approve", expect=409)["error"]
    assert refused["code"] == "personal_data"
    assert [text[r["start"]:r["end"]] for r in refused["redactions"]] == ["Morwenna Tregarthen"]
    with a.app.app_context():
        back = db.session.get(LibraryDraft, draft["id"])
        assert back.status == "draft" and back.problem and back.library_id is None
        assert any(text[r["start"]:r["end"]] == "Morwenna Tregarthen" for r in back.redactions)
