"""Traceability: public lot pages, GS1 Digital Link, events, QR labels, recalls and EPCIS."""

from decimal import Decimal

from flask import Flask

from catalog.trace import models  # noqa: F401  (registers the tables)
from market.i18n import format_number


def format_quantity(value: Decimal | float | int | None) -> str:
    """A quantity without trailing zeros, in the current language: ``12,5`` or ``12.5``."""
    return format_number(value)


def register(app: Flask) -> None:
    """Attach the public lot pages, the producer's lot workspace, the manager pages and the API."""
    from catalog.trace import api, manage, openapi, public, workspace
    from market import registry

    app.register_blueprint(public.bp)
    app.register_blueprint(workspace.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(api.bp)
    registry.OPENAPI_PATHS.update(app, openapi.PATHS)
    registry.OPENAPI_SCHEMAS.update(app, openapi.SCHEMAS)
    app.jinja_env.filters["qty"] = format_quantity
