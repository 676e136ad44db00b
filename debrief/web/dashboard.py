"""The board dashboard in the browser: the board's figures as charts, each with its data as a table,
narrowed by period, theme and incident type (the figures are services/dashboard.py's)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField

from debrief.i18n import long_date
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

    start = date_field(_l("Recommendations made from"), hint=_l("For example, 1 4 2026. Leave empty for no start."))
    end = date_field(_l("Recommendations made up to"),
                     hint=_l("For example, 30 6 2026. Leave empty for up to today."))
    theme = SelectField(_l("Theme"), widget=GovSelect(), validate_choice=False,
                        choices=[("", _l("All themes")), *THEME.items()])
    incident_type = SelectField(_l("Type of incident"), widget=GovSelect(), validate_choice=False)
    submit = SubmitField(_l("Apply filters"), widget=GovSubmitInput())


def _date_format_errors(form: DashboardFilterForm) -> dict[str, str]:
    """A date box typed into but not making a real date is refused, never quietly read as "no date"."""
    return {**date_problem(form.start, _("The start of the period must be a real date, like 1 4 2026")),
            **date_problem(form.end, _("The end of the period must be a real date, like 30 6 2026"))}


def _showing(chosen: dashboard.Filter, form: DashboardFilterForm) -> str:
    """What the figures cover, as one sentence (each combination whole: Welsh words change with their
    neighbours, so the sentence is never built from translated pieces)."""
    words = {"start": long_date(chosen.start), "end": long_date(chosen.end),
             "theme": str(dict(form.theme.choices).get(chosen.theme, "")).lower(),
             "incident_type": str(dict(form.incident_type.choices).get(chosen.incident_type, "")).lower()}
    period = ("both" if chosen.start and chosen.end else "start" if chosen.start else "end" if chosen.end else "")
    sentences = {
        ("both", False, False): _("Recommendations made from %(start)s to %(end)s."),
        ("both", True, False): _("Recommendations made from %(start)s to %(end)s, from debriefs with the theme "
                                 "%(theme)s."),
        ("both", False, True): _("Recommendations made from %(start)s to %(end)s, from debriefs of %(incident_type)s."),
        ("both", True, True): _("Recommendations made from %(start)s to %(end)s, from debriefs with the theme "
                                "%(theme)s, from debriefs of %(incident_type)s."),
        ("start", False, False): _("Recommendations made on or after %(start)s."),
        ("start", True, False): _("Recommendations made on or after %(start)s, from debriefs with the theme %(theme)s."),
        ("start", False, True): _("Recommendations made on or after %(start)s, from debriefs of %(incident_type)s."),
        ("start", True, True): _("Recommendations made on or after %(start)s, from debriefs with the theme %(theme)s, "
                                 "from debriefs of %(incident_type)s."),
        ("end", False, False): _("Recommendations made up to %(end)s."),
        ("end", True, False): _("Recommendations made up to %(end)s, from debriefs with the theme %(theme)s."),
        ("end", False, True): _("Recommendations made up to %(end)s, from debriefs of %(incident_type)s."),
        ("end", True, True): _("Recommendations made up to %(end)s, from debriefs with the theme %(theme)s, from "
                               "debriefs of %(incident_type)s."),
        ("", True, False): _("Recommendations, from debriefs with the theme %(theme)s."),
        ("", False, True): _("Recommendations, from debriefs of %(incident_type)s."),
        ("", True, True): _("Recommendations, from debriefs with the theme %(theme)s, from debriefs of "
                            "%(incident_type)s."),
    }
    sentence = sentences.get((period, bool(chosen.theme), bool(chosen.incident_type)))
    return sentence % words if sentence else ""


@dashboard_bp.route("/board/dashboard")
@permission_required(Rule.ANALYSE)
def index():
    form = DashboardFilterForm(request.args)
    kinds = reference_data.incident_types(include_inactive=True)
    form.incident_type.choices = [("", _("All types of incident")), *((kind.code, kind.localised_label) for kind in kinds)]
    try:
        chosen = dashboard.filter_from(start=form.start.data, end=form.end.data, theme=form.theme.data,
                                       incident_type=form.incident_type.data,
                                       format_errors=_date_format_errors(form))
    except RuleBroken as error:
        show_rule_errors(form, error)
        return render_template("dashboard/index.html", title=_("Board dashboard"), form=form, figures=None), 400
    return render_template("dashboard/index.html", title=_("Board dashboard"), form=form,
                           figures=dashboard.figures(chosen), showing=_showing(chosen, form))
