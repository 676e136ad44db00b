"""Administration: staff users and their roles; the outbox of emails that could not be sent; who opened what."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField

from debrief.extensions import db
from debrief.models import User
from debrief.vocabulary import ROLE, STATUS
from debrief.permissions import Rule, permission_required
from debrief.services import accounts, leavers, notifications, read_trail, recommendations, validation
from debrief.services.errors import RuleBroken, ValidationFailed
from debrief.web.fields import PasswordInput
from debrief.web.forms import ConfirmForm, act, save, show_rule_errors
from debrief.web.paging import page_number, within_pages

admin = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 50
ROLE_CHOICES = list(ROLE.items())


class UserForm(FlaskForm):
    # The service checks every value; these fields only carry them.
    name = StringField(_l("Full name"), widget=GovTextInput())
    email = StringField(_l("Email address"), widget=GovTextInput())
    roles = SelectMultipleField(_l("Roles"), choices=ROLE_CHOICES, widget=GovCheckboxesInput(),
                                validate_choice=False)
    is_board_chair = BooleanField(_l("Chairs the governance board (receives the weekly escalation)"),
                                  widget=GovCheckboxInput())
    submit = SubmitField(_l("Save user"), widget=GovSubmitInput())


class NewUserForm(UserForm):
    password = PasswordField(_l("Temporary password"), widget=PasswordInput())


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), widget=PasswordInput())
    submit = SubmitField(_l("Set password"), widget=GovSubmitInput())


class ReadTrailForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    person = StringField(_l("Person's email address"), widget=GovTextInput())
    kind = SelectField(_l("Kind of record"), widget=GovSelect(), validate_choice=False,
                       choices=[("", _l("Every kind")), *read_trail.KINDS.items()])
    number = StringField(_l("Record's number"), widget=GovTextInput(),
                         description=_l("The number at the end of the record's address: 12 in /debriefs/12"))
    submit = SubmitField(_l("Show openings"), widget=GovSubmitInput())


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@admin.route("")
@permission_required(Rule.MANAGE_USERS)
def index():
    return render_template("admin/index.html", title=_("Administration"))


@admin.route("/users")
@permission_required(Rule.MANAGE_USERS)
def users():
    users = within_pages(lambda n: accounts.list_users(n, USERS_PER_PAGE), page_number())
    return render_template("admin/users.html", title=_("Users"), users=users,
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
            flash(_("%(name)s can now sign in as %(email)s.", name=user.name, email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", title=_("Add a user"), form=form,
                           user=None), 400 if form.errors else 200


@admin.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_USERS)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    if not form.is_submitted():
        form.roles.data = sorted(r.value for r in user.role_set)
    if form.validate_on_submit():
        saved, _result = save(form, lambda: accounts.update_user(
            user, email=form.email.data or "", name=form.name.data or "", roles=form.roles.data or [],
            is_board_chair=form.is_board_chair.data, actor=current_user))
        if saved:
            flash(_("Changes to %(name)s saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", title=_("Edit %(name)s", name=user.name), form=form, user=user,
                           confirm=ConfirmForm()), 400 if form.errors else 200


@admin.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_USERS)
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        saved, _result = save(form, lambda: accounts.set_password(user, form.password.data or "", actor=current_user))
        if saved:
            flash(_("Password for %(name)s changed. They have been signed out everywhere.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/password.html", title=_("Set a password for %(name)s", name=user.name), form=form,
                           user=user), 400 if form.errors else 200


@admin.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@permission_required(Rule.MANAGE_USERS)
def deactivate(user_id: int):
    """Asks first; shows the open recommendations the user owns and who could take each one over."""
    user = _user_or_404(user_id)
    if not user.active:
        flash(_("%(name)s is already deactivated.", name=user.name), "info")
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
            flash(ngettext("%(name)s can no longer sign in or use the API. %(num)d open recommendation handed over.",
                           "%(name)s can no longer sign in or use the API. %(num)d open recommendations handed over.",
                           len(handed), name=user.name) if handed
                  else _("%(name)s can no longer sign in or use the API.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/deactivate.html", title=_("Deactivate %(name)s?", name=user.name), user=user, confirm=form,
                           still_owned=recommendations.still_owned_by(user), errors=errors, field=leavers.field,
                           owners=[o for o in accounts.eligible_owners() if o.id != user.id],
                           chosen=request.form, status_labels=STATUS), 400 if errors else 200




@admin.route("/users/<int:user_id>/reactivate", methods=["POST"])
@permission_required(Rule.MANAGE_USERS)
def reactivate(user_id: int):
    return _change_access(user_id, accounts.reactivate, lambda name: _("%(name)s can sign in again.", name=name))


def _change_access(user_id: int, change, message):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            change(user, actor=current_user)
        except RuleBroken as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(message(user.name), "success")
    return redirect(url_for("admin.users"))


@admin.route("/read-trail")
@permission_required(Rule.MANAGE_USERS)
def read_trail_page():
    form = ReadTrailForm(request.args)
    try:
        chosen = read_trail.filters(person=form.person.data, kind=form.kind.data, number=form.number.data)
    except RuleBroken as error:
        show_rule_errors(form, error)
        return render_template("admin/read_trail.html", title=_("Who opened what"), form=form, openings=None,
                               kinds=read_trail.KINDS), 400
    openings = within_pages(lambda n: read_trail.trail(user=chosen.user, entity=chosen.entity,
                                                       entity_id=chosen.entity_id, page=n), page_number())
    return render_template("admin/read_trail.html", title=_("Who opened what"), form=form, openings=openings,
                           kinds=read_trail.KINDS)


@admin.route("/outbox")
@permission_required(Rule.MANAGE_USERS)
def outbox():
    emails = within_pages(lambda n: notifications.needing_attention(n, 25), page_number())
    # Retry is offered only where it can work; elsewhere the page says why not.
    no_retry = {email.id: notifications.why_no_retry(email) for email in emails.items if email.status == "failed"}
    return render_template("admin/outbox.html", title=_("Outbox"), emails=emails, counts=notifications.counts(),
                           max_attempts=notifications.MAX_ATTEMPTS, confirm=ConfirmForm(), no_retry=no_retry)


@admin.route("/outbox/<int:email_id>/retry", methods=["POST"])
@permission_required(Rule.MANAGE_USERS)
def retry_email(email_id: int):
    email = notifications.get(email_id)
    if email is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        act(lambda: notifications.retry(email, actor=current_user),
            lambda: _("The email to %(address)s is queued again and is being sent now.", address=email.to_address))
    return redirect(url_for("admin.outbox"))
