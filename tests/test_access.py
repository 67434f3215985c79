"""Every route is either deliberately public or refuses anonymous visitors.

A new route must be added to PUBLIC_ENDPOINTS (with a reason) or be protected; this test walks
the whole URL map so nothing slips through.
"""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

# Endpoint → why anyone may call it.
PUBLIC_ENDPOINTS = {
    "static": "stylesheets, scripts and icons",
    "core.healthz": "load balancer health check",
    "catalog.home": "storefront",
    "catalog.listing": "storefront",
    "catalog.product": "storefront",
    "catalog.producers": "storefront",
    "catalog.producer": "storefront",
    "catalog.image": "product photos",
    "catalog.image_jpeg": "product photos as JPEG, for link previews",
    "discovery.robots": "robots.txt for crawlers",
    "discovery.sitemap": "sitemap of the public pages",
    "discovery.manifest": "web app manifest",
    "offline.service_worker": "the service worker that keeps pages for offline reading",
    "offline.page": "what the service worker shows offline",
    "accounts.signup": "creating an account",
    "accounts.login": "signing in",
    "accounts.logout": "signing out is harmless when signed out",
    "accounts.reset_request": "password reset",
    "accounts.reset_password": "password reset (signed token)",
    "accounts.enter_code": "the SMS code of a phone sign-up or reset (404 without one asked for)",
    "accounts.resend_code": "a new SMS code for the same request (404 without one asked for)",
    "cart.view": "guests shop without an account",
    "cart.add": "guests shop without an account",
    "cart.update": "guests shop without an account",
    "cart.remove": "guests shop without an account",
    "checkout.checkout": "guests check out without an account",
    "places_api.communes": "communes of a province for the address pickers (guests too)",
    "orders.history": "explains to a guest where their orders are",
    "search.results": "storefront search",
    "search_api.products": "public product search API",
    "search_api.suggest": "public suggestions API",
    "openapi.openapi_json": "public API description",
}

SAMPLE_VALUES = {"int": "1", "string": "x", "path": "x", "default": "x"}


def _sample_url(rule: str) -> str:
    def fill(match: re.Match[str]) -> str:
        converter = match.group(1) or "default"
        return SAMPLE_VALUES.get(converter.split("(")[0], "x")

    return re.sub(r"<(?:(\w+(?:\([^)]*\))?):)?\w+>", fill, rule)


def _protected_rules(app: Flask) -> list[tuple[str, str, str]]:
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            rules.append((rule.endpoint, method, _sample_url(rule.rule)))
    return rules


def test_public_endpoints_all_exist(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(PUBLIC_ENDPOINTS) <= endpoints


def test_every_other_route_refuses_anonymous_visitors(app: Flask, client: FlaskClient) -> None:
    leaks = []
    for endpoint, method, url in _protected_rules(app):
        response = client.open(url, method=method)
        redirected_to_login = response.status_code == 302 and "/dang-nhap" in response.headers.get(
            "Location", ""
        )
        if not (redirected_to_login or response.status_code in (401, 403, 404)):
            leaks.append(f"{method} {url} ({endpoint}) → {response.status_code}")
    assert not leaks, "Routes open to anonymous visitors:\n" + "\n".join(leaks)


@pytest.mark.parametrize(
    "url", ["/tai-khoan/ho-so", "/tai-khoan/dia-chi/", "/tai-khoan/dia-chi/them"]
)
def test_signed_in_pages_send_visitors_to_sign_in(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap?next=" in response.headers["Location"]
