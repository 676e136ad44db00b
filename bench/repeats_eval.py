"""Quality of repeat-recommendation detection on a labelled set (issue 6's protocol).

The corpus holds every `base` of the labelled set plus the background of unrelated
recommendations in bench/data/repeats-background.jsonl; each `repeat` and `near` is checked
against it with exactly the application's method (debrief.similarity.Corpus).

- a hit: a repeat whose top flagged match is its own base;
- a false positive: every other flagged match (a near flagged at all, a repeat's flag on a wrong
  recommendation, and any flag beyond the hit);
- P = hits / flags, R = hits / repeats, F1 their harmonic mean;
- R@1, R@5: repeats whose own base is the first, or among the five, matches shown (flagged or not).

    .venv/bin/python bench/repeats_eval.py                      # the dev set and the held-out set
    .venv/bin/python bench/repeats_eval.py --fit                # refit scoring.py's weights on dev

`--fit` fits a logistic regression of "this candidate is the query's own base and the query is a
repeat" on the two features of scoring.py, over the top candidates of every dev query, chooses the
threshold with the best F1, and reports a five-fold leave-clusters-out estimate as well.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from debrief.similarity import SHOWN, Corpus, Embedding, scoring  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "recommendations-dev.jsonl"
HELD_OUT = ROOT / "bench" / "data" / "repeats-heldout.jsonl"
BACKGROUND = ROOT / "bench" / "data" / "repeats-background.jsonl"


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_corpus(labelled: list[dict]) -> tuple[Corpus, Callable[[list[int]], dict[int, Embedding]], dict[str, int]]:
    """The corpus, what it stores of each text (as the application's table does), and each
    cluster's base."""
    corpus = Corpus()
    texts: dict[int, str] = {}
    base_of: dict[str, int] = {}
    for row in [r for r in labelled if r["role"] == "base"] + read(BACKGROUND):
        item_id = len(texts) + 1
        texts[item_id] = row["text"]
        if "cluster" in row:
            base_of[row["cluster"]] = item_id
    stored = corpus.add_texts(texts.items())
    return corpus, lambda ids: {i: stored[i] for i in ids if i in stored}, base_of


def measure(flags: list[tuple[dict, list]], base_of: dict[str, int]) -> dict[str, float]:
    repeats = [(query, matches) for query, matches in flags if query["role"] == "repeat"]
    hits = false_positives = first = top_five = 0
    for query, matches in flags:
        own = base_of[query["cluster"]] if query["role"] == "repeat" else None
        flagged = [m for m in matches if m.is_repeat]
        hit = bool(flagged) and flagged[0].id == own
        hits += hit
        false_positives += len(flagged) - hit
        if own is not None:
            first += bool(matches) and matches[0].id == own
            top_five += own in [m.id for m in matches[:SHOWN]]
    precision = hits / (hits + false_positives) if hits + false_positives else 0.0
    recall = hits / len(repeats)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"P": precision, "R": recall, "F1": f1, "R@1": first / len(repeats), "R@5": top_five / len(repeats),
            "hits": hits, "false positives": false_positives, "repeats": len(repeats),
            "nears": len(flags) - len(repeats)}


def evaluate(path: Path) -> dict[str, float]:
    labelled = read(path)
    corpus, embeddings_of, base_of = build_corpus(labelled)
    started = time.perf_counter()
    queries = [row for row in labelled if row["role"] != "base"]
    flags = [(query, corpus.find(query["text"], embeddings_of)) for query in queries]
    result = measure(flags, base_of)
    result["ms per check"] = 1000 * (time.perf_counter() - started) / len(queries)
    return result


def candidate_rows(path: Path):
    """Features and labels of every dev query's candidates, grouped by query."""
    labelled = read(path)
    corpus, embeddings_of, base_of = build_corpus(labelled)
    groups = []
    for query in (row for row in labelled if row["role"] != "base"):
        compared = corpus.word_matches(query["text"], embeddings_of)
        own = base_of[query["cluster"]] if query["role"] == "repeat" else None
        labels = np.array([item_id == own for item_id, _ in compared], dtype=float)
        groups.append((query, scoring.features([m for _, m in compared]), labels, [i for i, _ in compared]))
    return groups, base_of


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1) -> tuple[np.ndarray, float]:
    """Newton's method on the L2-penalised log loss (a handful of features, a few hundred rows)."""
    design = np.column_stack([x, np.ones(len(x))])
    beta = np.zeros(design.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (p - y) + penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


class Flag:
    def __init__(self, item_id, score, threshold):
        self.id, self.score, self.is_repeat = item_id, score, score >= threshold


def flags_for(groups, weights, bias, threshold):
    out = []
    for query, x, _, ids in groups:
        s = 1 / (1 + np.exp(-(x @ weights + bias))) if len(x) else np.zeros(0)
        order = np.argsort(-s, kind="stable")[:SHOWN]
        out.append((query, [Flag(ids[i], float(s[i]), threshold) for i in order]))
    return out


def best_threshold(groups, weights, bias, base_of):
    results = [(measure(flags_for(groups, weights, bias, t), base_of)["F1"], t) for t in np.arange(0.02, 0.91, 0.01)]
    return max(results)[1]


def fit(path: Path) -> None:
    groups, base_of = candidate_rows(path)
    x = np.concatenate([g[1] for g in groups if len(g[1])])
    y = np.concatenate([g[2] for g in groups if len(g[1])])
    weights, bias = fit_logistic(x, y)
    threshold = best_threshold(groups, weights, bias, base_of)
    weights, bias = np.round(weights, 1), round(bias, 1)
    threshold = best_threshold(groups, weights, bias, base_of)
    print(f"WEIGHTS = ({weights[0]}, {weights[1]})\nBIAS = {bias}\nTHRESHOLD = {threshold:.2f}")
    print("in-sample:", format_result(measure(flags_for(groups, weights, bias, threshold), base_of)))
    clusters = sorted({g[0]["cluster"] for g in groups})
    held = []
    for fold in range(5):
        test = set(clusters[fold::5])
        train = [g for g in groups if g[0]["cluster"] not in test and len(g[1])]
        w, b = fit_logistic(np.concatenate([g[1] for g in train]), np.concatenate([g[2] for g in train]))
        t = best_threshold(train, w, b, base_of)
        held += flags_for([g for g in groups if g[0]["cluster"] in test], w, b, t)
    print("five-fold, clusters held out:", format_result(measure(held, base_of)))


def format_result(result: dict[str, float]) -> str:
    return "  ".join(f"{name} {value:.3f}" if isinstance(value, float) else f"{name} {value}"
                     for name, value in result.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the scoring weights on the dev set")
    parser.add_argument("sets", nargs="*", type=Path, help="labelled sets (default: dev and held-out)")
    args = parser.parse_args()
    if args.fit:
        fit(args.sets[0] if args.sets else DEV)
        return
    background = len(read(BACKGROUND))
    for path in args.sets or [DEV, HELD_OUT]:
        print(f"{path.name} (background of {background}):  {format_result(evaluate(path))}")


if __name__ == "__main__":
    main()
