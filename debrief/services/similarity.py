"""Which earlier recommendations a text repeats, over every recommendation the force holds (its
own and imported ones). The method is debrief.similarity; this module keeps one corpus per process
in step with the `recommendation_vectors` table and answers with recommendations.

Web workers each hold the sentence vectors in memory (384 MB at 500,000 recommendations); the
word-piece vectors of the dozen candidates a check compares are read from the table. On each check
a worker reads only the vector rows added since its last check, so a new recommendation joins the
index at once and nothing is ever rebuilt. The rows re-read a little behind the highest id seen
(LOOKBACK): on PostgreSQL a row with a lower id can commit after one with a higher id.

Imported recommendations get their vectors after the import has answered (services/imports.py),
STORE_BATCH at a time; until then repeat detection does not know them, and skips them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

import threading
from dataclasses import dataclass

import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Recommendation, RecommendationVector
from debrief.services import validation
from debrief.services.errors import ValidationFailed
from debrief.similarity import Corpus, Embedding, embed

#: The most vector rows one transaction writes (imports store theirs this many at a time).
STORE_BATCH = 64
#: More than the ids that transactions still in flight can hold below the highest id committed: a
#: batch being stored, another encoder's, and the requests writing one each meanwhile. A check reads
#: only these rows' ids, and the vectors of those it does not hold.
LOOKBACK = 4 * STORE_BATCH
LOAD_BATCH = 20_000


@dataclass(frozen=True)
class Found:
    recommendation: Recommendation
    score: float
    is_repeat: bool


class _State:
    def __init__(self) -> None:
        self.corpus = Corpus()
        self.high_water = 0


@dataclass(frozen=True)
class VectorTable:
    """A table of stored vectors that each process holds in memory as a Corpus, kept in step by
    reading the rows above the highest id seen: `row_id` only grows (a changed text gets a new row)."""

    row_id: sa.ColumnElement
    item_id: sa.ColumnElement
    vector: sa.ColumnElement
    token_ids: sa.ColumnElement


RECOMMENDATION_VECTORS = VectorTable(RecommendationVector.id, RecommendationVector.recommendation_id,
                                     RecommendationVector.vector, RecommendationVector.token_ids)

_states: dict[tuple[str, str], _State] = {}
_lock = threading.Lock()


def _key(table: VectorTable) -> tuple[str, str]:
    return db.engine.url.render_as_string(hide_password=True), table.row_id.table.name


def forget() -> None:
    """Drops this process's corpora for the current database (tests empty the tables)."""
    url = db.engine.url.render_as_string(hide_password=True)
    with _lock:
        for key in [key for key in _states if key[0] == url]:
            del _states[key]


def _catch_up(table: VectorTable, state: _State, since: int) -> int:
    """Adds the vector rows above `since`; returns the highest id read."""
    highest = since
    while True:
        rows = db.session.execute(_vector_rows(table).where(table.row_id > highest)
                                  .order_by(table.row_id).limit(LOAD_BATCH)).all()
        _add(state, rows)
        if rows:
            highest = rows[-1][0]
        if len(rows) < LOAD_BATCH:
            return highest


def _vector_rows(table: VectorTable):
    return sa.select(table.row_id, table.item_id, table.vector, table.token_ids)


def _add(state: _State, rows) -> None:
    for row_id, item_id, vector, token_ids in rows:
        state.corpus.add(item_id, Embedding.from_bytes(vector, token_ids), version=row_id)


def _catch_up_from(table: VectorTable, state: _State) -> int | None:
    """Adds the rows not read yet from LOOKBACK ids below the highest seen: their ids first, then
    the vectors of those it does not hold (new ones, and any that committed late). Returns the
    highest id, or None when the table no longer holds the highest seen (restored, or emptied)."""
    ids = db.session.execute(sa.select(table.row_id, table.item_id)
                             .where(table.row_id > max(0, state.high_water - LOOKBACK))
                             .order_by(table.row_id)).all()
    if not ids or ids[-1][0] < state.high_water:
        return None if state.high_water else 0
    unread = [row_id for row_id, item_id in ids if state.corpus.version_of(item_id) != row_id]
    for start in range(0, len(unread), LOAD_BATCH):
        _add(state, db.session.execute(
            _vector_rows(table).where(table.row_id.in_(unread[start:start + LOAD_BATCH]))).all())
    return ids[-1][0]


def synced(table: VectorTable = RECOMMENDATION_VECTORS) -> Corpus:
    """This process's corpus of `table`'s vectors, with every row committed so far."""
    key = _key(table)
    with _lock:
        state = _states.get(key)
        if state is not None:
            highest = _catch_up_from(table, state)
            if highest is None:
                state = None
        if state is None:
            state = _states[key] = _State()
            highest = _catch_up(table, state, 0)
        state.high_water = max(state.high_water, highest)
        return state.corpus


def columns(embedding: Embedding) -> dict[str, bytes]:
    """An embedding as a `recommendation_vectors` row stores it."""
    return {"vector": embedding.vector.tobytes(), "token_ids": embedding.token_ids.tobytes(),
            "word_vectors": embedding.word_vectors.tobytes()}


def _embeddings_of(ids: list[int]) -> dict[int, Embedding]:
    """The stored embeddings of those of `ids` that still have a row; a row written before word
    vectors were stored has its text encoded now."""
    rows = db.session.execute(
        sa.select(RecommendationVector.recommendation_id, RecommendationVector.vector,
                  RecommendationVector.token_ids, RecommendationVector.word_vectors)
        .where(RecommendationVector.recommendation_id.in_(ids))).all()
    found = {row[0]: Embedding.from_bytes(*row[1:]) for row in rows}
    older = [i for i, embedding in found.items() if embedding.word_vectors is None]
    if older:
        texts = dict(db.session.execute(sa.select(Recommendation.id, Recommendation.text)
                                        .where(Recommendation.id.in_(older))).all())
        found.update(zip(texts, embed(list(texts.values()))))
    return found


def remember(recommendations: list[Recommendation]) -> None:
    """Stores the vectors of new or reworded recommendations (flushed; each worker's index takes
    them on its next check)."""
    if recommendations:
        store(dict(zip([r.id for r in recommendations], embed([r.text for r in recommendations]))))


def store(embeddings: dict[int, Embedding]) -> None:
    """Stores vectors computed already, by recommendation id, in place of any they had (flushed; at
    most STORE_BATCH in one transaction, see LOOKBACK)."""
    ids = list(embeddings)
    db.session.execute(sa.delete(RecommendationVector).where(RecommendationVector.recommendation_id.in_(ids)))
    db.session.execute(sa.insert(RecommendationVector),
                       [{"recommendation_id": i, **columns(e)} for i, e in embeddings.items()])


def check(text: str | None, exclude_id: int | None = None, within=None) -> list[Found]:
    """Up to five earlier recommendations like `text`, best first, each with its score in [0, 1]
    and whether it would be flagged as a repeat. `within`, a condition on Recommendation (who may
    read which: permissions.readable_recommendations), chooses among those only."""
    errors: dict[str, str] = {}
    text = validation.text(text, "text", errors, label=_l("the recommendation"), required=True)
    if errors:
        raise ValidationFailed(errors)
    only = None if within is None else set(db.session.scalars(sa.select(Recommendation.id).where(within)))
    if only is not None and not only:
        return []
    matches = synced().find(text, _embeddings_of, exclude={exclude_id} if exclude_id else (), only=only)
    loaded = {r.id: r for r in db.session.scalars(
        sa.select(Recommendation).where(Recommendation.id.in_([m.id for m in matches])))}
    return [Found(loaded[m.id], m.score, m.is_repeat) for m in matches if m.id in loaded]
