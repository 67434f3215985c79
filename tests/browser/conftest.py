"""Browser tests: the test application over real HTTP, driven by Debian's Chromium (Playwright).

Fixtures for every package's browser tests:

- ``live_server``: the ``app`` fixture's application (same test database, emptied per test)
  served by werkzeug's threaded server on 127.0.0.1 and a free port while the test runs.
  ``live_server.url`` is the base URL and ``live_server("/path")`` an absolute URL; create rows
  with ``with live_server.app.app_context(): ...``. Forms run with CSRF protection on, as in
  production (override ``app_config`` in a module to change the configuration).
- ``browser``: one headless Chromium for the session (``/usr/bin/chromium`` or ``CHROMIUM_PATH``).
- ``new_page(width=360, height=740, **context_options)``: a page in a fresh context (its own
  cookies, so two calls are two different people) whose ``base_url`` is the live server.
- ``page``: ``new_page()`` — phone width, JavaScript on.
- ``console_errors``: script errors and console errors (CSP violations included) of the pages.
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
    Page,
    sync_playwright,
)
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The networking flags stop Chromium calling home, which fails here (RECIPES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class LiveServer:
    """The application answering HTTP on 127.0.0.1."""

    app: Flask
    url: str

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of ``path``."""
        return self.url + path


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """A browser submits the CSRF token its page carries, so protection stays on."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` from a background thread for one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (never a browser build downloaded by Playwright)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """What went wrong in the pages' scripts during the test."""
    return []


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, console_errors: list[str]
) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts against the live server; closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page(width: int = 360, height: int = 740, **options: object) -> Page:
        options.setdefault("locale", "vi-VN")
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        opened = context.new_page()
        opened.on("console", lambda message: _console(message, console_errors))
        opened.on("pageerror", lambda error: _uncaught(error, console_errors))
        return opened

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A phone-sized page with JavaScript on."""
    return new_page()


def _console(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(f"{message.location.get('url', '')}: {message.text}")


def _uncaught(error: Error, errors: list[str]) -> None:
    errors.append(f"uncaught: {error.message}")
