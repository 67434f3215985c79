"""A brief whole-page cache for anonymous visitors: the catalog, home and product pages.

A visitor who sends neither a session nor a sign-in cookie has no cart, no flash messages and
no per-visitor token, so their page is the same for everyone who asks for the same URL (the
language is part of it, ``/en/...``, and of the key): it is kept ``PAGE_CACHE_SECONDS`` (30 s by
default) and served from the cache meanwhile. Anyone with a session or a sign-in cookie always
gets a fresh page, and a page that wrote a cookie is never kept. Nothing is invalidated: a change
shows to anonymous visitors within those seconds (stock and prices are checked again when an
item is added to the cart and at checkout).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request, session
from flask_babel import get_locale

from market.extensions import cache

HEADER = "X-Page-Cache"


def _anonymous() -> bool:
    """True when the request carries neither a session nor a sign-in cookie."""
    config = current_app.config
    cookies = (config["SESSION_COOKIE_NAME"], config["REMEMBER_COOKIE_NAME"])
    return not any(name in request.cookies for name in cookies)


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view``'s page from the cache to anonymous visitors; never to anyone else."""

    @wraps(view)
    def cached(*args: Any, **kwargs: Any) -> Any:
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        if seconds <= 0 or request.method != "GET" or not _anonymous():
            return view(*args, **kwargs)
        key = f"page:{get_locale()}:{request.host}{request.script_root}{request.full_path}"
        found = cache.get(key)
        if found is not None:
            body, mimetype = found
            response = current_app.response_class(body, mimetype=mimetype)
            response.headers[HEADER] = "hit"
            return response
        response = current_app.make_response(view(*args, **kwargs))
        wrote_cookie = session.modified or "Set-Cookie" in response.headers
        if response.status_code == 200 and not wrote_cookie:
            cache.set(key, (response.get_data(), response.mimetype), timeout=seconds)
            response.headers[HEADER] = "miss"
        return response

    return cached
