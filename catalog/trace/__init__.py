"""Traceability: public lot pages, GS1 Digital Link, events, QR labels, recalls and EPCIS."""

from decimal import Decimal

from flask import Flask
from flask_babel import format_decimal

from catalog.trace import models  # noqa: F401  (registers the tables)


def format_quantity(value: Decimal | float | int | None) -> str:
    """A quantity without trailing zeros, in the current language: ``12,5`` or ``12.5``."""
    return "" if value is None else format_decimal(value, format="#,##0.##")


def register(app: Flask) -> None:
    """Attach the public lot pages, the producer's lot workspace, the manager pages and the API."""
    from catalog.trace import api, manage, public, workspace

    app.register_blueprint(public.bp)
    app.register_blueprint(workspace.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(api.bp)
    app.jinja_env.filters["qty"] = format_quantity
