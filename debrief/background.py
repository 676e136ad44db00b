"""Work a request hands over to a thread of its own web process, to be done after it has answered:
sending the email it queued (services/notifications.py), computing the vectors of the
recommendations it imported (services/similarity.py).

The work itself is always stored first, in the same transaction as the change that made it, so a
thread is only a shortcut: what it has not done when the process stops is still in the database,
and the scheduler's job for it does it.
"""
from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable

from flask import Flask

from debrief.extensions import db

log = logging.getLogger(__name__)


class HandOverThread:
    """One thread per web process, started by the first hand-over (so under gunicorn it starts in
    each worker, never in the master before the fork), with its own app context and database
    session. `work` is called with everything handed over since its last call; a failure is logged
    and rolled back (the stored work waits for the scheduler)."""

    def __init__(self, app: Flask, name: str, work: Callable[[list], object]):
        self.app = app
        self.name = name
        self.work = work
        self._start()
        _threads.add(self)

    def _start(self) -> None:
        self._pid = os.getpid()
        self._ready = threading.Condition()
        self._waiting: list = []
        self._busy = False
        self._thread: threading.Thread | None = None

    def hand_over(self, items: list) -> None:
        if self._pid != os.getpid():  # a forked copy: the parent's thread and lock are not ours
            self._start()
        with self._ready:
            self._waiting.extend(items)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._ready.notify()

    def _run(self) -> None:
        while True:
            with self._ready:
                self._busy = False
                self._ready.notify_all()
                self._ready.wait_for(lambda: self._waiting)
                items, self._waiting, self._busy = self._waiting, [], True
            with self.app.app_context():
                try:
                    self.work(items)
                except Exception:
                    db.session.rollback()
                    log.exception("%s after a request failed; the work stays stored for the scheduler", self.name)
                finally:
                    db.session.remove()

    def wait_until_idle(self, timeout: float) -> bool:
        """Until everything handed over has been tried (tests, and a process that is stopping)."""
        if self._pid != os.getpid():
            return True
        with self._ready:
            return self._ready.wait_for(lambda: not self._waiting and not self._busy, timeout)


_threads: weakref.WeakSet[HandOverThread] = weakref.WeakSet()


def wait_until_idle(timeout: float = 60, *, name: str | None = None) -> bool:
    """Until every hand-over thread of this process (or those called `name`) has tried what it was
    handed."""
    return all(thread.wait_until_idle(timeout) for thread in list(_threads) if name in (None, thread.name))
