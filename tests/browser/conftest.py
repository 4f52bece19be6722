"""Playwright in Debian's Chromium against the live test server.

Never a downloaded browser: Chromium comes from `apt-get install chromium`. In CI (CI=1) a
missing browser is a failure, not a skip.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.axe import describe, run_axe
from tests.conftest import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package.")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium); CI installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser, live_server, transactional_world):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


@pytest.fixture
def login(live_server):
    """login(page, "southwark.editor") logs in through the real login form."""

    def do_login(page, username, password=TEST_PASSWORD):
        page.context.clear_cookies()  # a fresh session: the login page sends a signed-in user on
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        return page

    return do_login


@pytest.fixture
def assert_accessible():
    """assert_accessible(page, "what this state is") fails with one line per element that breaks
    a WCAG 2.0/2.1/2.2 A or AA rule of axe-core (tests/browser/axe.py); `exclude=` CSS selectors
    of parts that are not ours. Use it on any page, in any state (after clicks, with errors)."""

    def check(page, state="", *, exclude=()):
        violations = run_axe(page, exclude=exclude)
        where = f"{page.url}{' (' + state + ')' if state else ''}"
        assert not violations, f"axe: {len(violations)} WCAG rules broken on {where}:\n{describe(violations)}"

    return check
