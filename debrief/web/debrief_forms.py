"""The forms for debriefs, their meeting and their clocks. They carry values; the services judge them."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField

from debrief.vocabulary import RELATIONSHIP, THEME, VICTIM_SEX, WEAPON
from debrief.services.clocks import REASON_MAX
from debrief.web.fields import date_field, prose_field, time_field


def _choices(vocabulary: dict) -> list[tuple[str, str]]:
    return list(vocabulary.items())


class DebriefForm(FlaskForm):
    incident_type = RadioField("Type of incident", widget=GovRadioInput(), validate_choice=False)
    crime_reference = StringField("Crime reference", widget=GovTextInput())
    operation_name = StringField("Operation name (optional)", widget=GovTextInput())
    occurred_on = date_field("Date the incident happened")
    occurred_time = time_field("Time the incident happened")
    reported_on = date_field("Date the incident was reported to police")
    reported_time = time_field("Time the incident was reported")
    area = StringField("Area (optional)", widget=GovTextInput(),
                       description="The policing area or town, for example Southend")
    summary = prose_field("Internal summary", "debrief.summary",
                          description="For police staff only. Never shown to partner agencies.")
    partner_briefing = prose_field("Briefing for partner agencies (optional)", "debrief.partner_briefing",
                                   description="What invited partner agencies may read. Leave out evidential detail.")
    themes = SelectMultipleField("Themes (optional)", choices=_choices(THEME), widget=GovCheckboxesInput(),
                                 validate_choice=False)
    victim_age = StringField("Victim's age (optional)", widget=GovTextInput(),
                             description="In years. Under 18 starts the child safeguarding clocks.")
    victim_sex = RadioField("Victim's sex (optional)", choices=_choices(VICTIM_SEX), widget=GovRadioInput(),
                            validate_choice=False)
    relationship_to_suspect = SelectField(
        "Victim's relationship to the suspect (optional)", widget=GovSelect(), validate_choice=False,
        choices=[("", "Not recorded"), *_choices(RELATIONSHIP)])
    domestic = BooleanField("Domestic: the victim and suspect were partners, ex-partners or family",
                            widget=GovCheckboxInput())
    weapon = RadioField("Weapon (optional)", choices=_choices(WEAPON), widget=GovRadioInput(),
                        validate_choice=False)
    prior_police_contact = BooleanField("Police had contact with the victim or suspect before the incident",
                                        widget=GovCheckboxInput())
    submit = SubmitField("Save debrief", widget=GovSubmitInput())

    #: Where a service's message about a field is shown on this form.
    ERROR_FIELDS = {"occurred_at": "occurred_on", "reported_at": "reported_on"}


class MeetingForm(FlaskForm):
    held_on = date_field("Date of the meeting")
    held_time = time_field("Time the meeting started")
    attendees = TextAreaField(
        "Who attended", widget=GovTextArea(),
        description="One person a line: their name, a comma, then their agency. "
                    "For example: DS Priya Shah, Essex Police")
    submit = SubmitField("Save meeting record", widget=GovSubmitInput())

    ERROR_FIELDS = {"held_at": "held_on"}


class MetForm(FlaskForm):
    met_on = date_field("Date it was met")
    met_time = time_field("Time it was met")
    submit = SubmitField("Mark as met", widget=GovSubmitInput())

    ERROR_FIELDS = {"at": "met_on"}


class ExtendForm(FlaskForm):
    due_date = date_field("New due date", hint="For example, 30 12 2026")
    reason = prose_field("Reason for the extension", REASON_MAX)
    submit = SubmitField("Extend deadline", widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    reason = prose_field("Reason", REASON_MAX)
    submit = SubmitField("Continue", widget=GovSubmitInput())
