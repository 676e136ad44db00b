"""The OpenAPI description of learning across forces at a force (api/sharing.py): the anonymiser and
the drafts shared with the national library, merged into the API's document by api/openapi.py."""
from __future__ import annotations

from debrief.anonymiser import KINDS
from debrief.api.openapi import STRING, answer, enum, error, operation, ref

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
    }


def paths() -> dict:
    invalid = error("validation_error: a field is wrong; `fields` says which and why")
    return {
        "/anonymise": {"post": operation(
            "anonymise", "The text with its personal data taken out, and where each piece was (any staff)", {
                "200": answer("The anonymised text", ref("Anonymised")), "422": invalid},
            body="AnonymiseInput")},
    }
