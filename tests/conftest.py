"""Fixtures: a real database built by the migrations, the Flask test client, and signed-in users.

The database is SQLite in a temporary file unless TEST_DATABASE_URL names a PostgreSQL server;
then a throwaway database is created on that server for this run and dropped at the end.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http import HTTPStatus
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from debrief import background, create_app
from debrief.extensions import db as _db
from debrief.models import User
from debrief.services import accounts, notifications, similarity

TEST_SECRET_KEY = "test-" + "x" * 40
PASSWORD = "correct-horse-battery"
#: Tables whose rows come from the migrations, not from the tests.
REFERENCE_TABLES = ("incident_types",)


@contextmanager
def throwaway_database(tmp_dir: Path) -> Iterator[str]:
    """A new, empty database for this run: SQLite in a file, or a PostgreSQL database created on
    the server TEST_DATABASE_URL names (trust auth is enough) and dropped afterwards."""
    server_url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server_url or server_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_dir / f'test-{secrets.token_hex(4)}.sqlite3'}"
        return
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"rapid_debrief_test_{secrets.token_hex(4)}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    with throwaway_database(tmp_path_factory.mktemp("db")) as url:
        yield url


def make_app(database_url: str, **overrides) -> Flask:
    settings = {
        "APP_ENV": "testing",
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": None,
        # The test client and the browser tests speak plain HTTP on loopback.
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }
    settings.update(overrides)
    settings.setdefault("PASSWORD_HASH_FAST", settings["APP_ENV"] == "testing")
    return create_app(settings)


class MailServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = Mailbox()
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


class Mailbox(list):
    """What the mail server received. Email leaves from a delivery thread after the request that
    queued it has answered; reading the mailbox first lets that thread finish what it was handed
    (it returns at once when there is nothing in flight), as a person reads their email a moment
    later."""

    def _settled(self):
        notifications.wait_for_deliveries()
        return self

    def __len__(self):
        return list.__len__(self._settled())

    def __iter__(self):
        return list.__iter__(self._settled())

    def __getitem__(self, index):
        return list.__getitem__(self._settled(), index)

    def __eq__(self, other):
        return list.__eq__(self._settled(), other)

    def __bool__(self):
        return len(self) > 0

    __hash__ = None


@pytest.fixture
def mailbox(mail_server: MailServer) -> Iterator[list[EmailMessage]]:
    """What the mail server received during this test."""
    notifications.wait_for_deliveries()
    mail_server.messages.clear()
    yield mail_server.messages


@pytest.fixture(scope="session")
def app(database_url: str, mail_server: MailServer) -> Iterator[Flask]:
    app = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    app.test_client_class = SettledClient
    migrated(app)
    yield app
    with app.app_context():
        _db.engine.dispose()


def migrated(app: Flask) -> None:
    """The app's database brought up to date, and the reference data the migrations load kept, to be
    put back after every test (emptied)."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        with _db.engine.connect() as conn:
            app.extensions["test_reference_rows"] = {
                name: [dict(row._mapping) for row in conn.execute(_db.metadata.tables[name].select())]
                for name in REFERENCE_TABLES
            }


def emptied(app: Flask) -> None:
    """Every table of the app's database empty but for the migrations' reference data."""
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
            for name, rows in app.extensions["test_reference_rows"].items():
                conn.execute(_db.metadata.tables[name].insert(), rows)


@pytest.fixture(autouse=True)
def _clean_state(request) -> Iterator[None]:
    """Every test starts with empty tables (but the migrations' reference data), failed attempts included."""
    yield
    if "app" not in request.fixturenames:
        return
    background.wait_until_idle()
    app = request.getfixturevalue("app")
    emptied(app)
    with app.app_context():
        similarity.forget()


class SettledClient(FlaskClient):
    """The test client, waiting after each request until the threads it handed work to are done (the
    delivery thread has tried the email the request queued, the encoder thread has stored the vectors
    of the recommendations it imported): the app answered without waiting for them, and the test then
    sees the outbox, the mailbox and repeat detection as they are a moment later (at once, when
    nothing was handed over)."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        background.wait_until_idle()
        return response


@pytest.fixture(scope="session")
def library_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """The same application as the national library (LIBRARY_MODE), on the test database: its tables
    are emptied after each test like every other."""
    library = make_app(database_url, LIBRARY_MODE=True)
    library.test_client_class = SettledClient
    yield library
    with library.app_context():
        _db.engine.dispose()


@pytest.fixture
def library_client(library_app: Flask) -> FlaskClient:
    return library_app.test_client()


class Served:
    """An app served over HTTP on a loopback port, which can be stopped and started again on the same port."""

    def __init__(self, app, port: int = 0):
        self.app = app
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self.server.port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def again(self) -> Served:
        return Served(self.app, self.port)


def force_token(library_app: Flask, name: str) -> str:
    """A force at the library, added as `library forces add` adds one; its token."""
    result = library_app.test_cli_runner().invoke(args=["library", "forces", "add", name])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def speak_to_library(app: Flask, monkeypatch, url: str, token: str, *, timeout: int) -> None:
    """This force's settings for the national library, for one test."""
    for name, value in (("LIBRARY_URL", url), ("LIBRARY_TOKEN", token), ("LIBRARY_TIMEOUT", timeout)):
        monkeypatch.setitem(app.config, name, value)


@pytest.fixture(scope="session")
def _library_served(tmp_path_factory) -> Iterator[Served]:
    """The national library with a database of its own, as in life (a force's transaction on SQLite
    holds the database's one write lock while it calls the library), migrated once and served on
    loopback for the whole run."""
    with throwaway_database(tmp_path_factory.mktemp("library")) as url:
        library = make_app(url, LIBRARY_MODE=True)
        library.test_client_class = SettledClient
        migrated(library)
        served = Served(library)
        yield served
        served.stop()
        with library.app_context():
            _db.engine.dispose()


@dataclass
class LibraryAtForce:
    app: Flask  # the library
    client: FlaskClient  # the library's test client
    forces: dict[str, dict[str, str]]  # its forces' Authorization headers, by name


@pytest.fixture
def library_for_force(app: Flask, _library_served: Served, monkeypatch) -> Iterator[LibraryAtForce]:
    """The national library served on loopback, this force (app) speaking to it over real HTTP as Essex
    Police; Kent Police is its other force. Emptied after the test."""
    library = _library_served.app
    tokens = {name: force_token(library, name) for name in ("Essex Police", "Kent Police")}
    # Generous: the first item stored loads the sentence encoder into this process.
    speak_to_library(app, monkeypatch, _library_served.url, tokens["Essex Police"], timeout=60)
    yield LibraryAtForce(library, library.test_client(),
                         {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()})
    background.wait_until_idle()
    emptied(library)


class StandInLibrary:
    """Something at LIBRARY_URL that is not a working library, served on loopback: every request
    answered with `status` and `body` as JSON, or as `by_path` says for its path (or, with `hang`, not
    answered until it stops), and kept (path and query) in `requests`."""

    def __init__(self, status: int = 500, body=None, *, hang: bool = False, by_path: dict | None = None):
        self.status, self.body, self.hang, self.by_path = status, body, hang, by_path or {}
        self.requests: list[str] = []
        self.release = threading.Event()
        self.served = Served(self)

    def __call__(self, environ, start_response):
        self.requests.append(environ["PATH_INFO"] + "?" + environ.get("QUERY_STRING", ""))
        if self.hang:
            self.release.wait(30)
        status, body = self.by_path.get(environ["PATH_INFO"], (self.status, self.body))
        raw = json.dumps(body).encode()
        start_response(f"{status} {HTTPStatus(status).phrase}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))])
        return [raw]

    @property
    def url(self) -> str:
        return self.served.url

    def stop(self) -> None:
        self.release.set()
        self.served.stop()


@pytest.fixture
def stand_in_library(app: Flask, monkeypatch):
    """Points this force at a StandInLibrary: `stand_in_library(status, body, hang=...)` starts one."""
    started = []

    def start(status: int = 500, body=None, *, hang: bool = False, by_path: dict | None = None) -> StandInLibrary:
        library = StandInLibrary(status, body, hang=hang, by_path=by_path)
        started.append(library)
        speak_to_library(app, monkeypatch, library.url, "rdl_a-token-that-must-never-be-shown", timeout=1)
        return library

    yield start
    for library in started:
        library.stop()


@pytest.fixture
def read_db(app: Flask):
    """Reads the database between requests. Each read gets its own app context, so nothing
    (such as the signed-in user cached on `g`) carries over into the requests that follow."""

    def read(query):
        with app.app_context():
            return query(_db.session)

    return read


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask):
    """Creates an active user through the accounts service and returns its id and email."""

    def make(email: str = "riya@police.uk", *roles: str, name: str = "Riya Reviewer",
             password: str = PASSWORD) -> User:
        with app.app_context():
            user = accounts.create_user(email=email, name=name, roles=roles or ("reviewer",),
                                        password=password, actor=None)
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    return make


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class SignIn:
    """Signs a test client in and out through the real pages (the flaskr AuthActions pattern)."""

    def __init__(self, client: FlaskClient, address: str = "127.0.0.1"):
        self.client = client
        self.environ = {"REMOTE_ADDR": address}  # where the browser is: throttling counts per address

    def sign_in(self, email: str, password: str = PASSWORD):
        token = csrf_token_from(self.client.get("/sign-in", environ_base=self.environ).get_data(as_text=True))
        return self.client.post("/sign-in", environ_base=self.environ,
                                data={"csrf_token": token, "email": email, "password": password})

    def sign_out(self):
        token = csrf_token_from(self.client.get("/", environ_base=self.environ).get_data(as_text=True))
        return self.client.post("/sign-out", environ_base=self.environ, data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> SignIn:
    return SignIn(client)


@pytest.fixture
def browser_of(app: Flask):
    """A separate test client (another person's browser), signed in as `email`."""

    def open_as(email: str, password: str = PASSWORD) -> FlaskClient:
        other = app.test_client()
        assert SignIn(other).sign_in(email, password).status_code == 302
        return other

    return open_as


@pytest.fixture
def api_token(app: Flask):
    """A bearer token for a user, made the way `users token` makes one."""

    def issue(email: str) -> dict[str, str]:
        with app.app_context():
            user = accounts.find_by_email(email)
            token = accounts.issue_token(user, actor=None)
            _db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return issue


BACKGROUND = Path(__file__).resolve().parent.parent / "bench" / "data" / "repeats-background.jsonl"


@pytest.fixture(scope="session")
def _background_rows() -> list[tuple[dict, object]]:
    import json

    from debrief.similarity import embed

    rows = [json.loads(line) for line in BACKGROUND.read_text(encoding="utf-8").splitlines()[:60]]
    return list(zip(rows, embed([row["text"] for row in rows])))


def store_background(app: Flask, rows) -> list[int]:
    """`rows` ((row, embedding) pairs: _background_rows) as imported recommendations of `app`'s
    database, with their vectors."""
    from debrief.models import Recommendation, RecommendationVector
    from debrief.services.similarity import columns

    with app.app_context():
        records = [Recommendation(text=row["text"], source="other_force", source_reference=row["id"], status="open")
                   for row, _ in rows]
        _db.session.add_all(records)
        _db.session.flush()
        _db.session.add_all(RecommendationVector(recommendation_id=record.id, **columns(embedding))
                            for record, (_, embedding) in zip(records, rows))
        _db.session.commit()
        return [record.id for record in records]


@pytest.fixture
def background_recommendations(app: Flask, _background_rows) -> list[int]:
    """Sixty recommendations on unrelated topics, imported: repeat detection judges a text against a
    corpus, and a corpus of one or two is not one (every shared word would look rare). Their vectors
    are computed once per run."""
    return store_background(app, _background_rows)
