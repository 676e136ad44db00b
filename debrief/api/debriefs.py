"""Debriefs in the API (api.md "Debriefs")."""
from __future__ import annotations

from flask import abort, g, request
from flask_babel import gettext as _

from debrief.api import api, shapes
from debrief.api.auth import api_permission, json_body
from debrief.api.reading import BodyReader, page_arguments
from debrief import documents
from debrief.documents import debrief_report
from debrief.extensions import db
from debrief.models import Debrief
from debrief.permissions import Rule
from debrief.services import clocks, debriefs, exports, read_trail
from debrief.services.debriefs import Attendee, DebriefDetails

TEXT_FIELDS = ("incident_type", "crime_reference", "operation_name", "area", "summary", "partner_briefing",
               "victim_sex", "relationship_to_suspect", "weapon")
DATETIME_FIELDS = ("occurred_at", "reported_at", "meeting_scheduled_for")
BOOLEAN_FIELDS = ("domestic", "prior_police_contact")
FIELDS = {*TEXT_FIELDS, *DATETIME_FIELDS, *BOOLEAN_FIELDS, "themes", "victim_age"}


def _details(reader: BodyReader, start: DebriefDetails) -> DebriefDetails:
    """The details in the body, on top of `start` (empty for a new debrief, the record's for PATCH)."""
    for name in TEXT_FIELDS:
        if reader.has(name):
            setattr(start, name, reader.text(name))
    for name in DATETIME_FIELDS:
        if reader.has(name):
            setattr(start, name, reader.datetime(name))
    for name in BOOLEAN_FIELDS:
        if reader.has(name):
            setattr(start, name, reader.boolean(name))
    if reader.has("themes"):
        start.themes = reader.strings("themes")
    if reader.has("victim_age"):
        start.victim_age = reader.integer("victim_age")
    return start


def debrief_or_404(debrief_id: int) -> Debrief:
    debrief = debriefs.get(debrief_id)
    if debrief is None:
        abort(404, _("There is no debrief with that id."))
    return debrief


def _full(debrief: Debrief) -> dict:
    return shapes.debrief(debrief, clocks.clocks_of(debrief))


@api.post("/debriefs")
@api_permission(Rule.RUN_DEBRIEFS)
def create_debrief():
    reader = BodyReader(json_body(), FIELDS)
    details = _details(reader, DebriefDetails())
    debrief = debriefs.create(details, actor=g.actor, format_errors=reader.errors)
    db.session.commit()
    return _full(debrief), 201


@api.get("/debriefs")
@api_permission(Rule.READ_EVERYTHING)
def list_debriefs():
    page, per_page = page_arguments()
    result = debriefs.search(status=request.args.get("status") or None, page=page, per_page=per_page)
    return shapes.page(result, shapes.debrief)


@api.get("/debriefs.csv")
@api_permission(Rule.READ_EVERYTHING)
def export_debriefs():
    return exports.download(exports.of_debriefs(status=request.args.get("status") or None))


@api.get("/debriefs/<int:debrief_id>")
@api_permission(Rule.READ_EVERYTHING)
def get_debrief(debrief_id: int):
    shape = _full(debrief_or_404(debrief_id))
    read_trail.opened(g.actor, read_trail.DEBRIEF, [debrief_id])
    db.session.commit()  # the read trail
    return shape


@api.get("/debriefs/<int:debrief_id>/report.docx")
@api_permission(Rule.READ_EVERYTHING)
def debrief_report_document(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    response = documents.response(debrief_report.build(debrief), debrief_report.filename(debrief))
    read_trail.opened(g.actor, read_trail.DEBRIEF, [debrief.id])
    db.session.commit()  # the read trail
    return response


@api.patch("/debriefs/<int:debrief_id>")
@api_permission(Rule.RUN_DEBRIEFS)
def update_debrief(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    reader = BodyReader(json_body(), FIELDS)
    details = _details(reader, DebriefDetails.of(debrief))
    debriefs.update(debrief, details, actor=g.actor, format_errors=reader.errors)
    db.session.commit()
    return _full(debrief)


@api.post("/debriefs/<int:debrief_id>/meeting")
@api_permission(Rule.RUN_DEBRIEFS)
def record_meeting(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    reader = BodyReader(json_body(), {"held_at", "attendees"})
    held_at = reader.datetime("held_at")
    raw = reader.data.get("attendees", [])
    attendees = []
    if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
        reader.errors["attendees"] = _('must be a list of {"name", "agency"} objects')
    else:
        for item in raw:
            name, agency = item.get("name"), item.get("agency")
            if not all(v is None or isinstance(v, str) for v in (name, agency)):
                reader.errors["attendees"] = _("each attendee's name and agency must be strings")
                continue
            attendees.append(Attendee(name=name, agency=agency))
    debriefs.record_meeting(debrief, held_at=held_at, attendees=attendees, actor=g.actor,
                            format_errors=reader.errors)
    db.session.commit()
    return _full(debrief)


@api.get("/debriefs/<int:debrief_id>/history")
@api_permission(Rule.READ_EVERYTHING)
def debrief_history(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    return {"items": [shapes.history_event(e) for e in debriefs.history(debrief)]}
