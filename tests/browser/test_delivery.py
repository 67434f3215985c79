"""A real Chromium gets pages and stylesheets compressed, decodes them, and finds the manifest,
with no console errors (the CSP allows all of it)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_pages_and_stylesheets_arrive_compressed_and_the_manifest_loads(
    page: Page, live_server: LiveServer, console_errors: list[str]
) -> None:
    with live_server.app.app_context():
        for name in ("Chè Shan tuyết", "Mật ong bạc hà", "Miến dong"):
            factories.product(factories.producer(), name=name)
    encodings: dict[str, str | None] = {}
    page.on(
        "response",
        lambda response: encodings.__setitem__(
            # Static links carry their content hash (?v=…): key by path.
            urlsplit(response.url).path,
            response.headers.get("content-encoding"),
        ),
    )
    page.goto("/san-pham")
    expect(page.get_by_role("link", name="Mật ong bạc hà")).to_be_visible()
    assert encodings["/san-pham"] == "br"
    assert encodings["/static/css/site.css"] == "br"
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["theme_color"] == "#1f6b3a"
    assert console_errors == []
