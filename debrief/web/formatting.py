"""The template filters for dates, numbers and the words for codes (debrief/i18n.py, debrief/vocabulary.py,
debrief/history.py do the work)."""
from __future__ import annotations

from flask import Flask

from debrief.deaths.words import reason_words
from debrief.history import choice_label, describe_event


def register_formatting(app: Flask) -> None:
    app.add_template_filter(choice_label, "choice_label")
    app.add_template_filter(describe_event, "describe_event")
    app.add_template_filter(reason_words, "reason_words")
