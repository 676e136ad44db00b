"""Who am I: lets a force system check its token."""
from __future__ import annotations

from flask import g

from debrief.api import api
from debrief.api.auth import api_permission
from debrief.permissions import Rule


@api.get("/me")
@api_permission(Rule.USE_STAFF_API)
def me():
    user = g.actor
    return {"email": user.email, "name": user.name, "roles": sorted(r.value for r in user.role_set)}
