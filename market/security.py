"""Security headers on every response, refusal of text no page can accept, trusted proxies,
and the cross-origin check that guards the few forms anonymous pages carry without a CSRF token.

Pages shown to anonymous visitors (catalog, product, home) hold no session and no per-visitor
token, so they can be cached whole. Their two forms (add to cart, the language switch) are
guarded instead by ``cross_origin_protected``: the browser says where a request comes from
(``Sec-Fetch-Site``, else ``Origin``, else ``Referer``) and anything from another site is
refused, as Go's ``net/http.CrossOriginProtection`` does; the session cookie is also
``SameSite=Lax``, so a cross-site POST never carries it. Every other form keeps Flask-WTF's
session-bound token.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from market.extensions import csrf

logger = logging.getLogger(__name__)

FORWARDED_HEADERS = ("X-Forwarded-For", "Forwarded")
PROXY_WARNED = "choque.untrusted_proxy_warned"

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        # Card payments: the POST that starts a payment redirects to Stripe Checkout.
        "form-action 'self' https://checkout.stripe.com",
        "frame-ancestors 'none'",
    ]
)


def refuse_nul_characters() -> None:
    """Answer 400 to a URL or form holding NUL: no text needs it and PostgreSQL cannot store it."""
    if request.mimetype == FORM_TYPES[0]:
        request.get_data(cache=True)  # keeps the raw body readable, e.g. for webhook signatures
    values = [request.path, *(v for vs in request.args.listvalues() for v in vs)]
    if request.mimetype in FORM_TYPES:
        values.extend(v for vs in request.form.listvalues() for v in vs)
    if any("\x00" in value for value in values):
        abort(400)


def is_cross_site_request() -> bool:
    """True when the browser says this request was sent by a page of another site.

    A request that names no origin at all comes from no browser page (or a browser too old to
    send one, which still never attaches our ``SameSite=Lax`` cookie to a cross-site POST).
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value:
            return value == "null" or urlsplit(value).netloc != request.host
    return False


def cross_origin_protected(view: Callable[..., Any]) -> Callable[..., Any]:
    """Guard a POST view by where the request comes from instead of a session-bound token."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if current_app.config.get("WTF_CSRF_ENABLED", True) and is_cross_site_request():
            raise CSRFError("The form was sent from another site.")
        return view(*args, **kwargs)

    return csrf.exempt(guarded)


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* from ``TRUSTED_PROXIES`` proxies; warn when that is likely wrong.

    Behind nginx with ``TRUSTED_PROXIES=0`` every request seems to come from nginx's address, so
    the whole site shares one rate-limit allowance (10 sign-ins a minute for everyone).
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        return
    if app.config["ENV_NAME"] == "production":
        logger.warning(
            "TRUSTED_PROXIES=0: client addresses are taken from the connection, not from "
            "X-Forwarded-For. Behind nginx or another proxy every visitor then shares the "
            "proxy's address and its rate limits; set TRUSTED_PROXIES=1 there."
        )
    app.before_request(warn_about_untrusted_forwarding)


def warn_about_untrusted_forwarding() -> None:
    """Once per process: forwarded headers arrived while TRUSTED_PROXIES=0 ignores them."""
    if current_app.extensions.get(PROXY_WARNED):
        return
    sent = [name for name in FORWARDED_HEADERS if name in request.headers]
    if sent:
        current_app.extensions[PROXY_WARNED] = True
        logger.warning(
            "A request came with %s but TRUSTED_PROXIES=0 ignores it: if a proxy such as "
            "nginx is in front of the site, set TRUSTED_PROXIES to the number of proxies, or "
            "every visitor shares its address and rate limits (logged once per process).",
            " and ".join(sent),
        )


def refuse_unknown_host(error: SecurityError) -> Response:
    """A plain 400 for a Host not in TRUSTED_HOSTS: no page can be drawn (no URL can be built)."""
    return Response(
        "400 Bad Request: unknown host\n", status=400, mimetype="text/plain; charset=utf-8"
    )


def init_app(app: Flask) -> None:
    """Add the headers every answer carries; refuse NUL characters and unknown hosts; trust
    configured proxies."""
    trust_proxies(app)
    app.before_request(refuse_nul_characters)
    app.register_error_handler(SecurityError, refuse_unknown_host)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
