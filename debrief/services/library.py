"""The national library (LIBRARY_MODE; api.md "Learning across forces"): forces publish anonymised
lessons and recommendations with their outcomes, every force searches them, and each force sees what
others did with what it shared.

- A force is known by its token (`add_force` prints it once; only its SHA-256 digest is kept, as for
  staff API tokens).
- What a force sends is checked again by the library's own anonymiser before anything is stored: any
  personal data and nothing is stored (PersonalData, with the spans found).
- A force knows each item by its own `source_reference`: sending it again updates that item, which
  makes the force's queue safe to send twice.
- Withdrawn, an item keeps its row without its text, so that every force's next pull (`since`) sees
  it go.
- "What worked": a recommendation closed as implemented whose learning products delivered it (the
  force sends only products delivered or evaluated: recommendation_lifecycle.DELIVERED_STATES).
- Search by words (every word in the text) or by meaning (the repeat encoder's sentence vectors,
  ranked by cosine, from an index each process keeps in memory: services/similarity.py).
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from debrief.extensions import db
from debrief.models import (
    LibraryForce, LibraryItem, LibraryItemKind, LibraryItemTheme, LibraryItemUse, LibraryItemVector, LibraryUse,
    Theme, utcnow,
)
from debrief.services import anonymiser, audit, similarity, validation
from debrief.services.accounts import token_digest
from debrief.services.clock_calendar import london_date
from debrief.services.errors import Conflict, NotAllowed, NotFound, PersonalData, ValidationFailed
from debrief.services.pagination import MAX_PAGE, MAX_PER_PAGE, Page, paginate
from debrief.services.recommendation_lifecycle import PRODUCT_KINDS, ClosureCode, Status
from debrief.similarity import embed
from debrief.similarity.encoder import one_blas_thread

TOKEN_PREFIX = "rdl_"  # not a staff token's "rd_": neither is ever taken for the other
FIELDS = ("kind", "text", "themes", "incident_type", "issued_on", "status", "closure_code", "products",
          "source_reference")
MAX_NAME = 120
MAX_REFERENCE = 100
MAX_PRODUCTS = 20
MAX_INCIDENT_TYPE = 40
MAX_USES = 1_000
MAX_QUERY = 500
#: A meaning search ranks every item it may show and keeps this many, best first.
MEANING_RESULTS = 100
EARLIEST = date(1900, 1, 1)

LIBRARY_VECTORS = similarity.VectorTable(LibraryItemVector.id, LibraryItemVector.item_id, LibraryItemVector.vector,
                                         LibraryItemVector.token_ids)


# Forces ---------------------------------------------------------------------------------------------


def add_force(name: str | None) -> tuple[LibraryForce, str]:
    """A force that may publish to the library, and its token, returned once and never stored."""
    if not current_app.config["LIBRARY_MODE"]:
        raise NotAllowed(_("This is not the library: set LIBRARY_MODE=1 to add forces to it."))
    errors: dict[str, str] = {}
    name = validation.text(name, "name", errors, label=_l("the force's name"), required=True,
                           max_length=MAX_NAME, single_line=True)
    if errors:
        raise ValidationFailed(errors)
    if db.session.scalar(sa.select(LibraryForce.id).where(sa.func.lower(LibraryForce.name) == name.lower())):
        raise Conflict("duplicate", _("The library already has a force called %(name)s.", name=name))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    force = LibraryForce(name=name, token_hash=token_digest(token), token_prefix=token[:10], created_at=utcnow())
    db.session.add(force)
    db.session.flush()
    audit.record(None, "library_force_added", "library_force", force.id, {"name": name, "token": force.token_prefix + "…"})
    return force, token


def force_for_token(token: str) -> LibraryForce | None:
    """The force a bearer token belongs to, or None (a staff token, or one the library never issued)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return db.session.scalar(sa.select(LibraryForce).where(LibraryForce.token_hash == token_digest(token)))


def forces() -> list[LibraryForce]:
    return list(db.session.scalars(sa.select(LibraryForce).order_by(LibraryForce.name)))


def forces_page(page: int, per_page: int) -> Page:
    """The forces, by name, a page at a time: what a force's search page offers as its force filter."""
    return paginate(sa.select(LibraryForce).order_by(LibraryForce.name, LibraryForce.id), page, per_page)


def _label(force: LibraryForce) -> str:
    return f"{force.name} (library force {force.id})"


# Publishing and withdrawing ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Values:
    kind: str
    text: str
    themes: list[str]
    incident_type: str
    issued_on: date
    status: str | None
    closure_code: str | None
    products: list[dict[str, str]]
    source_reference: str


def publish(force: LibraryForce, body: Any) -> tuple[LibraryItem, bool]:
    """Stores what a force shared, or updates the item it sent before with the same
    `source_reference`: (the item, whether it is new). Refused whole when anything is wrong
    (ValidationFailed) or personal data is found (PersonalData): nothing is stored. Flushed."""
    values = _read(body)
    _refuse_personal_data(values)
    item = db.session.scalar(sa.select(LibraryItem).where(LibraryItem.force_id == force.id,
                                                          LibraryItem.source_reference == values.source_reference))
    created = item is None
    if created:
        item = LibraryItem(force=force, source_reference=values.source_reference, created_at=utcnow())
    text_changed = item.text != values.text
    item.kind, item.text, item.incident_type = values.kind, values.text, values.incident_type
    item.issued_on, item.status, item.closure_code = values.issued_on, values.status, values.closure_code
    item.products = values.products
    item.what_worked = what_worked(values.status, values.closure_code, values.products)
    item.withdrawn_at = None  # shared again after a withdrawal: back in the library
    item.updated_at = utcnow()
    if item.themes != values.themes:
        item.theme_rows = [LibraryItemTheme(theme=theme) for theme in values.themes]
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        # The same force sent the same reference twice at once: the other request stored it.
        raise Conflict("busy", _("That item is being stored by another request. Send it again.")) from None
    if text_changed:
        _store_vector(item)
    audit.record(None, "library_item_published" if created else "library_item_updated", "library_item", item.id,
                 {"source_reference": item.source_reference}, actor_label=_label(force))
    return item, created


def what_worked(status: str | None, closure_code: str | None, products: list) -> bool:
    """Closed as implemented, with the learning products that delivered it."""
    return status == Status.CLOSED and closure_code == ClosureCode.IMPLEMENTED and bool(products)


def withdraw(force: LibraryForce, item_id: int) -> LibraryItem:
    """Only the publishing force may withdraw an item. Its text goes at once; the item stays listed
    as withdrawn so that the forces that took it remove it on their next pull. Flushed."""
    item = get(item_id)
    if item.force_id != force.id:
        raise NotAllowed(_("Only the force that shared an item may withdraw it."))
    if item.withdrawn_at is None:
        item.withdrawn_at = item.updated_at = utcnow()
        item.text = None
        db.session.execute(sa.delete(LibraryItemVector).where(LibraryItemVector.item_id == item.id))
        audit.record(None, "library_item_withdrawn", "library_item", item.id,
                     {"source_reference": item.source_reference}, actor_label=_label(force))
    return item


def get(item_id: int) -> LibraryItem:
    item = db.session.get(LibraryItem, item_id) if validation.is_id(item_id) else None
    if item is None:
        raise NotFound(_("There is no library item with that id."))
    return item


def _store_vector(item: LibraryItem) -> None:
    """The item's sentence vector, in a new row (see LibraryItemVector); flushed."""
    (embedding,) = embed([item.text])
    db.session.execute(sa.delete(LibraryItemVector).where(LibraryItemVector.item_id == item.id))
    db.session.add(LibraryItemVector(item_id=item.id, vector=embedding.vector.tobytes(),
                                     token_ids=embedding.token_ids.tobytes()))


def _refuse_personal_data(values: _Values) -> None:
    spans = anonymiser.find(values.text)
    fields = {f"products[{index}].title": _("The title holds personal data; take it out and send it again.")
              for index, product in enumerate(values.products) if anonymiser.find(product["title"])}
    if spans or fields:
        raise PersonalData(_("The library found personal data in what was sent; nothing was stored. Take it "
                             "out and send it again."),
                           [{"start": s.start, "end": s.end, "kind": s.kind} for s in spans], fields)


def _read(body: Any) -> _Values:
    """A force's item, checked field by field; ValidationFailed names every field that is wrong."""
    if not isinstance(body, dict):
        raise ValidationFailed({"item": _("must be a JSON object")})
    errors = {name: _("is not a field a library item has") for name in body if name not in FIELDS}
    kind = validation.choice(_string(body, "kind", errors), "kind", errors, LibraryItemKind,
                             label=_l("lesson or recommendation"), required=True)
    limit = validation.LIMITS["lesson.text" if kind == LibraryItemKind.LESSON else "recommendation.text"]
    text = validation.text(_string(body, "text", errors), "text", errors, label=_l("the text"), required=True,
                           max_length=limit)
    reference = validation.text(_string(body, "source_reference", errors), "source_reference", errors,
                                label=_l("the force's reference for it"), required=True,
                                max_length=MAX_REFERENCE, single_line=True)
    incident_type = _incident_type(_string(body, "incident_type", errors), errors)
    issued_on = _issued_on(_string(body, "issued_on", errors), errors)
    themes = _themes(body.get("themes"), errors)
    status, closure_code = _outcome(kind, _string(body, "status", errors), _string(body, "closure_code", errors),
                                    errors)
    products = _products(body.get("products"), errors)
    if errors:
        raise ValidationFailed(errors)
    return _Values(kind=kind, text=text, themes=themes, incident_type=incident_type, issued_on=issued_on,
                   status=status, closure_code=closure_code, products=products, source_reference=reference)


def _string(body: dict, name: str, errors: dict[str, str]) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    errors[name] = _("must be a string")
    return None


def _incident_type(value: str | None, errors: dict[str, str]) -> str | None:
    """A force's incident class code (forces may add their own, so any code of that shape)."""
    if "incident_type" in errors:
        return None
    value = (value or "").strip()
    if not value:
        errors["incident_type"] = _("Enter the incident type's code, like murder or attempted_murder")
    elif len(value) > MAX_INCIDENT_TYPE or not value.isascii() or not value.replace("_", "").isalnum() \
            or value != value.lower():
        errors["incident_type"] = _("must be an incident type's code: lower-case letters, digits and _")
    return value or None


def _issued_on(value: str | None, errors: dict[str, str]) -> date | None:
    if "issued_on" in errors:
        return None
    try:
        issued_on = date.fromisoformat((value or "").strip()) if len((value or "").strip()) == 10 else None
    except ValueError:
        issued_on = None
    if issued_on is None:
        errors["issued_on"] = _("must be a real date, like 2025-03-31")
    elif issued_on > london_date(utcnow()):
        errors["issued_on"] = _("The date it was issued must be today or in the past")
    elif issued_on < EARLIEST:
        errors["issued_on"] = _("The date it was issued must be in 1900 or later")
    return issued_on


def _themes(value: Any, errors: dict[str, str]) -> list[str]:
    if value is None:
        return []
    known = {theme.value for theme in Theme}
    if not isinstance(value, list) or not all(isinstance(theme, str) and theme in known for theme in value):
        errors["themes"] = _("must be a list of themes: %(themes)s", themes=", ".join(theme.value for theme in Theme))
        return []
    return sorted(set(value))


def _outcome(kind: str | None, status: str | None, closure_code: str | None,
             errors: dict[str, str]) -> tuple[str | None, str | None]:
    """A recommendation's status (open when not given) and closure code (only when closed, and then
    required); a lesson has neither."""
    status = validation.choice(status, "status", errors, Status, label=_l("the status"))
    closure_code = validation.choice(closure_code, "closure_code", errors, ClosureCode, label=_l("the closure code"))
    if kind == LibraryItemKind.LESSON:
        for name, given in (("status", status), ("closure_code", closure_code)):
            if given:
                errors.setdefault(name, _("A lesson has no status or closure code: leave it out"))
        return None, None
    if "status" in errors:
        return None, None
    status = status or Status.OPEN.value
    if status == Status.CLOSED and not closure_code:
        errors.setdefault("closure_code", _("Enter the closure code of a closed recommendation"))
    elif status != Status.CLOSED and closure_code:
        errors.setdefault("closure_code", _("Only a closed recommendation has a closure code"))
    return status, closure_code


def _products(value: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_PRODUCTS:
        errors["products"] = _("must be a list of at most %(most)s learning products, each {\"kind\", \"title\"}",
                               most=MAX_PRODUCTS)
        return []
    products = []
    for index, product in enumerate(value):
        field = f"products[{index}]"
        if not isinstance(product, dict) or set(product) - {"kind", "title"}:
            errors[field] = _("must be an object with kind and title")
            continue
        kind, title = product.get("kind"), product.get("title")
        if kind not in PRODUCT_KINDS:
            errors[f"{field}.kind"] = _("must be one of %(kinds)s", kinds=", ".join(PRODUCT_KINDS))
        if title is not None and not isinstance(title, str):
            errors[f"{field}.title"] = _("must be a string")
            continue
        title = validation.text(title, f"{field}.title", errors, label=_l("the product's title"), required=True,
                                max_length=validation.LIMITS["product.title"], single_line=True)
        products.append({"kind": kind, "title": title})
    return products


# Uses -----------------------------------------------------------------------------------------------


def record_uses(force: LibraryForce, body: Any) -> dict[str, int]:
    """Which items the force took into its repeat checks and which its reviewers found as repeats:
    {"taken": [ids], "found_as_repeat": [ids]}. Recorded once per item, force and use; ids the
    library does not hold, and the force's own items, are ignored. Returns how many of each it
    holds now from this report (new or already recorded). Flushed."""
    if not isinstance(body, dict):
        raise ValidationFailed({"body": _("must be a JSON object")})
    errors = {name: _("is not a field this endpoint accepts") for name in body if name not in set(LibraryUse)}
    asked: dict[str, set[int]] = {}
    for use in LibraryUse:
        ids = body.get(use.value, [])
        if not isinstance(ids, list) or len(ids) > MAX_USES or not all(validation.is_id(i) for i in ids):
            errors[use.value] = _("must be a list of at most %(most)s library item ids", most=MAX_USES)
        else:
            asked[use.value] = set(ids)
    if errors:
        raise ValidationFailed(errors)
    everything = set().union(*asked.values())
    others = set(db.session.scalars(sa.select(LibraryItem.id).where(
        LibraryItem.id.in_(everything), LibraryItem.force_id != force.id))) if everything else set()
    counts, rows = {}, []
    for use, ids in asked.items():
        ids &= others
        rows += [{"item_id": i, "force_id": force.id, "use": use, "at": utcnow()} for i in sorted(ids)]
        counts[use] = len(ids)
    if rows:  # one statement, and a use already recorded (by this report's twin, too) is left as it was
        insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
        db.session.execute(insert(LibraryItemUse).on_conflict_do_nothing(), rows)
    return counts


def use_counts(item_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many forces took each item into their repeat checks, and found it as a repeat."""
    counts = {item_id: {use.value: 0 for use in LibraryUse} for item_id in item_ids}
    if item_ids:
        rows = db.session.execute(sa.select(LibraryItemUse.item_id, LibraryItemUse.use, sa.func.count())
                                  .where(LibraryItemUse.item_id.in_(item_ids))
                                  .group_by(LibraryItemUse.item_id, LibraryItemUse.use))
        for item_id, use, count in rows:
            counts[item_id][use] = count
    return counts


# Searching ------------------------------------------------------------------------------------------


BY_WORDS, BY_MEANING = "words", "meaning"


@dataclass(frozen=True)
class Search:
    """What a search asks for. `since`: items changed since then, withdrawn ones included (a force's
    pull); `mine`: only the asking force's own items, withdrawn ones included."""

    q: str | None = None
    by: str = BY_WORDS
    kind: str | None = None
    theme: str | None = None
    incident_type: str | None = None
    status: str | None = None
    closure_code: str | None = None
    force_id: int | None = None
    year: int | None = None
    what_worked: bool = False
    since: datetime | None = None
    mine: bool = False
    page: int = 1
    per_page: int = 25

    @property
    def by_meaning(self) -> bool:
        return bool(self.q) and self.by == BY_MEANING


SEARCH_FIELDS = ("q", "by", "kind", "theme", "incident_type", "status", "closure_code", "force", "year",
                 "what_worked", "since", "mine", "page", "per_page")


def read_search(args: Mapping[str, str], *, per_page: int = 25) -> Search:
    """A search from a query string (the API's and the page's); ValidationFailed names each bad value."""
    errors: dict[str, str] = {}
    q = validation.text(args.get("q"), "q", errors, label=_l("what to search for"), max_length=MAX_QUERY,
                        single_line=True)
    by = args.get("by") or BY_WORDS
    if by not in (BY_WORDS, BY_MEANING):
        errors["by"] = _("Choose to search by words or by meaning")
    kind = validation.choice(args.get("kind"), "kind", errors, LibraryItemKind, label=_l("lesson or recommendation"))
    theme = validation.choice(args.get("theme"), "theme", errors, Theme, label=_l("a theme"))
    status = validation.choice(args.get("status"), "status", errors, Status, label=_l("the status"))
    closure_code = validation.choice(args.get("closure_code"), "closure_code", errors, ClosureCode,
                                     label=_l("the closure code"))
    incident_type = (args.get("incident_type") or "").strip() or None
    if incident_type and len(incident_type) > MAX_INCIDENT_TYPE:
        errors["incident_type"] = _("Select a type of incident from the list")
    force_id = _whole(args, "force", errors, 1, validation.STORABLE_INTEGER[1], _("Select a force from the list"))
    year = _whole(args, "year", errors, EARLIEST.year, 2100,
                  _("Enter the year as 4 digits from %(low)s to %(high)s, like 2025", low=EARLIEST.year, high=2100))
    page = _whole(args, "page", errors, 1, MAX_PAGE) or 1
    per_page = _whole(args, "per_page", errors, 1, MAX_PER_PAGE) or per_page
    flags = {name: _flag(args, name, errors) for name in ("what_worked", "mine")}
    since = None
    if args.get("since"):
        try:
            since = datetime.fromisoformat(args["since"].strip().replace("Z", "+00:00"))
        except ValueError:
            since = None
        if since is None or since.tzinfo is None or validation.outside_years(since):
            errors["since"] = _("must be a date and time with its offset, like 2026-12-01T00:00:00+00:00")
            since = None
    if errors:
        raise ValidationFailed(errors)
    return Search(q=q, by=by, kind=kind, theme=theme, incident_type=incident_type, status=status,
                  closure_code=closure_code, force_id=force_id, year=year, since=since, page=page,
                  per_page=per_page, **flags)


def read_page_search(args: Mapping[str, str], *, per_page: int) -> Search:
    """A search from a page's query string (the library staff's, or a force's over the API): every filter
    but those only a pull asks (`since`, `mine`), `per_page` items a page. ValidationFailed names each
    bad value."""
    return read_search({name: args[name] for name in SEARCH_FIELDS
                        if args.get(name) and name not in ("since", "mine", "per_page")}, per_page=per_page)


def _whole(args: Mapping[str, str], name: str, errors: dict[str, str], low: int, high: int,
           message: str | None = None) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if len(value) > 10 or not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors[name] = message or _("must be a whole number from %(low)s to %(high)s", low=low, high=high)
        return None
    return int(value)


def _flag(args: Mapping[str, str], name: str, errors: dict[str, str]) -> bool:
    value = (args.get(name) or "").strip().lower()
    if value not in ("", "true", "false", "1", "0", "yes", "no", "y", "n"):
        errors[name] = _("must be true or false")
    return value in ("true", "1", "yes", "y")  # y: what a checkbox on the page sends


def search(asked: Search, force: LibraryForce | None = None) -> tuple[Page, dict[int, float]]:
    """One page of the items the search finds, and by meaning each one's score in [-1, 1] (the
    closest first); else the latest issued first (a pull, `since`: the oldest change first, so that
    it can page through them). `force` is the asking force (for `mine`); library staff ask with none."""
    query = _filtered(asked, force)
    if asked.by_meaning:
        ranked = _by_meaning(asked.q, query)
        start = (asked.page - 1) * asked.per_page
        scores = {item_id: round(score, 4) for item_id, score in ranked[start:start + asked.per_page]}
        loaded = {item.id: item for item in db.session.scalars(
            sa.select(LibraryItem).where(LibraryItem.id.in_(list(scores))))}
        items = [loaded[item_id] for item_id in scores if item_id in loaded]
        return Page(items=items, total=len(ranked), page=asked.page, per_page=asked.per_page), scores
    if asked.since is not None:
        query = query.order_by(LibraryItem.updated_at, LibraryItem.id)
    else:
        query = query.order_by(LibraryItem.issued_on.desc(), LibraryItem.id.desc())
    return paginate(query, asked.page, asked.per_page), {}


def _filtered(asked: Search, force: LibraryForce | None) -> sa.Select:
    query = sa.select(LibraryItem)
    if asked.mine:
        query = query.where(LibraryItem.force_id == (force.id if force else -1))
    if asked.since is not None:
        query = query.where(LibraryItem.updated_at > asked.since)
    elif not asked.mine:
        query = query.where(LibraryItem.withdrawn_at.is_(None))
    if asked.q and not asked.by_meaning:
        for word in asked.q.lower().split()[:20]:
            query = query.where(sa.func.lower(LibraryItem.text).contains(word, autoescape=True))
    if asked.theme:
        query = query.where(sa.exists().where(LibraryItemTheme.item_id == LibraryItem.id,
                                              LibraryItemTheme.theme == asked.theme))
    for column, value in ((LibraryItem.kind, asked.kind), (LibraryItem.incident_type, asked.incident_type),
                          (LibraryItem.status, asked.status), (LibraryItem.closure_code, asked.closure_code),
                          (LibraryItem.force_id, asked.force_id)):
        if value is not None:
            query = query.where(column == value)
    if asked.year:
        query = query.where(LibraryItem.issued_on.between(date(asked.year, 1, 1), date(asked.year, 12, 31)))
    if asked.what_worked:
        query = query.where(LibraryItem.what_worked.is_(True))
    return query


def _by_meaning(q: str, query: sa.Select) -> list[tuple[int, float]]:
    """The items `query` finds, ranked by how close their meaning is to `q` (cosine of the sentence
    vectors), at most MEANING_RESULTS: [(id, score)]. Withdrawn items have no vector, so never rank."""
    # Core, not the ORM: ten thousand ids in a third of the time.
    only = set(db.session.connection().execute(query.with_only_columns(LibraryItem.id)
                                               .where(LibraryItem.withdrawn_at.is_(None))).scalars())
    if not only:
        return []
    corpus = similarity.synced(LIBRARY_VECTORS)
    return corpus.index.nearest(_query_vector(q), MEANING_RESULTS, only=only)


@lru_cache(maxsize=256)
def _query_vector(q: str) -> np.ndarray:
    """A search's text as a sentence vector (kept a while: the next page asks again). On one BLAS
    thread: a short text gains nothing from more, and on a busy machine they wait for each other
    (p95 660 ms against 52 ms on two shared cores, bench/README.md)."""
    with one_blas_thread():
        return embed([q])[0].vector.astype(np.float32)


# Contributions by force -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    force: LibraryForce
    lessons: int
    recommendations: int
    withdrawn: int
    what_worked: int
    taken: int            # uses by other forces, of this force's items
    found_as_repeat: int


def contributions() -> list[Contribution]:
    """Each force's sharing: lessons and recommendations in the library now, withdrawn, what worked,
    and how often other forces took or found its items; the forces that share most first."""
    live = LibraryItem.withdrawn_at.is_(None)

    def count(condition) -> sa.ColumnElement:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    shared = {row[0]: row[1:] for row in db.session.execute(
        sa.select(LibraryItem.force_id, count(sa.and_(live, LibraryItem.kind == LibraryItemKind.LESSON.value)),
                  count(sa.and_(live, LibraryItem.kind == LibraryItemKind.RECOMMENDATION.value)),
                  count(~live), count(sa.and_(live, LibraryItem.what_worked.is_(True))))
        .group_by(LibraryItem.force_id))}
    used = {row[0]: row[1:] for row in db.session.execute(
        sa.select(LibraryItem.force_id, count(LibraryItemUse.use == LibraryUse.TAKEN.value),
                  count(LibraryItemUse.use == LibraryUse.FOUND_AS_REPEAT.value))
        .join(LibraryItemUse, LibraryItemUse.item_id == LibraryItem.id).group_by(LibraryItem.force_id))}
    rows = [Contribution(force, *shared.get(force.id, (0, 0, 0, 0)), *used.get(force.id, (0, 0)))
            for force in forces()]
    return sorted(rows, key=lambda row: (-(row.lessons + row.recommendations), row.force.name.lower()))
