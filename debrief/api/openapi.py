"""The API's own OpenAPI 3 document, kept beside the code it describes (a test checks every route is
in it and nothing else is)."""
from __future__ import annotations

from flask import current_app

from debrief.api import api
from debrief.models import LessonCategory, Priority, RecommendationSource, Relationship, Role, Theme, VictimSex, Weapon
from debrief.services import recommendation_lifecycle as lifecycle
from debrief.services.imports import IMPORT_SOURCES, IMPORT_STATUSES
from debrief.services.learning_products import AUDIENCES
from debrief.services.clocks import REASON_MAX
from debrief.services.deadline_policy import DEBRIEF_CLOCK_KINDS, RECORD_CLOCKS
from debrief.services.pagination import MAX_PER_PAGE
from debrief.services.validation import LIMITS

STRING = {"type": "string"}
NULLABLE_STRING = {"type": "string", "nullable": True}


def limited(field: str, base: dict = STRING) -> dict:
    """A text field held to its limit in validation.LIMITS (the service's 422 says the same)."""
    return {**base, "maxLength": LIMITS[field]}
DATE_TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable_ref(name: str, description: str) -> dict:
    """A record that may be null. OpenAPI 3.0 ignores keywords beside a $ref, so the ref goes in allOf."""
    return {"allOf": [ref(name)], "nullable": True, "description": description}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def answer(description: str, schema: dict | None = None) -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = json_content(schema)
    return body


def error(description: str) -> dict:
    return answer(description, ref("Error"))


def listing(item: str) -> dict:
    return {"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
        "items": {"type": "array", "items": ref(item)}, "total": {"type": "integer"},
        "page": {"type": "integer"}, "per_page": {"type": "integer", "maximum": MAX_PER_PAGE}}}


def enum(values) -> dict:
    return {"type": "string", "enum": [v.value if hasattr(v, "value") else v for v in values]}


PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                                   "default": 25}},
]


def path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


COMMON = {"401": error("No token, or the token is unknown, revoked or its user deactivated"),
          "403": error("The token's user does not have a role that allows this")}


def operation(operation_id: str, summary: str, responses: dict, *, body: str | None = None,
              parameters: list | None = None, optional_body: bool = False) -> dict:
    op = {"operationId": operation_id, "summary": summary, "responses": {**responses, **COMMON}}
    if body:
        op["requestBody"] = {"required": not optional_body, "content": json_content(ref(body))}
        op["responses"].setdefault("400", error("The body is not a JSON object"))
    if parameters:
        op["parameters"] = parameters
    return op


def schemas() -> dict:
    debrief_fields = {
        "incident_type": {**STRING, "description": "An incident class code, e.g. murder or attempted_murder"},
        "crime_reference": {**STRING, "example": current_app.config["CRIME_REFERENCE_EXAMPLE"]},
        "operation_name": limited("debrief.operation_name", NULLABLE_STRING),
        "occurred_at": DATE_TIME,
        "reported_at": DATE_TIME,
        "area": limited("debrief.area", NULLABLE_STRING),
        "summary": {**limited("debrief.summary"), "description": "Internal; never shown to partners"},
        "partner_briefing": limited("debrief.partner_briefing", NULLABLE_STRING),
        "themes": {"type": "array", "items": enum(Theme)},
        "victim_age": {"type": "integer", "minimum": 0, "maximum": 120, "nullable": True},
        "victim_sex": {**enum(VictimSex), "nullable": True},
        "relationship_to_suspect": {**enum(Relationship), "nullable": True},
        "domestic": {"type": "boolean"},
        "weapon": {**enum(Weapon), "nullable": True},
        "prior_police_contact": {"type": "boolean"},
        "meeting_scheduled_for": {**DATE_TIME, "nullable": True,
                                  "description": "When the rapid debrief meeting is planned; partners see it"},
    }
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"], "properties": {
                "code": STRING, "message": STRING,
                "fields": {"type": "object", "additionalProperties": STRING},
                "redactions": {"type": "array", "description": "personal_data: where the anonymiser found it",
                               "items": {"type": "object", "properties": {
                                   "start": {"type": "integer"}, "end": {"type": "integer"}, "kind": STRING}}}}}}},
        "Me": {"type": "object", "required": ["email", "name", "roles"], "properties": {
            "email": {"type": "string", "format": "email"}, "name": STRING,
            "roles": {"type": "array", "items": enum(Role)}}},
        "Person": {"type": "object", "properties": {"email": STRING, "name": STRING}},
        "Deadline": {"type": "object", "required": ["id", "kind", "label", "due_date", "due_at", "state",
                                                    "met_at", "met_late", "source"], "properties": {
            "id": {"type": "integer"}, "kind": enum([*DEBRIEF_CLOCK_KINDS, *RECORD_CLOCKS]), "label": STRING,
            "due_date": {**DATE, "nullable": True}, "due_at": {**DATE_TIME, "nullable": True},
            "state": enum(["not_started", "pending", "met", "overdue", "paused"]),
            "met_at": {**DATE_TIME, "nullable": True},
            "met_late": {"type": "boolean", "description": "Met after its due time (the state stays met)"},
            "source": STRING}},
        "DebriefInput": {"type": "object", "additionalProperties": False,
                         "required": ["incident_type", "crime_reference", "occurred_at", "reported_at", "summary"],
                         "properties": debrief_fields},
        "DebriefChange": {"type": "object", "additionalProperties": False, "properties": debrief_fields,
                          "description": "Any of the debrief's fields; changing reported_at moves the clocks not yet met"},
        "Debrief": {"type": "object", "properties": {
            "id": {"type": "integer"}, "reference": {**STRING, "example": "DB-2026-0007"},
            "status": enum(["open", "meeting_held", "report_issued", "monitoring", "closed"]),
            "is_homicide": {"type": "boolean"}, **debrief_fields,
            "reviewer": ref("Person"),
            "meeting": {"type": "object", "nullable": True, "properties": {
                "held_at": DATE_TIME, "attendees": {"type": "array", "items": ref("Attendee")}}},
            "created_at": DATE_TIME, "updated_at": DATE_TIME,
            "deadlines": {"type": "array", "items": ref("Deadline"),
                          "description": "On single debriefs, not in lists"}}},
        "Attendee": {"type": "object", "required": ["name", "agency"], "properties": {"name": STRING, "agency": STRING}},
        "Meeting": {"type": "object", "required": ["held_at", "attendees"], "additionalProperties": False,
                    "properties": {"held_at": DATE_TIME, "attendees": {"type": "array", "items": ref("Attendee"),
                                                                       "minItems": 1}}},
        "HistoryEvent": {"type": "object", "properties": {
            "at": DATE_TIME, "actor": STRING, "action": STRING, "entity": STRING, "entity_id": {"type": "integer"},
            "changes": {"type": "object"}}},
        "Met": {"type": "object", "additionalProperties": False, "properties": {"at": DATE_TIME}},
        "Extension": {"type": "object", "required": ["due_date", "reason"], "additionalProperties": False,
                      "properties": {"due_date": DATE, "reason": {**STRING, "maxLength": REASON_MAX}}},
        "Reason": {"type": "object", "required": ["reason"], "additionalProperties": False,
                   "properties": {"reason": {**STRING, "maxLength": REASON_MAX}}},
        "InvitationInput": {"type": "object", "required": ["agency", "email"], "additionalProperties": False,
                            "properties": {"agency": {"oneOf": [STRING, {"type": "integer"}],
                                                      "description": "The agency's name or id"},
                                           "email": {"type": "string", "format": "email"},
                                           "name": limited("invitation.name"),
                                           "language": {**enum(["en", "cy"]), "description": (
                                               "The language of its emails and of the partner's page: en (English) "
                                               "or cy (Welsh). When absent, the agency's language")}}},
        "Invitation": {"type": "object", "properties": {
            "id": {"type": "integer"}, "debrief_id": {"type": "integer"}, "agency": STRING,
            "email": STRING, "name": NULLABLE_STRING,
            "language": {**enum(["en", "cy"]), "description": "The language of its emails and of the partner's page"},
            "state": enum(["sent", "opened", "responded", "expired", "revoked"]),
            "email_status": {**enum(["queued", "sent", "failed"]), "description": (
                "The latest email carrying its link: queued (not yet accepted by the mail server), sent, failed")},
            "sent_at": DATE_TIME, "opened_at": {**DATE_TIME, "nullable": True},
            "responded_at": {**DATE_TIME, "nullable": True}, "expires_at": DATE_TIME,
            "revoked_at": {**DATE_TIME, "nullable": True},
            "url": {**STRING, "description": "The partner's secret link: only in the answer to creating or resending it"}}},
        "Contribution": {"type": "object", "properties": {
            "id": {"type": "integer"}, "invitation_id": {"type": "integer"}, "agency": STRING,
            "version": {"type": "integer"}, "submitted_at": DATE_TIME, "attending": {"type": "boolean"},
            "prior_contact": enum(["yes", "no", "unknown"]), "contact_summary": NULLABLE_STRING,
            "learning": NULLABLE_STRING}},
        "InvitationList": listing("Invitation"),
        "ContributionList": listing("Contribution"),
        "LessonInput": {"type": "object", "required": ["category"], "additionalProperties": False, "properties": {
            "text": {**limited("lesson.text"), "description": "Required unless taken from a partner's contribution"},
            "category": enum(LessonCategory), "themes": {"type": "array", "items": enum(Theme)},
            "contribution_id": {"type": "integer", "description": "A partner contribution to this debrief"}}},
        "Lesson": {"type": "object", "properties": {
            "id": {"type": "integer"}, "debrief_id": {"type": "integer"}, "text": STRING, "category": STRING,
            "themes": {"type": "array", "items": STRING}, "source": enum(["police", "partner"]),
            "contribution_id": {"type": "integer", "nullable": True}, "created_at": DATE_TIME}},
        "LessonList": listing("Lesson"),
        "RecommendationInput": {"type": "object", "required": ["text", "owner_email", "due_date"],
                                "additionalProperties": False, "properties": {
            "text": limited("recommendation.text"), "owner_email": {"type": "string", "format": "email"},
            "due_date": DATE,
            "priority": enum(Priority), "lesson_ids": {"type": "array", "items": {"type": "integer"}},
            "source": enum(RecommendationSource)}},
        "RecommendationChange": {"type": "object", "required": ["version"], "additionalProperties": False,
                                 "properties": {
            "version": {"type": "integer", "description": "The version last read; an older one is refused (stale)"},
            "text": limited("recommendation.text"), "owner_email": STRING, "due_date": DATE,
            "priority": enum(Priority),
            "lesson_ids": {"type": "array", "items": {"type": "integer"}}}},
        "Transition": {"type": "object", "required": ["to"], "additionalProperties": False, "properties": {
            "to": enum(lifecycle.Status), "note": limited("recommendation.note"),
            "closure_code": enum(lifecycle.ClosureCode), "rationale": limited("recommendation.note")}},
        "RecommendationUpdate": {"type": "object", "required": ["kind", "text"], "additionalProperties": False,
                                 "properties": {"kind": enum(["progress", "evidence"]),
                                                "text": limited("recommendation.note")}},
        "BoardDecisionInput": {"type": "object", "required": ["decision", "rationale"], "additionalProperties": False,
                               "properties": {"decision": enum(["extend", "escalate"]),
                                              "rationale": limited("recommendation.note"),
                                              "new_due_date": DATE,
                                              "escalate_to": {**STRING, "description": "Escalating: the email "
                                                              "address of the senior officer, active staff"}}},
        "Recommendation": {"type": "object", "properties": {
            "id": {"type": "integer"}, "reference": {**STRING, "example": "REC-2026-0012"},
            "debrief_id": {"type": "integer", "nullable": True}, "text": STRING, "status": enum(lifecycle.Status),
            "closure_code": {**enum(lifecycle.ClosureCode), "nullable": True},
            "owner": nullable_ref("Person", "Null for imported recommendations"),
            "due_date": {**DATE, "nullable": True, "description": "Null for imported recommendations"},
            "priority": enum(Priority), "source": enum(RecommendationSource),
            "lesson_ids": {"type": "array", "items": {"type": "integer"}}, "version": {"type": "integer"},
            "source_reference": {**NULLABLE_STRING, "description": "Imported: the issuer's own reference"},
            "issued_on": {**DATE, "nullable": True},
            "possible_repeats": {"type": "array", "items": ref("EarlierRecommendation"),
                                 "description": "On single recommendations: flagged, waiting for a reviewer"},
            "repeat_of": nullable_ref("EarlierRecommendation", "On single recommendations: the confirmed earlier one"),
            "repeated_by": {"type": "array", "items": ref("EarlierRecommendation"),
                            "description": "On single recommendations: later ones confirmed as its repeats"},
            "deadlines": {"type": "array", "items": ref("Deadline"), "description": "On single recommendations"},
            "products": {"type": "array", "items": ref("Product")},
            "updates": {"type": "array", "items": {"type": "object"}},
            "decisions": {"type": "array", "items": {"type": "object"}}}},
        "RecommendationList": listing("Recommendation"),
        "EarlierRecommendation": {"type": "object", "properties": {
            "id": {"type": "integer"}, "reference": STRING, "text": STRING, "status": enum(lifecycle.Status),
            "closure_code": {**enum(lifecycle.ClosureCode), "nullable": True}, "source": enum(RecommendationSource),
            "score": {"type": "number", "minimum": 0, "maximum": 1}}},
        "RepeatCheck": {"type": "object", "required": ["text"], "additionalProperties": False, "properties": {
            "text": STRING, "exclude_id": {"type": "integer", "description": "A recommendation to leave out (itself)"}}},
        "RepeatMatches": {"type": "object", "properties": {"matches": {"type": "array", "maxItems": 5, "items": {
            "allOf": [ref("EarlierRecommendation")],
            "properties": {"is_repeat": {"type": "boolean", "description": "The system would flag it as a repeat"}}}}}},
        "RepeatDecisionInput": {"type": "object", "required": ["of", "decision"], "additionalProperties": False,
                                "properties": {"of": {"type": "integer", "description": "The earlier recommendation"},
                                               "decision": enum(["confirm", "dismiss"])}},
        "ImportInput": {"type": "object", "required": ["items"], "additionalProperties": False, "properties": {
            "items": {"type": "array", "maxItems": 1000, "items": {
                "type": "object", "required": ["text", "source", "source_reference", "issued_on"], "properties": {
                    "text": STRING, "source": enum(IMPORT_SOURCES), "source_reference": STRING, "issued_on": DATE,
                    "status": {**enum(IMPORT_STATUSES),
                               "description": "open, closed, or a closure code (closed with that code); default open"}}}}}},
        "ImportResult": {"type": "object", "properties": {
            "imported": {"type": "array", "items": {"type": "object", "properties": {
                "line": {"type": "integer"}, "id": {"type": "integer"}, "reference": STRING}}},
            "rejected": {"type": "array", "items": {"type": "object", "properties": {
                "line": {"type": "integer"}, "fields": {"type": "object", "additionalProperties": STRING}}}},
            "import": ref("RecommendationImport")}},
        "RecommendationImport": {
            "type": "object", "required": ["id", "accepted", "rejected", "encoded", "waiting", "started_at",
                                           "finished_at"],
            "description": "An import's progress: its recommendations are stored when it answers; repeat detection "
                           "searches each once its vectors are computed, in batches, just afterwards",
            "properties": {
                "id": {"type": "integer"}, "accepted": {"type": "integer", "description": "Items imported"},
                "rejected": {"type": "integer", "description": "Items refused"},
                "encoded": {"type": "integer", "description": "Of those imported, how many repeat detection searches"},
                "waiting": {"type": "integer", "description": "Of those imported, how many it does not search yet"},
                "started_at": DATE_TIME,
                "finished_at": {**DATE_TIME, "nullable": True, "description": "When the last became searchable"},
                "by": nullable_ref("Person", "Who imported them")}},
        "ProductInput": {"type": "object", "required": ["kind", "title", "audience"], "additionalProperties": False,
                         "properties": {"kind": enum(lifecycle.PRODUCT_KINDS), "title": limited("product.title"),
                                        "audience": {"type": "array", "items": enum(AUDIENCES)},
                                        "target_count": {"type": "integer", "minimum": 0}}},
        "ProductChange": {"type": "object", "additionalProperties": False, "properties": {
            "status": enum(["planned", "in_development", "delivered", "evaluated"]),
            "delivered_on": {**DATE, "description": "Required to mark it delivered"},
            "reached_count": {"type": "integer", "minimum": 0}, "evidence": limited("product.evidence")}},
        "Product": {"type": "object", "properties": {
            "id": {"type": "integer"}, "recommendation_id": {"type": "integer"}, "kind": enum(lifecycle.PRODUCT_KINDS),
            "title": STRING, "audience": {"type": "array", "items": STRING},
            "target_count": {"type": "integer", "nullable": True, "description": "Null until the team sets one"},
            "status": STRING, "delivered_on": {**DATE, "nullable": True},
            "reached_count": {"type": "integer", "nullable": True, "description": "Null until recorded"},
            "reach_percent": {"type": "integer", "nullable": True}, "evidence": NULLABLE_STRING}},
        "BoardSummary": {"type": "object", "properties": {
            **{name: {"type": "integer"} for name in ("open", "overdue", "awaiting_closure", "repeats",
                                                     "repeats_of_implemented", "unanswered_invitations")},
            "by_owner": {"type": "array", "items": {"type": "object", "properties": {
                "email": STRING, "name": STRING, "open": {"type": "integer"}, "overdue": {"type": "integer"}}}}}},
        "DebriefList": listing("Debrief"),
        "History": {"type": "object", "properties": {"items": {"type": "array", "items": ref("HistoryEvent")}}},
    }


def paths() -> dict:
    debrief_id = [path_id("debrief_id")]
    clock_id = [path_id("clock_id")]
    not_found = error("No such record")
    invalid = error("validation_error: a field is wrong; `fields` says which and why")
    word = {"description": "The Word document, sent as an attachment",
            "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                        {"schema": {"type": "string", "format": "binary"}}}}
    refused = error("invalid_transition: the deadline's state does not allow this")

    def clock_action(operation_id: str, summary: str, body: str, optional_body: bool = False) -> dict:
        return {"post": operation(operation_id, summary, {
            "200": answer("The deadline", ref("Deadline")), "404": not_found, "409": refused, "422": invalid,
        }, body=body, parameters=clock_id, optional_body=optional_body)}

    return {
        "/me": {"get": operation("getMe", "The user the token belongs to", {"200": answer("The user", ref("Me"))})},
        "/debriefs": {
            "post": operation("createDebrief", "Open a debrief (reviewer); its clocks start", {
                "201": answer("The debrief, with its deadlines", ref("Debrief")),
                "409": error("duplicate: the crime reference already has a debrief"), "422": invalid,
            }, body="DebriefInput"),
            "get": operation("listDebriefs", "Debriefs, the most recently reported first", {
                "200": answer("A page of debriefs", ref("DebriefList")), "422": invalid,
            }, parameters=[{"name": "status", "in": "query", "schema": enum(["open", "meeting_held", "report_issued",
                                                                             "monitoring", "closed"])},
                           *PAGE_PARAMETERS]),
        },
        "/debriefs/{debrief_id}": {
            "get": operation("getDebrief", "One debrief with its deadlines", {
                "200": answer("The debrief", ref("Debrief")), "404": not_found}, parameters=debrief_id),
            "patch": operation("updateDebrief", "Change a debrief (reviewer)", {
                "200": answer("The debrief", ref("Debrief")), "404": not_found,
                "409": error("duplicate: the crime reference already has a debrief"), "422": invalid,
            }, body="DebriefChange", parameters=debrief_id),
        },
        "/debriefs/{debrief_id}/meeting": {"post": operation(
            "recordMeeting", "Record the rapid debrief meeting (reviewer); meets the meeting clock", {
                "200": answer("The debrief", ref("Debrief")), "404": not_found, "422": invalid,
            }, body="Meeting", parameters=debrief_id)},
        "/debriefs/{debrief_id}/history": {"get": operation(
            "debriefHistory", "Every change to the debrief, oldest first", {
                "200": answer("The history", ref("History")), "404": not_found}, parameters=debrief_id)},
        "/debriefs/{debrief_id}/invitations": {
            "post": operation("invitePartner", "Invite a partner agency's contact (reviewer); emails them the link", {
                "201": answer("The invitation, with its link (shown only here)", ref("Invitation")),
                "404": not_found, "409": error("duplicate: the contact already holds a live invitation to this debrief"),
                "422": invalid}, body="InvitationInput", parameters=debrief_id),
            "get": operation("listInvitations", "The debrief's invitations (without links)", {
                "200": answer("A page of invitations", ref("InvitationList")), "404": not_found, "422": invalid},
                parameters=[*debrief_id, *PAGE_PARAMETERS]),
        },
        "/invitations/{invitation_id}/revoke": {"post": operation(
            "revokeInvitation", "Withdraw an invitation (reviewer): its link stops working", {
                "200": answer("The invitation", ref("Invitation")), "404": not_found,
                "409": error("invalid_transition: already revoked")}, parameters=[path_id("invitation_id")])},
        "/invitations/{invitation_id}/resend": {"post": operation(
            "resendInvitation", "Email the contact again with a new link (reviewer); the link it replaces keeps working", {
                "200": answer("The invitation, with its new link (shown only here)", ref("Invitation")),
                "404": not_found, "409": error("invalid_transition: withdrawn or expired")},
            parameters=[path_id("invitation_id")])},
        "/debriefs/{debrief_id}/contributions": {"get": operation(
            "listContributions", "Every version of every partner contribution, oldest first", {
                "200": answer("A page of contributions", ref("ContributionList")), "404": not_found,
                "422": invalid}, parameters=[*debrief_id, *PAGE_PARAMETERS])},
        "/debriefs/{debrief_id}/lessons": {
            "post": operation("addLesson", "Add a lesson (reviewer), from police or a partner's contribution", {
                "201": answer("The lesson", ref("Lesson")), "404": not_found, "422": invalid},
                body="LessonInput", parameters=debrief_id),
            "get": operation("listLessons", "The debrief's lessons", {
                "200": answer("A page of lessons", ref("LessonList")), "404": not_found, "422": invalid},
                parameters=[*debrief_id, *PAGE_PARAMETERS]),
        },
        "/debriefs/{debrief_id}/recommendations": {"post": operation(
            "addRecommendation", "Allocate a recommendation to an owner (reviewer); the owner is emailed", {
                "201": answer("The recommendation", ref("Recommendation")), "404": not_found, "422": invalid},
            body="RecommendationInput", parameters=debrief_id)},
        "/recommendations": {"get": operation("listRecommendations", "Recommendations, the soonest due first", {
            "200": answer("A page of recommendations", ref("RecommendationList")), "422": invalid},
            parameters=[{"name": "status", "in": "query", "schema": enum(lifecycle.Status)},
                        {"name": "owner", "in": "query", "schema": {"type": "string", "format": "email"}},
                        {"name": "overdue", "in": "query", "schema": enum(["true"])},
                        {"name": "repeat", "in": "query", "schema": enum(["true"])}, *PAGE_PARAMETERS])},
        "/recommendations.csv": {"get": operation(
            "exportRecommendations", "Every recommendation the list's filters choose, as a CSV file for Excel "
                                     "(UTF-8 with a byte-order mark; cells that would run as formulas start with '). "
                                     "Imported ones too: the Imported and Source columns say so", {
                "200": {"description": "The CSV file, sent as an attachment",
                        "content": {"text/csv": {"schema": {"type": "string"}}}}, "422": invalid},
            parameters=[{"name": "status", "in": "query", "schema": enum(lifecycle.Status)},
                        {"name": "owner", "in": "query", "schema": {"type": "string", "format": "email"}},
                        {"name": "overdue", "in": "query", "schema": enum(["true"])},
                        {"name": "repeat", "in": "query", "schema": enum(["true"])}])},
        "/lessons.csv": {"get": operation(
            "exportLessons", "Every lesson of every debrief, as a CSV file for Excel (as /recommendations.csv)", {
                "200": {"description": "The CSV file, sent as an attachment",
                        "content": {"text/csv": {"schema": {"type": "string"}}}}})},
        "/debriefs/{debrief_id}/report.docx": {"get": operation(
            "debriefReport", "The debrief report, as a Word document marked OFFICIAL-SENSITIVE (without the internal "
                             "summary)", {"200": word, "404": not_found}, parameters=[path_id("debrief_id")])},
        "/debriefs.csv": {"get": operation(
            "exportDebriefs", "The debriefs the list's filter chooses, as a CSV file for Excel (as "
                              "/recommendations.csv); without the internal summary or the partner briefing", {
                "200": {"description": "The CSV file, sent as an attachment",
                        "content": {"text/csv": {"schema": {"type": "string"}}}}, "422": invalid},
            parameters=[{"name": "status", "in": "query", "schema": enum(["open", "meeting_held", "report_issued",
                                                                          "monitoring", "closed"])}])},
        "/recommendations/check": {"post": operation(
            "checkRecommendation", "Earlier recommendations like this text, best first, and whether it repeats them", {
                "200": answer("At most five matches", ref("RepeatMatches")), "422": invalid},
            body="RepeatCheck")},
        "/recommendations/import": {"post": operation(
            "importRecommendations", "Recommendations from elsewhere join the corpus repeat detection searches "
                                     "(reviewer, admin). Good items are kept; bad ones are reported by line (1 = first)", {
                "201": {**answer("What was imported and what was refused, answered once they are stored; `import` "
                                 "is the import's progress (repeat detection searches them once their vectors are "
                                 "computed, just afterwards)", ref("ImportResult")),
                        "headers": {"Location": {"description": "The import's progress",
                                                 "schema": STRING}}},
                "422": error("validation_error: no item could be imported (fields name each line)")},
            body="ImportInput")},
        "/recommendations/imports/{import_id}": {"get": operation(
            "getRecommendationImport", "An import's progress: how many of its recommendations repeat detection "
                                       "searches so far (reviewer, admin)", {
                "200": answer("The import", ref("RecommendationImport")), "404": not_found},
            parameters=[path_id("import_id")])},
        "/recommendations/{recommendation_id}/repeat": {"post": operation(
            "decideRepeat", "A reviewer confirms or dismisses that it repeats an earlier recommendation", {
                "200": answer("The recommendation", ref("Recommendation")), "404": not_found,
                "409": error("duplicate: already confirmed as a repeat of another, or the other repeats this one"),
                "422": invalid},
            body="RepeatDecisionInput", parameters=[path_id("recommendation_id")])},
        "/recommendations/{recommendation_id}": {
            "get": operation("getRecommendation", "One recommendation with its clocks, products and decisions", {
                "200": answer("The recommendation", ref("Recommendation")), "404": not_found},
                parameters=[path_id("recommendation_id")]),
            "patch": operation("updateRecommendation", "Change a recommendation (reviewer or board)", {
                "200": answer("The recommendation", ref("Recommendation")), "404": not_found,
                "409": error("stale: it changed since the version sent"), "422": invalid},
                body="RecommendationChange", parameters=[path_id("recommendation_id")]),
        },
        "/recommendations/{recommendation_id}/transition": {"post": operation(
            "transitionRecommendation", "Move it through the lifecycle (owner or board; closing: board)", {
                "200": answer("The recommendation", ref("Recommendation")), "404": not_found,
                "409": error("invalid_transition, or closure_gate: no delivered learning product that is not "
                             "awareness-only, and no rationale"), "422": invalid},
            body="Transition", parameters=[path_id("recommendation_id")])},
        "/recommendations/{recommendation_id}/updates": {"post": operation(
            "addRecommendationUpdate", "Progress or evidence from the owner (their own) or the board", {
                "201": answer("The recommendation", ref("Recommendation")), "404": not_found,
                "409": error("invalid_transition: it is closed"), "422": invalid},
            body="RecommendationUpdate", parameters=[path_id("recommendation_id")])},
        "/recommendations/{recommendation_id}/decisions": {"post": operation(
            "boardDecision", "The board extends the due date or escalates, with a rationale", {
                "201": answer("The recommendation", ref("Recommendation")), "404": not_found,
                "409": error("invalid_transition: it is closed"), "422": invalid},
            body="BoardDecisionInput", parameters=[path_id("recommendation_id")])},
        "/recommendations/{recommendation_id}/products": {"post": operation(
            "addProduct", "Add a learning product (learning team, reviewer, or the owner)", {
                "201": answer("The product", ref("Product")), "404": not_found,
                "409": error("invalid_transition: the recommendation is closed"), "422": invalid},
            body="ProductInput", parameters=[path_id("recommendation_id")])},
        "/products/{product_id}": {"patch": operation(
            "updateProduct", "Move a product forward (delivered needs delivered_on), record reach and evidence", {
                "200": answer("The product", ref("Product")), "404": not_found,
                "409": error("invalid_transition: products only move forward"), "422": invalid},
            body="ProductChange", parameters=[path_id("product_id")])},
        "/board/pack.docx": {"get": operation(
            "boardPack", "The governance board pack for a meeting, as a Word document marked OFFICIAL-SENSITIVE; "
                         "it covers the days since the last pack's meeting unless `since` is given", {
                "200": word, "422": invalid},
            parameters=[{"name": "meeting", "in": "query", "schema": {"type": "string", "format": "date"},
                         "description": "The meeting's date (default today)"},
                        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"},
                         "description": "The first day the pack covers (default: the day after the last pack's meeting)"}])},
        "/board/summary": {"get": operation("boardSummary", "The governance board's headline figures", {
            "200": answer("The summary", ref("BoardSummary"))})},
        "/deadlines/{clock_id}/met": clock_action("meetDeadline", "Mark a deadline met (default now)", "Met", True),
        "/deadlines/{clock_id}/unmet": {"post": operation(
            "unmeetDeadline", "Undo marking a deadline met (marked by mistake): it runs again, pending or overdue; "
            "the deadlines that started when it was met wait again", {
                "200": answer("The deadline", ref("Deadline")), "404": not_found,
                "409": refused}, parameters=clock_id)},
        "/deadlines/{clock_id}/extend": clock_action("extendDeadline", "Extend a deadline; reason required", "Extension"),
        "/deadlines/{clock_id}/pause": clock_action("pauseDeadline", "Pause a deadline; reason required", "Reason"),
        "/deadlines/{clock_id}/resume": clock_action(
            "resumeDeadline", "Resume a paused deadline; reason required. The due date moves on by the days paused",
            "Reason"),
    }


def document() -> dict:
    from debrief.api import openapi_deaths, openapi_library, openapi_sharing  # they build on this module's helpers

    library = current_app.config["LIBRARY_MODE"]

    return {
        "openapi": "3.0.3",
        "info": {"title": "Rapid Debrief API", "version": "1",
                 "description": f"Rapid Debrief for {current_app.config['FORCE_NAME']}. Date-times are ISO 8601 "
                                "with an offset; local time is Europe/London."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from `flask --app wsgi users token EMAIL`."}},
            "schemas": {**schemas(), **openapi_deaths.schemas(), **openapi_sharing.schemas(),
                        **(openapi_library.schemas() if library else {})},
        },
        "paths": {**paths(), **openapi_deaths.paths(), **openapi_sharing.paths(),
                  **(openapi_library.paths() if library else {})},
    }


@api.get("/openapi.json")
def openapi_document():
    return document()
