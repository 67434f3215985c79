"""URL helpers shared by every package: same-site redirects and links that leave the site."""

from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app, request, url_for


def safe_next_url(target: str | None, default_endpoint: str = "catalog.home") -> str:
    """A same-site path to go back to, in this request's language; never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return site_path(target)
    return url_for(default_endpoint)


def site_path(path: str) -> str:
    """A path of this site under this request's root: ``/en/x`` for ``/x`` on an English page.

    A path that already starts with the root (a ``next`` taken from ``current_path``) is kept.
    """
    root = request.script_root
    if not root or path == root or path.startswith(root + "/"):
        return path
    return root + path


def current_path() -> str:
    """This request's path and query, for a ``next`` link: ``/`` rather than Werkzeug's ``/?``."""
    return site_path(request.full_path.removesuffix("?"))


def public_base_url() -> str:
    """The site's public origin from ``PUBLIC_BASE_URL``, without a trailing slash."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link to ``endpoint`` that starts with ``PUBLIC_BASE_URL``.

    For every link that leaves the site (mail, SMS, printed QR codes, payment return addresses,
    Open Graph tags, API answers): never built from the Host header a request came with, and
    usable outside a request (CLI, background work).
    """
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    if anchor is not None:
        path += "#" + quote(str(anchor), safe="")
    return public_base_url() + path


def public_path_url(path: str) -> str:
    """An absolute public link to a same-site ``path`` such as ``/don-hang/abc``."""
    return public_base_url() + "/" + path.lstrip("/")
