"""Writing the audit history. Every service that changes a record calls `record`."""
from __future__ import annotations

from typing import Any

from debrief.extensions import db
from debrief.models import AuditEvent, Invitation, User

SYSTEM = "system"


def record(
    actor: User | None, action: str, entity: str, entity_id: int, changes: dict[str, Any] | None = None,
    *, debrief_id: int | None = None, invitation: Invitation | None = None, actor_label: str | None = None,
) -> AuditEvent:
    """Adds an event to the history. The actor is a staff user, a partner's invitation, the system, or
    (at the national library) a force, named by `actor_label`."""
    if actor_label is not None:
        label = actor_label
    elif invitation is not None:
        label = partner_label(invitation.agency.name, invitation.id)
    else:
        label = actor.email if actor else SYSTEM
    event = AuditEvent(
        debrief_id=debrief_id,
        actor_id=actor.id if actor else None,
        invitation_id=invitation.id if invitation else None,
        actor_label=label,
        action=action,
        entity=entity,
        entity_id=entity_id,
        changes=changes or {},
    )
    db.session.add(event)
    return event


def partner_label(agency: str, invitation_id: int) -> str:
    """Who acted, when a partner acted through their invitation link."""
    return f"{agency} (partner invitation {invitation_id})"


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as {field: {"from": old, "to": new}}."""
    return {
        key: {"from": before.get(key), "to": value}
        for key, value in after.items()
        if before.get(key) != value
    }
