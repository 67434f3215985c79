"""The catalog: producers, products, OCOP categories, origin, and the public storefront."""

import click
from flask import Flask
from flask.cli import AppGroup

from catalog import models  # noqa: F401  (registers the tables)

catalog_cli = AppGroup("catalog", help="Catalog maintenance.")


@catalog_cli.command("sync-categories")
def sync_categories_command() -> None:
    """Load the OCOP category tree from catalog/data into the database."""
    from catalog.categories import sync_categories

    click.echo(f"{sync_categories()} categories in the OCOP tree.")


def register(app: Flask) -> None:
    """Attach the storefront, template helpers and the ``catalog`` commands."""
    from catalog import storefront, templating

    app.register_blueprint(storefront.bp)
    templating.init_app(app)
    app.cli.add_command(catalog_cli)
