"""Throttling: failed attempts counted in the database, so that every worker and every server shares one
count (an in-process counter let 19 of 40 wrong passwords through four workers against a limit of 5).

What is counted is failures, never successes: a wrong password, an unknown invitation link. The keys
decide who is slowed down, and they are chosen so that a stranger cannot lock anyone out:

- signing in: failures for one account *from one address*, plus a looser limit for one address across
  all accounts (a police station may reach the service from one address). A person typing their
  password correctly from another address is never held up by someone hammering their account.
- invitation links: unknown links from one address. A real link always opens, even from an address
  that has tried too many wrong ones (it is the link's 256-bit secret that keeps strangers out; the
  limit only slows down anyone trying).

Limits are written as Flask-Limiter wrote them: "5 per minute;20 per hour".
"""
from __future__ import annotations

import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import ngettext

from debrief.extensions import db
from debrief.models import FailedAttempt, utcnow
from debrief.services import accounts
from debrief.services.errors import RuleBroken

#: The settings that hold limits, checked when the app starts.
LIMIT_SETTINGS = ("SIGN_IN_RATE_LIMIT", "SIGN_IN_ADDRESS_RATE_LIMIT", "INVITE_WRONG_LINK_LIMIT")

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_LIMIT = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta


@lru_cache(maxsize=32)
def parse_limits(text: str) -> tuple[Limit, ...]:
    """'5 per minute;20 per hour' as limits. ValueError names what could not be read."""
    limits = []
    for part in filter(str.strip, re.split(r"[;,]", text)):
        match = _LIMIT.match(part)
        if not match or int(match[1]) < 1:
            raise ValueError(f"'{part.strip()}' is not a limit. Write limits like '5 per minute;20 per hour'.")
        seconds = int(match[2] or 1) * _UNITS[match[3].lower()]
        limits.append(Limit(int(match[1]), timedelta(seconds=seconds)))
    if not limits:
        raise ValueError(f"'{text}' holds no limit. Write limits like '5 per minute;20 per hour'.")
    return tuple(limits)


class TooManyAttempts(RuleBroken):
    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(_wait_message(retry_after))


def _wait_message(seconds: int) -> str:
    """"... Wait 2 minutes, then try again.", in the reader's language."""
    if seconds <= 90 * 60:
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext("You have tried too many times in a short period. Wait %(num)d minute, then try again.",
                        "You have tried too many times in a short period. Wait %(num)d minutes, then try again.",
                        minutes)
    hours = math.ceil(seconds / 3600)
    return ngettext("You have tried too many times in a short period. Wait %(num)d hours, then try again.",
                    "You have tried too many times in a short period. Wait %(num)d hours, then try again.", hours)


@dataclass
class Attempt:
    """An attempt let through, already counted as a failure (see `attempt`)."""

    ids: list[int]

    def succeeded(self) -> None:
        """It was not a failure after all: take it out of the count (committed with the request)."""
        if self.ids:
            db.session.execute(sa.delete(FailedAttempt).where(FailedAttempt.id.in_(self.ids)))
            self.ids = []


def attempt(limits_by_key: dict[str, str]) -> Attempt:
    """Let one attempt through, or raise TooManyAttempts (with the seconds to wait) if it would be one
    failure too many under any key's limits.

    The attempt is counted as a failure *before* it is judged, and committed, and only then are the
    counts read: two workers judging at the same moment each see the other's attempt, so together
    they never let more through than the limit (a check-then-count would let each one through).
    A success takes its rows out again (`Attempt.succeeded`); a refused attempt is not counted, so
    waiting the time given is always enough. Commits the session: call it before the request
    changes anything.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not limits_by_key:
        return Attempt([])
    now = utcnow()
    limits = {_digest(key): parse_limits(text) for key, text in limits_by_key.items()}
    rows = [FailedAttempt(key=digest, at=now) for digest in limits]
    db.session.add_all(rows)
    db.session.flush()
    mine = {row.id for row in rows}
    _prune(now)
    db.session.commit()
    wait = max(_wait(digest, key_limits, mine, now) for digest, key_limits in limits.items())
    if wait:
        db.session.execute(sa.delete(FailedAttempt).where(FailedAttempt.id.in_(mine)))
        db.session.commit()
        raise TooManyAttempts(wait)
    return Attempt(sorted(mine))


def _wait(digest: str, limits: tuple[Limit, ...], mine: set[int], now: datetime) -> int:
    """Seconds until an attempt under this key would be let through; 0 if this one may go."""
    since = now - max(limit.window for limit in limits)
    found = db.session.execute(sa.select(FailedAttempt.id, FailedAttempt.at)
                               .where(FailedAttempt.key == digest, FailedAttempt.at > since)
                               .order_by(FailedAttempt.at)).all()
    others = [at for id_, at in found if id_ not in mine]
    wait = 0.0
    for limit in limits:
        in_window = [at for at in others if at > now - limit.window]
        if len(in_window) + 1 > limit.count:
            # Let through again once enough of the others have left the window to leave room for one.
            freed_at = in_window[len(in_window) - limit.count] + limit.window
            wait = max(wait, (freed_at - now).total_seconds())
    return max(1, math.ceil(wait)) if wait else 0


def _prune(now: datetime) -> None:
    """Rows no limit looks at any more. One indexed delete, usually of nothing."""
    longest = max(limit.window for name in LIMIT_SETTINGS for limit in parse_limits(current_app.config[name]))
    db.session.execute(sa.delete(FailedAttempt).where(FailedAttempt.at < now - longest))


def _digest(key: str) -> str:
    """A keyed digest: the table holds no email or IP address, and a copy of it cannot be searched for one."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), key.encode(), hashlib.sha256).hexdigest()


# The policies ----------------------------------------------------------------------------------------


def sign_in_attempt(email: str, address: str | None) -> Attempt:
    """A sign-in attempt: failures for this account from this address, and from this address overall."""
    account = accounts.normalise_email(email)
    address = address or "unknown"
    return attempt({
        f"sign-in:account:{account}:address:{address}": current_app.config["SIGN_IN_RATE_LIMIT"],
        f"sign-in:address:{address}": current_app.config["SIGN_IN_ADDRESS_RATE_LIMIT"],
    })


def wrong_invitation_link(address: str | None) -> None:
    """An unknown invitation link was tried from this address: counted, or TooManyAttempts."""
    attempt({f"invite:address:{address or 'unknown'}": current_app.config["INVITE_WRONG_LINK_LIMIT"]})
