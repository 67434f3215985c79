"""HTTP views of the orders package: cart, checkout, the shopper's orders, fulfilment."""

from flask import Response


def keep_private(response: Response) -> Response:
    """Order pages hold personal data: never cached by shared caches, never indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
