"""The scheduler as its own process (issue 7): `flask jobs run` stops cleanly on SIGTERM, and of two
only one acts (a PostgreSQL advisory lock, or a file lock on SQLite); the other waits as a standby
and takes over when the first dies. These start real processes on the test database."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
ACTING = "acting as the scheduler"
RAN = "Job reminders done"


class Scheduler:
    def __init__(self, log: Path, env: dict[str, str]) -> None:
        self.log = log
        self._file = log.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"], cwd=ROOT,
                                        env=env, stdout=self._file, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the process said:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self._file.close()


@pytest.fixture
def start(database_url, mail_server, tmp_path) -> Iterator:
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": TEST_SECRET_KEY, "DATABASE_URL": database_url,
           "SCHEDULER_ENABLED": "1", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_server.port),
           "PYTHONUNBUFFERED": "1"}
    started: list[Scheduler] = []

    def start_one() -> Scheduler:
        scheduler = Scheduler(tmp_path / f"scheduler-{len(started)}.log", env)
        started.append(scheduler)
        return scheduler

    yield start_one
    for scheduler in started:
        scheduler.stop()


def test_sigterm_stops_the_scheduler_cleanly(app, start):
    scheduler = start()
    scheduler.wait_for(RAN)
    scheduler.process.send_signal(signal.SIGTERM)
    assert scheduler.process.wait(20) == 0
    output = scheduler.output()
    assert "SIGTERM received" in output and "stopped" in output and "Traceback" not in output


def test_of_two_schedulers_one_acts_and_the_other_takes_over_when_it_dies(app, start, runner):
    first = start()
    first.wait_for(RAN)
    second = start()
    second.wait_for("standby")
    time.sleep(3)  # the standby polls every two seconds: it keeps waiting, and runs nothing
    assert RAN not in second.output() and ACTING not in second.output()

    refused = runner.invoke(args=["jobs", "tick"])  # by hand, while a scheduler acts: refused
    assert refused.exit_code == 1 and "A scheduler is running" in refused.output

    first.process.kill()  # dies without releasing anything: the lock goes with its connection or process
    first.process.wait(10)
    second.wait_for(ACTING, timeout=20)
    second.wait_for(RAN)
    second.process.send_signal(signal.SIGINT)
    assert second.process.wait(20) == 0


def test_a_standby_stops_cleanly_too(app, start):
    first = start()
    first.wait_for(ACTING)
    second = start()
    second.wait_for("standby")
    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(20) == 0
    assert "stopped (standby)" in second.output()
