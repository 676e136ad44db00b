"""The forms for debriefs, their meeting and their clocks. They carry values; the services judge them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField

from debrief.vocabulary import RELATIONSHIP, THEME, VICTIM_SEX, WEAPON
from debrief.services.clocks import REASON_MAX
from debrief.web.fields import date_field, prose_field, time_field


class DebriefForm(FlaskForm):
    incident_type = RadioField(_l("Type of incident"), widget=GovRadioInput(), validate_choice=False)
    crime_reference = StringField(_l("Crime reference"), widget=GovTextInput())
    operation_name = StringField(_l("Operation name (optional)"), widget=GovTextInput())
    occurred_on = date_field(_l("Date the incident happened"))
    occurred_time = time_field(_l("Time the incident happened"))
    reported_on = date_field(_l("Date the incident was reported to police"))
    reported_time = time_field(_l("Time the incident was reported"))
    area = StringField(_l("Area (optional)"), widget=GovTextInput(),
                       description=_l("The policing area or town, for example Southend"))
    summary = prose_field(_l("Internal summary"), "debrief.summary",
                          description=_l("For police staff only. Never shown to partner agencies."))
    partner_briefing = prose_field(_l("Briefing for partner agencies (optional)"), "debrief.partner_briefing",
                                   description=_l("What invited partner agencies may read. Leave out evidential detail."))
    themes = SelectMultipleField(_l("Themes (optional)"), choices=list(THEME.items()), widget=GovCheckboxesInput(),
                                 validate_choice=False)
    victim_age = StringField(_l("Victim's age (optional)"), widget=GovTextInput(),
                             description=_l("In years. Under 18 starts the child safeguarding clocks."))
    victim_sex = RadioField(_l("Victim's sex (optional)"), choices=list(VICTIM_SEX.items()), widget=GovRadioInput(),
                            validate_choice=False)
    relationship_to_suspect = SelectField(
        _l("Victim's relationship to the suspect (optional)"), widget=GovSelect(), validate_choice=False,
        choices=[("", _l("Not recorded")), *RELATIONSHIP.items()])
    domestic = BooleanField(_l("Domestic: the victim and suspect were partners, ex-partners or family"),
                            widget=GovCheckboxInput())
    weapon = RadioField(_l("Weapon (optional)"), choices=list(WEAPON.items()), widget=GovRadioInput(),
                        validate_choice=False)
    prior_police_contact = BooleanField(_l("Police had contact with the victim or suspect before the incident"),
                                        widget=GovCheckboxInput())
    submit = SubmitField(_l("Save debrief"), widget=GovSubmitInput())

    #: Where a service's message about a field is shown on this form.
    ERROR_FIELDS = {"occurred_at": "occurred_on", "reported_at": "reported_on"}


class MeetingForm(FlaskForm):
    held_on = date_field(_l("Date of the meeting"))
    held_time = time_field(_l("Time the meeting started"))
    attendees = TextAreaField(
        _l("Who attended"), widget=GovTextArea(),
        description=_l("One person a line: their name, a comma, then their agency. "
                       "For example: DS Priya Shah, Essex Police"))
    submit = SubmitField(_l("Save meeting record"), widget=GovSubmitInput())

    ERROR_FIELDS = {"held_at": "held_on"}


class MetForm(FlaskForm):
    met_on = date_field(_l("Date it was met"))
    met_time = time_field(_l("Time it was met"))
    submit = SubmitField(_l("Mark as met"), widget=GovSubmitInput())

    ERROR_FIELDS = {"at": "met_on"}


class ExtendForm(FlaskForm):
    due_date = date_field(_l("New due date"), hint=_l("For example, 30 12 2026"))
    reason = prose_field(_l("Reason for the extension"), REASON_MAX)
    submit = SubmitField(_l("Extend deadline"), widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    reason = prose_field(_l("Reason"), REASON_MAX)
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
