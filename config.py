"""Settings, read once from the environment (and a `.env` file beside this one).

Names follow ../shared/design/api.md. `APP_ENV` says where the app runs: `development`,
`testing` or `production` (the default, so that a forgotten setting fails safe).
"""
from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent
load_dotenv(ROOT / ".env")

#: The value shipped in examples; never accepted outside development.
PLACEHOLDER_SECRET_KEY = "change-me"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{ROOT / 'instance' / 'rapid-debrief.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name (psycopg 3).
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    APP_ENV = os.environ.get("APP_ENV", "production").strip().lower() or "production"

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    FORCE_NAME = os.environ.get("FORCE_NAME", "Demonstration Constabulary")
    # The port `bin/dev` serves on; the default public address uses it.
    PORT = _int("PORT", 5000)
    BASE_URL = os.environ.get("BASE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
    BOARD_CHAIR_EMAIL = os.environ.get("BOARD_CHAIR_EMAIL", "")
    SCHEDULER_ENABLED = _bool("SCHEDULER_ENABLED", False)
    # Each gunicorn worker loads, compiles and renders what its first requests need before it takes
    # traffic (debrief/warm_up.py). None: in production only.
    WARM_UP = _bool("WARM_UP") if os.environ.get("WARM_UP", "").strip() else None
    # Imported recommendations' vectors are computed after the import answers, by a thread of the
    # web worker that took it; off, by the scheduler's job alone (within a minute), leaving the web
    # workers' processors to requests.
    ENCODE_IMPORTS_IN_WEB_WORKERS = _bool("ENCODE_IMPORTS_IN_WEB_WORKERS", True)
    # This deployment is the national library (api.md "Learning across forces"): forces publish
    # anonymised lessons and recommendations to it with their tokens, and library staff search it.
    LIBRARY_MODE = _bool("LIBRARY_MODE", False)
    # The national library this force shares with (issue 25): its address, this force's token there
    # (printed by `library forces add` at the library) and how long one call to it may take.
    LIBRARY_URL = os.environ.get("LIBRARY_URL", "").strip().rstrip("/")
    LIBRARY_TOKEN = os.environ.get("LIBRARY_TOKEN", "").strip()
    LIBRARY_TIMEOUT = _int("LIBRARY_TIMEOUT", 10)

    SQLALCHEMY_DATABASE_URI = _database_url()
    # hide_parameters: an SQL error in a log never shows the values (names, email addresses, text).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "rapid-debrief@localhost")
    # Seconds one SMTP exchange may take before it counts as a failed attempt (tried again later).
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    # Development only: where `flask dev-mail` keeps the email it catches (shown at /dev/mail).
    DEV_MAIL_DIR = os.environ.get("DEV_MAIL_DIR", str(ROOT / "instance" / "dev-mail"))

    # Cookies: never readable by scripts, not sent on cross-site posts, HTTPS-only outside development.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: HTTPS-only unless APP_ENV is development
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None
    PERMANENT_SESSION_LIFETIME = _int("SESSION_HOURS", 12) * 3600

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; a form left open overnight still posts
    PASSWORD_HASH_FAST = False  # the test suite only: see services/accounts.py

    # Throttling (services/throttling.py): failures are counted in the database, which every worker and
    # every web server shares, so no other store is needed. Off only for benchmarks.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Wrong passwords for one account from one address (a stranger elsewhere cannot lock its owner
    # out); and from one address across accounts, looser, since a whole police station may reach the
    # service from one address.
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "5 per minute;20 per hour")
    SIGN_IN_ADDRESS_RATE_LIMIT = os.environ.get("SIGN_IN_ADDRESS_RATE_LIMIT", "30 per minute;300 per hour")

    # The largest request the app reads: a death-report extract (at most 16 MB of CSV, more as JSON,
    # services/death_reports.py) with room to spare. Anything larger is a 413, refused unread.
    MAX_CONTENT_LENGTH = _int("MAX_REQUEST_MB", 40) * 1024 * 1024

    # How many proxies (load balancers) sit in front of the app and set X-Forwarded-*.
    PROXY_COUNT = _int("PROXY_COUNT", 0)

    # The deadline policy (clock lengths, day types, which clocks are on). Empty: the shipped default.
    DEADLINE_POLICY_FILE = os.environ.get("DEADLINE_POLICY_FILE", "")
    # The force's crime reference format, and an example shown when one does not match.
    CRIME_REFERENCE_PATTERN = os.environ.get("CRIME_REFERENCE_PATTERN", r"[0-9]{1,4}/[0-9]{1,8}/[0-9]{2}")
    CRIME_REFERENCE_EXAMPLE = os.environ.get("CRIME_REFERENCE_EXAMPLE", "42/18812/26")

    # Partner invitation links: how long they work, and how many wrong links one address may try (a
    # real link still opens from an address over this limit).
    INVITATION_EXPIRY_DAYS = _int("INVITATION_EXPIRY_DAYS", 14)
    INVITE_WRONG_LINK_LIMIT = os.environ.get("INVITE_WRONG_LINK_LIMIT", "10 per minute;50 per day")

    # Where `npm ci` put GOV.UK Frontend's built files.
    GOVUK_FRONTEND_DIST = Path(
        os.environ.get("GOVUK_FRONTEND_DIST", ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk")
    )
