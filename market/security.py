"""Security headers on every response, and refusal of text no page can accept."""

from flask import Flask, Response, abort, request

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


def init_app(app: Flask) -> None:
    """Add the headers that every page and API answer carries; refuse NUL characters."""
    app.before_request(refuse_nul_characters)

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
