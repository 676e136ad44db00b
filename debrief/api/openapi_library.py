"""The OpenAPI description of the national library's items API (api/library.py), merged into the API's
document by api/openapi.py when the app runs as the library (LIBRARY_MODE)."""
from __future__ import annotations

from debrief.api.openapi import (
    DATE, DATE_TIME, NULLABLE_STRING, PAGE_PARAMETERS, STRING, answer, enum, error, listing, operation, path_id,
    ref,
)
from debrief.models import LibraryItemKind, LibraryUse, Theme
from debrief.services import library
from debrief.services.recommendation_lifecycle import PRODUCT_KINDS, ClosureCode, Status
from debrief.services.validation import LIMITS

PRODUCTS = {"type": "array", "maxItems": library.MAX_PRODUCTS, "items": {
    "type": "object", "required": ["kind", "title"], "additionalProperties": False, "properties": {
        "kind": enum(PRODUCT_KINDS), "title": {**STRING, "maxLength": LIMITS["product.title"]}}}}
IDS = {"type": "array", "maxItems": library.MAX_USES, "items": {"type": "integer", "minimum": 1}}


def schemas() -> dict:
    return {
        "LibraryItemInput": {
            "type": "object", "additionalProperties": False,
            "required": ["kind", "text", "incident_type", "issued_on", "source_reference"], "properties": {
                "kind": enum(LibraryItemKind),
                "text": {**STRING, "maxLength": LIMITS["lesson.text"],
                         "description": "Anonymised; the library refuses personal data (422 personal_data)"},
                "themes": {"type": "array", "items": enum(Theme)},
                "incident_type": {**STRING, "maxLength": library.MAX_INCIDENT_TYPE, "example": "murder"},
                "issued_on": DATE,
                "status": {**enum(Status), "nullable": True, "description": "Recommendations only (default open)"},
                "closure_code": {**enum(ClosureCode), "nullable": True, "description": "Closed recommendations only"},
                "products": {**PRODUCTS, "description": "The learning products that delivered it"},
                "source_reference": {**STRING, "maxLength": library.MAX_REFERENCE,
                                     "description": "The force's own reference: sending it again updates the item"}}},
        "LibraryItemId": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
        "LibraryItem": {"type": "object", "properties": {
            "id": {"type": "integer"}, "force": STRING, "kind": enum(LibraryItemKind),
            "text": {**NULLABLE_STRING, "description": "Null once withdrawn"},
            "themes": {"type": "array", "items": enum(Theme)}, "incident_type": NULLABLE_STRING,
            "issued_on": DATE, "status": {**enum(Status), "nullable": True},
            "closure_code": {**enum(ClosureCode), "nullable": True}, "products": PRODUCTS,
            "withdrawn": {"type": "boolean"}, "updated_at": DATE_TIME,
            "score": {"type": "number", "description": "A meaning search's closeness (cosine)"},
            "source_reference": {**STRING, "description": "The asking force's own items only"},
            "taken_by": {"type": "integer", "description": "Own items only: other forces that took it into their "
                                                          "repeat checks"},
            "found_as_repeat": {"type": "integer", "description": "Own items only: other forces that found it as "
                                                                 "a repeat"}}},
        "LibraryItemList": listing("LibraryItem"),
        "LibraryForce": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "description": "What the items' `force` filter takes"}, "name": STRING}},
        "LibraryForceList": listing("LibraryForce"),
        "LibraryUses": {"type": "object", "additionalProperties": False,
                        "properties": {use.value: IDS for use in LibraryUse}},
        "LibraryUseCounts": {"type": "object", "properties": {use.value: {"type": "integer"} for use in LibraryUse}},
    }


def paths() -> dict:
    invalid = error("validation_error: a field is wrong; `fields` says which and why")
    query = [{"name": name, "in": "query", "schema": schema, "description": description}
             for name, schema, description in (
                 ("q", STRING, "Words that must all appear, or with by=meaning the text to find items like"),
                 ("by", enum((library.BY_WORDS, library.BY_MEANING)), "words (default) or meaning"),
                 ("kind", enum(LibraryItemKind), None), ("theme", enum(Theme), None),
                 ("incident_type", STRING, None), ("status", enum(Status), None),
                 ("closure_code", enum(ClosureCode), None),
                 ("force", {"type": "integer", "minimum": 1}, "A force's id at the library"),
                 ("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "The year it was issued"),
                 ("what_worked", {"type": "boolean"}, "Closed as implemented, with the products that delivered it"),
                 ("since", DATE_TIME, "Items changed since then, withdrawn ones included (a pull), oldest change first"),
                 ("mine", {"type": "boolean"}, "Only the asking force's own items, withdrawn ones included"))]
    for parameter in query:
        if parameter["description"] is None:
            del parameter["description"]
    return {
        "/library/items": {
            "post": operation("publishLibraryItem", "(At the library) a force shares an anonymised lesson or "
                              "recommendation; the same source_reference again updates it", {
                "200": answer("Updated", ref("LibraryItemId")), "201": answer("Stored", ref("LibraryItemId")),
                "409": error("busy: the same item is being stored by another request"),
                "422": error("validation_error, or personal_data with `redactions` (nothing is stored)")},
                body="LibraryItemInput"),
            "get": operation("listLibraryItems", "(At the library) search what the forces shared", {
                "200": answer("One page of items", ref("LibraryItemList")), "422": invalid},
                parameters=[*query, *PAGE_PARAMETERS])},
        "/library/forces": {"get": operation(
            "listLibraryForces", "(At the library) the forces that share through it, by name", {
                "200": answer("One page of forces", ref("LibraryForceList")), "422": invalid},
            parameters=PAGE_PARAMETERS)},
        "/library/items/{item_id}": {"delete": operation(
            "withdrawLibraryItem", "(At the library) the publishing force withdraws an item: its text goes, and "
                                   "it stays listed as withdrawn for every force's next pull", {
                "200": answer("The withdrawn item", ref("LibraryItem")), "404": error("No such item"),
                "403": error("forbidden: another force's item")}, parameters=[path_id("item_id")])},
        "/library/uses": {"post": operation(
            "recordLibraryUses", "(At the library) which items the force took into its repeat checks and which "
                                 "it found as repeats; once per item, force and use", {
                "200": answer("How many of each were recorded (new or already)", ref("LibraryUseCounts")),
                "422": invalid}, body="LibraryUses")},
    }
