"""Welsh for the sample data: a Welsh partner agency, invited in Welsh, so that the demonstration shows
a partner's Welsh pages whole (the default incident classes get their Welsh from migration 0017)."""
from __future__ import annotations

from debrief.services import agencies

#: Partner agencies in Wales, invited in Welsh: (English name, Welsh name, type).
WELSH_AGENCIES = (
    ("Betsi Cadwaladr University Health Board", "Bwrdd Iechyd Prifysgol Betsi Cadwaladr", "health"),
)


def add_welsh_agencies() -> None:
    for name, name_cy, kind in WELSH_AGENCIES:
        if agencies.find(name) is None:
            agencies.add(name=name, name_cy=name_cy, kind=kind, language="cy", actor=None)
