"""Who may do what. Each rule names the roles that grant it; pages and the API both ask `can`.

Everything not granted here is refused on the server. Rules about a particular record (an owner
acting on *their own* recommendation) live in that record's service and build on these.
"""
from __future__ import annotations

from enum import Enum
from functools import wraps

from flask import abort
from flask_login import current_user

from debrief.extensions import login_manager
from debrief.models import Role, User


class Rule(Enum):
    MANAGE_USERS = frozenset({Role.ADMIN})
    MANAGE_REFERENCE_DATA = frozenset({Role.ADMIN})
    RUN_DEBRIEFS = frozenset({Role.REVIEWER})
    READ_EVERYTHING = frozenset({Role.REVIEWER, Role.BOARD, Role.ANALYST, Role.ADMIN})
    WORK_ON_OWN_ACTIONS = frozenset({Role.OWNER})
    MANAGE_LEARNING_PRODUCTS = frozenset({Role.LEARNING})
    DECIDE_AS_BOARD = frozenset({Role.BOARD})
    ANALYSE = frozenset({Role.ANALYST, Role.BOARD})
    READ_RECOMMENDATIONS = frozenset({Role.REVIEWER, Role.BOARD, Role.ANALYST, Role.ADMIN, Role.LEARNING})
    IMPORT_RECOMMENDATIONS = frozenset({Role.REVIEWER, Role.ADMIN})
    # Death reports hold personal data of the dead: only those who analyse them, and the board
    # that reads the analytical report, see them; administrators may import an extract.
    READ_DEATHS = frozenset({Role.ANALYST, Role.BOARD})
    IMPORT_DEATH_REPORTS = frozenset({Role.ANALYST, Role.ADMIN})
    ANALYSE_DEATHS = frozenset({Role.ANALYST})
    USE_STAFF_API = frozenset(Role)


def can(user: User | None, rule: Rule) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active
                and user.has_role(*rule.value))


def permission_required(rule: Rule):
    """For pages: not signed in goes to the sign-in page; signed in without the role gets a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, rule):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
