"""How records look in the API (api.md). One function per record, used by every endpoint."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from debrief.models import (
    AuditEvent, Clock, Contribution, Debrief, Invitation, LearningProduct, Lesson, Recommendation, User,
)
from debrief.services import clocks, invitations, repeats
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
        "met_late": record.met_late,
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
        "language": record.language,
        "state": invitations.state(record).value,
        "email_status": invitations.email_status(record),
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


def lesson(record: Lesson) -> dict[str, Any]:
    return {"id": record.id, "debrief_id": record.debrief_id, "text": record.text, "category": record.category,
            "themes": record.themes or [], "source": record.source, "contribution_id": record.contribution_id,
            "created_at": when(record.created_at)}


def product(record: LearningProduct) -> dict[str, Any]:
    return {"id": record.id, "recommendation_id": record.recommendation_id, "kind": record.kind,
            "title": record.title, "audience": record.audience or [], "target_count": record.target_count,
            "status": record.status, "delivered_on": record.delivered_on.isoformat() if record.delivered_on else None,
            "reached_count": record.reached_count, "reach_percent": record.reach_percent, "evidence": record.evidence}


def earlier(record: Recommendation, score: float | None = None) -> dict[str, Any]:
    """Another recommendation as a repeat link or a match shows it."""
    body = {"id": record.id, "reference": record.reference, "text": record.text, "status": record.status,
            "closure_code": record.closure_code, "source": record.source}
    if score is not None:
        body["score"] = score
    return body


def match(found) -> dict[str, Any]:
    return {**earlier(found.recommendation, found.score), "is_repeat": found.is_repeat}


def recommendation(record: Recommendation, *, full: bool = False, reader: User | None = None) -> dict[str, Any]:
    """`full`: with its repeats (those `reader` may read), clocks, products, updates and decisions."""
    body = {
        "id": record.id,
        "reference": record.reference,
        "debrief_id": record.debrief_id,
        "text": record.text,
        "status": record.status,
        "closure_code": record.closure_code,
        "owner": person(record.owner),
        "due_date": record.due_date.isoformat() if record.due_date else None,
        "priority": record.priority,
        "source": record.source,
        "source_reference": record.source_reference,
        "issued_on": record.issued_on.isoformat() if record.issued_on else None,
        "lesson_ids": [item.id for item in record.lessons],
        "version": record.version,
        "created_at": when(record.created_at),
        "updated_at": when(record.updated_at),
    }
    if full:
        links = repeats.of(record, reader)
        body["possible_repeats"] = [earlier(link.earlier, link.score) for link in links.possible]
        body["repeat_of"] = earlier(links.repeat_of.earlier) if links.repeat_of else None
        body["repeated_by"] = [earlier(link.recommendation) for link in links.repeated_by]
        body["deadlines"] = [clock(c) for c in clocks.recommendation_clocks(record)]
        body["products"] = [product(p) for p in record.products]
        body["updates"] = [{"kind": u.kind, "text": u.text, "author": u.author.email, "at": when(u.at)}
                           for u in record.updates]
        body["decisions"] = [{"decision": d.decision, "closure_code": d.closure_code, "rationale": d.rationale,
                              "new_due_date": d.new_due_date.isoformat() if d.new_due_date else None,
                              "escalated_to": d.escalated_to.email if d.escalated_to else None,
                              "decided_by": d.decided_by.email, "decided_at": when(d.decided_at)}
                             for d in record.decisions]
    return body
