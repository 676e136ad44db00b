"""Other forces' shared recommendations in this force's repeat detection (issue 25): a pull brings
those the library holds into the corpus as imported recommendations (source `other_force`, with the
force that made them and the learning products that delivered them) and removes those withdrawn.

A pull first fetches every page of what changed at the library since the last successful pull, then
applies it in one transaction: a library that stops answering half-way leaves the corpus as it was,
and the next pull asks again from the same point. Their vectors are computed afterwards, the way an
import's are (services/imports.py). Then the force tells the library which items it took and which
its reviewers found as repeats (idempotent there), so that the publishing force sees its learning used;
and asks it what other forces did with what this force published, kept for its pages (fetch_uses).

`flask --app wsgi library pull` pulls now; the scheduler pulls nightly from NIGHTLY_FROM.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _, ngettext

from debrief.extensions import db
from debrief.models import (
    LibraryDraft, LibraryPull, OtherForceRecommendation, Recommendation, RecommendationAwaitingVectors,
    RecommendationSource, RepeatDecision, RepeatLink, utcnow,
)
from debrief.models.learning import RECOMMENDATION_STATUSES
from debrief.services import imports, library_client
from debrief.services.clock_calendar import LONDON, london_date
from debrief.services.recommendation_lifecycle import ClosureCode, Status
from debrief.vocabulary import PRODUCT_KIND_IN_SENTENCE, words

log = logging.getLogger(__name__)

#: The nightly pull starts at or after this London time.
NIGHTLY_FROM = time(3, 0)
#: More forces than there are: a count of forces above it is not one.
MAX_FORCES = 10_000
#: The first pull asks for everything changed since then.
BEGINNING = datetime(1900, 1, 1, tzinfo=timezone.utc)
#: A pull asks for what changed from this long before the latest change the pulls saw. The library stamps
#: a change when its transaction writes it, but a pull sees it only once that transaction commits: a
#: change committed after a pull read past its stamp would otherwise be missed for ever. Ten minutes is
#: far longer than any of the library's transactions; what is read again changes nothing (_apply).
OVERLAP = timedelta(minutes=10)


@dataclass(frozen=True)
class _Item:
    """An item of another force's, as the library sent it."""

    library_id: int
    force: str
    text: str
    issued_on: object
    status: str
    closure_code: str | None
    products: list
    themes: list
    incident_type: str | None
    withdrawn: bool
    updated_at: datetime | None


def pull(now: datetime | None = None) -> LibraryPull:
    """One pull, committed: the record of it, succeeded or with its error. A failure while applying
    what was fetched rolls everything back, is recorded, and is raised."""
    cursor = _cursor()
    since = max(cursor - OVERLAP, BEGINNING)
    started = now or utcnow()
    try:
        items, latest = _fetch_all(since)
    except (library_client.Unreachable, library_client.Refused) as error:
        return _failed(started, since, str(error))
    try:
        added, updated, removed = _apply(items)
        record = LibraryPull(started_at=started, since=since, changed_up_to=max(latest or cursor, cursor),
                             finished_at=utcnow(), succeeded=True, added=added, updated=updated, removed=removed)
        db.session.add(record)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        _failed(started, since, f"Could not be applied: {type(error).__name__}")
        raise
    report_uses()
    fetch_uses()
    return record


def _cursor() -> datetime:
    """The latest change the successful pulls saw; the beginning for the first pull."""
    return db.session.scalar(sa.select(LibraryPull.changed_up_to).where(LibraryPull.succeeded.is_(True))
                             .order_by(LibraryPull.id.desc()).limit(1)) or BEGINNING


def _failed(started: datetime, since: datetime, error: str) -> LibraryPull:
    log.warning("Library pull failed: %s", error)
    record = LibraryPull(started_at=started, since=since, finished_at=utcnow(), succeeded=False, error=error[:500])
    db.session.add(record)
    db.session.commit()
    return record


def _fetch_all(since: datetime) -> tuple[list[_Item], datetime | None]:
    """Every page of the recommendations changed at the library since `since`, other forces' only
    (the library names this force's own by their source_reference); and the latest change seen."""
    found, latest = [], None
    for raw in library_client.every_item(since=since.isoformat(), kind="recommendation"):
        item = _read(raw)
        if item is None:
            continue
        if item.updated_at and (latest is None or item.updated_at > latest):
            latest = item.updated_at
        if "source_reference" not in raw:
            found.append(item)
    return found, latest


def _read(raw) -> _Item | None:
    """An item from the library's answer, or None when it is not one this version can read."""
    from datetime import date

    try:
        updated = raw.get("updated_at")
        status = raw.get("status") if raw.get("status") in RECOMMENDATION_STATUSES else Status.OPEN.value
        return _Item(library_id=int(raw["id"]), force=str(raw.get("force") or "")[:200], text=str(raw.get("text") or ""),
                     issued_on=date.fromisoformat(raw["issued_on"]) if raw.get("issued_on") else None,
                     status=status, closure_code=(raw.get("closure_code") or None) if status == Status.CLOSED else None,
                     products=[{"kind": str(p.get("kind")), "title": str(p.get("title") or "")}
                               for p in raw.get("products") or [] if isinstance(p, dict)],
                     themes=[str(t) for t in raw.get("themes") or []],
                     incident_type=raw.get("incident_type") or None, withdrawn=bool(raw.get("withdrawn")),
                     updated_at=datetime.fromisoformat(updated) if updated else None)
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("Library pull: an item that could not be read was skipped")
        return None


def _apply(items: list[_Item]) -> tuple[int, int, int]:
    """Adds, updates and removes, flushed (the caller commits): (added, updated, removed). Idempotent:
    an item as this force already holds it (read again in a pull's OVERLAP) changes nothing; an item
    read twice in one pull (changed while it paged through) counts as it was last read."""
    items = list({item.library_id: item for item in items}.values())
    held = {row.library_id: row for row in db.session.scalars(
        sa.select(OtherForceRecommendation).options(selectinload(OtherForceRecommendation.recommendation)).where(
            OtherForceRecommendation.library_id.in_([item.library_id for item in items])))} if items else {}
    to_encode: list[Recommendation] = []
    added = updated = removed = 0
    for item in items:
        row = held.get(item.library_id)
        if item.withdrawn or not item.text.strip():
            if row is not None:
                db.session.delete(row.recommendation)
                removed += 1
            continue
        if row is None:
            record = Recommendation(source=RecommendationSource.OTHER_FORCE.value,
                                    source_reference=f"library-{item.library_id}", text=item.text)
            row = OtherForceRecommendation(library_id=item.library_id, recommendation=record)
            db.session.add(row)
            to_encode.append(record)
            added += 1
            before = None
        else:
            record = row.recommendation
            before = _as_held(row)
            if record.text != item.text:
                record.text = item.text
                to_encode.append(record)
        record.issued_on = item.issued_on or record.issued_on or london_date(utcnow())
        record.status, record.closure_code = item.status, item.closure_code
        record.closed_at = (record.closed_at or utcnow()) if item.status == Status.CLOSED else None
        row.force, row.products, row.themes, row.incident_type = item.force, item.products, item.themes, item.incident_type
        if before is not None and _as_held(row) != before:
            updated += 1
    db.session.flush()
    if to_encode:
        db.session.execute(sa.delete(RecommendationAwaitingVectors).where(
            RecommendationAwaitingVectors.recommendation_id.in_([r.id for r in to_encode])))
        imports.await_vectors(to_encode, 0, None)
    return added, updated, removed


def _as_held(row: OtherForceRecommendation) -> tuple:
    record = row.recommendation
    return (record.text, record.issued_on, record.status, record.closure_code, record.closed_at is not None,
            row.force, row.products, row.themes, row.incident_type)


def report_uses() -> dict | None:
    """Tells the library which items this force took into its repeat detection and which were found
    as repeats here (a flag not dismissed); the library counts each once. A library that does not
    answer hears it with the next pull."""
    taken = list(db.session.scalars(sa.select(OtherForceRecommendation.library_id)
                                    .order_by(OtherForceRecommendation.library_id)))
    found = list(db.session.scalars(
        sa.select(OtherForceRecommendation.library_id).distinct()
        .join(RepeatLink, RepeatLink.earlier_id == OtherForceRecommendation.recommendation_id)
        .where(RepeatLink.decision != RepeatDecision.DISMISSED.value).order_by(OtherForceRecommendation.library_id)))
    if not taken:
        return None
    try:
        return library_client.report_uses(taken, found)
    except (library_client.Unreachable, library_client.Refused) as error:
        log.warning("Library uses not reported: %s", error)
        return None


def fetch_uses() -> bool:
    """Asks the library what other forces did with what this force published (`?mine=true`) and keeps
    it on the drafts, with when it was asked (committed): the force's pages show what was kept, and
    never wait for the library. False, changing nothing, when the library cannot be reached."""
    try:
        found = {item["id"]: item for item in library_client.every_item(mine="true") if isinstance(item.get("id"), int)}
    except (library_client.Unreachable, library_client.Refused) as error:
        log.warning("What other forces did was not fetched: %s", error)
        return False
    now = utcnow()
    for draft in db.session.scalars(sa.select(LibraryDraft).where(LibraryDraft.library_id.in_(list(found)))):
        item = found[draft.library_id]
        draft.taken_by, draft.found_as_repeat = (_count(item.get("taken_by")), _count(item.get("found_as_repeat")))
        draft.uses_fetched_at = now
    db.session.commit()
    return True


def _count(value) -> int | None:
    return value if isinstance(value, int) and 0 <= value <= MAX_FORCES else None


def pull_nightly(now: datetime) -> LibraryPull | None:
    """The scheduler's job: one successful pull a night, from NIGHTLY_FROM London time, decided from
    the stored pulls (a failed one is tried again at the next pass)."""
    if not library_client.configured() or now.astimezone(LONDON).time() < NIGHTLY_FROM:
        return None
    tonight = datetime.combine(london_date(now), NIGHTLY_FROM, tzinfo=LONDON)
    done = db.session.scalar(sa.select(sa.func.count()).select_from(LibraryPull)
                             .where(LibraryPull.started_at >= tonight, LibraryPull.succeeded.is_(True)))
    return None if done else pull(now)


def last() -> LibraryPull | None:
    return db.session.scalar(sa.select(LibraryPull).order_by(LibraryPull.id.desc()).limit(1))


# What other forces did, for the repeat panel ---------------------------------------------------------


def what_other_forces_did(recommendation_ids) -> str | None:
    """Of these recommendations (a repeat check's matches), those other forces shared, in words:
    "Made by 3 other forces; 2 closed it as implemented with classroom training." None when none is
    another force's. Counted by force; the learning product named is the kind most often delivered
    by the forces that closed it as implemented."""
    rows = db.session.execute(
        sa.select(OtherForceRecommendation.force, OtherForceRecommendation.products, Recommendation.status,
                  Recommendation.closure_code)
        .join(Recommendation, Recommendation.id == OtherForceRecommendation.recommendation_id)
        .where(OtherForceRecommendation.recommendation_id.in_(list(recommendation_ids)))).all()
    if not rows:
        return None
    forces = {row.force for row in rows}
    made = ngettext("Made by %(num)s other force", "Made by %(num)s other forces", len(forces))
    implemented = [row for row in rows if row.status == Status.CLOSED and row.closure_code == ClosureCode.IMPLEMENTED]
    if not implemented:
        return _("%(made_by)s.", made_by=made)
    closers = len({row.force for row in implemented})
    kinds = Counter(product.get("kind") for row in implemented for product in row.products or [] if product.get("kind"))
    if kinds:
        kind = words(PRODUCT_KIND_IN_SENTENCE, kinds.most_common(1)[0][0])
        closed = ngettext("%(num)s closed it as implemented with %(product)s",
                          "%(num)s closed it as implemented with %(product)s", closers, product=kind)
    else:
        closed = ngettext("%(num)s closed it as implemented", "%(num)s closed it as implemented", closers)
    return _("%(made_by)s; %(closed)s.", made_by=made, closed=closed)


def force_of(recommendation_ids) -> dict[int, str]:
    """Which other force made each of these recommendations (those another force shared)."""
    return dict(db.session.execute(
        sa.select(OtherForceRecommendation.recommendation_id, OtherForceRecommendation.force)
        .where(OtherForceRecommendation.recommendation_id.in_(list(recommendation_ids)))).all())
