"""CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads accents and Welsh letters), and
every cell that a spreadsheet would run as a formula made inert.

Every cell that holds a code reads as the pages say it ("In progress", not in_progress); the codes
follow in their own columns at the end ("Status code"), for other systems to read.

The three exports analysts and the board take into Excel (recommendations, lessons, debriefs) are
read here a batch at a time while the download is being sent: memory stays flat and the number of
SQL statements stays the same however many rows there are (everything a row shows is joined or
aggregated into the one query).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Response, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Load, aliased, defer, raiseload

from debrief.extensions import db
from debrief.models import (
    Agency, Contribution, Debrief, DebriefTheme, IncidentType, Invitation, Lesson, Recommendation,
    RepeatDecision, RepeatLink, User, recommendation_lessons, utcnow,
)
from debrief.services import debriefs as debrief_records
from debrief.services import recommendations as recommendation_records
from debrief.services.clock_calendar import LONDON, london_date
# The words for codes, in the reader's language (the request's: a page's person, or the API's Accept-Language).
from debrief import vocabulary as words

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Rows read from the database, and CSV lines sent, at a time.
BATCH = 500
LIST_SEPARATOR = "; "


def cell(value) -> str:
    """A value as a CSV cell. Text starting like a formula gets a leading apostrophe (OWASP's advice),
    which spreadsheets show as text and never evaluate."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence], *, batch: int = BATCH) -> Iterator[str]:
    """The CSV a piece at a time: the byte-order mark (once) and the headings first, then `batch`
    rows a piece."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def taken() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    out.write(BOM)
    writer.writerow([cell(h) for h in headers])
    yield taken()
    for n, row in enumerate(rows, start=1):
        writer.writerow([cell(v) for v in row])
        if n % batch == 0:
            yield taken()
    rest = taken()
    if rest:
        yield rest


def csv_text(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    return "".join(csv_chunks(headers, rows))


@dataclass(frozen=True)
class Export:
    """A CSV download: what it is called, its column headings, and its rows (read only as they are sent).
    The headings are lazy: each is read in the language of the request that sends the file."""

    name: str
    headings: tuple[str, ...]
    rows: Iterable[Sequence]

    @property
    def filename(self) -> str:
        return f"{self.name}-{london_date(utcnow()).isoformat()}.csv"

    def chunks(self) -> Iterator[str]:
        return csv_chunks(self.headings, self.rows)


def download(export: Export) -> Response:
    """The export as a file to save, sent as it is read: the pages and the API serve it alike. Never
    cached, like the pages: it holds the same case detail."""
    return Response(stream_with_context(export.chunks()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"',
                             "Cache-Control": "no-store"})


def _in_batches(query: sa.Select, batch: int) -> Iterator[sa.Row]:
    # yield_per: a server-side cursor on PostgreSQL, `batch` rows held at a time.
    yield from db.session.execute(query.execution_options(yield_per=batch))


def _local(at: datetime | None) -> str | None:
    """UK time as Excel reads a date and time."""
    return at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if at else None


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _listed(joined: str | None, *, numbers: bool = False) -> str:
    """An aggregated list (the database does not promise its order) in order, for one cell."""
    items = [item for item in (joined or "").split(",") if item]
    return LIST_SEPARATOR.join(sorted(items, key=int) if numbers else sorted(items))


def _label(words_for: dict, code: str | None) -> str | None:
    """A code as the pages say it; an unknown code as itself, never lost."""
    return str(words_for.get(code, code)) if code else None


def _labelled(joined: str | None, words_for: dict) -> str:
    """An aggregated list of codes as the pages say them, in the codes' order."""
    return LIST_SEPARATOR.join(str(words_for.get(code, code)) for code in _listed(joined).split(LIST_SEPARATOR) if code)


def _joined(column: sa.ColumnElement, where: sa.ColumnElement) -> sa.ScalarSelect:
    """Every value of `column` for the row, as one text (group_concat, string_agg): for ids and codes,
    which never hold the comma."""
    return sa.select(sa.func.aggregate_strings(sa.cast(column, sa.String), ",")).where(where).scalar_subquery()


def _count(column: sa.ColumnElement, where: sa.ColumnElement) -> sa.ScalarSelect:
    return sa.select(sa.func.count(column)).where(where).scalar_subquery()


# Recommendations -------------------------------------------------------------------------------------

RECOMMENDATION_HEADINGS = (
    _l("Reference"), _l("Recommendation"), _l("Status"), _l("Closure"), _l("Priority"), _l("Owner"),
    _l("Owner email"), _l("Due date"), _l("Debrief"), _l("Lesson ids"), _l("Repeat of"), _l("Comes from"),
    _l("Imported"), _l("Source reference"), _l("Issued on"), _l("Created (UK time)"), _l("Closed (UK time)"),
    _l("Status code"), _l("Closure code"), _l("Priority code"), _l("Source code"),
)


def of_recommendations(*, status: str | None = None, owner_email: str | None = None, overdue: bool = False,
                       repeat: bool = False, batch: int = BATCH) -> Export:
    """Every recommendation the list's filters choose, in the list's order, as GET /recommendations
    shows them: imported ones too (`Imported` says which, `Source` who issued them). Bad filters
    are refused now, before the download starts."""
    owner, earlier = aliased(User), aliased(Recommendation)
    confirmed_earlier = (sa.select(sa.func.min(RepeatLink.earlier_id))
                         .where(RepeatLink.recommendation_id == Recommendation.id,
                                RepeatLink.decision == RepeatDecision.CONFIRMED.value)
                         .scalar_subquery())
    query = (recommendation_records.matching(status=status, owner_email=owner_email, overdue=overdue,
                                             repeat=repeat)
             .outerjoin(owner, owner.id == Recommendation.owner_id)
             .outerjoin(Debrief, Debrief.id == Recommendation.debrief_id)
             .outerjoin(earlier, earlier.id == confirmed_earlier)
             .add_columns(owner.name, owner.email, Debrief, earlier,
                          _joined(recommendation_lessons.c.lesson_id,
                                  recommendation_lessons.c.recommendation_id == Recommendation.id))
             .options(Load(Recommendation).raiseload("*"),
                      Load(Debrief).load_only(Debrief.reference_year, Debrief.reference_number, raiseload=True)
                      .raiseload("*"),
                      # Not load_only on the alias: SQLAlchemy 2.0 applies that to Recommendation itself.
                      Load(earlier).raiseload("*")))

    def rows() -> Iterator[tuple]:
        for record, owner_name, owner_address, debrief, repeated, lesson_ids in _in_batches(query, batch):
            yield (record.reference, record.text, _label(words.STATUS, record.status),
                   _label(words.CLOSURE_CODE, record.closure_code), _label(words.PRIORITY, record.priority),
                   owner_name, owner_address, record.due_date, debrief.reference if debrief else None,
                   _listed(lesson_ids, numbers=True), repeated.reference if repeated else None,
                   _label(words.SOURCE, record.source), _yes_no(record.imported), record.source_reference,
                   record.issued_on, _local(record.created_at), _local(record.closed_at),
                   record.status, record.closure_code, record.priority, record.source)

    return Export("recommendations", RECOMMENDATION_HEADINGS, rows())


# Lessons ---------------------------------------------------------------------------------------------

LESSON_HEADINGS = (_l("Lesson id"), _l("Debrief"), _l("Category"), _l("Themes"), _l("Lesson"), _l("From"),
                   _l("Partner agency"), _l("Created (UK time)"), _l("Category code"), _l("Theme codes"),
                   _l("From code"))


def of_lessons(*, batch: int = BATCH) -> Export:
    """Every lesson of every debrief, in the order they were recorded, with the partner agency
    whose contribution a lesson came from."""
    query = (sa.select(Lesson, Debrief, Agency.name, Agency.name_cy)
             .join(Debrief, Debrief.id == Lesson.debrief_id)
             .outerjoin(Contribution, Contribution.id == Lesson.contribution_id)
             .outerjoin(Invitation, Invitation.id == Contribution.invitation_id)
             .outerjoin(Agency, Agency.id == Invitation.agency_id)
             .order_by(Lesson.id)
             .options(Load(Lesson).raiseload("*"),
                      Load(Debrief).load_only(Debrief.reference_year, Debrief.reference_number, raiseload=True)
                      .raiseload("*")))

    def rows() -> Iterator[tuple]:
        for lesson, debrief, agency, agency_cy in _in_batches(query, batch):
            themes = ",".join(lesson.themes or [])
            yield (lesson.id, debrief.reference, _label(words.LESSON_CATEGORY, lesson.category),
                   _labelled(themes, words.THEME), lesson.text, _label(words.LESSON_FROM, lesson.source),
                   words.localised(agency, agency_cy) if agency else None,
                   _local(lesson.created_at), lesson.category, _listed(themes), lesson.source)

    return Export("lessons", LESSON_HEADINGS, rows())


# Debriefs --------------------------------------------------------------------------------------------

DEBRIEF_HEADINGS = (
    _l("Reference"), _l("Crime reference"), _l("Incident type"), _l("Homicide"), _l("Operation name"),
    _l("Occurred (UK time)"), _l("Reported (UK time)"), _l("Area"), _l("Themes"), _l("Victim age"), _l("Victim sex"),
    _l("Relationship to suspect"), _l("Domestic"), _l("Weapon"), _l("Prior police contact"), _l("Status"),
    _l("Reviewer"), _l("Reviewer email"), _l("Meeting held (UK time)"), _l("Lessons"), _l("Recommendations"),
    _l("Created (UK time)"), _l("Incident type code"), _l("Theme codes"), _l("Victim sex code"),
    _l("Relationship code"), _l("Weapon code"), _l("Status code"),
)


def of_debriefs(*, status: str | None = None, batch: int = BATCH) -> Export:
    """The debriefs the list's filter chooses, in the list's order, with how many lessons and
    recommendations each has. The internal summary and the partner briefing are left out: free text
    about the incident stays in the system, where who reads it is controlled; they are not even
    read (touching them here raises)."""
    reviewer = aliased(User)
    query = (debrief_records.matching(status=status)
             .join(IncidentType, IncidentType.code == Debrief.incident_type_code)
             .join(reviewer, reviewer.id == Debrief.reviewer_id)
             .add_columns(IncidentType.is_homicide, IncidentType.label, IncidentType.label_cy, reviewer.name,
                          reviewer.email,
                          _joined(DebriefTheme.theme, DebriefTheme.debrief_id == Debrief.id),
                          _count(Lesson.id, Lesson.debrief_id == Debrief.id),
                          _count(Recommendation.id, Recommendation.debrief_id == Debrief.id))
             .options(defer(Debrief.summary, raiseload=True), defer(Debrief.partner_briefing, raiseload=True),
                      raiseload("*")))

    def rows() -> Iterator[tuple]:
        for (debrief, is_homicide, incident_type, incident_type_cy, reviewer_name, reviewer_email, themes, lessons,
             recommendations) in _in_batches(query, batch):
            yield (debrief.reference, debrief.crime_reference, words.localised(incident_type, incident_type_cy),
                   _yes_no(is_homicide),
                   debrief.operation_name, _local(debrief.occurred_at), _local(debrief.reported_at), debrief.area,
                   _labelled(themes, words.THEME), debrief.victim_age, _label(words.VICTIM_SEX, debrief.victim_sex),
                   _label(words.RELATIONSHIP, debrief.relationship_to_suspect), _yes_no(debrief.domestic),
                   _label(words.WEAPON, debrief.weapon), _yes_no(debrief.prior_police_contact),
                   _label(words.DEBRIEF_STATUS, debrief.status), reviewer_name, reviewer_email, _local(debrief.meeting_held_at),
                   lessons, recommendations, _local(debrief.created_at), debrief.incident_type_code,
                   _listed(themes), debrief.victim_sex, debrief.relationship_to_suspect, debrief.weapon,
                   debrief.status.value)

    return Export("debriefs", DEBRIEF_HEADINGS, rows())
