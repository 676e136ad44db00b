"""The analytical report on death investigations as a Word document (api.md "Death reports and
linked series"): the figures are services/death_figures.py's, the layout documents/deaths_report.py's."""
from __future__ import annotations

from flask import g, request

from debrief import documents
from debrief.api import api
from debrief.api.auth import api_permission
from debrief.api.reading import BodyReader
from debrief.documents import deaths_report
from debrief.extensions import db
from debrief.permissions import Rule
from debrief.services import death_figures


@api.get("/deaths/report.docx")
@api_permission(Rule.READ_DEATHS)
def deaths_report_document():
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both required."""
    reader = BodyReader(request.args.to_dict(), {"from", "to"})
    start, end = reader.date("from"), reader.date("to")
    period = death_figures.period_of(start, end, format_errors=reader.errors, required=True)
    content = deaths_report.build(period.start, period.end, g.actor)
    db.session.commit()  # the audit record of who took the report
    return documents.response(content, deaths_report.filename(period.start, period.end))
