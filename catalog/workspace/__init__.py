"""The producer workspace (``/ban-hang``): listings, photos, stock, origin, imports, team, sales.

Services live in small modules (``producers``, ``products``, ``photos``, ``stock``, ``bulk``,
``areas``, ``imports``, ``audit``, ``dashboard``); the views only translate requests and errors.
"""

from flask import Flask

from catalog.workspace import models  # noqa: F401  (registers the tables)


def register(app: Flask) -> None:
    """Attach the workspace blueprint."""
    from catalog.workspace import import_views, origin_views, product_views, views  # noqa: F401
    from catalog.workspace.blueprint import bp

    app.register_blueprint(bp)
