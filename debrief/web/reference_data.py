"""Administration of reference data: incident classes, and a view of the deadline policy in force."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField

from debrief.extensions import db
from debrief.models import IncidentType
from debrief.permissions import Rule, permission_required
from debrief.services import clocks, reference_data
from debrief.vocabulary import APPLIES_WHEN
from debrief.web.forms import ConfirmForm, save

reference_bp = Blueprint("reference", __name__, url_prefix="/admin")


class IncidentTypeForm(FlaskForm):
    label = StringField(_l("Name of the incident class"), widget=GovTextInput())
    label_cy = StringField(_l("Welsh label (optional)"), widget=GovTextInput(),
                           description=_l("Welsh pages show it. Leave it empty to show the name above."))
    is_homicide = RadioField(_l("Is it a homicide or a near-miss?"), widget=GovRadioInput(), validate_choice=False,
                             choices=[("yes", _l("Homicide")), ("no", _l("Near-miss"))])
    submit = SubmitField(_l("Add incident class"), widget=GovSubmitInput())


class IncidentTypeWelshForm(FlaskForm):
    label_cy = IncidentTypeForm.label_cy
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


@reference_bp.route("/incident-types", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def incident_types():
    form = IncidentTypeForm()
    if request.method == "POST":
        choice = {"yes": True, "no": False}.get(form.is_homicide.data or "")
        saved, kind = save(form, lambda: reference_data.add_incident_type(
            label=form.label.data, label_cy=form.label_cy.data, is_homicide=choice, actor=current_user))
        if saved:
            flash(_("%(label)s can now be chosen for new debriefs.", label=kind.localised_label), "success")
            return redirect(url_for("reference.incident_types"))
    return render_template("admin/incident_types.html", title=_("Incident classes"), form=form,
                           kinds=reference_data.incident_types(include_inactive=True),
                           confirm=ConfirmForm()), 400 if form.errors else 200


@reference_bp.route("/incident-types/<int:kind_id>/<any(withdraw, restore):change>", methods=["POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def change_incident_type(kind_id: int, change: str):
    kind = db.get_or_404(IncidentType, kind_id)
    reference_data.set_incident_type_active(kind, change == "restore", actor=current_user)
    db.session.commit()
    flash(_("%(label)s can be chosen again.", label=kind.localised_label) if kind.active
          else _("%(label)s is withdrawn: existing debriefs keep it.", label=kind.localised_label), "success")
    return redirect(url_for("reference.incident_types"))


@reference_bp.route("/incident-types/<int:kind_id>/welsh", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def incident_type_welsh(kind_id: int):
    """An incident class's Welsh label, for one made before it had one."""
    kind = db.get_or_404(IncidentType, kind_id)
    form = IncidentTypeWelshForm(obj=kind)
    if request.method == "POST":
        saved, _result = save(form, lambda: reference_data.set_welsh_label(kind, form.label_cy.data,
                                                                           actor=current_user))
        if saved:
            flash(_("The Welsh for %(name)s is saved.", name=kind.label), "success")
            return redirect(url_for("reference.incident_types"))
    return render_template("admin/welsh_name.html", title=_("Welsh label"), form=form, english=kind.label,
                           back=url_for("reference.incident_types"),
                           back_text=_("Back to incident classes")), 400 if form.errors else 200


@reference_bp.route("/deadline-policy")
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def deadline_policy():
    return render_template("admin/deadline_policy.html", title=_("Deadline policy"), policy=clocks.policy(),
                           calendar=clocks.calendar(), applies_to=APPLIES_WHEN)
