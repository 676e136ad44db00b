"""The corpus of recommendation vectors held in memory, searched by cosine similarity.

Vectors are kept as bfloat16 (the top half of a float32: 768 bytes each, so 500,000
recommendations take 384 MB) in fixed chunks of CHUNK rows, so the corpus grows without copying
what it holds. A search widens BLOCK rows at a time to float32 with one shift into a buffer it
reuses (NumPy's float16 conversion is several times slower), then multiplies. Rows are added or
replaced one at a time, so a new recommendation joins without a rebuild. The index also counts,
for each word piece, how many recommendations contain it: rarity weights for the word-by-word
comparison (scoring.py).
"""
from __future__ import annotations

import threading

import numpy as np

from debrief.similarity.encoder import DIMENSIONS

VOCABULARY = 30522  # the MiniLM tokenizer's
CHUNK = 65536       # rows allocated at a time (48 MB)
BLOCK = 256         # rows widened to float32 at a time while searching (384 KB: stays in the CPU cache)


def to_bfloat16(vector: np.ndarray) -> np.ndarray:
    """float32 → bfloat16 bits (uint16), rounded to nearest even."""
    bits = np.ascontiguousarray(vector, dtype=np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


class VectorIndex:
    def __init__(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._ids = np.full(0, -1, dtype=np.int64)
        self._versions = np.zeros(0, dtype=np.int64)
        self._row: dict[int, int] = {}
        self._size = 0
        self._document_counts = np.zeros(VOCABULARY, dtype=np.int64)
        self._documents = 0
        self._lock = threading.Lock()
        self._buffers = threading.local()

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, item_id: int) -> bool:
        return item_id in self._row

    @property
    def nbytes(self) -> int:
        """Memory the vectors, ids and versions take."""
        return sum(chunk.nbytes for chunk in self._chunks) + self._ids.nbytes + self._versions.nbytes

    def version_of(self, item_id: int) -> int | None:
        """The version the item was added with (None: not held)."""
        row = self._row.get(item_id)
        return None if row is None else int(self._versions[row])

    def _store(self, row: int, bits: np.ndarray) -> None:
        self._chunks[row // CHUNK][row % CHUNK] = bits

    def add(self, item_id: int, vector: np.ndarray, token_ids: np.ndarray, version: int = 0) -> None:
        """Adds an item, or replaces its vector (its text changed). An item added again with the
        version it already has (the same stored row, read twice) changes nothing."""
        with self._lock:
            row = self._row.get(item_id)
            if row is not None and version and self._versions[row] == version:
                return
            if row is None:
                if self._size == len(self._ids):
                    self._chunks.append(np.zeros((CHUNK, DIMENSIONS), dtype=np.uint16))
                    self._ids = np.concatenate([self._ids, np.full(CHUNK, -1, dtype=np.int64)])
                    self._versions = np.concatenate([self._versions, np.zeros(CHUNK, dtype=np.int64)])
                row = self._size
                self._size += 1
                self._row[item_id] = row
                self._ids[row] = item_id
                self._documents += 1
            # A replaced text's old words stay counted: rarity drifts a little, never by much.
            self._document_counts[np.unique(np.asarray(token_ids, dtype=np.int64))] += 1
            self._store(row, to_bfloat16(vector))
            self._versions[row] = version

    def remove(self, item_id: int) -> None:
        with self._lock:
            row = self._row.pop(item_id, None)
            if row is not None:
                self._ids[row] = -1
                self._store(row, 0)
                self._documents -= 1

    def rarity(self) -> np.ndarray:
        """Inverse document frequency of every word piece, smoothed as scikit-learn does (a word in
        every text still counts a little; an unseen one counts most)."""
        return (np.log((self._documents + 1) / (self._document_counts + 1)) + 1).astype(np.float32)

    def _buffer(self) -> np.ndarray:
        buffer = getattr(self._buffers, "block", None)
        if buffer is None:
            buffer = self._buffers.block = np.empty((BLOCK, DIMENSIONS), dtype=np.uint32)
        return buffer

    def nearest(self, vector: np.ndarray, k: int, exclude: set[int] = frozenset(),
                only: set[int] | None = None) -> list[tuple[int, float]]:
        """The k items with the highest cosine similarity (vectors are unit length), best first;
        among `only`, when it is given."""
        size, chunks = self._size, list(self._chunks)
        if not size or k <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        similarity = np.empty(size, dtype=np.float32)
        buffer = self._buffer()
        for start in range(0, size, BLOCK):
            stop = min(start + BLOCK, size)
            block = chunks[start // CHUNK][start % CHUNK:start % CHUNK + stop - start]
            widened = buffer[:stop - start]
            np.left_shift(block, 16, out=widened, dtype=np.uint32, casting="unsafe")
            np.matmul(widened.view(np.float32), query, out=similarity[start:stop])
        ids = self._ids[:size]
        similarity[ids < 0] = -np.inf
        for item_id in exclude:
            row = self._row.get(item_id)
            if row is not None:
                similarity[row] = -np.inf
        if only is not None:
            keep = np.zeros(size, dtype=bool)
            keep[[row for row in map(self._row.get, only) if row is not None and row < size]] = True
            similarity[~keep] = -np.inf
        take = min(k, size)
        best = np.argpartition(-similarity, take - 1)[:take]
        best = best[np.argsort(-similarity[best])]
        return [(int(ids[row]), float(similarity[row])) for row in best if np.isfinite(similarity[row])]
