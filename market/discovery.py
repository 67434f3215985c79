"""How the site is found: ``robots.txt``, ``sitemap.xml`` and the web app manifest.

The sitemap lists only public pages. Core knows none of them itself: each package adds a
source in ``market.registry.SITEMAP_SOURCES`` at registration (the catalog its products and
producers, the markets their stall pages), so dependencies keep pointing one way.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, current_app, url_for
from flask.typing import ResponseReturnValue

from market import registry
from market.language_urls import PREFIXES
from market.urls import public_url

bp = Blueprint("discovery", __name__)

THEME_COLOUR = "#1f6b3a"  # --green in static/css/site.css
BACKGROUND_COLOUR = "#fbfcfa"  # --bg
ONE_HOUR = 3600

# Pages for one person (their account, cart, checkout, orders, payments), the producers' and
# managers' consoles, a stall seller's screens, and machine endpoints: never worth a crawl.
PRIVATE_PREFIXES = (
    "/tai-khoan",
    "/gio-hang",
    "/dat-hang",
    "/don-hang",
    "/thanh-toan",
    "/ban-hang",
    "/quan-ly",
    "/sap",
    "/api",
    "/webhooks",
    "/ngoai-tuyen",
)


@dataclass(frozen=True)
class SitemapEntry:
    """One public page: its absolute URL and when it last changed (naive UTC)."""

    url: str
    lastmod: datetime | None = None


SitemapSource = Callable[[], Iterable[SitemapEntry]]


def sitemap_entries() -> list[SitemapEntry]:
    """The home page, then every registered source's pages."""
    entries = [SitemapEntry(public_url("catalog.home"))]
    for source in registry.SITEMAP_SOURCES.all():
        entries.extend(source())
    return entries


@bp.get("/robots.txt")
def robots() -> ResponseReturnValue:
    """Crawl the public pages, not the private ones; where the sitemap is."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [
        f"Disallow: {language}{prefix}"
        for language in PREFIXES.values()
        for prefix in PRIVATE_PREFIXES
    ]
    lines += ["", f"Sitemap: {public_url('discovery.sitemap')}", ""]
    return _public(Response("\n".join(lines), mimetype="text/plain"))


@bp.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    """Every public product, producer and stall page, with when it last changed."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    parts.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    for entry in sitemap_entries():
        parts.append(f"<url><loc>{escape(entry.url)}</loc>")
        if entry.lastmod is not None:
            parts.append(f"<lastmod>{entry.lastmod.strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod>")
        parts.append("</url>\n")
    parts.append("</urlset>\n")
    return _public(Response("".join(parts), mimetype="application/xml"))


@bp.get("/manifest.webmanifest")
def manifest() -> ResponseReturnValue:
    """The web app manifest: name, colours and icons for "add to home screen"."""
    document = {
        "name": "Chợ Quê",
        "short_name": "Chợ Quê",
        "start_url": url_for("catalog.home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": url_for("static", filename="img/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="img/favicon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            },
        ],
    }
    response = current_app.json.response(document)
    response.mimetype = "application/manifest+json"
    return _public(response)


def _public(response: Response) -> Response:
    """The same answer for everyone, so caches may keep it an hour."""
    response.cache_control.public = True
    response.cache_control.max_age = ONE_HOUR
    return response


def register(app: Flask) -> None:
    """Attach robots.txt, the sitemap, the manifest, and the theme colour for templates."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(theme_colour=THEME_COLOUR)
