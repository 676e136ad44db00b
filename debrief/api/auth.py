"""Bearer-token authentication and role checks for the API."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, request

from debrief.extensions import db
from debrief.models import User
from debrief.permissions import Rule, can
from debrief.services import accounts


def bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = accounts.user_for_token(token.strip())
    if user is not None and db.session.dirty:
        db.session.commit()  # the token's last use
    return user


def api_permission(rule: Rule):
    """No or bad token: 401. A token whose user lacks the role: 403. Sets `g.actor`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = bearer_user()
            if user is None:
                abort(401, "Send a valid API token as 'Authorization: Bearer <token>'.")
            if not can(user, rule):
                abort(403, "Your role does not allow this.")
            g.actor = user
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body() -> dict:
    """The request's JSON object, or a 400 that says the body is not JSON."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "The request body must be a JSON object.")
    return data
