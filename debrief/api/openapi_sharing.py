"""The OpenAPI description of learning across forces at a force (api/sharing.py): the anonymiser and
the drafts shared with the national library, merged into the API's document by api/openapi.py."""
from __future__ import annotations

from debrief.anonymiser import KINDS
from debrief.api.openapi import (
    DATE, NULLABLE_STRING, PAGE_PARAMETERS, STRING, answer, enum, error, listing, operation, path_id, ref,
)
from debrief.models import DraftStatus

REDACTIONS = {"type": "array", "items": {"type": "object", "required": ["start", "end", "kind"], "properties": {
    "start": {"type": "integer"}, "end": {"type": "integer"}, "kind": enum(KINDS)}}}


def schemas() -> dict:
    return {
        "AnonymiseInput": {"type": "object", "required": ["text"], "additionalProperties": False,
                           "properties": {"text": STRING}},
        "Anonymised": {"type": "object", "required": ["text", "redactions"], "properties": {
            "text": {**STRING, "description": "The text with each piece of personal data shown as its kind: "
                                              "[person], [postcode], ..."},
            "redactions": {**REDACTIONS, "description": "Offsets into the text sent"}}},
        "LibraryDraftInput": {"type": "object", "additionalProperties": False, "description": (
            "One of lesson_id or recommendation_id: the lesson or this force's recommendation to share"),
            "properties": {"lesson_id": {"type": "integer"}, "recommendation_id": {"type": "integer"}}},
        "LibraryDraftChange": {"type": "object", "required": ["text"], "additionalProperties": False,
                               "properties": {"text": {**STRING, "description": "Anonymised again when saved"}}},
        "LibraryDraft": {"type": "object", "required": ["id", "status", "text", "redactions", "kind", "themes",
                                                        "incident_type"], "properties": {
            "id": {"type": "integer"}, "status": enum(DraftStatus), "kind": enum(["lesson", "recommendation"]),
            "text": {**STRING, "description": "Anonymised: each piece of personal data shown as its kind"},
            "redactions": {**REDACTIONS, "description": "Where each placeholder (and anything the library "
                                                        "found) stands in `text`"},
            "themes": {"type": "array", "items": STRING}, "incident_type": STRING, "issued_on": DATE,
            "lesson_id": {"type": "integer", "nullable": True},
            "recommendation_id": {"type": "integer", "nullable": True},
            "recommendation_status": NULLABLE_STRING, "closure_code": NULLABLE_STRING,
            "products": {"type": "array", "items": {"type": "object", "properties": {"kind": STRING,
                                                                                     "title": STRING}}},
            "source_reference": {**STRING, "description": "This force's name for it at the library"},
            "library_id": {"type": "integer", "nullable": True, "description": "Once published"},
            "problem": {**NULLABLE_STRING, "description": "Why the library last refused it"}}},
        "LibraryDraftList": listing("LibraryDraft"),
    }


def paths() -> dict:
    invalid = error("validation_error: a field is wrong; `fields` says which and why")
    not_found = error("No such draft")
    return {
        "/anonymise": {"post": operation(
            "anonymise", "The text with its personal data taken out, and where each piece was (any staff)", {
                "200": answer("The anonymised text", ref("Anonymised")), "422": invalid},
            body="AnonymiseInput")},
        "/library/drafts": {
            "get": operation(
                "listLibraryDrafts", "The force's drafts for the national library, newest first (reviewer, board, analyst, admin)", {
                    "200": answer("One page of drafts", ref("LibraryDraftList")), "422": invalid},
                parameters=[{"name": "status", "in": "query", "schema": enum(DraftStatus)}, *PAGE_PARAMETERS]),
            "post": operation(
                "makeLibraryDraft", "A draft of a lesson or recommendation to share with the national library, "
                                    "anonymised at once (reviewer)", {
                    "201": answer("The draft", ref("LibraryDraft")), "422": invalid},
                body="LibraryDraftInput")},
        "/library/drafts/{draft_id}": {"patch": operation(
            "editLibraryDraft", "Change a draft's text; the anonymiser runs again on it (reviewer)", {
                "200": answer("The draft", ref("LibraryDraft")), "404": not_found,
                "409": error("invalid_transition: it is no longer a draft"), "422": invalid},
            body="LibraryDraftChange", parameters=[path_id("draft_id")])},
        "/library/drafts/{draft_id}/approve": {"post": operation(
            "approveLibraryDraft", "Let the draft leave the force (board): published, or queued while the "
                                   "library cannot be reached (the scheduler sends it later)", {
                "200": answer("The draft: published with its library_id, or queued", ref("LibraryDraft")),
                "404": not_found,
                "409": error("personal_data: the library found personal data (`redactions`); or "
                             "invalid_transition: it is not a draft")},
            parameters=[path_id("draft_id")])},
        "/library/drafts/{draft_id}/withdraw": {"post": operation(
            "withdrawLibraryDraft", "Take back what was shared (board); every force's next pull removes it", {
                "200": answer("The draft, withdrawn", ref("LibraryDraft")), "404": not_found,
                "409": error("invalid_transition: it was never approved, or is withdrawn already")},
            parameters=[path_id("draft_id")])},
    }
