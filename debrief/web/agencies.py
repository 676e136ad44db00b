"""Administration of partner agencies."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField

from debrief.extensions import db
from debrief.models import Agency
from debrief.vocabulary import AGENCY_TYPE
from debrief.permissions import Rule, permission_required
from debrief.services import agencies as agency_service
from debrief.services.errors import RuleBroken
from debrief.web.forms import show_rule_errors
from debrief.web.paging import page_number, within_pages

PER_PAGE = 50

agencies_bp = Blueprint("agencies", __name__, url_prefix="/admin/agencies")


class AgencyForm(FlaskForm):
    name = StringField("Name of the agency", widget=GovTextInput(),
                       description="As partners know it, for example Mid and South Essex NHS Foundation Trust")
    kind = SelectField("Type of agency", widget=GovSelect(), validate_choice=False,
                       choices=[("", "Choose a type"), *AGENCY_TYPE.items()])
    submit = SubmitField("Add agency", widget=GovSubmitInput())


@agencies_bp.route("", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def index():
    form = AgencyForm()
    if request.method == "POST":
        try:
            agency = agency_service.add(name=form.name.data, kind=form.kind.data, actor=current_user)
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error)
        else:
            db.session.commit()
            flash(f"{agency.name} can now be invited to debriefs.", "success")
            return redirect(url_for("agencies.index"))
    return render_template("admin/agencies.html", title="Partner agencies", form=form,
                           agencies=within_pages(lambda n: agency_service.listed(n, PER_PAGE), page_number()),
                           labels=AGENCY_TYPE), 400 if form.errors else 200


@agencies_bp.route("/<int:agency_id>/<any(withdraw, restore):change>", methods=["POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def change(agency_id: int, change: str):
    agency = db.get_or_404(Agency, agency_id)
    agency_service.set_active(agency, change == "restore", actor=current_user)
    db.session.commit()
    flash(f"{agency.name} {'can be invited again' if agency.active else 'is withdrawn: past invitations stay'}.",
          "success")
    return redirect(url_for("agencies.index"))
