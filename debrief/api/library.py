"""The national library's items API (api.md "Learning across forces", at the library): forces publish,
search, withdraw and report what they used, each with its own token. Registered only when
LIBRARY_MODE is on; it answers forces' tokens only, never staff API tokens."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, g, request
from flask_babel import gettext as _

from debrief.api.auth import bearer_token, json_body
from debrief.api.reading import page_arguments
from debrief.api import shapes
from debrief.api.shapes import when
from debrief.extensions import csrf, db
from debrief.models import LibraryItem
from debrief.services import library

library_api = Blueprint("library_api", __name__, url_prefix="/api/v1/library")
csrf.exempt(library_api)


def force_required(view):
    """No token, or one that is not a force's at this library (a staff token included): 401. Sets `g.force`."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = bearer_token()
        force = library.force_for_token(token) if token else None
        if force is None:
            abort(401, _("Send your force's library token as 'Authorization: Bearer <token>'."))
        g.force = force
        return view(*args, **kwargs)

    return wrapped


def item_shape(item: LibraryItem, *, asking_force_id: int | None = None, uses: dict | None = None,
               score: float | None = None) -> dict:
    body = {"id": item.id, "force": item.force.name, "kind": item.kind, "text": item.text, "themes": item.themes,
            "incident_type": item.incident_type, "issued_on": item.issued_on.isoformat(), "status": item.status,
            "closure_code": item.closure_code, "products": item.products, "withdrawn": item.withdrawn,
            "updated_at": when(item.updated_at)}
    if item.force_id == asking_force_id:
        counts = (uses or {}).get(item.id, {})
        body.update(source_reference=item.source_reference, taken_by=counts.get("taken", 0),
                    found_as_repeat=counts.get("found_as_repeat", 0))
    if score is not None:
        body["score"] = score
    return body


@library_api.post("/items")
@force_required
def publish_item():
    item, created = library.publish(g.force, json_body())
    db.session.commit()
    return {"id": item.id}, 201 if created else 200


@library_api.get("/items")
@force_required
def list_items():
    asked = library.read_search(request.args)
    page, scores = library.search(asked, g.force)
    own = [item.id for item in page.items if item.force_id == g.force.id]
    uses = library.use_counts(own)
    return shapes.page(page, lambda item: item_shape(item, asking_force_id=g.force.id, uses=uses,
                                                     score=scores.get(item.id)))


@library_api.get("/forces")
@force_required
def list_forces():
    """The forces, for a force's search of the library (its `force` filter takes their ids)."""
    return shapes.page(library.forces_page(*page_arguments()), lambda force: {"id": force.id, "name": force.name})


@library_api.delete("/items/<int:item_id>")
@force_required
def withdraw_item(item_id: int):
    item = library.withdraw(g.force, item_id)
    body = item_shape(item, asking_force_id=g.force.id, uses=library.use_counts([item.id]))
    db.session.commit()
    return body


@library_api.post("/uses")
@force_required
def record_uses():
    counts = library.record_uses(g.force, json_body())
    db.session.commit()
    return counts
