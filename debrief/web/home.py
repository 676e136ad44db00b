"""The home page: one section for each role the user holds."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from debrief.models import Role
from debrief.services import clocks, debriefs
from debrief.web.paging import page_number

home = Blueprint("home", __name__)

# The order sections appear in for someone holding several roles.
LIST_SIZE = 10
SECTION_ORDER = (Role.REVIEWER, Role.OWNER, Role.LEARNING, Role.BOARD, Role.ANALYST, Role.ADMIN)


@home.route("/")
@login_required
def index():
    sections = [role for role in SECTION_ORDER if current_user.has_role(role)]
    reviewer = None
    if Role.REVIEWER in sections:
        reviewer = {
            "mine": debriefs.search(status="open", reviewer=current_user, page=page_number("mine_page"),
                                    per_page=LIST_SIZE),
            "overdue": clocks.overdue(page_number("overdue_page"), LIST_SIZE),
            "due_soon": clocks.due_soon(page_number("due_page"), LIST_SIZE),
        }
    return render_template("home/index.html", title="Home", sections=sections, reviewer=reviewer)
