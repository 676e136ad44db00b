"""Administration of partner agencies."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField

from debrief.extensions import db
from debrief.models import Agency
from debrief.vocabulary import AGENCY_TYPE, LANGUAGE_NAME
from debrief.permissions import Rule, permission_required
from debrief.services import agencies as agency_service
from debrief.services.errors import RuleBroken
from debrief.web.forms import save, show_rule_errors
from debrief.web.paging import page_number, within_pages

PER_PAGE = 50

agencies_bp = Blueprint("agencies", __name__, url_prefix="/admin/agencies")


class AgencyForm(FlaskForm):
    name = StringField(_l("Name of the agency"), widget=GovTextInput(),
                       description=_l("As partners know it, for example Mid and South Essex NHS Foundation Trust"))
    name_cy = StringField(_l("Welsh name (optional)"), widget=GovTextInput(),
                          description=_l("Welsh pages and emails show it. Leave it empty where the agency has "
                                         "no Welsh name."))
    kind = SelectField(_l("Type of agency"), widget=GovSelect(), validate_choice=False,
                       choices=[("", _l("Choose a type")), *AGENCY_TYPE.items()])
    language = RadioField(_l("Language for invitations"), widget=GovRadioInput(), validate_choice=False,
                          choices=list(LANGUAGE_NAME.items()), default="en",
                          description=_l("Its contacts get their invitation emails and their page in this "
                                         "language, unless the reviewer chooses the other."))
    submit = SubmitField(_l("Add agency"), widget=GovSubmitInput())


class AgencyWelshForm(FlaskForm):
    name_cy = AgencyForm.name_cy
    language = AgencyForm.language
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


@agencies_bp.route("", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def index():
    form = AgencyForm()
    if request.method == "POST":
        try:
            agency = agency_service.add(name=form.name.data, kind=form.kind.data, name_cy=form.name_cy.data,
                                        language=form.language.data, actor=current_user)
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s can now be invited to debriefs.", name=agency.localised_name), "success")
            return redirect(url_for("agencies.index"))
    return render_template("admin/agencies.html", title=_("Partner agencies"), form=form,
                           agencies=within_pages(lambda n: agency_service.listed(n, PER_PAGE), page_number()),
                           labels=AGENCY_TYPE), 400 if form.errors else 200


@agencies_bp.route("/<int:agency_id>/<any(withdraw, restore):change>", methods=["POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def change(agency_id: int, change: str):
    agency = db.get_or_404(Agency, agency_id)
    agency_service.set_active(agency, change == "restore", actor=current_user)
    db.session.commit()
    flash(_("%(name)s can be invited again.", name=agency.localised_name) if agency.active
          else _("%(name)s is withdrawn: past invitations stay.", name=agency.localised_name), "success")
    return redirect(url_for("agencies.index"))


@agencies_bp.route("/<int:agency_id>/welsh", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_REFERENCE_DATA)
def welsh(agency_id: int):
    """An agency's Welsh name and the language its contacts are invited in."""
    agency = db.get_or_404(Agency, agency_id)
    form = AgencyWelshForm(obj=agency)
    if request.method == "POST":
        saved, _result = save(form, lambda: agency_service.set_welsh(
            agency, name_cy=form.name_cy.data, language=form.language.data, actor=current_user))
        if saved:
            flash(_("The Welsh for %(name)s is saved.", name=agency.name), "success")
            return redirect(url_for("agencies.index"))
    return render_template("admin/welsh_name.html", title=_("Welsh name and language"), form=form,
                           english=agency.name, back=url_for("agencies.index"),
                           back_text=_("Back to partner agencies")), 400 if form.errors else 200
