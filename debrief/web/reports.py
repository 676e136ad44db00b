"""Reports for the governance board and the police and crime commissioner."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from debrief.models import utcnow
from debrief.permissions import Rule, permission_required
from debrief.services import exports, invitations
from debrief.services.clock_calendar import london_date
from debrief.services.errors import RuleBroken, ValidationFailed
from debrief.services.exports import csv_text
from debrief.web.fields import date_field, date_problem
from debrief.web.forms import show_rule_errors

reports_bp = Blueprint("reports", __name__, url_prefix="/reports")


#: The columns, in the reader's language (lazy: each download reads them in its own).
ENGAGEMENT_COLUMNS = (_l("Agency"), _l("Invitations sent"), _l("Opened"), _l("Responded"), _l("Responded late"),
                      _l("Never answered"))


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    start = date_field(_l("From"), hint=_l("For example, 1 4 2026"))
    end = date_field(_l("To"), hint=_l("For example, 31 3 2027"))
    submit = SubmitField(_l("Show report"), widget=GovSubmitInput())


def _period(form: PeriodForm) -> tuple[date, date]:
    """The period asked for; a box left empty means the last year up to today. A date that is not a
    real one is refused rather than quietly replaced, so a report never covers a period nobody chose."""
    errors = {**date_problem(form.start, _("The start of the period must be a real date, like 1 4 2026")),
              **date_problem(form.end, _("The end of the period must be a real date, like 31 3 2027"))}
    if errors:
        raise ValidationFailed(errors)
    last_year_start, today = invitations.recent_period(london_date(utcnow()))
    return form.start.data or last_year_start, form.end.data or today


@reports_bp.route("/partner-engagement")
@permission_required(Rule.ANALYSE)
def partner_engagement():
    form = PeriodForm(request.args)
    try:
        start, end = _period(form)
        rows = invitations.engagement(start, end)
    except RuleBroken as error:
        show_rule_errors(form, error)
        return render_template("reports/partner_engagement.html", title=_("Partner engagement"), form=form,
                               rows=[], start=None, end=None), 400
    return render_template("reports/partner_engagement.html", title=_("Partner engagement"), form=form,
                           rows=rows, start=start, end=end)


@reports_bp.route("/partner-engagement.csv")
@permission_required(Rule.ANALYSE)
def partner_engagement_csv():
    start, end = _period(PeriodForm(request.args))
    rows = invitations.engagement(start, end)
    body = csv_text(ENGAGEMENT_COLUMNS, ((r.agency, r.sent, r.opened, r.responded, r.late, r.never_answered)
                                         for r in rows))
    filename = f"partner-engagement-{start.isoformat()}-to-{end.isoformat()}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# The exports analysts and the board take into Excel: the same files as the API's
# /recommendations.csv, /lessons.csv and /debriefs.csv, for people signed in to the pages.


@reports_bp.route("/recommendations.csv")
@permission_required(Rule.READ_RECOMMENDATIONS)
def recommendations_csv():
    args = request.args
    return exports.download(exports.of_recommendations(
        status=args.get("status") or None, owner_email=args.get("owner") or None,
        overdue=args.get("overdue") == "true", repeat=args.get("repeat") == "true"))


@reports_bp.route("/lessons.csv")
@permission_required(Rule.READ_EVERYTHING)
def lessons_csv():
    return exports.download(exports.of_lessons())


@reports_bp.route("/debriefs.csv")
@permission_required(Rule.READ_EVERYTHING)
def debriefs_csv():
    return exports.download(exports.of_debriefs(status=request.args.get("status") or None))
