"""The linkage of death reports (debrief/deaths/linkage.py), as a pure function on made-up records.

No application, database or fixture is needed. Small inputs run on the built-in default m/u
parameters; one test makes enough reports for the trained (EM) path.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from debrief.deaths.linkage import Decision, Linkage, link_reports
from debrief.deaths.records import ReportRecord

LONDON = ZoneInfo("Europe/London")
WHEN = datetime(2024, 3, 5, 14, 20, tzinfo=LONDON)
HOME = (52.4800, -1.9000)


def report(key: str, family: str | None = None, given: str | None = None,
           dob: date | None = None, sex: str | None = None, nhs: str | None = None,
           found: datetime | None = WHEN, place: tuple[float, float] | None = HOME,
           location_type: str = "dwelling") -> ReportRecord:
    return ReportRecord(key=key, source=key.split(":")[0], found_at=found, family_name=family,
                        given_names=given, date_of_birth=dob, sex=sex, nhs_number=nhs,
                        latitude=place[0] if place else None,
                        longitude=place[1] if place else None, location_type=location_type)


def nearby(metres_north: float) -> tuple[float, float]:
    return (HOME[0] + metres_north / 111_000, HOME[1])


def groups_of(linkage: Linkage) -> set[frozenset[str]]:
    return {frozenset(group) for group in linkage.groups}


def test_misspelt_name_and_swapped_date_of_birth_link_across_police_and_nhs():
    reports = [
        report("police:1", "Harrison", "Fatima Jane", date(1983, 3, 10), "female"),
        report("nhs:1", "HARRSION", "Fatima", date(1983, 10, 3), "female", "4010232137",
               found=WHEN + timedelta(hours=1, minutes=10), place=nearby(150)),
    ]
    assert link_reports(reports).groups == [["nhs:1", "police:1"]]


def test_nickname_with_missing_date_of_birth_and_matching_nhs_number_link():
    reports = [
        report("nhs:7", "Thomas", "Bill", None, "male", "4857773456"),
        report("local_authority:7", "Thomas", "William Henry", date(1950, 6, 1), "male",
               "4857773456", found=WHEN.replace(hour=0, minute=0), place=nearby(250)),
    ]
    assert link_reports(reports).groups == [["local_authority:7", "nhs:7"]]


def test_namesakes_with_different_dates_of_birth_stay_two():
    reports = [
        report("police:1", "Smith", "John", date(1950, 1, 14), "male"),
        report("nhs:2", "Smith", "John", date(1972, 8, 30), "male", "9434765919",
               found=WHEN + timedelta(hours=5), place=(52.43, -1.95)),
    ]
    linkage = link_reports(reports)
    assert groups_of(linkage) == {frozenset({"police:1"}), frozenset({"nhs:2"})}


def test_relatives_dying_together_stay_two_people():
    later = WHEN + timedelta(minutes=50)
    reports = [
        report("police:1", "Jones", "Robert", date(1938, 2, 2), "male"),
        report("police:2", "Jones", "Mary", date(1941, 11, 23), "female"),
        report("nhs:1", "JONES", "Robert", date(1938, 2, 2), "male", "4505577104", found=later,
               place=nearby(40)),
        report("nhs:2", "JONES", "Mary", date(1941, 11, 23), "female", "4714389236", found=later,
               place=nearby(40)),
    ]
    assert groups_of(link_reports(reports)) == {frozenset({"police:1", "nhs:1"}),
                                                 frozenset({"police:2", "nhs:2"})}


def test_keep_apart_decision_splits_a_pair_the_method_would_link():
    reports = [
        report("police:1", "Evans", "Gary", date(1967, 4, 10), "male"),
        report("nhs:1", "Evans", "Gary", date(1967, 4, 10), "male", "6952867724",
               found=WHEN + timedelta(hours=1)),
    ]
    assert len(link_reports(reports).groups) == 1
    linkage = link_reports(reports, [Decision("nhs:1", "police:1", same_person=False)])
    assert groups_of(linkage) == {frozenset({"police:1"}), frozenset({"nhs:1"})}
    assert linkage.possible_matches == []


def test_merge_decision_joins_a_pair_the_method_would_not():
    reports = [
        report("police:1", "Evans", "Gary", date(1967, 4, 10), "male"),
        report("nhs:9", "Okafor", "Grace", date(1990, 12, 1), "female",
               found=WHEN + timedelta(days=20), place=(52.40, -2.03)),
    ]
    assert len(link_reports(reports).groups) == 2
    linkage = link_reports(reports, [Decision("police:1", "nhs:9", same_person=True)])
    assert linkage.groups == [["nhs:9", "police:1"]]


def _unsure_pair() -> list[ReportRecord]:
    # An unidentified man found by the police; the council's report of a named man the same day,
    # 400 m away: time, place and sex agree, nothing else can be compared.
    return [
        report("police:4", sex="male", found=WHEN, place=nearby(0), location_type="street"),
        report("local_authority:4", "Parsons", "Michael", date(1977, 5, 11), "male",
               found=WHEN.replace(hour=0, minute=0), place=nearby(400)),
    ]


def test_unsure_pair_is_a_possible_match_with_reasons_free_of_personal_data():
    linkage = link_reports(_unsure_pair())
    assert len(linkage.groups) == 2
    [possible] = linkage.possible_matches
    assert (possible.a, possible.b) == ("local_authority:4", "police:4")
    assert 0 < possible.probability < 1
    words = " ".join(possible.reasons).lower()
    assert "family name missing" in words and "same sex" in words
    for value in ("parsons", "michael", "1977", "05-11"):
        assert value not in words


@pytest.mark.parametrize("same_person", [True, False])
def test_possible_matches_exclude_decided_pairs(same_person):
    decision = Decision("police:4", "local_authority:4", same_person=same_person)
    linkage = link_reports(_unsure_pair(), [decision])
    assert linkage.possible_matches == []
    assert len(linkage.groups) == (1 if same_person else 2)


def test_two_reports_from_one_source_are_never_linked():
    reports = [
        report("police:1", "Evans", "Gary", date(1967, 4, 10), "male"),
        report("police:2", "Evans", "Gary", date(1967, 4, 10), "male"),
    ]
    assert len(link_reports(reports).groups) == 2


def test_empty_input():
    assert link_reports([]) == Linkage(groups=[], possible_matches=[])


def test_one_report():
    assert link_reports([report("police:1", "Evans")]).groups == [["police:1"]]


def test_reports_with_nothing_but_a_source_and_all_null_columns():
    reports = [ReportRecord(key=f"{source}:{i}", source=source)
               for i, source in enumerate(("police", "nhs", "local_authority", "police"))]
    linkage = link_reports(reports)
    assert sorted(key for group in linkage.groups for key in group) == sorted(r.key for r in reports)
    assert len(linkage.groups) == 4


def test_duplicate_key_raises():
    with pytest.raises(ValueError):
        link_reports([report("police:1", "Evans"), report("police:1", "Evans")])


def test_groups_are_sorted_and_cover_every_report_once():
    reports = _unsure_pair() + [
        report("police:1", "Evans", "Gary", date(1967, 4, 10), "male"),
        report("nhs:1", "Evans", "Gary", date(1967, 4, 10), "male", found=WHEN + timedelta(hours=1)),
    ]
    groups = link_reports(reports).groups
    assert [key for group in groups for key in group].count("police:1") == 1
    assert all(group == sorted(group) for group in groups)
    assert [group[0] for group in groups] == sorted(group[0] for group in groups)


GIVEN = {"male": ["John", "David", "Michael", "Paul", "Mark", "James", "Robert", "Peter"],
         "female": ["Susan", "Margaret", "Sarah", "Karen", "Julie", "Helen", "Linda", "Mary"]}
FAMILY = ["Smith", "Jones", "Williams", "Taylor", "Davies", "Brown", "Evans", "Wilson", "Thomas",
          "Roberts", "Johnson", "Lewis", "Walker", "Wright", "Patel", "Khan", "Hughes", "Green"]


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def test_enough_reports_to_train_link_well_and_repeatably():
    """1,600 made-up deaths over a year, 2,400 reports: the EM-trained path."""
    rng = random.Random(3)
    start = datetime(2024, 1, 1, tzinfo=LONDON)
    reports, person_of = [], {}
    for person in range(1600):
        sex = rng.choice(("male", "female"))
        family, given = rng.choice(FAMILY), rng.choice(GIVEN[sex])
        dob = date(1930, 1, 1) + timedelta(days=rng.randrange(70 * 365))
        nhs = str(rng.randrange(4_000_000_000, 8_000_000_000))
        found = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
        place = (52.35 + rng.random() * 0.25, -2.1 + rng.random() * 0.35)
        sources = ["police"] + (["nhs"] if rng.random() < 0.5 else [])
        for source in sources:
            noisy_family = _typo(rng, family) if rng.random() < 0.05 else family
            noisy_dob = None if rng.random() < 0.05 else dob
            key = f"{source}:{person}"
            reports.append(ReportRecord(
                key=key, source=source, found_at=found + timedelta(minutes=rng.randrange(90)),
                family_name=noisy_family if source == "police" else noisy_family.upper(),
                given_names=given, date_of_birth=noisy_dob, sex=sex,
                nhs_number=nhs if source == "nhs" else None, latitude=place[0] + rng.random() / 1000,
                longitude=place[1], location_type="dwelling"))
            person_of[key] = person
    first = link_reports(reports)
    assert first == link_reports(reports)  # deterministic
    truth_pairs = sum(1 for k in person_of if k.startswith("nhs:"))
    found = [(g, {person_of[k] for k in g}) for g in first.groups if len(g) > 1]
    correct = sum(1 for _, people in found if len(people) == 1)
    assert correct / max(1, len(found)) >= 0.97  # precision
    assert correct / truth_pairs >= 0.95  # recall


def test_a_second_report_from_one_source_is_left_for_an_analyst():
    reports = [
        report("police:1", "Evans", "Gary", date(1967, 4, 10), "male"),
        report("police:2", "Evans", "Gary", date(1967, 4, 10), "male", place=nearby(30)),
        report("nhs:1", "Evans", "Gary", date(1967, 4, 10), "male", found=WHEN + timedelta(hours=1)),
    ]
    linkage = link_reports(reports)
    assert groups_of(linkage) == {frozenset({"nhs:1", "police:1"}), frozenset({"police:2"})}
    [possible] = linkage.possible_matches
    assert (possible.a, possible.b) == ("nhs:1", "police:2")
    assert "not linked: the death already has a report from that source" in possible.reasons


def test_decisions_about_reports_not_given_are_ignored():
    reports = [report("police:1", "Evans", "Gary")]
    decisions = [Decision("police:1", "nhs:gone", same_person=True)]
    assert link_reports(reports, decisions).groups == [["police:1"]]
