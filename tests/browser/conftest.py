"""Browser-test fixtures: the test app over real HTTP, and Debian's Chromium through Playwright.

Every package's browser tests use these; don't add another server fixture.

- ``live_server``: the ``app`` fixture's application (same test database, clean tables, so a test
  creates its rows first with ``with live_server.app.app_context(): ...``) served by werkzeug's
  threaded ``make_server`` on 127.0.0.1 with a free port, for one test. ``live_server.url`` is the
  base URL; ``live_server("/san-pham")`` gives an absolute URL. Change the app's configuration by
  overriding ``app_config`` in a test module, as anywhere in the suite.
- ``browser``: one headless Chromium (/usr/bin/chromium, or ``CHROMIUM_PATH``) for the whole run.
- ``new_page(width=360, height=740, **context_options)``: a page in a fresh browser context (own
  cookies) whose ``base_url`` is the live server, so ``page.goto("/")`` works. Context options
  are Playwright's, e.g. ``java_script_enabled=False`` or ``locale="en-US"``. Contexts close after
  the test. ``page`` is ``new_page()``: phone width, JavaScript on.
- ``console_errors``: JavaScript errors and console errors (CSP violations among them) of every
  page opened in the test; assert it is empty where a page must load cleanly.

In this folder the forms run with CSRF protection on, as in production: a browser submits the
token the page carries.
"""

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach Google's services (see RECIPES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class LiveServer:
    """The test application answering real HTTP requests on 127.0.0.1."""

    app: Flask
    url: str

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return self.url + path


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Browser tests submit real forms, so CSRF protection is on as in production."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` from a thread on a free port of 127.0.0.1 for the duration of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    # Links that leave the site (Stripe's return address, mails) come back to this server.
    app.config["PUBLIC_BASE_URL"] = url
    try:
        yield LiveServer(app=app, url=url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole run (never a downloaded browser build)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors logged by the pages of this test: script errors, CSP violations, failed loads."""
    return []


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, console_errors: list[str]
) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh contexts against the live server; all are closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page(
        width: int = PHONE["width"], height: int = PHONE["height"], **options: object
    ) -> Page:
        options.setdefault("locale", "vi-VN")
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _record_console(message, console_errors))
        page.on("pageerror", lambda error: _record_page_error(error, console_errors))
        return page

    yield open_page
    for context in contexts:
        # Let requests still in flight (a lazy photo) finish first: a context closed mid-response
        # leaves the live server's open file to the garbage collector, a ResourceWarning later.
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A phone-sized page (360 × 740) with JavaScript on, against the live server."""
    return new_page()


def _record_console(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(f"{message.location.get('url', '')}: {message.text}")


def _record_page_error(error: Error, errors: list[str]) -> None:
    errors.append(f"uncaught: {error.message}")


def no_horizontal_scroll(page: Page) -> bool:
    """True when nothing is wider than the viewport (the page never scrolls sideways).

    Waits for the page's load event first: on a busy machine the new heading can be in the DOM
    before the (cached) stylesheets apply, and an unstyled photo is wider than a phone.
    """
    page.wait_for_load_state("load")
    width = page.viewport_size["width"] if page.viewport_size else 0
    return page.evaluate("document.documentElement.scrollWidth") <= width


def image_loads(image: Locator) -> None:
    """Scroll to an image and wait until it has arrived and decoded (fails on a broken image).

    Lazy images start loading only near the viewport, and on a busy machine later than the
    element becomes visible, so reading `naturalWidth` at once would race the download.
    """
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def sign_in(page: Page, email: str) -> None:
    """Sign in through the login form as a `make_user` user (password `correct horse`)."""
    page.goto("/tai-khoan/dang-nhap")
    page.fill("#login", email)
    page.fill("#password", "correct horse")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".account-menu > summary")).to_be_visible()


def open_account_menu(page: Page) -> Locator:
    """Open the header's account menu (a <details>, so JavaScript may be off); its list."""
    menu = page.locator(".account-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    links = menu.locator(".account-links")
    expect(links).to_be_visible()
    return links
