"""Acting on a deadline clock: mark it met (and undo that), extend it, pause or resume it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
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


def _not_now(clock: Clock, state: ClockState) -> str:
    """Why an action a stale page offered cannot be done now: one sentence for each state."""
    name = clocks.clock_name(clock)
    if state is ClockState.MET:
        return _("%(clock)s is already met, so that cannot be done now.", clock=name)
    if state is ClockState.NOT_STARTED:
        return _("%(clock)s has not started yet, so that cannot be done now.", clock=name)
    if state is ClockState.PAUSED:
        return _("%(clock)s is paused, so that cannot be done now.", clock=name)
    return _("%(clock)s is running, so that cannot be done now.", clock=name)


def _act(clock: Clock, form, template: str, title: str, action, done, fields: dict | None = None):
    """Shows the form; on a post runs `action`, then returns to the debrief or shows what is wrong.
    `done` gives the success message from the clock's name."""
    view = clocks.view(clock)
    if request.method == "GET" and view.state not in OFFERED[request.endpoint.rsplit(".", 1)[1]]:
        flash(_not_now(clock, view.state), "info")
        return _back_to(clock)
    if request.method == "POST":
        saved, _result = save(form, action, fields)
        if saved:
            flash(done(clocks.clock_name(clock)), "success")
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
        at = read_date_and_time(form.met_on, form.met_time, "at", errors, what=_l("it was met"), places=places)
        if errors:
            raise ValidationFailed(errors, _("Some of the information is not valid"))
        clocks.mark_met(clock, at=at, actor=current_user)

    return _act(clock, form, "clocks/met.html", _("Mark %(clock)s as met", clock=clocks.clock_name(clock)), action,
                lambda name: _("%(clock)s: marked as met.", clock=name), places)


@clocks_bp.route("/<int:clock_id>/unmet", methods=["POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def unmet(clock_id: int):
    """Undo: a clock marked met by mistake runs again."""
    clock = _clock_or_404(clock_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: clocks.undo_met(clock, actor=current_user),
            lambda: _("%(clock)s: no longer met. It is overdue again.", clock=clocks.clock_name(clock))
            if clocks.view(clock).state is ClockState.OVERDUE
            else _("%(clock)s: no longer met. It is running again.", clock=clocks.clock_name(clock)))
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
            problem.fields.update(date_problem(form.due_date, _("The new due date must be a real date, like 30 12 2026")))
            raise

    return _act(clock, form, "clocks/extend.html", _("Extend %(clock)s", clock=clocks.clock_name(clock)), action,
                lambda name: _("%(clock)s: deadline extended.", clock=name))


@clocks_bp.route("/<int:clock_id>/pause", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def pause(clock_id: int):
    clock = _clock_or_404(clock_id)
    form = ReasonForm()
    form.reason.label.text = _("Why is this deadline paused?")
    form.submit.label.text = _("Pause deadline")
    return _act(clock, form, "clocks/reason.html", _("Pause %(clock)s", clock=clocks.clock_name(clock)),
                lambda: clocks.pause(clock, reason=form.reason.data, actor=current_user),
                lambda name: _("%(clock)s: paused. It will not become overdue while paused.", clock=name))


@clocks_bp.route("/<int:clock_id>/resume", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def resume(clock_id: int):
    clock = _clock_or_404(clock_id)
    form = ReasonForm()
    form.reason.label.text = _("Why is this deadline running again?")
    form.submit.label.text = _("Resume deadline")
    return _act(clock, form, "clocks/reason.html", _("Resume %(clock)s", clock=clocks.clock_name(clock)),
                lambda: clocks.resume(clock, reason=form.reason.data, actor=current_user),
                lambda name: _("%(clock)s: running again. Its due date moved on by the days it was paused.",
                               clock=name))


@clocks_bp.app_template_filter("clock_name")
def clock_name(clock: Clock) -> str:
    """`{{ clock | clock_name }}`: the clock's name in the reader's language (services/clocks.clock_name)."""
    return clocks.clock_name(clock)
