"""The forms for lessons, recommendations, their lifecycle, learning products and board decisions.
They carry what was typed; the services judge it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput,
)
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField

from debrief.web.fields import date_field, prose_field
from debrief.vocabulary import AUDIENCE, CLOSURE_CODE, LESSON_CATEGORY, PRIORITY, PRODUCT_KIND, SOURCE, THEME


def _choices(words: dict[str, str]) -> list[tuple[str, str]]:
    return list(words.items())


class LessonForm(FlaskForm):
    text = prose_field(_l("What was learned"), "lesson.text",
                       description=_l("What went well or could be better, in a sentence or two."))
    category = RadioField(_l("Category"), choices=_choices(LESSON_CATEGORY), widget=GovRadioInput(),
                          validate_choice=False)
    themes = SelectMultipleField(_l("Themes (optional)"), choices=list(THEME.items()),
                                 widget=GovCheckboxesInput(), validate_choice=False)
    submit = SubmitField(_l("Save lesson"), widget=GovSubmitInput())


class RecommendationFields(FlaskForm):
    text = prose_field(_l("Recommendation"), "recommendation.text",
                       description=_l("The action to take, written so the owner knows when it is done."))
    owner_email = StringField(_l("Owner's email address"), widget=GovTextInput(),
                              description=_l("The member of staff responsible: start typing their name or email "
                                          "address. Only staff who hold the owner role can own a "
                                          "recommendation. They are told by email."))
    due_date = date_field(_l("Due date"), hint=_l("For example, 31 3 2027"))
    priority = RadioField(_l("Priority"), choices=_choices(PRIORITY), default="medium", widget=GovRadioInput(),
                          validate_choice=False)
    lesson_ids = SelectMultipleField(_l("Lessons it answers (optional)"), widget=GovCheckboxesInput(),
                                     validate_choice=False, choices=[])


class RecommendationForm(RecommendationFields):
    source = SelectField(_l("Where it comes from"), choices=_choices(SOURCE), default="debrief", widget=GovSelect(),
                         validate_choice=False)
    submit = SubmitField(_l("Save recommendation"), widget=GovSubmitInput())


class EditRecommendationForm(RecommendationFields):
    # The version the editor read: an edit made from an older one is refused, not saved over.
    version = HiddenField()
    submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())

    #: Where a service's field (and a stale edit's changed field) is shown on this form.
    ERROR_FIELDS = {"owner": "owner_email", "lessons": "lesson_ids"}


class NoteForm(FlaskForm):
    note = prose_field(_l("Note"), "recommendation.note")
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class UpdateForm(FlaskForm):
    kind = RadioField(_l("What are you adding?"), widget=GovRadioInput(), validate_choice=False, choices=[
        ("progress", _l("Progress")), ("evidence", _l("Evidence of what was done"))])
    text = prose_field(_l("Details"), "recommendation.note",
                       description=_l("For evidence, say what it is and where it is kept, for example a document "
                                   "reference or a link on the force intranet."))
    submit = SubmitField(_l("Add to the recommendation"), widget=GovSubmitInput())


class CloseForm(FlaskForm):
    closure_code = RadioField(_l("How is it closed?"), choices=_choices(CLOSURE_CODE), widget=GovRadioInput(),
                              validate_choice=False)
    rationale = prose_field(_l("The board's rationale (optional)"), "recommendation.note",
                            description=_l("Needed to close it as not implemented, and to close it as implemented "
                                        "or alternative action without a delivered learning product."))
    submit = SubmitField(_l("Close recommendation"), widget=GovSubmitInput())


class RationaleForm(FlaskForm):
    rationale = prose_field(_l("The board's rationale"), "recommendation.note")
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class EscalateForm(FlaskForm):
    escalate_to = StringField(_l("Email address of the senior officer it is escalated to"), widget=GovTextInput(),
                              description=_l("They are told by email, and can open the recommendation."))
    rationale = prose_field(_l("Why is the board escalating it?"), "recommendation.note",
                            description=_l("The owner and the senior officer see this."))
    submit = SubmitField(_l("Escalate"), widget=GovSubmitInput())


class ExtendForm(FlaskForm):
    new_due_date = date_field(_l("New due date"), hint=_l("For example, 30 6 2027"))
    rationale = prose_field(_l("The board's rationale"), "recommendation.note")
    submit = SubmitField(_l("Extend the due date"), widget=GovSubmitInput())


class ProductForm(FlaskForm):
    kind = SelectField(_l("Kind of product"), widget=GovSelect(), validate_choice=False,
                       choices=[("", _l("Choose a kind")), *_choices(PRODUCT_KIND)])
    title = StringField(_l("Title"), widget=GovTextInput())
    audience = SelectMultipleField(_l("Who is it for?"), choices=_choices(AUDIENCE), widget=GovCheckboxesInput(),
                                   validate_choice=False)
    target_count = StringField(_l("How many people should it reach? (optional)"), widget=GovTextInput(),
                               description=_l("A whole number, for example 250"))
    submit = SubmitField(_l("Add learning product"), widget=GovSubmitInput())


class ProductProgressForm(FlaskForm):
    status = RadioField(_l("Status"), widget=GovRadioInput(), validate_choice=False, choices=[])
    delivered_on = date_field(_l("Date it was delivered"), hint=_l("Needed once it is delivered. For example, 14 1 2027"))
    reached_count = StringField(_l("How many people has it reached? (optional)"), widget=GovTextInput(),
                                description=_l("A whole number, for example 180"))
    evidence = prose_field(_l("Evidence (optional)"), "product.evidence",
                           description=_l("For example attendance records, or where the guidance was published."))
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

