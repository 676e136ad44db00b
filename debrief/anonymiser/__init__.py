"""Personal data found in free text and replaced by what it was: "[person] rang [phone]".

Lessons and recommendations leave the force for the national library only anonymised. This package
finds the personal data police write in them — names, addresses, postcodes, dates of birth, phone
numbers, emails, NHS and National Insurance numbers, crime references, vehicle registrations — and
leaves what the learning needs: roles, organisations, laws, towns, operation names, ordinary dates,
counts. It is Microsoft Presidio's analyzer and anonymizer with recognisers for UK police text:

    patterns   identifiers with a fixed shape (Presidio's UK recognisers, and the ones it lacks)
    dates      dates of birth, told from ordinary dates by a cue or by the name before them
    names      people's names: spaCy's tags plus the way police write names
    lexicon    what a word usually is: common word, given name, place, organisation, acronym
    engine     the analyzer with all of them, loaded once per process

It is free of the application so that bench/anonymise_eval.py measures exactly what the application
runs; debrief/services/anonymiser.py gives it the force's settings and words.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

# Presidio's entity names for the kinds of personal data.
ENTITY = {
    "person": "PERSON",
    "address": "UK_ADDRESS",
    "postcode": "UK_POSTCODE",
    "date_of_birth": "DATE_OF_BIRTH",
    "phone": "UK_PHONE",
    "email": "EMAIL",
    "nhs_number": "UK_NHS",
    "ni_number": "UK_NINO",
    "crime_reference": "POLICE_REFERENCE",
    "vehicle_registration": "UK_VEHICLE_REGISTRATION",
}
KIND = {entity: kind for kind, entity in ENTITY.items()}
KINDS = tuple(ENTITY)
#: The force's crime reference format when none is given (config.py's default).
DEFAULT_CRIME_REFERENCE_PATTERN = r"[0-9]{1,4}/[0-9]{1,8}/[0-9]{2}"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    value: str


def find(text: str, crime_reference_pattern: str = DEFAULT_CRIME_REFERENCE_PATTERN,
         placeholders: Collection[str] = ()) -> list[Span]:
    """The personal data in `text`, in order, never overlapping. `placeholders` (such as "[person]", in
    any language) are what an earlier pass left: never personal data, so a text can be checked again."""
    if not text or not text.strip():
        return []
    from debrief.anonymiser.engine import engine  # Presidio and spaCy load on first use, not on import

    analysed = text
    for placeholder in placeholders:
        analysed = analysed.replace(placeholder, " " * len(placeholder))
    return [Span(r.start, r.end, KIND[r.entity_type], text[r.start:r.end])
            for r in engine(crime_reference_pattern).find(analysed)]


def anonymise(text: str, placeholders: Mapping[str, str] | None = None,
              crime_reference_pattern: str = DEFAULT_CRIME_REFERENCE_PATTERN,
              earlier_placeholders: Collection[str] = ()) -> tuple[str, list[Span]]:
    """`text` with each piece of personal data replaced by its placeholder (by default `[kind]`), and the
    spans found (offsets into `text`)."""
    words = {kind: f"[{kind}]" for kind in KINDS} | dict(placeholders or {})
    spans = find(text, crime_reference_pattern, {*words.values(), *earlier_placeholders})
    if not spans:
        return text, spans
    from presidio_analyzer import RecognizerResult

    from debrief.anonymiser.engine import engine

    results = [RecognizerResult(ENTITY[s.kind], s.start, s.end, 1.0) for s in spans]
    return engine(crime_reference_pattern).replace(text, results, words), spans
