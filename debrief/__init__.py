"""Rapid Debrief: learning quickly from homicides and near-misses."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ROOT, Config, PLACEHOLDER_SECRET_KEY
from debrief import log_redaction
from debrief.extensions import csrf, db, login_manager, migrate


class ConfigurationError(RuntimeError):
    """The app was started with settings it must not run with."""


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    # INSTANCE_PATH: the folder for local files (the SQLite database, the development key), for tests.
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=str((overrides or {}).get("INSTANCE_PATH") or ROOT / "instance"))
    configure_inputs(app)
    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)
    check_settings(app)
    # The default SQLite database lives in instance/, which a fresh clone does not have yet.
    Path(app.instance_path).mkdir(exist_ok=True)
    load_deadline_policy(app)
    log_redaction.install()

    configure_templates(app)
    register_extensions(app)
    from debrief import i18n

    i18n.init_app(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def configure_inputs(app: Flask) -> None:
    """Before any route is added: every `<int:...>` is an id the database can hold (else 404), and
    JSON bodies that cannot be used are a 400 (see debrief/inputs.py)."""
    from debrief.inputs import SafeJSONProvider, StoredIdConverter

    app.url_map.converters["int"] = StoredIdConverter
    app.json = SafeJSONProvider(app)


def check_settings(app: Flask) -> None:
    secret = app.config.get("SECRET_KEY") or ""
    if app.config["APP_ENV"] not in {"development", "testing", "production"}:
        raise ConfigurationError(
            f"APP_ENV is '{app.config['APP_ENV']}'. Use development, testing or production."
        )
    if app.config.get("PASSWORD_HASH_FAST") and app.config["APP_ENV"] != "testing":
        raise ConfigurationError("PASSWORD_HASH_FAST weakens password storage and is for the test suite only.")
    from debrief.services.throttling import LIMIT_SETTINGS, parse_limits

    for name in LIMIT_SETTINGS:
        try:
            parse_limits(app.config[name])
        except ValueError as error:
            raise ConfigurationError(f"{name}: {error}") from None
    for cookie in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(cookie) is None:
            app.config[cookie] = app.config["APP_ENV"] != "development"
    if app.config.get("WARM_UP") is None:
        app.config["WARM_UP"] = app.config["APP_ENV"] == "production"
    if app.config["APP_ENV"] == "development":
        if not secret or secret == PLACEHOLDER_SECRET_KEY:
            app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))
        return
    if not secret or secret == PLACEHOLDER_SECRET_KEY or len(secret) < 32:
        raise ConfigurationError(
            "SECRET_KEY is missing, is the example value, or is shorter than 32 characters. "
            "Set SECRET_KEY to a long random value (for example the output of "
            "`python -c \"import secrets; print(secrets.token_hex(32))\"`) in the environment or .env. "
            "For local use only, set APP_ENV=development instead."
        )


def development_secret_key(instance: Path) -> str:
    """The development key, made once and kept in instance/ (git-ignored): sessions survive a restart of
    the development server, and so do the partners' links sealed in the outbox with a key derived from it."""
    path = instance / "development-secret-key"
    if path.is_file() and len(key := path.read_text().strip()) >= 32:
        return key
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    return key


def load_deadline_policy(app: Flask) -> None:
    """Read and check the policy once, at start: a mistake stops the app with the file's problems listed."""
    from debrief.services import deadline_policy
    from debrief.services.clock_calendar import BankHolidayCalendar

    try:
        policy = deadline_policy.load(app.config["DEADLINE_POLICY_FILE"] or None)
    except deadline_policy.PolicyError as error:
        raise ConfigurationError(str(error)) from None
    app.extensions["deadline_policy"] = policy
    app.extensions["bank_holidays"] = BankHolidayCalendar(policy.extra_bank_holidays)


def configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.globals["govukRebrand"] = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)


def register_extensions(app: Flask) -> None:
    import debrief.models  # noqa: F401  (registers the tables)

    db.init_app(app)
    from debrief.database import configure_database

    configure_database(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True,
                     render_as_batch=True)
    csrf.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    from flask_babel import lazy_gettext

    # Lazy: read in the language of the request that is turned away; flashed as text (the session holds str).
    login_manager.login_message = lazy_gettext("Sign in to see that page.")
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from debrief.services.sign_ins import user_for_session

    login_manager.user_loader(user_for_session)

    from debrief.web.security import configure_security_headers

    configure_security_headers(app)


def register_blueprints(app: Flask) -> None:
    from debrief.api import api
    from debrief.web.admin import admin
    from debrief.web.assets import assets
    from debrief.web.auth import auth
    from debrief.web.clocks import clocks_bp
    from debrief.web.dashboard import dashboard_bp
    from debrief.web.death_report import death_report_bp
    from debrief.web.deaths import deaths_bp
    from debrief.web.debriefs import debriefs_bp
    from debrief.web.formatting import register_formatting
    from debrief.web.home import home
    from debrief.web.imports import imports_bp
    from debrief.web.agencies import agencies_bp
    from debrief.web.invitations import invitations_bp
    from debrief.web.linked_series import series_bp
    from debrief.web.navigation import register_navigation
    from debrief.web.partner import partner
    from debrief.web.recommendations import recommendations_bp
    from debrief.web.reference_data import reference_bp
    from debrief.web.reports import reports_bp
    from debrief.web.sharing import sharing_bp
    from debrief.web.workspaces import workspaces_bp

    for blueprint in (assets, auth, home, debriefs_bp, clocks_bp, invitations_bp, recommendations_bp, imports_bp,
                      workspaces_bp, dashboard_bp, reports_bp, deaths_bp, death_report_bp, series_bp, admin, reference_bp, agencies_bp, partner,
                      sharing_bp, api):
        app.register_blueprint(blueprint)
    if app.config["LIBRARY_MODE"]:
        from debrief.api.library import library_api
        from debrief.web.library import library_bp

        app.register_blueprint(library_api)  # the national library's items API: forces' tokens only
        app.register_blueprint(library_bp)  # its pages, for the library's staff
    if app.config["APP_ENV"] == "development":
        from debrief.web.dev_mail import dev_mail_bp

        app.register_blueprint(dev_mail_bp)  # the email caught on this machine: never outside development
    register_navigation(app)
    register_formatting(app)

    from debrief.services import death_analysis, imports, notifications

    # Once a request has committed, threads of its process do what it handed over: email it queued
    # goes from a delivery thread, the vectors of recommendations it imported are computed by an
    # encoder thread, an analysis of death reports it asked for runs in an analysis thread.
    notifications.init_app(app)
    imports.init_app(app)
    death_analysis.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from debrief.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from debrief.cli import register

    register(app)
