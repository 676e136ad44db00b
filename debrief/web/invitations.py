"""Inviting partner agencies from the debrief page, resending an invitation's email, and withdrawing
invitations (after a confirmation page)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField

from debrief.extensions import db
from debrief.permissions import Rule, permission_required
from debrief.services import agencies, invitations, validation
from debrief.services.errors import RuleBroken
from debrief.web.debriefs import debrief_or_404
from debrief.web.forms import ConfirmForm, act, show_rule_errors

invitations_bp = Blueprint("invitations", __name__)


class InvitationForm(FlaskForm):
    agency = SelectField("Agency", widget=GovSelect(), validate_choice=False)
    name = StringField("Contact's name (optional)", widget=GovTextInput())
    email = StringField("Contact's email address", widget=GovTextInput(),
                        description="The invitation link goes to this address only.")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


@invitations_bp.route("/debriefs/<int:debrief_id>/invitations/new", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def new(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    form = InvitationForm()
    form.agency.choices = [("", "Choose an agency"), *[(str(a.id), a.name) for a in agencies.agencies()]]
    existing = None
    if request.method == "POST":
        chosen = validation.typed_id(form.agency.data) or form.agency.data
        try:
            invitation, _link = invitations.invite(debrief, agency=chosen, email=form.email.data,
                                                   name=form.name.data, actor=current_user)
        except invitations.AlreadyInvited as error:
            db.session.rollback()
            show_rule_errors(form, error)
            existing = error.existing
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error)
        else:
            db.session.commit()
            flash(f"Invitation for {invitation.agency.name} queued for {invitation.contact_email}. Its email status "
                  "shows when the email has gone. The link in it works for that person only.", "success")
            return redirect(url_for("debriefs.show", debrief_id=debrief.id, _anchor="partners"))
    return render_template("invitations/new.html", title=f"Invite a partner agency to {debrief.reference}",
                           form=form, debrief=debrief, has_agencies=len(form.agency.choices) > 1,
                           existing=existing if request.method == "POST" else None), \
        400 if form.errors else 200


def invitation_or_404(invitation_id: int):
    invitation = invitations.get(invitation_id)
    if invitation is None:
        abort(404)
    return invitation


def _back_to(invitation):
    return redirect(url_for("debriefs.show", debrief_id=invitation.debrief_id, _anchor="partners"))


@invitations_bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def revoke(invitation_id: int):
    """Asks first (saying so when the partner has already answered); withdraws on the button."""
    invitation = invitation_or_404(invitation_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        act(lambda: invitations.revoke(invitation, actor=current_user),
            lambda: f"The invitation to {invitation.agency.name} is withdrawn: its link no longer works.")
        return _back_to(invitation)
    if invitation.revoked_at is not None:
        flash("This invitation is already withdrawn.", "info")
        return _back_to(invitation)
    return render_template("invitations/revoke.html", title=f"Withdraw the invitation to {invitation.agency.name}",
                           invitation=invitation, debrief=invitation.debrief, form=form,
                           contributions=len(invitation.contributions)), 400 if form.errors else 200


@invitations_bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def resend(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: invitations.resend(invitation, actor=current_user),
            lambda: f"The invitation is being emailed to {invitation.contact_email} again, with a new link. "
                    "The link in the earlier email still works.")
    return _back_to(invitation)
