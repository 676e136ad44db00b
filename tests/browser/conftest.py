"""Browser tests: the real app served on loopback, driven by headless Chromium through Playwright.

Every page a test lands on is checked with axe-core against WCAG 2.1 A and AA (and axe's best
practices). A test fails if axe finds a serious or critical problem, and also if it moved on from a
page without that page being checked, so no page can slip through unscanned.

The system Chromium (/usr/bin/chromium) is used; no browser is downloaded.
"""
from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Frame, Locator, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Where a page under the real CSP fetches axe from: same origin, answered by Playwright, not the app.
AXE_SAME_ORIGIN_PATH = "/__browser-tests__/axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
BLOCKING_IMPACTS = {"serious", "critical"}

# Runs axe and hands back only what a failure message needs (the full result is large).
RUN_AXE = """
async (options) => {
  const results = await axe.run(document, options);
  return {
    url: results.url,
    engine: results.testEngine.version,
    passes: results.passes.length,
    violations: results.violations.map((rule) => ({
      id: rule.id,
      impact: rule.impact,
      help: rule.help,
      helpUrl: rule.helpUrl,
      nodes: rule.nodes.map((node) => ({
        target: node.target,
        impact: node.impact,
        summary: node.failureSummary,
      })),
    })),
  };
}
"""


class AccessibilityWarning(UserWarning):
    """axe found a moderate or minor problem: worth fixing, not a reason to fail the build."""


# The live server and the browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app, with its migrated test database, served over HTTP on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


def new_context(browser: Browser, live_server: str, *, bypass_csp: bool) -> BrowserContext:
    context = browser.new_context(base_url=live_server, bypass_csp=bypass_csp, locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A tab in a fresh browser context, so no cookies carry over from another test.

    bypass_csp is on only so that axe can be injected; the app's real CSP is exercised by the
    `strict_csp_site` fixture.
    """
    context = new_context(browser, live_server, bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def site(page: Page, live_server: str, request: pytest.FixtureRequest) -> Iterator[Site]:
    """The service as a person sees it, with every page they reach checked for accessibility."""
    visitor = Site(page, live_server, csp_bypassed=True)
    yield visitor
    visitor.finish(test_failed=_test_failed(request))


@pytest.fixture
def strict_csp_site(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Site]:
    """Like `site`, but the browser enforces the app's Content Security Policy as sent."""
    context = new_context(browser, live_server, bypass_csp=False)
    try:
        visitor = Site(context.new_page(), live_server, csp_bypassed=False)
        yield visitor
        visitor.finish(test_failed=_test_failed(request))
    finally:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Lets the fixtures above see whether the test itself failed, so teardown does not pile on.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _test_failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is None or report.failed


# Browsing with accessibility checks ---------------------------------------------------------


@dataclass
class PageVisit:
    """One page (one document) the browser landed on."""
    url: str
    scanned: bool = False


class Site:
    """A browser tab on the service that checks each page it lands on with axe.

    Use `visit(path)` to type an address and `click_to_next_page(locator)` for a click that opens
    another page; both run axe on the page that results. Clicks that stay on the page (ticking a
    box, following an error summary link) are ordinary `locator.click()` calls.
    """

    def __init__(self, page: Page, base_url: str, *, csp_bypassed: bool):
        self.page = page
        self.base_url = base_url
        self.csp_bypassed = csp_bypassed
        self.visits: list[PageVisit] = []
        self.console_errors: list[str] = []
        self.scans = 0
        page.on("framenavigated", self._on_navigated)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught error: {error}"))
        if not csp_bypassed:
            # script-src 'self' allows a same-origin script, so axe is served as if the app sent it.
            page.route(f"{base_url}{AXE_SAME_ORIGIN_PATH}",
                       lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"))

    # Events

    def _on_navigated(self, frame: Frame) -> None:
        if frame != self.page.main_frame:
            return
        if self.visits:
            previous = self.visits[-1].url
            if frame.url != previous and urldefrag(frame.url)[0] == urldefrag(previous)[0]:
                return  # only the #fragment changed: still the same page
        self.visits.append(PageVisit(frame.url))

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    # Moving around

    def visit(self, path: str, *, status: int = 200):
        """Type an address into the browser, check the answer's status, and check the page."""
        response = self.page.goto(path)
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        self.check_accessibility()
        return response

    def click_to_next_page(self, target: Locator) -> None:
        """Click a link or button that opens another page, wait for it, and check it."""
        with self.page.expect_event("framenavigated", predicate=lambda frame: frame == self.page.main_frame):
            target.click()
        self.check_accessibility()

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in through the sign-in page, as a person would."""
        self.visit("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.click_to_next_page(self.page.get_by_role("button", name="Sign in"))

    # Accessibility

    def check_accessibility(self) -> dict:
        """Run axe on the page as it is now; fail on any serious or critical problem."""
        page = self.page
        assert self.visits, "check_accessibility was called before any page was opened"
        page.wait_for_load_state("load")  # stylesheets applied, so colour contrast is measured
        if not page.evaluate("() => typeof window.axe === 'object'"):
            if self.csp_bypassed:
                page.add_script_tag(path=str(AXE_SCRIPT))
            else:
                page.add_script_tag(url=f"{self.base_url}{AXE_SAME_ORIGIN_PATH}")
        results = page.evaluate(RUN_AXE, AXE_OPTIONS)
        self.scans += 1
        self.visits[-1].scanned = True

        assert results["url"].startswith(self.base_url), f"axe ran on {results['url']}, not the service"
        assert results["passes"] > 0, f"axe checked nothing on {results['url']}: is the page empty?"
        blocking = [rule for rule in results["violations"] if rule["impact"] in BLOCKING_IMPACTS]
        others = [rule for rule in results["violations"] if rule["impact"] not in BLOCKING_IMPACTS]
        if others:
            warnings.warn(AccessibilityWarning(describe_violations(results, others)), stacklevel=2)
        if blocking:
            pytest.fail(describe_violations(results, blocking))
        return results

    def finish(self, *, test_failed: bool) -> None:
        """At the end of a test: check the last page, and that no page went unchecked."""
        if test_failed:
            return
        if self.visits and not self.visits[-1].scanned:
            self.check_accessibility()
        unscanned = [visit.url for visit in self.visits if not visit.scanned]
        if unscanned:
            pytest.fail("These pages were opened but never checked with axe (use site.visit or "
                        f"site.click_to_next_page, or call site.check_accessibility): {unscanned}",
                        pytrace=False)
        assert self.scans, "The test never opened a page, so nothing was checked"


def describe_violations(results: dict, rules: list[dict]) -> str:
    lines = [f"axe-core {results['engine']} found {len(rules)} accessibility problem(s) on {results['url']}:"]
    for rule in rules:
        lines.append(f"  - {rule['id']} [{rule['impact']}]: {rule['help']} ({rule['helpUrl']})")
        for node in rule["nodes"]:
            target = " ".join(
                " >>> ".join(part) if isinstance(part, list) else str(part) for part in node["target"]
            )
            summary = " ".join((node.get("summary") or "").split())
            lines.append(f"      at {target}: {summary}")
    return "\n".join(lines)
