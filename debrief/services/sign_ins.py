"""Sign-in sessions, kept on the server: signing out ends one at once, even in a copy of its cookie.

Each sign-in gets a random secret. The browser's (signed) session cookie carries it as Flask-Login's
user id; the database keeps only its SHA-256 digest, with who signed in, when, and when it ended. Every
request finds its user through one indexed lookup of that digest (users and roles joined); a sign-in
that was ended, has outlived SESSION_HOURS, or belongs to a deactivated user signs nobody in.
A password change or a deactivation ends all of a user's sign-ins (services/accounts.py).
"""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from debrief.extensions import db
from debrief.models import SignInSession, User, utcnow


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(user: User) -> str:
    """A new sign-in for the user; its secret is set on the user for Flask-Login's `login_user`."""
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    db.session.add(SignInSession(user=user, secret_hash=_digest(secret), created_at=now))
    # Sign-ins past their lifetime sign nobody in; forget them (an indexed delete, usually of a few).
    db.session.execute(sa.delete(SignInSession)
                       .where(SignInSession.created_at < now - current_app.permanent_session_lifetime))
    user.sign_in_secret = secret
    return secret


def user_for_session(secret: str) -> User | None:
    """Flask-Login's loader: the user behind a session cookie's secret, if that sign-in still holds."""
    record = db.session.scalar(
        sa.select(SignInSession).where(SignInSession.secret_hash == _digest(secret))
        .options(joinedload(SignInSession.user).joinedload(User.roles)))
    if record is None or record.ended_at is not None or not record.user.active:
        return None
    if record.created_at <= utcnow() - current_app.permanent_session_lifetime:
        return None
    record.user.sign_in_secret = secret
    return record.user


def end(user: User) -> None:
    """Signing out: the sign-in this user object came through ends, everywhere its cookie was copied."""
    if user.sign_in_secret is not None:
        db.session.execute(sa.update(SignInSession)
                           .where(SignInSession.secret_hash == _digest(user.sign_in_secret),
                                  SignInSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))


def end_all(user: User) -> None:
    """Every sign-in the user has ends (a new password, a deactivation)."""
    db.session.execute(sa.update(SignInSession)
                       .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))
