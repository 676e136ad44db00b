"""How records look in the API (api.md). One function per record, used by every endpoint."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from debrief.models import AuditEvent, Clock, Contribution, Debrief, Invitation, User
from debrief.services import clocks, invitations
from debrief.services.clock_calendar import LONDON
from debrief.services.pagination import Page


def when(value: datetime | None) -> str | None:
    """Date-times go out in Europe/London time with their offset."""
    return value.astimezone(LONDON).isoformat() if value else None


def person(user: User | None) -> dict | None:
    return {"email": user.email, "name": user.name} if user else None


def clock(record: Clock, now: datetime | None = None) -> dict[str, Any]:
    state = clocks.view(record, now).state
    return {
        "id": record.id,
        "kind": record.kind,
        "label": record.label,
        "due_date": record.due_date.isoformat() if record.due_date else None,
        "due_at": when(record.due_at),
        "state": state.value,
        "met_at": when(record.met_at),
        "source": record.source,
    }


def debrief(record: Debrief, deadlines: list[Clock] | None = None) -> dict[str, Any]:
    body = {
        "id": record.id,
        "reference": record.reference,
        "status": record.status.value,
        "is_homicide": record.is_homicide,
        "incident_type": record.incident_type_code,
        "crime_reference": record.crime_reference,
        "operation_name": record.operation_name,
        "occurred_at": when(record.occurred_at),
        "reported_at": when(record.reported_at),
        "area": record.area,
        "summary": record.summary,
        "partner_briefing": record.partner_briefing,
        "themes": record.themes,
        "victim_age": record.victim_age,
        "victim_sex": record.victim_sex,
        "relationship_to_suspect": record.relationship_to_suspect,
        "domestic": record.domestic,
        "weapon": record.weapon,
        "prior_police_contact": record.prior_police_contact,
        "reviewer": person(record.reviewer),
        "meeting_scheduled_for": when(record.meeting_scheduled_for),
        "meeting": {
            "held_at": when(record.meeting_held_at),
            "attendees": [{"name": a.name, "agency": a.agency} for a in record.attendees],
        } if record.meeting_held_at else None,
        "created_at": when(record.created_at),
        "updated_at": when(record.updated_at),
    }
    if deadlines is not None:
        body["deadlines"] = [clock(c) for c in deadlines]
    return body


def invitation(record: Invitation) -> dict[str, Any]:
    return {
        "id": record.id,
        "debrief_id": record.debrief_id,
        "agency": record.agency.name,
        "email": record.contact_email,
        "name": record.contact_name,
        "state": invitations.state(record).value,
        "sent_at": when(record.created_at),
        "opened_at": when(record.opened_at),
        "responded_at": when(record.responded_at),
        "expires_at": when(record.expires_at),
        "revoked_at": when(record.revoked_at),
    }


def contribution(record: Contribution) -> dict[str, Any]:
    return {
        "id": record.id,
        "invitation_id": record.invitation_id,
        "agency": record.invitation.agency.name,
        "version": record.version,
        "submitted_at": when(record.submitted_at),
        "attending": record.attending,
        "prior_contact": record.prior_contact,
        "contact_summary": record.contact_summary,
        "learning": record.learning,
    }


def history_event(event: AuditEvent) -> dict[str, Any]:
    return {"at": when(event.at), "actor": event.actor_label, "action": event.action,
            "entity": event.entity, "entity_id": event.entity_id, "changes": event.changes}


def page(result: Page, shape) -> dict[str, Any]:
    return {"items": [shape(item) for item in result.items], "total": result.total,
            "page": result.page, "per_page": result.per_page}
