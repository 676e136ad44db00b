"""The anonymiser takes personal data out of a lesson before it is shared beyond the force (issue 25), and
leaves what makes the lesson readable: roles, organisations, laws, towns, operation names, ordinary dates,
counts. The sentences here are written for these tests (names, streets and shapes that are not in the
dev set); the last tests hold the measured figures on the dev set and on tests/data/anonymise-own.jsonl.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from debrief import anonymiser
from debrief.i18n import in_language
from debrief.services import anonymiser as service

ROOT = Path(__file__).resolve().parent.parent


def found(text: str) -> dict[str, str]:
    """What the anonymiser finds, as {value: kind}."""
    return {span.value: span.kind for span in anonymiser.find(text)}


def kept(text: str, *phrases: str) -> None:
    spans = anonymiser.find(text)
    for phrase in phrases:
        start = text.index(phrase)
        hit = [s.value for s in spans if s.start < start + len(phrase) and s.end > start]
        assert not hit, f"{phrase!r} was redacted ({hit})"


# Each kind of personal data --------------------------------------------------------------------------------


def test_a_lesson_full_of_personal_data_comes_out_clean():
    text = ("Chronology, 14/03/2025: Morwenna Tregarthen (DOB 09.10.1983) rang from 07700 900318 to say that "
            "her ex-partner, Callum FINCH, was outside Flat 7, 58 Larkspur Way, Truro TR1 3XJ in a silver "
            "car, VN21 PKD. Log 2211 of 14/03/25 was graded as routine. Her NHS number 996 030 8243 and NI "
            "number PY 40 21 88 B were on the Niche record; she emailed m.tregarthen@example.co.uk.")
    clean, spans = anonymiser.anonymise(text)
    assert clean == ("Chronology, 14/03/2025: [person] (DOB [date_of_birth]) rang from [phone] to say that "
                     "her ex-partner, [person], was outside [address], Truro [postcode] in a silver car, "
                     "[vehicle_registration]. Log [crime_reference] was graded as routine. Her NHS number "
                     "[nhs_number] and NI number [ni_number] were on the Niche record; she emailed [email].")
    assert [s.kind for s in spans] == ["person", "date_of_birth", "phone", "person", "address", "postcode",
                                       "vehicle_registration", "crime_reference", "nhs_number", "ni_number",
                                       "email"]
    assert all(text[s.start:s.end] == s.value for s in spans)


def test_names_as_police_write_them():
    assert found("A PNC check on ASHWORTH, Delphine Rose showed no markers.") == {"ASHWORTH, Delphine Rose": "person"}
    assert found("TOBIAS VANCE was arrested at the scene.") == {"TOBIAS VANCE": "person"}
    assert found("DC Okoro and PS Lindqvist interviewed Mrs Featherstone's lodger.") == {
        "Okoro": "person", "Lindqvist": "person", "Featherstone": "person"}
    assert found("Rhodri ap Ifan told the IDVA that 'Spud' had threatened him.") == {
        "Rhodri ap Ifan": "person", "Spud": "person"}
    assert found("Officers did not know Zsofia Kertész was also known as \"Kiki\".") == {
        "Zsofia Kertész": "person", "Kiki": "person"}
    assert found("Sunniva Haugland-Berg's sister called twice; Sunniva did not answer.") == {
        "Sunniva Haugland-Berg": "person", "Sunniva": "person"}


def test_names_in_a_hurried_note_in_lower_case():
    """Found when the model tags them, when two name-like words stand together, or when one alone is a
    known name; a rare given name alone in lower case ("spoke to bronagh") is not found."""
    assert set(found("spoke to lisa, says declan kearney is back at the flat again")) == {"lisa", "declan kearney"}


def test_an_honorific_a_rank_and_a_possessive_stay_outside_the_name():
    spans = anonymiser.find("Sgt Hallworth took Mr Quigley's statement.")
    assert [s.value for s in spans] == ["Hallworth", "Quigley"]


def test_a_date_of_birth_in_police_notation_with_and_without_a_cue():
    assert found("Fenella Marsh, born 4th November 1979, was the victim.")["4th November 1979"] == "date_of_birth"
    assert found("The custody record gave d.o.b. 30-01-2001.")["30-01-2001"] == "date_of_birth"
    assert found("Orla Keane (23.06.94) was the informant.")["23.06.94"] == "date_of_birth"
    assert found("Custody gave DOB 07-Sep-1969.")["07-Sep-1969"] == "date_of_birth"
    assert found("Kenji Sato, 11/11/1977, was the driver.")["11/11/1977"] == "date_of_birth"
    assert found("On 03/02/2024 the suspect (12.04.87) was arrested.")["12.04.87"] == "date_of_birth"


def test_postcodes_with_and_without_the_space_and_phone_numbers_as_people_write_them():
    assert found("Moved to EX4 6PX, then to SW1A1AA.") == {"EX4 6PX": "postcode", "SW1A1AA": "postcode"}
    assert found("Call +44 (0)1632 960555, 0117 496 0123 or (01632) 960001.") == {
        "+44 (0)1632 960555": "phone", "0117 496 0123": "phone", "(01632) 960001": "phone"}


def test_addresses_with_a_flat_a_letter_a_welsh_street_and_a_street_of_one_word():
    assert found("She lived at Flat 2B, 19 Quarry Bank and then 6a Heol y Nant.") == {
        "Flat 2B, 19 Quarry Bank": "address", "6a Heol y Nant": "address"}
    assert found("He moved from 40 Northgate to 3 The Maltings.") == {"40 Northgate": "address",
                                                                      "3 The Maltings": "address"}


def test_a_collar_number_before_a_name_is_no_house_number():
    assert found("PC 2207 Ashfield attended.") == {"Ashfield": "person"}


def test_crime_references_in_the_forces_format_and_cad_logs():
    assert found("Crime 41/220187/25 and CAD 5021 09/02/25 were never linked.") == {
        "41/220187/25": "crime_reference", "CAD 5021 09/02/25": "crime_reference"}


# What stays --------------------------------------------------------------------------------------------


def test_roles_organisations_laws_towns_operations_dates_and_counts_stay():
    text = ("On 3 March 2025 the duty inspector, two PCSOs and the IDVA from Women's Aid met Devon and "
            "Cornwall Police, Barnardo's and the Crown Prosecution Service in Plymouth about Operation Nightjar. "
            "Section 47 of the Children Act 1989, the Domestic Abuse Act 2021 and Clare's Law applied; "
            "34 officers attended 12 briefings between 04/01/2025 and 28/02/2025, and the victim was aged 41.")
    assert anonymiser.find(text) == []


def test_common_words_that_are_also_names_stay_when_used_as_words():
    kept("The risk rose sharply. Supervisors must mark the record. No grace period applies; staff will "
         "review it.", "rose", "mark", "grace", "will")


def test_an_ordinary_date_shaped_like_a_date_of_birth_stays():
    kept("Chronology, 12/11/1998: the first report. The review met on 02.02.2024.", "12/11/1998", "02.02.2024")
    kept("Chronology, 14/06/2006: a first call. He was convicted on 3 March 2005; the review met on 1 May 2024.",
         "14/06/2006", "3 March 2005")


def test_an_nhs_number_must_pass_its_mod_11_check():
    assert found("NHS number 628 194 8211 was on the referral.") == {"628 194 8211": "nhs_number"}
    kept("Reference 628 194 8212 is not an NHS number.", "628 194 8212")


@pytest.mark.parametrize("number", ["DA 12 34 56 A", "FA123456B", "QQ 12 34 56 C", "AO 12 34 56 D",
                                    "GB 12 34 56 A", "TN 12 34 56 B", "ZZ123456C", "AB 12 34 56 E"])
def test_an_ni_number_with_a_prefix_hmrc_never_issues_stays(number):
    kept(f"The number {number} was written on the form.", number)


@pytest.mark.parametrize("number", ["JK 12 34 56 A", "CE123456D", "OZ 123456 B"])
def test_an_ni_number_with_a_valid_prefix_goes(number):
    assert found(f"The number {number} was written on the form.") == {number: "ni_number"}


# The service: the force's format, the reader's language, a second pass --------------------------------------


def test_the_crime_reference_format_comes_from_the_forces_settings(app, monkeypatch):
    with app.app_context():
        assert service.find("Job NW-2207731 was closed.") == []
        monkeypatch.setitem(app.config, "CRIME_REFERENCE_PATTERN", r"NW-[0-9]{7}")
        assert [(s.value, s.kind) for s in service.find("Job NW-2207731 was closed.")] == [
            ("NW-2207731", "crime_reference")]
        monkeypatch.setitem(app.config, "CRIME_REFERENCE_PATTERN", r"[0-9]{1,4}/[0-9]{1,8}/[0-9]{2}")
        assert service.find("Job NW-2207731 was closed.") == []


def test_placeholders_are_words_in_the_readers_language_and_a_second_pass_finds_nothing(app):
    text = "Heledd Prys (DOB 01/05/1990) of 4 Stryd y Castell gave her date of birth."
    with app.test_request_context():
        clean, _ = service.anonymise(text)
        assert clean == "[person] (DOB [date of birth]) of [address] gave her date of birth."
        assert service.find(clean) == []
        with in_language("cy"):
            welsh, _ = service.anonymise(text)
            assert welsh == "[unigolyn] (DOB [dyddiad geni]) of [cyfeiriad] gave her date of birth."
        assert service.find(welsh) == []


# The measured figures hold ----------------------------------------------------------------------------------


def _evaluation():
    spec = importlib.util.spec_from_file_location("anonymise_eval", ROOT / "bench" / "anonymise_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_figures_on_texts_written_for_this_project_hold():
    evaluation = _evaluation()
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "anonymise-own.jsonl").read_text().splitlines()]
    figures, _ = evaluation.run(rows)
    # Measured: recall 0.984, names 0.975, span precision 1.000 (150 texts in five batches; each batch after
    # the first was measured before anything was changed for it, recall / names / span precision: 0.952 /
    # 0.953 / 0.984, 0.979 / 0.968 / 0.979, 0.972 / 0.952 / 1.000, 0.969 / 0.957 / 0.939).
    assert figures["recall"] >= 0.97 and figures["name recall"] >= 0.95
    assert figures["span precision"] >= 0.95
    assert figures["leaks"] == 0


def test_the_figures_on_the_held_out_set_hold():
    """tests/data/anonymise-heldout.jsonl (made by tests/data/make_anonymise_heldout.py): 150 texts written
    to differ from the dev set (names of many backgrounds, police notation, initials, Welsh, other address,
    date of birth and registration shapes), 30 of them with no personal data but many traps."""
    evaluation = _evaluation()
    figures, _ = evaluation.run(evaluation.read(ROOT / "tests" / "data" / "anonymise-heldout.jsonl"))
    # Measured before any change for it: recall 0.835, names 0.865, span precision 0.898, 6 leaks; after: recall
    # 0.983, names 0.972, span precision 0.991, no leaks. The floors are the targets for the hidden test set.
    assert figures["recall"] >= 0.97 and figures["name recall"] >= 0.95
    assert figures["span precision"] >= 0.85
    assert figures["leaks"] == 0


def test_the_figures_on_the_dev_set_hold():
    evaluation = _evaluation()
    if not evaluation.DEV.exists():
        pytest.skip(f"{evaluation.DEV} is not here")
    figures, _ = evaluation.run(evaluation.read(evaluation.DEV))
    # Measured: recall 0.998, names 0.997, span precision 1.000, no leaks; the floors are 0.02 below.
    assert figures["recall"] >= 0.978
    assert figures["name recall"] >= 0.977
    assert figures["span precision"] >= 0.98
    assert figures["leaks"] == 0


def test_recommendations_without_personal_data_come_through_almost_untouched():
    """The repeat-detection set: 182 recommendations written with no personal data in them."""
    evaluation = _evaluation()
    recommendations = evaluation.DEV.parent.parent / "recommendations-dev.jsonl"
    if not recommendations.exists():
        pytest.skip(f"{recommendations} is not here")
    rows = [{"id": str(i), "text": json.loads(line)["text"], "spans": []}
            for i, line in enumerate(recommendations.read_text().splitlines()) if line.strip()]
    figures, _ = evaluation.run(rows)
    # Measured: 0 of 182 redacted (2 of the 543 with bench/data/repeats-background.jsonl: Dashcam, Airwave).
    assert figures["over-redacted"] <= 3
