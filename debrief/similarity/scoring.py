"""How alike two recommendations are, and when that makes a repeat.

Candidates come from the sentence vectors (index.py); each is then compared word by word with the
new text: every word piece, in context, is matched with its closest word piece in the other text,
weighted by how rare it is in the corpus (BERTScore, Zhang et al. 2020, with the same MiniLM
model). Pooled sentence vectors alone cannot tell "speak to the children alone" from "record the
children's names" (same topic, different action); the word-by-word match can, much better, and
writing abbreviations out in full (language.py) lets "DVPN" meet "domestic violence protection
notice".

The score is a logistic function of two things: how much of the earlier recommendation the new
text covers word by word (a repeat asks for everything the earlier one asked, whatever context it
adds), and how far its match is ahead of the best other candidate's (a repeat asks for one earlier
action; a text on a busy topic is close to several). Its coefficients and the flagging threshold were fitted on the
labelled development set with a 361-recommendation background (`bench/repeats_eval.py --fit`,
which prints them); they are not tuned per cluster, and the held-out set in bench/data checks that
they carry to topics the development set does not have.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Fitted by bench/repeats_eval.py --fit (see its output in bench/README.md).
WEIGHTS = (7.2, 17.5)  # how much of the earlier text is covered, lead over the next candidate
BIAS = -5.4
THRESHOLD = 0.28
# The word match of an unrelated recommendation (median over the background in bench/data): what a
# lone candidate leads by, when the corpus holds nothing else to compare it with.
UNRELATED = 0.35


@dataclass(frozen=True)
class Words:
    """A text's word pieces and their unit vectors in context."""

    ids: np.ndarray
    vectors: np.ndarray


@dataclass(frozen=True)
class WordMatch:
    """BERTScore with rarity weights: how much of the new text the candidate covers (recall), how
    much of the candidate the new text covers (precision), and their harmonic mean."""

    recall: float
    precision: float

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total > 0 else 0.0


def word_match(query: Words, candidate: Words, idf: np.ndarray) -> WordMatch:
    if not len(query.ids) or not len(candidate.ids):
        return WordMatch(0.0, 0.0)
    similarity = query.vectors @ candidate.vectors.T
    query_weights, candidate_weights = idf[query.ids], idf[candidate.ids]
    recall = float(similarity.max(1) @ query_weights / max(query_weights.sum(), 1e-9))
    precision = float(similarity.max(0) @ candidate_weights / max(candidate_weights.sum(), 1e-9))
    return WordMatch(max(recall, 0.0), max(precision, 0.0))


def _lead(values: np.ndarray) -> np.ndarray:
    """Each value less the best of the others (for the best one: less the second best)."""
    if len(values) < 2:
        return values - UNRELATED
    order = np.argsort(-values)
    best, second = values[order[0]], values[order[1]]
    return values - np.where(np.arange(len(values)) == order[0], second, best)


def features(matches: list[WordMatch]) -> np.ndarray:
    """For each candidate: how much of it the new text covers (a repeat asks for all the earlier
    one asked for, whatever context it adds), and how far its match leads the others'."""
    precision = np.array([m.precision for m in matches], dtype=np.float64)
    f1 = np.array([m.f1 for m in matches], dtype=np.float64)
    return np.column_stack([precision, _lead(f1)]) if matches else np.zeros((0, 2))


def scores(matches: list[WordMatch], weights=WEIGHTS, bias=BIAS) -> np.ndarray:
    """Each candidate's score in [0, 1]."""
    if not matches:
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-(features(matches) @ np.asarray(weights) + bias)))
