"""The reasons two deaths look alike, in words: one home for pages, documents and the API's `reasons`,
built from the words for the death reports' codes (debrief/vocabulary.py), in the reader's language.

Each reason is one whole sentence per kind (and per field of a shared circumstance), with named
placeholders: Welsh mutates words after "both", numbers and prepositions, so no reason is made by
joining translated fragments."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from flask import has_app_context

from debrief import i18n
from debrief.vocabulary import BOTH_CAUSE, CLASSIFICATION, FOUND, INDICATOR, SUBSTANCE, words


def number(value: int | float) -> str:
    """"1,234" in the reader's language; grouped as in English outside an application (scripts, unit tests)."""
    return i18n.number(value) if has_app_context() else f"{value:,}"


def _metres(value: int) -> str:
    if value < 10_000:
        return _("%(metres)s m", metres=number(value))
    return _("%(kilometres)s km", kilometres=number(round(value / 1000)))


def _pair(field: str | None, code: str) -> str:
    """A circumstance two deaths share: "both GHB", "both found in a care home", "both: an unknown companion"."""
    if field == "location_type":
        return _("both found %(place)s", place=words(FOUND, code))
    if field == "cause":
        return _("both %(cause)s", cause=words(BOTH_CAUSE, code))
    if field == "classification":
        return _("both first classed %(classification)s", classification=words(CLASSIFICATION, code).lower())
    if field == "substance":
        return _("both %(substance)s", substance=words(SUBSTANCE, code))
    if field == "indicator":
        return _("both: %(indicator)s", indicator=words(INDICATOR, code))
    return _("both %(code)s", code=code)


def _series(field: str | None, code: str, count: int) -> str:
    """A circumstance `count` deaths of a series share: "GHB (4 deaths)", "found in a care home (3 deaths)"."""
    num = number(count)
    if field == "location_type":
        return ngettext("found %(place)s (%(count)s death)", "found %(place)s (%(count)s deaths)", count,
                        place=words(FOUND, code), count=num)
    if field == "cause":
        return ngettext("%(cause)s (%(count)s death)", "%(cause)s (%(count)s deaths)", count,
                        cause=words(BOTH_CAUSE, code), count=num)
    if field == "classification":
        return ngettext("first classed %(classification)s (%(count)s death)",
                        "first classed %(classification)s (%(count)s deaths)", count,
                        classification=words(CLASSIFICATION, code).lower(), count=num)
    if field == "substance":
        return ngettext("%(substance)s (%(count)s death)", "%(substance)s (%(count)s deaths)", count,
                        substance=words(SUBSTANCE, code), count=num)
    if field == "indicator":
        return ngettext("%(indicator)s (%(count)s death)", "%(indicator)s (%(count)s deaths)", count,
                        indicator=words(INDICATOR, code), count=num)
    return ngettext("%(code)s (%(count)s death)", "%(code)s (%(count)s deaths)", count, code=code, count=num)


def _age(who: str | None, low: str, high: str, count: int | None) -> str:
    if count is None:
        if who == "male":
            return _("both men aged %(low)s–%(high)s", low=low, high=high)
        if who == "female":
            return _("both women aged %(low)s–%(high)s", low=low, high=high)
        return _("both aged %(low)s–%(high)s", low=low, high=high)
    num = number(count)
    if who == "male":
        return ngettext("men aged %(low)s–%(high)s (%(count)s death)", "men aged %(low)s–%(high)s (%(count)s deaths)",
                        count, low=low, high=high, count=num)
    if who == "female":
        return ngettext("women aged %(low)s–%(high)s (%(count)s death)",
                        "women aged %(low)s–%(high)s (%(count)s deaths)", count, low=low, high=high, count=num)
    return ngettext("people aged %(low)s–%(high)s (%(count)s death)", "people aged %(low)s–%(high)s (%(count)s deaths)",
                    count, low=low, high=high, count=num)


def _sex(code: str | None, count: int | None) -> str:
    if count is None:
        if code == "male":
            return _("both men")
        if code == "female":
            return _("both women")
        return _("both the same sex")
    num = number(count)
    if code == "male":
        return ngettext("men (%(count)s death)", "men (%(count)s deaths)", count, count=num)
    if code == "female":
        return ngettext("women (%(count)s death)", "women (%(count)s deaths)", count, count=num)
    return ngettext("the same sex (%(count)s death)", "the same sex (%(count)s deaths)", count, count=num)


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
        return _pair(field, code or "") if value is None else _series(field, code or "", value)
    if kind == "age":
        low, _dash, high = (code or "-").partition("-")
        return _age(field, low, high, value)
    if kind == "sex":
        return _sex(code, value)
    if kind == "distance":
        return _("places not known") if value is None else _("%(distance)s apart", distance=_metres(value))
    if kind == "days":
        if value is None:
            return _("dates not known")
        if value == 0:
            return _("the same day")
        return ngettext("%(count)s day apart", "%(count)s days apart", value, count=number(value))
    if kind == "spread":
        return _("all within %(distance)s", distance=_metres(value or 0))
    if kind == "span":
        if not value:
            return _("all on one day")
        return ngettext("over %(count)s day", "over %(count)s days", value, count=number(value))
    return str(kind)


# The record linkage's reasons (debrief/deaths/linkage.py), stored in English with each possible match:
# read back in the reader's language.

_MATCH_REASONS = {
    "NHS numbers match": _l("NHS numbers match"),
    "NHS numbers one slip apart": _l("NHS numbers one slip apart"),
    "NHS numbers differ": _l("NHS numbers differ"),
    "family names match": _l("family names match"),
    "family names alike": _l("family names alike"),
    "family names somewhat alike": _l("family names somewhat alike"),
    "family names differ": _l("family names differ"),
    "first given names match": _l("first given names match"),
    "given names: one is a nickname of the other": _l("given names: one is a nickname of the other"),
    "given names alike": _l("given names alike"),
    "given names somewhat alike": _l("given names somewhat alike"),
    "given names differ": _l("given names differ"),
    "dates of birth match": _l("dates of birth match"),
    "dates of birth: day and month swapped": _l("dates of birth: day and month swapped"),
    "dates of birth within a month": _l("dates of birth within a month"),
    "same year of birth": _l("same year of birth"),
    "dates of birth differ": _l("dates of birth differ"),
    "same sex": _l("same sex"),
    "sex differs": _l("sex differs"),
    "found within 3 hours": _l("found within 3 hours"),
    "found within a day": _l("found within a day"),
    "found within 3 days": _l("found within 3 days"),
    "found within two weeks": _l("found within two weeks"),
    "found more than two weeks apart": _l("found more than two weeks apart"),
    "found within 300 m": _l("found within 300 m"),
    "found within 1 km": _l("found within 1 km"),
    "found within 5 km": _l("found within 5 km"),
    "found more than 5 km apart": _l("found more than 5 km apart"),
    "family name missing": _l("family name missing"),
    "given name missing": _l("given name missing"),
    "date of birth missing": _l("date of birth missing"),
    "place unknown or a hospital": _l("place unknown or a hospital"),
    "found the same day": _l("found the same day"),
    "found a day apart": _l("found a day apart"),
    "found within the hour": _l("found within the hour"),
    "found at the same place": _l("found at the same place"),
    "one place is a hospital": _l("one place is a hospital"),
    "not linked: the death already has a report from that source":
        _l("not linked: the death already has a report from that source"),
    "not linked: an analyst kept these deaths apart": _l("not linked: an analyst kept these deaths apart"),
}

_FOUND_APART = re.compile(r"^found (\d+) (days|hours|m) apart$")
_FOUND_KM_APART = re.compile(r"^found (\d+(?:\.\d+)?) km apart$")


def match_reason_words(reason: str) -> str:
    """One reason the record linkage gave for a possible match ("dates of birth match", "found 3 days
    apart"), in the reader's language; a reason this version does not know is shown as stored."""
    known = _MATCH_REASONS.get(reason)
    if known is not None:
        return str(known)
    if found := _FOUND_APART.match(reason):
        count, unit = int(found.group(1)), found.group(2)
        if unit == "days":
            return ngettext("found %(count)s day apart", "found %(count)s days apart", count, count=number(count))
        if unit == "hours":
            return ngettext("found %(count)s hour apart", "found %(count)s hours apart", count, count=number(count))
        return _("found %(metres)s m apart", metres=number(count))
    if found := _FOUND_KM_APART.match(reason):
        return _("found %(kilometres)s km apart", kilometres=found.group(1))
    return reason
