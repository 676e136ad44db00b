"""The repeat-detection method on small fixed cases (debrief.similarity, services/similarity.py):
abbreviations written out, the index, scores in [0, 1], and a corpus that grows without rebuilding."""
from __future__ import annotations

import json

import numpy as np
import pytest
import sqlalchemy as sa

from debrief.similarity import Corpus, scoring
from debrief.similarity import index as index_module
from debrief.similarity.index import VectorIndex, to_bfloat16
from debrief.similarity.language import prepare
from tests.conftest import BACKGROUND

BASE = ("Officers should consider a Domestic Violence Protection Notice in every domestic abuse case where the "
        "suspect is released without charge.")
REPEAT = "Where a DA suspect is released with no further action, a DVPN should be considered."
ENCOMPASS = ("Police should notify the child's school through Operation Encompass before the start of the next school "
             "day after a domestic abuse incident.")
ENCOMPASS_REPEAT = "Make sure key adults in schools are told about overnight domestic incidents before lessons begin."
NEAR = "Extend Operation Encompass notifications to nurseries and early years settings."
OTHER = "The force should replace its ageing fleet of response vehicles with hybrid cars."


@pytest.mark.parametrize("text, prepared", [
    ("Consider a DVPN.", "Consider a domestic violence protection notice."),
    ("a Domestic Violence Protection Notice (DVPN) should", "a Domestic Violence Protection Notice should"),
    ("DVPNs and CAWNs", "domestic violence protection notices and child abduction warning notices"),
    ("Refer to MARAC", "Refer to multi-agency risk assessment conference"),
    ("the A&E team", "the accident and emergency team"),
    ("Da iawn, ŵ ŷ", "Da iawn, ŵ ŷ"),               # Welsh words are not abbreviations
    ("  spaced\n\tout  ", "spaced out"),
    ("ＦＵＬＬ width", "FULL width"),               # Unicode folded (NFKC)
])
def test_texts_are_prepared_with_abbreviations_written_out(text, prepared):
    assert prepare(text) == prepared


def unit(*values):
    vector = np.array(values + (0.0,) * (384 - len(values)), dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_the_index_finds_the_nearest_and_leaves_out_what_it_is_told():
    index = VectorIndex()
    index.add(1, unit(1, 0), np.array([5, 6]))
    index.add(2, unit(1, 1), np.array([5]))
    index.add(3, unit(0, 1), np.array([7]))
    assert [item for item, _ in index.nearest(unit(1, 0.1), 2)] == [1, 2]
    assert [item for item, _ in index.nearest(unit(1, 0.1), 2, exclude={1})] == [2, 3]
    index.remove(2)
    assert [item for item, _ in index.nearest(unit(1, 0.1), 5)] == [1, 3]
    index.add(3, unit(1, 0), np.array([5]))  # reworded: replaced, not added
    assert len(index) == 2
    assert index.nearest(unit(1, 0), 1)[0][1] == pytest.approx(1.0, abs=1e-3)


def test_the_index_grows_one_row_at_a_time_in_chunks(monkeypatch):
    monkeypatch.setattr(index_module, "CHUNK", 2048)
    monkeypatch.setattr(index_module, "BLOCK", 512)
    vectors = np.random.default_rng(6).normal(size=(5000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex()
    for item, vector in enumerate(vectors):
        index.add(item, vector, np.array([item % 50]))
    assert len(index) == 5000 and index.nbytes == 3 * 2048 * (384 * 2 + 16)  # three chunks, nothing copied
    assert [index.nearest(vectors[item], 1)[0][0] for item in (0, 511, 512, 2047, 2048, 4999)] == [
        0, 511, 512, 2047, 2048, 4999]
    query = vectors[7] + vectors[4097]
    query /= np.linalg.norm(query)
    exact = vectors @ query
    found = index.nearest(query, 12)
    assert [item for item, _ in found[:2]] in ([7, 4097], [4097, 7])
    assert all(score == pytest.approx(exact[item], abs=2e-3) for item, score in found)


def test_bfloat16_rounds_to_nearest():
    values = np.array([1.0, -0.5, 1 / 3, 1e-30, 0.0], dtype=np.float32)
    widened = (to_bfloat16(values).astype(np.uint32) << 16).view(np.float32)
    assert np.allclose(widened, values, rtol=2 ** -8, atol=0)
    assert widened[0] == 1.0 and widened[1] == -0.5


def test_rarer_words_weigh_more():
    index = VectorIndex()
    for item in range(10):
        index.add(item, unit(1), np.array([100] + ([200] if item == 0 else [])))
    rarity = index.rarity()
    assert rarity[200] > rarity[100] > 0
    assert rarity[300] > rarity[200]  # never seen: rarest


def test_scores_are_between_zero_and_one_and_favour_the_clear_leader():
    match = scoring.WordMatch
    assert scoring.scores([]).size == 0
    s = scoring.scores([match(0.9, 0.9), match(0.5, 0.5), match(0.45, 0.45)])
    assert 0 <= s.min() and s.max() <= 1
    assert s[0] > s[1] and s[0] >= scoring.THRESHOLD > s[1]
    assert scoring.scores([match(0.2, 0.2)])[0] < scoring.THRESHOLD
    # A fair match that stands out is flagged; two equal ones on a busy topic are not...
    assert scoring.scores([match(0.55, 0.55), match(0.35, 0.35)])[0] >= scoring.THRESHOLD
    assert (scoring.scores([match(0.55, 0.55), match(0.55, 0.55)]) < scoring.THRESHOLD).all()
    # ...unless the new text covers nearly all of both: then both are repeated.
    assert (scoring.scores([match(0.9, 0.9), match(0.9, 0.9)]) >= scoring.THRESHOLD).all()
    assert match(0.0, 0.0).f1 == 0


@pytest.fixture(scope="module")
def corpus():
    background = [json.loads(line)["text"] for line in BACKGROUND.read_text(encoding="utf-8").splitlines()[:60]]
    texts = {1: BASE, 2: OTHER, 3: "Officers should record the grounds for every stop and search in detail.",
             4: ENCOMPASS,
             **{10 + n: text for n, text in enumerate(background)}}
    corpus = Corpus()
    return corpus, corpus.add_texts(texts.items())


def find(corpus, text, **kwargs):
    corpus, stored = corpus
    return corpus.find(text, lambda ids: {i: stored[i] for i in ids}, **kwargs)


@pytest.mark.parametrize("text, earlier", [(REPEAT, 1), (ENCOMPASS_REPEAT, 4)])
def test_a_paraphrase_is_found_and_flagged(corpus, text, earlier):
    matches = find(corpus, text)
    assert matches[0].id == earlier and matches[0].is_repeat
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert not any(m.is_repeat for m in matches[1:])


def test_the_same_topic_with_a_different_action_is_not_flagged(corpus):
    matches = find(corpus, NEAR)
    assert matches[0].id == 4  # the nearest, on the same topic...
    assert not any(m.is_repeat for m in matches)  # ...but not a repeat


def test_an_empty_corpus_finds_nothing():
    assert Corpus().find(REPEAT, lambda ids: {}) == []


@pytest.mark.parametrize("text", ["a", "?", "ŵŷ", "警察は子供たちと話すべきだ", "word " * 5000, "🙂" * 50])
def test_short_long_and_non_english_texts_get_scores(corpus, text):
    matches = find(corpus, text)
    assert len(matches) == 5
    assert all(0 <= m.score <= 1 for m in matches)


def test_the_text_itself_can_be_left_out(corpus):
    assert find(corpus, BASE)[0].id == 1
    assert 1 not in [m.id for m in find(corpus, BASE, exclude=[1])]


def test_a_candidate_whose_record_has_gone_is_skipped(corpus):
    corpus_, stored = corpus
    matches = corpus_.find(REPEAT, lambda ids: {i: stored[i] for i in ids if i != 1})
    assert 1 not in [m.id for m in matches]


def test_a_new_recommendation_joins_the_index_without_a_rebuild(app):
    from debrief.extensions import db
    from debrief.models import Recommendation
    from debrief.services import similarity

    with app.app_context():
        first = Recommendation(text=BASE, source="iopc", source_reference="IOPC/1", status="open")
        db.session.add(first)
        db.session.flush()
        similarity.remember([first])
        assert similarity.check(REPEAT)[0].recommendation.id == first.id
        corpus = similarity.synced()
        second = Recommendation(text=OTHER, source="iopc", source_reference="IOPC/2", status="open")
        db.session.add(second)
        db.session.flush()
        similarity.remember([second])
        found = similarity.check(OTHER)
        assert similarity.synced() is corpus and len(corpus.index) == 2  # caught up, same index
        assert found[0].recommendation.id == second.id and found[0].score > 0.9
        similarity.remember([second])  # reworded: its row is replaced, the index does not grow
        similarity.check(OTHER)
        assert len(corpus.index) == 2
        db.session.rollback()


def test_vectors_that_commit_after_later_ones_still_join_the_index(app):
    """On PostgreSQL a transaction that took lower ids (a batch of imported recommendations being
    stored) can commit after one that took higher ids: a worker that has seen the higher ones reads
    the LOOKBACK ids below them again, and takes the vectors it does not hold."""
    from debrief.extensions import db
    from debrief.models import Recommendation, RecommendationVector
    from debrief.services import similarity
    from debrief.similarity import embed

    far = 10_000_000  # ids no sequence of this test run reaches
    with app.app_context():
        late, early = (Recommendation(text=text, source="iopc", source_reference=f"IOPC/{n}", status="open")
                       for n, text in enumerate((BASE, OTHER)))
        db.session.add_all([late, early])
        db.session.flush()
        vectors = dict(zip((late.id, early.id), embed([BASE, OTHER])))
        db.session.add(RecommendationVector(id=far, recommendation_id=early.id, **similarity.columns(vectors[early.id])))
        db.session.flush()
        corpus = similarity.synced()
        assert late.id not in corpus.index
        db.session.add(RecommendationVector(id=far - similarity.LOOKBACK + 1, recommendation_id=late.id,
                                            **similarity.columns(vectors[late.id])))
        db.session.flush()
        assert similarity.synced() is corpus and late.id in corpus.index
        assert similarity.check(REPEAT)[0].recommendation.id == late.id
        db.session.rollback()


def test_a_vector_row_from_before_word_vectors_were_stored_is_still_compared(app):
    from debrief.extensions import db
    from debrief.models import Recommendation, RecommendationVector
    from debrief.services import similarity

    with app.app_context():
        earlier = Recommendation(text=BASE, source="iopc", source_reference="IOPC/1", status="open")
        db.session.add(earlier)
        db.session.flush()
        similarity.remember([earlier])
        db.session.execute(sa.update(RecommendationVector).values(word_vectors=None))
        found = similarity.check(REPEAT)
        assert found[0].recommendation.id == earlier.id and found[0].is_repeat
        similarity.remember([earlier])
        assert found[0].score == pytest.approx(similarity.check(REPEAT)[0].score, abs=1e-3)
        db.session.rollback()
