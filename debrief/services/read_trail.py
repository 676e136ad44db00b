"""The read trail: who opened which sensitive record, and when (never what it said).

Kept apart from the audit history (`services.audit`), which says what changed: a debrief's history
must not fill with "viewed". Every opening is kept, refreshes included: a row is one cheap insert,
and collapsing repeats would need a read before every write and would hide how often a record was
looked at. The request that opened the record commits the row; nothing here commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from flask_babel import gettext as _

from debrief.extensions import db
from debrief.vocabulary import DEATH_SOURCE_SHORT as SOURCE_SHORT
from debrief.vocabulary import READ_TRAIL_KIND
from debrief.models import Contribution, Death, DeathReport, Debrief, Invitation, RecordView, User, utcnow
from debrief.services import accounts
from debrief.services.errors import ValidationFailed
from debrief.services.pagination import Page, paginate
from debrief.services.validation import typed_id

DEBRIEF = "debrief"
CONTRIBUTION = "contribution"
DEATH = "death"
DEATH_REPORT = "death_report"

#: The kinds of record whose reading is kept, with their names as a person reads them.
KINDS = {kind: READ_TRAIL_KIND[kind] for kind in (DEBRIEF, CONTRIBUTION, DEATH, DEATH_REPORT)}


def opened(user: User, entity: str, entity_ids: Iterable[int]) -> None:
    """Notes that `user` opened these records of one kind."""
    _insert(user, [(entity, entity_id) for entity_id in entity_ids])


def opened_debrief(user: User, debrief: Debrief, contributions: Iterable[Contribution] = ()) -> None:
    """A debrief's page shows its partners' contributions with it: each is noted as opened."""
    _insert(user, [(DEBRIEF, debrief.id), *((CONTRIBUTION, c.id) for c in contributions)])


def opened_death(user: User, death: Death) -> None:
    """A death is shown with the reports it was linked from (names, dates of birth): each is noted as opened."""
    _insert(user, [(DEATH, death.id), *((DEATH_REPORT, report.id) for report in death.reports)])


def _insert(user: User, records: list[tuple[str, int]]) -> None:
    """One insert, whatever the number of records."""
    if unknown := {entity for entity, _ in records} - KINDS.keys():
        raise ValueError(f"No read trail is kept for {sorted(unknown)}.")
    now = utcnow()
    if records:
        db.session.execute(sa.insert(RecordView), [
            {"user_id": user.id, "entity": entity, "entity_id": entity_id, "at": now} for entity, entity_id in records])


@dataclass(frozen=True)
class Opening:
    """One line of the trail, with what a reader needs to recognise the record."""
    view: RecordView
    reference: str | None  # the debrief's or death's reference; a contribution's agency; a report's source's
    debrief_id: int | None  # where a debrief or a contribution is read: the debrief's page
    death_id: int | None  # where a death or a death report is read: the death's page


@dataclass(frozen=True)
class Filters:
    user: User | None = None
    entity: str | None = None
    entity_id: int | None = None


def filters(*, person: str | None, kind: str | None, number: str | None) -> Filters:
    """The trail's filters from what an administrator typed; a RuleBroken naming each field that is wrong."""
    errors: dict[str, str] = {}
    user = None
    if person and person.strip():
        user = accounts.find_by_email(person)
        if user is None:
            errors["person"] = _("There is no user with that email address")
    if kind and kind not in KINDS:
        errors["kind"] = _("Choose a kind of record from the list")
    entity_id = None
    if number and number.strip():
        entity_id = typed_id(number)
        if entity_id is None:
            errors["number"] = _("The record's number must be a whole number, like 12")
    if errors:
        raise ValidationFailed(errors, _("Some of the filters are not valid"))
    return Filters(user=user, entity=kind or None, entity_id=entity_id)


def trail(*, user: User | None = None, entity: str | None = None, entity_id: int | None = None,
          page: int = 1, per_page: int = 50) -> Page:
    """Openings, newest first, by one person, of one kind or of one record, or all; each with its record named."""
    query = sa.select(RecordView).options(joinedload(RecordView.user))
    if user is not None:
        query = query.where(RecordView.user_id == user.id)
    if entity is not None:
        query = query.where(RecordView.entity == entity)
    if entity_id is not None:
        query = query.where(RecordView.entity_id == entity_id)
    result = paginate(query.order_by(RecordView.at.desc(), RecordView.id.desc()), page, per_page)
    return Page(items=_named(result.items), total=result.total, page=result.page, per_page=result.per_page)


def _named(views: list[RecordView]) -> list[Opening]:
    """Each opening with its record's reference, in one query per kind on the page."""
    ids: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for view in views:
        ids.setdefault(view.entity, set()).add(view.entity_id)
    debriefs = {d.id: d.reference for d in db.session.scalars(sa.select(Debrief).where(Debrief.id.in_(ids[DEBRIEF])))} \
        if ids[DEBRIEF] else {}
    deaths = {d.id: d.reference for d in db.session.scalars(sa.select(Death).where(Death.id.in_(ids[DEATH])))} \
        if ids[DEATH] else {}
    contributions = {
        c.id: (f"{c.invitation.agency.name} (version {c.version})", c.invitation.debrief_id)
        for c in db.session.scalars(sa.select(Contribution).where(Contribution.id.in_(ids[CONTRIBUTION]))
                                    .options(joinedload(Contribution.invitation).joinedload(Invitation.agency)))
    } if ids[CONTRIBUTION] else {}
    reports = {
        r.id: (f"{SOURCE_SHORT.get(r.source, r.source)} report {r.source_reference}", r.death_id)
        for r in db.session.execute(sa.select(DeathReport.id, DeathReport.source, DeathReport.source_reference,
                                              DeathReport.death_id).where(DeathReport.id.in_(ids[DEATH_REPORT])))
    } if ids[DEATH_REPORT] else {}
    named = []
    for view in views:
        if view.entity == DEBRIEF:
            named.append(Opening(view, debriefs.get(view.entity_id), view.entity_id, None))
        elif view.entity == CONTRIBUTION:
            reference, debrief_id = contributions.get(view.entity_id, (None, None))
            named.append(Opening(view, reference, debrief_id, None))
        elif view.entity == DEATH_REPORT:
            reference, death_id = reports.get(view.entity_id, (None, None))
            named.append(Opening(view, reference, None, death_id))
        else:
            named.append(Opening(view, deaths.get(view.entity_id), None, view.entity_id))
    return named
