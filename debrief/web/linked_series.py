"""Linked series pages: the analysts' queue of candidate series, and a series with its members on a
map and a timeline, where an analyst confirms or dismisses it with a note (services/linked_series.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField

from debrief import vocabulary as words
from debrief.deaths.words import reason_words
from debrief.extensions import db
from debrief.models import SeriesStatus
from debrief.permissions import Rule, can, permission_required
from debrief.services import death_analysis, linked_series
from debrief.services.errors import RuleBroken
from debrief.web import death_maps
from debrief.web.fields import prose_field
from debrief.web.forms import show_rule_errors
from debrief.web.paging import page_number, within_pages

series_bp = Blueprint("linked_series", __name__, url_prefix="/linked-series")

STATUSES = tuple(status.value for status in SeriesStatus)


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Is this a linked series?"), widget=GovRadioInput(),
                          choices=[("confirm", _l("Confirm: these deaths may be linked and need investigating")),
                                   ("dismiss", _l("Dismiss: not a linked series"))])
    note = prose_field(_l("Why"), "linked_series.note",
                       description=_l("Say what you checked and why you decided. Other analysts and the board read "
                                      "it, and it goes into the analytical report: refer to deaths by their "
                                      "references, never by name."))
    submit = SubmitField(_l("Save decision"), widget=GovSubmitInput())


@series_bp.route("")
@permission_required(Rule.READ_DEATHS)
def index():
    status = request.args.get("status") or "candidate"
    if status not in STATUSES:
        status = "candidate"
    result = within_pages(lambda page: linked_series.listing(status, page, 25), page_number())
    return render_template("linked_series/index.html", title=_("Linked series"), result=result, status=status,
                           counts=linked_series.counts(), words=words, summary=linked_series.summary)


@series_bp.route("/<int:series_id>", methods=["GET", "POST"])
@permission_required(Rule.READ_DEATHS)
def show(series_id: int):
    try:
        series = linked_series.get(series_id)
    except RuleBroken:
        abort(404)
    may_decide = can(current_user, Rule.ANALYSE_DEATHS)
    form = DecisionForm()
    if request.method == "POST":
        if not may_decide:
            abort(403)
        try:
            linked_series.decide(series.id, form.decision.data, form.note.data, actor=current_user)
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error)
        else:
            db.session.commit()
            flash(_("Decision on %(reference)s saved.", reference=series.reference), "success")
            return redirect(url_for("linked_series.show", series_id=series.id))
    latest = death_analysis.latest()
    extent = latest.extent if latest else {}
    members = [(str(number), death) for number, death in enumerate(series.deaths, start=1)]
    return render_template(
        "linked_series/show.html", title=series.reference, series=series, form=form, words=words,
        reasons=[reason_words(r) for r in series.reasons], summary=linked_series.summary(series),
        members=members, may_decide=may_decide,
        may_open_debrief=linked_series.may_open_debrief(series) and can(current_user, Rule.RUN_DEBRIEFS),
        map=death_maps.series_map(extent, [(d.reference, d.latitude, d.longitude) for _, d in members]),
        timeline=death_maps.timeline([(label, d.found_at) for label, d in members if d.found_at]),
    ), 400 if form.errors else 200
