"""A web worker made ready before it takes traffic (gunicorn.conf.py's `post_worker_init`).

A new worker's first requests paid for what the next ones find ready (bench/first_open.py,
bench/README.md): a partner's first open of their link took 9 to 11 times as long as the next
ones (the median of five starts; 260–720 ms against 23–100 ms on a busy 2-core machine). In a
profile of one, two-thirds went to Jinja compiling the 25 templates the page uses and a quarter to
SQLAlchemy compiling its 12 statements; then Babel's locale data and the first database
connection. The first board pack imported matplotlib (0.9 s); the first repeat check loaded the
similarity model (0.5 s) and every recommendation's vectors.

`warm_up(app)` pays for those once, in steps:

- **libraries**: the similarity model, with one text encoded, and matplotlib, with a small chart drawn;
- **templates**: every page template compiled (the GOV.UK components they import, as they render);
- **pages**: the pages people open first, rendered once through the test client: the sign-in page,
  a partner's link, the debrief form, the home page of a user holding every role but administrator,
  the workspaces, the dashboard, the board pack's form, the newest debrief and recommendation; the
  first four in Welsh too. This compiles their SQL and opens the connection the worker keeps in its
  pool;
- **repeat index**: every recommendation's vectors, read as the first repeat check would.

Nothing is written. The pages are rendered inside one transaction on one connection, which is
rolled back at the end: every session the requests open joins it through a savepoint (a view's
commit releases its savepoint), and the user they are rendered for, with its sign-in, exists only
in that transaction, as does the link given to the partner's page (a new link to the newest
invitation that still opens, whose row is locked for the second this takes; an unknown link when
there is none). The requests are GETs, which queue no email; an outbox row would be rolled back
before anything could read it. Sequences may have moved on (ids are skipped).

A step that fails (the database is down) is logged and skipped: the worker starts all the same,
and its first requests pay as they did before.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from debrief.extensions import db
from debrief.i18n import COOKIE, DEFAULT
from debrief.models import Debrief, Invitation, Recommendation, User, utcnow
from debrief.models.staff import Role, UserRole
from debrief.services import invitations, sign_ins

log = logging.getLogger(__name__)

#: The pages rendered, as the user holding every role (a partner's link is added to them).
STAFF_PAGES = ("/", "/debriefs", "/debriefs/new", "/my-actions", "/learning-queue", "/board", "/board/dashboard",
               "/board/pack", "/reports/partner-engagement")
#: In Welsh too (with the partner's link and the sign-in page): its catalogue and Babel's Welsh data.
WELSH_PAGES = ("/", "/debriefs/new")
#: The roles of that user: every section of the home page, and every page above.
ROLES = (Role.REVIEWER, Role.OWNER, Role.LEARNING, Role.BOARD, Role.ANALYST)


def warm_up(app: Flask) -> dict[str, float]:
    """Loads, compiles and renders what a worker's first requests would; returns the milliseconds
    each step took (a failed step is logged and left out)."""
    took: dict[str, float] = {}
    for name, step in (("libraries", _libraries), ("templates", _templates), ("pages", _pages),
                       ("repeat index", _repeat_index)):
        started = time.perf_counter()
        try:
            step(app)
        except Exception:  # the worker serves all the same; its first requests pay for this step
            log.warning("Warm-up: the %s step failed; the worker starts without it", name, exc_info=True)
        else:
            took[name] = (time.perf_counter() - started) * 1000
    return took


def _libraries(app: Flask) -> None:
    from debrief.documents import charts
    from debrief.similarity import embed

    embed(["The warm-up's one text"])
    charts.horizontal_bars("Warm-up", ["a"], [("b", [1])])


def _templates(app: Flask) -> None:
    environment = app.jinja_env
    for name in environment.list_templates(filter_func=_page_template):
        environment.get_template(name)


def _page_template(name: str) -> bool:
    """The app's own (templates/), not the packages' GOV.UK components: those the pages use are
    compiled as they render."""
    return name.endswith(".html") and not name.startswith(("govuk_frontend_jinja/", "govuk_frontend_wtf/"))


def _repeat_index(app: Flask) -> None:
    from debrief.services import similarity

    with app.app_context():
        similarity.check("The warm-up's one text")


def _pages(app: Flask) -> None:
    host = app.config.get("SERVER_NAME") or "localhost"
    with _rolled_back(app):
        with app.app_context():
            visitors = _visitors()
        for language, pages in ((DEFAULT, (*STAFF_PAGES, *visitors.records)), ("cy", WELSH_PAGES)):
            partner, staff = _client(app, host, language), _client(app, host, language, signed_in=visitors.secret)
            for client, path, label, expected in (
                    (partner, "/sign-in", "/sign-in", 200),
                    (partner, visitors.partner_link, "a partner's link", visitors.partner_answer),
                    *((staff, path, path, 200) for path in pages)):
                status = client.get(path, base_url=f"https://{host}").status_code
                if status != expected:
                    log.warning("Warm-up: %s answered %s", label, status)


def _client(app: Flask, host: str, language: str, signed_in: str | None = None) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(COOKIE, language, domain=host)
    if signed_in is not None:
        with client.session_transaction(base_url=f"https://{host}") as session:
            session["_user_id"], session["_fresh"] = signed_in, True  # as Flask-Login keeps a sign-in
    return client


@dataclass(frozen=True)
class _Visitors:
    secret: str  # the sign-in of a user holding every role
    partner_link: str
    partner_answer: int  # 200: an invitation's link; 404: an unknown link (no invitation opens)
    records: list[str]  # the newest debrief's and recommendation's pages


def _visitors() -> _Visitors:
    """Made inside the rolled-back transaction: the user and their sign-in, and a new link to the
    newest invitation that still opens."""
    user = User(email=f"warm-up-{secrets.token_hex(8)}@invalid", name="Warm-up", password_hash="!",
                roles=[UserRole(role=role.value) for role in ROLES])
    db.session.add(user)
    secret = sign_ins.start(user)
    token = secrets.token_urlsafe(32)
    changed = db.session.execute(
        sa.update(Invitation).where(Invitation.id == sa.select(sa.func.max(Invitation.id)).where(
            invitations.link_works(utcnow())).scalar_subquery())
        .values(token_hash=hashlib.sha256(token.encode()).hexdigest())).rowcount
    records = [f"/{kind}/{record_id}" for kind, record_id in (
        ("debriefs", db.session.scalar(sa.select(sa.func.max(Debrief.id)))),
        ("recommendations", db.session.scalar(sa.select(sa.func.max(Recommendation.id))))) if record_id]
    db.session.commit()  # releases the savepoint: the rows stay in the transaction rolled back later
    return _Visitors(secret, f"/invite/{token}", 200 if changed else 404, records)


@contextmanager
def _rolled_back(app: Flask) -> Iterator[None]:
    """Every session opened inside joins one transaction through a savepoint, and the transaction is
    rolled back at the end. The app's engine is stood in for by the transaction's connection while it
    lasts (Flask-SQLAlchemy binds its sessions to `db.engines`): before the worker takes traffic,
    when nothing else uses the database."""
    with app.app_context():
        engines = db.engines
        engine = engines[None]
    connection = engine.connect()
    try:
        transaction = connection.begin()
    except Exception:
        connection.close()
        raise
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    engines[None] = connection
    try:
        yield
    finally:
        engines[None] = engine
        db.session.session_factory.kw.pop("join_transaction_mode", None)
        transaction.rollback()
        connection.close()
