"""Helpers for browser tests: acting on a page in Playwright the way a person does (fill_date) and
checking what they see (expect_success). Import them from here, never from another test module; the
fixtures (site, page, live_server...) are in tests/browser/conftest.py.
"""
from __future__ import annotations

from playwright.sync_api import Page, expect

# Acting on pages ------------------------------------------------------------------------------------------


def fill_date(page: Page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def deadline_row(page: Page, name: str):
    return page.locator("#deadlines + table tbody tr").filter(has_text=name)


def expect_success(page: Page, message: str) -> None:
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(message)
