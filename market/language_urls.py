"""The language is part of the URL: Vietnamese at the bare path, English under ``/en/``.

A WSGI middleware moves the ``/en`` prefix from ``PATH_INFO`` to ``SCRIPT_NAME`` (as a site
mounted under a path is), so every route matches unchanged and every ``url_for`` of an English
page carries the prefix by itself: the visitor stays in their language from link to link, an
English link can be shared, and no cookie or session is needed to remember the choice. Files
that are the same in every language (static files, photos, ``robots.txt``) keep one URL.
"""

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.utils import redirect

from market.urls import public_base_url

# Language → URL prefix; the default language (Vietnamese) has none.
PREFIXES = {"vi": "", "en": "/en"}
ENVIRON_KEY = "choque.language"
ROOT_KEY = "choque.site_root"
# Endpoints whose answer is the same in every language: linked without a prefix.
SAME_IN_EVERY_LANGUAGE = frozenset(
    {
        "static",
        "catalog.image",
        "catalog.image_jpeg",
        "discovery.robots",
        "discovery.sitemap",
        "discovery.manifest",
        "offline.service_worker",
        "core.healthz",
    }
)

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class LanguagePrefix:
    """WSGI middleware: ``/en/...`` is the English site, served by the same routes."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Move a language prefix from the path to the script name and note the language."""
        path = environ.get("PATH_INFO", "")
        root = environ.get("SCRIPT_NAME", "")
        environ[ROOT_KEY] = root
        for language, prefix in PREFIXES.items():
            if prefix and path == prefix:  # one URL per page: /en → /en/
                query = environ.get("QUERY_STRING", "")
                target = root + prefix + "/" + (f"?{query}" if query else "")
                return redirect(target, 301)(environ, start_response)
            if prefix and path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = root + prefix
                environ["PATH_INFO"] = path[len(prefix) :]
                environ[ENVIRON_KEY] = language
                break
        return self.app(environ, start_response)


def url_language() -> str | None:
    """The language this request's URL names, or None outside a request."""
    if not has_request_context():
        return None
    return request.environ.get(ENVIRON_KEY, current_app.config["BABEL_DEFAULT_LOCALE"])


def site_root() -> str:
    """Where the site is mounted, without the language prefix (usually ``""``)."""
    return request.environ.get(ROOT_KEY, request.script_root)


def page_in(language: str, external: bool = False) -> str:
    """This page's URL (path and query) in ``language``; absolute from ``PUBLIC_BASE_URL``."""
    path = site_root() + PREFIXES[language] + request.full_path.removesuffix("?")
    return public_base_url() + path if external else path


def url_in(language: str, endpoint: str, **values: Any) -> str:
    """The path of ``endpoint`` in ``language`` (Vietnamese if it is not one of the site's)."""
    path = url_for(endpoint, **values)[len(request.script_root) :]
    return site_root() + PREFIXES.get(language, "") + path


def without_language(url: str) -> str:
    """``url`` built during an English request, with the language prefix taken out."""
    prefix = request.script_root
    root = site_root()
    if prefix == root:
        return url
    parts = urlsplit(url)
    if parts.path == prefix or parts.path.startswith(prefix + "/"):
        return urlunsplit(parts._replace(path=root + parts.path[len(prefix) :] or "/"))
    return url


class LanguageAwareFlask(Flask):
    """Flask, linking what is the same in every language without the language prefix."""

    def url_for(self, endpoint: str, **values: Any) -> str:
        """Flask's ``url_for``; files and machine answers get one URL for every language."""
        url = super().url_for(endpoint, **values)
        if endpoint in SAME_IN_EVERY_LANGUAGE and has_request_context():
            return without_language(url)
        return url


def init_app(app: Flask) -> None:
    """Serve ``/en/...`` as English and give templates the alternates of each page."""
    app.wsgi_app = LanguagePrefix(app.wsgi_app)  # type: ignore[method-assign]
    app.jinja_env.globals.update(page_in=page_in, language_prefixes=PREFIXES)
