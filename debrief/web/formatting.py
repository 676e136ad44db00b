"""How dates and times read on pages: GOV.UK style, in Europe/London time."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from debrief.deaths.words import reason_words
from debrief.models import LABELS, Relationship, Theme, VictimSex, Weapon
from debrief.services import reference_data
from debrief.services.clock_calendar import LONDON


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def date_and_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


_CHOICES = {"theme": Theme, "weapon": Weapon, "relationship": Relationship, "victim_sex": VictimSex}


def choice_label(value: str | None, kind: str) -> str:
    """The words for a stored choice, e.g. 'knife' → 'Knife or sharp instrument'."""
    if not value:
        return ""
    try:
        return LABELS[_CHOICES[kind](value)]
    except (KeyError, ValueError):
        return value


FIELD_NAMES = {
    "incident_type": "type of incident", "crime_reference": "crime reference", "operation_name": "operation name",
    "occurred_at": "when it happened", "reported_at": "when it was reported", "area": "area",
    "summary": "internal summary", "partner_briefing": "partner briefing", "themes": "themes",
    "victim_age": "victim's age", "victim_sex": "victim's sex", "relationship_to_suspect": "relationship",
    "domestic": "domestic", "weapon": "weapon", "prior_police_contact": "prior police contact",
    "held_at": "meeting time", "attendees": "attendees", "meeting_scheduled_for": "planned meeting time",
}


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
        return kind.label if kind is not None else value
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
        parts = [f"{FIELD_NAMES.get(k, k)} from {_short(k, v.get('from'))} to {_short(k, v.get('to'))}"
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
        from debrief.web.learning_words import describe  # imported here: it builds on this module

        return describe(event)
    return event.action.replace("_", " ").capitalize()


#: What learning_words.describe puts in words (recommendations and their learning products).
RECOMMENDATION_ACTIONS = {"recommendation_added", "status_changed", "progress_added", "evidence_added",
                          "board_extend", "board_escalate", "product_added", "product_updated", "clock_reopened"}


def register_formatting(app: Flask) -> None:
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(date_and_time, "date_and_time")
    app.add_template_filter(choice_label, "choice_label")
    app.add_template_filter(describe_event, "describe_event")
    app.add_template_filter(reason_words, "reason_words")
