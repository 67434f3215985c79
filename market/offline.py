"""Weak-signal comfort: the service worker (``/sw.js``) and the page it shows offline.

``static/sw.js`` keeps the site's shell and the shopper's own order pages, with the VietQR
transfer details, readable without a signal. It is served from the site's root so its scope
is the whole site; its registration URL carries the hashes of the worker and of the shell's
stylesheets, so a deploy that changes either installs it afresh (re-caching the shell).
"""

from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from market.static_files import content_hash

bp = Blueprint("offline", __name__)

SHELL_FILES = ("sw.js", "css/site.css", "css/search.css")


def service_worker_version() -> str:
    """Changes whenever the worker or the shell it caches changes."""
    return "".join(content_hash(name) or "" for name in SHELL_FILES)


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """The service worker, revalidated on every check so a new one is found at once."""
    script = Path(current_app.static_folder or "", "sw.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, no-cache"
    response.set_etag(content_hash("sw.js") or "")
    return response.make_conditional(request)


@bp.get("/ngoai-tuyen")
def page() -> ResponseReturnValue:
    """What the service worker shows for a page it does not keep while there is no signal."""
    response: Response = current_app.make_response(render_template("offline.html"))
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def register(app: Flask) -> None:
    """Attach the service worker and the offline page; templates get the worker's URL."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(service_worker_version=service_worker_version)
