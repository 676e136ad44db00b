"""The forms for lessons, recommendations, their lifecycle, learning products and board decisions.
They carry what was typed; the services judge it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField

from debrief.web.fields import date_field, prose_field
from debrief.vocabulary import AUDIENCE, CLOSURE_CODE, LESSON_CATEGORY, PRIORITY, PRODUCT_KIND, SOURCE, THEME


def _choices(words: dict[str, str]) -> list[tuple[str, str]]:
    return list(words.items())


class LessonForm(FlaskForm):
    text = prose_field("What was learned", "lesson.text",
                       description="What went well or could be better, in a sentence or two.")
    category = RadioField("Category", choices=_choices(LESSON_CATEGORY), widget=GovRadioInput(),
                          validate_choice=False)
    themes = SelectMultipleField("Themes (optional)", choices=list(THEME.items()),
                                 widget=GovCheckboxesInput(), validate_choice=False)
    submit = SubmitField("Save lesson", widget=GovSubmitInput())


class RecommendationFields(FlaskForm):
    text = prose_field("Recommendation", "recommendation.text",
                       description="The action to take, written so the owner knows when it is done.")
    owner_email = StringField("Owner's email address", widget=GovTextInput(),
                              description="The member of staff responsible: start typing their name or email "
                                          "address. Only staff who hold the owner role can own a "
                                          "recommendation. They are told by email.")
    due_date = date_field("Due date", hint="For example, 31 3 2027")
    priority = RadioField("Priority", choices=_choices(PRIORITY), default="medium", widget=GovRadioInput(),
                          validate_choice=False)
    lesson_ids = SelectMultipleField("Lessons it answers (optional)", widget=GovCheckboxesInput(),
                                     validate_choice=False, choices=[])


class RecommendationForm(RecommendationFields):
    source = SelectField("Where it comes from", choices=_choices(SOURCE), default="debrief", widget=GovSelect(),
                         validate_choice=False)
    submit = SubmitField("Save recommendation", widget=GovSubmitInput())


class EditRecommendationForm(RecommendationFields):
    # The version the editor read: an edit made from an older one is refused, not saved over.
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    #: Where a service's field (and a stale edit's changed field) is shown on this form.
    ERROR_FIELDS = {"owner": "owner_email", "lessons": "lesson_ids"}


class NoteForm(FlaskForm):
    note = prose_field("Note", "recommendation.note")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class UpdateForm(FlaskForm):
    kind = RadioField("What are you adding?", widget=GovRadioInput(), validate_choice=False, choices=[
        ("progress", "Progress"), ("evidence", "Evidence of what was done")])
    text = prose_field("Details", "recommendation.note",
                       description="For evidence, say what it is and where it is kept, for example a document "
                                   "reference or a link on the force intranet.")
    submit = SubmitField("Add to the recommendation", widget=GovSubmitInput())


class CloseForm(FlaskForm):
    closure_code = RadioField("How is it closed?", choices=_choices(CLOSURE_CODE), widget=GovRadioInput(),
                              validate_choice=False)
    rationale = prose_field("The board's rationale (optional)", "recommendation.note",
                            description="Needed to close it as not implemented, and to close it as implemented "
                                        "or alternative action without a delivered learning product.")
    submit = SubmitField("Close recommendation", widget=GovSubmitInput())


class RationaleForm(FlaskForm):
    rationale = prose_field("The board's rationale", "recommendation.note")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EscalateForm(FlaskForm):
    escalate_to = StringField("Email address of the senior officer it is escalated to", widget=GovTextInput(),
                              description="They are told by email, and can open the recommendation.")
    rationale = prose_field("Why is the board escalating it?", "recommendation.note",
                            description="The owner and the senior officer see this.")
    submit = SubmitField("Escalate", widget=GovSubmitInput())


class ExtendForm(FlaskForm):
    new_due_date = date_field("New due date", hint="For example, 30 6 2027")
    rationale = prose_field("The board's rationale", "recommendation.note")
    submit = SubmitField("Extend the due date", widget=GovSubmitInput())


class ProductForm(FlaskForm):
    kind = SelectField("Kind of product", widget=GovSelect(), validate_choice=False,
                       choices=[("", "Choose a kind"), *_choices(PRODUCT_KIND)])
    title = StringField("Title", widget=GovTextInput())
    audience = SelectMultipleField("Who is it for?", choices=_choices(AUDIENCE), widget=GovCheckboxesInput(),
                                   validate_choice=False)
    target_count = StringField("How many people should it reach? (optional)", widget=GovTextInput(),
                               description="A whole number, for example 250")
    submit = SubmitField("Add learning product", widget=GovSubmitInput())


class ProductProgressForm(FlaskForm):
    status = RadioField("Status", widget=GovRadioInput(), validate_choice=False, choices=[])
    delivered_on = date_field("Date it was delivered", hint="Needed once it is delivered. For example, 14 1 2027")
    reached_count = StringField("How many people has it reached? (optional)", widget=GovTextInput(),
                                description="A whole number, for example 180")
    evidence = prose_field("Evidence (optional)", "product.evidence",
                           description="For example attendance records, or where the guidance was published.")
    submit = SubmitField("Save", widget=GovSubmitInput())

