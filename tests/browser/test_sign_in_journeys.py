"""Signing in, signing out and managing users, in a real browser, as staff would.

Every page these tests reach is checked with axe (see conftest.py): a serious or critical
accessibility problem fails the test that found it.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.conftest import PASSWORD

# role, the person holding it, and the home page section only that role sees
ROLES = {
    "reviewer": ("riya@police.uk", "Riya Reviewer", "My open debriefs"),
    "owner": ("omar@police.uk", "Omar Owner", "My actions"),
    "learning": ("lena@police.uk", "Lena Learning", "Learning queue"),
    "board": ("bea@police.uk", "Bea Board", "Governance board"),
    "analyst": ("ana@police.uk", "Ana Analyst", "Analysis"),
    "admin": ("adam@police.uk", "Adam Admin", "Administration"),
}
SIGN_IN_PAGE = re.compile(r"/sign-in(\?.*)?$")


def service_navigation(site: Site):
    return site.page.get_by_role("navigation", name="Menu")


def expect_gov_uk_page(site: Site, heading: str) -> None:
    """The page is laid out with GOV.UK Frontend: its service navigation, styles, footer and our
    marking. (No crown header: this is a police service, not a GOV.UK one.)"""
    page = site.page
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("html")).to_have_class(re.compile(r"\bgovuk-template\b"))
    expect(page.locator(".govuk-service-navigation__service-name")).to_have_text("Rapid Debrief")
    expect(page.locator("header.govuk-header")).to_have_count(0)
    expect(page.locator("footer.govuk-footer")).to_be_visible()
    # The GOV.UK stylesheet really applied, not just the class names.
    expect(page.get_by_role("heading", level=1)).to_have_css("font-family", re.compile("GDS Transport"))
    expect(page.get_by_role("region", name="Protective marking")).to_have_text("OFFICIAL-SENSITIVE")


# Signing in and out -------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_signs_in_sees_their_home_page_and_signs_out(site: Site, make_user, role: str):
    email, name, section = ROLES[role]
    make_user(email, role, name=name)
    page = site.page

    site.visit("/")
    expect(page).to_have_url(SIGN_IN_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Rapid Debrief")
    expect(page.get_by_role("region", name="Protective marking")).to_have_text("OFFICIAL-SENSITIVE")

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    site.click_to_next_page(page.get_by_role("button", name="Sign in"))

    expect(page).to_have_url(f"{site.base_url}/")
    expect_gov_uk_page(site, f"Welcome, {name}")
    expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    other_sections = [other for other_role, (_, _, other) in ROLES.items() if other_role != role]
    for other in other_sections:
        expect(page.get_by_role("heading", level=2, name=other)).to_have_count(0)

    navigation = service_navigation(site)
    expect(navigation.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Administration", exact=True)).to_have_count(
        1 if role == "admin" else 0)

    site.click_to_next_page(navigation.get_by_role("button", name=f"Sign out ({name})"))
    expect(page).to_have_url(SIGN_IN_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Rapid Debrief")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")

    # Signed out for real: the home page sends them back to sign in.
    site.visit("/")
    expect(page).to_have_url(SIGN_IN_PAGE)


def test_wrong_password_shows_the_gov_uk_error_summary(site: Site, make_user):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    page = site.page

    site.visit("/sign-in")
    page.get_by_label("Email address").fill("riya@police.uk")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    site.click_to_next_page(page.get_by_role("button", name="Sign in"))

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves focus to the summary so screen reader users hear it first.
    expect(summary).to_be_focused()
    error_link = summary.get_by_role("link", name="Enter a correct email address and password")
    expect(error_link).to_have_attribute("href", "#email")
    expect(page.locator("#email-error")).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("riya@police.uk")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    error_link.click()
    expect(page.get_by_label("Email address")).to_be_focused()
    site.check_accessibility()

    # Still signed out.
    site.visit("/")
    expect(page).to_have_url(SIGN_IN_PAGE)


# Administration -----------------------------------------------------------------------------


def test_admin_adds_a_user_through_the_form_edits_and_deactivates_them(site: Site, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    page = site.page
    site.sign_in("adam@police.uk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Adam Admin")

    site.click_to_next_page(service_navigation(site).get_by_role("link", name="Administration", exact=True))
    expect_gov_uk_page(site, "Administration")
    site.click_to_next_page(page.get_by_role("link", name="Users and roles"))
    expect_gov_uk_page(site, "Users")
    expect(service_navigation(site).get_by_role("link", name="Administration", exact=True)).to_have_attribute(
        "aria-current", "true")

    site.click_to_next_page(page.get_by_role("button", name="Add a user"))
    expect_gov_uk_page(site, "Add a user")

    # Nothing filled in: every missing answer is named, and linked to its field.
    site.click_to_next_page(page.get_by_role("button", name="Save user"))
    expect(page).to_have_title(re.compile(r"^Error: Add a user"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(summary.get_by_role("link", name="Enter the user's name")).to_have_attribute("href", "#name")
    expect(summary.get_by_role("link", name="Enter an email address")).to_have_attribute("href", "#email")
    expect(summary.get_by_role("link", name="Select at least one role")).to_have_attribute("href", "#roles")
    expect(summary.get_by_role("link", name="Password must be 12 characters or more")).to_have_attribute(
        "href", "#password")

    page.get_by_label("Full name").fill("Nina Newcomer")
    page.get_by_label("Email address").fill("nina@police.uk")
    page.get_by_role("checkbox", name="Analyst", exact=True).check()
    page.get_by_label("Temporary password", exact=True).fill("a-long-temporary-secret")
    site.click_to_next_page(page.get_by_role("button", name="Save user"))

    expect_gov_uk_page(site, "Users")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Nina Newcomer can now sign in as nina@police.uk.")
    nina = page.get_by_role("row").filter(has_text="nina@police.uk")
    expect(nina).to_have_count(1)
    expect(nina.get_by_role("cell").nth(0)).to_have_text("Nina Newcomer")
    expect(nina.get_by_role("cell").nth(2)).to_have_text("Analyst")
    expect(nina.get_by_role("cell").nth(3)).to_have_text("Active")

    site.click_to_next_page(nina.get_by_role("link", name="Edit Nina Newcomer"))
    expect_gov_uk_page(site, "Edit Nina Newcomer")
    expect(page.get_by_label("Full name")).to_have_value("Nina Newcomer")
    expect(page.get_by_label("Email address")).to_have_value("nina@police.uk")
    expect(page.get_by_role("checkbox", name="Analyst", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Administrator", exact=True)).not_to_be_checked()

    site.click_to_next_page(page.get_by_role("link", name="Back to users"))
    expect_gov_uk_page(site, "Users")

    nina = page.get_by_role("row").filter(has_text="nina@police.uk")
    site.click_to_next_page(nina.get_by_role("link", name="Deactivate Nina Newcomer"))
    expect_gov_uk_page(site, "Deactivate Nina Newcomer?")
    site.click_to_next_page(page.get_by_role("button", name="Deactivate Nina Newcomer"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Nina Newcomer can no longer sign in or use the API.")
    nina = page.get_by_role("row").filter(has_text="nina@police.uk")
    expect(nina.get_by_role("cell").nth(3)).to_have_text("Deactivated")
    expect(nina.get_by_role("button", name="Reactivate Nina Newcomer")).to_be_visible()


# Error pages --------------------------------------------------------------------------------


def test_a_missing_page_shows_the_gov_uk_page_not_found(site: Site, make_user):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    site.sign_in("riya@police.uk")

    site.visit("/no-such-page", status=404)
    expect_gov_uk_page(site, "Page not found")
    site.click_to_next_page(site.page.get_by_role("link", name="Go to your home page"))
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Welcome, Riya Reviewer")


def test_a_reviewer_is_refused_the_users_page_with_the_gov_uk_403_page(site: Site, make_user):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    site.sign_in("riya@police.uk")

    site.visit("/admin/users", status=403)
    expect_gov_uk_page(site, "You do not have permission to see this page")
    expect(site.page.get_by_text("ask an administrator")).to_be_visible()
    expect(site.page.get_by_role("table")).to_have_count(0)


# JavaScript under the real Content Security Policy ------------------------------------------


def test_gov_uk_frontend_javascript_runs_under_the_real_csp_without_console_errors(strict_csp_site: Site):
    site = strict_csp_site
    page = site.page

    site.visit("/sign-in")
    # The template's nonce'd inline script ran...
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    # ...and so did GOV.UK Frontend's own module: it initialised the password input and
    # revealed its "Show" button, which is hidden until the JavaScript runs.
    expect(page.locator("[data-module='govuk-password-input']")).to_have_attribute(
        "data-govuk-password-input-init", "")
    show_password = page.get_by_role("button", name="Show password")
    expect(show_password).to_be_visible()
    show_password.click()
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "text")

    assert site.console_errors == [], f"errors in the browser console: {site.console_errors}"

    # The check above could fail: this browser really enforces the CSP, and its refusals reach
    # the console listener.
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("""() => {
            const script = document.createElement('script');
            script.textContent = 'window.inlineScriptRan = true';
            document.head.appendChild(script);
        }""")
    assert page.evaluate("() => window.inlineScriptRan") is None
    assert any("Content Security Policy" in error for error in site.console_errors)
