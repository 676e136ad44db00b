"""Administration: staff users and their roles; the outbox of emails that could not be sent."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovPasswordInput, GovSubmitInput, GovTextInput,
)
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField, SubmitField

from debrief.extensions import db
from debrief.models import ROLE_LABELS, User
from debrief.permissions import Rule, permission_required
from debrief.services import accounts, notifications
from debrief.services.errors import RuleBroken
from debrief.web.forms import act, save
from debrief.web.paging import page_number, within_pages

admin = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 50
ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserForm(FlaskForm):
    # The service checks every value; these fields only carry them.
    name = StringField("Full name", widget=GovTextInput())
    email = StringField("Email address", widget=GovTextInput())
    roles = SelectMultipleField("Roles", choices=ROLE_CHOICES, widget=GovCheckboxesInput(),
                                validate_choice=False)
    is_board_chair = BooleanField("Chairs the governance board (receives the weekly escalation)",
                                  widget=GovCheckboxInput())
    submit = SubmitField("Save user", widget=GovSubmitInput())


class NewUserForm(UserForm):
    password = PasswordField("Temporary password", widget=GovPasswordInput())


class PasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput())
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that posts with a CSRF token and nothing else."""


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@admin.route("")
@permission_required(Rule.MANAGE_USERS)
def index():
    return render_template("admin/index.html", title="Administration")


@admin.route("/users")
@permission_required(Rule.MANAGE_USERS)
def users():
    users = within_pages(lambda n: accounts.list_users(n, USERS_PER_PAGE), page_number())
    return render_template("admin/users.html", title="Users", users=users,
                           role_labels=ROLE_LABELS, confirm=ConfirmForm())


@admin.route("/users/new", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_USERS)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        saved, user = save(form, lambda: accounts.create_user(
            email=form.email.data or "", name=form.name.data or "", roles=form.roles.data or [],
            password=form.password.data or "", is_board_chair=form.is_board_chair.data, actor=current_user))
        if saved:
            flash(f"{user.name} can now sign in as {user.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", title="Add a user", form=form,
                           user=None), 400 if form.errors else 200


@admin.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_USERS)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    if not form.is_submitted():
        form.roles.data = sorted(r.value for r in user.role_set)
    if form.validate_on_submit():
        saved, _ = save(form, lambda: accounts.update_user(
            user, email=form.email.data or "", name=form.name.data or "", roles=form.roles.data or [],
            is_board_chair=form.is_board_chair.data, actor=current_user))
        if saved:
            flash(f"Changes to {user.name} saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", title=f"Edit {user.name}", form=form, user=user,
                           confirm=ConfirmForm()), 400 if form.errors else 200


@admin.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_USERS)
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        saved, _ = save(form, lambda: accounts.set_password(user, form.password.data or "", actor=current_user))
        if saved:
            flash(f"Password for {user.name} changed. They have been signed out everywhere.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/password.html", title=f"Set a password for {user.name}", form=form,
                           user=user), 400 if form.errors else 200


@admin.route("/users/<int:user_id>/deactivate", methods=["POST"])
@permission_required(Rule.MANAGE_USERS)
def deactivate(user_id: int):
    return _change_access(user_id, accounts.deactivate, "{} can no longer sign in or use the API.")


@admin.route("/users/<int:user_id>/reactivate", methods=["POST"])
@permission_required(Rule.MANAGE_USERS)
def reactivate(user_id: int):
    return _change_access(user_id, accounts.reactivate, "{} can sign in again.")


def _change_access(user_id: int, change, message: str):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            change(user, actor=current_user)
        except RuleBroken as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(message.format(user.name), "success")
    return redirect(url_for("admin.users"))


@admin.route("/outbox")
@permission_required(Rule.MANAGE_USERS)
def outbox():
    emails = within_pages(lambda n: notifications.needing_attention(n, 25), page_number())
    # Retry is offered only where it can work; elsewhere the page says why not.
    no_retry = {email.id: notifications.why_no_retry(email) for email in emails.items if email.status == "failed"}
    return render_template("admin/outbox.html", title="Outbox", emails=emails, counts=notifications.counts(),
                           max_attempts=notifications.MAX_ATTEMPTS, confirm=ConfirmForm(), no_retry=no_retry)


@admin.route("/outbox/<int:email_id>/retry", methods=["POST"])
@permission_required(Rule.MANAGE_USERS)
def retry_email(email_id: int):
    email = notifications.get(email_id)
    if email is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        act(lambda: notifications.retry(email, actor=current_user),
            lambda: f"The email to {email.to_address} is queued again and is being sent now.")
    return redirect(url_for("admin.outbox"))
