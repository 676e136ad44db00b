"""Partner agencies: reference data an administrator manages."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from debrief.extensions import db
from debrief.models import Agency, AgencyType, User
from debrief.services import audit
from debrief.services import validation as check
from debrief.services.errors import ValidationFailed
from debrief.services.pagination import Page, paginate


def agencies() -> list[Agency]:
    """The agencies that can be invited, by name (the invitation form's choices)."""
    return list(db.session.scalars(sa.select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))


def listed(page: int, per_page: int) -> Page:
    """Every agency, withdrawn ones too, by name: the administrator's list."""
    return paginate(sa.select(Agency).order_by(Agency.name, Agency.id), page, per_page)


def find(name_or_id: str | int | None) -> Agency | None:
    """An agency by id, or by its name whatever the case (the API takes either)."""
    if isinstance(name_or_id, int) and not isinstance(name_or_id, bool):
        return db.session.get(Agency, name_or_id) if check.is_id(name_or_id) else None
    if isinstance(name_or_id, str) and name_or_id.strip():
        return db.session.scalar(sa.select(Agency).where(sa.func.lower(Agency.name) == name_or_id.strip().lower()))
    return None


#: The languages an agency's contacts can be invited in.
LANGUAGES = {"en", "cy"}


def add(*, name: str | None, kind: str | None, actor: User | None, name_cy: str | None = None,
        language: str | None = None) -> Agency:
    """A new agency. `name_cy` is its Welsh name, if it has one (Welsh pages and emails show it);
    `language` ("en", the default, or "cy") is the language its contacts are invited in."""
    errors: dict[str, str] = {}
    name = check.text(name, "name", errors, label=_l("the agency's name"), required=True,
                      max_length=check.LIMITS["agency.name"],
                      single_line=True)
    name_cy = check.text(name_cy, "name_cy", errors, label=_l("the agency's Welsh name"),
                         max_length=check.LIMITS["agency.name"], single_line=True)
    kind = check.choice(kind, "kind", errors, AgencyType, label=_l("the type of agency"), required=True)
    language = check.choice(language, "language", errors, LANGUAGES, label=_l("the language for invitations")) or "en"
    if name and "name" not in errors and find(name) is not None:
        errors["name"] = _("An agency with this name already exists")
    if errors:
        raise ValidationFailed(errors)
    agency = Agency(name=name, name_cy=name_cy, kind=kind, language=language, active=True)
    db.session.add(agency)
    db.session.flush()
    details = {"name": name, "kind": kind}
    if name_cy:
        details["name_cy"] = name_cy
    if language != "en":
        details["language"] = language
    audit.record(actor, "created", "agency", agency.id, details)
    return agency


def set_welsh(agency: Agency, *, name_cy: str | None, language: str | None, actor: User | None) -> None:
    """An agency's Welsh name (None: it has none) and the language its contacts are invited in."""
    errors: dict[str, str] = {}
    name_cy = check.text(name_cy, "name_cy", errors, label=_l("the agency's Welsh name"),
                         max_length=check.LIMITS["agency.name"], single_line=True)
    language = check.choice(language, "language", errors, LANGUAGES, label=_l("the language for invitations"),
                            required=True)
    if errors:
        raise ValidationFailed(errors)
    changes = {key: {"from": before, "to": after} for key, before, after in (
        ("name_cy", agency.name_cy, name_cy), ("language", agency.language, language)) if before != after}
    if changes:
        agency.name_cy, agency.language = name_cy, language
        audit.record(actor, "updated", "agency", agency.id, changes)


def set_active(agency: Agency, active: bool, *, actor: User | None) -> None:
    """A withdrawn agency can no longer be invited; its past invitations stay."""
    if agency.active != active:
        agency.active = active
        audit.record(actor, "updated", "agency", agency.id, {"active": {"from": not active, "to": active}})
