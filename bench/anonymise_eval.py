"""Quality of the anonymiser (debrief.anonymiser) on texts with their personal data marked (issue 25).

    .venv/bin/python bench/anonymise_eval.py                       # the dev set
    .venv/bin/python bench/anonymise_eval.py --data FILE.jsonl     # another set in the same format
    .venv/bin/python bench/anonymise_eval.py --show                # and every miss and false alarm

Figures (the data set's README suggests them; kinds are ignored where it says so):

- recall: a marked span counts as removed when predicted spans, of any kind, cover all its
  characters (redacting "Mr Hughes" for a marked "Hughes" is fine); per kind, overall, and for names;
- kind recall: the same, counting only predicted spans of the marked span's own kind;
- span precision: predicted spans that overlap a marked span (of any kind), over all predicted spans;
- exact precision and exact recall: predicted spans with the same start and end as a marked span
  (of any kind), over all predicted, and over all marked;
- leaks: texts where an NHS number, a National Insurance number or a date of birth is not fully
  removed; over-redaction: texts with nothing marked where something was redacted;
- time per text after the engine has loaded (mean and 95th percentile), and the load itself.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV = ROOT.parent / "shared" / "data" / "anonymise-dev" / "texts.jsonl"
LEAK_KINDS = ("nhs_number", "ni_number", "date_of_birth")
TARGETS = {"recall": 0.97, "name recall": 0.95, "span precision": 0.85, "leaks": 0}


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _covered(gold: dict, predicted: list[dict]) -> bool:
    chars = set()
    for p in predicted:
        if p["start"] < gold["end"] and p["end"] > gold["start"]:
            chars.update(range(p["start"], p["end"]))
    return all(i in chars for i in range(gold["start"], gold["end"]))


def score(rows: list[dict], predictions: list[list[dict]]) -> dict:
    """The figures for `rows` (each with its marked `spans`) and the spans predicted for each."""
    marked, removed, removed_as_kind = Counter(), Counter(), Counter()
    predicted_count = overlapping = exact = 0
    leaks, over_redacted, misses, false_alarms = [], [], [], []
    for row, predicted in zip(rows, predictions):
        gold = row["spans"]
        for g in gold:
            marked[g["kind"]] += 1
            if _covered(g, predicted):
                removed[g["kind"]] += 1
            else:
                misses.append((row["id"], g["kind"], g["value"]))
            if _covered(g, [p for p in predicted if p["kind"] == g["kind"]]):
                removed_as_kind[g["kind"]] += 1
        if any(g["kind"] in LEAK_KINDS and not _covered(g, predicted) for g in gold):
            leaks.append(row["id"])
        if not gold and predicted:
            over_redacted.append(row["id"])
        for p in predicted:
            predicted_count += 1
            if any(p["start"] < g["end"] and p["end"] > g["start"] for g in gold):
                overlapping += 1
            else:
                false_alarms.append((row["id"], p["kind"], p["value"]))
            exact += any(p["start"] == g["start"] and p["end"] == g["end"] for g in gold)
    total = sum(marked.values())
    return {
        "texts": len(rows),
        "marked": total,
        "predicted": predicted_count,
        "recall": sum(removed.values()) / total if total else 1.0,
        "name recall": removed["person"] / marked["person"] if marked["person"] else 1.0,
        "kind recall": sum(removed_as_kind.values()) / total if total else 1.0,
        "span precision": overlapping / predicted_count if predicted_count else 1.0,
        "exact precision": exact / predicted_count if predicted_count else 1.0,
        "exact recall": exact / total if total else 1.0,
        "per kind": {kind: {"marked": n, "recall": removed[kind] / n, "kind recall": removed_as_kind[kind] / n}
                     for kind, n in sorted(marked.items())},
        "leaks": len(leaks),
        "leaked texts": leaks,
        "over-redacted": len(over_redacted),
        "clean texts": sum(1 for row in rows if not row["spans"]),
        "misses": misses,
        "false alarms": false_alarms,
    }


def run(rows: list[dict], crime_reference_pattern: str | None = None) -> tuple[dict, dict]:
    """The figures, and the timings, of the application's anonymiser on `rows`."""
    from debrief import anonymiser

    options = {"crime_reference_pattern": crime_reference_pattern} if crime_reference_pattern else {}
    started = time.perf_counter()
    anonymiser.find("Load the engine.", **options)
    load = time.perf_counter() - started
    predictions, seconds = [], []
    for row in rows:
        started = time.perf_counter()
        spans = anonymiser.find(row["text"], **options)
        seconds.append(time.perf_counter() - started)
        predictions.append([{"start": s.start, "end": s.end, "kind": s.kind, "value": s.value} for s in spans])
    seconds.sort()
    timing = {"load seconds": load, "mean ms": 1000 * statistics.fmean(seconds),
              "p95 ms": 1000 * seconds[int(0.95 * (len(seconds) - 1))]}
    return score(rows, predictions), timing


def report(figures: dict, timing: dict, show: bool) -> str:
    lines = [f"{figures['texts']} texts, {figures['marked']} marked spans, {figures['predicted']} predicted",
             "", f"{'kind':<22}{'marked':>7}{'recall':>9}{'kind recall':>13}"]
    for kind, row in figures["per kind"].items():
        lines.append(f"{kind:<22}{row['marked']:>7}{row['recall']:>9.3f}{row['kind recall']:>13.3f}")
    lines += [
        "",
        f"recall              {figures['recall']:.3f}   (target ≥ {TARGETS['recall']})",
        f"name recall         {figures['name recall']:.3f}   (target ≥ {TARGETS['name recall']})",
        f"kind recall         {figures['kind recall']:.3f}",
        f"span precision      {figures['span precision']:.3f}   (target ≥ {TARGETS['span precision']})",
        f"exact precision     {figures['exact precision']:.3f}",
        f"exact recall        {figures['exact recall']:.3f}",
        f"leaks               {figures['leaks']}       (texts with an NHS number, NI number or date of birth left;"
        f" target {TARGETS['leaks']}) {' '.join(figures['leaked texts'])}",
        f"over-redacted       {figures['over-redacted']} of {figures['clean texts']} clean texts",
        f"time per text       {timing['mean ms']:.1f} ms mean, {timing['p95 ms']:.1f} ms p95"
        f" (after loading in {timing['load seconds']:.1f} s)",
    ]
    if show:
        lines += ["", "missed:"] + [f"  {i} {kind}: {value!r}" for i, kind, value in figures["misses"]]
        lines += ["", "false alarms:"] + [f"  {i} {kind}: {value!r}" for i, kind, value in figures["false alarms"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEV, help="texts.jsonl with marked spans")
    parser.add_argument("--crime-reference-pattern", help="the force's format (default: config.py's)")
    parser.add_argument("--show", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()
    figures, timing = run(read(args.data), args.crime_reference_pattern)
    print(report(figures, timing, args.show))


if __name__ == "__main__":
    main()
