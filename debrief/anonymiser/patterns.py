"""Identifiers with a fixed shape, as Presidio pattern recognisers.

Presidio's own UK recognisers are used where they are right: NHS numbers (with their mod-11 check
digit), postcodes and current vehicle registrations. Added here for what it lacks or gets wrong for
police text: National Insurance numbers with HMRC's prefix rules, UK telephone numbers as people write
them, addresses (a number and a street), emails (without Presidio's e-mail recogniser, which looks
the top-level domain up on the internet), crime and incident references in the force's own format and
the common national ones.

All are case-sensitive (Presidio's default ignores case, which would read "an 12 34 56 a" or "in2 6da"
as identifiers).
"""
from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    NhsRecognizer,
    UkPostcodeRecognizer,
    UkVehicleRegistrationRecognizer,
)

from debrief.anonymiser import ENTITY
from debrief.anonymiser.dates import is_date

CASE_SENSITIVE = re.DOTALL | re.MULTILINE



def _recogniser(cls=PatternRecognizer, **kwargs) -> PatternRecognizer:
    kwargs.setdefault("context", [])
    recogniser = cls(supported_language="en", **kwargs)
    recogniser.global_regex_flags = CASE_SENSITIVE  # Presidio's UK recognisers take no flags
    return recogniser


# National Insurance numbers -------------------------------------------------------------------------

#: HMRC never issues these prefixes (nor any with D, F, I, Q, U or V, or O second).
NI_PREFIXES_NOT_USED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def valid_ni_prefix(prefix: str) -> bool:
    first, second = prefix[0], prefix[1]
    return (first not in "DFIQUV" and second not in "DFIOQUV" and prefix not in NI_PREFIXES_NOT_USED)


class NiNumberRecognizer(PatternRecognizer):
    PATTERNS = [Pattern("NI number", r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", 0.6)]

    def __init__(self) -> None:
        super().__init__(supported_entity=ENTITY["ni_number"], patterns=self.PATTERNS, context=[],
                         supported_language="en", global_regex_flags=CASE_SENSITIVE)

    def validate_result(self, pattern_text: str) -> bool:
        return valid_ni_prefix(pattern_text[:2].upper())


class CuedNiNumberRecognizer(NiNumberRecognizer):
    """An NI number in lower case, where a cue says what it is ("NI: ce 48 12 93 a", "national insurance
    no. jk123456a"); without one, "an 12 34 56 a" is read as words."""
    PATTERNS = [Pattern("NI number after a cue",
                        r"(?<=\b(?i:NI|NINO|national insurance)(?:\s(?i:no\.?|number))?\s?[:.-]?\s?)"
                        r"[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d]\b", 0.6)]


# Telephone numbers ----------------------------------------------------------------------------------

class UkPhoneRecognizer(PatternRecognizer):
    """UK numbers as people write them: 07700 900123, +44 (0)7700 900123, (01473) 613500,
    0121 496 0123. Presidio's PhoneRecognizer (python-phonenumbers) refuses the ranges Ofcom keeps
    for drama and reads some national numbers poorly; this one checks only the digit count."""

    PATTERNS = [Pattern("UK phone",
                        r"(?<![\w+/.])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w/])",
                        0.6)]

    def __init__(self) -> None:
        super().__init__(supported_entity=ENTITY["phone"], patterns=self.PATTERNS, context=[],
                         supported_language="en", global_regex_flags=CASE_SENSITIVE)

    def validate_result(self, pattern_text: str) -> bool | None:
        """A UK number's length for its range (01, 02, 03, 05, 07, 080, 084, 087, 09). A valid one keeps its
        pattern's score, below an NHS number's (which is checked by its own digit): "083 016 6130" after
        "NHS" is an NHS number."""
        digits = re.sub(r"\D", "", pattern_text.replace("(0)", ""))
        if digits.startswith("44"):
            digits = "0" + digits[2:]
        if digits[:2] in ("01", "02"):
            valid = len(digits) in (10, 11)
        else:
            valid = len(digits) == 11 and digits[:2] in ("03", "05", "07", "09") or (
                digits[:3] in ("080", "084", "087") and len(digits) in (10, 11))
        return None if valid else False


# Addresses ------------------------------------------------------------------------------------------

STREET_TYPES = (
    "Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Drive|Dr|Close|Court|Ct|Crescent|Cres|Grove|Gardens|Gdns|Terrace|"
    "Way|Walk|Rise|View|Place|Pl|Square|Sq|Hill|Park|Mews|Row|Parade|Green|Vale|Croft|Fields|Meadow|Meadows|"
    "Path|Wharf|Quay|Yard|Chase|Boulevard|Broadway|Circus|Heights|Approach|Grange|Mount|Bank|Brow|Dale|"
    "Glen|Wynd|Common|Orchard|Passage|Embankment|Esplanade|Promenade|Causeway|Cottages|Villas|Mansions|"
    "Gate|Gait|Lea|Leys|Hollow|Nook|Side|Drove|Garth|Loke|Twitten|Copse|Dene|Acre|Acres|Coppice|Spinney"
)
# Welsh street words come first: Ffordd Las, Heol y Nant, Stryd Fawr.
WELSH_STREET_TYPES = "Ffordd|Heol|Stryd|Lôn|Lon|Rhodfa|Cilgant|Clos|Teras|Maes|Llwyn|Bryn|Parc|Cae|Ystad|Pentre"
_WORD = r"[A-Z][\w'’.-]*"
_LINK = r"(?:y|yr|the|de|la|le|of)"  # Heol y Nant, Ffordd yr Eglwys, Lane of the ...
_HOUSE = r"\d{1,4}[A-Za-z]?(?:\s?[-–]\s?\d{1,4}[A-Za-z]?)?"
# A flat, unit or room before the house (Glasgow writes the floor too: Flat 6/2).
_FLAT_WORDS = r"(?:[Ff]lat|[Aa]partment|[Aa]pt\.?|[Uu]nit|[Rr]oom|[Mm]aisonette|[Cc]aravan|[Pp]lot|[Bb]edsit)"
_FLAT_NUMBER = r"\d{1,4}[A-Za-z]?(?:/\d{1,2}[A-Za-z]?)?"
_FLAT = rf"(?:{_FLAT_WORDS}\s+{_FLAT_NUMBER},?\s+)"
# One-word streets: Kingsway, Westgate, Parkside, Northfield.
ONE_WORD_STREET = r"[A-Z][a-z]+(?:way|gate|side|field|fields|croft|mead|ridge|holme|brook|moor|dale|wood|bank)"
# A part of a street after its type: Cowbridge Road East, High Street North (not "... Road North Wales").
_STREET_PART = r"(?:\s+(?:East|West|North|South|Upper|Lower)(?![\w-]|\s+[A-Z]))?"
_STREET = (rf"(?:(?:{_WORD}\s+){{1,3}}(?:{STREET_TYPES}){_STREET_PART}"
           rf"|(?:{WELSH_STREET_TYPES})(?:\s+(?:{_LINK}\s+)?{_WORD}){{1,2}}|{ONE_WORD_STREET}|The\s+{_WORD})")
# A number after a rank is a collar number: "PC 4411 Whitfield".
ADDRESS = (rf"(?<![\w/.])(?<!\b(?:PC|PS|DC|DS|Sgt|PCSO|SC|TPC)\s){_FLAT}?{_HOUSE},?\s+{_STREET}\b")
# A flat in a named building: "Flat 11, Ashdown House", "Apartment 7, The Maltings", "Unit 4, Riverside Court".
BUILDING_TYPES = (rf"{STREET_TYPES}|House|Tower|Towers|Lodge|Buildings|Point|Hall|Mill|Apartments|Residences|"
                  r"Works|Exchange|Block|Maltings|Granary|Studios|Centre")
FLAT_IN_BUILDING = (rf"(?<![\w/.]){_FLAT}(?:(?:The\s+)?(?:{_WORD}\s+){{0,2}}(?:{BUILDING_TYPES})|The\s+{_WORD})\b")
# A house known by its name, with the street after it when there is one: "Rose Cottage, Heol y Felin",
# "Pen-y-Bryn Farm", "The Old Rectory", "Tŷ Newydd, Lôn Goch"; not in a longer name ("Farm Watch").
HOUSE_TYPES = r"Cottage|Cottages|Farm|Farmhouse|Bungalow|Barn|Rectory|Vicarage|Manor|Croft"
_STREET_WITHOUT_NUMBER = (rf"(?:(?:{_WORD}\s+){{1,3}}(?:{STREET_TYPES}){_STREET_PART}"
                          rf"|(?:{WELSH_STREET_TYPES})(?:\s+(?:{_LINK}\s+)?{_WORD}){{1,2}})")
NAMED_HOUSE = (rf"(?<![\w'’-])(?:(?:{_WORD}\s+){{1,2}}(?:{HOUSE_TYPES})(?!\s+[A-Z])|(?:Tŷ|Ty)\s+{_WORD}(?=,\s+{_STREET_WITHOUT_NUMBER}))"
               rf"(?:,\s+{_STREET_WITHOUT_NUMBER})?\b")
# Hurried notes write addresses in lower case: after a flat ("flat 2, 118 cowbridge road east"), or after
# "at", "to" or "from"; the words between the number and the street's type are no function words.
_LOWER_WORD = r"(?!(?:the|a|an|on|in|at|of|to|and|or|for|by|with|from|near|outside|per|hours?|mins?|minutes?|officers?|times?)\b)[a-z][a-z'’-]*"
_LOWER_STREET_TYPES = ("street|road|lane|avenue|drive|close|court|crescent|grove|gardens|terrace|way|walk|place|"
                       "square|mews|row|parade|green|hill|park|rise|view")
LOWER_CASE_ADDRESS = (rf"(?:(?<![\w/.])[Ff]lat\s+{_FLAT_NUMBER},?\s+|(?<=\b(?:at|to|from|lives at|living at)\s))"
                      rf"{_HOUSE},?\s+(?:{_LOWER_WORD}\s+){{1,3}}(?:{_LOWER_STREET_TYPES})"
                      r"(?:\s+(?:east|west|north|south))?\b")


# Postcodes and vehicle registrations ------------------------------------------------------------------

#: The UK's postcode areas (and the Crown Dependencies'): a postcode in lower case must start with one.
POSTCODE_AREAS = (
    "ab al b ba bb bd bh bl bn br bs bt ca cb cf ch cm co cr ct cv cw da dd de dg dh dl dn dt dy e ec eh en ex "
    "fk fy g gl gu gy ha hd hg hp hr hs hu hx ig im ip iv je ka kt kw ky l la ld le ll ln ls lu m me mk ml n ne "
    "ng nn np nr nw ol ox pa pe ph pl po pr rg rh rm s sa se sg sk sl sm sn so sp sr ss st sw sy ta td tf tn tq "
    "tr ts tw ub w wa wc wd wf wn wr ws wv yo ze").split()
_AREA = "|".join(sorted(POSTCODE_AREAS, key=len, reverse=True))
LOWER_CASE_POSTCODE = rf"(?<![\w-])(?:{_AREA})\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{{2}}(?![\w-])"


class VehicleRegistrationRecognizer(PatternRecognizer):
    """Current registrations (AB12 CDE), and the older prefix (P812 KLM) and suffix (FTX 432W) ones, whose
    letters are no acronym a lesson uses (PSU 101A is a unit)."""

    def __init__(self) -> None:
        patterns = [Pattern(p.name, p.regex, 0.6) for p in UkVehicleRegistrationRecognizer.PATTERNS]
        super().__init__(supported_entity=ENTITY["vehicle_registration"], patterns=patterns, context=[],
                         supported_language="en", global_regex_flags=CASE_SENSITIVE)

    def validate_result(self, pattern_text: str) -> bool | None:
        from debrief.anonymiser.lexicon import ACRONYMS

        letters = re.findall(r"[A-Z]+", pattern_text)
        if any(len(run) > 1 and run.lower() in ACRONYMS for run in letters):
            return False
        return None


# References ------------------------------------------------------------------------------------------

# CAD (computer-aided dispatch) logs: "CAD 1234 12/03/26", "CAD 1234/12MAR26", "CAD ref 1234".
CAD = (r"\b(?:CAD|STORM|Storm)\s*(?:ref(?:erence)?\.?|no\.?|number|log)?\s*#?\s*\d{2,6}"
       r"(?:(?:\s+(?:of\s+)?|/)(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}[A-Za-z]{3}\d{2,4}))?\b")
# Other forces' shapes, written with a prefix and the year: CR/2025/004512, CR-2025-57543.
PREFIXED_REFERENCE = r"\b[A-Z]{1,4}[-/](?:19|20)\d{2}[-/]\d{3,8}\b"
# After a word that says it is a reference: "log 5123 of 12/03/24", "crime number 37/12345/26", "URN
# 12AB3456789", "incident 23-0045" (the cue word stays).
_CUE = (r"(?:[Ll]og|LOG|CRIS|[Cc]rime (?:[Rr]eport|[Rr]eference|[Rr]ef|[Nn]umber|[Nn]o)|[Oo]ccurrence|[Ii]ncident|[Ss]erial|"
        r"URN|[Rr]ef(?:erence)?)\.?(?:\s(?:[Nn]o\.?|[Nn]umber|#))?:?\s")
_NUMERIC_DATE = r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
CUED_REFERENCE = (rf"(?<=\b{_CUE})(?:[A-Z]{{0,4}}\d[\dA-Z]*(?:[-/][\dA-Z]+)*)"
                  rf"(?:\s+of\s+{_NUMERIC_DATE}|/\d{{1,2}}[A-Za-z]{{3}}\d{{2,4}})?\b(?!\s\d)")


class PoliceReferenceRecognizer(PatternRecognizer):
    def __init__(self, force_pattern: str) -> None:
        patterns = [
            Pattern("force crime reference", rf"(?<![\w/]){force_pattern}(?![\w/])", 0.6),
            Pattern("CAD log", CAD, 0.7),
            Pattern("prefixed reference", PREFIXED_REFERENCE, 0.6),
            Pattern("cued reference", CUED_REFERENCE, 0.7),
        ]
        super().__init__(supported_entity=ENTITY["crime_reference"], patterns=patterns, context=[],
                         supported_language="en", global_regex_flags=CASE_SENSITIVE)

    def validate_result(self, pattern_text: str) -> bool | None:
        """A force pattern as loose as 12/34/56 also matches dates, and a cue word a count or a year
        ("incident 2023", "log 100 calls"): neither is a reference."""
        digits = sum(c.isdigit() for c in pattern_text)
        if is_date(pattern_text) or digits < 3 or re.fullmatch(r"(?:19|20)\d\d|\d{1,3}", pattern_text):
            return False  # "log 100 calls", "incident 2023"
        return None


def recognisers(force_pattern: str) -> list[PatternRecognizer]:
    return [
        NiNumberRecognizer(),
        CuedNiNumberRecognizer(),
        _recogniser(NhsRecognizer, supported_entity=ENTITY["nhs_number"]),
        _recogniser(UkPostcodeRecognizer, supported_entity=ENTITY["postcode"],
                    patterns=[*(Pattern(p.name, p.regex, 0.6) for p in UkPostcodeRecognizer.PATTERNS),
                              Pattern("postcode in lower case", LOWER_CASE_POSTCODE, 0.6)]),
        VehicleRegistrationRecognizer(),
        UkPhoneRecognizer(),
        _recogniser(supported_entity=ENTITY["email"],
                    patterns=[Pattern("email", r"\b[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", 0.9)]),
        _recogniser(supported_entity=ENTITY["address"], patterns=[
            Pattern("address", ADDRESS, 0.6), Pattern("flat in a building", FLAT_IN_BUILDING, 0.6),
            Pattern("named house", NAMED_HOUSE, 0.6), Pattern("address in lower case", LOWER_CASE_ADDRESS, 0.6)]),
        PoliceReferenceRecognizer(force_pattern),
    ]
