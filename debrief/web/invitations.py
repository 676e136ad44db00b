"""Inviting partner agencies from the debrief page, resending an invitation's email, and withdrawing
invitations (after a confirmation page)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField

from debrief import vocabulary
from debrief.extensions import db
from debrief.i18n import LANGUAGES
from debrief.permissions import Rule, permission_required
from debrief.services import agencies, invitations, validation
from debrief.services.errors import RuleBroken
from debrief.web.debriefs import debrief_or_404
from debrief.web.forms import ConfirmForm, act, show_rule_errors

invitations_bp = Blueprint("invitations", __name__)


@invitations_bp.app_context_processor
def invitation_words() -> dict:
    """The words for an invitation's codes, for the partner agencies on the debrief page
    (templates/invitations/_section.html, included by the debrief's page)."""
    return {"invitation_words": {"state": vocabulary.INVITATION_STATE, "email_status": vocabulary.INVITATION_EMAIL_STATUS,
                                 "prior_contact": vocabulary.PRIOR_CONTACT, "language": vocabulary.INVITATION_LANGUAGE}}


class InvitationForm(FlaskForm):
    agency = SelectField(_l("Agency"), widget=GovSelect(), validate_choice=False)
    name = StringField(_l("Contact's name (optional)"), widget=GovTextInput())
    email = StringField(_l("Contact's email address"), widget=GovTextInput(),
                        description=_l("The invitation link goes to this address only."))
    # Each language named in itself, as the language link names it.
    language = RadioField(_l("Language of the emails and the partner's page"), widget=GovRadioInput(),
                          choices=list(LANGUAGES.items()), validate_choice=False,
                          description=_l("If you choose neither, the agency's own language is used."))
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())


@invitations_bp.route("/debriefs/<int:debrief_id>/invitations/new", methods=["GET", "POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def new(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    form = InvitationForm()
    form.agency.choices = [("", _("Choose an agency")),
                           *[(str(a.id), a.localised_name) for a in agencies.agencies()]]
    existing = None
    if request.method == "POST":
        chosen = validation.typed_id(form.agency.data) or form.agency.data
        try:
            invitation, _link = invitations.invite(debrief, agency=chosen, email=form.email.data,
                                                   name=form.name.data, actor=current_user,
                                                   language=form.language.data)
        except invitations.AlreadyInvited as error:
            db.session.rollback()
            show_rule_errors(form, error)
            existing = error.existing
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error)
        else:
            db.session.commit()
            flash(_("Invitation for %(agency)s queued for %(email)s. Its email status shows when the email has "
                    "gone. The link in it works for that person only.", agency=invitation.agency.localised_name,
                    email=invitation.contact_email), "success")
            return redirect(url_for("debriefs.show", debrief_id=debrief.id, _anchor="partners"))
    return render_template("invitations/new.html", title=_("Invite a partner agency to %(reference)s",
                                                           reference=debrief.reference),
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
            lambda: _("The invitation to %(agency)s is withdrawn: its link no longer works.",
                      agency=invitation.agency.localised_name))
        return _back_to(invitation)
    if invitation.revoked_at is not None:
        flash(_("This invitation is already withdrawn."), "info")
        return _back_to(invitation)
    return render_template("invitations/revoke.html",
                           title=_("Withdraw the invitation to %(agency)s", agency=invitation.agency.localised_name),
                           invitation=invitation, debrief=invitation.debrief, form=form,
                           contributions=len(invitation.contributions)), 400 if form.errors else 200


@invitations_bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@permission_required(Rule.RUN_DEBRIEFS)
def resend(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: invitations.resend(invitation, actor=current_user),
            lambda: _("The invitation is being emailed to %(email)s again, with a new link. The link in the "
                      "earlier email still works.", email=invitation.contact_email))
    return _back_to(invitation)
