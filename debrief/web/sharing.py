"""Sharing with the national library, in the browser (issue 25): a reviewer's "Share with the national
library" button on a lesson or recommendation makes a draft; its page shows the anonymised text with
each redaction highlighted, for the reviewer to edit and a board member to approve or withdraw; the
force's shared learning with what other forces did with it; and the library's search."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput

from debrief.extensions import db
from debrief.models import DraftStatus, LibraryDraft
from debrief.permissions import Rule, can, permission_required
from debrief import vocabulary
from debrief.services import library, library_client, library_pull, reference_data, sharing, validation
from debrief.services.errors import PersonalData, RuleBroken, ValidationFailed
from debrief.vocabulary import PERSONAL_DATA, words
from debrief.web.fields import CharacterCount, prose_field
from debrief.web.forms import ConfirmForm, save, show_rule_errors
from debrief.web.library_search import PER_PAGE, search_form, with_forces
from wtforms import SubmitField

sharing_bp = Blueprint("sharing", __name__, url_prefix="/shared-learning")


class DraftForm(FlaskForm):
    text = prose_field(_l("What is shared"), "lesson.text",
                       description=_l("Personal data is taken out again when you save. Keep roles, "
                                      "organisations, towns and dates: they make the learning useful."))
    submit = SubmitField(_l("Save and check again"), widget=GovSubmitInput())


@sharing_bp.app_context_processor
def sharing_buttons():
    """Whether the person sees "Share with the national library" on lessons and recommendations."""
    return {"may_share_with_library": can(current_user, Rule.SHARE_WITH_LIBRARY)}


def segments(draft: LibraryDraft) -> list[tuple[str, str | None]]:
    """The draft's text in pieces: (text, None) as written, (text, kind's words) for each redaction."""
    pieces, at = [], 0
    for redaction in sorted(draft.redactions, key=lambda r: r["start"]):
        start, end = max(redaction["start"], at), redaction["end"]
        if start >= end:
            continue
        pieces.append((draft.text[at:start], None))
        pieces.append((draft.text[start:end], words(PERSONAL_DATA, redaction.get("kind"))))
        at = end
    pieces.append((draft.text[at:], None))
    return [piece for piece in pieces if piece[0]]


@sharing_bp.route("/drafts", methods=["POST"])
@permission_required(Rule.SHARE_WITH_LIBRARY)
def new_draft():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(request.referrer or url_for("sharing.shared"))
    lesson_id = validation.typed_id(request.form.get("lesson_id"))
    recommendation_id = validation.typed_id(request.form.get("recommendation_id"))
    try:
        draft = sharing.make_draft(lesson_id=lesson_id, recommendation_id=recommendation_id, actor=current_user)
    except RuleBroken as error:
        db.session.rollback()
        flash(" ".join(error.fields.values()) or error.message, "error")
        return redirect(url_for("sharing.shared"))
    db.session.commit()
    return redirect(url_for("sharing.draft", draft_id=draft.id))


@sharing_bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@permission_required(Rule.READ_EVERYTHING)
def draft(draft_id: int):
    record = sharing.get(draft_id)
    form = DraftForm(text=record.text)
    form.text.widget = CharacterCount(sharing.text_limit(record))  # a recommendation's draft is shorter
    may_edit = can(current_user, Rule.SHARE_WITH_LIBRARY) and record.status == DraftStatus.DRAFT
    status = 200
    if request.method == "POST":
        if not can(current_user, Rule.SHARE_WITH_LIBRARY):
            abort(403)
        if form.validate_on_submit():
            done, _result = save(form, lambda: sharing.edit(record, text=form.text.data, actor=current_user))
            if done:
                flash(_("Saved and checked again for personal data."), "success")
                return redirect(url_for("sharing.draft", draft_id=record.id))
        status = 400
    return render_template("sharing/draft.html", title=_("Draft for the national library"), draft=record,
                           segments=segments(record), form=form, may_edit=may_edit, confirm=ConfirmForm(),
                           may_decide=can(current_user, Rule.APPROVE_FOR_LIBRARY),
                           incident_types=reference_data.incident_type_words()), status


@sharing_bp.route("/drafts/<int:draft_id>/approve", methods=["POST"])
@permission_required(Rule.APPROVE_FOR_LIBRARY)
def approve(draft_id: int):
    return _decide(draft_id, sharing.approve)


@sharing_bp.route("/drafts/<int:draft_id>/withdraw", methods=["POST"])
@permission_required(Rule.APPROVE_FOR_LIBRARY)
def withdraw(draft_id: int):
    return _decide(draft_id, sharing.withdraw)


def _decide(draft_id: int, action):
    record = sharing.get(draft_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("sharing.draft", draft_id=record.id))
    try:
        action(record, actor=current_user)
        db.session.commit()
        record = sharing.send_now(record)
    except PersonalData as error:
        flash(error.message, "error")
    except RuleBroken as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash({DraftStatus.PUBLISHED: _("Published in the national library."),
               DraftStatus.QUEUED: _("Approved. The national library cannot be reached just now: it is sent as soon "
                                     "as it can be, and nothing is lost."),
               DraftStatus.WITHDRAWN: _("Withdrawn. Other forces' next pull removes it.")}.get(record.status, ""),
              "success")
    return redirect(url_for("sharing.draft", draft_id=record.id))


@sharing_bp.route("")
@permission_required(Rule.READ_EVERYTHING)
def shared():
    """What the force shared, with what other forces did with it as the last pull heard: the library is
    not asked here, so a library that is slow or down never slows this page."""
    return render_template("sharing/shared.html", title=_("Shared with the national library"),
                           drafts=sharing.drafts().items, as_of=sharing.uses_as_of(), last_pull=library_pull.last())


@sharing_bp.route("/library")
@permission_required(Rule.READ_RECOMMENDATIONS)
def search():
    """The library's search over its API. A bad value: 400 with the error summary, and nothing searched.
    The library not answering, or refusing: a 200 that says so in this force's words, never the
    library's."""
    form, incident_types = search_form()
    result, scores, asked, problem, status = None, {}, None, None, 200
    try:
        asked = library.read_page_search(request.args, per_page=PER_PAGE)
    except ValidationFailed as error:
        show_rule_errors(form, error)
        status = 400
    try:
        with_forces(form, sharing.library_forces())
        if asked is not None:
            result, scores = sharing.search_library(asked)
    except library_client.Unreachable:
        problem = _("The national library cannot be reached just now, so nothing could be searched. "
                    "Try again later.")
    except library_client.Refused:
        problem = _("The national library could not answer this search. Try again, or change what you asked.")
    return render_template("sharing/search.html", title=_("Search the national library"), form=form,
                           result=result, scores=scores, asked=asked, problem=problem,
                           incident_types=incident_types, words=vocabulary), status
