"""Acting on deadline clocks (api.md "Deadlines"): mark met, undo that, extend, pause, resume."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, g, request
from flask_babel import gettext as _

from debrief.api import api, shapes
from debrief.api.auth import api_permission, json_body
from debrief.api.reading import BodyReader
from debrief.extensions import db
from debrief.models import Clock
from debrief.permissions import Rule
from debrief.services import clocks
from debrief.services.errors import ValidationFailed


def _act(clock_id: int, fields: set[str], action: Callable[[Clock, BodyReader], None], *,
         body_optional: bool = False):
    """Finds the clock, reads the body, and runs the service's action on them; the clock is the answer."""
    clock = clocks.get(clock_id)
    if clock is None:
        abort(404, _("There is no deadline with that id."))
    data = {} if body_optional and not request.get_data() else json_body()
    reader = BodyReader(data, fields)
    action(clock, reader)
    db.session.commit()
    return shapes.clock(clock)


def _read(reader: BodyReader, **readers):
    values = {name: read(name) for name, read in readers.items()}
    if reader.errors:
        raise ValidationFailed(reader.errors, _("Some of the information is not valid"))
    return values


@api.post("/deadlines/<int:clock_id>/met")
@api_permission(Rule.RUN_DEBRIEFS)
def meet_deadline(clock_id: int):
    return _act(clock_id, {"at"}, body_optional=True, action=lambda clock, reader: clocks.mark_met(
        clock, actor=g.actor, **_read(reader, at=reader.datetime)))


@api.post("/deadlines/<int:clock_id>/unmet")
@api_permission(Rule.RUN_DEBRIEFS)
def unmeet_deadline(clock_id: int):
    return _act(clock_id, set(), body_optional=True, action=lambda clock, reader: clocks.undo_met(
        clock, actor=g.actor, **_read(reader)))


@api.post("/deadlines/<int:clock_id>/extend")
@api_permission(Rule.RUN_DEBRIEFS)
def extend_deadline(clock_id: int):
    return _act(clock_id, {"due_date", "reason"}, lambda clock, reader: clocks.extend(
        clock, actor=g.actor, **_read(reader, due_date=reader.date, reason=reader.text)))


@api.post("/deadlines/<int:clock_id>/pause")
@api_permission(Rule.RUN_DEBRIEFS)
def pause_deadline(clock_id: int):
    return _act(clock_id, {"reason"}, lambda clock, reader: clocks.pause(
        clock, actor=g.actor, **_read(reader, reason=reader.text)))


@api.post("/deadlines/<int:clock_id>/resume")
@api_permission(Rule.RUN_DEBRIEFS)
def resume_deadline(clock_id: int):
    return _act(clock_id, {"reason"}, lambda clock, reader: clocks.resume(
        clock, actor=g.actor, **_read(reader, reason=reader.text)))
