"""Reference data an administrator can extend: the incident classes (the defaults from product.md
are loaded by migration 0002)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from debrief.extensions import db
from debrief.models import IncidentType, User
from debrief.services import audit
from debrief.services.errors import ValidationFailed
from debrief.services.validation import LIMITS, text

def incident_types(*, include_inactive: bool = False) -> list[IncidentType]:
    query = sa.select(IncidentType).order_by(IncidentType.is_homicide.desc(), IncidentType.position,
                                             IncidentType.label)
    if not include_inactive:
        query = query.where(IncidentType.active.is_(True))
    return list(db.session.scalars(query))


def incident_type_words() -> dict[str, str]:
    """Every incident class's code and its name in the reader's language, withdrawn ones too: what was
    recorded under one keeps its words."""
    return {kind.code: kind.localised_label for kind in incident_types(include_inactive=True)}


def incident_type(code: str) -> IncidentType | None:
    return db.session.scalar(sa.select(IncidentType).where(IncidentType.code == code))


def _code_from(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40]


def _plain(label: str) -> str:
    """A name without case, spaces or punctuation: "Murder!" and "murder" are the same class."""
    return re.sub(r"[^a-z0-9]+", "", label.lower())


def _unused(code: str) -> str:
    """The code, or the code with a number, so that two long names that begin alike both fit."""
    candidate, n = code, 1
    while incident_type(candidate) is not None:
        n += 1
        candidate = f"{code[:36]}_{n}"
    return candidate


def add_incident_type(*, label: str | None, is_homicide: bool | None, actor: User | None,
                      label_cy: str | None = None) -> IncidentType:
    """A new incident class; `label_cy` is its name in Welsh, if given (Welsh pages show it)."""
    errors: dict[str, str] = {}
    label = text(label, "label", errors, label=_l("the name of the incident class"), required=True,
                 max_length=LIMITS["incident_type.label"], single_line=True)
    label_cy = text(label_cy, "label_cy", errors, label=_l("the Welsh name of the incident class"),
                    max_length=LIMITS["incident_type.label"], single_line=True)
    if is_homicide is None:
        errors["is_homicide"] = _("Select whether this is a homicide or a near-miss")
    code = _code_from(label or "")
    if label and not code:
        errors["label"] = _("The name must contain letters or numbers")
    elif label and any(_plain(k.label) == _plain(label) for k in incident_types(include_inactive=True)):
        errors["label"] = _("An incident class with this name already exists")
    if errors:
        raise ValidationFailed(errors)
    code = _unused(code)
    position = (db.session.scalar(sa.select(sa.func.max(IncidentType.position))) or 0) + 10
    kind = IncidentType(code=code, label=label, label_cy=label_cy, is_homicide=is_homicide, active=True,
                        position=position)
    db.session.add(kind)
    db.session.flush()
    details = {"code": code, "label": label, "is_homicide": is_homicide}
    if label_cy:
        details["label_cy"] = label_cy
    audit.record(actor, "created", "incident_type", kind.id, details)
    return kind


def set_incident_type_active(kind: IncidentType, active: bool, *, actor: User) -> None:
    """Withdrawn classes stay on the debriefs that use them; new debriefs cannot choose them."""
    if kind.active != active:
        kind.active = active
        audit.record(actor, "updated", "incident_type", kind.id, {"code": kind.code,
                                                             "active": {"from": not active, "to": active}})


def set_welsh_label(kind: IncidentType, label_cy: str | None, *, actor: User | None) -> None:
    """Gives an incident class its Welsh name (or takes it away, with None)."""
    errors: dict[str, str] = {}
    label_cy = text(label_cy, "label_cy", errors, label=_l("the Welsh name of the incident class"),
                    max_length=LIMITS["incident_type.label"], single_line=True)
    if errors:
        raise ValidationFailed(errors)
    if kind.label_cy != label_cy:
        audit.record(actor, "updated", "incident_type", kind.id, {"code": kind.code,
                                                             "label_cy": {"from": kind.label_cy, "to": label_cy}})
        kind.label_cy = label_cy
