"""Death reports pages: the deaths with their filters and map, one death with its reports and the
deaths most like it, the import of an extract, running the analysis, and the matches the record
linkage was unsure of. The rules are in services/death_reports.py, death_analysis.py and deaths.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField

from debrief import vocabulary as words
from debrief.deaths.words import match_reason_words
from debrief.extensions import db
from debrief.models import ApparentCause, Classification, Substance
from debrief.permissions import Rule, can, permission_required
from debrief.services import death_analysis, death_reports, deaths, linked_series, read_trail
from debrief.services.errors import RuleBroken, ValidationFailed
from debrief.web import death_maps
from debrief.web.fields import date_field, date_problem, prose_field
from debrief.web.forms import show_rule_errors
from debrief.web.paging import page_number, within_pages

deaths_bp = Blueprint("deaths", __name__)
deaths_bp.add_app_template_filter(match_reason_words, "match_reason_words")

PER_PAGE = 25


class DeathFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    start = date_field(_l("Found from"), hint=_l("For example, 1 4 2025. Leave empty for no start."))
    end = date_field(_l("Found up to"), hint=_l("For example, 30 6 2025. Leave empty for up to today."))
    cause = SelectField(_l("Apparent cause"), widget=GovSelect(), validate_choice=False)
    substance = SelectField(_l("Substance"), widget=GovSelect(), validate_choice=False)
    classification = SelectField(_l("Initial classification"), widget=GovSelect(), validate_choice=False)
    area = SelectField(_l("Area of the map"), widget=GovSelect(), validate_choice=False)
    submit = SubmitField(_l("Apply filters"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The words in the reader's language, as each request reads them.
        self.cause.choices = [("", _("All causes")), *((c.value, str(words.CAUSE[c.value])) for c in ApparentCause)]
        self.substance.choices = [("", _("Any or none")),
                                  *((s.value, str(words.SUBSTANCE[s.value]).capitalize()) for s in Substance)]
        self.classification.choices = [("", _("All classifications")),
                                       *((c.value, str(words.CLASSIFICATION[c.value])) for c in Classification)]


@deaths_bp.route("/deaths")
@permission_required(Rule.READ_DEATHS)
def index():
    form = DeathFilterForm(request.args)
    latest = death_analysis.latest()
    running = death_analysis.asked()
    extent = latest.extent if latest else {}
    form.area.choices = [("", _("All areas")), *((name, name) for name in death_analysis.area_names(extent))]
    format_errors = {**date_problem(form.start, _("The start of the period must be a real date, like 1 4 2025")),
                     **date_problem(form.end, _("The end of the period must be a real date, like 30 6 2025"))}
    try:
        chosen = deaths.filters(start=form.start.data, end=form.end.data, cause=form.cause.data,
                                substance=form.substance.data, classification=form.classification.data,
                                area=form.area.data, errors=format_errors)
    except RuleBroken as error:
        show_rule_errors(form, error, {"from": "start", "to": "end"})
        return render_template("deaths/index.html", title=_("Deaths"), form=form, result=None, latest=latest,
                               running=running, map=None, words=words,
                               unanalysed=deaths.unanalysed_since(latest)), 400
    result = within_pages(lambda page: deaths.listing(chosen, page, PER_PAGE), page_number())
    counts, points = deaths.map_of(chosen)
    return render_template("deaths/index.html", title=_("Deaths"), form=form, result=result, latest=latest,
                           running=running, map=death_maps.area_map(extent, counts, points, highlight=chosen.area), words=words,
                           unanalysed=deaths.unanalysed_since(latest),
                           may_analyse=can(current_user, Rule.ANALYSE_DEATHS),
                           may_import=can(current_user, Rule.IMPORT_DEATH_REPORTS),
                           series_counts=linked_series.counts())


@deaths_bp.route("/deaths/<int:death_id>")
@permission_required(Rule.READ_DEATHS)
def show(death_id: int):
    try:
        death = deaths.get(death_id)
    except RuleBroken:
        abort(404)
    page = render_template("deaths/show.html", title=death.reference, death=death, words=words,
                           similar=deaths.similar(death, deaths.DEFAULT_SIMILAR),
                           series=linked_series.series_of_death(death.id))
    read_trail.opened_death(current_user, death)
    db.session.commit()  # the read trail
    return page


class ImportForm(FlaskForm):
    source = RadioField(_l("Whose extract is it?"), widget=GovRadioInput(), choices=list(words.DEATH_SOURCE.items()))
    file = FileField(_l("Upload a CSV file"), widget=GovFileInput(),
                     description=_l("At most %(megabytes)s MB, saved as CSV UTF-8.",
                                    megabytes=death_reports.MAX_CSV_BYTES // (1024 * 1024)))
    submit = SubmitField(_l("Import death reports"), widget=GovSubmitInput())


def _import_page(form: ImportForm, status: int = 200):
    return render_template("deaths/import.html", title=_("Import death reports"), form=form, words=words,
                           fields=death_reports.FIELDS, required=death_reports.REQUIRED_COLUMNS), status


@deaths_bp.route("/deaths/import", methods=["GET", "POST"])
@permission_required(Rule.IMPORT_DEATH_REPORTS)
def import_reports():
    form = ImportForm()
    if request.method == "GET":
        return _import_page(form)
    upload = form.file.data
    try:
        errors = {}
        if form.source.data not in death_reports.SOURCES:
            errors["source"] = _("Select whose extract it is")
        if upload is None:
            errors["file"] = _("Select a CSV file")
        if errors:
            raise ValidationFailed(errors)
        rows = death_reports.rows_from_csv(upload.stream.read(death_reports.MAX_CSV_BYTES + 1))
        result = death_reports.import_reports(form.source.data, rows.items, actor=current_user, lines=rows.lines)
    except RuleBroken as error:
        db.session.rollback()
        show_rule_errors(form, error, {"reports": "file"})
        return _import_page(form, 400)
    db.session.commit()
    return render_template("deaths/import_result.html", title=_("Import result"), result=result,
                           filename=upload.filename, source=words.DEATH_SOURCE[form.source.data],
                           may_analyse=can(current_user, Rule.ANALYSE_DEATHS))


@deaths_bp.route("/deaths/analyse", methods=["POST"])
@permission_required(Rule.ANALYSE_DEATHS)
def analyse():
    # The form's CSRF token is checked for every post, before any view runs. The analysis runs after
    # this answers (a minute for a large force's two years): the Deaths page says how it is going.
    death_analysis.ask(current_user)
    db.session.commit()
    flash(_("The analysis has started. Refresh the page to see its figures when it has finished."), "success")
    return redirect(url_for("deaths.index"))


class MatchForm(FlaskForm):
    decision = RadioField(_l("Are these reports of the same person?"), widget=GovRadioInput(),
                          choices=[("same_person", _l("Yes, the same person: make them one death")),
                                   ("different_people", _l("No, different people: keep them apart"))])
    note = prose_field(_l("Note (optional)"), "death_match.note")
    submit = SubmitField(_l("Save decision"), widget=GovSubmitInput())


@deaths_bp.route("/deaths/possible-matches")
@permission_required(Rule.ANALYSE_DEATHS)
def possible_matches():
    result = within_pages(lambda page: deaths.possible_matches(page, 10), page_number())
    return render_template("deaths/matches.html", title=_("Possible matches"), result=result, words=words,
                           form=MatchForm())


@deaths_bp.route("/deaths/possible-matches/<int:match_id>", methods=["GET", "POST"])
@permission_required(Rule.ANALYSE_DEATHS)
def decide_match(match_id: int):
    try:
        match = deaths.possible_match(match_id)
    except RuleBroken:
        flash(_("That match has already been settled, or a newer analysis replaced it."), "success")
        return redirect(url_for("deaths.possible_matches"))
    form = MatchForm()
    if request.method == "POST":
        try:
            deaths.decide_match([match.report_a_id, match.report_b_id], form.decision.data, form.note.data,
                                actor=current_user)
        except RuleBroken as error:
            db.session.rollback()
            show_rule_errors(form, error, {"reports": "decision"})
        else:
            db.session.commit()
            flash(_("Decision saved. The deaths change at the next analysis."), "success")
            return redirect(url_for("deaths.possible_matches"))
    return render_template("deaths/match.html", title=_("Possible match"), match=match, words=words,
                           form=form), 400 if form.errors else 200
