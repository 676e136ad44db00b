"""Importing recommendations from elsewhere (api.md "Lessons and recommendations"): good items are
kept, bad ones reported by line (1 = the first item)."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _

from debrief.api import api
from debrief.api.auth import api_permission, json_body
from debrief.extensions import db
from debrief.permissions import Rule
from debrief.services import imports
from debrief.services.errors import ValidationFailed


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
            "rejected": [{"line": line, "fields": fields} for line, fields in result.rejected]}
    db.session.commit()  # after reading them: a commit expires what the session holds
    return body, 201
