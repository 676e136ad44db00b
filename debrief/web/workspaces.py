"""Each role's workspace: the owner's "My actions", the learning team's queue and the governance
board's queue, with the short summaries of each on the home page."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from debrief import documents
from debrief.documents import board_pack
from debrief.extensions import db
from debrief.permissions import Rule, permission_required
from debrief.services import clocks, recommendations, repeats
from debrief.services.errors import RuleBroken, ValidationFailed
from debrief.services.pagination import Page
from debrief.web.fields import date_field, date_problem
from debrief.web.forms import show_rule_errors
from debrief.web.paging import page_number, within_pages
from debrief.web.recommendations import actions_for, gate_warning

workspaces_bp = Blueprint("workspaces", __name__)

PER_PAGE = 25
#: The board's cards (a recommendation with what was done and its learning products) are long: ten a page.
CARDS_PER_PAGE = 10
HOME_LIST_SIZE = 5


def _my_actions(page: int, per_page: int) -> Page:
    """The owner's recommendations, their learning products loaded with them (the lifecycle asks
    about them for every row)."""
    return within_pages(lambda n: recommendations.my_actions(current_user, n, per_page), page)


def _in_memory_page(items: list, page: int, per_page: int) -> Page:
    """A page of a list the service returns whole (the board's figures by owner)."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(1, page), pages)
    return Page(items=items[(page - 1) * per_page:page * per_page], total=len(items), page=page, per_page=per_page)


@workspaces_bp.route("/my-actions")
@permission_required(Rule.WORK_ON_OWN_ACTIONS)
def my_actions():
    today = recommendations.today()
    result = _my_actions(page_number(), PER_PAGE)
    return render_template("workspaces/my_actions.html", title=_("My actions"), result=result,
                           rows=[(r, recommendations.urgency(r, today), actions_for(r)) for r in result.items],
                           respond_by=clocks.response_deadlines(result.items), today=today)


@workspaces_bp.route("/learning-queue")
@permission_required(Rule.MANAGE_LEARNING_PRODUCTS)
def learning_queue():
    needing = within_pages(lambda n: recommendations.needing_a_product(n, PER_PAGE), page_number())
    developing = within_pages(lambda n: recommendations.products_in_development(n, PER_PAGE),
                              page_number("products_page"))
    return render_template("workspaces/learning_queue.html", title=_("Learning queue"), needing=needing,
                           developing=developing)


@workspaces_bp.route("/board")
@permission_required(Rule.DECIDE_AS_BOARD)
def board():
    summary = recommendations.board_summary()
    awaiting = within_pages(lambda n: recommendations.awaiting_closure(n, CARDS_PER_PAGE), page_number())
    overdue = within_pages(lambda n: recommendations.overdue(n, PER_PAGE), page_number("overdue_page"))
    owners = _in_memory_page(summary.by_owner, page_number("owners_page"), PER_PAGE)
    # Repeats of recommendations closed as done, with the earlier one's learning products loaded.
    did_not_stick = within_pages(lambda n: repeats.learning_did_not_stick(n, CARDS_PER_PAGE), page_number("repeats_page"))
    return render_template("workspaces/board.html", title=_("Governance board"), summary=summary, owners=owners,
                           awaiting=[(r, gate_warning(r)) for r in awaiting.items], awaiting_page=awaiting,
                           overdue=overdue, did_not_stick=did_not_stick, today=recommendations.today())


class BoardPackForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it builds a document and changes nothing but the record of packs

    meeting = date_field(_l("Date of the board meeting"), hint=_l("For example, 2 3 2026"))
    since = date_field(_l("Decisions since (optional)"),
                       hint=_l("Leave empty to cover the days since the last pack's meeting"))
    submit = SubmitField(_l("Download the board pack"), widget=GovSubmitInput())


@workspaces_bp.route("/board/pack")
@permission_required(Rule.ANALYSE)
def board_pack_download():
    """The pack's form; with a meeting date, the pack itself (Word)."""
    if "meeting" not in request.args:  # the form, ready for a meeting today
        return render_template("workspaces/board_pack.html", title=_("Board pack"),
                               form=BoardPackForm(meeting=recommendations.today()))
    form = BoardPackForm(request.args)
    try:
        unreadable = {**date_problem(form.meeting, _("The date of the board meeting must be a real date, like 2 3 2026")),
                      **date_problem(form.since, _("Decisions since must be a real date, like 2 3 2026"))}
        if unreadable:
            raise ValidationFailed(unreadable)
        if form.meeting.data is None:
            raise ValidationFailed({"meeting": _("Enter the date of the board meeting")})
        content = board_pack.build(form.meeting.data, form.since.data, current_user)
    except RuleBroken as error:
        db.session.rollback()
        show_rule_errors(form, error)
        return render_template("workspaces/board_pack.html", title=_("Board pack"), form=form), 400
    db.session.commit()
    return documents.response(content, board_pack.filename(form.meeting.data))


# The home page's short summaries (home.index renders a section for each role the user holds) ----------


def owner_summary() -> dict:
    today = recommendations.today()
    first = recommendations.my_actions(current_user, 1, HOME_LIST_SIZE)
    return {"total": first.total, "items": [(r, recommendations.urgency(r, today)) for r in first.items]}


def learning_summary() -> dict:
    return {"needing": recommendations.needing_a_product(1, 1).total,
            "developing": recommendations.products_in_development(1, 1).total}


@workspaces_bp.app_context_processor
def workspace_summaries():
    # Functions, not figures: only the home page's sections call them, and only for the roles shown.
    return {"owner_summary": owner_summary, "learning_summary": learning_summary,
            "board_figures": recommendations.open_figures}
