"""Shared pieces for GOV.UK forms."""
from __future__ import annotations

from flask_wtf import FlaskForm

from debrief.services.errors import RuleBroken


def show_rule_errors(form: FlaskForm, error: RuleBroken, fields: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form, against the field it concerns, for the error summary.
    `fields` names the form field for a service field where the two differ (a date-time is shown
    on its date)."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, (fields or {}).get(name, name), None)
        if field is not None:
            field.errors = [*field.errors, message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)
