"""The messages the shared checks write about a debrief, its meeting and its clocks, in the reader's language.

The shared checks (services/validation.py, and web/fields.py for a date and a time typed on a form) build
their English sentences from a field's name ("Enter " + "the crime reference"). Welsh cannot be built that
way (it mutates the word after the verb: "Rhowch gyfeirnod y drosedd"), so every whole sentence those checks
write for the fields of this area is listed here, marked for translation as it stands, and
`in_reader_language()` looks each message up whole. A sentence not listed stays as it was written.
"""
from __future__ import annotations

import re

from flask_babel import gettext


def N_(message: str) -> str:
    """Marks a whole sentence for the catalogue; it is translated where it is shown."""
    return message


#: What services/validation.py and web/fields.py say about the debrief's fields, its meeting and its clocks.
SENTENCES = (
    # The debrief (services/debriefs.py, web/debriefs.py)
    N_("Enter the crime reference"),
    N_("The crime reference contains characters that cannot be stored; remove them"),
    N_("The crime reference must be 40 characters or fewer"),
    N_("The operation name contains characters that cannot be stored; remove them"),
    N_("The operation name must be 120 characters or fewer"),
    N_("The area contains characters that cannot be stored; remove them"),
    N_("The area must be 120 characters or fewer"),
    N_("Enter a summary of the incident"),
    N_("A summary of the incident contains characters that cannot be stored; remove them"),
    N_("A summary of the incident must be 10,000 characters or fewer"),
    N_("The partner briefing contains characters that cannot be stored; remove them"),
    N_("The partner briefing must be 5,000 characters or fewer"),
    N_("Select themes from the list"),
    N_("Select the victim's sex from the list"),
    N_("Select the victim's relationship to the suspect from the list"),
    N_("Select the weapon from the list"),
    N_("The date the incident happened must be today or in the past"),
    N_("The time the incident happened must be in the past"),
    N_("The date the incident happened must be in 1900 or later"),
    N_("The date the incident was reported must be today or in the past"),
    N_("The time the incident was reported must be in the past"),
    N_("The date the incident was reported must be in 1900 or later"),
    N_("The date the incident was reported must be the same as or after the date it happened"),
    N_("The time the incident was reported must be the same as or after the time it happened"),
    N_("The date the incident happened must be a real date, like 2 11 2026"),
    N_("Enter the date the incident happened"),
    N_("The time the incident happened must be on the 24-hour clock, like 23:40"),
    N_("Enter the time the incident happened, for example 23:40"),
    N_("The date the incident was reported must be a real date, like 2 11 2026"),
    N_("Enter the date the incident was reported"),
    N_("The time the incident was reported must be on the 24-hour clock, like 23:40"),
    N_("Enter the time the incident was reported, for example 23:40"),
    # The meeting
    N_("The date of the meeting must be today or in the past"),
    N_("The time of the meeting must be in the past"),
    N_("The date of the meeting must be in 1900 or later"),
    N_("The date of the meeting must be a real date, like 2 11 2026"),
    N_("Enter the date of the meeting"),
    N_("The time of the meeting must be on the 24-hour clock, like 23:40"),
    N_("Enter the time of the meeting, for example 23:40"),
    # A clock
    N_("The date it was met must be a real date, like 2 11 2026"),
    N_("Enter the date it was met"),
    N_("The time it was met must be on the 24-hour clock, like 23:40"),
    N_("Enter the time it was met, for example 23:40"),
    N_("Enter a reason"),
    N_("A reason contains characters that cannot be stored; remove them"),
    N_("A reason must be 2,000 characters or fewer"),
)

#: "the name of attendee 3": the number is put back into the whole sentence.
_ATTENDEE = re.compile(r"^(.*attendee )(\d+)(.*)$")
ATTENDEE_SENTENCES = {
    "Enter the name of attendee %(number)d":
        N_("Enter the name of attendee %(number)d"),
    "The name of attendee %(number)d contains characters that cannot be stored; remove them":
        N_("The name of attendee %(number)d contains characters that cannot be stored; remove them"),
    "The name of attendee %(number)d must be 120 characters or fewer":
        N_("The name of attendee %(number)d must be 120 characters or fewer"),
    "Enter the agency of attendee %(number)d":
        N_("Enter the agency of attendee %(number)d"),
    "The agency of attendee %(number)d contains characters that cannot be stored; remove them":
        N_("The agency of attendee %(number)d contains characters that cannot be stored; remove them"),
    "The agency of attendee %(number)d must be 120 characters or fewer":
        N_("The agency of attendee %(number)d must be 120 characters or fewer"),
}
_KNOWN = frozenset(SENTENCES)


def sentence(message: str) -> str:
    """One message in the reader's language, if it is one of those listed; else as it was written."""
    if message in _KNOWN:
        return gettext(message)
    if (match := _ATTENDEE.match(message)) is not None:
        pattern = f"{match.group(1)}%(number)d{match.group(3)}"
        if pattern in ATTENDEE_SENTENCES:
            return gettext(pattern, number=int(match.group(2)))
    return message


def in_reader_language(errors: dict[str, str]) -> dict[str, str]:
    """Each field's message in the reader's language (the field names, which the API answers with, kept)."""
    return {field: sentence(message) for field, message in errors.items()}
