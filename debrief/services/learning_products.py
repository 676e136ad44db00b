"""Learning products: how a recommendation's learning reaches people (training, briefings, guidance)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l

from debrief import permissions
from debrief.extensions import db
from debrief.i18n import number
from debrief.models import LearningProduct, Recommendation, User
from debrief.services import audit
from debrief.services import recommendation_lifecycle as lifecycle
from debrief.services import validation as check
from debrief.services.errors import Conflict, NotAllowed, ValidationFailed
from debrief.services.recommendations import refuse_unless_open_here, today
from debrief.vocabulary import PRODUCT_STATUS_IN_SENTENCE, words

AUDIENCES = ("response", "neighbourhood", "public_protection", "call_handling", "investigation", "custody",
             "supervisors", "partners")
STATUSES = ("planned", "in_development", "delivered", "evaluated")


def _count(value, field: str, errors: dict[str, str], problem: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        errors[field] = problem
        return None
    return value


def add(recommendation: Recommendation, *, kind: str | None, title: str | None, audience: list[str] | None,
        target_count: int | None = None, actor: User) -> LearningProduct:
    if not permissions.may_manage_products(actor, recommendation):
        raise NotAllowed(_("Only the learning team, a reviewer or this recommendation's owner can add products."))
    refuse_unless_open_here(recommendation)
    errors: dict[str, str] = {}
    kind = check.choice(kind, "kind", errors, set(lifecycle.PRODUCT_KINDS), label=_l("the kind of product"), required=True)
    title = check.text(title, "title", errors, label=_l("a title"), required=True,
                       max_length=check.LIMITS["product.title"], single_line=True)
    chosen = []
    for group in audience or []:
        if check.choice(group, "audience", errors, set(AUDIENCES), label=_l("the audience")) and group not in chosen:
            chosen.append(group)
    if not chosen and "audience" not in errors:
        errors["audience"] = _("Select who the product is for")
    target = _count(target_count, "target_count", errors,
                    _("The number of people to reach must be a whole number from 0 to %(most)s", most=number(1_000_000)))
    if errors:
        raise ValidationFailed(errors)
    product = LearningProduct(recommendation=recommendation, kind=kind, title=title, audience=chosen,
                              target_count=target, status="planned", created_by_id=actor.id)
    db.session.add(product)
    db.session.flush()
    audit.record(actor, "product_added", "learning_product", product.id,
                 {"recommendation": recommendation.reference, "kind": kind, "title": title},
                 debrief_id=recommendation.debrief_id)
    return product


def update(product: LearningProduct, *, status: str | None = None, delivered_on: date | None = None,
           reached_count: int | None = None, evidence: str | None = None, actor: User,
           format_errors: dict[str, str] | None = None) -> LearningProduct:
    recommendation = product.recommendation
    if not permissions.may_manage_products(actor, recommendation):
        raise NotAllowed(_("Only the learning team, a reviewer or this recommendation's owner can change products."))
    errors: dict[str, str] = dict(format_errors or {})
    before = {"status": product.status, "delivered_on": product.delivered_on.isoformat() if product.delivered_on else None,
              "reached_count": product.reached_count, "evidence": product.evidence}
    if status is not None and status != product.status:
        if status not in STATUSES:
            errors["status"] = _("The status must be one of %(statuses)s", statuses=", ".join(STATUSES))
        elif not lifecycle.product_can_move(product.status, status):
            raise Conflict("invalid_transition", _("A product cannot go from %(before)s to %(after)s.",
                                                   before=words(PRODUCT_STATUS_IN_SENTENCE, product.status),
                                                   after=words(PRODUCT_STATUS_IN_SENTENCE, status)))
    target_status = status or product.status
    if delivered_on is not None and delivered_on > today():
        errors["delivered_on"] = _("The delivery date must be today or in the past")
    if target_status in ("delivered", "evaluated") and (delivered_on or product.delivered_on) is None:
        errors.setdefault("delivered_on", _("Enter the date it was delivered"))
    reached = _count(reached_count, "reached_count", errors,
                     _("The number of people reached must be a whole number from 0 to %(most)s", most=number(1_000_000)))
    evidence = check.text(evidence, "evidence", errors, label=_l("the evidence"),
                          max_length=check.LIMITS["product.evidence"]) if evidence is not None else None
    if errors:
        raise ValidationFailed(errors)
    product.status = target_status
    if delivered_on is not None:
        product.delivered_on = delivered_on
    if reached_count is not None:
        product.reached_count = reached
    if evidence is not None:
        product.evidence = evidence
    after = {"status": product.status, "delivered_on": product.delivered_on.isoformat() if product.delivered_on else None,
             "reached_count": product.reached_count, "evidence": product.evidence}
    if changes := audit.changed(before, after):
        audit.record(actor, "product_updated", "learning_product", product.id,
                     {"recommendation": recommendation.reference, **changes}, debrief_id=recommendation.debrief_id)
    return product


def get(product_id: int) -> LearningProduct | None:
    return db.session.get(LearningProduct, product_id)
