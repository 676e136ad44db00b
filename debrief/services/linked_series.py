"""Linked series: deaths that may share an offender or a cause. The analysis finds candidates
(debrief/deaths/series.py); an analyst confirms or dismisses each with a note; a confirmed series can
open a debrief. Every analysis reconciles what it finds with the series already held, so decisions
survive: a group found again is the same series, a confirmed series keeps its members (and gains any
new ones), a dismissed one stays dismissed unless deaths it never held join it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from debrief.deaths.words import reason_words
from debrief.extensions import db
from debrief.i18n import in_language, number
from debrief.models import Death, LinkedSeries, Role, SeriesStatus, User, UserRole, linked_series_members, utcnow
from debrief.services import audit, notifications, references, validation
from debrief.services.clock_calendar import london_date
from debrief.services.errors import Conflict, NotFound, ValidationFailed
from debrief.services.pagination import Page, paginate

DECISIONS = {"confirm": SeriesStatus.CONFIRMED, "dismiss": SeriesStatus.DISMISSED}


@dataclass(frozen=True)
class _Found:
    death_ids: frozenset[int]
    score: float
    reasons: list[list]


def reconcile(candidates: Sequence) -> list[LinkedSeries]:
    """Matches the analysis's candidate groups (best first) with the series held, and returns the
    new candidate series. A group is a held series when they share at least two deaths and at least
    half of the smaller; series still to decide or confirmed are matched before dismissed ones."""
    found = [_Found(frozenset(c.death_ids), float(c.score), [[r.kind, r.field, r.code, r.value] for r in c.reasons])
             for c in candidates]
    held = list(db.session.scalars(sa.select(LinkedSeries).options(selectinload(LinkedSeries.deaths))))
    members = {s.id: {d.id for d in s.deaths} for s in held}
    now = utcnow()
    matched: set[int] = set()
    new: list[LinkedSeries] = []
    wanted = sorted(set().union(*(group.death_ids for group in found), *members.values()))
    deaths_by_id = {d.id: d for d in db.session.scalars(sa.select(Death).where(Death.id.in_(wanted)))}

    def deaths(ids) -> list[Death]:
        return [deaths_by_id[i] for i in sorted(ids) if i in deaths_by_id]

    for group in found:
        options = [(s.status == SeriesStatus.DISMISSED, -len(group.death_ids & members[s.id]), s.id, s)
                   for s in held if s.id not in matched and _same(group.death_ids, members[s.id])]
        if options:
            series = min(options, key=lambda option: option[:3])[3]
            matched.add(series.id)
            if series.status == SeriesStatus.DISMISSED and not group.death_ids <= members[series.id]:
                series = None  # deaths it never held have joined: ask again, as a new candidate
            elif series.status == SeriesStatus.DISMISSED:
                continue
        else:
            series = None
        if series is None:
            series = LinkedSeries(status=SeriesStatus.CANDIDATE.value, score=group.score, reasons=group.reasons,
                                  found_at=now, updated_at=now)
            _number(series)
            series.deaths = deaths(group.death_ids)
            db.session.add(series)
            new.append(series)
            continue
        series.score, series.reasons, series.updated_at = group.score, group.reasons, now
        wanted = group.death_ids | (members[series.id] if series.status == SeriesStatus.CONFIRMED else set())
        series.deaths = deaths(wanted)
    for series in held:
        if series.id not in matched and series.status == SeriesStatus.CANDIDATE:
            db.session.delete(series)  # no longer found, and nobody decided on it
    db.session.flush()
    _tell_analysts(new)
    return new


def _same(a: frozenset[int], b: set[int]) -> bool:
    shared = len(a & b)
    return shared >= 2 and shared * 2 >= min(len(a), len(b))


def _number(series: LinkedSeries) -> None:
    """SER-<year>-<nnnn>, the next number of the year it was found, never one given before."""
    year = london_date(utcnow()).year
    highest = db.session.scalar(sa.select(sa.func.max(LinkedSeries.reference_number))
                                .where(LinkedSeries.reference_year == year)) or 0
    series.reference_year = year
    series.reference_number = references.take_numbers("linked_series", year, 1, at_least_after=highest)[0]


def _tell_analysts(new: list[LinkedSeries]) -> None:
    """One email per new candidate series to each active analyst: its reference and a link, nothing
    about the deaths (email is not a secure channel)."""
    if not new:
        return
    analysts = list(db.session.scalars(sa.select(User).join(UserRole).where(
        UserRole.role == Role.ANALYST.value, User.active.is_(True)).order_by(User.id)))
    base = current_app.config["BASE_URL"].rstrip("/")
    for series in new:
        link = f"{base}/linked-series/{series.id}"
        for analyst in analysts:
            with in_language(analyst.language):
                subject = _("New candidate linked series %(reference)s", reference=series.reference)
                body = _("Hello %(name)s,\n\nThe analysis of death reports has found a new candidate linked series, "
                         "%(reference)s, of %(count)s deaths.\n\nReview it and confirm or dismiss it:\n"
                         "%(link)s\n\nThis email says nothing about the deaths: read them in Rapid Debrief.\n",
                         name=analyst.name, reference=series.reference, count=len(series.deaths),
                         link=link)
            notifications.queue(key=f"new-series:{series.reference}:{analyst.id}", to=analyst.email,
                                subject=subject, body=body)


def listing(status: str | None, page: int, per_page: int) -> Page:
    query = sa.select(LinkedSeries).options(selectinload(LinkedSeries.deaths))
    if status:
        query = query.where(LinkedSeries.status == status)
    return paginate(query.order_by(LinkedSeries.score.desc(), LinkedSeries.id), page, per_page)


def counts() -> dict[str, int]:
    found = dict(db.session.execute(sa.select(LinkedSeries.status, sa.func.count()).group_by(LinkedSeries.status)).all())
    return {status.value: found.get(status.value, 0) for status in SeriesStatus}


def get(series_id: int) -> LinkedSeries:
    series = db.session.get(LinkedSeries, series_id, options=[selectinload(LinkedSeries.deaths)])
    if series is None:
        raise NotFound(_("There is no linked series with that id."))
    return series


def series_of_death(death_id: int) -> list[LinkedSeries]:
    return list(db.session.scalars(sa.select(LinkedSeries).join(linked_series_members).where(
        linked_series_members.c.death_id == death_id).order_by(LinkedSeries.id)))


def decide(series_id: int, decision: str | None, note: str | None, *, actor: User) -> LinkedSeries:
    """An analyst confirms or dismisses a series, with a note saying why. A decision can be changed
    (a dismissed series confirmed after all); a series that opened a debrief stays confirmed."""
    errors: dict[str, str] = {}
    if not isinstance(decision, str) or decision not in DECISIONS:
        errors["decision"] = _("Select whether to confirm or dismiss the series")
    if note is not None and not isinstance(note, str):
        errors["note"] = _("must be text")
        note = None
    note = validation.text(note, "note", errors, label=_("a note saying why"), required=True, max_length=validation.LIMITS["linked_series.note"])
    if errors:
        raise ValidationFailed(errors)
    series = get(series_id)
    status = DECISIONS[decision].value
    if series.debrief_id is not None and status != SeriesStatus.CONFIRMED:
        raise Conflict("invalid_transition", _("This series has opened a debrief, so it stays confirmed."))
    before = series.status
    series.status, series.note = status, note
    series.decided_by_id, series.decided_at = actor.id, utcnow()
    db.session.flush()
    audit.record(actor, "linked_series_decided", "linked_series", series.id,
                 {"status": {"from": before, "to": status}})
    return series


def may_open_debrief(series: LinkedSeries) -> bool:
    """A confirmed series opens one debrief."""
    return series.status == SeriesStatus.CONFIRMED and series.debrief_id is None


def opened_debrief(series: LinkedSeries, debrief_id: int, *, actor: User) -> None:
    """A confirmed series has opened a debrief: keep the link both ways."""
    if series.debrief_id is not None:
        raise Conflict("duplicate", _("This series has already opened a debrief."))
    if not may_open_debrief(series):
        raise Conflict("invalid_transition", _("Only a confirmed series can open a debrief."))
    series.debrief_id = debrief_id
    audit.record(actor, "linked_series_opened_debrief", "linked_series", series.id, {"debrief_id": debrief_id},
                 debrief_id=debrief_id)


def summary(series: LinkedSeries) -> str:
    """One line: how many deaths, over how long, what they share."""
    found = sorted(d.found_at for d in series.deaths if d.found_at)
    days = round((found[-1] - found[0]).total_seconds() / 86_400) if len(found) > 1 else None
    count, deaths = len(series.deaths), number(len(series.deaths))
    if days is None:
        line = ngettext("%(count)s death", "%(count)s deaths", count, count=deaths)
    elif days == 0:
        line = ngettext("%(count)s death on one day", "%(count)s deaths on one day", count, count=deaths)
    else:
        line = ngettext("%(count)s deaths over %(days)s", "%(count)s deaths over %(days)s", count, count=deaths,
                        days=ngettext("%(count)s day", "%(count)s days", days, count=number(days)))
    shared = [reason_words(r) for r in series.reasons if r and r[0] == "shared"][:3]
    return _("%(deaths)s: %(shared)s", deaths=line, shared=", ".join(shared)) if shared else line
