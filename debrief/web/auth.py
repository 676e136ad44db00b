"""Signing in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from debrief.extensions import db
from debrief.services import accounts, sign_ins, throttling
from debrief.web.fields import PasswordInput
from debrief.web.throttled import too_many_attempts

auth = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    email = StringField(_l("Email address"), widget=GovTextInput(),
                        validators=[InputRequired(_l("Enter your email address")), Length(max=254)])
    password = PasswordField(_l("Password"), widget=PasswordInput(),
                             validators=[InputRequired(_l("Enter your password")), Length(max=256)])
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


def _safe_next(target: str | None) -> str:
    """Only a path on this site; never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@auth.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            attempt = throttling.sign_in_attempt(form.email.data, request.remote_addr)
        except throttling.TooManyAttempts as error:
            return too_many_attempts(error)
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            attempt.succeeded()
            sign_ins.start(user)
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append(_("Enter a correct email address and password"))
    return render_template("auth/sign_in.html", form=form, title=_("Sign in")), (200 if not form.errors else 400)


@auth.route("/sign-out", methods=["POST"])
def sign_out():
    if current_user.is_authenticated:
        sign_ins.end(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.sign_in"))
