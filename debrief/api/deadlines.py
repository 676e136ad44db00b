"""Acting on deadline clocks (api.md "Deadlines")."""
from __future__ import annotations

from flask import abort, g, request

from debrief.api import api, shapes
from debrief.api.auth import api_permission, json_body
from debrief.api.reading import BodyReader
from debrief.extensions import db
from debrief.models import Clock
from debrief.permissions import Rule
from debrief.services import clocks
from debrief.services.errors import ValidationFailed


def _clock_or_404(clock_id: int) -> Clock:
    clock = clocks.get(clock_id)
    if clock is None:
        abort(404, "There is no deadline with that id.")
    return clock


def _body(allowed: set[str], *, optional: bool = False) -> BodyReader:
    if optional and not request.get_data():
        return BodyReader({}, allowed)
    return BodyReader(json_body(), allowed)


def _refuse_bad_format(reader: BodyReader) -> None:
    if reader.errors:
        raise ValidationFailed(reader.errors)


@api.post("/deadlines/<int:clock_id>/met")
@api_permission(Rule.RUN_DEBRIEFS)
def meet_deadline(clock_id: int):
    clock = _clock_or_404(clock_id)
    reader = _body({"at"}, optional=True)
    at = reader.datetime("at")
    _refuse_bad_format(reader)
    clocks.mark_met(clock, at=at, actor=g.actor)
    db.session.commit()
    return shapes.clock(clock)


@api.post("/deadlines/<int:clock_id>/extend")
@api_permission(Rule.RUN_DEBRIEFS)
def extend_deadline(clock_id: int):
    clock = _clock_or_404(clock_id)
    reader = _body({"due_date", "reason"})
    due_date, reason = reader.date("due_date"), reader.text("reason")
    _refuse_bad_format(reader)
    clocks.extend(clock, due_date=due_date, reason=reason, actor=g.actor)
    db.session.commit()
    return shapes.clock(clock)


@api.post("/deadlines/<int:clock_id>/pause")
@api_permission(Rule.RUN_DEBRIEFS)
def pause_deadline(clock_id: int):
    clock = _clock_or_404(clock_id)
    reader = _body({"reason"})
    reason = reader.text("reason")
    _refuse_bad_format(reader)
    clocks.pause(clock, reason=reason, actor=g.actor)
    db.session.commit()
    return shapes.clock(clock)


@api.post("/deadlines/<int:clock_id>/resume")
@api_permission(Rule.RUN_DEBRIEFS)
def resume_deadline(clock_id: int):
    clock = _clock_or_404(clock_id)
    reader = _body({"reason"})
    reason = reader.text("reason")
    _refuse_bad_format(reader)
    clocks.resume(clock, reason=reason, actor=g.actor)
    db.session.commit()
    return shapes.clock(clock)
