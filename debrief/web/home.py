"""The home page: one section for each role the user holds."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from debrief.models import Role
from debrief.services import clocks, debriefs
from debrief.web.paging import page_number, within_pages

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
            "mine": within_pages(lambda page: debriefs.search(status="open", reviewer=current_user, page=page,
                                                              per_page=LIST_SIZE), page_number("mine_page")),
            "overdue": within_pages(lambda page: clocks.overdue(page, LIST_SIZE),
                                    page_number("overdue_page")),
            "due_soon": within_pages(lambda page: clocks.due_soon(page, LIST_SIZE), page_number("due_page")),
        }
    return render_template("home/index.html", title=_("Home"), sections=sections, reviewer=reviewer)
