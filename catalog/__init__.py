"""The catalog: producers, products, OCOP categories, origin, and the public storefront."""

import typing

import click
from flask import Flask
from flask.cli import AppGroup

from catalog import audit, models, ocop, stock_history  # noqa: F401  (tables; the stars hook)

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


@catalog_cli.group("stars")
def stars_cli() -> None:
    """Products' current OCOP stars."""


@stars_cli.command("refresh")
def refresh_stars_command() -> None:
    """Drop stars whose recognition expired (the worker does this daily)."""
    from catalog.ocop import refresh_stars

    click.echo(f"OCOP stars changed on {refresh_stars()} product(s).")


@catalog_cli.group("images")
def images_cli() -> None:
    """Product photos."""


@images_cli.command("backfill")
def images_backfill_command() -> None:
    """Queue renditions for photos stored before a size was added (the worker writes them)."""
    from catalog.image_backfill import start_backfill
    from market.extensions import db

    start_backfill()
    db.session.commit()
    click.echo("Queued: the worker adds the missing renditions, 50 photos per job.")


def register(app: Flask) -> None:
    """Attach the storefront, template helpers and the ``catalog`` commands."""
    from catalog import (  # noqa: F401  (jobs, image_backfill: handlers and schedule)
        image_backfill,
        jobs,
        storefront,
        templating,
    )
    from market import registry

    app.register_blueprint(storefront.bp)
    registry.SITEMAP_SOURCES.add(app, storefront.sitemap_entries)
    templating.init_app(app)
    app.cli.add_command(catalog_cli)
