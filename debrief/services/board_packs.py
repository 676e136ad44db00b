"""Board packs: which meeting a pack is for, and the period since the last one.

A pack the board builds for a meeting is recorded in the history (entity "board_pack", its id the
meeting date's ordinal, action BUILT), so that the next pack covers the board's decisions since the
previous meeting's pack, whenever it was built. An analyst may build a pack too, to read or to
prepare it, but analysts change nothing: theirs is recorded as DRAFTED, and the board's next period
does not move.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from debrief.extensions import db
from debrief.models import AuditEvent, User
from debrief.permissions import Rule, can
from debrief.services import audit
from debrief.services.errors import ValidationFailed

ENTITY = "board_pack"
BUILT = "board_pack_built"        # by the board: the next pack follows on from this one's meeting
DRAFTED = "board_pack_drafted"    # by anyone else (an analyst): kept in the history, moves nothing
FIRST_PERIOD = timedelta(days=28)  # what the first pack covers, with no earlier pack to follow
LONGEST_PERIOD = timedelta(days=366)


def period(meeting: date, since: date | None = None) -> tuple[date, date]:
    """The days a pack for `meeting` covers: from the day after the previous pack's meeting (or
    `since`, if given) to the meeting itself."""
    if since is None:
        previous = db.session.scalar(sa.select(sa.func.max(AuditEvent.entity_id)).where(
            AuditEvent.entity == ENTITY, AuditEvent.action == BUILT, AuditEvent.entity_id < meeting.toordinal()))
        since = date.fromordinal(previous) + timedelta(days=1) if previous else meeting - FIRST_PERIOD
    if since > meeting:
        raise ValidationFailed({"since": _("The start of the period must be on or before the meeting date")})
    if meeting - since > LONGEST_PERIOD:
        raise ValidationFailed({"since": _("A board pack covers at most a year")})
    return since, meeting


def record(meeting: date, actor: User) -> None:
    """Who built a pack for which meeting; only the board's own packs set where the next one starts."""
    action = BUILT if can(actor, Rule.DECIDE_AS_BOARD) else DRAFTED
    audit.record(actor, action, ENTITY, meeting.toordinal(), {"meeting": meeting.isoformat()})
