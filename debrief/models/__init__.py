"""The data model. Importing this package registers every table with SQLAlchemy."""
from debrief.models.audit import AuditEvent
from debrief.models.staff import ROLE_LABELS, ApiToken, Role, User, UserRole
from debrief.models.types import UTCDateTime, utcnow

__all__ = ["ROLE_LABELS", "ApiToken", "AuditEvent", "Role", "User", "UserRole", "UTCDateTime", "utcnow"]
