"""Importing recommendations from elsewhere (api.md "Lessons and recommendations"): good items are
kept, bad ones reported by line (1 = the first item). The answer comes once they are stored; how many
repeat detection can search so far is the import's own resource."""
from __future__ import annotations

from flask import g, url_for
from flask_babel import gettext as _

from debrief.api import api
from debrief.api.auth import api_permission, json_body
from debrief.api.shapes import person, when
from debrief.extensions import db
from debrief.models import RecommendationImport
from debrief.permissions import Rule
from debrief.services import imports
from debrief.services.errors import ValidationFailed


def import_shape(record: RecommendationImport) -> dict:
    return {"id": record.id, "accepted": record.accepted, "rejected": record.rejected, "encoded": record.encoded,
            "waiting": record.waiting, "started_at": when(record.started_at), "finished_at": when(record.finished_at),
            "by": person(record.by)}


@api.post("/recommendations/import")
@api_permission(Rule.IMPORT_RECOMMENDATIONS)
def import_recommendations():
    body = json_body()
    unknown = {name: _("is not a field this endpoint accepts") for name in body if name != "items"}
    if unknown:
        raise ValidationFailed(unknown)
    if "items" not in body:
        raise ValidationFailed({"items": _("Send the recommendations to import as a list")})
    result = imports.import_items(body["items"], actor=g.actor)
    if not result.imported:
        raise ValidationFailed(
            {(f"items[{line}]" if field == "item" else f"items[{line}].{field}"): message
             for line, fields in result.rejected for field, message in fields.items()},
            _("None of the items could be imported; each problem is named by its line (items[1] is the first)"))
    body = {"imported": [{"line": line, "id": record.id, "reference": record.reference}
                         for line, record in result.imported],
            "rejected": [{"line": line, "fields": fields} for line, fields in result.rejected],
            "import": import_shape(result.record)}
    db.session.commit()  # after reading them: a commit expires what the session holds
    return body, 201, {"Location": url_for("api.recommendation_import", import_id=body["import"]["id"])}


@api.get("/recommendations/imports/<int:import_id>")
@api_permission(Rule.IMPORT_RECOMMENDATIONS)
def recommendation_import(import_id: int):
    return import_shape(imports.get(import_id))
