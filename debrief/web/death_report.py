"""The analytical report on death investigations in the browser (its figures for a period, as tables
and a map of areas) and as a Word document. The figures are services/death_figures.py's; the Word
document is documents/deaths_report.py's."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from debrief import documents
from debrief.documents import deaths_report
from debrief.extensions import db
from debrief.permissions import Rule, permission_required
from debrief.services import death_figures
from debrief.services.death_figures import Period
from debrief.services.errors import RuleBroken
from debrief.web import death_maps
from debrief.web.fields import date_field, date_problem
from debrief.web.forms import show_rule_errors

death_report_bp = Blueprint("death_report", __name__)

TITLE = _l("Analytical report on death investigations")
# The service names the period's ends as the API does; the form's boxes are `start` and `end`.
FORM_FIELDS = {"from": "start", "to": "end"}


class ReportPeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    start = date_field(_l("From"), hint=_l("For example, 1 12 2025"))
    end = date_field(lazy_pgettext("the end of a period", "To"), hint=_l("For example, 30 11 2026"))
    submit = SubmitField(_l("Show figures"), widget=GovSubmitInput())


def _format_errors(form: ReportPeriodForm) -> dict[str, str]:
    """A date box typed into but not making a real date is refused, never quietly read as "no date"."""
    errors = {}
    if date_problem(form.start, "x"):
        errors["from"] = _("The start of the period must be a real date, like 1 12 2025")
    if date_problem(form.end, "x"):
        errors["to"] = _("The end of the period must be a real date, like 30 11 2026")
    return errors


def _show(form: ReportPeriodForm, period: Period) -> None:
    """Fills the date boxes with the period shown (the default one when none was asked for)."""
    for field, day in ((form.start, period.start), (form.end, period.end)):
        field.data = day
        field.raw_data = [str(day.day), str(day.month), str(day.year)]


@death_report_bp.route("/deaths/report")
@permission_required(Rule.READ_DEATHS)
def index():
    form = ReportPeriodForm(request.args)
    try:
        period = death_figures.period_of(form.start.data, form.end.data, format_errors=_format_errors(form))
    except RuleBroken as error:
        show_rule_errors(form, error, FORM_FIELDS)
        return render_template("deaths/report.html", title=TITLE, form=form, figures=None), 400
    _show(form, period)
    figures = death_figures.figures(period)
    area_map = death_maps.area_map(figures.extent, figures.area_counts, figures.positions)
    return render_template("deaths/report.html", title=TITLE, form=form, figures=figures, area_map=area_map,
                           max_dots=death_figures.MAP_DOTS)


@death_report_bp.route("/deaths/report.docx")
@permission_required(Rule.READ_DEATHS)
def document():
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both or neither (the default period)."""
    errors: dict[str, str] = {}
    start, end = _iso_date(request.args.get("from"), "from", errors), _iso_date(request.args.get("to"), "to", errors)
    try:
        period = death_figures.period_of(start, end, format_errors=errors)
    except RuleBroken as error:
        abort(400, " ".join(error.fields.values()) or error.message)
    content = deaths_report.build(period.start, period.end, current_user)
    db.session.commit()  # the audit record of who took the report
    return documents.response(content, deaths_report.filename(period.start, period.end))


def _iso_date(value: str | None, name: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[name] = (_("The start of the period must be a date like 2026-11-30") if name == "from" else
                        _("The end of the period must be a date like 2026-11-30"))
        return None
