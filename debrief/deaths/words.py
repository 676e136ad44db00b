"""The reasons two deaths look alike, in words: one home for pages, documents and the API's `reasons`,
built from the words for the death reports' codes (debrief/vocabulary.py)."""
from __future__ import annotations

from debrief.vocabulary import BOTH_CAUSE, CLASSIFICATION, FOUND, INDICATOR, PEOPLE, SUBSTANCE


def _shared(field: str | None, code: str) -> str:
    """What is shared, without "both": "GHB", "found in a care home", "an unknown companion"."""
    if field == "location_type":
        return f"found {FOUND.get(code, code)}"
    if field == "cause":
        return BOTH_CAUSE.get(code, code)
    if field == "classification":
        return f"first classed {CLASSIFICATION.get(code, code).lower()}"
    if field == "substance":
        return SUBSTANCE.get(code, code)
    if field == "indicator":
        return INDICATOR.get(code, code)
    return code


def _metres(value: int) -> str:
    return f"{value:,} m" if value < 10_000 else f"{value / 1000:.0f} km"


def reason_words(reason) -> str:
    """One reason deaths look alike (debrief/deaths/series.py's Reason, or as stored: [kind, field,
    code, value]), in words. For two deaths: "both GHB", "both: an unknown companion", "both men aged
    20–29", "380 m apart", "41 days apart". For a series, where `value` counts its deaths that
    share it: "GHB (4 deaths)", "all within 600 m", "over 420 days"."""
    if hasattr(reason, "kind"):
        kind, field, code, value = reason.kind, reason.field, reason.code, reason.value
    else:
        kind, field, code, value = (list(reason) + [None] * 4)[:4]
    if kind == "shared":
        words = _shared(field, code or "")
        if value is not None:
            return f"{words} ({value} deaths)"
        return f"both: {words}" if field == "indicator" else f"both {words}"
    if kind == "age":
        low, _, high = (code or "-").partition("-")
        who = PEOPLE.get(field or "", "")
        if value is None:
            return f"both {who + ' ' if who else ''}aged {low}\u2013{high}"
        return f"{who or 'people'} aged {low}\u2013{high} ({value} deaths)"
    if kind == "sex":
        who = PEOPLE.get(code or "", "the same sex")
        return f"both {who}" if value is None else f"{who} ({value} deaths)"
    if kind == "distance":
        return "places not known" if value is None else f"{_metres(value)} apart"
    if kind == "days":
        if value is None:
            return "dates not known"
        return "the same day" if value == 0 else "1 day apart" if value == 1 else f"{value:,} days apart"
    if kind == "spread":
        return f"all within {_metres(value or 0)}"
    if kind == "span":
        return "all on one day" if not value else f"over {value:,} days"
    return str(kind)
