"""A record's history in plain words: one line for each event in the audit history of a debrief, a
recommendation and its learning products and deadlines. Pages and Word documents show the same lines,
in the reader's language."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from debrief import vocabulary
from debrief.i18n import date_and_time, long_date
from debrief.services import reference_data
from debrief.vocabulary import PRODUCT_KIND, PRODUCT_STATUS_IN_SENTENCE


def choice_label(value: str | None, kind: str) -> str:
    """The words for a stored choice, e.g. 'knife' → 'Knife or sharp instrument'."""
    if not value:
        return ""
    return vocabulary.words(CHOICES.get(kind, {}), value)


#: A debrief's fields that hold a choice, and the words for their codes.
CHOICES = {"theme": vocabulary.THEME, "weapon": vocabulary.WEAPON, "relationship": vocabulary.RELATIONSHIP,
           "victim_sex": vocabulary.VICTIM_SEX}


_MOMENTS = {"occurred_at", "reported_at", "held_at", "meeting_scheduled_for"}
_CHOICE_FIELDS = {"themes": "theme", "weapon": "weapon", "victim_sex": "victim_sex",
                  "relationship_to_suspect": "relationship"}


def _in_words(field: str, value):
    """A recorded value as the reviewer chose it on the form: words for choices, London time for
    moments. Only the fields that hold such values are converted; typed text stays as typed."""
    if (field in _MOMENTS or field.endswith("_at")) and isinstance(value, str):
        try:
            return date_and_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if field in _CHOICE_FIELDS:
        kind = _CHOICE_FIELDS[field]
        if isinstance(value, list):
            return [choice_label(v, kind) for v in value]
        return choice_label(value, kind)
    if field == "incident_type" and isinstance(value, str):
        kind = reference_data.incident_type(value)
        return kind.localised_label if kind is not None else value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def _nothing() -> str:
    # TRANSLATORS: a history line's value when a field was empty: "due date from nothing to 6 December 2026".
    return _("nothing")


def _short(field: str, value) -> str:
    if value is None or value == "" or value == []:
        return _nothing()
    value = _in_words(field, value)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _from_to(field: str, before: str, after: str) -> str:
    """One change in a history line: "area from North to South"."""
    return _("%(field)s from %(before)s to %(after)s", field=field, before=before, after=after)


def _with_reason(line: str, reason: str | None) -> str:
    """A history line, then the reason given for it as a sentence of its own."""
    return _("%(line)s Reason: %(reason)s", line=line, reason=reason) if reason else line


def describe_event(event) -> str:
    """One line of a record's history, in plain words. The clock's name (`changes['clock']`) is
    recorded data and stays as it was recorded; the sentence around it is in the reader's language."""
    changes = event.changes or {}
    clock = changes.get("clock", "")
    reason = changes.get("reason") if event.action != "clock_withdrawn" else None

    def due(key="due_date"):
        value = changes.get(key)
        if isinstance(value, dict):
            value = value.get("to")
        return long_date(date.fromisoformat(value)) if value else None

    if event.action == "created" and event.entity == "debrief":
        return _("Opened the debrief")
    if event.action in ("updated", "meeting_recorded"):
        parts = "; ".join(_from_to(vocabulary.words(vocabulary.DEBRIEF_FIELD, k), _short(k, v.get("from")),
                                   _short(k, v.get("to")))
                          for k, v in changes.items() if isinstance(v, dict) and k != "version")
        if event.action == "meeting_recorded":
            return _("Recorded the meeting: %(changes)s", changes=parts) if parts else _("Recorded the meeting")
        return _("Changed: %(changes)s", changes=parts) if parts else _("Changed")
    dated = {"clock_added", "clock_moved", "clock_started", "clock_extended", "clock_resumed"}
    when = due() if event.action in dated else None
    phrases = {
        "clock_added": lambda: (_("Deadline added: %(clock)s, due %(date)s", clock=clock, date=when) if when else
                                _("Deadline added: %(clock)s, due when its earlier step is met", clock=clock)),
        "clock_withdrawn": lambda: _("Deadline withdrawn: %(clock)s no longer applies", clock=clock),
        "clock_moved": lambda: (_("Deadline moved: %(clock)s now due %(date)s", clock=clock, date=when) if when else
                                _("Deadline moved: %(clock)s now due when its earlier step is met", clock=clock)),
        "clock_started": lambda: (_("Deadline started: %(clock)s, due %(date)s", clock=clock, date=when) if when else
                                  _("Deadline started: %(clock)s, due when its earlier step is met", clock=clock)),
        "clock_met": lambda: _("Deadline met: %(clock)s", clock=clock),
        "lesson_added": lambda: _("Lesson added: %(text)s", text=_short("text", changes.get("text"))),
        "clock_met_corrected": lambda: _("Deadline's met time corrected: %(clock)s", clock=clock),
        "clock_met_undone": lambda: _("Deadline no longer met (marked by mistake): %(clock)s", clock=clock),
        "clock_waiting": lambda: _("Deadline waiting again: %(clock)s starts when %(earlier)s is met", clock=clock,
                                   earlier=changes.get("waits_for")),
        "invitation_sent": lambda: _("Invited %(agency)s (%(email)s)", agency=changes.get("agency"),
                                     email=changes.get("email")),
        "invitation_opened": lambda: _("Partner opened the invitation link"),
        "contribution_submitted": lambda: _("Partner sent a contribution (version %(version)s)",
                                            version=changes.get("version")),
        "invitation_revoked": lambda: _("Withdrew the invitation to %(agency)s", agency=changes.get("agency")),
        "invitation_refused": lambda: _("Refused a use of a %(because)s invitation link",
                                        because=changes.get("because")),
        "clock_extended": lambda: _with_reason(
            _("Deadline extended: %(clock)s now due %(date)s.", clock=clock, date=when) if when else
            _("Deadline extended: %(clock)s now due when its earlier step is met.", clock=clock), reason),
        "clock_paused": lambda: _with_reason(_("Deadline paused: %(clock)s.", clock=clock), reason),
        "clock_resumed": lambda: _with_reason(
            _("Deadline resumed: %(clock)s now due %(date)s.", clock=clock, date=when) if when else
            _("Deadline resumed: %(clock)s now due when its earlier step is met.", clock=clock), reason),
    }
    if event.action in phrases:
        return phrases[event.action]()
    if event.action in RECOMMENDATION_ACTIONS:
        return describe(event)
    return event.action.replace("_", " ").capitalize()


#: What learning_words.describe puts in words (recommendations and their learning products).
RECOMMENDATION_ACTIONS = {"recommendation_added", "status_changed", "progress_added", "evidence_added",
                          "board_extend", "board_escalate", "product_added", "product_updated", "clock_reopened"}


def field_name(field: str) -> str:
    return str(vocabulary.RECOMMENDATION_FIELD.get(field, field.replace("_", " ")))


def value_in_words(field: str, value, lesson_numbers: dict[int, int] | None = None) -> str:
    """A recorded value as people chose it: words for codes, dates in full, lessons by number."""
    if value is None or value == "" or value == []:
        return _nothing()
    if field == "status":
        return vocabulary.words(vocabulary.STATUS, value).lower()
    if field == "priority":
        return vocabulary.words(vocabulary.PRIORITY, value).lower()
    if field == "closure_code":
        return vocabulary.words(vocabulary.CLOSURE_CODE, value).lower()
    if field in ("due_date", "delivered_on") and isinstance(value, str):
        try:
            return long_date(date.fromisoformat(value))
        except ValueError:
            return value
    if field == "lessons" and isinstance(value, list):
        numbers = lesson_numbers or {}
        return ", ".join(_("lesson %(number)s", number=numbers.get(v, v)) for v in value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _changes(changes: dict, lesson_numbers: dict[int, int]) -> str:
    return "; ".join(_from_to(field_name(k), value_in_words(k, v.get("from"), lesson_numbers),
                              value_in_words(k, v.get("to"), lesson_numbers))
                     for k, v in changes.items() if isinstance(v, dict) and k != "version")


def _with_rationale(line: str, changes: dict) -> str:
    """A history line, then the board's rationale as a sentence of its own."""
    if not changes.get("rationale"):
        return line
    return _("%(line)s Rationale: %(rationale)s", line=line,
             rationale=value_in_words("rationale", changes["rationale"]))


def _recommendation_line(event, changes: dict, lesson_numbers: dict[int, int]) -> str | None:
    if event.action == "recommendation_added":
        values = {"owner": changes.get("owner"), "date": value_in_words("due_date", changes.get("due_date"))}
        if changes.get("reference"):
            return _("Wrote %(reference)s and allocated it to %(owner)s, due %(date)s",
                     reference=changes["reference"], **values)
        return _("Wrote the recommendation and allocated it to %(owner)s, due %(date)s", **values)
    if event.action == "updated":
        return _("Changed: %(changes)s", changes=_changes(changes, lesson_numbers))
    if event.action == "status_changed":
        move = changes.get("status") or {}
        before, after = move.get("from"), move.get("to")
        if after == "closed":
            code = value_in_words("closure_code", changes.get("closure_code", {}).get("to"))
            return _with_rationale(_("Closed as %(closure)s.", closure=code), changes)
        if before == "awaiting_closure" and after == "in_progress":
            return _with_rationale(_("Closure rejected: back to in progress."), changes)
        if after == "in_progress":
            return _("Owner responded: now in progress")
        if after == "awaiting_closure":
            return _("Asked for closure: now awaiting closure")
        return _("Status changed from %(before)s to %(after)s", before=value_in_words("status", before),
                 after=value_in_words("status", after))
    if event.action == "progress_added":
        return _("Added progress: %(text)s", text=value_in_words("progress", changes.get("progress")))
    if event.action == "evidence_added":
        return _("Added evidence: %(text)s", text=value_in_words("evidence", changes.get("evidence")))
    if event.action == "board_extend":
        due = changes.get("due_date") or {}
        return _with_rationale(_("Board extended the due date to %(date)s.",
                                 date=value_in_words("due_date", due.get("to"))), changes)
    if event.action == "board_escalate":
        if changes.get("escalated_to"):
            return _with_rationale(_("Board escalated the recommendation to %(person)s.",
                                     person=changes["escalated_to"]), changes)
        return _with_rationale(_("Board escalated the recommendation."), changes)
    return None


def _product_change(key: str, change: dict) -> str:
    if key == "status":
        return _("from %(before)s to %(after)s",
                 before=vocabulary.words(PRODUCT_STATUS_IN_SENTENCE, change.get("from")),
                 after=vocabulary.words(PRODUCT_STATUS_IN_SENTENCE, change.get("to")))
    # TRANSLATORS: a learning product's field and its new value: "delivered on 6 December 2026".
    return _("%(field)s %(value)s", field=field_name(key), value=value_in_words(key, change.get("to")))


def describe(event, *, products: dict[int, str] | None = None, lesson_numbers: dict[int, int] | None = None) -> str:
    """One line of a recommendation's history: its own events, its learning products' and its clocks'."""
    changes = event.changes or {}
    lesson_numbers = lesson_numbers or {}
    if event.entity == "recommendation":
        line = _recommendation_line(event, changes, lesson_numbers)
        if line is not None:
            return line
    if event.entity == "learning_product":
        title = (products or {}).get(event.entity_id) or changes.get("title")
        if event.action == "product_added":
            kind = vocabulary.words(PRODUCT_KIND, changes.get("kind"))
            if title:
                return _("Learning product added: %(title)s (%(kind)s)", title=title, kind=kind)
            return _("Learning product added: a learning product (%(kind)s)", kind=kind)
        if event.action == "product_updated":
            parts = "; ".join(_product_change(key, change) for key, change in changes.items()
                              if isinstance(change, dict))
            if not title:
                title = _("a learning product")
            if parts:
                return _("Learning product updated: %(title)s (%(changes)s)", title=title, changes=parts)
            return _("Learning product updated: %(title)s", title=title)
    if event.entity == "clock" and event.action == "clock_reopened":
        if changes.get("because"):
            return _("Deadline running again: %(clock)s, because %(because)s", clock=changes.get("clock"),
                     because=changes["because"])
        return _("Deadline running again: %(clock)s, because it was reopened", clock=changes.get("clock"))
    return describe_event(event)
