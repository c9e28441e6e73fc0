"""The browser tests' fixtures: a live server on the test's own app, one Chromium per test
process and a fresh browser context (cookies and all) per test. Loaded by conftest.py.

Runs Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) through Playwright; screenshots
land in test-artifacts/ for people to look at.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.factories import customer_type

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def chromium():
    """One Chromium per test process; each test gets a context of its own (cookies and all)."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: on a loaded 2-core CI machine a page or a PDF can take seconds.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    console = []  # the browser's console: anything the Content-Security-Policy blocked
    page.on("console", lambda message: console.append(message.text))
    yield page
    context.close()
    assert [text for text in console if "Content Security Policy" in text] == []


def log_in(page, email):
    log_in_to(page, email, "**/admin/")


def log_in_to(page, email, landing):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(landing)


def open_quick_links(page):
    """Open the record's quick-links panel and wait until it has finished sliding open:
    a click during Bootstrap's collapse animation can land beside the link."""
    page.click(".record-header button:has-text('Quick links')")
    page.wait_for_selector("#quick-links.show")


def start_private_customer(page, surname, line_1, postcode):
    """The new-customer page of a Private customer, with what it needs but a phone."""
    page.goto("/admin/customer/new/")
    page.click(f"a[href$='?type={customer_type('Private').id}']")
    page.wait_for_load_state()
    page.fill("#surname", surname)
    page.fill("#address_line_1", line_1)
    page.fill("#postcode", postcode)
