"""Welsh for the sample data: the default incident classes' Welsh names (migration 0002 made them in
English only) and a Welsh partner agency, so that the demonstration and the seed show Welsh pages whole."""
from __future__ import annotations

from debrief.services import agencies, reference_data

#: The incident classes of migration 0002, in Welsh (for a Welsh speaker's review: /work/tr/admin-notes.md).
INCIDENT_TYPES_CY = {
    "murder": "Llofruddiaeth",
    "manslaughter": "Dynladdiad",
    "infanticide": "Babanladdiad",
    "corporate_manslaughter": "Dynladdiad corfforaethol",
    "attempted_murder": "Ceisio llofruddio",
    "threats_to_kill": "Bygythiadau i ladd",
    "wounding_with_intent": "Clwyfo gyda bwriad (adran 18)",
    "wounding": "Clwyfo (adran 20)",
    "non_fatal_strangulation": "Tagu neu fygu nad yw’n angheuol",
    "other_serious_violence": "Trais difrifol arall",
}

#: Partner agencies in Wales, invited in Welsh: (English name, Welsh name, type).
WELSH_AGENCIES = (
    ("Betsi Cadwaladr University Health Board", "Bwrdd Iechyd Prifysgol Betsi Cadwaladr", "health"),
)


def name_incident_types_in_welsh() -> int:
    """Gives each default incident class without a Welsh name its Welsh name; returns how many."""
    named = 0
    for kind in reference_data.incident_types(include_inactive=True):
        welsh = INCIDENT_TYPES_CY.get(kind.code)
        if welsh and not kind.label_cy:
            reference_data.set_welsh_label(kind, welsh, actor=None)
            named += 1
    return named


def add_welsh_agencies() -> None:
    for name, name_cy, kind in WELSH_AGENCIES:
        if agencies.find(name) is None:
            agencies.add(name=name, name_cy=name_cy, kind=kind, language="cy", actor=None)
