"""The linked-series method's pure functions (debrief/deaths/profile.py, series.py) on a small
made-up force: no app, no database."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from debrief.deaths.profile import profile_of
from debrief.deaths.records import DeathProfile, ReportRecord
from debrief.deaths.series import Reason, analyse
from debrief.deaths.words import reason_words

START = datetime(2024, 1, 1, 9, tzinfo=timezone.utc)
CENTRE = (52.47, -1.90)


def _death(i, day, where, age, sex, place, cause, substances=(), indicators=(), rng=None, jitter=0.0):
    lat, lon = where
    if rng is not None and jitter:
        lat += rng.gauss(0, jitter)
        lon += rng.gauss(0, jitter * 1.6)
    return DeathProfile(
        id=i, found_at=START + timedelta(days=day, hours=(i * 7) % 24), latitude=lat, longitude=lon, age=age,
        sex=sex, location_type=place, apparent_cause=cause, substances=frozenset(substances),
        indicators=frozenset(indicators), classification="non_suspicious", sources=frozenset({"police"}))


@pytest.fixture(scope="module")
def force():
    """About 200 ordinary deaths over two years, and four insulin deaths in one care home in ten
    weeks (ids 900-903)."""
    rng = random.Random(3)
    deaths = []
    care_homes = [(CENTRE[0] + rng.uniform(-0.1, 0.1), CENTRE[1] + rng.uniform(-0.15, 0.15)) for _ in range(4)]
    estate = (CENTRE[0] + 0.03, CENTRE[1] - 0.04)
    n = 0
    for _ in range(70):  # natural deaths in four care homes, more in winter
        day = rng.choice([rng.uniform(0, 730), rng.uniform(-40, 60) % 730, rng.uniform(330, 420)])
        deaths.append(_death(n, day, rng.choice(care_homes), rng.randint(78, 99), rng.choice(["female", "male"]),
                             "care_home", "natural", (), ("found_by_carer", "known_to_social_care"), rng, 0.0002))
        n += 1
    for _ in range(30):  # heroin deaths on one estate
        deaths.append(_death(n, rng.uniform(0, 730), estate, rng.randint(28, 55), "male", rng.choice(["dwelling", "street"]),
                             "drug_related", ("heroin",) + (("alcohol",) if rng.random() < 0.4 else ()),
                             ("previous_overdose",) if rng.random() < 0.5 else (), rng, 0.004))
        n += 1
    for _ in range(45):  # a year of hangings across the area
        deaths.append(_death(n, rng.uniform(0, 365), CENTRE, rng.randint(18, 70), rng.choice(["male", "male", "female"]),
                             "dwelling", "hanging", (), rng.sample(["lives_alone", "found_by_relative"], 1), rng, 0.04))
        n += 1
    for _ in range(60):  # natural deaths at home
        deaths.append(_death(n, rng.uniform(0, 730), CENTRE, rng.randint(55, 95), rng.choice(["male", "female"]),
                             "dwelling", "natural", (), rng.sample(["lives_alone", "found_by_relative",
                                                                   "no_signs_of_disturbance"], 1), rng, 0.05))
        n += 1
    for k in range(3):  # insulin deaths of diabetics, here and there (rare things also occur alone)
        deaths.append(_death(n, rng.uniform(0, 730), CENTRE, rng.randint(60, 90), "male", "dwelling", "natural",
                             ("insulin",), ("found_by_relative",), rng, 0.05))
        n += 1
    home = care_homes[1]
    for k, day in enumerate((400, 417, 440, 466)):  # the series
        deaths.append(_death(900 + k, day, home, 80 + 3 * k, "female", "care_home", "unexplained" if k % 2 else "natural",
                             ("insulin",), ("hypoglycaemia", "found_by_carer") + (("not_diabetic",) if k != 2 else ()),
                             rng, 0.0002))
    return deaths


@pytest.fixture(scope="module")
def result(force):
    return analyse(force)


SERIES = {900, 901, 902, 903}


def test_planted_series_ranked_first_for_its_members(result):
    for member in SERIES:
        best = result.similar[member][0]
        assert best.other_id in SERIES - {member}


def test_planted_series_is_a_candidate(result):
    assert result.candidates
    found = [c for c in result.candidates if len(SERIES & set(c.death_ids)) >= 3]
    assert found
    assert len(set(found[0].death_ids) - SERIES) <= 1
    words = [reason_words(r) for r in found[0].reasons]
    assert any("insulin" in w for w in words)


def test_common_patterns_make_no_candidate(force, result):
    by_id = {d.id: d for d in force}
    for candidate in result.candidates:
        members = [by_id[i] for i in candidate.death_ids]
        if SERIES & set(candidate.death_ids):
            continue
        assert not all(m.location_type == "care_home" and m.apparent_cause == "natural" for m in members)
        assert not all(m.apparent_cause == "hanging" for m in members)
        assert not all("heroin" in m.substances for m in members)


def test_scores_and_similar_lists(force, result):
    assert set(result.similar) == {d.id for d in force}
    for items in result.similar.values():
        assert len(items) <= 50
        scores = [item.score for item in items]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)
    for candidate in result.candidates:
        assert 0.0 <= candidate.score <= 1.0
        assert list(candidate.death_ids) == sorted(candidate.death_ids)
        assert len(candidate.death_ids) >= 2


def test_reasons_read_sensibly(result):
    best = result.similar[900][0]
    words = [reason_words(r) for r in best.reasons]
    assert words[0] in ("both insulin", "both: hypoglycaemia", "both: not diabetic")
    assert any(w.endswith("m apart") for w in words)
    assert any(w.endswith("days apart") for w in words)
    assert reason_words(Reason("shared", field="substance", code="ghb")) == "both GHB"
    assert reason_words(Reason("shared", field="location_type", code="care_home")) == "both found in a care home"
    assert reason_words(Reason("shared", field="indicator", code="unknown_companion")) == "both: an unknown companion"
    assert reason_words(Reason("distance", value=380)) == "380 m apart"
    assert reason_words(Reason("days", value=41)) == "41 days apart"
    assert reason_words(Reason("age", field="male", code="18-25")) == "both men aged 18\u201325"


def test_empty_and_tiny_inputs():
    empty = analyse([])
    assert empty.similar == {} and empty.candidates == []
    one = analyse([_death(1, 0, CENTRE, 40, "male", "street", "drug_related", ("ghb",))])
    assert one.similar == {1: []} and one.candidates == []
    bare = DeathProfile(id=7, found_at=None, latitude=None, longitude=None, age=None, sex=None, location_type=None,
                        apparent_cause=None, substances=frozenset(), indicators=frozenset(), classification=None)
    two = analyse([bare, DeathProfile(**{**bare.__dict__, "id": 8})])
    assert set(two.similar) == {7, 8}


def test_profile_prefers_the_scene_to_the_hospital():
    when = datetime(2025, 3, 1, 2, 30, tzinfo=timezone.utc)
    police = ReportRecord(key="police:1", source="police", found_at=when, date_of_birth=date(2000, 5, 1), sex="male",
                          latitude=52.480, longitude=-1.890, location_type="place_of_worship_grounds",
                          apparent_cause="unexplained", indicators=frozenset({"partially_clothed"}),
                          classification="non_suspicious")
    nhs = ReportRecord(key="nhs:9", source="nhs", found_at=when - timedelta(hours=2), date_of_birth=date(2000, 5, 1),
                       sex="male", latitude=52.474, longitude=-1.917, location_type="hospital",
                       apparent_cause="drug_related", substances=frozenset({"ghb"}), classification="unexplained")
    death = profile_of(5, [nhs, police])
    assert (death.latitude, death.longitude) == (52.480, -1.890)
    assert death.location_type == "place_of_worship_grounds"
    assert death.found_at == when
    assert death.apparent_cause == "drug_related"  # specific beats unexplained
    assert death.substances == {"ghb"} and death.indicators == {"partially_clothed"}
    assert death.classification == "unexplained"  # the more serious
    assert death.age == 24 and death.sex == "male"
    assert death.sources == {"police", "nhs"}
    # Known only to the NHS: the hospital is all there is.
    alone = profile_of(6, [nhs])
    assert alone.location_type == "hospital" and alone.latitude == 52.474
