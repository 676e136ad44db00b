"""The national library's pages, for its staff (LIBRARY_MODE): searching what forces shared, by words
or by meaning, with filters and "what worked"; and each force's contributions. The rules are in
services/library.py."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from debrief import vocabulary as words
from debrief.permissions import Rule, permission_required
from debrief.services import library
from debrief.services.errors import ValidationFailed
from debrief.web.forms import show_rule_errors
from debrief.web.library_search import PER_PAGE, search_form, with_forces

library_bp = Blueprint("library", __name__)


@library_bp.route("/library")
@permission_required(Rule.LIBRARY_STAFF)
def search():
    form, incident_types = search_form()
    with_forces(form, [(force.id, force.name) for force in library.forces()])
    page = dict(title=_("Library"), form=form, incident_types=incident_types, words=words)
    try:
        asked = library.read_page_search(request.args, per_page=PER_PAGE)
    except ValidationFailed as error:
        show_rule_errors(form, error)
        return render_template("library/search.html", result=None, scores={}, **page), 400
    result, scores = library.search(asked)
    if asked.page > result.pages:  # an old link past the end: the last page
        result, scores = library.search(replace(asked, page=result.pages))
    return render_template("library/search.html", result=result, scores=scores, asked=asked, **page)


@library_bp.route("/library/contributions")
@permission_required(Rule.LIBRARY_STAFF)
def contributions():
    return render_template("library/contributions.html", title=_("Contributions by force"),
                           rows=library.contributions())
