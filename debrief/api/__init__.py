"""The JSON API under /api/v1 (../shared/design/api.md). Bearer tokens only: no cookies, no CSRF."""
from flask import Blueprint

from debrief.extensions import csrf

api = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api)

from debrief.api import deadlines, death_report, deaths, debriefs, imports, invitations, learning, openapi, staff  # noqa: E402,F401  (routes register on import)
from debrief.api import sharing  # noqa: E402,F401  (learning across forces, at a force)
