"""Lessons, recommendations, learning products and the governance board in the API (api.md)."""
from __future__ import annotations

from dataclasses import asdict

from flask import abort, g, request
from flask_babel import gettext as _

from debrief.api import api, shapes
from debrief.api.auth import api_permission, json_body
from debrief.api.debriefs import debrief_or_404
from debrief.api.reading import BodyReader, page_arguments
from debrief import documents
from debrief.documents import board_pack
from debrief.extensions import db
from debrief.models import Recommendation
from debrief import permissions
from debrief.permissions import Rule
from debrief.services import exports, learning_products, lessons, recommendations, repeats, validation
from debrief.services.errors import ValidationFailed


def _recommendation_or_404(recommendation_id: int, *, reading: bool = True) -> Recommendation:
    record = recommendations.get(recommendation_id)
    if record is None or (reading and not permissions.may_read_recommendation(g.actor, record)):
        abort(404, _("There is no recommendation with that id."))
    return record


def _refuse(reader: BodyReader) -> None:
    if reader.errors:
        raise ValidationFailed(reader.errors)


def _ids(reader: BodyReader, name: str) -> list[int] | None:
    value = reader.data.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(validation.is_id(v) for v in value):
        reader.errors[name] = _("must be a list of ids")
        return None
    return value


@api.post("/debriefs/<int:debrief_id>/lessons")
@api_permission(Rule.RUN_DEBRIEFS)
def add_lesson(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    reader = BodyReader(json_body(), {"text", "category", "themes", "contribution_id"})
    values = {"text": reader.text("text"), "category": reader.text("category"), "themes": reader.strings("themes"),
              "contribution_id": reader.integer("contribution_id")}
    _refuse(reader)
    lesson = lessons.add(debrief, actor=g.actor, **values)
    db.session.commit()
    return shapes.lesson(lesson), 201


@api.get("/debriefs/<int:debrief_id>/lessons")
@api_permission(Rule.READ_EVERYTHING)
def list_lessons(debrief_id: int):
    return shapes.page(lessons.of_debrief(debrief_or_404(debrief_id), *page_arguments()), shapes.lesson)


@api.post("/debriefs/<int:debrief_id>/recommendations")
@api_permission(Rule.RUN_DEBRIEFS)
def add_recommendation(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    reader = BodyReader(json_body(), {"text", "owner_email", "due_date", "priority", "lesson_ids", "source"})
    values = {"text": reader.text("text"), "owner_email": reader.text("owner_email"),
              "due_date": reader.date("due_date"), "priority": reader.text("priority"),
              "lesson_ids": _ids(reader, "lesson_ids"), "source": reader.text("source")}
    record = recommendations.create(debrief, actor=g.actor, format_errors=reader.errors, **values)
    db.session.commit()
    return shapes.recommendation(record, full=True, reader=g.actor), 201


def _list_filters() -> dict:
    """`?status=`, `?owner=`, `?overdue=true`, `?repeat=true`: the list's filters, and its CSV's."""
    args = request.args
    return {"status": args.get("status") or None, "owner_email": args.get("owner") or None,
            "overdue": args.get("overdue") == "true", "repeat": args.get("repeat") == "true"}


@api.get("/recommendations")
@api_permission(Rule.READ_RECOMMENDATIONS)
def list_recommendations():
    page, per_page = page_arguments()
    result = recommendations.search(**_list_filters(), page=page, per_page=per_page)
    return shapes.page(result, shapes.recommendation)


@api.get("/recommendations.csv")
@api_permission(Rule.READ_RECOMMENDATIONS)
def export_recommendations():
    return exports.download(exports.of_recommendations(**_list_filters()))


@api.get("/lessons.csv")
@api_permission(Rule.READ_EVERYTHING)
def export_lessons():
    return exports.download(exports.of_lessons())


@api.post("/recommendations/check")
@api_permission(Rule.USE_STAFF_API)
def check_recommendation():
    reader = BodyReader(json_body(), {"text", "exclude_id"})
    text, exclude_id = reader.text("text"), reader.integer("exclude_id")
    _refuse(reader)
    return {"matches": [shapes.match(found) for found in repeats.like(text, exclude_id=exclude_id, reader=g.actor)]}


@api.post("/recommendations/<int:recommendation_id>/repeat")
@api_permission(Rule.RUN_DEBRIEFS)
def decide_repeat(recommendation_id: int):
    record = _recommendation_or_404(recommendation_id)
    reader = BodyReader(json_body(), {"of", "decision"})
    values = {"of": reader.integer("of"), "decision": reader.text("decision")}
    _refuse(reader)
    repeats.decide(record, actor=g.actor, **values)
    db.session.commit()
    return shapes.recommendation(record, full=True, reader=g.actor)


@api.get("/recommendations/<int:recommendation_id>")
@api_permission(Rule.USE_STAFF_API)
def get_recommendation(recommendation_id: int):
    return shapes.recommendation(_recommendation_or_404(recommendation_id), full=True, reader=g.actor)


@api.patch("/recommendations/<int:recommendation_id>")
@api_permission(Rule.USE_STAFF_API)
def update_recommendation(recommendation_id: int):
    record = _recommendation_or_404(recommendation_id)
    reader = BodyReader(json_body(), {"version", *recommendations.EDITABLE})
    changes = {}
    for name, read in (("text", reader.text), ("owner_email", reader.text), ("due_date", reader.date),
                       ("priority", reader.text)):
        if reader.has(name):
            changes[name] = read(name)
    if reader.has("lesson_ids"):
        changes["lesson_ids"] = _ids(reader, "lesson_ids") or []
    if "version" not in reader.data:
        reader.errors["version"] = _("Send the version you last read")
    _refuse(reader)
    recommendations.update(record, version=reader.data["version"], actor=g.actor, **changes)
    db.session.commit()
    return shapes.recommendation(record, full=True, reader=g.actor)


@api.post("/recommendations/<int:recommendation_id>/transition")
@api_permission(Rule.USE_STAFF_API)
def transition_recommendation(recommendation_id: int):
    record = _recommendation_or_404(recommendation_id)
    reader = BodyReader(json_body(), {"to", "note", "closure_code", "rationale"})
    values = {name: reader.text(name) for name in ("to", "note", "closure_code", "rationale")}
    _refuse(reader)
    recommendations.transition(record, actor=g.actor, **values)
    db.session.commit()
    return shapes.recommendation(record, full=True, reader=g.actor)


@api.post("/recommendations/<int:recommendation_id>/updates")
@api_permission(Rule.USE_STAFF_API)
def add_recommendation_update(recommendation_id: int):
    record = _recommendation_or_404(recommendation_id)
    reader = BodyReader(json_body(), {"kind", "text"})
    values = {"kind": reader.text("kind"), "text": reader.text("text")}
    _refuse(reader)
    recommendations.add_update(record, actor=g.actor, **values)
    db.session.commit()
    return shapes.recommendation(record, full=True, reader=g.actor), 201


@api.post("/recommendations/<int:recommendation_id>/decisions")
@api_permission(Rule.DECIDE_AS_BOARD)
def board_decision(recommendation_id: int):
    record = _recommendation_or_404(recommendation_id)
    reader = BodyReader(json_body(), {"decision", "rationale", "new_due_date", "escalate_to"})
    values = {"decision": reader.text("decision"), "rationale": reader.text("rationale"),
              "new_due_date": reader.date("new_due_date"), "escalate_to": reader.text("escalate_to")}
    _refuse(reader)
    recommendations.decide(record, actor=g.actor, **values)
    db.session.commit()
    return shapes.recommendation(record, full=True, reader=g.actor), 201


@api.post("/recommendations/<int:recommendation_id>/products")
@api_permission(Rule.USE_STAFF_API)
def add_product(recommendation_id: int):
    record = _recommendation_or_404(recommendation_id)
    reader = BodyReader(json_body(), {"kind", "title", "audience", "target_count"})
    values = {"kind": reader.text("kind"), "title": reader.text("title"), "audience": reader.strings("audience"),
              "target_count": reader.integer("target_count")}
    _refuse(reader)
    product = learning_products.add(record, actor=g.actor, **values)
    db.session.commit()
    return shapes.product(product), 201


@api.patch("/products/<int:product_id>")
@api_permission(Rule.USE_STAFF_API)
def update_product(product_id: int):
    product = learning_products.get(product_id)
    if product is None or not permissions.may_read_recommendation(g.actor, product.recommendation):
        abort(404, _("There is no learning product with that id."))
    reader = BodyReader(json_body(), {"status", "delivered_on", "reached_count", "evidence"})
    values = {"status": reader.text("status"), "delivered_on": reader.date("delivered_on"),
              "reached_count": reader.integer("reached_count"), "evidence": reader.text("evidence")}
    learning_products.update(product, actor=g.actor, format_errors=reader.errors, **values)
    db.session.commit()
    return shapes.product(product)


@api.get("/board/pack.docx")
@api_permission(Rule.ANALYSE)
def board_pack_document():
    """?meeting=YYYY-MM-DD (default today) and ?since=YYYY-MM-DD (default: after the last pack)."""
    reader = BodyReader(request.args.to_dict(), {"meeting", "since"})
    meeting, since = reader.date("meeting") or recommendations.today(), reader.date("since")
    _refuse(reader)
    content = board_pack.build(meeting, since, g.actor)
    db.session.commit()
    return documents.response(content, board_pack.filename(meeting))


@api.get("/board/summary")
@api_permission(Rule.ANALYSE)
def board_summary():
    return asdict(recommendations.board_summary())
