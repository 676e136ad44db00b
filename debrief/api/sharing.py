"""Learning across forces, at a force (api.md "Learning across forces"): the anonymiser, and drafts
shared with the national library."""
from __future__ import annotations

from debrief.api import api
from debrief.api.auth import api_permission, json_body
from debrief.api.reading import BodyReader
from debrief.permissions import Rule
from debrief.services import sharing
from debrief.services.errors import ValidationFailed


@api.post("/anonymise")
@api_permission(Rule.USE_STAFF_API)
def anonymise():
    reader = BodyReader(json_body(), {"text"})
    text = reader.text("text")
    if reader.errors:
        raise ValidationFailed(reader.errors)
    clean, spans = sharing.anonymised(text)
    return {"text": clean, "redactions": [sharing.redaction(span) for span in spans]}
