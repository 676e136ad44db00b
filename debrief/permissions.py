"""Who may do what. Each rule names the roles that grant it; pages and the API both ask `can`.

Everything not granted here is refused on the server. The rules about one particular record (an
owner acting on *their own* recommendation) are here too, below `can`, built on the same rules: the
pages, the API, the services and the repeat check all ask them, and nothing else decides.

A recommendation that exists but is not the person's to read is answered as if it did not exist
(404, on the pages and the API alike): an owner learns nothing about other people's
recommendations, not even which ids are taken. Someone who may read it but not do what they
asked is refused (403).
"""
from __future__ import annotations

from enum import Enum
from functools import wraps

import sqlalchemy as sa

from flask import abort
from flask_login import current_user

from debrief.extensions import login_manager
from debrief.models import BoardDecision, Recommendation, Role, User
from debrief.services.recommendation_lifecycle import Status


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
    # Reword, reassign or re-date a recommendation: a reviewer writes them, the board may reword them.
    WRITE_RECOMMENDATIONS = frozenset({Role.REVIEWER, Role.BOARD})
    # The learning team and reviewers manage any recommendation's learning products (owners their own).
    MANAGE_ANY_PRODUCTS = frozenset({Role.LEARNING, Role.REVIEWER})
    DECIDE_REPEATS = frozenset({Role.REVIEWER})
    # Death reports hold personal data of the dead: only those who analyse them, and the board
    # that reads the analytical report, see them; administrators may import an extract.
    READ_DEATHS = frozenset({Role.ANALYST, Role.BOARD})
    IMPORT_DEATH_REPORTS = frozenset({Role.ANALYST, Role.ADMIN})
    ANALYSE_DEATHS = frozenset({Role.ANALYST})
    USE_STAFF_API = frozenset(Role)
    # Learning across forces (issue 25): a reviewer drafts what the force shares with the national
    # library; only a board member lets it leave (or takes it back).
    SHARE_WITH_LIBRARY = frozenset({Role.REVIEWER})
    APPROVE_FOR_LIBRARY = frozenset({Role.BOARD})
    # At the national library (LIBRARY_MODE): its staff search it and see each force's contributions.
    LIBRARY_STAFF = frozenset(Role)


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def can(user: User | None, rule: Rule) -> bool:
    return _signed_in(user) and user.has_role(*rule.value)


# Record rules: one recommendation ---------------------------------------------------------------


def owns(user: User | None, recommendation: Recommendation) -> bool:
    """The person is this recommendation's owner, and holds the owner role that lets them act on it."""
    return (can(user, Rule.WORK_ON_OWN_ACTIONS) and recommendation.owner_id is not None
            and recommendation.owner_id == user.id)


def is_escalated_to(user: User | None, recommendation: Recommendation) -> bool:
    """The board escalated this recommendation to this person (a senior officer): they may read it."""
    return _signed_in(user) and any(decision.decision == "escalate" and decision.escalated_to_id == user.id
                                    for decision in recommendation.decisions)


def may_read_recommendation(user: User | None, recommendation: Recommendation) -> bool:
    """Staff who read every recommendation, the owner of this one, and whoever the board escalated it to."""
    return (can(user, Rule.READ_RECOMMENDATIONS) or owns(user, recommendation)
            or is_escalated_to(user, recommendation))


def readable_recommendations(user: User | None):
    """SQL twin of `may_read_recommendation`: a condition on Recommendation, or None where the
    person may read them all."""
    if can(user, Rule.READ_RECOMMENDATIONS):
        return None
    if not _signed_in(user):
        return sa.false()
    escalated = sa.exists().where(BoardDecision.recommendation_id == Recommendation.id,
                                  BoardDecision.decision == "escalate", BoardDecision.escalated_to_id == user.id)
    if can(user, Rule.WORK_ON_OWN_ACTIONS):
        return sa.or_(Recommendation.owner_id == user.id, escalated)
    return escalated


def may_edit_recommendation(user: User | None, recommendation: Recommendation) -> bool:
    """Reword, reassign or re-date it (nobody may once it is closed: the service says so in its own words)."""
    return can(user, Rule.WRITE_RECOMMENDATIONS)


def may_add_update(user: User | None, recommendation: Recommendation) -> bool:
    """Progress and evidence: its owner or the board, while it is not closed."""
    return recommendation.status != Status.CLOSED and (owns(user, recommendation)
                                                        or can(user, Rule.DECIDE_AS_BOARD))


def may_manage_products(user: User | None, recommendation: Recommendation) -> bool:
    """Its learning products: the learning team and reviewers on any recommendation, the owner on their own."""
    return can(user, Rule.MANAGE_ANY_PRODUCTS) or owns(user, recommendation)


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
