"""How lessons, recommendations and learning products read on pages: the words for stored codes, and
one line of a recommendation's history in plain English."""
from __future__ import annotations

from datetime import date

from debrief.services.recommendation_lifecycle import PRODUCT_KINDS
from debrief.web.formatting import describe_event, long_date

STATUS = {"open": "Open", "in_progress": "In progress", "awaiting_closure": "Awaiting closure", "closed": "Closed"}
STATUS_TAG = {"open": "govuk-tag--blue", "in_progress": "govuk-tag--light-blue",
              "awaiting_closure": "govuk-tag--yellow", "closed": "govuk-tag--green"}
CLOSURE_CODE = {
    "implemented": "Implemented",
    "alternative_action": "Alternative action taken",
    "not_implemented": "Not implemented (the board accepts the risk)",
    "no_longer_applicable": "No longer applicable",
    "superseded": "Superseded by another recommendation",
}
PRIORITY = {"high": "High", "medium": "Medium", "low": "Low"}
SOURCE = {
    "debrief": "This debrief",
    "partner": "A partner agency",
    "dhr": "Domestic homicide review",
    "child_practice_review": "Child safeguarding practice review",
    "iopc": "IOPC",
    "coroner_pfd": "Coroner's prevention of future deaths report",
    "sar": "Safeguarding adults review",
    "inspection": "Inspection",
    "other_force": "Another force",
}
LESSON_CATEGORY = {
    "risk_assessment": "Risk assessment",
    "information_sharing": "Information sharing",
    "supervision": "Supervision",
    "training": "Training",
    "policy": "Policy",
    "partnership": "Partnership working",
    "notable_practice": "Notable practice",
    "other": "Other",
}
#: Where a lesson came from (Lesson.source), as the debrief page's lessons table says it.
LESSON_FROM = {"police": "Police review", "partner": "Partner agency"}
PRODUCT_KIND = {
    "classroom_training": "Classroom training",
    "e_learning": "E-learning",
    "briefing": "Briefing",
    "guidance_update": "Guidance or policy change",
    "toolkit": "Toolkit",
    "system_change": "System change",
    "intranet_article": "Intranet article (awareness only)",
    "email_bulletin": "Email bulletin (awareness only)",
}
assert set(PRODUCT_KIND) == set(PRODUCT_KINDS)
PRODUCT_STATUS = {"planned": "Planned", "in_development": "In development", "delivered": "Delivered",
                  "evaluated": "Evaluated"}
PRODUCT_STATUS_TAG = {"planned": "govuk-tag--grey", "in_development": "govuk-tag--yellow",
                      "delivered": "govuk-tag--green", "evaluated": "govuk-tag--green"}
AUDIENCE = {
    "response": "Response officers",
    "neighbourhood": "Neighbourhood policing",
    "public_protection": "Public protection",
    "call_handling": "Call handling",
    "investigation": "Investigation",
    "custody": "Custody",
    "supervisors": "Supervisors",
    "partners": "Partner agencies",
}
UPDATE_KIND = {"response": "Response and plan", "progress": "Progress", "completion": "What was done",
               "evidence": "Evidence"}
DECISION = {"close": "Closed", "reject_closure": "Closure rejected", "extend": "Due date extended",
            "escalate": "Escalated"}

#: Everything above, for templates, as `words.status[...]` and so on.
WORDS = {"status": STATUS, "status_tag": STATUS_TAG, "closure_code": CLOSURE_CODE, "priority": PRIORITY,
         "source": SOURCE, "lesson_category": LESSON_CATEGORY, "product_kind": PRODUCT_KIND,
         "product_status": PRODUCT_STATUS, "product_status_tag": PRODUCT_STATUS_TAG, "audience": AUDIENCE,
         "update_kind": UPDATE_KIND, "decision": DECISION}

_FIELDS = {"text": "text", "owner": "owner", "due_date": "due date", "priority": "priority",
           "lessons": "linked lessons", "status": "status", "closure_code": "closure code",
           "delivered_on": "delivered on", "reached_count": "people reached", "evidence": "evidence"}


def field_name(field: str) -> str:
    return _FIELDS.get(field, field.replace("_", " "))


def value_in_words(field: str, value, lesson_numbers: dict[int, int] | None = None) -> str:
    """A recorded value as people chose it: words for codes, dates in full, lessons by number."""
    if value is None or value == "" or value == []:
        return "nothing"
    if field == "status":
        return STATUS.get(value, value).lower()
    if field == "priority":
        return PRIORITY.get(value, value).lower()
    if field == "closure_code":
        return CLOSURE_CODE.get(value, value).lower()
    if field in ("due_date", "delivered_on") and isinstance(value, str):
        try:
            return long_date(date.fromisoformat(value))
        except ValueError:
            return value
    if field == "lessons" and isinstance(value, list):
        numbers = lesson_numbers or {}
        return ", ".join(f"lesson {numbers.get(v, v)}" for v in value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _changes(changes: dict, lesson_numbers: dict[int, int]) -> str:
    return "; ".join(f"{field_name(k)} from {value_in_words(k, v.get('from'), lesson_numbers)} "
                     f"to {value_in_words(k, v.get('to'), lesson_numbers)}"
                     for k, v in changes.items() if isinstance(v, dict) and k != "version")


def describe(event, *, products: dict[int, str] | None = None, lesson_numbers: dict[int, int] | None = None) -> str:
    """One line of a recommendation's history: its own events, its learning products' and its clocks'."""
    changes = event.changes or {}
    lesson_numbers = lesson_numbers or {}
    rationale = f" Rationale: {value_in_words('rationale', changes['rationale'])}" if changes.get("rationale") else ""
    if event.entity == "recommendation":
        if event.action == "recommendation_added":
            return (f"Wrote {changes.get('reference', 'the recommendation')} and allocated it to "
                    f"{changes.get('owner')}, due {value_in_words('due_date', changes.get('due_date'))}")
        if event.action == "updated":
            return f"Changed: {_changes(changes, lesson_numbers)}"
        if event.action == "status_changed":
            move = changes.get("status") or {}
            before, after = move.get("from"), move.get("to")
            if after == "closed":
                return f"Closed as {value_in_words('closure_code', changes.get('closure_code', {}).get('to'))}.{rationale}"
            if before == "awaiting_closure" and after == "in_progress":
                return f"Closure rejected: back to in progress.{rationale}"
            if after == "in_progress":
                return "Owner responded: now in progress"
            if after == "awaiting_closure":
                return "Asked for closure: now awaiting closure"
            return f"Status changed from {value_in_words('status', before)} to {value_in_words('status', after)}"
        if event.action in ("progress_added", "evidence_added"):
            kind = event.action.removesuffix("_added")
            return f"Added {kind}: {value_in_words(kind, changes.get(kind))}"
        if event.action == "board_extend":
            due = changes.get("due_date") or {}
            return f"Board extended the due date to {value_in_words('due_date', due.get('to'))}.{rationale}"
        if event.action == "board_escalate":
            to = f" to {changes['escalated_to']}" if changes.get("escalated_to") else ""
            return f"Board escalated the recommendation{to}.{rationale}"
    if event.entity == "learning_product":
        title = (products or {}).get(event.entity_id) or changes.get("title") or "a learning product"
        if event.action == "product_added":
            return f"Learning product added: {title} ({PRODUCT_KIND.get(changes.get('kind'), changes.get('kind'))})"
        if event.action == "product_updated":
            parts = []
            for key, change in changes.items():
                if not isinstance(change, dict):
                    continue
                if key == "status":
                    parts.append(f"from {PRODUCT_STATUS.get(change.get('from'), change.get('from')).lower()} to "
                                 f"{PRODUCT_STATUS.get(change.get('to'), change.get('to')).lower()}")
                else:
                    parts.append(f"{field_name(key)} {value_in_words(key, change.get('to'))}")
            return f"Learning product updated: {title}" + (f" ({'; '.join(parts)})" if parts else "")
    if event.entity == "clock" and event.action == "clock_reopened":
        return f"Deadline running again: {changes.get('clock')}, because {changes.get('because', 'it was reopened')}"
    return describe_event(event)
