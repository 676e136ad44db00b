"""Death reports and linked series in the API (api.md "Death reports and linked series"): import,
analyse, the deaths and the deaths like each, the matches the linkage was unsure of, and series."""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from debrief.api import api
from debrief.api.auth import api_permission, json_body
from debrief.api.reading import BodyReader, page_arguments
from debrief.api.shapes import page as page_shape
from debrief.api.shapes import when
from debrief.extensions import db
from debrief.models import Death, DeathReport, LinkedSeries, PossibleMatch, SeriesStatus
from debrief.permissions import Rule
from debrief.services import death_analysis, death_reports, deaths, linked_series, read_trail
from debrief.services.errors import ValidationFailed
from debrief.deaths.words import match_reason_words, reason_words


def death_shape(death: Death, *, with_reports: bool = False) -> dict:
    body = {
        "id": death.id, "reference": death.reference, "found_at": when(death.found_at), "age": death.age,
        "sex": death.sex, "location_type": death.location_type, "apparent_cause": death.apparent_cause,
        "substances": death.substances or [], "indicators": death.indicators or [],
        "classification": death.classification, "latitude": death.latitude, "longitude": death.longitude,
        "area": death.area,
        "reports": [report_shape(r) if with_reports else {"source": r.source, "source_reference": r.source_reference}
                    for r in death.reports],
    }
    return body


def report_shape(report: DeathReport) -> dict:
    body = {"id": report.id, "source": report.source}
    for name in death_reports.FIELDS:
        value = getattr(report, name)
        if name in ("reported_at", "found_at"):
            value = when(value)
        elif name == "date_of_birth" and value is not None:
            value = value.isoformat()
        body[name] = value
    return body


def series_shape(series: LinkedSeries) -> dict:
    return {"id": series.id, "reference": series.reference, "status": series.status, "score": round(series.score, 4),
            "death_ids": [d.id for d in series.deaths], "summary": linked_series.summary(series),
            "reasons": [reason_words(r) for r in series.reasons], "note": series.note,
            "decided_at": when(series.decided_at), "debrief_id": series.debrief_id}


@api.post("/death-reports/import")
@api_permission(Rule.IMPORT_DEATH_REPORTS)
def import_death_reports():
    if request.files or request.form:
        upload = request.files.get("file")
        if upload is None:
            raise ValidationFailed({"file": _("Send the extract as a CSV file in the form field 'file'")})
        rows = death_reports.rows_from_csv(upload.stream.read(death_reports.MAX_CSV_BYTES + 1))
        result = death_reports.import_reports(request.form.get("source"), rows.items, actor=g.actor,
                                              lines=rows.lines)
    else:
        body = json_body()
        unknown = {name: _("is not a field this endpoint accepts") for name in body if name not in ("source", "reports")}
        if unknown:
            raise ValidationFailed(unknown)
        result = death_reports.import_reports(body.get("source"), body.get("reports"), actor=g.actor)
    db.session.commit()
    return {"imported": result.imported, "updated": result.updated, "unchanged": result.unchanged,
            "rejected": [{"line": line, "source_reference": reference, "fields": fields}
                         for line, reference, fields in result.rejected]}


@api.post("/death-reports/analyse")
@api_permission(Rule.ANALYSE_DEATHS)
def analyse_deaths():
    outcome = death_analysis.analyse(g.actor)
    db.session.commit()
    return {"reports": outcome.reports, "deaths": outcome.deaths, "candidate_series": outcome.candidate_series,
            "new_series": outcome.new_series, "seconds": outcome.seconds}


@api.get("/deaths")
@api_permission(Rule.READ_DEATHS)
def list_deaths():
    reader = BodyReader(request.args.to_dict(), {"from", "to", "cause", "substance", "classification", "area",
                                                  "page", "per_page"})
    filters = deaths.filters(start=reader.date("from"), end=reader.date("to"), cause=reader.text("cause"),
                             substance=reader.text("substance"), classification=reader.text("classification"),
                             area=reader.text("area"), errors=reader.errors)
    return page_shape(deaths.listing(filters, *page_arguments()), death_shape)


@api.get("/deaths/<int:death_id>")
@api_permission(Rule.READ_DEATHS)
def show_death(death_id: int):
    death = deaths.get(death_id)
    shape = death_shape(death, with_reports=True)
    read_trail.opened_death(g.actor, death)
    db.session.commit()  # the read trail
    return shape


@api.get("/deaths/<int:death_id>/similar")
@api_permission(Rule.READ_DEATHS)
def similar_deaths(death_id: int):
    limit = deaths.similar_limit(request.args.get("limit"))
    found = deaths.similar(deaths.get(death_id), limit)
    return {"items": [{"death": death_shape(s.death), "score": s.score,
                       "reasons": [reason_words(r) for r in s.reasons]} for s in found]}


def match_shape(match: PossibleMatch) -> dict:
    return {"id": match.id, "probability": match.probability, "reasons": [match_reason_words(r) for r in match.reasons or []],
            "reports": [report_shape(match.report_a), report_shape(match.report_b)]}


@api.get("/death-reports/possible-matches")
@api_permission(Rule.ANALYSE_DEATHS)
def possible_matches():
    return page_shape(deaths.possible_matches(*page_arguments()), match_shape)


@api.post("/death-reports/possible-matches/decision")
@api_permission(Rule.ANALYSE_DEATHS)
def decide_match():
    body = json_body()
    unknown = {name: _("is not a field this endpoint accepts") for name in body
               if name not in ("reports", "decision", "note")}
    if unknown:
        raise ValidationFailed(unknown)
    decision = deaths.decide_match(body.get("reports"), body.get("decision"), body.get("note"), actor=g.actor)
    db.session.commit()
    return {"reports": [decision.report_a_id, decision.report_b_id], "same_person": decision.same_person}


@api.get("/linked-series")
@api_permission(Rule.READ_DEATHS)
def list_series():
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in SeriesStatus}:
        raise ValidationFailed({"status": _("must be candidate, confirmed or dismissed")})
    return page_shape(linked_series.listing(status, *page_arguments()), series_shape)


@api.get("/linked-series/<int:series_id>")
@api_permission(Rule.READ_DEATHS)
def show_series(series_id: int):
    return series_shape(linked_series.get(series_id))


@api.post("/linked-series/<int:series_id>/decision")
@api_permission(Rule.ANALYSE_DEATHS)
def decide_series(series_id: int):
    body = json_body()
    unknown = {name: _("is not a field this endpoint accepts") for name in body if name not in ("decision", "note")}
    if unknown:
        raise ValidationFailed(unknown)
    series = linked_series.decide(series_id, body.get("decision"), body.get("note"), actor=g.actor)
    db.session.commit()
    return series_shape(linked_series.get(series.id))
