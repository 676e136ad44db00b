"""The words for the death reports' codes, and for the reasons two deaths look alike: one home for
pages, documents and the API's `reasons`, so a code reads the same everywhere."""
from __future__ import annotations

from collections.abc import Sequence

SOURCE = {
    "police": "Police sudden-death report",
    "nhs": "NHS (ambulance, emergency department, mortuary)",
    "local_authority": "Local authority (social care, registrar)",
}
SOURCE_SHORT = {"police": "Police", "nhs": "NHS", "local_authority": "Local authority"}

LOCATION_TYPE = {
    "dwelling": "a home", "care_home": "a care home", "hospital": "a hospital", "hostel": "a hostel",
    "hotel": "a hotel", "street": "the street", "public_open_space": "a public open space",
    "place_of_worship_grounds": "the grounds of a place of worship", "river_or_water": "a river or water",
    "railway": "the railway", "woodland": "woodland", "vehicle": "a vehicle", "workplace": "a workplace",
    "custody": "custody", "other": "another place",
}
CAUSE = {
    "natural": "Natural causes", "drug_related": "Drug-related", "alcohol_related": "Alcohol-related",
    "hanging": "Hanging", "fall_from_height": "Fall from height", "drowning": "Drowning", "railway": "Railway",
    "trauma_blunt": "Blunt trauma", "trauma_sharp": "Sharp trauma", "burns": "Burns", "hypothermia": "Hypothermia",
    "road_traffic": "Road traffic", "unexplained": "Unexplained", "other": "Other",
}
SUBSTANCE = {
    "alcohol": "alcohol", "heroin": "heroin", "methadone": "methadone", "cocaine": "cocaine",
    "crack_cocaine": "crack cocaine", "benzodiazepine": "benzodiazepines", "pregabalin": "pregabalin",
    "ghb": "GHB", "ketamine": "ketamine", "mdma": "MDMA", "amphetamine": "amphetamine", "spice": "spice",
    "fentanyl": "fentanyl", "nitazene": "nitazenes", "insulin": "insulin", "paracetamol": "paracetamol",
    "antidepressant": "antidepressants", "other": "another substance",
}
INDICATOR = {
    "no_signs_of_disturbance": "no signs of disturbance", "signs_of_disturbance": "signs of disturbance",
    "partially_clothed": "partially clothed", "body_moved": "body moved", "unknown_companion": "an unknown companion",
    "signs_of_sexual_activity": "signs of sexual activity", "injuries_inconsistent": "injuries inconsistent with the account",
    "head_injury": "a head injury", "ligature_not_from_scene": "a ligature not from the scene",
    "recent_domestic_abuse_report": "a recent domestic abuse report", "night_out": "a night out",
    "lives_alone": "lived alone", "known_to_social_care": "known to social care", "homeless": "homeless",
    "property_disturbed": "property disturbed", "cold_caller_reported": "a cold caller reported",
    "accelerant_suspected": "accelerant suspected", "multiple_seats_of_fire": "several seats of fire",
    "hypoglycaemia": "hypoglycaemia", "not_diabetic": "not diabetic", "found_by_stranger": "found by a stranger",
    "found_by_relative": "found by a relative", "found_by_carer": "found by a carer",
    "previous_overdose": "a previous overdose", "recent_prison_release": "recently released from prison",
}
CLASSIFICATION = {
    "non_suspicious": "Non-suspicious", "unexplained": "Unexplained", "suspicious": "Suspicious",
    "homicide": "Homicide",
}
SEX = {"male": "Male", "female": "Female", "unknown": "Not known"}
SERIES_STATUS = {"candidate": "Candidate", "confirmed": "Confirmed", "dismissed": "Dismissed"}
FIELD = {
    "source_reference": "Source's reference", "reported_at": "Reported", "found_at": "Found",
    "family_name": "Family name", "given_names": "Given names", "date_of_birth": "Date of birth", "sex": "Sex",
    "nhs_number": "NHS number", "latitude": "Latitude", "longitude": "Longitude", "location_type": "Place found",
    "apparent_cause": "Apparent cause", "substances": "Substances", "indicators": "What the scene and history showed",
    "initial_classification": "Initial classification", "narrative": "Narrative",
}
#: "found ..." for each location type, and each cause as "both ..." reads it.
FOUND = {
    "dwelling": "at home", "care_home": "in a care home", "hospital": "in hospital", "hostel": "in a hostel",
    "hotel": "in a hotel", "street": "in the street", "public_open_space": "in a public open space",
    "place_of_worship_grounds": "in the grounds of a place of worship", "river_or_water": "in a river or water",
    "railway": "on the railway", "woodland": "in woodland", "vehicle": "in a vehicle", "workplace": "at a workplace",
    "custody": "in custody", "other": "in another kind of place"}
BOTH_CAUSE = {
    "natural": "apparently natural", "drug_related": "drug-related", "alcohol_related": "alcohol-related",
    "hanging": "hangings", "fall_from_height": "falls from height", "drowning": "drownings",
    "railway": "railway deaths", "trauma_blunt": "blunt trauma", "trauma_sharp": "sharp trauma", "burns": "burns",
    "hypothermia": "hypothermia", "road_traffic": "road traffic deaths", "unexplained": "unexplained",
    "other": "of another cause"}
_PEOPLE = {"male": "men", "female": "women"}


def words_for(codes: Sequence[str], vocabulary: dict[str, str]) -> str:
    return ", ".join(vocabulary.get(code, code) for code in codes)


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
        who = _PEOPLE.get(field or "", "")
        if value is None:
            return f"both {who + ' ' if who else ''}aged {low}\u2013{high}"
        return f"{who or 'people'} aged {low}\u2013{high} ({value} deaths)"
    if kind == "sex":
        who = _PEOPLE.get(code or "", "the same sex")
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
