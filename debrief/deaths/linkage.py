"""Probabilistic record linkage of death reports: which reports, from the police, the NHS and the
local authority, are of the same person (one death).

Fellegi–Sunter scoring with Splink (Ministry of Justice) on DuckDB, then a constrained clustering in
Python so that an analyst's decisions always hold:

* candidate pairs come from blocking rules (same NHS number; same date of birth, or the same with
  day and month swapped; same family or first given name, or the same sound of both, found
  within a fortnight; for a report without a name, any report found within a day of it), so
  that even 30,000 reports give well under a million pairs;
* each pair is compared on NHS number, family name, first given name (nicknames canonicalised),
  date of birth, sex, the gap between the times found and the distance between the places found,
  and scored with m/u probabilities: u estimated by random sampling and m by expectation
  maximisation on the reports themselves when there are enough of them; otherwise (and for any
  level the data cannot inform) the built-in defaults below;
* pairs are joined greedily, best first (union-find), never joining two groups if that would put a
  "keep apart" decision's reports together, or two reports from the same source together: in the
  development data no person has two reports from one source (each source reports a death once),
  so a same-source link is always a mistake — the two reports are namesakes or relatives;
* pairs the method is unsure of come back as possible matches for an analyst.

Privacy: nothing here logs or prints names, dates of birth or NHS numbers; Splink's own logging is
held at ERROR and DuckDB's progress bar is off. A possible match's reasons are plain words about
how the fields compare, never their values.
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from debrief.deaths.records import ReportRecord

LONDON = ZoneInfo("Europe/London")

#: Pairs at or above this match probability are linked (subject to the constraints). On the
#: development set wrong pairs score 0.79 at most, and true pairs 0.98 or more, save those of
#: unidentified bodies (0.18 to 0.77), which are left to an analyst.
MATCH_THRESHOLD = 0.9
#: Pairs from here up to MATCH_THRESHOLD that end in different deaths go to the analysts' queue:
#: on the development set 40 pairs, 18 of them true, which are all the true pairs left unlinked
#: (mostly unidentified bodies, that only time, place and sex can link).
REVIEW_THRESHOLD = 0.05
#: Fewer reports than this: too few pairs for EM or u-sampling to be trusted; the defaults alone
#: (in _COMPARISONS) are used. Also the floor for term-frequency adjustments to mean anything.
MIN_REPORTS_TO_TRAIN = 1000
#: Seed for Splink's random sampling of u, so that a run is repeatable.
SEED = 42
#: Blocking and "found within" window: two weeks, in hours. Reports of one death are found within
#: two days of each other in the data; a wide margin costs few pairs when a name must also agree.
WINDOW_HOURS = 14 * 24
#: Trained m values are kept at or above this: a level unseen among the training matches (sex
#: differing, say) would otherwise get m near 0, a veto that one slip of the pen in real data
#: would meet; one true pair in a thousand is the floor.
M_FLOOR = 1e-3
#: u values likewise, so that no agreement is ever taken as proof.
U_FLOOR = 1e-6


@dataclass(frozen=True)
class Decision:
    """An analyst's decision on two reports, which must survive re-analysis."""

    a: str  # report key
    b: str  # report key
    same_person: bool  # True: merge (force same death); False: keep apart (never in the same death)


@dataclass(frozen=True)
class PossibleMatch:
    """A pair the method is unsure of, for an analyst to decide."""

    a: str
    b: str
    probability: float  # match probability in [0, 1]
    reasons: tuple[str, ...]  # plain words, without personal data values


@dataclass(frozen=True)
class Linkage:
    groups: list[list[str]]  # every report key exactly once; one list per person (death)
    possible_matches: list[PossibleMatch]  # uncertain pairs not already decided, best first


# ---------------------------------------------------------------------------------------------
# The comparisons. Each level: (SQL condition, words for an analyst, default m, default u).
# A comparison's first entry is its null level (no m/u). The defaults are rounded from a fit on
# the synthetic development set (9,223 reports over two years); they are used when there are too
# few reports to train, and for any level the training leaves without a value.
# ---------------------------------------------------------------------------------------------

# Gap between two reports' "found" intervals, in hours, and the haversine distance between two
# places, in metres: DuckDB macros (created on the connection), so the levels' SQL stays short.
_MACROS = (
    "CREATE MACRO found_gap(lo1, hi1, lo2, hi2) AS greatest(0, greatest(lo1, lo2) - least(hi1, hi2))",
    "CREATE MACRO metres(lat1, lon1, lat2, lon2) AS 6371000 * 2 * asin(sqrt(least(1, "
    "pow(sin(radians(lat2 - lat1) / 2), 2) "
    "+ cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2))))",
)
_GAP = 'found_gap("found_lo_l", "found_hi_l", "found_lo_r", "found_hi_r")'
_DIST = 'metres("lat_l", "lon_l", "lat_r", "lon_r")'

_COMPARISONS: dict[str, dict[str, Any]] = {
    "nhs": {
        "null": '"nhs_l" IS NULL OR "nhs_r" IS NULL',
        "levels": [
            ('"nhs_l" = "nhs_r"', "NHS numbers match", 0.978, 0.0001),
            # Two digits transposed: a keying slip, seen among true pairs.
            ('damerau_levenshtein("nhs_l", "nhs_r") <= 1', "NHS numbers one slip apart", 0.021, 1e-05),
            ("TRUE", "NHS numbers differ", 0.001, 0.99989),
        ],
    },
    "family": {
        "null": '"fam_l" IS NULL OR "fam_r" IS NULL',
        "levels": [
            ('"fam_l" = "fam_r"', "family names match", 0.955, 0.012),
            ('jaro_winkler_similarity("fam_l", "fam_r") >= 0.9', "family names alike", 0.04, 0.0012),
            ('jaro_winkler_similarity("fam_l", "fam_r") >= 0.8', "family names somewhat alike",
             0.003, 0.0046),
            ("TRUE", "family names differ", 0.002, 0.9822),
        ],
        "tf": "fam",
    },
    "given": {
        "null": '"giv_l" IS NULL OR "giv_r" IS NULL',
        "levels": [
            ('"giv_l" = "giv_r"', "first given names match", 0.955, 0.01),
            ('list_has_any("nick_l", "nick_r")', "given names: one is a nickname of the other",
             0.013, 0.0033),
            ('jaro_winkler_similarity("giv_l", "giv_r") >= 0.9', "given names alike", 0.028, 0.0009),
            ('jaro_winkler_similarity("giv_l", "giv_r") >= 0.8', "given names somewhat alike", 0.002, 0.005),
            ("TRUE", "given names differ", 0.002, 0.9808),
        ],
    },
    "dob": {
        "null": '"dob_l" IS NULL OR "dob_r" IS NULL',
        "levels": [
            ('"dob_l" = "dob_r"', "dates of birth match", 0.985, 0.00012),
            ('"dob_swap_l" = "dob_r"', "dates of birth: day and month swapped", 0.01, 1.5e-05),
            ('abs(date_diff(\'day\', "dob_l", "dob_r")) <= 31', "dates of birth within a month",
             0.001, 0.0024),
            ('year("dob_l") = year("dob_r")', "same year of birth", 0.001, 0.012),
            ("TRUE", "dates of birth differ", 0.003, 0.9855),
        ],
    },
    "sex": {
        "null": '"sex_l" IS NULL OR "sex_r" IS NULL',
        "levels": [
            ('"sex_l" = "sex_r"', "same sex", 0.998, 0.51),
            ("TRUE", "sex differs", 0.002, 0.49),
        ],
    },
    "found": {
        # Gap between the two "found" intervals, in hours: a time of exactly midnight is taken as a
        # date only (the local authority gives dates), so it stands for the whole day.
        "null": '"found_lo_l" IS NULL OR "found_lo_r" IS NULL',
        "levels": [
            (_GAP + " <= 3", "found within 3 hours", 0.985, 0.0008),
            (_GAP + " <= 24", "found within a day", 0.012, 0.0024),
            (_GAP + " <= 72", "found within 3 days", 0.001, 0.0055),
            (_GAP + f" <= {WINDOW_HOURS}", "found within two weeks", 0.001, 0.03),
            ("TRUE", "found more than two weeks apart", 0.001, 0.9613),
        ],
    },
    "place": {
        # NHS rows often give the hospital rather than the scene: a hospital's position says
        # nothing about where the person was found, so it counts as unknown.
        "null": '"lat_l" IS NULL OR "lat_r" IS NULL',
        "levels": [
            (_DIST + " <= 300", "found within 300 m", 0.836, 0.0018),
            (_DIST + " <= 1000", "found within 1 km", 0.162, 0.0117),
            (_DIST + " <= 5000", "found within 5 km", 0.001, 0.204),
            ("TRUE", "found more than 5 km apart", 0.001, 0.7823),
        ],
    },
}

#: What the reasons say when a field is missing on either report.
_NULL_REASONS = {
    "nhs": None,  # NHS numbers are usually missing outside NHS rows: not worth saying
    "family": "family name missing",
    "given": "given name missing",
    "dob": "date of birth missing",
    "sex": None,
    "found": None,
    "place": "place unknown or a hospital",
}

#: The chance that two reports are of the same person, as fitted on the development set (9,000
#: reports over two years); fitted afresh whenever there are enough reports to train.
_DEFAULT_PRIOR = 9e-5

# Cross-source pairs only (see the module docstring); each rule gives candidate pairs.
_SAME_WINDOW = f'abs("l"."found_lo" - "r"."found_lo") <= {WINDOW_HOURS}'
_BLOCKING_RULES = [
    'l.nhs = r.nhs',
    'l.dob = r.dob',
    'l.dob_swap = r.dob',
    f'l.fam = r.fam AND {_SAME_WINDOW}',
    f'l.giv = r.giv AND {_SAME_WINDOW}',
    f'l.fam_sx = r.fam_sx AND l.giv_sx = r.giv_sx AND {_SAME_WINDOW}',
    # Unidentified bodies (no name, no date of birth): only time, place and sex can link them, so
    # a report without a family name meets every report found that day or the day either side.
    '(l.fam IS NULL OR r.fam IS NULL) AND l.found_day = r.found_day',
    '(l.fam IS NULL OR r.fam IS NULL) AND l.found_day = r.found_day + 1',
    '(l.fam IS NULL OR r.fam IS NULL) AND l.found_day + 1 = r.found_day',
]


# ---------------------------------------------------------------------------------------------
# Preparing the reports
# ---------------------------------------------------------------------------------------------

#: A few British diminutives the (largely American) nicknames list lacks.
_EXTRA_NICKNAMES = {
    "dai": "david", "dave": "david", "gwen": "gwendoline", "bet": "elizabeth", "betty": "elizabeth",
    "harry": "henry", "jack": "john", "ted": "edward", "ned": "edward", "peggy": "margaret",
    "meg": "margaret", "jim": "james", "jimmy": "james", "jamie": "james", "alf": "alfred",
    "bert": "albert", "bernie": "bernard", "mo": "mohammed",
}


@lru_cache(maxsize=1)
def _nick_namer() -> Any:
    from nicknames import NickNamer  # Apache-2.0 list of English given names and nicknames

    return NickNamer()


@lru_cache(maxsize=20000)
def _name_forms(name: str) -> tuple[str, ...]:
    """The name with every formal name it may be short for (and the nicknames of a formal name):
    two first names are nickname-related when these sets share a name (Bill ~ William)."""
    forms = {name} | _nick_namer().canonicals_of(name)
    if name in _EXTRA_NICKNAMES:
        forms.add(_EXTRA_NICKNAMES[name])
    return tuple(sorted(forms))


def _fold(value: str | None) -> str:
    """Case- and accent-folded, letters and spaces only ("O'Brien" ~ "OBRIEN")."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", value).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z ]+", "", text.replace("-", " "))


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def _soundex(word: str) -> str | None:
    """Classic Soundex, for blocking only: misspelt names usually keep their sound."""
    if not word:
        return None
    coded = word.translate(_SOUNDEX)
    out, last = word[0], coded[0]
    for original, ch in zip(word[1:], coded[1:]):
        if ch.isdigit() and ch != last:
            out += ch
        if original not in "hw":
            last = ch
    return (out + "000")[:4]


def _date_only(moment: datetime) -> bool:
    """Midnight exactly, London time: a date without a time (the local authority's), standing for the
    day. (The database gives times back in UTC, where a summer midnight is 23:00.)"""
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def _london_day(moment: datetime):
    """The day a moment fell on in London (a summer morning's report is on the day, not the UTC day)."""
    return moment.astimezone(LONDON).date() if moment.tzinfo is not None else moment.date()


def _hours(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp() / 3600.0


def _row(index: int, report: ReportRecord) -> dict[str, Any]:
    family = _fold(report.family_name).replace(" ", "") or None
    given_words = _fold(report.given_names).split()
    given = given_words[0] if given_words else None
    dob = report.date_of_birth
    swapped = None
    if dob is not None and dob.day <= 12 and dob.day != dob.month:
        swapped = dob.replace(month=dob.day, day=dob.month)
    found_lo = found_hi = None
    if report.found_at is not None:
        found_lo = _hours(report.found_at)
        found_hi = found_lo + (24.0 if _date_only(report.found_at) else 0.0)
    hospital = (report.location_type or "").strip().lower() == "hospital"
    has_place = report.latitude is not None and report.longitude is not None and not hospital
    nhs = re.sub(r"\D", "", report.nhs_number or "") or None
    sex = (report.sex or "").strip().lower()
    return {
        "unique_id": index,
        "source": report.source,
        "nhs": nhs,
        "fam": family,
        "fam_sx": _soundex(family or ""),
        "giv": given,
        "giv_sx": _soundex(given or ""),
        "nick": list(_name_forms(given)) if given else None,
        "dob": dob,
        "dob_swap": swapped,
        "sex": sex if sex in ("male", "female") else None,
        "found_lo": found_lo,
        "found_hi": found_hi,
        # The day in the report's own (local) time: a date-only report names that day.
        "found_day": _london_day(report.found_at).toordinal() if report.found_at is not None else None,
        "lat": report.latitude if has_place else None,
        "lon": report.longitude if has_place else None,
    }


# Typed, so that a column that is empty in every report is still a column DuckDB can compare.
_TABLE_SQL = """
CREATE TABLE reports AS SELECT
    CAST(unique_id AS BIGINT) AS unique_id, CAST(source AS VARCHAR) AS source,
    CAST(nhs AS VARCHAR) AS nhs, CAST(fam AS VARCHAR) AS fam, CAST(fam_sx AS VARCHAR) AS fam_sx,
    CAST(giv AS VARCHAR) AS giv, CAST(giv_sx AS VARCHAR) AS giv_sx, CAST(nick AS VARCHAR[]) AS nick,
    CAST(dob AS DATE) AS dob, CAST(dob_swap AS DATE) AS dob_swap, CAST(sex AS VARCHAR) AS sex,
    CAST(found_lo AS DOUBLE) AS found_lo, CAST(found_hi AS DOUBLE) AS found_hi,
    CAST(found_day AS INTEGER) AS found_day,
    CAST(lat AS DOUBLE) AS lat, CAST(lon AS DOUBLE) AS lon
FROM frame
"""


# ---------------------------------------------------------------------------------------------
# The Splink model
# ---------------------------------------------------------------------------------------------

def _settings(parameters: dict[str, list[tuple[float, float]]] | None, prior: float, *,
              term_frequencies: bool) -> dict[str, Any]:
    comparisons = []
    for name, spec in _COMPARISONS.items():
        levels: list[dict[str, Any]] = [
            {"sql_condition": spec["null"], "label_for_charts": "null", "is_null_level": True}]
        for i, (sql, label, m, u) in enumerate(spec["levels"]):
            if parameters is not None:
                m, u = parameters[name][i]
            level = {"sql_condition": sql, "label_for_charts": label, "m_probability": m,
                     "u_probability": u}
            if i == 0 and spec.get("tf") and term_frequencies:
                level["tf_adjustment_column"] = spec["tf"]
                level["tf_adjustment_weight"] = 1.0
            levels.append(level)
        comparisons.append({"output_column_name": name, "comparison_levels": levels,
                            "comparison_description": name})
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": f"({rule}) AND l.source <> r.source", "sql_dialect": "duckdb"}
            for rule in _BLOCKING_RULES],
        "comparisons": comparisons,
        "retain_matching_columns": True,  # keeps the gamma (level) columns, for the reasons
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }


def _clean(value: Any, default: float, floor: float) -> float:
    """A trained probability, or the default where training gave none; kept off 0 and 1."""
    if value is None or not isinstance(value, (int, float)) or math.isnan(value):
        value = default
    return min(max(float(value), floor), 1.0 - floor)


def _trained_parameters(model: dict[str, Any]) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    for name, spec in _COMPARISONS.items():
        # A comparison can be missing from the model: Splink leaves out, and does not restore
        # after a failed EM session, the comparisons that session blocked on. Defaults then.
        comparison = by_name.get(name, {"comparison_levels": []})
        trained = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if len(trained) != len(spec["levels"]):
            trained = [{} for _ in spec["levels"]]
        pairs = []
        for (_, _, m, u), level in zip(spec["levels"], trained):
            pairs.append((_clean(level.get("m_probability"), m, M_FLOOR),
                          _clean(level.get("u_probability"), u, U_FLOOR)))
        # Renormalise, so each comparison's m (and u) still sum to one after the defaults/floors.
        m_total = sum(p[0] for p in pairs)
        u_total = sum(p[1] for p in pairs)
        out[name] = [(m / m_total, u / u_total) for m, u in pairs]
    return out


def _quiet_splink() -> None:
    # Splink logs at INFO (and some WARNINGs about training) by default; none of it is needed
    # here, and nothing of it may carry personal data into the application's logs.
    logging.getLogger("splink").setLevel(logging.ERROR)


_Parameters = dict[str, list[tuple[float, float]]]  # comparison -> (m, u) per non-null level


def _train(api: Any, rows: list[dict[str, Any]]) -> tuple[_Parameters | None, float]:
    """m, u and the prior fitted to these reports; (None, default prior) when there are too few
    reports (or sources) for a fit to be trusted, or a step of the fit fails (EM finds no pairs
    when a field is empty in every report, say)."""
    from splink import Linker

    if len(rows) < MIN_REPORTS_TO_TRAIN or len({row["source"] for row in rows}) < 2:
        return None, _DEFAULT_PRIOR
    linker = Linker("reports", _settings(None, _DEFAULT_PRIOR, term_frequencies=False), api,
                    validate_settings=False, set_up_basic_logging=False)
    training = linker.training
    steps = [
        # The share of cross-source pairs that match, from rules almost sure to mean one person.
        lambda: training.estimate_probability_two_random_records_match(
            ["l.nhs = r.nhs AND l.source <> r.source",
             "l.fam = r.fam AND l.giv = r.giv AND l.dob = r.dob AND l.source <> r.source"],
            recall=0.8),
        # u from random pairs (almost all non-matches): half a million pairs keep this step near
        # 1.5 s and 250 MB, and give the same links as two million on the development set.
        lambda: training.estimate_u_using_random_sampling(max_pairs=5e5, seed=SEED),
        # m by EM, twice, each session blocking on fields the other one scores.
        lambda: training.estimate_parameters_using_expectation_maximisation(
            "l.dob = r.dob AND l.source <> r.source", estimate_without_term_frequencies=True),
        lambda: training.estimate_parameters_using_expectation_maximisation(
            "l.fam = r.fam AND l.giv = r.giv AND l.source <> r.source",
            estimate_without_term_frequencies=True),
    ]
    for number, step in enumerate(steps, 1):
        try:
            step()
        except Exception as error:  # noqa: BLE001 - a failed fit must not stop an import
            # All or nothing: measured on the development set with a field emptied, the defaults
            # alone link better than a half-trained model. The error's type only: its text
            # could quote data.
            logging.getLogger(__name__).warning(
                "death linkage: training step %d failed (%s); using the default parameters",
                number, type(error).__name__)
            return None, _DEFAULT_PRIOR
    model = linker.misc.save_model_to_json()
    prior = _clean(model.get("probability_two_random_records_match"), _DEFAULT_PRIOR, U_FLOOR)
    return _trained_parameters(model), prior


def _score(rows: list[dict[str, Any]]) -> list[tuple[int, int, float, dict[str, int]]]:
    """Candidate pairs with their match probability and comparison levels (gamma values)."""
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker

    _quiet_splink()
    connection = duckdb.connect(":memory:")
    try:
        connection.execute("SET enable_progress_bar = false")
        for macro in _MACROS:
            connection.execute(macro)
        connection.register("frame", pd.DataFrame(rows))
        connection.execute(_TABLE_SQL)
        connection.unregister("frame")
        parameters, prior = _train(DuckDBAPI(connection=connection), rows)
        # Term-frequency adjustment (a shared rare family name says more than a shared common one)
        # only with enough reports for the frequencies to mean anything.
        settings = _settings(parameters, prior, term_frequencies=parameters is not None)
        # A new API object: Splink caches intermediate tables per API, and the training's are
        # without term frequencies.
        linker = Linker("reports", settings, DuckDBAPI(connection=connection),
                        validate_settings=False, set_up_basic_logging=False)
        predictions = linker.inference.predict(threshold_match_probability=REVIEW_THRESHOLD)
        gammas = ", ".join(f"gamma_{name}" for name in _COMPARISONS)
        result = connection.execute(
            f"SELECT unique_id_l, unique_id_r, match_probability, {gammas} "
            f"FROM {predictions.physical_name}").fetchall()
    finally:
        connection.close()
    scored = []
    for left, right, probability, *levels in result:
        # Rounded so that float noise from parallel sums can never change an ordering or a side
        # of a threshold between two runs on the same input.
        scored.append((int(left), int(right), round(float(probability), 9),
                       dict(zip(_COMPARISONS, (int(g) for g in levels)))))
    return scored


# ---------------------------------------------------------------------------------------------
# Reasons for the analyst
# ---------------------------------------------------------------------------------------------

def _reasons(levels: dict[str, int], a: ReportRecord, b: ReportRecord) -> tuple[str, ...]:
    words: list[str] = []
    for name, gamma in levels.items():
        if name in ("found", "place"):
            continue
        if gamma < 0:
            if _NULL_REASONS[name]:
                words.append(_NULL_REASONS[name])
            continue
        spec = _COMPARISONS[name]["levels"]
        # Splink numbers a comparison's levels from the last (0) up to the first.
        words.append(spec[len(spec) - 1 - gamma][1])
    if a.found_at is not None and b.found_at is not None:
        if _date_only(a.found_at) or _date_only(b.found_at):
            days = abs((_london_day(a.found_at) - _london_day(b.found_at)).days)
            words.append("found the same day" if days == 0 else
                         "found a day apart" if days == 1 else f"found {days} days apart")
        else:
            hours = abs((a.found_at - b.found_at).total_seconds()) / 3600
            words.append("found within the hour" if hours < 1 else
                         f"found {round(hours)} hours apart" if hours < 48 else
                         f"found {round(hours / 24)} days apart")
    if levels.get("place", -1) >= 0:
        metres = _haversine(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]
        words.append("found at the same place" if metres < 50 else
                     f"found {int(round(metres, -1))} m apart" if metres < 1000 else
                     f"found {metres / 1000:.1f} km apart")
    elif "hospital" in ((a.location_type or ""), (b.location_type or "")):
        words.append("one place is a hospital")
    return tuple(words)


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371000 * math.asin(math.sqrt(min(1.0, h)))


# ---------------------------------------------------------------------------------------------
# Clustering under constraints
# ---------------------------------------------------------------------------------------------

class _Groups:
    """Union-find whose roots know their members' sources and the reports they must not meet."""

    def __init__(self, reports: Sequence[ReportRecord], apart: Iterable[tuple[int, int]]) -> None:
        self.parent = list(range(len(reports)))
        self.members = [{i} for i in range(len(reports))]
        self.sources = [{r.source} for r in reports]
        self.forbidden: list[set[int]] = [set() for _ in reports]
        for x, y in apart:
            self.forbidden[x].add(y)
            self.forbidden[y].add(x)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def allowed(self, x: int, y: int) -> bool:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return True
        if self.sources[rx] & self.sources[ry]:
            return False
        return self.forbidden[rx].isdisjoint(self.members[ry])

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return
        if len(self.members[rx]) < len(self.members[ry]):
            rx, ry = ry, rx
        self.parent[ry] = rx
        self.members[rx] |= self.members[ry]
        self.sources[rx] |= self.sources[ry]
        self.forbidden[rx] |= self.forbidden[ry]
        self.members[ry], self.sources[ry], self.forbidden[ry] = set(), set(), set()


# ---------------------------------------------------------------------------------------------
# The method
# ---------------------------------------------------------------------------------------------

def link_reports(reports: Sequence[ReportRecord], decisions: Sequence[Decision] = ()) -> Linkage:
    """Groups the reports into deaths, one group per person, and lists the pairs worth a look."""
    # Sorted by key, so that the result does not depend on the order the reports came in.
    reports = sorted(reports, key=lambda r: r.key)
    keys = [r.key for r in reports]
    index = {key: i for i, key in enumerate(keys)}
    if len(index) != len(keys):
        raise ValueError("report keys must be unique")
    # A decision about a report no longer among these (withdrawn, say) has nothing to act on.
    decisions = [d for d in decisions if d.a in index and d.b in index and d.a != d.b]
    if not reports:
        return Linkage(groups=[], possible_matches=[])

    scored = _score([_row(i, r) for i, r in enumerate(reports)]) if len(reports) > 1 else []

    decided = {frozenset((d.a, d.b)) for d in decisions}
    apart = [(index[d.a], index[d.b]) for d in decisions if not d.same_person]
    groups = _Groups(reports, apart)
    # The analysts' merges first, so that the constraints below see the merged deaths (a merged
    # police+NHS death must not take in a second police report). A merge is applied even if it
    # contradicts a "keep apart": the analyst's explicit merge wins.
    for d in decisions:
        if d.same_person:
            groups.union(index[d.a], index[d.b])

    scored.sort(key=lambda s: (-s[2], keys[s[0]], keys[s[1]]))
    for left, right, probability, _ in scored:
        if probability < MATCH_THRESHOLD:
            break
        if groups.allowed(left, right):
            groups.union(left, right)

    # Every pair scored at or above REVIEW_THRESHOLD that ended in two deaths: the unsure ones, and
    # the sure ones a constraint kept apart (which may show a wrong link made before them).
    possible: list[PossibleMatch] = []
    for left, right, probability, levels in scored:
        a, b = sorted((keys[left], keys[right]))
        root_a, root_b = groups.find(left), groups.find(right)
        if frozenset((a, b)) in decided or root_a == root_b:
            continue
        reasons = _reasons(levels, reports[index[a]], reports[index[b]])
        if probability >= MATCH_THRESHOLD:
            reasons += (("not linked: the death already has a report from that source",)
                        if groups.sources[root_a] & groups.sources[root_b] else
                        ("not linked: an analyst kept these deaths apart",))
        possible.append(PossibleMatch(a=a, b=b, probability=probability, reasons=reasons))

    by_root: dict[int, list[str]] = {}
    for i, key in enumerate(keys):
        by_root.setdefault(groups.find(i), []).append(key)
    clusters = sorted((sorted(members) for members in by_root.values()), key=lambda g: g[0])
    return Linkage(groups=clusters, possible_matches=possible)
