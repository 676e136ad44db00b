"""Sharing a lesson or a recommendation with the national library (issue 25; api.md "Learning across
forces"): what leaves the force is anonymised first and approved by a person.

A reviewer makes a draft from a lesson or a recommendation: its text anonymised at once (the
placeholders, "[person]", are the draft's redactions, highlighted on its page), with the source's
themes, incident type and, for a recommendation, its status, closure code and the learning products
that delivered it. The reviewer edits it (the anonymiser runs again on every edit); a board member
approves it, and only the approved text leaves. The draft moves `draft` → `queued` (approved, waiting
for the library) → `published`, and to `withdrawn` when the board takes it back.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from debrief.services import anonymiser, validation
from debrief.services.errors import ValidationFailed


def anonymised(text: str | None) -> tuple[str, list[anonymiser.Span]]:
    """`text` with its personal data replaced by placeholders, and the spans found (offsets into
    `text` as sent: it is not trimmed). Empty, too long or unstorable text: ValidationFailed."""
    errors: dict[str, str] = {}
    validation.text(text, "text", errors, label=_l("the text"), required=True)
    if errors:
        raise ValidationFailed(errors)
    return anonymiser.anonymise(text)


def redaction(span) -> dict:
    """A redaction as the API and the library speak of it."""
    return {"start": span.start, "end": span.end, "kind": span.kind}
