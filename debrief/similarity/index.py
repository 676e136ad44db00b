"""The corpus of recommendation vectors held in memory, searched by cosine similarity.

Vectors are kept as float16 (768 bytes each: 500,000 recommendations take 384 MB) and widened to
float32 a block at a time while searching. Rows are added or replaced one at a time, so a new
recommendation joins without a rebuild. The index also counts, for each word piece, how many
recommendations contain it: rarity weights for the word-by-word comparison (scoring.py).
"""
from __future__ import annotations

import threading

import numpy as np

from debrief.similarity.encoder import DIMENSIONS

VOCABULARY = 30522  # the MiniLM tokenizer's
BLOCK = 65536


class VectorIndex:
    def __init__(self) -> None:
        self._vectors = np.zeros((1024, DIMENSIONS), dtype=np.float16)
        self._ids = np.full(1024, -1, dtype=np.int64)
        self._versions = np.zeros(1024, dtype=np.int64)
        self._row: dict[int, int] = {}
        self._size = 0
        self._document_counts = np.zeros(VOCABULARY, dtype=np.int64)
        self._documents = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, item_id: int) -> bool:
        return item_id in self._row

    def add(self, item_id: int, vector: np.ndarray, token_ids: np.ndarray, version: int = 0) -> None:
        """Adds an item, or replaces its vector (its text changed). An item added again with the
        version it already has (the same stored row, read twice) changes nothing."""
        with self._lock:
            row = self._row.get(item_id)
            if row is not None and version and self._versions[row] == version:
                return
            if row is None:
                if self._size == len(self._ids):
                    grow = max(1024, self._size // 2)
                    self._vectors = np.concatenate([self._vectors, np.zeros((grow, DIMENSIONS), np.float16)])
                    self._ids = np.concatenate([self._ids, np.full(grow, -1, dtype=np.int64)])
                    self._versions = np.concatenate([self._versions, np.zeros(grow, dtype=np.int64)])
                row = self._size
                self._size += 1
                self._row[item_id] = row
                self._ids[row] = item_id
                self._documents += 1
            # A replaced text's old words stay counted: rarity drifts a little, never by much.
            self._document_counts[np.unique(np.asarray(token_ids, dtype=np.int64))] += 1
            self._vectors[row] = vector
            self._versions[row] = version

    def remove(self, item_id: int) -> None:
        with self._lock:
            row = self._row.pop(item_id, None)
            if row is not None:
                self._ids[row] = -1
                self._vectors[row] = 0
                self._documents -= 1

    def rarity(self) -> np.ndarray:
        """Inverse document frequency of every word piece, smoothed as scikit-learn does (a word in
        every text still counts a little; an unseen one counts most)."""
        return (np.log((self._documents + 1) / (self._document_counts + 1)) + 1).astype(np.float32)

    def nearest(self, vector: np.ndarray, k: int, exclude: set[int] = frozenset()) -> list[tuple[int, float]]:
        """The k items with the highest cosine similarity (vectors are unit length), best first."""
        size = self._size
        if not size or k <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        similarity = np.empty(size, dtype=np.float32)
        for start in range(0, size, BLOCK):
            stop = min(start + BLOCK, size)
            similarity[start:stop] = self._vectors[start:stop].astype(np.float32) @ query
        ids = self._ids[:size]
        similarity[ids < 0] = -np.inf
        for item_id in exclude:
            row = self._row.get(item_id)
            if row is not None:
                similarity[row] = -np.inf
        take = min(k, size)
        best = np.argpartition(-similarity, take - 1)[:take]
        best = best[np.argsort(-similarity[best])]
        return [(int(ids[row]), float(similarity[row])) for row in best if np.isfinite(similarity[row])]
