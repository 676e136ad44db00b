"""Repeat-recommendation detection: which earlier recommendations a new text repeats.

`Corpus` is the whole method, free of the database so that the evaluation (bench/repeats_eval.py)
runs exactly what the application runs; services/similarity.py keeps one per process in step with
the `recommendation_vectors` table.

    language.prepare   the text, abbreviations written out
    encoder            MiniLM vectors: one per text, and one per word piece in context
    index              the nearest RETRIEVE texts by sentence vector
    scoring            each compared word by word, scored in [0, 1], flagged at THRESHOLD
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from debrief.similarity import scoring
from debrief.similarity.encoder import Encoder, shared
from debrief.similarity.index import VectorIndex
from debrief.similarity.language import prepare

RETRIEVE = 12  # candidates compared word by word
SHOWN = 5      # matches returned


@dataclass(frozen=True)
class Embedding:
    vector: np.ndarray      # float16, unit length
    token_ids: np.ndarray   # uint16 word-piece ids

    @classmethod
    def from_bytes(cls, vector: bytes, token_ids: bytes) -> "Embedding":
        return cls(np.frombuffer(vector, dtype=np.float16), np.frombuffer(token_ids, dtype=np.uint16))


@dataclass(frozen=True)
class Match:
    id: int
    score: float
    is_repeat: bool


def embed(texts: list[str], encoder: Encoder | None = None) -> list[Embedding]:
    """What the index keeps of each text."""
    pooled, words = (encoder or shared()).encode_with_tokens([prepare(text) for text in texts])
    return [Embedding(vector.astype(np.float16), ids.astype(np.uint16)) for vector, (ids, _) in zip(pooled, words)]


class Corpus:
    def __init__(self, encoder: Encoder | None = None) -> None:
        self._encoder = encoder
        self.index = VectorIndex()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = shared()
        return self._encoder

    def add(self, item_id: int, embedding: Embedding, version: int = 0) -> None:
        self.index.add(item_id, embedding.vector, embedding.token_ids, version)

    def add_texts(self, items: Iterable[tuple[int, str]]) -> None:
        items = list(items)
        for (item_id, _), embedding in zip(items, embed([text for _, text in items], self.encoder)):
            self.add(item_id, embedding)

    def word_matches(self, text: str, texts_of: Callable[[list[int]], dict[int, str]],
                     exclude: Iterable[int] = ()) -> list[tuple[int, scoring.WordMatch]]:
        """The nearest candidates with their word-by-word match, before scoring."""
        pooled, (query_words,) = self.encoder.encode_with_tokens([prepare(text)])
        nearest = self.index.nearest(pooled[0], RETRIEVE, set(exclude))
        known = texts_of([item_id for item_id, _ in nearest])
        ids = [item_id for item_id, _ in nearest if item_id in known]
        if not ids:
            return []
        _, candidate_words = self.encoder.encode_with_tokens([prepare(known[item_id]) for item_id in ids])
        rarity = self.index.rarity()
        query = scoring.Words(*query_words)
        return [(item_id, scoring.word_match(query, scoring.Words(*words), rarity))
                for item_id, words in zip(ids, candidate_words)]

    def find(self, text: str, texts_of: Callable[[list[int]], dict[int, str]],
             exclude: Iterable[int] = ()) -> list[Match]:
        """Up to SHOWN earlier recommendations, best first, each with its score and whether it is
        flagged as a repeat."""
        compared = self.word_matches(text, texts_of, exclude)
        if not compared:
            return []
        scored = scoring.scores([match for _, match in compared])
        order = np.argsort(-scored, kind="stable")[:SHOWN]
        return [Match(compared[i][0], round(float(scored[i]), 4), bool(scored[i] >= scoring.THRESHOLD))
                for i in order]
