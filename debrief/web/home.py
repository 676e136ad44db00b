"""The home page: one section for each role the user holds."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required, current_user

from debrief.models import Role

home = Blueprint("home", __name__)

# The order sections appear in for someone holding several roles.
SECTION_ORDER = (Role.REVIEWER, Role.OWNER, Role.LEARNING, Role.BOARD, Role.ANALYST, Role.ADMIN)


@home.route("/")
@login_required
def index():
    sections = [role for role in SECTION_ORDER if current_user.has_role(role)]
    return render_template("home/index.html", title="Home", sections=sections)
