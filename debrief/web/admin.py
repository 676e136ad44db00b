"""Administration: staff users and their roles; the outbox of emails that could not be sent; who opened what."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovPasswordInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField

from debrief.extensions import db
from debrief.models import User
from debrief.vocabulary import ROLE, STATUS
from debrief.permissions import Rule, permission_required
from debrief.services import accounts, leavers, notifications, read_trail, recommendations, validation
from debrief.services.errors import RuleBroken, ValidationFailed
from debrief.web.forms import ConfirmForm, act, save, show_rule_errors
from debrief.web.paging import page_number, within_pages

admin = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 50
ROLE_CHOICES = list(ROLE.items())


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


class ReadTrailForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    person = StringField("Person's email address", widget=GovTextInput())
    kind = SelectField("Kind of record", widget=GovSelect(), validate_choice=False,
                       choices=[("", "Every kind"), *read_trail.KINDS.items()])
    number = StringField("Record's number", widget=GovTextInput(),
                         description="The number at the end of the record's address: 12 in /debriefs/12")
    submit = SubmitField("Show openings", widget=GovSubmitInput())


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
                           role_labels=ROLE, confirm=ConfirmForm())


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


@admin.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_USERS)
def deactivate(user_id: int):
    """Asks first; shows the open recommendations the user owns and who could take each one over."""
    user = _user_or_404(user_id)
    if not user.active:
        flash(f"{user.name} is already deactivated.", "info")
        return redirect(url_for("admin.users"))
    form = ConfirmForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        still_owned = recommendations.still_owned_by(user)
        chosen = {r.id: validation.typed_id(request.form.get(leavers.field(r)) or request.form.get("owner_all"))
                  for r in still_owned}
        try:
            handed = leavers.deactivate(user, new_owners=chosen, actor=current_user)
        except ValidationFailed as problem:
            db.session.rollback()
            errors = problem.fields
        except RuleBroken as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admin.users"))
        else:
            db.session.commit()
            handed_over = f" {len(handed)} open recommendation{'' if len(handed) == 1 else 's'} handed over." \
                if handed else ""
            flash(f"{user.name} can no longer sign in or use the API.{handed_over}", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/deactivate.html", title=f"Deactivate {user.name}?", user=user, confirm=form,
                           still_owned=recommendations.still_owned_by(user), errors=errors, field=leavers.field,
                           owners=[o for o in accounts.eligible_owners() if o.id != user.id],
                           chosen=request.form, status_labels=STATUS), 400 if errors else 200




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


@admin.route("/read-trail")
@permission_required(Rule.MANAGE_USERS)
def read_trail_page():
    form = ReadTrailForm(request.args)
    try:
        chosen = read_trail.filters(person=form.person.data, kind=form.kind.data, number=form.number.data)
    except RuleBroken as error:
        show_rule_errors(form, error)
        return render_template("admin/read_trail.html", title="Who opened what", form=form, openings=None,
                               kinds=read_trail.KINDS), 400
    openings = within_pages(lambda n: read_trail.trail(user=chosen.user, entity=chosen.entity,
                                                       entity_id=chosen.entity_id, page=n), page_number())
    return render_template("admin/read_trail.html", title="Who opened what", form=form, openings=openings,
                           kinds=read_trail.KINDS)


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
