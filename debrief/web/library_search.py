"""The search form of the national library: its staff's page (web/library.py, LIBRARY_MODE) and a force's
page (web/sharing.py, over the library's API) ask the same things, checked by the same rules
(services/library.py read_search)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField

from debrief import vocabulary as words
from debrief.services import library, reference_data

#: Items on a page of either search.
PER_PAGE = 20


class LibrarySearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(_l("Search the library"), widget=GovTextInput(),
                    description=_l("Words in the lesson or recommendation, or what you want to find like it"))
    by = RadioField(_l("Search by"), widget=GovRadioInput(), default=library.BY_WORDS, validate_choice=False,
                    choices=[(library.BY_WORDS, _l("Words: every word appears in the text")),
                             (library.BY_MEANING, _l("Meaning: the closest in meaning first, whatever their words"))])
    what_worked = BooleanField(_l("Only what worked: closed as implemented, with the learning products that "
                                  "delivered it"), widget=GovCheckboxInput())
    kind = SelectField(_l("Lessons or recommendations"), widget=GovSelect(), validate_choice=False,
                       choices=[("", _l("Both")), *words.LIBRARY_ITEM_KIND.items()])
    theme = SelectField(_l("Theme"), widget=GovSelect(), validate_choice=False,
                        choices=[("", _l("All themes")), *words.THEME.items()])
    incident_type = SelectField(_l("Type of incident"), widget=GovSelect(), validate_choice=False)
    status = SelectField(_l("Status"), widget=GovSelect(), validate_choice=False,
                         choices=[("", _l("Any status")), *words.STATUS.items()])
    closure_code = SelectField(_l("Closure code"), widget=GovSelect(), validate_choice=False,
                               choices=[("", _l("Any closure code")), *words.CLOSURE_CODE.items()])
    force = SelectField(_l("Force"), widget=GovSelect(), validate_choice=False)
    year = StringField(_l("Year issued"), widget=GovTextInput(), description=_l("For example, 2025"))
    submit = SubmitField(_l("Search"), widget=GovSubmitInput())


def search_form() -> tuple[LibrarySearchForm, dict[str, str]]:
    """The form as asked (the query string), with this deployment's incident types to choose from; and
    their words, for the items found. Its forces are the caller's to fill in (`with_forces`)."""
    form = LibrarySearchForm(request.args)
    incident_types = reference_data.incident_type_words()
    form.incident_type.choices = [("", _("All types of incident")), *incident_types.items()]
    with_forces(form, [])
    return form, incident_types


def with_forces(form: LibrarySearchForm, forces: list[tuple[int, str]]) -> None:
    form.force.choices = [("", _("All forces")), *((str(force_id), name) for force_id, name in forces)]

