"""Lessons and recommendations in the browser: writing them on a debrief, the recommendation's page,
its lifecycle (respond, ask for closure, close, reject, extend, escalate), its learning products,
editing it without losing anyone's changes, and repeats: the earlier recommendations like the one being
written (as the author types, or on saving without JavaScript) and a reviewer's confirmation or dismissal.

Which moves a person may make is the lifecycle's to say (`recommendations.allowed_moves`); these views
only offer what it allows and show the services' refusals on the form."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from debrief import permissions
from debrief.errors import api_error
from debrief.extensions import db
from debrief.models import Debrief, LearningProduct, Recommendation
from debrief.permissions import Rule, can, permission_required
from debrief.services import (
    accounts, clocks, learning_products, lessons, library_pull, recommendations, repeats, similarity, validation,
)
from debrief.services import recommendation_lifecycle as lifecycle
from debrief.services.errors import Conflict, NotAllowed, RuleBroken, ValidationFailed
from debrief.web.debriefs import debrief_or_404
from debrief.web.fields import date_problem
from debrief.web.forms import save, show_rule_errors
from debrief.history import describe, field_name, value_in_words
from debrief.i18n import long_date
from debrief.vocabulary import CLOSURE_CODE, PRODUCT_STATUS, PRODUCT_STATUS_IN_SENTENCE, STATUS, STATUS_IN_SENTENCE, words
from debrief.web.learning_words import STATUS_TAG, WORDS
from debrief.web.recommendation_forms import (
    CloseForm, EditRecommendationForm, EscalateForm, ExtendForm, LessonForm, NoteForm, ProductForm,
    ProductProgressForm, RationaleForm, RecommendationForm, UpdateForm,
)

recommendations_bp = Blueprint("recommendations", __name__)

Status = lifecycle.Status


@recommendations_bp.app_context_processor
def learning_words():
    return {"words": WORDS}


# Reading what was posted --------------------------------------------------------------------------


def _whole_number(raw: str | None):
    """A whole number typed in a box: None when blank, an int when it is one; anything else is passed
    on as typed, for the service to refuse in its own words."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else raw


def _ids(values) -> list:
    return [_whole_number(value) for value in values or [] if (value or "").strip()]


# Finding records and saying who may do what -------------------------------------------------------


def _readable(recommendation_id: int) -> Recommendation:
    """The recommendation, if this person may read it; otherwise a 404, as if it did not exist
    (permissions.py: one answer for "exists, not yours", the API's too)."""
    record = recommendations.get(recommendation_id)
    if record is None or not permissions.may_read_recommendation(current_user, record):
        abort(404)
    return record


def _page(record: Recommendation, anchor: str | None = None):
    return redirect(url_for("recommendations.show", recommendation_id=record.id, _anchor=anchor))


def _lessons_of(debrief: Debrief | None) -> list:
    return lessons.of_debrief(debrief).items if debrief is not None else []


def _lesson_choices(debrief: Debrief | None) -> list[tuple[str, str]]:
    return [(str(lesson.id), _("Lesson %(number)s: %(text)s", number=number, text=_short(lesson.text, 120)))
            for number, lesson in enumerate(_lessons_of(debrief), 1)]


def _short(text: str, length: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length - 1] + "…"


def actions_for(record: Recommendation) -> dict[str, bool]:
    """The buttons this person sees on a recommendation: only what the rules will let them do."""
    moves = recommendations.allowed_moves(current_user, record)
    is_open = record.status != Status.CLOSED
    actions = {
        "respond": record.status == Status.OPEN and Status.IN_PROGRESS in moves,
        "ask_for_closure": record.status == Status.IN_PROGRESS and Status.AWAITING_CLOSURE in moves,
        "close": record.status == Status.AWAITING_CLOSURE and Status.CLOSED in moves,
        "reject_closure": record.status == Status.AWAITING_CLOSURE and Status.IN_PROGRESS in moves,
        "add_update": permissions.may_add_update(current_user, record),
        "decide": is_open and can(current_user, Rule.DECIDE_AS_BOARD),
        "edit": is_open and permissions.may_edit_recommendation(current_user, record),
        "add_product": is_open and permissions.may_manage_products(current_user, record),
        "manage_products": permissions.may_manage_products(current_user, record),
    }
    if record.imported:  # kept for repeat detection to find, not this force's to act on
        return dict.fromkeys(actions, False)
    return actions


def _not_now(record: Recommendation, what: str):
    """`what` is the whole sentence, with %(reference)s and %(status)s: "... is closed now, so you cannot change it."."""
    flash(what % {"reference": record.reference, "status": words(STATUS_IN_SENTENCE, record.status)}, "info")
    return _page(record)


# Lessons -----------------------------------------------------------------------------------------------


@recommendations_bp.route("/debriefs/<int:debrief_id>/lessons/new", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def new_lesson(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    form = LessonForm()
    if request.method == "POST":
        saved, _saved = save(form, lambda: lessons.add(debrief, text=form.text.data, category=form.category.data or None,
                                                  themes=form.themes.data or [], actor=current_user))
        if saved:
            flash(_("Lesson %(number)s saved.", number=len(_lessons_of(debrief))), "success")
            return redirect(url_for("debriefs.show", debrief_id=debrief.id, _anchor="lessons"))
    return render_template("recommendations/lesson_form.html",
                           title=_("Add a lesson to %(reference)s", reference=debrief.reference),
                           form=form, debrief=debrief), 400 if form.errors else 200


@recommendations_bp.route("/debriefs/<int:debrief_id>/lessons/from-contribution", methods=["POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def lesson_from_contribution(debrief_id: int):
    """A partner's learning becomes a lesson in one step, linked to their contribution."""
    debrief = debrief_or_404(debrief_id)
    contribution_id = _whole_number(request.form.get("contribution_id"))
    if not isinstance(contribution_id, int):
        contribution_id = -1  # no such contribution: the service says so
    try:
        lessons.add(debrief, text=None, category=request.form.get("category") or None,
                    contribution_id=contribution_id, actor=current_user)
    except RuleBroken as error:
        db.session.rollback()
        flash(error.fields.get("contribution_id") or " ".join(error.fields.values()) or error.message, "error")
    else:
        db.session.commit()
        flash(_("The partner's learning is now lesson %(number)s.", number=len(_lessons_of(debrief))), "success")
    return redirect(url_for("debriefs.show", debrief_id=debrief.id, _anchor="lessons"))


# Writing a recommendation ----------------------------------------------------------------------------


def _changing_it() -> bool:
    """The confirmation step's "Change the recommendation": back to the form with what was typed."""
    return request.form.get("change") == "1"


def _repeats_not_yet_shown(text: str | None, record: Recommendation | None = None) -> list[similarity.Found]:
    """The earlier recommendations the system would flag `text` as repeating, unless the author has
    already been shown them: the confirmation step and the page's script send `repeats_seen`. When a
    recommendation is reworded, only new text counts, and earlier ones it is already linked to are left out."""
    if request.form.get("repeats_seen") == "1":
        return []
    if record is not None and (text or "").strip() == record.text:
        return []
    try:
        found = similarity.check(text, exclude_id=record.id if record is not None else None)
    except ValidationFailed:
        return []  # saving says what is wrong with the text
    known = set()
    if record is not None:
        links = repeats.of(record)
        known = {link.earlier_id for link in (*links.possible, *links.dismissed, links.repeat_of) if link}
    return [match for match in found if match.is_repeat and match.recommendation.id not in known]


#: What the confirmation step does not send back as typed: it adds its own token and buttons.
_NOT_ECHOED = {"csrf_token", "repeats_seen", "change", "submit"}


def _possible_repeat_page(flagged: list[similarity.Found], *, debrief: Debrief | None,
                          record: Recommendation | None, text: str | None):
    """Before saving a recommendation the system would flag as a repeat (for someone without the page's
    script): the earlier ones it is like, with everything typed kept in the form, to save anyway or change."""
    typed = [(name, value) for name, values in request.form.lists() if name not in _NOT_ECHOED for value in values]
    return render_template("recommendations/possible_repeat.html", title=_("This may repeat an earlier recommendation"),
                           flagged=flagged, debrief=debrief, record=record, text=(text or "").strip(), typed=typed,
                           may_read=_may_read,
                           other_forces=library_pull.what_other_forces_did(f.recommendation.id for f in flagged))


def _may_read(record: Recommendation) -> bool:
    return permissions.may_read_recommendation(current_user, record)


def _possible_repeats_note(record: Recommendation) -> str:
    possible = repeats.of(record).possible
    if not possible:
        return ""
    earlier = ", ".join(link.earlier.reference for link in possible)
    return " " + _("It may repeat %(earlier)s: a reviewer confirms or dismisses that on its page.", earlier=earlier)


@recommendations_bp.route("/debriefs/<int:debrief_id>/recommendations/new", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def new(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    form = RecommendationForm()
    form.lesson_ids.choices = _lesson_choices(debrief)
    if request.method == "POST" and not _changing_it():
        flagged = _repeats_not_yet_shown(form.text.data)
        if flagged:
            return _possible_repeat_page(flagged, debrief=debrief, record=None, text=form.text.data)
        saved, record = save(form, lambda: recommendations.create(
            debrief, text=form.text.data, owner_email=form.owner_email.data, due_date=form.due_date.data,
            priority=form.priority.data or None, lesson_ids=_ids(form.lesson_ids.data),
            source=form.source.data or None, actor=current_user,
            format_errors=date_problem(form.due_date, _("The due date must be a real date, like 31 3 2027"))))
        if saved:
            flash(_("Recommendation %(reference)s allocated to %(owner)s. They have been sent an email.",
                    reference=record.reference, owner=record.owner.name) + _possible_repeats_note(record), "success")
            return _page(record)
    return render_template("recommendations/form.html",
                           title=_("Add a recommendation to %(reference)s", reference=debrief.reference),
                           form=form, debrief=debrief, record=None,
                           owners=accounts.eligible_owners()), 400 if form.errors else 200


@recommendations_bp.route("/recommendations/similar", methods=["POST"])
def similar():
    """For the recommendation form's script (static/similar-recommendations.js): the earlier
    recommendations like the text being typed, as JSON. It is the form's own session that asks, with
    the form's CSRF token in an X-CSRFToken header; the API's check is for bearer tokens. Both are
    the same check (`repeats.like`): any member of staff may ask, and is shown only the
    recommendations they may read."""
    if not current_user.is_authenticated:
        return api_error(401, "unauthorized", _("Sign in to use this service."))
    if not can(current_user, Rule.USE_STAFF_API):
        return api_error(403, "forbidden", _("Your role does not allow this."))
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    text, exclude_id = body.get("text"), body.get("exclude_id")
    errors = {}
    if not isinstance(text, str):
        errors["text"] = _("Send the recommendation's text")
    if isinstance(exclude_id, str) and exclude_id.strip():
        exclude_id = validation.typed_id(exclude_id) or exclude_id
    if exclude_id in ("", None):
        exclude_id = None
    elif not validation.is_id(exclude_id):
        errors["exclude_id"] = _("Send the id of the recommendation being changed, a whole number")
    try:
        if errors:
            raise ValidationFailed(errors)
        found = repeats.like(text, exclude_id=exclude_id, reader=current_user)
    except ValidationFailed as problem:
        return api_error(422, problem.code, problem.message, problem.fields)
    ids = [match.recommendation.id for match in found]
    forces = library_pull.force_of(ids)
    return {"matches": [{**_match(match), "force": forces.get(match.recommendation.id)} for match in found],
            "other_forces": library_pull.what_other_forces_did(ids)}


def _match(found: similarity.Found) -> dict:
    record = found.recommendation
    return {
        "id": record.id,
        "reference": record.reference,
        "url": url_for("recommendations.show", recommendation_id=record.id) if _may_read(record) else None,
        "text": record.text,
        "status": record.status,
        "status_text": words(STATUS, record.status),
        "status_tag": STATUS_TAG.get(record.status, ""),
        "closure_code": record.closure_code,
        "closure_text": words(CLOSURE_CODE, record.closure_code) if record.closure_code else None,
        "score": found.score,
        "percent": round(found.score * 100),
        "is_repeat": found.is_repeat,
    }


# The recommendation's page -----------------------------------------------------------------------------


def history_of(record: Recommendation, clock_ids: list[int], lesson_numbers: dict[int, int]) -> list[tuple]:
    """The recommendation's history (its own, its clocks' and its learning products'), newest first,
    each event with its line in words."""
    products = {product.id: product.title for product in record.products}
    return [(event, describe(event, products=products, lesson_numbers=lesson_numbers))
            for event in recommendations.history(record, clock_ids)]


@recommendations_bp.route("/recommendations/<int:recommendation_id>")
@login_required
def show(recommendation_id: int):
    return _show_page(_readable(recommendation_id))


def _show_page(record: Recommendation, problems: list[str] | None = None, status: int = 200):
    deadlines = clocks.recommendation_clocks(record)
    numbers = {lesson.id: n for n, lesson in enumerate(_lessons_of(record.debrief), 1)}
    actions = actions_for(record)
    links = repeats.of(record, current_user)
    return render_template(
        "recommendations/show.html", title=f"{record.reference}", record=record, actions=actions,
        clocks=[clocks.view(clock) for clock in deadlines], lesson_numbers=numbers,
        gate_problem=recommendations.closure_gate_problem(record) if actions["close"] else None,
        history=history_of(record, [clock.id for clock in deadlines], numbers),
        may_read_debrief=can(current_user, Rule.READ_EVERYTHING),
        repeats=links, may_decide_repeats=can(current_user, Rule.DECIDE_REPEATS), may_read=_may_read,
        did_not_stick=repeats.did_not_stick, problems=problems or [],
        other_forces=library_pull.what_other_forces_did(link.earlier_id for link in links.possible),
    ), status


@recommendations_bp.route("/recommendations/<int:recommendation_id>/repeats", methods=["POST"])
@login_required
def decide_repeat(recommendation_id: int):
    """A reviewer confirms that this recommendation repeats an earlier one, or says it does not."""
    record = _readable(recommendation_id)
    if not can(current_user, Rule.DECIDE_REPEATS):
        abort(403)
    decision = request.form.get("decision")
    try:
        link = repeats.decide(record, of=_whole_number(request.form.get("of")), decision=decision,
                              actor=current_user)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except RuleBroken as error:
        db.session.rollback()
        return _show_page(record, list(error.fields.values()) or [error.message],
                          409 if isinstance(error, Conflict) else 400)
    db.session.commit()
    if decision == "confirm":
        flash(_("%(reference)s is confirmed as a repeat of %(earlier)s.", reference=record.reference,
                earlier=link.earlier.reference), "success")
    else:
        flash(_("%(reference)s is recorded as not a repeat of %(earlier)s.", reference=record.reference,
                earlier=link.earlier.reference), "success")
    return _page(record, "repeats")


# Moving it through its lifecycle ------------------------------------------------------------------------


def _lifecycle_page(record: Recommendation, form, *, move: tuple[Status, Status], what: str, title: str,
                    intro: str, action: Callable[[], object], done: Callable[[], str], warning: str | None = None,
                    show_products: bool = False):
    """A page for one lifecycle move: offered only from `move[0]` and only to whoever the lifecycle
    allows; on a post, runs `action` and goes back to the recommendation, or shows what is wrong."""
    before, after = move
    # Who may make this move at all comes first: someone who may not is refused in every state.
    if after not in recommendations.allowed_moves(current_user, record, from_status=before):
        abort(403)
    if record.status != before:
        return _not_now(record, what)
    if request.method == "POST":
        saved, _saved = save(form, action)
        if saved:
            flash(done(), "success")
            return _page(record)
    return _action_page(record, form, title=title, intro=intro, warning=warning, show_products=show_products)


def _action_page(record: Recommendation, form, *, title: str, intro: str, warning: str | None = None,
                 show_products: bool = False):
    return render_template("recommendations/action.html",
                           title=_("%(title)s – %(reference)s", title=title, reference=record.reference), heading=title,
                           form=form, record=record, intro=intro, warning=warning,
                           show_products=show_products), 400 if form.errors else 200


@recommendations_bp.route("/recommendations/<int:recommendation_id>/respond", methods=["GET", "POST"])
@login_required
def respond(recommendation_id: int):
    record = _readable(recommendation_id)
    form = NoteForm()
    form.note.label.text = _("Your response: what you will do, and by when")
    form.submit.label.text = _("Send response")
    return _lifecycle_page(
        record, form, move=(Status.OPEN, Status.IN_PROGRESS),
        what=_("%(reference)s is %(status)s now, so you cannot respond to it."), title=_("Respond"),
        intro=_("Say how you will carry out this recommendation. Your response puts it in progress and meets the "
                "response deadline."),
        action=lambda: recommendations.transition(record, to=Status.IN_PROGRESS.value, note=form.note.data,
                                                  actor=current_user),
        done=lambda: _("Your response is recorded. %(reference)s is in progress.", reference=record.reference))


@recommendations_bp.route("/recommendations/<int:recommendation_id>/ask-for-closure", methods=["GET", "POST"])
@login_required
def ask_for_closure(recommendation_id: int):
    record = _readable(recommendation_id)
    form = NoteForm()
    form.note.label.text = _("What has been done")
    form.note.description = _("Say what was done and where the evidence is. The governance board reads this "
                              "beside the learning products when it decides.")
    form.submit.label.text = _("Ask for closure")
    return _lifecycle_page(
        record, form, move=(Status.IN_PROGRESS, Status.AWAITING_CLOSURE),
        what=_("%(reference)s is %(status)s now, so you cannot ask for it to be closed."),
        title=_("Ask for closure"), intro=_("The governance board decides whether it can close."),
        action=lambda: recommendations.transition(record, to=Status.AWAITING_CLOSURE.value, note=form.note.data,
                                                  actor=current_user),
        done=lambda: _("%(reference)s is awaiting closure by the governance board.", reference=record.reference))


def gate_warning(record: Recommendation) -> str | None:
    problem = recommendations.closure_gate_problem(record)
    if problem is None:
        return None
    problem = problem[0].lower() + problem[1:]
    return _("This cannot close as implemented or alternative action: %(problem)s Unless you record a rationale, "
             "choose another way of closing it.", problem=problem)


@recommendations_bp.route("/recommendations/<int:recommendation_id>/close", methods=["GET", "POST"])
@login_required
def close(recommendation_id: int):
    record = _readable(recommendation_id)
    form = CloseForm()

    def action():
        try:
            recommendations.transition(record, to=Status.CLOSED.value, closure_code=form.closure_code.data or None,
                                       rationale=form.rationale.data, actor=current_user)
        except lifecycle.TransitionRefused as refusal:
            if refusal.code == "closure_gate":
                # Shown against the rationale: recording one is how the board closes it anyway.
                raise ValidationFailed({"rationale": _("%(refusal)s Record the board's rationale to close it "
                                                       "without one, or choose another way of closing it.",
                                                       refusal=refusal.message)}) from None
            raise

    return _lifecycle_page(
        record, form, move=(Status.AWAITING_CLOSURE, Status.CLOSED),
        what=_("%(reference)s is %(status)s now, so you cannot close it."),
        title=_("Close the recommendation"), show_products=True, warning=gate_warning(record),
        intro=_("The board's decision is recorded with its rationale and who decided."), action=action,
        done=lambda: _("%(reference)s is closed: %(closure)s.", reference=record.reference,
                       closure=words(CLOSURE_CODE, record.closure_code).lower()))


@recommendations_bp.route("/recommendations/<int:recommendation_id>/reject-closure", methods=["GET", "POST"])
@login_required
def reject_closure(recommendation_id: int):
    record = _readable(recommendation_id)
    form = RationaleForm()
    form.rationale.label.text = _("Why is the board not closing it?")
    form.rationale.description = _("The owner sees this. Say what more is needed.")
    form.submit.label.text = _("Reject closure")
    return _lifecycle_page(
        record, form, move=(Status.AWAITING_CLOSURE, Status.IN_PROGRESS),
        what=_("%(reference)s is %(status)s now, so you cannot reject its closure."),
        title=_("Reject closure"), intro=_("The recommendation goes back to the owner, in progress, and its due "
                                           "date runs again."),
        action=lambda: recommendations.transition(record, to=Status.IN_PROGRESS.value, rationale=form.rationale.data,
                                                  actor=current_user),
        done=lambda: _("Closure rejected. %(reference)s is back in progress with its owner.",
                       reference=record.reference))


# Progress, evidence and the board's other decisions ------------------------------------------------------


@recommendations_bp.route("/recommendations/<int:recommendation_id>/updates/new", methods=["GET", "POST"])
@login_required
def add_update(recommendation_id: int):
    record = _readable(recommendation_id)
    if record.status == Status.CLOSED:
        return _not_now(record, _("%(reference)s is %(status)s now, so you cannot add progress or evidence."))
    if not permissions.may_add_update(current_user, record):
        abort(403)
    form = UpdateForm()
    if request.method == "POST":
        saved, _saved = save(form, lambda: recommendations.add_update(record, kind=form.kind.data or None,
                                                                 text=form.text.data, actor=current_user))
        if saved:
            flash(_("Evidence added to %(reference)s.", reference=record.reference) if form.kind.data == "evidence"
                  else _("Progress added to %(reference)s.", reference=record.reference), "success")
            return _page(record, "updates")
    return _action_page(record, form, title=_("Add progress or evidence"),
                        intro=_("The governance board reads this when the owner asks for closure."))


@recommendations_bp.route("/recommendations/<int:recommendation_id>/extend", methods=["GET", "POST"])
@permission_required(Rule.DECIDE_AS_BOARD)
def extend(recommendation_id: int):
    record = _readable(recommendation_id)
    if record.status == Status.CLOSED:
        return _not_now(record, _("%(reference)s is %(status)s now, so you cannot extend it."))
    form = ExtendForm()

    def action():
        try:
            recommendations.decide(record, decision="extend", rationale=form.rationale.data,
                                   new_due_date=form.new_due_date.data, actor=current_user)
        except ValidationFailed as problem:
            problem.fields.update(date_problem(form.new_due_date, _("The new due date must be a real date, "
                                                                     "like 30 6 2027")))
            raise

    if request.method == "POST":
        saved, _saved = save(form, action)
        if saved:
            flash(_("%(reference)s is now due %(date)s.", reference=record.reference,
                    date=long_date(record.due_date)), "success")
            return _page(record)
    return _action_page(record, form, title=_("Extend the due date"),
                        intro=_("The board's decision is recorded with its rationale and who decided."))


@recommendations_bp.route("/recommendations/<int:recommendation_id>/escalate", methods=["GET", "POST"])
@permission_required(Rule.DECIDE_AS_BOARD)
def escalate(recommendation_id: int):
    record = _readable(recommendation_id)
    if record.status == Status.CLOSED:
        return _not_now(record, _("%(reference)s is %(status)s now, so you cannot escalate it."))
    form = EscalateForm()
    if request.method == "POST":
        saved, decision = save(form, lambda: recommendations.decide(
            record, decision="escalate", rationale=form.rationale.data, escalate_to=form.escalate_to.data,
            actor=current_user))
        if saved:
            flash(_("%(reference)s is escalated to %(person)s. They and the owner have been sent an email.",
                    reference=record.reference, person=decision.escalated_to.name), "success")
            return _page(record)
    return _action_page(record, form, title=_("Escalate the recommendation"),
                        intro=_("The board's decision is recorded with its rationale and who decided."))


# Editing, without lost updates ---------------------------------------------------------------------------


#: What others may have added rather than changed (an owner's progress, a board decision's rationale).
ADDITIONS = ("progress", "evidence", "note", "rationale", "decision")


def _what_changed(since: dict[str, dict], numbers: dict[int, int]) -> list[tuple[str, str]]:
    """(field, one line saying what it is now) for each thing someone else changed (`changes_since`)."""
    lines = []
    for field, change in since.items():
        now = value_in_words(field, change.get("to"), numbers)
        name = field_name(field).capitalize()
        if field in ADDITIONS and change.get("from") is None:
            lines.append((field, _("%(field)s added: %(value)s", field=name, value=now)))
        else:
            lines.append((field, _("%(field)s: now %(value)s", field=name, value=now)))
    return lines


@recommendations_bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(recommendation_id: int):
    record = _readable(recommendation_id)
    if not permissions.may_edit_recommendation(current_user, record):
        abort(403)
    if record.status == Status.CLOSED:
        return _not_now(record, _("%(reference)s is %(status)s now, so you cannot change it."))
    form = EditRecommendationForm()
    form.lesson_ids.choices = _lesson_choices(record.debrief)
    numbers = {lesson.id: n for n, lesson in enumerate(_lessons_of(record.debrief), 1)}
    changed: list[tuple[str, str]] = []
    if request.method == "POST" and not _changing_it():
        flagged = _repeats_not_yet_shown(form.text.data, record)
        if flagged:
            return _possible_repeat_page(flagged, debrief=record.debrief, record=record, text=form.text.data)
        version = _whole_number(form.version.data)
        try:
            recommendations.update(
                record, version=version, actor=current_user, text=form.text.data, owner_email=form.owner_email.data,
                due_date=form.due_date.data, priority=form.priority.data or None,
                lesson_ids=_ids(form.lesson_ids.data),
                format_errors=date_problem(form.due_date, _("The due date must be a real date, like 31 3 2027")))
        except Conflict as conflict:
            db.session.rollback()
            if conflict.code != "stale":
                raise
            since = recommendations.changes_since(record, version)
            changed = _what_changed(since, numbers)
            form.form_errors.append(_("Someone else changed %(reference)s after you opened this page. Nothing you "
                                      "typed has been saved: it is still in the form.", reference=record.reference))
            for field, change in since.items():
                target = getattr(form, EditRecommendationForm.ERROR_FIELDS.get(field, field), None)
                if target is not None and target.type not in ("HiddenField", "SubmitField", "CSRFTokenField"):
                    target.errors = [_("Someone else changed the %(field)s to: %(value)s", field=field_name(field),
                                       value=value_in_words(field, change.get("to"), numbers))]
            form.version.data = str(record.version)  # saving again now replaces their change, knowingly
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error, EditRecommendationForm.ERROR_FIELDS)
        else:
            db.session.commit()
            flash(_("Changes to %(reference)s saved.", reference=record.reference), "success")
            return _page(record)
    elif request.method == "GET":
        form.text.data = record.text
        form.owner_email.data = record.owner.email if record.owner else ""
        form.due_date.data = record.due_date
        form.priority.data = record.priority
        form.lesson_ids.data = [str(lesson.id) for lesson in record.lessons]
        form.version.data = str(record.version)
    return render_template("recommendations/form.html", title=_("Edit %(reference)s", reference=record.reference),
                           form=form,
                           debrief=record.debrief, record=record, changed=changed,
                           owners=accounts.eligible_owners()), 400 if form.errors else 200


# Learning products ------------------------------------------------------------------------------------------


@recommendations_bp.route("/recommendations/<int:recommendation_id>/products/new", methods=["GET", "POST"])
@login_required
def new_product(recommendation_id: int):
    record = _readable(recommendation_id)
    if not permissions.may_manage_products(current_user, record):
        abort(403)
    if record.status == Status.CLOSED:
        return _not_now(record, _("%(reference)s is %(status)s now, so you cannot add a learning product."))
    form = ProductForm()
    if request.method == "POST":
        saved, product = save(form, lambda: learning_products.add(
            record, kind=form.kind.data or None, title=form.title.data, audience=form.audience.data or [],
            target_count=_whole_number(form.target_count.data), actor=current_user))
        if saved:
            flash(_("Learning product “%(title)s” added to %(reference)s.", title=product.title,
                    reference=record.reference), "success")
            return _page(record, "products")
    return render_template("recommendations/product_form.html",
                           title=_("Add a learning product – %(reference)s", reference=record.reference),
                           form=form, record=record), 400 if form.errors else 200


@recommendations_bp.route("/products/<int:product_id>/progress", methods=["GET", "POST"])
@login_required
def product_progress(product_id: int):
    product: LearningProduct | None = learning_products.get(product_id)
    if product is None:
        abort(404)
    record = _readable(product.recommendation_id)
    if not permissions.may_manage_products(current_user, record):
        abort(403)
    form = ProductProgressForm()
    form.status.choices = [(product.status, _("Keep as %(status)s",
                                              status=words(PRODUCT_STATUS_IN_SENTENCE, product.status))), *[
        (status, words(PRODUCT_STATUS, status)) for status in PRODUCT_STATUS
        if lifecycle.product_can_move(product.status, status)]]
    if request.method == "POST":
        saved, _saved = save(form, lambda: learning_products.update(
            product, status=form.status.data or None, delivered_on=form.delivered_on.data,
            reached_count=_whole_number(form.reached_count.data), evidence=form.evidence.data, actor=current_user,
            format_errors=date_problem(form.delivered_on,
                                       _("The delivery date must be a real date, like 14 1 2027"))))
        if saved:
            flash(_("“%(title)s” is %(status)s.", title=product.title,
                    status=words(PRODUCT_STATUS_IN_SENTENCE, product.status)), "success")
            return _page(record, "products")
    else:
        form.status.data = product.status
        form.delivered_on.data = product.delivered_on
        form.reached_count.data = "" if product.reached_count is None else str(product.reached_count)
        form.evidence.data = product.evidence or ""
    return render_template("recommendations/product_progress.html", title=_("Update “%(title)s”", title=product.title),
                           form=form, record=record, product=product), 400 if form.errors else 200
