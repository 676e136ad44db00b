"""Recommendations from elsewhere (IOPC learning, coroners' prevention-of-future-deaths reports,
domestic homicide reviews, child practice reviews, safeguarding adults reviews, inspections, other
forces) imported so that repeat detection searches them too.

An import keeps every good item and reports every bad one by its line, so one mistake in a long
file does not hold back the rest. An item whose issuer and reference are already held is refused,
so importing the same file twice adds nothing. Imported recommendations are not this force's to
track: they have no debrief, owner or due date, and are never flagged as repeats themselves.

An import answers as soon as its items are checked and stored: computing their vectors (seconds for
hundreds of texts; the encoder does a text several times faster in a batch than alone) happens
afterwards, in batches, by a thread of the web process that took the import and, for whatever that
leaves (the process stopped), by the scheduler's job. The recommendations waiting are rows in the database, stored with them, so nothing
imported is lost; until its vectors are stored, repeat detection does not know a recommendation.
Each import keeps its counts, which its progress page and the API show.
"""
from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, g
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from debrief.background import HandOverThread
from debrief.extensions import db
from debrief.i18n import number
from debrief.models import (
    Recommendation, RecommendationAwaitingVectors, RecommendationImport, RecommendationSource, User, utcnow,
)
from debrief.services import audit, similarity, validation
from debrief.services.clock_calendar import london_date
from debrief.services.csv_files import CsvRows, read_rows
from debrief.services.errors import Conflict, NotFound, ValidationFailed
from debrief.services.recommendation_lifecycle import ClosureCode, Status
from debrief.similarity import embed

IMPORT_SOURCES = tuple(s.value for s in RecommendationSource if s.value not in ("debrief", "partner"))
# open, closed, or a closure code meaning closed with that code
IMPORT_STATUSES = ("open", "closed", *(code.value for code in ClosureCode))

FIELDS = ("text", "source", "source_reference", "issued_on", "status")
REQUIRED_COLUMNS = FIELDS[:4]
MAX_ITEMS = 1_000
MAX_REFERENCE = 100
MAX_CSV_BYTES = 2 * 1024 * 1024
EARLIEST = date(1900, 1, 1)
#: Two imports of overlapping files at the same moment: the loser checks its items again.
ATTEMPTS = 3
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LOOKUP_CHUNK = 500
#: How long an encoder keeps the batch it claimed from the others: far longer than encoding a batch
#: takes. A batch whose encoder stopped is claimed again after this.
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class ImportResult:
    imported: list[tuple[int, Recommendation]]  # (line, the new recommendation)
    rejected: list[tuple[int, dict[str, str]]]  # (line, {field: what is wrong})
    record: RecommendationImport | None  # its progress; None when nothing was imported


@dataclass(frozen=True)
class _Good:
    line: int
    text: str
    source: str
    source_reference: str
    issued_on: date
    status: str
    closure_code: str | None


def import_items(items: Any, *, actor: User | None, lines: Sequence[int] | None = None,
                 day_first_dates: bool = False) -> ImportResult:
    """Adds each good item as an imported recommendation and reports each bad one by its line:
    `lines[i]` for items[i] (a CSV's own line numbers), or 1 for the first item. An item is a dict of
    strings; source and status are read whatever their case. `day_first_dates` also accepts
    31/03/2025 (spreadsheets' way) beside 2025-03-31. Flushed, not committed: the new
    recommendations wait for their vectors (encode_waiting)."""
    if not isinstance(items, list):
        raise ValidationFailed({"items": _("must be a list of recommendations")})
    if not items:
        raise ValidationFailed({"items": _("There are no recommendations to import")})
    if len(items) > MAX_ITEMS:
        raise ValidationFailed({"items": _("At most %(most)s recommendations can be imported at a time "
                                           "(this has %(count)s): split them into smaller batches",
                                           most=number(MAX_ITEMS), count=number(len(items)))})
    lines = list(lines) if lines is not None else list(range(1, len(items) + 1))
    for _attempt in range(ATTEMPTS):
        good, rejected = _check(items, lines, day_first_dates)
        records = [_recommendation(item, actor) for item in good]
        try:
            with db.session.begin_nested():
                db.session.add_all(records)
        except IntegrityError:
            continue  # another import added some of the same at this moment: they are now "already held"
        progress = await_vectors(records, len(rejected), actor) if records else None
        if records:
            audit.record(actor, "recommendations_imported", "recommendation", records[0].id,
                         {"count": len(records), "source_references": [r.source_reference for r in records]})
        return ImportResult(imported=[(item.line, record) for item, record in zip(good, records)],
                            rejected=rejected, record=progress)
    raise Conflict("busy", _("Other imports of the same recommendations are running. Try again."))


def get(import_id: int) -> RecommendationImport:
    record = db.session.get(RecommendationImport, import_id)
    if record is None:
        raise NotFound(_("There is no import with that id."))
    return record


# Vectors after the import --------------------------------------------------------------------------


def await_vectors(records: list[Recommendation], rejected: int, actor: User | None) -> RecommendationImport:
    """The import's own record, and its recommendations queued for their vectors, in the import's
    transaction; once it commits, this process's encoder thread starts on them (init_app). Also for
    other forces' recommendations a pull brings (services/library_pull.py)."""
    progress = RecommendationImport(by_id=actor.id if actor else None, accepted=len(records), rejected=rejected,
                                    encoded=0, started_at=utcnow())
    db.session.add(progress)
    db.session.flush()
    db.session.execute(sa.insert(RecommendationAwaitingVectors),
                       [{"recommendation_id": r.id, "import_id": progress.id} for r in records])
    g.vectors_waiting = True
    return progress


def encode_waiting(now: datetime | None = None) -> int:
    """Computes the vectors of the imported recommendations waiting for them, similarity.STORE_BATCH
    at a time, until none is left that another encoder does not hold; returns how many it stored.
    Each batch is claimed (committed), encoded outside any transaction, then stored with the
    import's count (committed): repeat detection finds each batch as soon as it is stored, and a
    process that stops loses at most the batch it held, which is claimed again when its LEASE runs
    out. Safe to run in several processes at once: each batch is stored by the one encoder that
    still holds it."""
    stored = 0
    claim = secrets.token_hex(16)
    while True:
        waiting = _claim(claim, now or utcnow())
        if not waiting:
            return stored
        stored += _store(claim, dict(zip(waiting, embed(list(waiting.values())))))


def _claim(claim: str, now: datetime) -> dict[int, str]:
    """Takes a batch of the waiting recommendations nobody holds (or whose holder's lease ran out)
    for LEASE, committed; returns their texts by id. On PostgreSQL, rows another encoder is taking
    at this moment are skipped, not waited for."""
    free = (sa.select(RecommendationAwaitingVectors.recommendation_id)
            .where(sa.or_(RecommendationAwaitingVectors.claimed_until.is_(None),
                          RecommendationAwaitingVectors.claimed_until <= now))
            .order_by(RecommendationAwaitingVectors.recommendation_id).limit(similarity.STORE_BATCH)
            .with_for_update(skip_locked=True))
    ids = db.session.scalars(
        sa.update(RecommendationAwaitingVectors)
        .where(RecommendationAwaitingVectors.recommendation_id.in_(free))
        .values(claimed_by=claim, claimed_until=now + LEASE)
        .returning(RecommendationAwaitingVectors.recommendation_id)
        .execution_options(synchronize_session=False)).all()
    texts = dict(db.session.execute(sa.select(Recommendation.id, Recommendation.text)
                                    .where(Recommendation.id.in_(ids)).order_by(Recommendation.id)).all()) if ids else {}
    db.session.commit()
    return texts


def _store(claim: str, embeddings: dict) -> int:
    """Stores the vectors of those of a claimed batch still held by `claim` (another encoder took
    over any whose lease ran out; it stores those), and counts them into their imports; committed."""
    held = db.session.execute(
        sa.delete(RecommendationAwaitingVectors)
        .where(RecommendationAwaitingVectors.recommendation_id.in_(list(embeddings)),
               RecommendationAwaitingVectors.claimed_by == claim)
        .returning(RecommendationAwaitingVectors.recommendation_id, RecommendationAwaitingVectors.import_id)
        .execution_options(synchronize_session=False)).all()
    if held:
        similarity.store({recommendation_id: embeddings[recommendation_id] for recommendation_id, _ in held})
        now = utcnow()
        for import_id, count in sorted(Counter(import_id for _, import_id in held).items()):
            encoded = RecommendationImport.encoded + count
            db.session.execute(
                sa.update(RecommendationImport).where(RecommendationImport.id == import_id)
                .values(encoded=encoded, finished_at=sa.case((encoded >= RecommendationImport.accepted, now),
                                                             else_=RecommendationImport.finished_at))
                .execution_options(synchronize_session=False))
    db.session.commit()
    return len(held)


def init_app(app: Flask) -> None:
    """After a request that imported recommendations (and committed), this process's encoder thread
    computes their vectors, so that they do not wait for the scheduler's next run. Off with
    ENCODE_IMPORTS_IN_WEB_WORKERS: the scheduler's job does it alone."""
    if not app.config["ENCODE_IMPORTS_IN_WEB_WORKERS"]:
        return
    thread = app.extensions["vector_encoding"] = HandOverThread(app, "vector-encoding", lambda _: encode_waiting())

    @app.after_request
    def encode_what_this_request_imported(response):
        if g.pop("vectors_waiting", False):
            thread.hand_over([True])
        return response


def _recommendation(item: _Good, actor: User | None) -> Recommendation:
    return Recommendation(text=item.text, source=item.source, source_reference=item.source_reference,
                          issued_on=item.issued_on, status=item.status, closure_code=item.closure_code,
                          closed_at=utcnow() if item.status == Status.CLOSED else None,
                          created_by_id=actor.id if actor else None)


def _check(items: list, lines: list[int], day_first_dates: bool) -> tuple[list[_Good], list[tuple[int, dict]]]:
    today = london_date(utcnow())
    read = [(line, *_read(item, today, day_first_dates)) for line, item in zip(lines, items)]
    held = _already_held({(values["source"], values["source_reference"]) for _, values, _ in read
                          if values.get("source") and values.get("source_reference")})
    first_line: dict[tuple[str, str], int] = {}
    good, rejected = [], []
    for line, values, errors in read:
        key = (values.get("source"), values.get("source_reference"))
        if all(key):
            if key in held:
                errors.setdefault("source_reference", _("Already imported: %(source)s %(reference)s is recommendation "
                                                        "%(id)s", source=key[0], reference=key[1], id=held[key]))
            elif key in first_line:
                errors.setdefault("source_reference", _("The same source and reference is on line %(line)s",
                                                        line=first_line[key]))
            else:
                first_line[key] = line
        if errors:
            rejected.append((line, errors))
        else:
            good.append(_Good(line=line, **values))
    return good, rejected


def _already_held(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """{(source, source_reference): id} for those of `keys` already in the database."""
    references = sorted({reference for _, reference in keys})
    held = {}
    for start in range(0, len(references), _LOOKUP_CHUNK):
        rows = db.session.execute(
            sa.select(Recommendation.source, Recommendation.source_reference, Recommendation.id)
            .where(Recommendation.source_reference.in_(references[start:start + _LOOKUP_CHUNK])))
        held.update({(source, reference): id_ for source, reference, id_ in rows if (source, reference) in keys})
    return held


def _read(item: Any, today: date, day_first_dates: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """One item's values and what is wrong with it, field by field."""
    if not isinstance(item, dict):
        return {}, {"item": _("must be an object with text, source, source_reference and issued_on")}
    errors = {name: _("is not a field an imported recommendation has") for name in item if name not in FIELDS}
    raw = {}
    for name in FIELDS:
        value = item.get(name)
        if value is None or isinstance(value, str):
            raw[name] = value
        else:
            errors[name] = _("must be a string")
    values: dict[str, Any] = {}
    if "text" not in errors:
        values["text"] = validation.text(raw["text"], "text", errors, label=_l("the recommendation"), required=True)
    if "source" not in errors:
        values["source"] = _source(raw["source"], errors)
    if "source_reference" not in errors:
        values["source_reference"] = validation.text(
            raw["source_reference"], "source_reference", errors, label=_l("the source's reference for it"),
            required=True, max_length=MAX_REFERENCE, single_line=True)
    if "issued_on" not in errors:
        values["issued_on"] = _issued_on(raw["issued_on"], errors, today, day_first_dates)
    if "status" not in errors:
        values["status"], values["closure_code"] = _status(raw["status"], errors)
    return values, errors


def _source(value: str | None, errors: dict[str, str]) -> str | None:
    value = (value or "").strip().lower()
    if value not in IMPORT_SOURCES:
        sources = ", ".join(IMPORT_SOURCES)
        errors["source"] = (_("Choose the source: one of %(sources)s", sources=sources) if value
                            else _("Enter the source: one of %(sources)s", sources=sources))
        return None
    return value


def _issued_on(value: str | None, errors: dict[str, str], today: date, day_first_dates: bool) -> date | None:
    value = (value or "").strip()
    if not value:
        errors["issued_on"] = (_("Enter the date it was issued, like 2025-03-31 or 31/03/2025") if day_first_dates
                               else _("Enter the date it was issued, like 2025-03-31"))
        return None
    issued_on = _parse_date(value, day_first_dates)
    if issued_on is None:
        errors["issued_on"] = (_("must be a real date, like 2025-03-31 or 31/03/2025") if day_first_dates
                               else _("must be a real date, like 2025-03-31"))
    elif issued_on > today:
        errors["issued_on"] = _("The date it was issued must be today or in the past")
    elif issued_on < EARLIEST:
        errors["issued_on"] = _("The date it was issued must be in 1900 or later")
    return issued_on


def _parse_date(value: str, day_first_dates: bool) -> date | None:
    try:
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value)
        found = _DAY_FIRST.match(value) if day_first_dates else None
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
    except ValueError:
        pass
    return None


def _status(value: str | None, errors: dict[str, str]) -> tuple[str | None, str | None]:
    """open, closed, or a closure code: (status, closure_code)."""
    value = (value or "").strip().lower() or Status.OPEN.value
    if value not in IMPORT_STATUSES:
        errors["status"] = _("must be open, closed or a closure code (%(codes)s)", codes=", ".join(IMPORT_STATUSES[2:]))
        return None, None
    if value == Status.OPEN:
        return Status.OPEN.value, None
    return Status.CLOSED.value, None if value == Status.CLOSED else value


def rows_from_csv(data: bytes) -> CsvRows:
    """A spreadsheet's rows as import items, or ValidationFailed on `file` when it is not a UTF-8 CSV
    with the columns an import needs."""
    return read_rows(data, fields=FIELDS, required=REQUIRED_COLUMNS, max_bytes=MAX_CSV_BYTES,
                     optional_note=_("(and status, if you have it)"))
