"""The partner's page: no account, one secret link, one debrief.

Nothing here trusts a session or grants staff access; the link's secret is the only key, and it is
kept out of logs (debrief/log_redaction.py), out of other sites' Referer headers and out of caches
(debrief/web/security.py).
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import ValidationError

from debrief.extensions import csrf, db
from debrief.i18n import number, set_page_language
from debrief.services import clocks, invitations, throttling
from debrief.services.errors import Gone, NotFound, RuleBroken
from debrief.web.fields import prose_field
from debrief.web.forms import show_rule_errors
from debrief.web.throttled import too_many_attempts

partner = Blueprint("partner", __name__)


class ContributionForm(FlaskForm):
    attending = RadioField(_l("Will someone from your agency attend the rapid debrief meeting?"),
                           choices=[("yes", _l("Yes")), ("no", _l("No"))], widget=GovRadioInput(), validate_choice=False)
    prior_contact = RadioField(_l("Did your agency have contact with the victim or the suspect before the incident?"),
                               choices=[("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not known"))],
                               widget=GovRadioInput(), validate_choice=False)
    contact_summary = prose_field(_l("Summary of that contact"), "contribution.contact_summary",
                                  description=_l("When, who, and what happened. Do not include documents."))
    learning = prose_field(_l("What could be learned? (optional)"), "contribution.learning",
                           description=_l("Anything your agency, the police or others could do differently."))
    submit = SubmitField(_l("Send to the review team"), widget=GovSubmitInput())


def character_count_words(limit: int, **params) -> dict:
    """GOV.UK's character count's `params` in the page's language: the hint under the box and what its
    script says as the person types (Welsh has six plural forms; English uses `one` and `other`)."""
    left = _("You have %{count} characters remaining")
    over = _("You have %{count} characters too many")
    return {
        **params,
        "textareaDescriptionText": _("You can enter up to %(count)s characters", count=number(limit)),
        "charactersUnderLimitText": {"one": _("You have %{count} character remaining"), "two": left, "few": left,
                                     "many": left, "other": left},
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {"one": _("You have %{count} character too many"), "two": over, "few": over,
                                    "many": over, "other": over},
    }


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
        # The page is in the invitation's language unless the person chose another (the language link).
        invitation = invitations.for_partner(token, found=lambda known: set_page_language(known.language))
    except NotFound as error:
        # Only unknown links are counted and refused: a real link opens even from a throttled address.
        try:
            throttling.wrong_invitation_link(request.remote_addr)
        except throttling.TooManyAttempts as too_many:
            return too_many_attempts(too_many)
        return render_template("partner/unknown.html", title=_("Link not recognised"), message=error.message), 404
    except Gone as error:
        db.session.commit()  # the refused use, in the history
        return render_template("partner/gone.html", title=_("This invitation is no longer open"),
                               message=error.message, contact=error.fields), 410
    debrief = invitation.debrief
    form = ContributionForm()
    latest = invitation.contributions[-1] if invitation.contributions else None
    if request.method == "POST" and not _came_from_this_page():
        form.form_errors.append(_("This page was open for a long time, so your answers were not sent yet. "
                                  "Check them and press the button again."))
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
            return render_template("partner/thanks.html", title=_("Contribution sent"), invitation=invitation,
                                   debrief=debrief, contribution=contribution)
    else:
        invitations.record_opened(invitation)
        db.session.commit()
        if latest is not None:
            form.attending.data = "yes" if latest.attending else "no"
            form.prior_contact.data = latest.prior_contact
            form.contact_summary.data = latest.contact_summary
            form.learning.data = latest.learning
    return render_template("partner/contribute.html", title=_("Rapid debrief %(reference)s", reference=debrief.reference),
                           form=form, invitation=invitation, debrief=debrief, latest=latest,
                           character_count=character_count_words,
                           deadline=clocks.partner_clock(invitation.id)), 400 if form.errors else 200
