"""The producer workspace (``/ban-hang``): listings, photos, stock, origin, imports, team, sales.

Services live in small modules (``producers``, ``products``, ``photos``, ``stock``, ``bulk``,
``areas``, ``imports``, ``audit``, ``dashboard``); the views only translate requests and errors.
"""

from flask import Flask

from catalog.workspace import models  # noqa: F401  (registers the tables)


def register(app: Flask) -> None:
    """Attach the workspace blueprint and name the change-log actions and fields it records."""
    from catalog.workspace import (  # noqa: F401
        import_views,
        origin_views,
        product_views,
        team_lead_views,
        views,
    )
    from catalog.workspace.blueprint import bp
    from catalog.workspace.labels import ACTIONS, FIELDS
    from market import registry

    app.register_blueprint(bp)
    registry.LOG_ACTIONS.update(app, ACTIONS)
    registry.LOG_FIELDS.update(app, FIELDS)
