"""How a recommendation's text is put before it is compared: Unicode folded to one form, spacing
collapsed, and every known abbreviation written out in full (see abbreviations.py)."""
from __future__ import annotations

import re
import unicodedata

from debrief.similarity.abbreviations import ABBREVIATIONS

_WORD = re.compile(r"\(?\b([A-Za-z&]{2,8})\b\)?")
_SPACE = re.compile(r"\s+")


def _expansion(word: str) -> str | None:
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    if word.endswith("s") and word[:-1].isupper() and word[:-1] in ABBREVIATIONS:
        return ABBREVIATIONS[word[:-1]] + "s"  # DVPNs
    return None


def prepare(text: str) -> str:
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    lowered = text.lower()

    def write_out(match: re.Match) -> str:
        word = match.group(1)
        full = _expansion(word)
        if full is None or not word[:2].isupper():
            return match.group(0)
        if match.group(0).startswith("(") and match.group(0).endswith(")"):
            # "domestic violence protection notice (DVPN)": the words are there already.
            if lowered[:match.start()].rstrip().endswith(full.removesuffix("s")):
                return ""
            return f"({full})"
        return match.group(0).replace(word, full)

    return _SPACE.sub(" ", _WORD.sub(write_out, text)).strip()
