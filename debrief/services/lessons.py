"""Lessons: what a debrief learned, from the police's own review or from a partner's contribution."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l

from debrief.extensions import db
from debrief.models import Contribution, Debrief, Invitation, Lesson, LessonCategory, Theme, User
from debrief.services import audit
from debrief.services import validation as check
from debrief.services.errors import Conflict, ValidationFailed
from debrief.services.pagination import MAX_PER_PAGE, Page, paginate


def add(debrief: Debrief, *, text: str | None, category: str | None, themes: list[str] | None = None,
        contribution_id: int | None = None, actor: User) -> Lesson:
    """A lesson; with `contribution_id`, one taken from a partner's contribution to this debrief,
    kept linked to it. Its text defaults to the partner's learning."""
    errors: dict[str, str] = {}
    contribution = None
    if contribution_id is not None:
        contribution = db.session.scalar(
            sa.select(Contribution).join(Contribution.invitation)
            .where(Contribution.id == contribution_id, Invitation.debrief_id == debrief.id))
        if contribution is None:
            errors["contribution_id"] = _("Choose a contribution made to this debrief")
        elif db.session.scalar(sa.select(Lesson.id).where(Lesson.contribution_id == contribution.id)):
            raise Conflict("duplicate", _("That contribution is already a lesson."),
                           {"contribution_id": _("That contribution is already a lesson")})
        elif not (text or "").strip():
            text = contribution.learning
    text = check.text(text, "text", errors, label=_l("what was learned"), required=True,
                      max_length=check.LIMITS["lesson.text"])
    category = check.choice(category, "category", errors, LessonCategory, label=_l("a category"), required=True)
    chosen: list[str] = []
    for theme in themes or []:
        if check.choice(theme, "themes", errors, Theme, label=_l("themes")) and theme not in chosen:
            chosen.append(theme)
    if errors:
        raise ValidationFailed(errors)
    lesson = Lesson(debrief_id=debrief.id, text=text, category=category, themes=sorted(chosen),
                    contribution_id=contribution.id if contribution else None, created_by_id=actor.id)
    db.session.add(lesson)
    db.session.flush()
    audit.record(actor, "lesson_added", "lesson", lesson.id,
                 {"text": text, "category": category, "from_contribution": lesson.contribution_id},
                 debrief_id=debrief.id)
    return lesson


def of_debrief(debrief: Debrief, page: int = 1, per_page: int = MAX_PER_PAGE) -> Page:
    return paginate(sa.select(Lesson).where(Lesson.debrief_id == debrief.id).order_by(Lesson.id), page, per_page)
