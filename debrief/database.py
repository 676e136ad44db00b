"""Database engine settings that the models and services rely on."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from debrief.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000


def configure_database(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


def _configure_postgresql(engine: sa.Engine) -> None:
    """No JIT compilation for the app's connections. Its queries are short, but at national scale
    the planner's estimates for a year of partner engagement or the board's counts cross
    `jit_above_cost`, and compiling then took 570 ms of a 690 ms query (bench/README.md)."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


def _configure_sqlite(engine: sa.Engine) -> None:
    """SQLite, made to behave like the server databases the code is written for.

    - Foreign keys are enforced (SQLite leaves them off by default).
    - Transactions really begin where SQLAlchemy begins them (the pysqlite driver otherwise delays
      BEGIN to the first write, which breaks savepoints), and they begin IMMEDIATE: a request takes
      the write lock up front and waits its turn, instead of failing with "database is locked" when
      two requests that read first both try to write. SQLite is for one team on one machine; this
      costs nothing there and keeps every request atomic.
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
