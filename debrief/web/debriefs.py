"""Debrief pages: the list, opening and editing a debrief, its page, and the meeting record."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from debrief import documents
from debrief.documents import debrief_report
from debrief import vocabulary
from debrief.models import Debrief, DebriefStatus
from debrief.permissions import Rule, can, permission_required
from debrief.extensions import db
from debrief.services import (
    clocks, debriefs, invitations, lessons, linked_series, read_trail, recommendations, reference_data,
)
from debrief.services.errors import RuleBroken
from debrief.services.debriefs import Attendee, DebriefDetails
from debrief.web.debrief_forms import DebriefForm, MeetingForm
from debrief.history import describe_event
from debrief.web.fields import read_date_and_time, read_day_and_time, show_date_and_time
from debrief.web.forms import save
from debrief.web.paging import page_number, within_pages

debriefs_bp = Blueprint("debriefs", __name__, url_prefix="/debriefs")

PER_PAGE = 25


def debrief_or_404(debrief_id: int) -> Debrief:
    debrief = debriefs.get(debrief_id)
    if debrief is None:
        abort(404)
    return debrief


def _with_incident_types(form: DebriefForm, current: str | None = None) -> DebriefForm:
    kinds = reference_data.incident_types(include_inactive=True)
    form.incident_type.choices = [(k.code, k.localised_label) for k in kinds if k.active or k.code == current]
    form.incident_type_hints = {k.code: _("Homicide") if k.is_homicide else _("Near-miss") for k in kinds}
    return form


def _details_from(form: DebriefForm) -> tuple[DebriefDetails, dict[str, str], dict[str, str]]:
    """What the form says, as the service's details, the messages for anything unreadable, and
    which form field each service field's message belongs on."""
    errors: dict[str, str] = {}
    places = dict(DebriefForm.ERROR_FIELDS)
    occurred_at = read_day_and_time(form.occurred_on, form.occurred_time, "occurred_at", errors,
                                    what=debriefs.MOMENTS["occurred_at"])
    reported_at = read_day_and_time(form.reported_on, form.reported_time, "reported_at", errors,
                                    what=debriefs.MOMENTS["reported_at"])
    victim_age = None
    raw_age = (form.victim_age.data or "").strip()
    if raw_age:
        if re.fullmatch(r"[0-9]{1,3}", raw_age):  # not str.isdigit(): "²" is a digit to it
            victim_age = int(raw_age)
        else:
            errors["victim_age"] = _("The victim's age must be a whole number, like 19")
    details = DebriefDetails(
        incident_type=form.incident_type.data, crime_reference=form.crime_reference.data,
        operation_name=form.operation_name.data, occurred_at=occurred_at, reported_at=reported_at,
        area=form.area.data, summary=form.summary.data, partner_briefing=form.partner_briefing.data,
        themes=form.themes.data or [], victim_age=victim_age, victim_sex=form.victim_sex.data or None,
        relationship_to_suspect=form.relationship_to_suspect.data or None, domestic=form.domestic.data,
        weapon=form.weapon.data or None, prior_police_contact=form.prior_police_contact.data,
    )
    return details, errors, places


def _fill(form: DebriefForm, debrief: Debrief) -> None:
    details = DebriefDetails.of(debrief)
    for name in ("incident_type", "crime_reference", "operation_name", "area", "summary", "partner_briefing",
                 "themes", "victim_sex", "relationship_to_suspect", "domestic", "weapon",
                 "prior_police_contact"):
        getattr(form, name).data = getattr(details, name)
    form.victim_age.data = "" if details.victim_age is None else str(details.victim_age)
    show_date_and_time(details.occurred_at, form.occurred_on, form.occurred_time)
    show_date_and_time(details.reported_at, form.reported_on, form.reported_time)


@debriefs_bp.route("")
@permission_required(Rule.READ_EVERYTHING)
def index():
    status = request.args.get("status") or None
    if status not in (None, *[s.value for s in DebriefStatus]):
        status = None
    result = within_pages(lambda page: debriefs.search(status=status, page=page, per_page=PER_PAGE),
                          page_number())
    return render_template("debriefs/index.html", title=_("Debriefs"), result=result, status=status,
                           statuses=list(DebriefStatus), labels=vocabulary.DEBRIEF_STATUS)


@debriefs_bp.route("/new", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def new():
    form = _with_incident_types(DebriefForm())
    series = _series_to_open()
    if request.method == "POST":
        details, format_errors, places = _details_from(form)

        def create():
            debrief = debriefs.create(details, actor=current_user, format_errors=format_errors)
            if series is not None:
                linked_series.opened_debrief(series, debrief.id, actor=current_user)
            return debrief

        saved, debrief = save(form, create, places)
        if saved:
            flash(_("Debrief %(reference)s opened. Its deadline clocks have started.", reference=debrief.reference),
                  "success")
            return redirect(url_for("debriefs.show", debrief_id=debrief.id))
    elif series is not None:
        form.summary.data = _("Opened from the confirmed linked series %(series)s: %(summary)s.",
                              series=series.reference, summary=linked_series.summary(series))
    return render_template("debriefs/form.html", title=_("Open a debrief"), form=form, debrief=None,
                           series=series), 400 if form.errors else 200


def _series_to_open():
    """A confirmed linked series this debrief is opened from (`?series=`): only for someone who may
    also read deaths, and only once per series."""
    series_id = request.args.get("series", type=int)
    if series_id is None:
        return None
    if not can(current_user, Rule.READ_DEATHS):
        abort(403)
    try:
        series = linked_series.get(series_id)
    except RuleBroken:
        abort(404)
    if series.debrief_id is not None:
        abort(redirect(url_for("debriefs.show", debrief_id=series.debrief_id)))
    if not linked_series.may_open_debrief(series):
        abort(409)
    return series


@debriefs_bp.route("/<int:debrief_id>/edit", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def edit(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    form = _with_incident_types(DebriefForm(), debrief.incident_type_code)
    if request.method == "POST":
        details, format_errors, places = _details_from(form)
        saved, _result = save(form, lambda: debriefs.update(debrief, details, actor=current_user,
                                                      format_errors=format_errors), places)
        if saved:
            flash(_("Changes to %(reference)s saved.", reference=debrief.reference), "success")
            return redirect(url_for("debriefs.show", debrief_id=debrief.id))
    else:
        _fill(form, debrief)
    return render_template("debriefs/form.html", title=_("Edit %(reference)s", reference=debrief.reference), form=form,
                           debrief=debrief), 400 if form.errors else 200


@debriefs_bp.route("/<int:debrief_id>")
@permission_required(Rule.READ_EVERYTHING)
def show(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    partners = invitations.partners_of(debrief)
    page = render_template(
        "debriefs/show.html", title=f"{debrief.reference}", debrief=debrief, labels=vocabulary.DEBRIEF_STATUS,
        clocks=[clocks.view(c) for c in clocks.clocks_of(debrief)],
        history=[(event, describe_event(event)) for event in reversed(debriefs.history(debrief))],
        partners=partners,
        lessons=lessons.of_debrief(debrief).items, recommendations=recommendations.of_debrief(debrief),
        may_act=can(current_user, Rule.RUN_DEBRIEFS),
    )
    read_trail.opened_debrief(current_user, debrief, [c for p in partners for c in p.contributions])
    db.session.commit()  # the read trail
    return page


@debriefs_bp.route("/<int:debrief_id>/report.docx")
@permission_required(Rule.READ_EVERYTHING)
def report(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    response = documents.response(debrief_report.build(debrief), debrief_report.filename(debrief))
    read_trail.opened(current_user, read_trail.DEBRIEF, [debrief.id])
    db.session.commit()  # the read trail
    return response


def _attendees_from(text: str | None) -> list[Attendee]:
    people = []
    for line in (text or "").splitlines():
        if line.strip():
            # The agency is after the last comma: "Shah, Priya, Essex Police" is Shah, Priya of Essex Police.
            name, comma, agency = line.rpartition(",")
            if not comma:
                name, agency = line, ""
            people.append(Attendee(name=name.strip() or None, agency=agency.strip() or None))
    return people


@debriefs_bp.route("/<int:debrief_id>/meeting", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def meeting(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    form = MeetingForm()
    if request.method == "POST":
        errors: dict[str, str] = {}
        places = dict(MeetingForm.ERROR_FIELDS)
        held_at = read_date_and_time(form.held_on, form.held_time, "held_at", errors, what=_l("of the meeting"),
                                     places=places)
        saved, _result = save(form, lambda: debriefs.record_meeting(
            debrief, held_at=held_at, attendees=_attendees_from(form.attendees.data), actor=current_user,
            format_errors=errors), places)
        if saved:
            flash(_("Meeting recorded. The rapid debrief meeting deadline is met."), "success")
            return redirect(url_for("debriefs.show", debrief_id=debrief.id))
    elif debrief.meeting_held_at:
        show_date_and_time(debrief.meeting_held_at, form.held_on, form.held_time)
        form.attendees.data = "\n".join(f"{a.name}, {a.agency}" for a in debrief.attendees)
    return render_template("debriefs/meeting.html", title=_("Record the meeting for %(reference)s", reference=debrief.reference),
                           form=form, debrief=debrief), 400 if form.errors else 200
