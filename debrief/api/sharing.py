"""Learning across forces, at a force (api.md "Learning across forces"): the anonymiser, and drafts
shared with the national library."""
from __future__ import annotations

from flask import g, request

from debrief.api import api, shapes
from debrief.api.auth import api_permission, json_body
from debrief.api.reading import BodyReader, page_arguments
from debrief.extensions import db
from debrief.models import LibraryDraft
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


def draft_shape(draft: LibraryDraft) -> dict:
    return {"id": draft.id, "status": draft.status, "kind": draft.kind, "text": draft.text,
            "redactions": draft.redactions, "themes": draft.themes, "incident_type": draft.incident_type,
            "issued_on": draft.issued_on.isoformat(), "lesson_id": draft.lesson_id,
            "recommendation_id": draft.recommendation_id, "recommendation_status": draft.recommendation_status,
            "closure_code": draft.closure_code, "products": draft.products,
            "source_reference": draft.source_reference, "library_id": draft.library_id, "problem": draft.problem}


@api.post("/library/drafts")
@api_permission(Rule.SHARE_WITH_LIBRARY)
def make_library_draft():
    reader = BodyReader(json_body(), {"lesson_id", "recommendation_id"})
    values = {"lesson_id": reader.integer("lesson_id"), "recommendation_id": reader.integer("recommendation_id")}
    if reader.errors:
        raise ValidationFailed(reader.errors)
    draft = sharing.make_draft(actor=g.actor, **values)
    body = draft_shape(draft)
    db.session.commit()
    return body, 201


@api.get("/library/drafts")
@api_permission(Rule.READ_EVERYTHING)  # as the drafts' pages
def list_library_drafts():
    """The force's drafts, newest first (`?status=`), each as POST answers it."""
    page, per_page = page_arguments()
    return shapes.page(sharing.drafts(page, per_page, status=request.args.get("status") or None), draft_shape)


@api.patch("/library/drafts/<int:draft_id>")
@api_permission(Rule.SHARE_WITH_LIBRARY)
def edit_library_draft(draft_id: int):
    draft = sharing.get(draft_id)
    reader = BodyReader(json_body(), {"text"})
    text = reader.text("text")
    if reader.errors:
        raise ValidationFailed(reader.errors)
    body = draft_shape(sharing.edit(draft, text=text, actor=g.actor))
    db.session.commit()
    return body


@api.post("/library/drafts/<int:draft_id>/approve")
@api_permission(Rule.APPROVE_FOR_LIBRARY)
def approve_library_draft(draft_id: int):
    draft = sharing.approve(sharing.get(draft_id), actor=g.actor)
    db.session.commit()  # queued first: whatever happens next, the approval is not lost
    return draft_shape(sharing.send_now(draft))


@api.post("/library/drafts/<int:draft_id>/withdraw")
@api_permission(Rule.APPROVE_FOR_LIBRARY)
def withdraw_library_draft(draft_id: int):
    draft = sharing.withdraw(sharing.get(draft_id), actor=g.actor)
    db.session.commit()
    return draft_shape(sharing.send_now(draft))
