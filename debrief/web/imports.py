"""Importing recommendations from elsewhere as a CSV upload (reviewers and administrators): the same
service as the API's import, with the file's own line numbers in what it reports; and each import's
progress (how many repeat detection searches so far)."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from debrief.extensions import db
from debrief.permissions import Rule, permission_required
from debrief.services import imports
from debrief.services.errors import RuleBroken, ValidationFailed
from debrief.services.exports import csv_text
from debrief.web.forms import show_rule_errors
from debrief.vocabulary import CLOSURE_CODE, SOURCE

imports_bp = Blueprint("imports", __name__)

class ImportForm(FlaskForm):
    file = FileField(_l("Upload a CSV file"), widget=GovFileInput(),
                     description=_l("At most 2 MB and 1,000 recommendations, saved as CSV UTF-8."))
    submit = SubmitField(_l("Import recommendations"), widget=GovSubmitInput())


def _page(form: ImportForm, status: int = 200):
    return render_template("imports/new.html", title=_("Import recommendations"), form=form, sources=SOURCE,
                           statuses=imports.IMPORT_STATUSES, closure_codes=CLOSURE_CODE,
                           import_sources=imports.IMPORT_SOURCES), status


@imports_bp.route("/recommendations/import", methods=["GET", "POST"])
@permission_required(Rule.IMPORT_RECOMMENDATIONS)
def new():
    form = ImportForm()  # its CSRF token is checked for every post, before any view runs
    if request.method == "GET":
        return _page(form)
    upload = form.file.data
    try:
        if upload is None:
            raise ValidationFailed({"file": _("Select a CSV file")})
        # Read one byte past the limit: enough to know it is too large without reading it all.
        rows = imports.rows_from_csv(upload.stream.read(imports.MAX_CSV_BYTES + 1))
        result = imports.import_items(rows.items, actor=current_user, lines=rows.lines, day_first_dates=True)
    except RuleBroken as error:
        db.session.rollback()
        show_rule_errors(form, error, {"items": "file"})
        return _page(form, 400)
    # Read before the commit, which expires what the session holds (up to 1,000 reloads otherwise).
    imported = [(line, record.id, record.reference) for line, record in result.imported]
    progress_id = result.record.id if result.record else None
    db.session.commit()
    return render_template("imports/result.html", title=_("Import result"), imported=imported,
                           rejected=result.rejected, filename=upload.filename, progress_id=progress_id)


@imports_bp.route("/recommendations/imports/<int:import_id>")
@permission_required(Rule.IMPORT_RECOMMENDATIONS)
def progress(import_id: int):
    return render_template("imports/progress.html", title=_("Import %(id)s", id=import_id),
                           record=imports.get(import_id))


@imports_bp.route("/recommendations/import/template.csv")
@permission_required(Rule.IMPORT_RECOMMENDATIONS)
def template():
    return Response(csv_text(imports.FIELDS, []), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="recommendations-import.csv"'})
