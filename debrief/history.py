"""A record's history in plain words: one line for each event in the audit history of a debrief, a
recommendation and its learning products and deadlines. Pages and Word documents show the same lines,
in the reader's language."""
from __future__ import annotations

from datetime import date, datetime

from debrief import vocabulary
from debrief.i18n import date_and_time, long_date
from debrief.services import reference_data
from debrief.vocabulary import PRODUCT_KIND, PRODUCT_STATUS, STATUS


def choice_label(value: str | None, kind: str) -> str:
    """The words for a stored choice, e.g. 'knife' → 'Knife or sharp instrument'."""
    if not value:
        return ""
    return vocabulary.words(CHOICES.get(kind, {}), value)


#: A debrief's fields that hold a choice, and the words for their codes.
CHOICES = {"theme": vocabulary.THEME, "weapon": vocabulary.WEAPON, "relationship": vocabulary.RELATIONSHIP,
           "victim_sex": vocabulary.VICTIM_SEX}


_MOMENTS = {"occurred_at", "reported_at", "held_at", "meeting_scheduled_for"}
_CHOICE_FIELDS = {"themes": "theme", "weapon": "weapon", "victim_sex": "victim_sex",
                  "relationship_to_suspect": "relationship"}


def _in_words(field: str, value):
    """A recorded value as the reviewer chose it on the form: words for choices, London time for
    moments. Only the fields that hold such values are converted; typed text stays as typed."""
    if (field in _MOMENTS or field.endswith("_at")) and isinstance(value, str):
        try:
            return date_and_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if field in _CHOICE_FIELDS:
        kind = _CHOICE_FIELDS[field]
        if isinstance(value, list):
            return [choice_label(v, kind) for v in value]
        return choice_label(value, kind)
    if field == "incident_type" and isinstance(value, str):
        kind = reference_data.incident_type(value)
        return kind.localised_label if kind is not None else value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _short(field: str, value) -> str:
    if value is None or value == "" or value == []:
        return "nothing"
    value = _in_words(field, value)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def describe_event(event) -> str:
    """One line of a record's history, in plain words."""
    changes = event.changes or {}
    clock = changes.get("clock", "")
    reason = f" Reason: {changes['reason']}" if changes.get("reason") and event.action != "clock_withdrawn" else ""

    def due(key="due_date"):
        value = changes.get(key)
        if isinstance(value, dict):
            value = value.get("to")
        return long_date(date.fromisoformat(value)) if value else "when its earlier step is met"

    if event.action == "created" and event.entity == "debrief":
        return "Opened the debrief"
    if event.action in ("updated", "meeting_recorded"):
        parts = [f"{vocabulary.words(vocabulary.DEBRIEF_FIELD, k)} from {_short(k, v.get('from'))} to {_short(k, v.get('to'))}"
                 for k, v in changes.items() if isinstance(v, dict) and k != "version"]
        prefix = "Recorded the meeting" if event.action == "meeting_recorded" else "Changed"
        return f"{prefix}: " + "; ".join(parts) if parts else prefix
    phrases = {
        "clock_added": lambda: f"Deadline added: {clock}, due {due()}",
        "clock_withdrawn": lambda: f"Deadline withdrawn: {clock} no longer applies",
        "clock_moved": lambda: f"Deadline moved: {clock} now due {due()}",
        "clock_started": lambda: f"Deadline started: {clock}, due {due()}",
        "clock_met": lambda: f"Deadline met: {clock}",
        "lesson_added": lambda: f"Lesson added: {_short('text', changes.get('text'))}",
        "clock_met_corrected": lambda: f"Deadline's met time corrected: {clock}",
        "clock_met_undone": lambda: f"Deadline no longer met (marked by mistake): {clock}",
        "clock_waiting": lambda: f"Deadline waiting again: {clock} starts when {changes.get('waits_for')} is met",
        "invitation_sent": lambda: f"Invited {changes.get('agency')} ({changes.get('email')})",
        "invitation_opened": lambda: "Partner opened the invitation link",
        "contribution_submitted": lambda: f"Partner sent a contribution (version {changes.get('version')})",
        "invitation_revoked": lambda: f"Withdrew the invitation to {changes.get('agency')}",
        "invitation_refused": lambda: f"Refused a use of a {changes.get('because')} invitation link",
        "clock_extended": lambda: f"Deadline extended: {clock} now due {due()}.{reason}",
        "clock_paused": lambda: f"Deadline paused: {clock}.{reason}",
        "clock_resumed": lambda: f"Deadline resumed: {clock} now due {due()}.{reason}",
    }
    if event.action in phrases:
        return phrases[event.action]()
    if event.action in RECOMMENDATION_ACTIONS:
        return describe(event)
    return event.action.replace("_", " ").capitalize()


#: What learning_words.describe puts in words (recommendations and their learning products).
RECOMMENDATION_ACTIONS = {"recommendation_added", "status_changed", "progress_added", "evidence_added",
                          "board_extend", "board_escalate", "product_added", "product_updated", "clock_reopened"}


def field_name(field: str) -> str:
    return str(vocabulary.RECOMMENDATION_FIELD.get(field, field.replace("_", " ")))


def value_in_words(field: str, value, lesson_numbers: dict[int, int] | None = None) -> str:
    """A recorded value as people chose it: words for codes, dates in full, lessons by number."""
    if value is None or value == "" or value == []:
        return "nothing"
    if field == "status":
        return vocabulary.words(STATUS, value).lower()
    if field == "priority":
        return vocabulary.words(vocabulary.PRIORITY, value).lower()
    if field == "closure_code":
        return vocabulary.words(vocabulary.CLOSURE_CODE, value).lower()
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
            return f"Learning product added: {title} ({vocabulary.words(PRODUCT_KIND, changes.get('kind'))})"
        if event.action == "product_updated":
            parts = []
            for key, change in changes.items():
                if not isinstance(change, dict):
                    continue
                if key == "status":
                    parts.append(f"from {vocabulary.words(PRODUCT_STATUS, change.get('from')).lower()} to "
                                 f"{vocabulary.words(PRODUCT_STATUS, change.get('to')).lower()}")
                else:
                    parts.append(f"{field_name(key)} {value_in_words(key, change.get('to'))}")
            return f"Learning product updated: {title}" + (f" ({'; '.join(parts)})" if parts else "")
    if event.entity == "clock" and event.action == "clock_reopened":
        return f"Deadline running again: {changes.get('clock')}, because {changes.get('because', 'it was reopened')}"
    return describe_event(event)
