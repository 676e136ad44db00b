"""Acting on a deadline clock: mark it met (and undo that), extend it, pause or resume it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from debrief.models import Clock, ClockState, utcnow
from debrief.permissions import Rule, permission_required
from debrief.services import clocks
from debrief.services.errors import ValidationFailed
from debrief.web.debrief_forms import ExtendForm, MetForm, ReasonForm
from debrief.web.fields import date_problem, read_date_and_time, show_date_and_time
from debrief.web.forms import ConfirmForm, act, save

clocks_bp = Blueprint("clocks", __name__, url_prefix="/deadlines")


def _clock_or_404(clock_id: int) -> Clock:
    clock = clocks.get(clock_id)
    if clock is None or clock.debrief_id is None:
        abort(404)
    return clock


def _back_to(clock: Clock):
    return redirect(url_for("debriefs.show", debrief_id=clock.debrief_id, _anchor="deadlines"))


#: Which actions make sense in which states; a form opened from a stale page says so at once.
OFFERED = {
    "met": {ClockState.PENDING, ClockState.OVERDUE, ClockState.PAUSED},
    "extend": {ClockState.PENDING, ClockState.OVERDUE},
    "pause": {ClockState.PENDING, ClockState.OVERDUE},
    "resume": {ClockState.PAUSED},
}
STATE_WORDS = {ClockState.MET: "is already met", ClockState.NOT_STARTED: "has not started yet",
               ClockState.PAUSED: "is paused", ClockState.PENDING: "is running", ClockState.OVERDUE: "is running"}


def _act(clock: Clock, form, template: str, title: str, action, done: str, fields: dict | None = None):
    """Shows the form; on a post runs `action`, then returns to the debrief or shows what is wrong."""
    view = clocks.view(clock)
    if request.method == "GET" and view.state not in OFFERED[request.endpoint.rsplit(".", 1)[1]]:
        flash(f"{clock.label} {STATE_WORDS[view.state]}, so that cannot be done now.", "info")
        return _back_to(clock)
    if request.method == "POST":
        saved, _ = save(form, action, fields)
        if saved:
            flash(done.format(label=clock.label), "success")
            return _back_to(clock)
        view = clocks.view(clock)
    return render_template(template, title=title, form=form, clock=view,
                           debrief=clock.debrief), 400 if form.errors else 200


@clocks_bp.route("/<int:clock_id>/met", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def met(clock_id: int):
    clock = _clock_or_404(clock_id)
    form = MetForm()
    if request.method == "GET":
        show_date_and_time(utcnow(), form.met_on, form.met_time)

    places = dict(MetForm.ERROR_FIELDS)

    def action():
        errors: dict[str, str] = {}
        at = read_date_and_time(form.met_on, form.met_time, "at", errors, what="it was met", places=places)
        if errors:
            raise ValidationFailed(errors)
        clocks.mark_met(clock, at=at, actor=current_user)

    return _act(clock, form, "clocks/met.html", f"Mark {clock.label} as met", action,
                "{label}: marked as met.", places)


@clocks_bp.route("/<int:clock_id>/unmet", methods=["POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def unmet(clock_id: int):
    """Undo: a clock marked met by mistake runs again."""
    clock = _clock_or_404(clock_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: clocks.undo_met(clock, actor=current_user),
            lambda: f"{clock.label}: no longer met. It is "
                    f"{'overdue' if clocks.view(clock).state is ClockState.OVERDUE else 'running'} again.")
    return _back_to(clock)


@clocks_bp.route("/<int:clock_id>/extend", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def extend(clock_id: int):
    clock = _clock_or_404(clock_id)
    form = ExtendForm()

    def action():
        try:
            clocks.extend(clock, due_date=form.due_date.data, reason=form.reason.data, actor=current_user)
        except ValidationFailed as problem:
            # The service saw no date; say why, and keep its other messages (a missing reason).
            problem.fields.update(date_problem(form.due_date, "The new due date must be a real date, like 30 12 2026"))
            raise

    return _act(clock, form, "clocks/extend.html", f"Extend {clock.label}", action,
                "{label}: deadline extended.")


@clocks_bp.route("/<int:clock_id>/pause", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def pause(clock_id: int):
    clock = _clock_or_404(clock_id)
    form = ReasonForm()
    form.reason.label.text = "Why is this deadline paused?"
    form.submit.label.text = "Pause deadline"
    return _act(clock, form, "clocks/reason.html", f"Pause {clock.label}",
                lambda: clocks.pause(clock, reason=form.reason.data, actor=current_user),
                "{label}: paused. It will not become overdue while paused.")


@clocks_bp.route("/<int:clock_id>/resume", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def resume(clock_id: int):
    clock = _clock_or_404(clock_id)
    form = ReasonForm()
    form.reason.label.text = "Why is this deadline running again?"
    form.submit.label.text = "Resume deadline"
    return _act(clock, form, "clocks/reason.html", f"Resume {clock.label}",
                lambda: clocks.resume(clock, reason=form.reason.data, actor=current_user),
                "{label}: running again. Its due date moved on by the days it was paused.")
