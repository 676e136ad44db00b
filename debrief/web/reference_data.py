"""Administration of reference data: incident classes, and a view of the deadline policy in force."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField

from debrief.extensions import db
from debrief.models import IncidentType
from debrief.permissions import Rule, permission_required
from debrief.services import clocks, reference_data
from debrief.web.forms import ConfirmForm, save

reference_bp = Blueprint("reference", __name__, url_prefix="/admin")


class IncidentTypeForm(FlaskForm):
    label = StringField("Name of the incident class", widget=GovTextInput())
    is_homicide = RadioField("Is it a homicide or a near-miss?", widget=GovRadioInput(), validate_choice=False,
                             choices=[("yes", "Homicide"), ("no", "Near-miss")])
    submit = SubmitField("Add incident class", widget=GovSubmitInput())


@reference_bp.route("/incident-types", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def incident_types():
    form = IncidentTypeForm()
    if request.method == "POST":
        choice = {"yes": True, "no": False}.get(form.is_homicide.data or "")
        saved, kind = save(form, lambda: reference_data.add_incident_type(
            label=form.label.data, is_homicide=choice, actor=current_user))
        if saved:
            flash(f"{kind.label} can now be chosen for new debriefs.", "success")
            return redirect(url_for("reference.incident_types"))
    return render_template("admin/incident_types.html", title="Incident classes", form=form,
                           kinds=reference_data.incident_types(include_inactive=True),
                           confirm=ConfirmForm()), 400 if form.errors else 200


@reference_bp.route("/incident-types/<int:kind_id>/<any(withdraw, restore):change>", methods=["POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def change_incident_type(kind_id: int, change: str):
    kind = db.get_or_404(IncidentType, kind_id)
    reference_data.set_incident_type_active(kind, change == "restore", actor=current_user)
    db.session.commit()
    flash(f"{kind.label} {'can be chosen again' if kind.active else 'is withdrawn: existing debriefs keep it'}.",
          "success")
    return redirect(url_for("reference.incident_types"))


@reference_bp.route("/deadline-policy")
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def deadline_policy():
    return render_template("admin/deadline_policy.html", title="Deadline policy", policy=clocks.policy(),
                           calendar=clocks.calendar())
