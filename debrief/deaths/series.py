"""Linked series among deaths: which deaths are alike in what is *rare*, close in space and time
beyond what their common features already explain.

The score of a pair of deaths is a log-likelihood ratio, "a linked series" against "two deaths
drawn at random", made of two parts learnt from the data themselves:

1. What they share. Each death is a set of tokens (its substances, indicators, apparent cause,
   location type, classification, sex and age band). Two deaths sharing the token set S score
   -log P(a death has all of S), the rarer the combination the higher. P is estimated by the chain
   rule over S, rarest token first, each conditional shrunk toward the token's own frequency when
   few deaths hold the tokens before it: so tokens that always go together (care home, found by
   a carer, known to social care, natural) count about once, and rare things seen together
   (ketamine and a hotel) count more than either. Unknown is not different: only what both
   deaths show counts, and nothing is subtracted for a field one source did not fill. Equally rare
   tokens are chained substance, indicator, cause, place, classification before sex and age; a
   reason is named by its token's own rarity, not by its place in the chain.

2. How close they are in space and in time (a Knox-like term). The pair's distance and days
   apart fall in a cell of a (distance band x days band) grid; the ratio is P(cell | series) /
   P(cell | two random deaths sharing the same things). The second comes from the data: for each
   token held by enough deaths, how the pairs of deaths holding it spread over the grid (shrunk
   toward the spread of all pairs); a pair is compared with the most clustered of the tokens it
   shares, so the many deaths of one care home, the heroin deaths of one estate or the winter's
   deaths are close only as much as such deaths usually are. Each spread is taken without
   space-time interaction (as in the Knox test): the product of its distance margin and its days
   margin, so a place's own clustering (a care home) and a season's (winter) are expected, while a
   series' own closeness in both is not absorbed into the null. A hospital says nothing of where
   a death happened: a pair with a hospital death has its distance unknown. P(cell | series) is a fixed, broad
   prior: log-uniform in distance (50 m to 16 km) and in days (half a day to 16 months), so a
   batch of drugs across a city in a week and a street's fires over half a year both count.

Only pairs that share a not-too-common token, or are close in both space and time, are scored
(blocking), so 20,000+ deaths need no all-pairs matrix. The score in [0, 1] is a logistic of the
evidence, one half where the pairs scoring at least as high are as many as the series pairs to be
expected (`PRIOR_MATES` series mates per death, but never fewer than `MIN_EXPECTED_PAIRS` pairs),
and never below `MIN_CENTRE` nats of evidence: in a large force's data the first rule sets it (7.4 to
8 nats at 6,000 deaths); in a small data set the floor keeps ordinary coincidences below one half,
so data without a series yields no candidate.

Candidate series are the connected groups of pairs scoring at least `CANDIDATE_SCORE`, split
(by raising the bar within the group) until none holds more than `MAX_SERIES` deaths, so a group
cannot chain across a whole city; groups of two need the stronger `PAIR_SCORE`.

No database, no Flask: plain records in, plain records out."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from debrief.deaths.records import DeathProfile


# --- The shapes handed back ---------------------------------------------------------------------

@dataclass(frozen=True)
class Reason:
    """Why deaths look linked, structured so the words can be translated later. Kinds:
    "shared" (field: substance / indicator / cause / location_type / classification, code),
    "age" (code "lo-hi" band, field the shared sex or None), "sex" (code), "distance" (value metres
    between two deaths), "days" (value days between two deaths), "spread" (value metres: the
    furthest two members of a series), "span" (value days: first to last member of a series)."""

    kind: str
    field: str | None = None
    code: str | None = None
    value: int | None = None


@dataclass(frozen=True)
class Similar:
    other_id: int
    score: float  # in [0, 1]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class CandidateSeries:
    death_ids: tuple[int, ...]  # sorted
    score: float  # in [0, 1]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class SeriesAnalysis:
    similar: dict[int, list[Similar]]
    candidates: list[CandidateSeries]


# --- Settings (priors and budgets, none of them naming a substance, place or cause) -------------

PRIOR_MATES = 0.02      # expected number of series mates of one death: sets the posterior's prior
CONCORDANCE = 0.25      # chance that a series' deaths share a given feature beyond chance
SHRINK_CONDITIONAL = 4.0  # pseudo-deaths pulling a conditional frequency toward the token's own
MAX_SHARED = 8          # only the rarest shared tokens are weighed (the rest add next to nothing)
BLOCK_SHARE = 0.03      # pairs are scored when they share a token held by at most this share ...
BLOCK_MIN = 30          # ... (or this many deaths, when more)
CLOSE_METRES = 400.0    # ... or when they are this close in space and
CLOSE_DAYS = 21.0       # ... this close in time
NULL_MIN_DEATHS = 15    # a token's own space-time spread is learnt when this many deaths hold it
NULL_SHRINK = 200.0     # pseudo-pairs pulling a token's spread toward that of all pairs
NULL_SAMPLE = 200_000   # pairs sampled to learn a spread
CLOSENESS_POWER = 1.0  # closeness evidence is tempered ...
CLOSENESS_CAP = 2     # ... and bounded (in nats)
SUPPORT_LINKS = 10      # a death's strongest links that can vouch for its other links
SUPPORT_WEIGHT = 1.0    # weight of a third death's support
SUPPORT_LEVEL = 75    # percentile of the deaths' best links above which a link can vouch
MIN_EXPECTED_PAIRS = 12  # ... but never fewer pairs than this (small data sets)
MIN_CENTRE = 5.0        # ... and a pair needs at least this much evidence (nats: a likelihood ratio of
                        # about 150) to reach one half, however few pairs the data has (6,000 deaths: 7.4-8.0)
CANDIDATE_SCORE = 0.5   # pairs at least this likely link deaths into a candidate series
PAIR_SCORE = 0.9        # a candidate of only two deaths needs this
REASON_MIN_GAIN = 0.5    # a shared thing worth less than this (nats) is not given as a reason
MAX_SERIES = 12         # the most deaths one candidate series may hold
INTERACTION = True      # spreads without space-time interaction (product of margins)
HOSPITAL_ANY = True     # any hospital death in a pair: distance unknown

# Distance bands (metres) and days bands; the last column / row of each table is "unknown".
DIST_EDGES = np.array([200.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0])
DAY_EDGES = np.array([3.0, 7.0, 14.0, 30.0, 60.0, 120.0, 240.0, 480.0])
N_DIST = len(DIST_EDGES) + 1
N_DAYS = len(DAY_EDGES) + 1


def _log_uniform_prior(edges: np.ndarray, low: float, high: float) -> np.ndarray:
    """P(band) when the log of the value is uniform between low and high."""
    cuts = np.concatenate([[low], np.clip(edges, low, high), [high]])
    widths = np.diff(np.log(cuts))
    return widths / widths.sum()


# P(distance band | series) and P(days band | series): broad, log-uniform priors.
SERIES_DIST = _log_uniform_prior(DIST_EDGES, 50.0, 16_000.0)
SERIES_DAYS = _log_uniform_prior(DAY_EDGES, 0.5, 480.0) * 0.95
SERIES_DAYS[-1] += 0.05  # a little weight beyond 16 months

_KIND_ORDER = {"sub": 0, "ind": 1, "cause": 2, "loc": 3, "class": 4, "sex": 5, "ageA": 6, "ageB": 6}

FIELDS = {"sub": "substance", "ind": "indicator", "cause": "cause", "loc": "location_type",
          "class": "classification", "sex": "sex", "ageA": "age", "ageB": "age"}


# --- Tokens -------------------------------------------------------------------------------------

def _tokens(death: DeathProfile) -> list[str]:
    tokens = [f"sub:{code}" for code in death.substances]
    tokens += [f"ind:{code}" for code in death.indicators]
    if death.apparent_cause:
        tokens.append(f"cause:{death.apparent_cause}")
    if death.location_type:
        tokens.append(f"loc:{death.location_type}")
    if death.classification:
        tokens.append(f"class:{death.classification}")
    if death.sex in ("male", "female"):
        tokens.append(f"sex:{death.sex}")
    if death.age is not None:
        # Two ten-year grids offset by five years: two people within five years of age always
        # share a band; the rarity of the band (and of sex with it) is learnt like any token.
        tokens.append(f"ageA:{death.age // 10 * 10}")
        tokens.append(f"ageB:{(death.age + 5) // 10 * 10 - 5}")
    return tokens


def _age_band(token: str) -> tuple[int, int]:
    start = int(token.split(":")[1])
    return max(start, 0), start + 9


# --- Small numpy helpers --------------------------------------------------------------------------

def _popcount(words: np.ndarray) -> np.ndarray:
    return np.bitwise_count(words).sum(axis=-1, dtype=np.int64)


def _pairs_within(members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(len(members), k=1)
    return members[a], members[b]


def _bands(metres: np.ndarray, days: np.ndarray, no_place: np.ndarray) -> np.ndarray:
    """Cell index (distance band * N_DAYS + days band); unknown is the last band of each."""
    d = np.searchsorted(DIST_EDGES, metres, side="right")
    d = np.where(np.isnan(metres) | no_place, N_DIST, d)
    t = np.searchsorted(DAY_EDGES, days, side="right")
    t = np.where(np.isnan(days), N_DAYS, t)
    return d * (N_DAYS + 1) + t


def _spread_table(cells: np.ndarray) -> tuple[np.ndarray, int]:
    """Counts of pairs over the grid, with the unknown row and column holding the margins."""
    table = np.bincount(cells, minlength=(N_DIST + 1) * (N_DAYS + 1)).reshape(N_DIST + 1, N_DAYS + 1)
    table = table.astype(float)
    known = table[:N_DIST, :N_DAYS]
    full = np.zeros_like(table)
    full[:N_DIST, :N_DAYS] = known
    full[N_DIST, :N_DAYS] = known.sum(axis=0) + table[N_DIST, :N_DAYS]   # distance unknown
    full[:N_DIST, N_DAYS] = known.sum(axis=1) + table[:N_DIST, N_DAYS]   # days unknown
    full[N_DIST, N_DAYS] = full.sum()
    return full, int(len(cells))


def _normalise(table: np.ndarray) -> np.ndarray:
    """Turn the count table into probabilities: the known block and each margin sum to one."""
    out = np.empty_like(table)
    out[:N_DIST, :N_DAYS] = table[:N_DIST, :N_DAYS] / max(table[:N_DIST, :N_DAYS].sum(), 1e-9)
    out[N_DIST, :N_DAYS] = table[N_DIST, :N_DAYS] / max(table[N_DIST, :N_DAYS].sum(), 1e-9)
    out[:N_DIST, N_DAYS] = table[:N_DIST, N_DAYS] / max(table[:N_DIST, N_DAYS].sum(), 1e-9)
    out[N_DIST, N_DAYS] = 1.0
    return out


def _interaction(table: np.ndarray) -> np.ndarray:
    """The spread expected with no space-time interaction: the product of the distance and the
    days margins of a (normalised) table, as in the Knox test."""
    out = table.copy()
    known = table[:N_DIST, :N_DAYS]
    out[:N_DIST, :N_DAYS] = np.outer(known.sum(axis=1), known.sum(axis=0))
    return out


def _series_table() -> np.ndarray:
    table = np.ones((N_DIST + 1, N_DAYS + 1))
    table[:N_DIST, :N_DAYS] = np.outer(SERIES_DIST, SERIES_DAYS)
    table[N_DIST, :N_DAYS] = SERIES_DAYS
    table[:N_DIST, N_DAYS] = SERIES_DIST
    return table


# --- The analysis ---------------------------------------------------------------------------------

class _World:
    """The deaths as arrays: where, when, and their tokens as bits (rarest token = bit 0)."""

    def __init__(self, deaths: Sequence[DeathProfile]):
        self.n = n = len(deaths)
        self.ids = np.array([d.id for d in deaths], dtype=np.int64)
        lat = np.array([d.latitude if d.latitude is not None else np.nan for d in deaths], dtype=float)
        lon = np.array([d.longitude if d.longitude is not None else np.nan for d in deaths], dtype=float)
        lat0 = np.nanmean(lat) if np.isfinite(lat).any() else 0.0
        self.x = lon * 111_320.0 * math.cos(math.radians(lat0))
        self.y = lat * 110_574.0
        self.day = np.array([d.found_at.timestamp() / 86_400.0 if d.found_at else np.nan for d in deaths])
        # A hospital is where someone was taken, not where they were found: its distance to a
        # scene says nothing (two hospital deaths are still compared, against hospital deaths).
        self.hospital = np.array([d.location_type == "hospital" for d in deaths])

        token_lists = [_tokens(d) for d in deaths]
        counts: dict[str, int] = {}
        for tokens in token_lists:
            for token in tokens:
                counts[token] = counts.get(token, 0) + 1
        # Rarest first; among equally rare tokens, what happened (substance, indicator, cause, place)
        # before who it happened to, so a shared rare substance leads the chain and the reasons.
        self.tokens = sorted(counts, key=lambda token: (counts[token], _KIND_ORDER.get(token.split(":")[0], 9), token))
        self.index = {token: i for i, token in enumerate(self.tokens)}
        self.count = np.array([counts[token] for token in self.tokens], dtype=np.int64)
        self.t = t = len(self.tokens)
        self.words = max(1, (t + 63) // 64)
        bits = np.zeros((n, self.words), dtype=np.uint64)
        rows, cols = [], []
        for row, tokens in enumerate(token_lists):
            for token in tokens:
                rows.append(row)
                cols.append(self.index[token])
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        if len(rows):
            np.bitwise_or.at(bits, (self.rows, self.cols // 64),
                             np.left_shift(np.uint64(1), (self.cols % 64).astype(np.uint64)))
        self.bits = bits
        # Which deaths hold each token, as bits over deaths (for counting joint frequencies).
        self.death_words = (n + 63) // 64
        holders = np.zeros((t, self.death_words), dtype=np.uint64)
        if len(rows):
            np.bitwise_or.at(holders, (self.cols, self.rows // 64),
                             np.left_shift(np.uint64(1), (self.rows % 64).astype(np.uint64)))
        self.holders = holders

    def members(self, token: int) -> np.ndarray:
        return self.rows[self.cols == token]


def _candidate_pairs(world: _World) -> tuple[np.ndarray, np.ndarray]:
    """Blocking: pairs sharing a token held by few deaths, and pairs close in space and time."""
    n = world.n
    cap = max(BLOCK_MIN, int(BLOCK_SHARE * n))
    keys = []
    for token in np.flatnonzero((world.count >= 2) & (world.count <= cap)):
        a, b = _pairs_within(np.sort(world.members(token)))
        keys.append(a * n + b)
    # Close in space and time: a grid of CLOSE_METRES x CLOSE_DAYS cells, each against its
    # neighbours (then the exact test).
    ok = np.flatnonzero(np.isfinite(world.x) & np.isfinite(world.day) & ~world.hospital)
    if len(ok) > 1:
        gx = np.floor(world.x[ok] / CLOSE_METRES).astype(np.int64)
        gy = np.floor(world.y[ok] / CLOSE_METRES).astype(np.int64)
        gt = np.floor(world.day[ok] / CLOSE_DAYS).astype(np.int64)
        gx -= gx.min(); gy -= gy.min(); gt -= gt.min()
        sx, sy = gx.max() + 3, gy.max() + 3
        cell = (gt * sy + gy) * sx + gx
        order = np.argsort(cell, kind="stable")
        sorted_cells = cell[order]
        for dt in (0, 1):
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    if (dt, dy, dx) < (0, 0, 0):
                        continue
                    target = cell + (dt * sy + dy) * sx + dx
                    lo = np.searchsorted(sorted_cells, target, side="left")
                    hi = np.searchsorted(sorted_cells, target, side="right")
                    counts = hi - lo
                    if counts.sum() == 0:
                        continue
                    src = np.repeat(np.arange(len(ok)), counts)
                    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
                    dst = order[np.repeat(lo, counts) + offsets]
                    a, b = ok[src], ok[dst]
                    keep = a < b if (dt, dy, dx) == (0, 0, 0) else a != b
                    a, b = a[keep], b[keep]
                    close = (np.hypot(world.x[a] - world.x[b], world.y[a] - world.y[b]) <= CLOSE_METRES) & \
                            (np.abs(world.day[a] - world.day[b]) <= CLOSE_DAYS)
                    a, b = a[close], b[close]
                    keys.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    unique = np.unique(np.concatenate(keys))
    return unique // n, unique % n


def _shared_weights(world: _World, shared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each shared token set (rows of bits): -log P(a death holds all of it), by the chain
    rule rarest token first with shrunk conditionals; and each token's share of it (pairs x
    MAX_SHARED, the token index or -1, and its contribution)."""
    n = world.n
    marginal = world.count / n
    u = len(shared)
    weight = np.zeros(u)
    chosen = np.full((u, MAX_SHARED), -1, dtype=np.int64)
    gains = np.zeros((u, MAX_SHARED))
    if u == 0:
        return weight, (chosen, gains)
    # The rarest MAX_SHARED tokens of each set, in order.
    remaining = shared.copy()
    for k in range(MAX_SHARED):
        found = np.full(u, -1, dtype=np.int64)
        for w in range(world.words):
            word = remaining[:, w]
            todo = (found < 0) & (word != 0)
            if not todo.any():
                continue
            low = word[todo] & (~word[todo] + np.uint64(1))
            found[todo] = w * 64 + np.log2(low.astype(np.float64)).astype(np.int64)
            remaining[todo, w] = word[todo] & ~low
        chosen[:, k] = found
        if (found < 0).all():
            break
    # Chain rule, in chunks: the deaths holding the tokens so far, as bits over deaths.
    chunk = max(1, 4_000_000 // max(world.death_words, 1))
    for start in range(0, u, chunk):
        stop = min(u, start + chunk)
        tokens = chosen[start:stop]
        held = None
        previous = np.full(stop - start, float(n))
        total = np.zeros(stop - start)
        for k in range(MAX_SHARED):
            token = tokens[:, k]
            active = token >= 0
            if not active.any():
                break
            rows = world.holders[np.where(active, token, 0)]
            held = rows if held is None else np.where(active[:, None], held & rows, held)
            now = _popcount(held).astype(float)
            if k == 0:
                p = (now + 0.5) / (n + 1.0)
            else:
                m = marginal[np.where(active, token, 0)]
                p = (now + SHRINK_CONDITIONAL * m) / (previous + SHRINK_CONDITIONAL)
            # The likelihood ratio of "the other holds it too": under a series it is shared (with
            # chance CONCORDANCE) or held by chance; at random, held by chance only.
            p = np.clip(p, 1e-12, 1.0)
            gain = np.where(active, np.log1p(CONCORDANCE * (1.0 / p - 1.0)), 0.0)
            gains[start:stop, k] = gain
            total += gain
            previous = np.where(active, now, previous)
        weight[start:stop] = total
    return weight, (chosen, gains)


def _spread_tables(world: _World, rng: np.random.Generator) -> tuple[list[int], np.ndarray, np.ndarray]:
    """P(cell | two random deaths) overall, and for each token held by enough deaths."""
    n = world.n

    def cells_of(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        metres = np.hypot(world.x[a] - world.x[b], world.y[a] - world.y[b])
        days = np.abs(world.day[a] - world.day[b])
        return _bands(metres, days, _no_place(world, a, b))

    def sample(members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = len(members)
        if m * (m - 1) // 2 <= NULL_SAMPLE:
            return _pairs_within(members)
        a = rng.integers(0, m, NULL_SAMPLE)
        b = rng.integers(0, m - 1, NULL_SAMPLE)
        b = b + (b >= a)
        return members[a], members[b]

    everyone, _ = _spread_table(cells_of(*sample(np.arange(n))))
    everyone += 0.5  # no cell is impossible
    overall = _normalise(everyone)
    if INTERACTION:
        overall = _interaction(overall)
    tokens = [int(t) for t in np.flatnonzero(world.count >= NULL_MIN_DEATHS)]
    tables = np.empty((len(tokens), N_DIST + 1, N_DAYS + 1))
    for i, token in enumerate(tokens):
        counts, _ = _spread_table(cells_of(*sample(world.members(token))))
        # Shrink toward the overall spread: NULL_SHRINK pseudo-pairs spread like all pairs.
        shrunk = counts + NULL_SHRINK * overall
        tables[i] = _normalise(shrunk)
        if INTERACTION:
            tables[i] = _interaction(tables[i])
    return tokens, overall, tables


def _no_place(world: _World, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if HOSPITAL_ANY:
        return world.hospital[a] | world.hospital[b]
    return world.hospital[a] != world.hospital[b]


def _shared_reasons(world: _World, tokens: np.ndarray, gains: np.ndarray) -> tuple[Reason, ...]:
    """The telling things a pair shares, the most telling first (a token's part of the weight)."""
    names = [world.tokens[t] for t in tokens if t >= 0]
    # Each token's own rarity (not its place in the chain, which credits the first of tokens
    # that go together): a shared rare substance is named even when a rare age band came first.
    gained = {world.tokens[t]: math.log1p(CONCORDANCE * (world.n / world.count[t] - 1.0)) for t in tokens if t >= 0}
    sex = next((name.split(":")[1] for name in names if name.startswith("sex:")), None)
    ages = [name for name in names if name.startswith("age")]
    demographic_gain = sum(gained[name] for name in ages) + (gained.get(f"sex:{sex}", 0.0) if sex else 0.0)
    items: list[tuple[float, Reason]] = []
    for name in names:
        prefix, code = name.split(":", 1)
        if prefix in ("sub", "ind", "cause", "loc", "class") and gained[name] >= REASON_MIN_GAIN:
            items.append((gained[name], Reason("shared", field=FIELDS[prefix], code=code)))
    if ages and demographic_gain >= REASON_MIN_GAIN:
        lo = max(_age_band(name)[0] for name in ages)
        hi = min(_age_band(name)[1] for name in ages)
        items.append((demographic_gain, Reason("age", field=sex, code=f"{lo}-{hi}")))
    elif sex and demographic_gain >= REASON_MIN_GAIN:
        items.append((demographic_gain, Reason("sex", code=sex)))
    items.sort(key=lambda item: -item[0])
    return tuple(reason for _, reason in items)


class _Scored:
    """Every blocked pair (a < b, indices into the deaths) with its parts of the score."""

    def __init__(self, deaths: Sequence[DeathProfile]):
        self.world = world = _World(deaths)
        n = world.n
        rng = np.random.default_rng(20240601)
        self.a, self.b = a, b = _candidate_pairs(world)
        if len(a) == 0:
            self.logit = self.score = np.zeros(0)
            return

        # 1. What they share.
        shared = world.bits[a] & world.bits[b]
        self.unique, inverse = np.unique(shared, axis=0, return_inverse=True)
        self.inverse = inverse = inverse.reshape(-1)
        weight_u, (self.chosen_u, self.gains_u) = _shared_weights(world, self.unique)
        self.weight = weight_u[inverse]

        # 2. How close, against pairs sharing the same things.
        self.metres = np.hypot(world.x[a] - world.x[b], world.y[a] - world.y[b])
        self.days = np.abs(world.day[a] - world.day[b])
        cells = _bands(self.metres, self.days, _no_place(world, a, b))
        tokens, overall, tables = _spread_tables(world, rng)
        null = overall.reshape(-1)[cells]
        for i, token in enumerate(tokens):
            word, bit = divmod(token, 64)
            holds = ((self.unique[:, word] >> np.uint64(bit)) & np.uint64(1)).astype(bool)[inverse]
            if holds.any():
                null = np.where(holds, np.maximum(null, tables[i].reshape(-1)[cells]), null)
        closeness = np.log(_series_table().reshape(-1)[cells]) - np.log(null)
        # Closeness is weaker evidence than it looks: deaths of one household, one building or
        # one incident are close for reasons of their own, so it is tempered and bounded.
        self.closeness = np.clip(CLOSENESS_POWER * closeness, -CLOSENESS_CAP, CLOSENESS_CAP)

        self.pair_llr = self.weight + self.closeness
        self.support = _group_support(n, a, b, self.pair_llr)
        self.llr = self.pair_llr + self.support
        # Calibration (tail area): a score of one half where the pairs scoring at least as high
        # are as many as the series pairs to be expected (PRIOR_MATES per death), the slope of a
        # likelihood ratio above and below.
        # In a small data set that is very few pairs, fewer than one series of four has: at least
        # MIN_EXPECTED_PAIRS (a series of four, and as many again) may reach one half.
        expected = max(MIN_EXPECTED_PAIRS, int(round(PRIOR_MATES * n / 2)))
        centre = np.sort(self.llr)[::-1][min(expected, len(self.llr)) - 1]
        self.centre = max(centre, MIN_CENTRE)
        self.logit = self.llr - self.centre
        self.score = 1.0 / (1.0 + np.exp(-self.logit))


def _group_support(n: int, a: np.ndarray, b: np.ndarray, llr: np.ndarray) -> np.ndarray:
    """Evidence from third deaths: a series of three or more is far less likely by chance than a
    pair, so a pair gains, for each death strongly linked to both, how far the weaker of those two
    links stands above the level the data's deaths typically reach with their best match."""
    if len(a) == 0:
        return np.zeros(0)
    best = np.full(n, -np.inf)
    np.maximum.at(best, a, llr)
    np.maximum.at(best, b, llr)
    level = float(np.percentile(best[np.isfinite(best)], SUPPORT_LEVEL))
    strong = np.flatnonzero(llr > level)
    if len(strong) == 0:
        return np.zeros(len(a))
    # Each death's strong links, capped at its SUPPORT_LINKS best, as (centre, other, llr).
    centre = np.concatenate([a[strong], b[strong]])
    other = np.concatenate([b[strong], a[strong]])
    value = np.concatenate([llr[strong], llr[strong]]) - level
    order = np.lexsort((-value, centre))
    centre, other, value = centre[order], other[order], value[order]
    first = np.searchsorted(centre, centre, side="left")
    keep = np.arange(len(centre)) - first < SUPPORT_LINKS
    centre, other, value = centre[keep], other[keep], value[keep]
    # All pairs of links around one centre: (other x, other y) gains min(value x, value y).
    starts = np.searchsorted(centre, np.unique(centre), side="left")
    stops = np.searchsorted(centre, np.unique(centre), side="right")
    sizes = stops - starts
    xs, ys = [], []
    for size in np.unique(sizes):
        if size < 2:
            continue
        block = starts[sizes == size]
        i, j = np.triu_indices(size, k=1)
        xs.append((block[:, None] + i[None, :]).reshape(-1))
        ys.append((block[:, None] + j[None, :]).reshape(-1))
    if not xs:
        return np.zeros(len(a))
    x, y = np.concatenate(xs), np.concatenate(ys)
    gain = np.minimum(value[x], value[y])
    lo, hi = np.minimum(other[x], other[y]), np.maximum(other[x], other[y])
    keys = lo * n + hi
    pair_keys = a * n + b
    where = np.searchsorted(pair_keys, keys)
    where = np.clip(where, 0, len(pair_keys) - 1)
    found = pair_keys[where] == keys
    support = np.zeros(len(a))
    np.add.at(support, where[found], gain[found])
    return SUPPORT_WEIGHT * support


def analyse(deaths: Sequence[DeathProfile], *, top: int = 50) -> SeriesAnalysis:
    """Every death's most similar others, and the candidate linked series."""
    deaths = list(deaths)
    if not deaths:
        return SeriesAnalysis(similar={}, candidates=[])
    scored = _Scored(deaths)
    world, a, b, logit, score = scored.world, scored.a, scored.b, scored.logit, scored.score
    n = world.n
    similar: dict[int, list[Similar]] = {int(i): [] for i in world.ids}
    if len(a) == 0:
        return SeriesAnalysis(similar=similar, candidates=[])
    inverse, chosen_u, gains_u, metres, days = (
        scored.inverse, scored.chosen_u, scored.gains_u, scored.metres, scored.days)

    # Each death's best others.
    both_a = np.concatenate([a, b])
    both_b = np.concatenate([b, a])
    both_pair = np.concatenate([np.arange(len(a)), np.arange(len(a))])
    order = np.lexsort((-logit[both_pair], both_a))
    both_a, both_b, both_pair = both_a[order], both_b[order], both_pair[order]
    starts = np.searchsorted(both_a, np.arange(n), side="left")
    stops = np.minimum(np.searchsorted(both_a, np.arange(n), side="right"), starts + top)
    shared_reasons: dict[int, tuple[Reason, ...]] = {}
    distance_reasons: dict[int, Reason] = {}
    day_reasons: dict[int, Reason] = {}
    metres_rounded = np.where(np.isfinite(metres), np.round(np.nan_to_num(metres) / 10.0) * 10, -1).astype(np.int64)
    days_rounded = np.where(np.isfinite(days), np.round(np.nan_to_num(days)), -1).astype(np.int64)
    ids = world.ids.tolist()
    for i in range(n):
        items = []
        for k in range(starts[i], stops[i]):
            p = both_pair[k]
            u = int(inverse[p])
            reasons = shared_reasons.get(u)
            if reasons is None:
                reasons = shared_reasons[u] = _shared_reasons(world, chosen_u[u], gains_u[u])
            m, d = int(metres_rounded[p]), int(days_rounded[p])
            if m >= 0:
                reason = distance_reasons.get(m) or distance_reasons.setdefault(m, Reason("distance", value=m))
                reasons = reasons + (reason,)
            if d >= 0:
                reason = day_reasons.get(d) or day_reasons.setdefault(d, Reason("days", value=d))
                reasons = reasons + (reason,)
            items.append(Similar(other_id=ids[both_b[k]], score=float(score[p]), reasons=reasons))
        similar[ids[i]] = items

    candidates = _candidates(world, a, b, score, logit)
    return SeriesAnalysis(similar=similar, candidates=candidates)


# --- Candidate series -------------------------------------------------------------------------

def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components by label propagation (union-find by pointer jumping)."""
    label = np.arange(n)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def _groups(nodes: np.ndarray, a: np.ndarray, b: np.ndarray, logit: np.ndarray) -> list[np.ndarray]:
    """Split the connected group of `nodes` into groups of at most MAX_SERIES by raising the bar."""
    local = {int(v): i for i, v in enumerate(nodes)}
    la = np.array([local[int(v)] for v in a], dtype=np.int64)
    lb = np.array([local[int(v)] for v in b], dtype=np.int64)
    labels = _components(len(nodes), la, lb)
    out = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < 2:
            continue
        if len(members) <= MAX_SERIES:
            out.append(nodes[members])
            continue
        inside = np.isin(la, members) & np.isin(lb, members)
        bar = np.min(logit[inside])
        keep = inside & (logit > bar)
        if not keep.any():
            continue
        out.extend(_groups(nodes[members], a[keep], b[keep], logit[keep]))
    return out


def _candidates(world: _World, a: np.ndarray, b: np.ndarray, score: np.ndarray,
                logit: np.ndarray) -> list[CandidateSeries]:
    strong = score >= CANDIDATE_SCORE
    if not strong.any():
        return []
    sa, sb, sl = a[strong], b[strong], logit[strong]
    nodes = np.unique(np.concatenate([sa, sb]))
    groups = _groups(nodes, sa, sb, sl)
    pair_score = {(int(x), int(y)): float(s) for x, y, s in zip(sa, sb, score[strong])}
    out = []
    for members in groups:
        members = np.sort(members)
        inside = [pair_score.get((int(x), int(y)), 0.0) for i, x in enumerate(members) for y in members[i + 1:]]
        # Each member's best link within the group; the series is as strong as its weakest member.
        best = []
        for x in members:
            links = [pair_score.get((int(min(x, y)), int(max(x, y))), 0.0) for y in members if y != x]
            best.append(max(links))
        strength = float(min(best))
        if len(members) == 2 and strength < PAIR_SCORE:
            continue
        del inside
        out.append(CandidateSeries(
            death_ids=tuple(sorted(int(world.ids[m]) for m in members)),
            score=strength, reasons=_series_reasons(world, members)))
    out.sort(key=lambda c: (-c.score, -len(c.death_ids), c.death_ids))
    return out


def _series_reasons(world: _World, members: np.ndarray) -> tuple[Reason, ...]:
    """What most members share (rarest first), then how far apart and over how long."""
    held = world.bits[members]
    need = max(2, math.ceil(0.6 * len(members)))
    items: list[tuple[float, Reason]] = []
    sexes, ages = [], []
    for token in range(world.t):
        word, bit = divmod(token, 64)
        count = int(((held[:, word] >> np.uint64(bit)) & np.uint64(1)).sum())
        if count < need:
            continue
        name = world.tokens[token]
        prefix, code = name.split(":", 1)
        rarity = -math.log(world.count[token] / world.n)
        if prefix == "sex":
            sexes.append((code, count))
        elif prefix.startswith("age"):
            ages.append((rarity, name, count))
        elif rarity >= 0.7:
            items.append((rarity, Reason("shared", field=FIELDS[prefix], code=code, value=count)))
    items.sort(key=lambda item: -item[0])
    reasons = [reason for _, reason in items]
    if ages:
        _, band, count = max(ages)
        lo, hi = _age_band(band)
        sex = sexes[0][0] if len(sexes) == 1 and sexes[0][1] >= count else None
        reasons.append(Reason("age", field=sex, code=f"{lo}-{hi}", value=count))
    elif len(sexes) == 1:
        reasons.append(Reason("sex", code=sexes[0][0], value=sexes[0][1]))
    x, y, day = world.x[members], world.y[members], world.day[members]
    where = np.isfinite(x) & ~world.hospital[members]
    if where.sum() >= 2:
        spread = np.hypot(x[where][:, None] - x[where][None, :], y[where][:, None] - y[where][None, :]).max()
        reasons.append(Reason("spread", value=int(round(spread / 10.0) * 10)))
    if np.isfinite(day).sum() >= 2:
        reasons.append(Reason("span", value=int(round(np.nanmax(day) - np.nanmin(day)))))
    return tuple(reasons)
