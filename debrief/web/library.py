"""The national library's pages, for its staff (LIBRARY_MODE): searching what forces shared, by words
or by meaning, with filters and "what worked"; and each force's contributions. The rules are in
services/library.py."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField

from debrief import vocabulary as words
from debrief.permissions import Rule, permission_required
from debrief.services import library, reference_data
from debrief.services.errors import ValidationFailed
from debrief.web.forms import show_rule_errors

library_bp = Blueprint("library", __name__)

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


@library_bp.route("/library")
@permission_required(Rule.LIBRARY_STAFF)
def search():
    form = LibrarySearchForm(request.args)
    incident_types = reference_data.incident_type_words()
    form.incident_type.choices = [("", _("All types of incident")), *incident_types.items()]
    form.force.choices = [("", _("All forces")), *((str(f.id), f.name) for f in library.forces())]
    args = {name: value for name, value in request.args.items() if name in library.SEARCH_FIELDS}
    args.pop("mine", None)
    args.pop("since", None)
    try:
        asked = library.read_search(args, per_page=PER_PAGE)
    except ValidationFailed as error:
        show_rule_errors(form, error)
        return render_template("library/search.html", title=_("Library"), form=form, result=None, scores={},
                               incident_types=incident_types, words=words), 400
    result, scores = library.search(asked)
    if asked.page > result.pages:  # an old link past the end: the last page
        result, scores = library.search(replace(asked, page=result.pages))
    return render_template("library/search.html", title=_("Library"), form=form, result=result, scores=scores,
                           asked=asked, incident_types=incident_types, words=words)


@library_bp.route("/library/contributions")
@permission_required(Rule.LIBRARY_STAFF)
def contributions():
    return render_template("library/contributions.html", title=_("Contributions by force"),
                           rows=library.contributions())
