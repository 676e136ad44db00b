"""Destructive actions ask first, in a real browser: marking a deadline met says what it does and offers an
undo; deactivating a user who owns open recommendations shows them and hands them over first.

The debrief is a murder reported on Monday 2 November 2026 at 23:40 with prior police contact, so its
IOPC referral was due by the end of Tuesday 3 November.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect

from debrief.extensions import db
from debrief.models import User
from debrief.services import debriefs, lessons, recommendations
from debrief.services.debriefs import DebriefDetails
from tests.browser.conftest import Site
from tests.browser.helpers import deadline_row, expect_success, fill_date

REPORTED = datetime(2026, 11, 2, 23, 40, tzinfo=timezone.utc)


def murder(app, reviewer_id: int, *, owner_email: str | None = None, recommendations_owned: int = 0) -> int:
    """A murder with prior police contact; with `owner_email`, that many open recommendations owned there."""
    with app.app_context():
        reviewer = db.session.get(User, reviewer_id)
        debrief = debriefs.create(DebriefDetails(
            incident_type="murder", crime_reference="42/18812/26", summary="Man stabbed outside a takeaway.",
            occurred_at=REPORTED - timedelta(minutes=30), reported_at=REPORTED, prior_police_contact=True),
            actor=reviewer)
        if recommendations_owned:
            lesson = lessons.add(debrief, text="Two calls were not linked", category="information_sharing",
                                 themes=[], actor=reviewer)
            for n in range(recommendations_owned):
                recommendations.create(debrief, text=f"Link repeat calls about the same address ({n + 1})",
                                       owner_email=owner_email, lesson_ids=[lesson.id], actor=reviewer,
                                       due_date=recommendations.today() + timedelta(days=40 + n))
        db.session.commit()
        return debrief.id


def test_marking_a_deadline_met_asks_first_says_it_was_late_and_can_be_undone(site: Site, app, make_user):
    riya = make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    debrief_id = murder(app, riya.id)
    page = site.page
    site.sign_in("riya@police.uk")
    site.visit(f"/debriefs/{debrief_id}")
    expect(deadline_row(page, "IOPC referral").locator(".govuk-tag")).to_have_text("Overdue")

    site.click_to_next_page(deadline_row(page, "IOPC referral").get_by_role("link", name=re.compile("^Mark as met")))
    expect(page.locator(".govuk-warning-text")).to_contain_text("you can undo it from the debrief page")
    fill_date(page, "Date it was met", date(2026, 11, 4))
    page.get_by_label("Time it was met").fill("09:15")
    site.click_to_next_page(page.get_by_role("button", name="Mark as met"))
    expect_success(page, "IOPC referral: marked as met.")
    row = deadline_row(page, "IOPC referral")
    expect(row.locator(".govuk-tag")).to_have_text("Met")
    expect(row).to_contain_text("Met late on 4 November 2026 at 09:15")

    site.click_to_next_page(row.get_by_role("button", name=re.compile("^Undo: not met")))
    expect_success(page, "IOPC referral: no longer met. It is overdue again.")
    expect(deadline_row(page, "IOPC referral").locator(".govuk-tag")).to_have_text("Overdue")
    expect(page.get_by_text("Deadline no longer met (marked by mistake): IOPC referral")).to_be_visible()


def test_deactivating_an_owner_shows_their_open_recommendations_and_hands_them_over(site: Site, app, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    riya = make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    make_user("owen@police.uk", "owner", name="Owen Owner")
    make_user("olu@police.uk", "owner", name="Olu Owner")
    murder(app, riya.id, owner_email="owen@police.uk", recommendations_owned=2)
    page = site.page
    site.sign_in("adam@police.uk")
    site.visit("/admin/users")

    site.click_to_next_page(page.get_by_role("link", name=re.compile(r"^Deactivate\s*Owen Owner$")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate Owen Owner?")
    table = page.locator("#open-recommendations tbody tr")
    expect(table).to_have_count(2)
    expect(table.first).to_contain_text("Link repeat calls about the same address (1)")

    # Nothing chosen: asked again, nothing done.
    site.click_to_next_page(page.get_by_role("button", name="Hand over and deactivate Owen Owner"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who will own")

    page.get_by_label("Give them all to").select_option(label="Olu Owner (olu@police.uk)")
    site.click_to_next_page(page.get_by_role("button", name="Hand over and deactivate Owen Owner"))
    expect_success(page, "Owen Owner can no longer sign in or use the API. 2 open recommendations handed over.")
    expect(page.locator("tr").filter(has_text="owen@police.uk").locator(".govuk-tag")).to_have_text("Deactivated")
    with app.app_context():
        olu = db.session.scalar(db.select(User).where(User.email == "olu@police.uk"))
        assert len(recommendations.still_owned_by(olu)) == 2
