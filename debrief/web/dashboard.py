"""The board dashboard in the browser: the board's figures as charts, each with its data as a table,
narrowed by period, theme and incident type (the figures are services/dashboard.py's)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField

from debrief.vocabulary import THEME
from debrief.permissions import Rule, permission_required
from debrief.services import dashboard, reference_data
from debrief.services.errors import RuleBroken
from debrief.web.fields import date_field, date_problem
from debrief.web.forms import show_rule_errors

dashboard_bp = Blueprint("dashboard", __name__)


class DashboardFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    start = date_field("Recommendations made from", hint="For example, 1 4 2026. Leave empty for no start.")
    end = date_field("Recommendations made up to",
                     hint="For example, 30 6 2026. Leave empty for up to today.")
    theme = SelectField("Theme", widget=GovSelect(), validate_choice=False,
                        choices=[("", "All themes"), *THEME.items()])
    incident_type = SelectField("Type of incident", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


def _date_format_errors(form: DashboardFilterForm) -> dict[str, str]:
    """A date box typed into but not making a real date is refused, never quietly read as "no date"."""
    return {**date_problem(form.start, "The start of the period must be a real date, like 1 4 2026"),
            **date_problem(form.end, "The end of the period must be a real date, like 30 6 2026")}


@dashboard_bp.route("/board/dashboard")
@permission_required(Rule.ANALYSE)
def index():
    form = DashboardFilterForm(request.args)
    kinds = reference_data.incident_types(include_inactive=True)
    form.incident_type.choices = [("", "All types of incident"), *((kind.code, kind.label) for kind in kinds)]
    try:
        chosen = dashboard.filter_from(start=form.start.data, end=form.end.data, theme=form.theme.data,
                                       incident_type=form.incident_type.data,
                                       format_errors=_date_format_errors(form))
    except RuleBroken as error:
        show_rule_errors(form, error)
        return render_template("dashboard/index.html", title="Board dashboard", form=form, figures=None), 400
    return render_template("dashboard/index.html", title="Board dashboard", form=form,
                           figures=dashboard.figures(chosen))
