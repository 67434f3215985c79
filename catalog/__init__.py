"""The catalog: producers, products, OCOP categories, origin, and the public storefront."""

import typing

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


@catalog_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--producer", "slug", required=True, help="The producer's slug.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; change nothing.")
def import_command(file: typing.BinaryIO, slug: str, dry_run: bool) -> None:
    """Create or update a producer's listings from a CSV or XLSX file, by SKU."""
    from catalog.workspace.cli import run_import

    raise SystemExit(run_import(file.read(), slug, dry_run))


def register(app: Flask) -> None:
    """Attach the storefront, template helpers and the ``catalog`` commands."""
    from catalog import storefront, templating

    app.register_blueprint(storefront.bp)
    templating.init_app(app)
    app.cli.add_command(catalog_cli)
