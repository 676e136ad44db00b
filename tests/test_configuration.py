"""Settings come from the environment; unsafe ones refuse to start."""
import importlib

import pytest
import sqlalchemy as sa

import config
from debrief import ConfigurationError
from debrief.extensions import db
from tests.conftest import make_app


@pytest.mark.parametrize("secret", ["", "change-me", "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(database_url, secret):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        make_app(database_url, APP_ENV="production", SECRET_KEY=secret)


def test_development_runs_without_a_secret_key(database_url, tmp_path):
    app = make_app(database_url, APP_ENV="development", SECRET_KEY="", INSTANCE_PATH=tmp_path)
    assert len(app.config["SECRET_KEY"]) >= 32


def test_the_development_secret_key_survives_a_restart(database_url, tmp_path):
    """Made once into instance/ (git-ignored): a restart keeps sessions, and the partners' links
    sealed in the outbox can still be opened and sent."""
    from debrief.services import notifications

    first = make_app(database_url, APP_ENV="development", SECRET_KEY="", INSTANCE_PATH=tmp_path)
    key_file = tmp_path / "development-secret-key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert key_file.stat().st_mode & 0o777 == 0o600
    with first.app_context():
        sealed = notifications._fernet().encrypt(b"http://127.0.0.1:5000/invite/secret")
    restarted = make_app(database_url, APP_ENV="development", SECRET_KEY="", INSTANCE_PATH=tmp_path)
    assert restarted.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    with restarted.app_context():
        assert notifications._fernet().decrypt(sealed) == b"http://127.0.0.1:5000/invite/secret"
    other_machine = make_app(database_url, APP_ENV="development", SECRET_KEY="", INSTANCE_PATH=tmp_path / "other")
    assert other_machine.config["SECRET_KEY"] != first.config["SECRET_KEY"]
    for app in (first, restarted, other_machine):
        with app.app_context():
            db.engine.dispose()


def test_links_in_emails_use_the_port_the_app_serves_on(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5099")
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.BASE_URL == "http://127.0.0.1:5099"
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_an_unknown_app_env_is_refused(database_url):
    with pytest.raises(ConfigurationError, match="APP_ENV"):
        make_app(database_url, APP_ENV="staging")


def test_with_nothing_set_the_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config._database_url().startswith("sqlite:///")
    assert config._database_url().endswith("/instance/rapid-debrief.sqlite3")


@pytest.mark.parametrize("given", ["postgres://u:p@db/rd", "postgresql://u:p@db/rd"])
def test_database_url_is_given_the_psycopg3_driver(monkeypatch, given):
    monkeypatch.setenv("DATABASE_URL", given)
    assert config._database_url() == "postgresql+psycopg://u:p@db/rd"


def test_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FORCE_NAME", "Essex Police")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("SCHEDULER_ENABLED", "0")
    monkeypatch.setenv("WARM_UP", "0")
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.FORCE_NAME == "Essex Police"
        assert reloaded.Config.MAIL_PORT == 2525
        assert reloaded.Config.MAIL_USE_TLS is True
        assert reloaded.Config.SCHEDULER_ENABLED is False
        assert reloaded.Config.WARM_UP is False
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_a_dotenv_file_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("FORCE_NAME", raising=False)
    (tmp_path / ".env").write_text("FORCE_NAME=Kent Police\n")
    monkeypatch.setattr(config, "ROOT", tmp_path)
    from dotenv import load_dotenv

    load_dotenv(tmp_path / ".env")
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.FORCE_NAME == "Kent Police"
    finally:
        monkeypatch.delenv("FORCE_NAME", raising=False)
        importlib.reload(config)


def test_fast_password_hashing_is_refused_outside_the_test_suite(database_url):
    with pytest.raises(ConfigurationError, match="PASSWORD_HASH_FAST"):
        make_app(database_url, APP_ENV="production", PASSWORD_HASH_FAST=True)


def test_the_apps_postgresql_connections_do_not_jit_compile(app):
    """Compiling took 570 ms of a 690 ms partner-engagement query at 100,000 debriefs (bench/README.md)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL setting: CI runs the suite on PostgreSQL too")
        assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"
        db.session.remove()
        db.engine.dispose()  # a new connection is set up the same way
        assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"
