"""Personal data taken out of a lesson or a recommendation before it leaves the force (issue 25): at
the force before a person sees the draft, and again at the library before anything is stored.

The method is debrief.anonymiser (Presidio with UK police recognisers); this module gives it the force's
crime reference format (CRIME_REFERENCE_PATTERN) and the placeholders' words ("[person]", "[date of
birth]") in the reader's language. Placeholders in any language the app speaks are left alone, so a
text anonymised once comes through a second pass unchanged.
"""
from __future__ import annotations

from flask import current_app, has_app_context

from debrief import anonymiser
from debrief.anonymiser import KINDS, Span
from debrief.i18n import LANGUAGES, in_language
from debrief.vocabulary import PERSONAL_DATA, words

__all__ = ["KINDS", "Span", "anonymise", "find", "placeholder"]


def _crime_reference_pattern() -> str:
    if has_app_context():
        return current_app.config["CRIME_REFERENCE_PATTERN"]
    return anonymiser.DEFAULT_CRIME_REFERENCE_PATTERN


def placeholder(kind: str) -> str:
    """What replaces a piece of personal data of this kind, in the reader's language: "[date of birth]"."""
    return f"[{words(PERSONAL_DATA, kind)}]"


def _placeholders_in_every_language() -> set[str]:
    found = set()
    for language in LANGUAGES:
        with in_language(language):
            found.update(placeholder(kind) for kind in KINDS)
    return found


def find(text: str) -> list[Span]:
    """The personal data in `text`: offsets into it, in order, never overlapping."""
    return anonymiser.find(text, _crime_reference_pattern(), _placeholders_in_every_language())


def anonymise(text: str) -> tuple[str, list[Span]]:
    """`text` with its personal data replaced by placeholders, and what was found (offsets into `text`)."""
    return anonymiser.anonymise(text, {kind: placeholder(kind) for kind in KINDS}, _crime_reference_pattern(),
                                _placeholders_in_every_language())
