"""Static file URLs that carry a hash of the file's content (``?v=…``), cached for a year.

A changed file gets a new URL, so a static file asked for with the hash of its current content
is kept for a year by browsers and shared caches (``immutable``: not even revalidated on
reload); asked for without a hash, or with one that is not its content's (a page from before a
deploy, another server mid-deploy), it is kept only ``SHORT_CACHE`` so the wrong bytes never
stick under a long-lived URL. nginx does the same for files it serves itself
(``deploy/nginx-choque.conf``).
"""

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

from market.media import CACHE_FOREVER

HASH_LENGTH = 12
SHORT_CACHE = "public, max-age=300"


def content_hash(filename: str) -> str | None:
    """The hash of a static file's current content, or None when there is no such file."""
    app = current_app
    hashes: dict[str, str] = app.extensions.setdefault("static_hashes", {})
    if filename not in hashes or app.debug:
        path = Path(app.static_folder or "") / filename
        if not path.is_file():
            return None
        hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
    return hashes[filename]


def add_content_hash(endpoint: str, values: dict[str, Any]) -> None:
    """Give every ``url_for('static', ...)`` the file's content hash as ``v``."""
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    found = content_hash(values["filename"])
    if found is not None:
        values["v"] = found


def cache_static_answer(response: Response) -> Response:
    """A year, immutable, when the URL's hash is the file's; a few minutes otherwise."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    asked = request.args.get("v")
    fresh = asked is not None and asked == content_hash(filename)
    response.headers["Cache-Control"] = CACHE_FOREVER if fresh else SHORT_CACHE
    return response


def init_app(app: Flask) -> None:
    """Hash static URLs and cache static answers by whether their hash is current."""
    app.url_defaults(add_content_hash)
    app.after_request(cache_static_answer)
