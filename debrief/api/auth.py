"""Bearer-token authentication and role checks for the API."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, request
from flask_babel import gettext as _

from debrief.api import api
from debrief.extensions import db
from debrief.models import User
from debrief.permissions import Rule, can
from debrief.services import accounts


def bearer_token() -> str | None:
    """The token of the request's `Authorization: Bearer <token>` header, if it has one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def bearer_user() -> User | None:
    """The user the request's bearer token belongs to. Commits nothing: the view's work is the
    request's one transaction, and the token's last use is written after it (`_record_token_use`)."""
    token = bearer_token()
    if token is None:
        return None
    use = accounts.user_for_token(token)
    if use is None:
        return None
    if use.worth_recording:
        g.token_to_record = use.token_id
    return use.user


@api.after_request
def _record_token_use(response):
    """At the request's edge, after the view has committed what it meant to (or failed): the token's
    last use, in a commit of its own. Whatever the view left uncommitted is dropped first, as the end
    of the request would drop it, so a view that failed half-way still leaves nothing half-done."""
    token_id = g.pop("token_to_record", None)
    if token_id is not None:
        db.session.rollback()
        accounts.record_token_use(token_id)
        db.session.commit()
    return response


def api_permission(rule: Rule):
    """No or bad token: 401. A token whose user lacks the role: 403. Sets `g.actor`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = bearer_user()
            if user is None:
                abort(401, _("Send a valid API token as 'Authorization: Bearer <token>'."))
            if not can(user, rule):
                abort(403, _("Your role does not allow this."))
            g.actor = user
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body() -> dict:
    """The request's JSON object, or a 400 that says the body is not JSON."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, _("The request body must be a JSON object."))
    return data
