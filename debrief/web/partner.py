"""The partner's page: no account, one secret link, one debrief.

Nothing here trusts a session or grants staff access; the link's secret is the only key, and it is
kept out of logs (debrief/log_redaction.py), out of other sites' Referer headers and out of caches
(debrief/web/security.py).
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import ValidationError

from debrief.extensions import csrf, db
from debrief.services import clocks, invitations, throttling
from debrief.services.errors import Gone, NotFound, RuleBroken
from debrief.web.fields import prose_field
from debrief.web.forms import show_rule_errors
from debrief.web.throttled import too_many_attempts

partner = Blueprint("partner", __name__)


class ContributionForm(FlaskForm):
    attending = RadioField("Will someone from your agency attend the rapid debrief meeting?",
                           choices=[("yes", "Yes"), ("no", "No")], widget=GovRadioInput(), validate_choice=False)
    prior_contact = RadioField("Did your agency have contact with the victim or the suspect before the incident?",
                               choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")],
                               widget=GovRadioInput(), validate_choice=False)
    contact_summary = prose_field("Summary of that contact", "contribution.contact_summary",
                                  description="When, who, and what happened. Do not include documents.")
    learning = prose_field("What could be learned? (optional)", "contribution.learning",
                           description="Anything your agency, the police or others could do differently.")
    submit = SubmitField("Send to the review team", widget=GovSubmitInput())


def _came_from_this_page() -> bool:
    """The CSRF check, made here rather than before the view: a partner whose phone dropped the session
    gets their answers back with a note, instead of an error page that loses what they typed."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


@partner.route("/invite/<token>", methods=["GET", "POST"])
@csrf.exempt
def contribute(token: str):
    try:
        invitation = invitations.for_partner(token)
    except NotFound as error:
        # Only unknown links are counted and refused: a real link opens even from a throttled address.
        try:
            throttling.wrong_invitation_link(request.remote_addr)
        except throttling.TooManyAttempts as too_many:
            return too_many_attempts(too_many)
        return render_template("partner/unknown.html", title="Link not recognised", message=error.message), 404
    except Gone as error:
        db.session.commit()  # the refused use, in the history
        return render_template("partner/gone.html", title="This invitation is no longer open",
                               message=error.message, contact=error.fields), 410
    debrief = invitation.debrief
    form = ContributionForm()
    latest = invitation.contributions[-1] if invitation.contributions else None
    if request.method == "POST" and not _came_from_this_page():
        form.form_errors.append("This page was open for a long time, so your answers were not sent yet. "
                                "Check them and press the button again.")
    elif request.method == "POST":
        details = invitations.ContributionDetails(
            attending=form.attending.data, prior_contact=form.prior_contact.data,
            contact_summary=form.contact_summary.data, learning=form.learning.data)
        try:
            contribution = invitations.contribute(invitation, details)
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error)
        else:
            db.session.commit()
            return render_template("partner/thanks.html", title="Contribution sent", invitation=invitation,
                                   debrief=debrief, contribution=contribution)
    else:
        invitations.record_opened(invitation)
        db.session.commit()
        if latest is not None:
            form.attending.data = "yes" if latest.attending else "no"
            form.prior_contact.data = latest.prior_contact
            form.contact_summary.data = latest.contact_summary
            form.learning.data = latest.learning
    return render_template("partner/contribute.html", title=f"Rapid debrief {debrief.reference}", form=form,
                           invitation=invitation, debrief=debrief, latest=latest,
                           deadline=clocks.partner_clock(invitation.id)), 400 if form.errors else 200
