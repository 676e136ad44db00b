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
