"""The product app with a bare Flask app beside it, for benchmarks only (never in the product).

``gunicorn 'bench.trivial_app:create()'`` serves the real application configured from the
environment, plus ``TRIVIAL_PATH``: a one-line Flask route answered by the same workers in the
same run, so a page's figures can be read as a ratio to the cheapest request Flask can serve on
this machine. Importing the module builds nothing (the app needs production settings).
"""

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from market import create_app

TRIVIAL_PREFIX = "/__bench"
TRIVIAL_PATH = f"{TRIVIAL_PREFIX}/trivial"

trivial = Flask(__name__)


@trivial.get("/trivial")
def trivial_route() -> str:
    """The cheapest Flask answer: a constant string."""
    return "ok"


def create() -> DispatcherMiddleware:
    """The product app configured from the environment, with the trivial app beside it."""
    return DispatcherMiddleware(create_app(), {TRIVIAL_PREFIX: trivial})
