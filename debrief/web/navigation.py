"""The service navigation: each signed-in user sees the areas their roles let them use."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from debrief.permissions import Rule, can


#: The kinds of deployment an area belongs to: a force's, the national library's (LIBRARY_MODE), or both.
FORCE, LIBRARY, BOTH = "force", "library", "both"


@dataclass(frozen=True)
class NavItem:
    text: str  # lazy: read in the language of each request
    endpoint: str
    rule: Rule | None = None  # None: every signed-in user
    deployment: str = FORCE


NAV_ITEMS = (
    NavItem(_l("Home"), "home.index"),
    NavItem(_l("Debriefs"), "debriefs.index", Rule.READ_EVERYTHING),
    NavItem(_l("My actions"), "workspaces.my_actions", Rule.WORK_ON_OWN_ACTIONS),
    NavItem(_l("Learning queue"), "workspaces.learning_queue", Rule.MANAGE_LEARNING_PRODUCTS),
    NavItem(_l("Board"), "workspaces.board", Rule.DECIDE_AS_BOARD),
    # The board dashboard, named so that only one link's name contains "Board" (tests find it by name).
    NavItem(_l("Figures"), "dashboard.index", Rule.ANALYSE),
    NavItem(_l("Partner engagement"), "reports.partner_engagement", Rule.ANALYSE),
    NavItem(_l("Import recommendations"), "imports.new", Rule.IMPORT_RECOMMENDATIONS),
    NavItem(_l("National library"), "sharing.search", Rule.READ_RECOMMENDATIONS),
    NavItem(_l("Deaths"), "deaths.index", Rule.READ_DEATHS),
    NavItem(_l("Linked series"), "linked_series.index", Rule.READ_DEATHS),
    NavItem(_l("Library"), "library.search", Rule.LIBRARY_STAFF, LIBRARY),
    NavItem(_l("Contributions by force"), "library.contributions", Rule.LIBRARY_STAFF, LIBRARY),
    # The library has staff accounts of its own to manage.
    NavItem(_l("Administration"), "admin.index", Rule.MANAGE_USERS, BOTH),
)


def navigation_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    # A force's deployment shows its own areas, the national library (LIBRARY_MODE) only the library's.
    deployment = LIBRARY if current_app.config["LIBRARY_MODE"] else FORCE
    shown = [(item, url_for(item.endpoint)) for item in NAV_ITEMS
             if item.deployment in (deployment, BOTH) and item.endpoint in current_app.view_functions
             and (item.rule is None or can(user, item.rule))]
    here = _current(shown)
    return [{"text": str(item.text), "href": href, "active": item is here} for item, href in shown]


def _current(shown: list[tuple[NavItem, str]]) -> NavItem | None:
    """The area this page belongs to: its own item, else the one whose address begins this page's,
    the longest such (/board/dashboard is the dashboard's, not the board's)."""
    for item, href in shown:
        if request.endpoint == item.endpoint:
            return item
    under = [(len(href), item) for item, href in shown
             if item.endpoint != "home.index" and request.path.startswith(href)]
    return max(under, key=lambda found: found[0])[1] if under else None


def register_navigation(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        return {
            "service_navigation": navigation_for(current_user),
            "force_name": app.config["FORCE_NAME"],
        }
