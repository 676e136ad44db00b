"""Shared pieces for GOV.UK forms."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from debrief.extensions import db
from debrief.services.errors import RuleBroken

T = TypeVar("T")


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


def save(form: FlaskForm, action: Callable[[], T], fields: dict[str, str] | None = None) -> tuple[bool, T | None]:
    """Runs a form's service call as the request's transaction. Commits and returns (True, result);
    when a rule says no, rolls back, shows why on the form and returns (False, None)."""
    try:
        result = action()
    except RuleBroken as error:
        db.session.rollback()
        show_rule_errors(form, error, fields)
        return False, None
    db.session.commit()
    return True, result


class ConfirmForm(FlaskForm):
    """A button that posts with a CSRF token and nothing else (asking first, withdrawing, retrying)."""


def act(action: Callable[[], object], done: Callable[[], str]) -> bool:
    """Runs a button's service call (no form to show errors on) as the request's transaction: commits
    and flashes `done()`, or, when a rule says no, rolls back and flashes why. Returns whether it was done."""
    try:
        action()
    except RuleBroken as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(done(), "success")
    return True
