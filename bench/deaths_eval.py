"""How well the linked-series method (debrief/deaths/series.py) finds a data set's planted series.

    .venv/bin/python bench/deaths_eval.py [--folder PATH] [--linkage truth|method] [--speed N]

Deaths are built from the reports grouped by person as the application does it, by the linkage
method (`--linkage method`, the default: debrief.deaths.linkage.link_reports, whose pairwise
precision / recall / F1 over report pairs is printed first), or by the truth (`--linkage truth`, to
see the series method alone). A predicted death stands for the true person holding most
of its reports.

Printed, against the targets:
- for every death in a true series, the rank of its first true series-mate in its similar list
  (not listed = infinity): the median (target 1) and the share within the top 5 (target >= 90%);
- average precision of the scores of the pairs in every death's top 10 (each unordered pair once;
  the recall denominator is every true series pair, so pairs never listed count as missed;
  target >= 0.5);
- true series found as a candidate series (one holding >= 60% of the series' members, at least
  half of its own members from that series; target: all);
- false candidate series (holding no two members of one true series) per 1,000 deaths (target <= 2);
- time and peak memory (tracemalloc, a second run) of analyse().

`--speed N` also times analyse() on N deaths made by copying the deaths with their places moved
to a neighbouring area (a larger force) and their dates shifted (target at 22,000: <= 15 s,
< 1.5 GB peak)."""
from __future__ import annotations

import argparse
import math
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.deaths_data import DEV, read_reports, read_truth  # noqa: E402
from debrief.deaths.profile import profile_of  # noqa: E402
from debrief.deaths.series import analyse  # noqa: E402
from debrief.deaths.words import reason_words  # noqa: E402


def build_deaths(reports, groups):
    by_key = {r.key: r for r in reports}
    return [profile_of(i, [by_key[k] for k in group]) for i, group in enumerate(groups)]


def evaluate(deaths, person_of_death: dict[int, str], truth: dict, *, show: bool = True) -> dict:
    series_of = {p: name for name, s in truth["series"].items() for p in s["deaths"]}
    started = time.perf_counter()
    result = analyse(deaths)
    seconds = time.perf_counter() - started

    # 1. Rank of the first true series-mate.
    ranks = []
    for death in deaths:
        person = person_of_death[death.id]
        name = series_of.get(person)
        if name is None:
            continue
        rank = math.inf
        for k, item in enumerate(result.similar.get(death.id, []), start=1):
            other = person_of_death[item.other_id]
            if other != person and series_of.get(other) == name:
                rank = k
                break
        ranks.append(rank)
    median = statistics.median(ranks) if ranks else math.nan
    top5 = sum(r <= 5 for r in ranks) / len(ranks) if ranks else math.nan

    # 2. Average precision over the pairs in every death's top 10.
    true_pairs = {frozenset((a, b)) for s in truth["series"].values()
                  for i, a in enumerate(s["deaths"]) for b in s["deaths"][i + 1:]}
    scored = {}
    for death_id, items in result.similar.items():
        for item in items[:10]:
            key = frozenset((death_id, item.other_id))
            scored[key] = max(scored.get(key, 0.0), item.score)
    seen_true = set()
    hits = 0
    precision_sum = 0.0
    for k, (key, score) in enumerate(sorted(scored.items(), key=lambda kv: -kv[1]), start=1):
        a, b = tuple(key)
        persons = frozenset((person_of_death[a], person_of_death[b]))
        if len(persons) == 2 and persons in true_pairs and persons not in seen_true:
            seen_true.add(persons)
            hits += 1
            precision_sum += hits / k
    ap = precision_sum / len(true_pairs) if true_pairs else math.nan

    # 3. Series found, false candidates.
    found = {}
    false = []
    for candidate in result.candidates:
        persons = [person_of_death[d] for d in candidate.death_ids]
        names = Counter(series_of.get(p) for p in set(persons) if series_of.get(p))
        if not any(count >= 2 for count in names.values()):
            false.append(candidate)
        for name, s in truth["series"].items():
            members = set(s["deaths"])
            inside = sum(1 for p in persons if p in members)
            if len(members & set(persons)) >= 0.6 * len(members) and inside >= 0.5 * len(persons):
                found.setdefault(name, candidate)
    false_per_1000 = 1000 * len(false) / max(len(deaths), 1)

    tracemalloc.start()
    analyse(deaths)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    out = {"deaths": len(deaths), "series_deaths": len(ranks), "median_rank": median, "top5": top5,
           "ap": ap, "found": len(found), "series": len(truth["series"]), "candidates": len(result.candidates),
           "false": len(false), "false_per_1000": false_per_1000, "seconds": seconds, "peak_mb": peak / 2**20}
    if show:
        print(f"deaths {len(deaths)}, deaths in true series {len(ranks)}, true series pairs {len(true_pairs)}")
        print(f"first series-mate rank: median {median} (target 1), within top 5 {top5:.0%} (target >= 90%)")
        print(f"  ranks: {sorted(ranks)}")
        print(f"average precision, top-10 pairs: {ap:.3f} (target >= 0.5)")
        print(f"true series found: {len(found)} of {len(truth['series'])} (target all)")
        for name, s in truth["series"].items():
            c = found.get(name)
            print(f"  {name} {s.get('archetype', '')}: " + (
                f"found, {len(c.death_ids)} deaths, score {c.score:.2f}: "
                + "; ".join(reason_words(r) for r in c.reasons) if c else "not found"))
        print(f"candidate series {len(result.candidates)}, false {len(false)}: "
              f"{false_per_1000:.2f} per 1,000 deaths (target <= 2)")
        for c in false[:10]:
            print(f"  false: {len(c.death_ids)} deaths, score {c.score:.2f}: "
                  + "; ".join(reason_words(r) for r in c.reasons))
        print(f"analyse(): {seconds:.2f} s, peak {peak / 2**20:.0f} MB traced")
    return out


def scale(deaths, target: int):
    """`target` deaths from copies of these: each copy's places moved to a neighbouring area
    (side by side, 40 km apart) and its dates shifted by a random number of days within the span."""
    import random

    rng = random.Random(7)
    out = list(deaths)
    times = [d.found_at for d in deaths if d.found_at]
    start, span = min(times), (max(times) - min(times)).days + 1
    copy = 0
    while len(out) < target:
        copy += 1
        for d in deaths:
            if len(out) >= target:
                break
            shift = timedelta(days=rng.randint(0, span - 1))
            found = d.found_at
            if found is not None:
                found = start + (found - start + shift) % timedelta(days=span)
            out.append(replace(d, id=len(out), found_at=found,
                               longitude=None if d.longitude is None else d.longitude + 0.6 * copy))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=DEV)
    parser.add_argument("--linkage", choices=("truth", "method"), default="method")
    parser.add_argument("--speed", type=int, default=0, help="also time analyse() on this many deaths")
    args = parser.parse_args()

    reports = read_reports(args.folder)
    truth = read_truth(args.folder)
    if args.linkage == "truth":
        by_person = defaultdict(list)
        for r in reports:
            by_person[truth["reports"][r.key]].append(r.key)
        groups = [by_person[p] for p in sorted(by_person)]
    else:
        from bench.deaths_linkage_eval import pair_scores
        from debrief.deaths.linkage import link_reports

        started = time.perf_counter()
        groups = link_reports(reports).groups
        print(f"linkage: {time.perf_counter() - started:.1f} s")
        scores = pair_scores(groups, truth["reports"])
        print(f"linkage: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, "
              f"F1 {scores['f1']:.3f}, {scores['groups']} deaths for {scores['people']} people")
    deaths = build_deaths(reports, groups)
    person_of_death = {}
    for death, group in zip(deaths, groups):
        person_of_death[death.id] = Counter(truth["reports"][k] for k in group).most_common(1)[0][0]
    evaluate(deaths, person_of_death, truth)

    if args.speed:
        many = scale(deaths, args.speed)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        result = analyse(many)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"speed: analyse() on {len(many)} deaths: {seconds:.1f} s (target <= 15 s), "
              f"{len(result.candidates)} candidate series, process peak RSS {after / 1024:.0f} MB "
              f"(was {before / 1024:.0f} MB before)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
