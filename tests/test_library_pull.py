"""The pull's cursor (issue 25): a pull asks the library for what changed from a little before the latest
change the force's pulls saw (library_pull.OVERLAP), so that a change whose transaction at the library
committed late, stamped earlier than what the force already saw, is still found; and what is read again
changes nothing. Over real HTTP on loopback, the library on the test database."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import LibraryItem, LibraryPull, OtherForceRecommendation, Recommendation
from debrief.services import library_pull
from tests.builders import share

LATE = "Response officers should ask the caller whether there are children in the house before they arrive."
TOO_LATE = "Custody staff should check the detainee's medication record at every handover."


def pull(app) -> str:
    result = app.test_cli_runner().invoke(args=["library", "pull"])
    assert result.exit_code == 0, result.output
    return result.output


def cursor(app):
    with app.app_context():
        return db.session.scalar(sa.select(LibraryPull.changed_up_to).order_by(LibraryPull.id.desc()).limit(1))


def stamped(library_app, item_id: int, at) -> None:
    """The item's change as if its transaction had stamped it at `at` and committed only now."""
    with library_app.app_context():
        db.session.execute(sa.update(LibraryItem).where(LibraryItem.id == item_id).values(updated_at=at))
        db.session.commit()


def held(app) -> dict[int, tuple]:
    """Other forces' recommendations as this force holds them: library id → (recommendation id, version, text)."""
    with app.app_context():
        return {row.library_id: (row.recommendation_id, row.recommendation.version, row.recommendation.text)
                for row in db.session.scalars(sa.select(OtherForceRecommendation))}


def test_a_change_stamped_before_the_cursor_but_within_the_overlap_is_still_pulled(
        app, library_for_force):
    library_app, library_client = library_for_force.app, library_for_force.client
    kent = library_for_force.forces["Kent Police"]
    first = share(library_client, kent, source_reference="K-1")
    assert pull(app).startswith("1 added, 0 updated, 0 removed")
    seen = cursor(app)
    with library_app.app_context():
        assert seen == db.session.get(LibraryItem, first).updated_at

    late = share(library_client, kent, text=LATE, source_reference="K-2")
    stamped(library_app, late, seen - library_pull.OVERLAP + timedelta(minutes=2))
    too_late = share(library_client, kent, text=TOO_LATE, source_reference="K-3")
    stamped(library_app, too_late, seen - library_pull.OVERLAP - timedelta(minutes=1))
    before = held(app)

    # K-1 is read again (it is within the overlap too) and changes nothing; K-2 is found; K-3, stamped
    # further back than any transaction at the library lasts, is not asked for.
    assert pull(app).startswith("1 added, 0 updated, 0 removed")
    after = held(app)
    assert set(after) == {first, late} and after[first] == before[first]
    assert after[late][2] == LATE
    with app.app_context():
        record = db.session.scalars(sa.select(LibraryPull).order_by(LibraryPull.id.desc())).first()
        assert record.since == seen - library_pull.OVERLAP and record.changed_up_to == seen


def test_a_pull_read_again_changes_nothing(app, library_for_force):
    library_client, kent = library_for_force.client, library_for_force.forces["Kent Police"]
    first = share(library_client, kent, source_reference="K-1")
    second = share(library_client, kent, text=LATE, source_reference="K-2")
    pull(app)
    before = held(app)
    with app.app_context():
        recommendations = db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation))
    assert pull(app).startswith("0 added, 0 updated, 0 removed")
    assert held(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) == recommendations

    # A real change is one update; a withdrawal one removal, and read again nothing more.
    share(library_client, kent, source_reference="K-1", status="in_progress", closure_code=None)
    assert pull(app).startswith("0 added, 1 updated, 0 removed")
    assert library_client.delete(f"/api/v1/library/items/{second}", headers=kent).status_code == 200
    assert pull(app).startswith("0 added, 0 updated, 1 removed")
    assert pull(app).startswith("0 added, 0 updated, 0 removed")
    assert set(held(app)) == {first}


def test_the_first_pull_asks_from_the_beginning(app, library_for_force):
    pull(app)
    with app.app_context():
        record = db.session.scalars(sa.select(LibraryPull)).one()
        assert record.since == library_pull.BEGINNING and record.changed_up_to == library_pull.BEGINNING
