"""Repeat-recommendation detection: which earlier recommendations a new text repeats.

`Corpus` is the whole method, free of the database so that the evaluation (bench/repeats_eval.py)
runs exactly what the application runs; services/similarity.py keeps one per process in step with
the `recommendation_vectors` table.

    language.prepare   the text, abbreviations written out
    encoder            MiniLM vectors: one per text, and one per word piece in context
    index              the nearest RETRIEVE texts by sentence vector
    scoring            each compared word by word, scored in [0, 1], flagged at THRESHOLD

A text is encoded once, when it is written: its `Embedding` keeps the sentence vector for the index
and the word-piece vectors for the word-by-word comparison, so a check encodes only its own text.
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


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Word-piece vectors as int8, each scaled to its largest component (384 bytes a word piece;
    only their directions matter, so nothing else needs keeping)."""
    largest = np.maximum(np.abs(vectors).max(1, keepdims=True), 1e-12)
    return np.rint(vectors / largest * 127).astype(np.int8)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = vectors.astype(np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class Embedding:
    vector: np.ndarray      # float16, unit length
    token_ids: np.ndarray   # uint16 word-piece ids
    word_vectors: np.ndarray | None = None  # int8 (word pieces × DIMENSIONS), see quantise

    @classmethod
    def from_bytes(cls, vector: bytes, token_ids: bytes, word_vectors: bytes | None = None) -> "Embedding":
        ids = np.frombuffer(token_ids, dtype=np.uint16)
        words = None if word_vectors is None else np.frombuffer(word_vectors, dtype=np.int8).reshape(len(ids), -1)
        return cls(np.frombuffer(vector, dtype=np.float16), ids, words)

    def words(self) -> scoring.Words:
        return scoring.Words(self.token_ids.astype(np.int64), unit_rows(self.word_vectors))


@dataclass(frozen=True)
class Match:
    id: int
    score: float
    is_repeat: bool


def embed(texts: list[str], encoder: Encoder | None = None) -> list[Embedding]:
    """What the index keeps of each text."""
    pooled, words = (encoder or shared()).encode_with_tokens([prepare(text) for text in texts])
    return [Embedding(vector.astype(np.float16), ids.astype(np.uint16), quantise(vectors))
            for vector, (ids, vectors) in zip(pooled, words)]


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

    def version_of(self, item_id: int) -> int | None:
        return self.index.version_of(item_id)

    def add_texts(self, items: Iterable[tuple[int, str]]) -> dict[int, Embedding]:
        """Encodes and adds texts; returns their embeddings by id."""
        items = list(items)
        embeddings = dict(zip([item_id for item_id, _ in items], embed([text for _, text in items], self.encoder)))
        for item_id, embedding in embeddings.items():
            self.add(item_id, embedding)
        return embeddings

    def word_matches(self, text: str, embeddings_of: Callable[[list[int]], dict[int, Embedding]],
                     exclude: Iterable[int] = (), only: Iterable[int] | None = None,
                     ) -> list[tuple[int, scoring.WordMatch]]:
        """The nearest candidates (among `only`, when given) with their word-by-word match, before
        scoring. `embeddings_of` gives the stored embeddings of the ids it is asked for (those it knows)."""
        pooled, (query_words,) = self.encoder.encode_with_tokens([prepare(text)])
        nearest = self.index.nearest(pooled[0], RETRIEVE, set(exclude), None if only is None else set(only))
        known = embeddings_of([item_id for item_id, _ in nearest])
        rarity = self.index.rarity()
        query = scoring.Words(*query_words)
        return [(item_id, scoring.word_match(query, known[item_id].words(), rarity))
                for item_id, _ in nearest if item_id in known]

    def find(self, text: str, embeddings_of: Callable[[list[int]], dict[int, Embedding]],
             exclude: Iterable[int] = (), only: Iterable[int] | None = None) -> list[Match]:
        """Up to SHOWN earlier recommendations (among `only`, when given), best first, each with its
        score and whether it is flagged as a repeat."""
        compared = self.word_matches(text, embeddings_of, exclude, only)
        if not compared:
            return []
        scored = scoring.scores([match for _, match in compared])
        order = np.argsort(-scored, kind="stable")[:SHOWN]
        return [Match(compared[i][0], round(float(scored[i]), 4), bool(scored[i] >= scoring.THRESHOLD))
                for i in order]
