"""Dates of birth, told from the ordinary dates a lesson needs (the incident, the meeting, a chronology).

A date is a date of birth when something says so: a cue before it in the same sentence (DOB, date of
birth, born), or its place straight after a person's name, as police write it: "Łukasz (06.04.61)",
"HUGHES, Daniel 12/04/1987", or its age and its brackets: a full date long before the text's latest, in
brackets or after a comma ("the suspect (12.04.87)" in a lesson about 2024). The second needs the names, so this recogniser reports such dates
as candidates and the engine decides once the names are known.
"""
from __future__ import annotations

import re
from datetime import date

from presidio_analyzer import EntityRecognizer, RecognizerResult

DATE_OF_BIRTH = "DATE_OF_BIRTH"
CANDIDATE = "DATE_WITH_YEAR"

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_ORDINAL = r"(?:st|nd|rd|th)?"
DATE = re.compile(
    rf"(?<![\w/.-])(?:{_DAY}([./-])(?:0?[1-9]|1[0-2])\1(?:\d{{4}}|\d{{2}})"
    rf"|{_DAY}{_ORDINAL}(?:\s+of)?[\s-]+{_MONTH},?[\s-]+(?:\d{{4}}|'?\d{{2}})"
    rf"|{_MONTH}\s+{_DAY}{_ORDINAL},?\s+\d{{4}}"
    rf"|(?:19|20)\d\d([/-])(?:0[1-9]|1[0-2])\2(?:0[1-9]|[12]\d|3[01]))(?![\w/])",
    re.IGNORECASE)

# Said before the date, in the same sentence: "DOB 12/04/1987", "born on 3 May 1990", "date of birth
# was keyed as 17.09.50 rather than 17.09.1950".
CUE = re.compile(r"\b(?:DOB\b|D\.O\.B\.?|date of birth\b|birth ?date\b|born\b|birthday\b)|(?<![\w.])b\.(?=\s*$)",
                 re.IGNORECASE)
CUE_REACH = 60
SENTENCE_END = re.compile(r"[.!?;]\s|\n")


# A full date this many years before the latest date in the text (or today) is a date of birth: a lesson's
# own dates (the incident, the meeting, the chronology) are recent; "the suspect (12.04.87)" is not.
BIRTH_YEARS_BEFORE = 16


def year_of(text: str) -> int:
    numbers = re.findall(r"\d+", text)
    year = int(next((n for n in numbers if len(n) == 4), numbers[-1]))
    if year >= 100:
        return year
    this_year = date.today().year
    return 2000 + year if 2000 + year <= this_year else 1900 + year


def long_before(text: str, latest: int | None) -> bool:
    return latest is not None and year_of(text) <= latest - BIRTH_YEARS_BEFORE


def is_date(text: str) -> bool:
    return DATE.fullmatch(text.strip()) is not None


def _cued(text: str, start: int, reach: int = CUE_REACH) -> bool:
    before = text[max(0, start - reach):start]
    cues = list(CUE.finditer(before))
    return bool(cues) and SENTENCE_END.search(before[cues[-1].end():]) is None


def cued_in_sentence(text: str, start: int) -> bool:
    """A cue anywhere before the date in its sentence ("DOB 30.07.2011 was recorded ..., but his sister gave
    30.07.2010")."""
    return _cued(text, start, reach=300)


class DateOfBirthRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entities=[DATE_OF_BIRTH, CANDIDATE], supported_language="en",
                         name="DateOfBirthRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None) -> list[RecognizerResult]:
        return [RecognizerResult(DATE_OF_BIRTH if _cued(text, m.start()) else CANDIDATE, m.start(), m.end(), 0.8)
                for m in DATE.finditer(text)]
