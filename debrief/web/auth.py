"""Signing in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from debrief.extensions import db, limiter
from debrief.services import accounts

auth = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[InputRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password"), Length(max=256)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _account_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_RATE_LIMIT"]


def _account_key() -> str:
    # Guessing one person's password is slow even when spread over many addresses.
    return "sign-in:" + accounts.normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str:
    """Only a path on this site; never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@auth.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append("Enter a correct email address and password")
    return render_template("auth/sign_in.html", form=form, title="Sign in"), (200 if not form.errors else 400)


@auth.route("/sign-out", methods=["POST"])
def sign_out():
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
