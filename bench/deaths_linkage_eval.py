"""Evaluates the linkage of death reports (debrief/deaths/linkage.py) against a data set's truth.

    .venv/bin/python bench/deaths_linkage_eval.py [--folder PATH] [--scale N]

Prints pairwise precision, recall and F1 (over all pairs of reports placed in one death vs pairs
truly of one person), groups vs true people, the review queue's size and how many of its pairs are
true matches, the time taken and the process's peak memory (ru_maxrss: DuckDB's memory is outside
Python's allocator, so tracemalloc would not see it).

`--scale N` (N >= 2) makes a larger set, for timing: the reports N times over, each copy's people
moved to other dates of birth (other years, so swapped days and months stay swapped), other found
dates within the same two years, other places (up to about 10 km away; a hospital stays where it
is) and other NHS numbers (a digit substitution, so slips stay slips), keeping names, so that
namesakes grow as in a larger force.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.deaths_data import DEV, read_reports, read_truth  # noqa: E402
from debrief.deaths.linkage import link_reports  # noqa: E402
from debrief.deaths.records import ReportRecord  # noqa: E402


def _pairs_per_label(labels: list[str]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(labels).values())


def pair_scores(groups: list[list[str]], truth_reports: dict[str, str]) -> dict:
    """Pairwise precision, recall and F1 of `groups` against {report key: true person}."""
    predicted = sum(len(g) * (len(g) - 1) // 2 for g in groups)
    true_pairs = _pairs_per_label(list(truth_reports.values()))
    correct = sum(_pairs_per_label([truth_reports[k] for k in g]) for g in groups)
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted_pairs": predicted,
            "true_pairs": true_pairs, "correct_pairs": correct, "groups": len(groups),
            "people": len(set(truth_reports.values()))}


def scale_up(reports: list[ReportRecord], truth: dict[str, str], copies: int,
             seed: int = 7) -> tuple[list[ReportRecord], dict[str, str]]:
    rng = random.Random(seed)
    out, out_truth = list(reports), dict(truth)
    start = min(r.found_at for r in reports if r.found_at)
    for copy in range(1, copies):
        digits = list("0123456789")
        rng.shuffle(digits)
        table = str.maketrans("0123456789", "".join(digits))
        moves: dict[str, tuple[int, int]] = {}
        for report in reports:
            person = truth[report.key]
            if person not in moves:
                moves[person] = (rng.randint(-30, 30) or 1, rng.randint(1, 729),
                                 rng.uniform(-0.09, 0.09), rng.uniform(-0.15, 0.15))
            years, days, north, east = moves[person]
            dob = report.date_of_birth
            if dob is not None:
                try:
                    dob = dob.replace(year=dob.year + years)
                except ValueError:  # 29 February
                    dob = dob.replace(year=dob.year + years, day=28)
            found = report.found_at
            if found is not None:
                # Wrap within the same two years, keeping the time of day (and dates without one).
                offset = ((found - start).days + days) % 730 - (found - start).days
                found = found + timedelta(days=offset)
            latitude, longitude = report.latitude, report.longitude
            if latitude is not None and longitude is not None and report.location_type != "hospital":
                latitude, longitude = latitude + north, longitude + east
            key = f"{report.key}~{copy}"
            out.append(replace(report, key=key, date_of_birth=dob, found_at=found,
                               latitude=latitude, longitude=longitude,
                               nhs_number=report.nhs_number.translate(table) if report.nhs_number else None))
            out_truth[key] = f"{person}~{copy}"
    return out, out_truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=DEV)
    parser.add_argument("--scale", type=int, default=1, help="copies of the data set, for timing")
    args = parser.parse_args()

    reports = read_reports(args.folder)
    truth = read_truth(args.folder)["reports"]
    if args.scale > 1:
        reports, truth = scale_up(reports, truth, args.scale)

    began = time.perf_counter()
    linkage = link_reports(reports)
    seconds = time.perf_counter() - began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    scores = pair_scores(linkage.groups, truth)
    queue = linkage.possible_matches
    queue_true = sum(truth[p.a] == truth[p.b] for p in queue)
    print(f"reports {len(reports)}  people {scores['people']}  groups {scores['groups']}")
    print(f"pairs: true {scores['true_pairs']}  predicted {scores['predicted_pairs']}  "
          f"correct {scores['correct_pairs']}")
    print(f"precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  F1 {scores['f1']:.4f}")
    print(f"review queue {len(queue)} pairs, {queue_true} of them true matches")
    print(f"time {seconds:.2f} s  peak memory {peak_mib:.0f} MiB (ru_maxrss, whole process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
