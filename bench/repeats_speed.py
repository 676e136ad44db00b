"""How fast repeat detection answers, what adding a recommendation costs, and how much memory the
index takes (issue 6: p95 of a check at most 100 ms with 100,000 recommendations; the index of
500,000 in less than 1 GB).

    .venv/bin/python bench/repeats_speed.py --recommendations 100000 \\
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--queries 200] [--synthetic 500000]
    .venv/bin/python bench/repeats_speed.py --small          # 1,000 recommendations: a quick run for CI

(a) Seeds a throwaway database with about --recommendations recommendations (through the seed
    service, which gives about 4.97 a debrief and stores each one's vectors), then times
    `services.similarity.check` in-process, in a fresh app context per call as a request would have,
    over --queries realistic query texts (30 written below, varied: reworded, abbreviated, with other
    agencies, prefixes and suffixes, some joined into long ones), after a few warm-up checks. It
    prints p50, p95 and the slowest, where the time goes (encoding the query, the nearest-neighbour
    search, reading the candidates' stored word vectors, encoding candidates stored without them
    (rows from before revision 0006; none when seeded), the rest: SQL and scoring), the process's CPU time per check and
    the load average: on a busy machine the wall time is CPU time plus waiting for a CPU.
(b) Times a full load of the index (`services.similarity.synced()` after `forget()`, what a web
    worker does on its first check) and adding one recommendation: `similarity.remember` and commit,
    then the next check's catch-up alone, then the next check with the catch-up in it. Adding reads
    the new row, never the others. The recommendations added are deleted at the end.
(c) In a separate process (so the figure is not the seeding's memory): the Flask app and the encoder
    loaded as a web worker has them, then an index of --synthetic random unit vectors (float16, as stored)
    with token ids taken from real texts, added one by one through `Corpus.add` as a load from the
    database adds them; prints the process's resident set size (VmRSS, and the peak VmHWM, from
    /proc/self/status) and times the nearest-neighbour search over them (for every query) and a whole
    check without the database (for 50; candidates' word vectors taken from the seeded templates',
    as the vectors are random).

The database is dropped at the end unless --keep is given; --reuse URL times a database kept earlier.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# --blas-threads N: OpenBLAS's threads per process, set before NumPy loads it (and inherited by (c)'s
# process). By default OpenBLAS starts one per CPU in every process.
if "--blas-threads" in sys.argv[:-1]:
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--blas-threads") + 1]

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench.pages import DEFAULT_SERVER, bench_app, db_label, percentile, reused, settle, throwaway_database  # noqa: E402
from debrief.extensions import db  # noqa: E402
from debrief.models import Recommendation, RecommendationVector  # noqa: E402
from debrief.services import similarity  # noqa: E402
from debrief.sample_data import seed  # noqa: E402
from debrief.similarity import RETRIEVE, Corpus, Embedding, embed  # noqa: E402
from debrief.similarity import encoder as encoder_module  # noqa: E402
from debrief.similarity import index as index_module  # noqa: E402
from debrief.similarity.language import prepare  # noqa: E402

RECOMMENDATIONS_PER_DEBRIEF = 4.97  # what the seed gives: 497,485 at 100,000 debriefs
WARM_UP = 5
TARGET_P95_MS = 100
TARGET_RSS_MB = 1024
FIND_QUERIES = 50  # whole checks timed over the synthetic index in (c): its nearest search is timed over all
LABEL = 58

# What reviewers type: short and long, with abbreviations and without, on the seeded topics and off
# them. Varied by `queries()` into as many as --queries asks for.
QUERY_TEXTS = (
    "Supervisors must check the DASH risk assessment before a domestic abuse report is closed.",
    "Check previous reports about the victim before grading the risk.",
    "Review the risk grading when the suspect is released on bail or from custody.",
    "Officers attending a domestic should be told if the suspect has access to a knife or firearm.",
    "Refer high-risk victims to the multi-agency risk assessment conference without delay.",
    "Train call handlers to ask about strangulation and to treat it as a high-risk indicator.",
    "All response officers should be trained on their power of entry to save life or limb.",
    "Agree an information sharing agreement with the local mental health trust.",
    "Probation should share the risk management plan of a perpetrator released on licence with the force.",
    "Audit missed MARAC referrals and report the results to the strategic board.",
    "Publish guidance for investigators on stalking protection orders and how to apply for one.",
    "The missing person policy should set how often a low-risk case is reviewed.",
    "Hold a strategy meeting whenever several agencies are working with the same family.",
    "Invite children's social care to every strategy discussion about a child in the household.",
    "Make body-worn video mandatory at all domestic abuse incidents.",
    "Victims must be told the same day when the suspect is released from custody.",
    "Record interpreter needs on the crime report so that statements are not delayed.",
    "Reduce the delay before suspects are interviewed in custody.",
    "Prioritise forensic submissions in homicide investigations and track them to completion.",
    "Show officers previous incidents at the address on their handheld devices before they arrive.",
    "Train neighbourhood officers to recognise coercive control and to record it as a crime.",
    "Supervisors should review every decision to take no further action in domestic abuse cases.",
    "Set up a panel with probation to manage the most dangerous domestic abuse perpetrators.",
    "Improve the handover of exhibits between teams so that evidence is not lost.",
    "Update the vehicle fleet replacement schedule so that response cars are replaced after five years.",
    # Long ones: the context first, then what should change, as debrief reports put it.
    "The victim had reported the suspect four times in the preceding year, twice to a neighbouring "
    "force, and each report was risk assessed on its own as standard risk. Nobody looked at the history "
    "as a whole. The force should make sure that previous reports, including those made to other "
    "forces, are checked and taken into account whenever a DASH risk assessment is graded, and "
    "supervisors should confirm that the check was made.",
    "On the night of the incident the call handler recorded that the victim said he had 'held her by "
    "the neck', but the call was graded as a standard response and officers arrived after two hours. "
    "Call handlers and control room supervisors need training to recognise non-fatal strangulation as "
    "a marker of serious risk, and the grading guidance should say that such calls get an emergency "
    "response.",
    "The GP practice and the mental health trust both knew that the suspect had made threats to kill "
    "his former partner, but neither told the police, and the police did not ask them. An information "
    "sharing protocol should be agreed with health partners so that threats to kill and concerns about "
    "access to weapons reach the public protection unit the same day, with a named single point of "
    "contact in each agency.",
    "Three agencies were working with the family in the months before the homicide: children's social "
    "care, the school and the housing provider. Each held part of the picture and no meeting brought "
    "them together. A multi-agency meeting should be convened whenever three or more agencies are "
    "involved with a family where there is domestic abuse, and the police should be able to call one.",
    "The suspect was released under investigation and the victim was not told. She learned of his "
    "release when he arrived at her address the following morning. The bail and release policy should "
    "require the officer in the case to tell the victim the same day when a suspect is released, to "
    "record that this was done, and to review the safety plan with her.",
)
PREFIXES = ("", "", "", "The force should ", "We recommend that the force ", "Within six months, ",
            "As a priority, ", "It is recommended that the force ")
SUFFIXES = ("", "", "", " Progress should be reported to the board.", " This should be done within three months.",
            " The head of public protection should lead this.", " An audit in a year should check it was done.")
IMPERATIVES = {"Agree", "Audit", "Check", "Hold", "Improve", "Invite", "Make", "Prioritise", "Publish", "Record",
               "Reduce", "Refer", "Review", "Set", "Show", "Train", "Update"}
REWORDINGS = (("multi-agency risk assessment conference", "MARAC"), ("MARAC", "multi-agency risk assessment conference"),
              ("domestic abuse", "DA"), ("public protection unit", "PPU"), ("Probation", "the Probation Service"),
              ("children's social care", "CSC"), ("mental health trust", "NHS mental health trust"),
              ("officers", "staff"), ("must", "should"), ("should", "must"), ("victim", "victim-survivor"),
              ("custody", "police custody"), ("supervisors", "sergeants"), ("training", "mandatory training"))


def queries(count: int, seed_value: int = 0) -> list[str]:
    """`count` different query texts: the written ones first, then variants of them (reworded, with a
    prefix or a suffix, some joined with another into a long one), the same for the same seed."""
    rng = random.Random(f"queries-{seed_value}")
    made = list(dict.fromkeys(QUERY_TEXTS[:count]))
    seen = set(made)
    n = 0
    while len(made) < count:
        n += 1
        text = QUERY_TEXTS[n % len(QUERY_TEXTS)]
        for old, new in rng.sample(REWORDINGS, 3):
            text = text.replace(old, new, 1)
        if rng.random() < 0.15:  # a long one: two recommendations written as one
            text = f"{text} {rng.choice(QUERY_TEXTS)}"
        prefix = rng.choice(PREFIXES)
        if prefix and text.split()[0] in IMPERATIVES:  # "Check ..." -> "The force should check ..."
            text = prefix + text[0].lower() + text[1:]
        text = text[0].upper() + text[1:] + rng.choice(SUFFIXES)
        if text not in seen:
            seen.add(text)
            made.append(text)
    return made


# Where the time of a check goes: the encoder's two calls and the index's search, timed in place.
REST = "rest (SQL: catch-up, recommendations; scoring)"
PHASES = ("query encoded", "nearest search", "candidates' stored vectors read (SQL)", "candidates encoded", REST)


class Phases:
    def __init__(self) -> None:
        self.current: dict[str, float] = {}
        self.all: list[dict[str, float]] = []
        self._encode = encoder_module.Encoder.encode_with_tokens
        self._nearest = index_module.VectorIndex.nearest
        self._read = similarity._embeddings_of

    @contextmanager
    def installed(self) -> Iterator[None]:
        phases = self

        def encode(encoder, texts, *args, **kwargs):
            started = time.perf_counter()
            try:
                return phases._encode(encoder, texts, *args, **kwargs)
            finally:
                name = "candidates encoded" if "query encoded" in phases.current else "query encoded"
                phases.current[name] = phases.current.get(name, 0.0) + (time.perf_counter() - started) * 1000

        def timing(name: str, function: Callable) -> Callable:
            def timed_phase(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    phases.current[name] = phases.current.get(name, 0.0) + (time.perf_counter() - started) * 1000
            return timed_phase

        encoder_module.Encoder.encode_with_tokens = encode
        index_module.VectorIndex.nearest = timing("nearest search", self._nearest)
        similarity._embeddings_of = timing("candidates' stored vectors read (SQL)", self._read)
        try:
            yield
        finally:
            encoder_module.Encoder.encode_with_tokens = self._encode
            index_module.VectorIndex.nearest = self._nearest
            similarity._embeddings_of = self._read

    def start(self) -> None:
        self.current = {}

    def stop(self, total_ms: float) -> None:
        self.current[REST] = total_ms - sum(self.current.values())
        self.all.append(self.current)


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def main() -> int:
    options = _arguments()
    if options.synthetic_only:
        print(json.dumps(synthetic_index(options.synthetic, options.queries, options.seed)))
        return 0
    rows: list[tuple[str, str]] = []  # (what, figure) for the table at the end
    missed: list[str] = []
    with (reused(options.reuse) if options.reuse else throwaway_database(options.database_url, keep=options.keep)) as url:
        app = bench_app(url)
        with app.app_context():
            if options.reuse:
                print(f"Timing {options.reuse} as seeded earlier.", flush=True)
            else:
                from flask_migrate import upgrade
                upgrade()
                debriefs = max(1, math.ceil(options.recommendations / RECOMMENDATIONS_PER_DEBRIEF))
                print(f"Seeding {debriefs:,} debriefs (seed {options.seed}) for about {options.recommendations:,} "
                      "recommendations ...", flush=True)
                result = seed.add_debriefs(debriefs, seed=options.seed)
                settled = settle()
                print(f"Seeded {result.debriefs:,} debriefs, {result.recommendations:,} recommendations and "
                      f"{result.vectors:,} vectors in {result.seconds:.1f} s ({result.embedding_seconds:.1f} s of it "
                      f"embedding the distinct texts); VACUUM ANALYZE {settled:.1f} s.", flush=True)
                rows.append(("seed", f"{result.debriefs:,} debriefs, {result.recommendations:,} recommendations "
                                     f"in {result.seconds:.1f} s (embedding {result.embedding_seconds:.1f} s)"))
            corpus = _corpus_facts()
            db.session.remove()
        if corpus["vectors"] < corpus["recommendations"]:
            raise SystemExit(f"{corpus['recommendations'] - corpus['vectors']:,} recommendations have no vectors: "
                             "seeded before the seed stored them? Seed a new database.")
        print(f"{corpus['recommendations']:,} recommendations, {corpus['vectors']:,} vectors, "
              f"{corpus['distinct']:,} distinct texts on {db_label(app)}.", flush=True)
        rows.append(("corpus", f"{corpus['vectors']:,} vectors, {corpus['distinct']:,} distinct texts, {db_label(app)}"))
        rows.append(("BLAS threads per process", os.environ.get("OPENBLAS_NUM_THREADS",
                                                                f"OpenBLAS's default ({os.cpu_count()})")))

        # (b) first: the full load, as a web worker's first check does it.
        rss_before = rss_mb()
        with app.app_context():
            similarity.forget()
            load_ms, loaded = timed(similarity.synced)
            indexed = len(loaded.index)
            db.session.remove()
        rss_loaded = rss_mb()
        print(f"Full load of {indexed:,} vectors: {load_ms / 1000:.2f} s; VmRSS {rss_before:.0f} -> {rss_loaded:.0f} MB.",
              flush=True)

        # (a) checks over the query texts.
        texts = queries(options.queries, options.seed)
        load = os.getloadavg()[0]
        times, cpu, phases = time_checks(app, texts)
        p50, p95 = percentile(times, 50), percentile(times, 95)
        lengths = [len(prepare(t).split()) for t in texts]
        print(f"\n(a) similarity.check over {len(texts)} query texts ({min(lengths)}-{max(lengths)} words, median "
              f"{statistics.median(lengths):.0f}) after {WARM_UP} warm-up, {indexed:,} recommendations in the index, "
              f"{RETRIEVE} candidates compared word by word\n")
        print(f"| {'phase of a check':<{LABEL}} | {'mean ms':>7} | {'p50 ms':>7} | {'p95 ms':>7} |")
        print(f"|{'-' * (LABEL + 2)}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|")
        for name in PHASES:
            values = [p.get(name, 0.0) for p in phases]
            print(f"| {name:<{LABEL}} | {statistics.fmean(values):7.1f} | {percentile(values, 50):7.1f} | "
                  f"{percentile(values, 95):7.1f} |")
        print(f"| {'check, in all':<{LABEL}} | {statistics.fmean(times):7.1f} | {p50:7.1f} | {p95:7.1f} |")
        print(f"| {'check: CPU time of the process (all its threads)':<{LABEL}} | {statistics.fmean(cpu):7.1f} | "
              f"{percentile(cpu, 50):7.1f} | {percentile(cpu, 95):7.1f} |")
        print(f"\nLoad average (1 min) before / after the checks: {load:.1f} / {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} CPUs", flush=True)
        verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
        rows.append((f"(a) check at {indexed:,}: p50 / p95 / max",
                     f"{p50:.1f} / {p95:.1f} / {max(times):.1f} ms (target p95 <= {TARGET_P95_MS} ms: {verdict})"))
        rows.append(("(a) check: CPU time of the process, p50 / p95",
                     f"{percentile(cpu, 50):.1f} / {percentile(cpu, 95):.1f} ms (load average {load:.1f} "
                     f"on {os.cpu_count()} CPUs)"))
        if p95 > TARGET_P95_MS:
            missed.append("check p95")

        # (b) adding one recommendation.
        rows += [("(b) full index load (first check of a worker)", f"{load_ms / 1000:.2f} s for {indexed:,} vectors")]
        rows += add_one(app, p50)
        rows.append((f"VmRSS of this process: before the load / after ({indexed:,})",
                     f"{rss_before:.0f} / {rss_loaded:.0f} MB"
                     + ("" if options.reuse else " (this process also holds what the seed left)")))
        with app.app_context():
            db.engine.dispose()

    # (c) memory and search at --synthetic, in a process of its own.
    print(f"\n(c) building an index of {options.synthetic:,} synthetic vectors in a separate process ...", flush=True)
    done = subprocess.run([sys.executable, __file__, "--synthetic-only", "--synthetic", str(options.synthetic),
                           "--queries", str(min(options.queries, 200)), "--seed", str(options.seed)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        return 1
    synthetic = json.loads(done.stdout.strip().splitlines()[-1])
    n = synthetic["size"]
    rss_verdict = "met" if synthetic["rss_after"] < TARGET_RSS_MB else "MISSED"
    if synthetic["rss_after"] >= TARGET_RSS_MB:
        missed.append("memory")
    if synthetic["hwm"] >= TARGET_RSS_MB:
        rss_verdict += "; the peak is over it"
    rows += [
        (f"(c) VmRSS: app + encoder / + index of {n:,} (synthetic)",
         f"{synthetic['rss_before']:.0f} / {synthetic['rss_after']:.0f} MB, peak (VmHWM) {synthetic['hwm']:.0f} MB "
         f"(target < {TARGET_RSS_MB} MB: {rss_verdict})"),
        (f"(c) index of {n:,}: built through Corpus.add", f"{synthetic['build_seconds']:.1f} s, "
                                                          f"vectors {synthetic['matrix_mb']:.0f} MB"),
        (f"(c) nearest search over {n:,} (synthetic): p50 / p95",
         f"{synthetic['nearest_p50']:.1f} / {synthetic['nearest_p95']:.1f} ms"),
        (f"(c) check without SQL over {n:,} (synthetic): p50 / p95",
         f"{synthetic['find_p50']:.1f} / {synthetic['find_p95']:.1f} ms"),
    ]

    print("\n| what | figure |\n|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")
    print("\n(a) and (b) are measured on the database; (c) on random unit vectors built in memory, not read from it.")
    if missed:
        print(f"\nMissed: {', '.join(missed)}", file=sys.stderr)
    return 0


def _corpus_facts() -> dict[str, int]:
    return {"recommendations": db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)),
            "vectors": db.session.scalar(sa.select(sa.func.count()).select_from(RecommendationVector)),
            "distinct": db.session.scalar(sa.select(sa.func.count(sa.distinct(Recommendation.text))))}


def time_checks(app: Flask, texts: list[str]) -> tuple[list[float], list[float], list[dict[str, float]]]:
    """Milliseconds of each check, in a fresh app context each as a request has, the process's CPU
    milliseconds in it (all its threads: on a busy machine, wall time less this is time spent waiting
    for a CPU), and its phases."""
    def once(text: str) -> None:
        with app.app_context():
            similarity.check(text)
            db.session.remove()

    for text in texts[:WARM_UP]:
        once(text)
    phases = Phases()
    times, cpu = [], []
    with phases.installed():
        for text in texts:
            phases.start()
            cpu_started = time.process_time()
            ms, _ = timed(lambda: once(text))
            cpu.append((time.process_time() - cpu_started) * 1000)
            phases.stop(ms)
            times.append(ms)
    return times, cpu, phases.all


def add_one(app: Flask, steady_p50: float) -> list[tuple[str, str]]:
    """Adds two recommendations as the app does (`remember`, commit): times the catch-up after the
    first on its own, and the next check after the second. Deletes both at the end."""
    added: list[int] = []
    text = ("Require a supervisor to confirm, before any stalking report is filed, that the victim has "
            "been told how to apply for a stalking protection order. ({})")
    try:
        figures = {}
        for n in (1, 2):
            with app.app_context():
                before = len(similarity.synced().index)
                recommendation = Recommendation(text=text.format(secrets.token_hex(3)), source="iopc",
                                                source_reference=f"BENCH-{secrets.token_hex(6)}",
                                                issued_on=date.today(), status="open")
                db.session.add(recommendation)
                db.session.flush()
                added.append(recommendation.id)
                figures[f"remember {n}"], _ = timed(lambda: similarity.remember([recommendation]))
                db.session.commit()
                new_text, new_id = recommendation.text, recommendation.id
                db.session.remove()
            with app.app_context():
                if n == 1:
                    figures["catch-up"], corpus = timed(similarity.synced)
                    after = len(corpus.index)
                else:
                    figures["next check"], found = timed(lambda: similarity.check(new_text))
                    after = len(similarity.synced().index)
                    if not found or found[0].recommendation.id != new_id:
                        raise SystemExit("The recommendation just added was not the first match for its own text.")
                db.session.remove()
            if after != before + 1:
                raise SystemExit(f"The index went from {before:,} to {after:,} on adding one recommendation.")
        print(f"\n(b) remember + commit {figures['remember 1']:.1f} ms; catch-up alone {figures['catch-up']:.1f} ms; "
              f"next check (its catch-up in it) {figures['next check']:.1f} ms; index + 1 each time", flush=True)
        return [("(b) add one: remember (embed + insert) + commit",
                 f"{figures['remember 1']:.1f} ms, {figures['remember 2']:.1f} ms"),
                ("(b) add one: the next check's catch-up alone (reads rows above the last id seen)",
                 f"{figures['catch-up']:.1f} ms (index + 1, nothing rebuilt)"),
                ("(b) add one: the next check, catch-up included",
                 f"{figures['next check']:.1f} ms (steady p50 {steady_p50:.1f} ms); the new one found first")]
    finally:
        if added:
            with app.app_context():
                db.session.execute(sa.delete(Recommendation).where(Recommendation.id.in_(added)))
                db.session.commit()
                db.session.remove()


def synthetic_index(size: int, query_count: int, seed_value: int) -> dict[str, float]:
    """(c): a web worker's memory with an index of `size` random unit vectors, and search times."""
    bench_app("sqlite://")  # the app's modules and extensions loaded, as in a worker
    corpus = Corpus()
    encoder = corpus.encoder  # the model's weights loaded, as after a worker's first check
    texts = seed.distinct_texts()
    pool = [np.asarray(encoder.tokenizer.encode(prepare(t)).ids[1:-1], dtype=np.uint16) for t in texts]
    query_texts = queries(query_count, seed_value)
    query_vectors = encoder.encode([prepare(t) for t in query_texts])
    rss_before = rss_mb()
    rng = np.random.default_rng(seed_value)
    started = time.perf_counter()
    chunk = 50_000
    for start in range(0, size, chunk):
        vectors = rng.standard_normal((min(chunk, size - start), encoder_module.DIMENSIONS), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors.astype(np.float16)
        picks = rng.integers(0, len(pool), len(vectors))
        for offset, (vector, pick) in enumerate(zip(vectors, picks)):
            corpus.add(start + offset + 1, Embedding(vector, pool[pick]))
    build = time.perf_counter() - started
    rss_after, hwm = rss_mb(), rss_mb("VmHWM")
    index = corpus.index
    for vector in query_vectors[:WARM_UP]:
        index.nearest(vector, RETRIEVE)
    nearest = [timed(lambda v=vector: index.nearest(v, RETRIEVE))[0] for vector in query_vectors]

    stored = embed(texts)

    def embeddings_of(ids: list[int]) -> dict[int, Embedding]:
        return {i: stored[i % len(stored)] for i in ids}

    for text in query_texts[:WARM_UP]:
        corpus.find(text, embeddings_of)
    find = [timed(lambda t=text: corpus.find(t, embeddings_of))[0] for text in query_texts[:FIND_QUERIES]]
    return {"size": len(index), "rss_before": rss_before, "rss_after": rss_after, "hwm": hwm,
            "build_seconds": build, "matrix_mb": index.nbytes / 2 ** 20,
            "nearest_p50": percentile(nearest, 50), "nearest_p95": percentile(nearest, 95),
            "find_p50": percentile(find, 50), "find_p95": percentile(find, 95)}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recommendations", type=int, default=100_000,
                        help="about how many recommendations to seed (at about 4.97 a debrief)")
    parser.add_argument("--queries", type=int, default=200, help="timed checks, each a different text")
    parser.add_argument("--synthetic", type=int, default=500_000, help="size of the synthetic index for (c)")
    parser.add_argument("--small", action="store_true",
                        help="a quick run: 1,000 recommendations, 40 queries, 20,000 synthetic vectors")
    parser.add_argument("--database-url", default=DEFAULT_SERVER,
                        help="a PostgreSQL server to create a throwaway database on, or sqlite:///a/new/file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="URL", help="time a database seeded earlier (kept with --keep)")
    parser.add_argument("--blas-threads", type=int, metavar="N",
                        help="OpenBLAS threads per process (OPENBLAS_NUM_THREADS; 1 as for gunicorn workers)")
    parser.add_argument("--synthetic-only", action="store_true", help=argparse.SUPPRESS)  # (c)'s own process
    options = parser.parse_args()
    if options.small:
        defaults = {"recommendations": 100_000, "queries": 200, "synthetic": 500_000}
        small = {"recommendations": 1_000, "queries": 40, "synthetic": 20_000}
        for name, value in small.items():
            if getattr(options, name) == defaults[name]:
                setattr(options, name, value)
    if options.reuse and options.keep:
        parser.error("--reuse keeps the database it is given; --keep is for a new one")
    if options.recommendations < 1 or options.queries < WARM_UP or options.synthetic < RETRIEVE:
        parser.error(f"--recommendations must be 1 or more, --queries {WARM_UP} or more, --synthetic {RETRIEVE} or more")
    return options


if __name__ == "__main__":
    sys.exit(main())
