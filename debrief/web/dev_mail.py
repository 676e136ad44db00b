"""/dev/mail: the email caught on a developer's machine. Registered only when APP_ENV=development."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

from debrief import dev_mail
from debrief.permissions import Rule, permission_required

dev_mail_bp = Blueprint("dev_mail", __name__, url_prefix="/dev")


@dev_mail_bp.route("/mail")
@permission_required(Rule.READ_EVERYTHING)
def caught():
    folder = Path(current_app.config["DEV_MAIL_DIR"])
    return render_template("dev/mail.html", title=_("Caught email (development)"), emails=dev_mail.caught(folder),
                           folder=folder)
