"""Only one scheduler acts. On PostgreSQL it holds a session advisory lock on a connection of its
own; the server drops the lock the moment that connection or process dies, and a standby polling
for it takes over. On SQLite a file lock beside the database file does the same on one host.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import filelock
import sqlalchemy as sa
from sqlalchemy.engine import Engine

# One key for "the scheduler" (advisory locks are per database).
LOCK_KEY = zlib.crc32(b"rapid-debrief scheduler")


class Leadership:
    def try_acquire(self) -> bool:
        raise NotImplementedError

    def still_held(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError


class AdvisoryLock(Leadership):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: sa.Connection | None = None

    def try_acquire(self) -> bool:
        if self._connection is None:
            self._connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            if self._connection.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}):
                return True
        except sa.exc.DBAPIError:
            self._drop_connection()
            raise
        return False

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            return bool(self._connection.scalar(sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key "
                "AND pid = pg_backend_pid() AND granted"), {"key": LOCK_KEY}))
        except sa.exc.DBAPIError:
            self._drop_connection()
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            except sa.exc.DBAPIError:
                pass  # the connection is gone, and the lock with it
            self._drop_connection()

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.invalidate()
            self._connection.close()
            self._connection = None


class FileLeadership(Leadership):
    def __init__(self, path: Path) -> None:
        self._lock = filelock.FileLock(str(path), thread_local=False)  # checked from the scheduler's threads

    def try_acquire(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            return False
        return True

    def still_held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


def for_engine(engine: Engine, instance_path: str) -> Leadership:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    database = engine.url.database
    if database and database != ":memory:":
        return FileLeadership(Path(database).with_name(Path(database).name + ".scheduler.lock"))
    return FileLeadership(Path(instance_path) / "scheduler.lock")
