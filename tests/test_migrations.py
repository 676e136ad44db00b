"""The schema comes only from the migrations, and the migrations match the models exactly."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from debrief.extensions import db
from tests.conftest import make_app, throwaway_database


def differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": True})
        return compare_metadata(context, db.metadata)


def tables(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_db_upgrade_builds_an_empty_database_that_matches_the_models(tmp_path):
    with throwaway_database(tmp_path) as url:
        app = make_app(url)
        assert tables(app) == set()

        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output

        assert {"users", "user_roles", "api_tokens", "audit_events"} <= tables(app)
        assert differences(app) == []
        with app.app_context():
            db.engine.dispose()


def test_migrations_go_down_and_up_again(tmp_path):
    with throwaway_database(tmp_path) as url:
        app = make_app(url)
        runner = app.test_cli_runner()
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        result = runner.invoke(args=["db", "downgrade", "base"])
        assert result.exit_code == 0, result.output
        assert tables(app) <= {"alembic_version"}
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        assert differences(app) == []
        with app.app_context():
            db.engine.dispose()


def test_the_test_database_itself_matches_the_models(app):
    assert differences(app) == []


def test_the_database_refuses_a_recommendation_status_the_lifecycle_does_not_know(app, tmp_path):
    """recommendations.status has a check constraint (migration 0013) listing exactly the lifecycle's statuses."""
    from debrief.models.learning import RECOMMENDATION_STATUSES
    from debrief.services.recommendation_lifecycle import Status

    assert set(RECOMMENDATION_STATUSES) == {status.value for status in Status}
    with throwaway_database(tmp_path) as url:
        migrated = make_app(url)
        assert migrated.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        with migrated.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO recommendations (text, priority, source, status, created_at, "
                                     "updated_at, version) VALUES ('x', 'low', 'iopc', 'closed', "
                                     "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"))
            for status in ("bogus", "Closed", ""):
                try:
                    with db.engine.begin() as conn:
                        conn.execute(sa.text("UPDATE recommendations SET status = :status"), {"status": status})
                except sa.exc.IntegrityError:
                    continue
                raise AssertionError(f"the database took the status {status!r}")
            db.engine.dispose()
