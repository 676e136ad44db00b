"""How dates and times read on pages: GOV.UK style, in Europe/London time."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from debrief.models import LABELS, Relationship, Theme, VictimSex, Weapon
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
    "held_at": "meeting time", "attendees": "attendees",
}


def _short(value) -> str:
    if value is None or value == "" or value == []:
        return "nothing"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, str):
        try:
            value = date_and_time(datetime.fromisoformat(value))
        except ValueError:
            pass
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
        parts = [f"{FIELD_NAMES.get(k, k)} from {_short(v.get('from'))} to {_short(v.get('to'))}"
                 for k, v in changes.items() if isinstance(v, dict)]
        prefix = "Recorded the meeting" if event.action == "meeting_recorded" else "Changed"
        return f"{prefix}: " + "; ".join(parts) if parts else prefix
    phrases = {
        "clock_added": lambda: f"Deadline added: {clock}, due {due()}",
        "clock_withdrawn": lambda: f"Deadline withdrawn: {clock} no longer applies",
        "clock_moved": lambda: f"Deadline moved: {clock} now due {due()}",
        "clock_started": lambda: f"Deadline started: {clock}, due {due()}",
        "clock_met": lambda: f"Deadline met: {clock}",
        "clock_extended": lambda: f"Deadline extended: {clock} now due {due()}.{reason}",
        "clock_paused": lambda: f"Deadline paused: {clock}.{reason}",
        "clock_resumed": lambda: f"Deadline resumed: {clock} now due {due()}.{reason}",
    }
    if event.action in phrases:
        return phrases[event.action]()
    return event.action.replace("_", " ").capitalize()


def register_formatting(app: Flask) -> None:
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(date_and_time, "date_and_time")
    app.add_template_filter(choice_label, "choice_label")
    app.add_template_filter(describe_event, "describe_event")
