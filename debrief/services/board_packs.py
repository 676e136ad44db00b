"""Board packs: which meeting a pack is for, and the period since the last one.

A pack built for a meeting is recorded in the history (entity "board_pack", its id the meeting
date's ordinal), so that the next pack covers the board's decisions since the previous meeting's
pack, whoever built it and whenever.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import AuditEvent, User
from debrief.services import audit
from debrief.services.errors import ValidationFailed

ENTITY = "board_pack"
FIRST_PERIOD = timedelta(days=28)  # what the first pack covers, with no earlier pack to follow
LONGEST_PERIOD = timedelta(days=366)


def period(meeting: date, since: date | None = None) -> tuple[date, date]:
    """The days a pack for `meeting` covers: from the day after the previous pack's meeting (or
    `since`, if given) to the meeting itself."""
    if since is None:
        previous = db.session.scalar(sa.select(sa.func.max(AuditEvent.entity_id)).where(
            AuditEvent.entity == ENTITY, AuditEvent.entity_id < meeting.toordinal()))
        since = date.fromordinal(previous) + timedelta(days=1) if previous else meeting - FIRST_PERIOD
    if since > meeting:
        raise ValidationFailed({"since": "The start of the period must be on or before the meeting date"})
    if meeting - since > LONGEST_PERIOD:
        raise ValidationFailed({"since": "A board pack covers at most a year"})
    return since, meeting


def record(meeting: date, actor: User) -> None:
    audit.record(actor, "board_pack_built", ENTITY, meeting.toordinal(), {"meeting": meeting.isoformat()})
