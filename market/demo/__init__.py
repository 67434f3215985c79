"""Illustrative demo data: ``flask --app market demo load`` fills an empty market.

The producers, products, recognitions and growing areas are made up from real place and
product names of Tuyên Quang; they are not official records.
"""

from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from market import registry
from market.demo import loader
from market.demo.dataset import DemoDataError
from market.demo.loader import DEFAULT_PASSWORD, LoadReport
from market.demo.photos import DEFAULT_WIDTH

demo_cli = AppGroup("demo", help="Illustrative demo data (not official records).")


@dataclass(frozen=True)
class DemoStep:
    """Demo data another package adds after the catalog (and removes before it, on --reset)."""

    name: str
    load: Callable[[str], str]  # takes the demo password, returns a one-line summary
    reset: Callable[[], None]  # deletes in the reset's transaction, never commits


@demo_cli.command("load")
@click.option(
    "--reset",
    is_flag=True,
    help="Delete the demo producers, products and accounts "
    "(and nothing else), then load them again.",
)
@click.option(
    "--photos/--no-photos",
    default=True,
    show_default=True,
    help="Draw product photos for products that have none.",
)
@click.option(
    "--photo-width",
    type=click.IntRange(64, 1600),
    default=DEFAULT_WIDTH,
    show_default=True,
    help="Width in pixels of each drawn photo (4:3).",
)
@click.option(
    "--password",
    envvar="DEMO_PASSWORD",
    default=DEFAULT_PASSWORD,
    show_default=True,
    help="Password of every demo account; read from DEMO_PASSWORD when set.",
)
@click.option(
    "--allow-production",
    is_flag=True,
    help="Load even outside development (the demo accounts have a known password).",
)
def load_command(
    reset: bool, photos: bool, photo_width: int, password: str, allow_production: bool
) -> None:
    """Load the demo market: producers, products, OCOP ratings, growing areas, lots, accounts.

    Idempotent: rows that already exist are left as they are, so running it again changes
    nothing. Use --reset to start the demo over.
    """
    if current_app.config["ENV_NAME"] != "development" and not allow_production:
        raise click.ClickException(
            "Refusing to create demo accounts with a known password outside development "
            "(CHOQUE_ENV is not 'development'). Pass --allow-production to do it anyway."
        )
    steps = registry.DEMO_STEPS.all()
    try:
        if reset:
            deleted = loader.reset_demo(first=[step.reset for step in reversed(steps)])
            click.echo("Deleted the demo data: " + _counts(deleted) + ".")
        click.echo("Loading the demo producers, products, lots and accounts...")
        report = loader.load_demo(password)
        summaries = [step.load(password) for step in steps]
    except DemoDataError as error:
        raise click.ClickException(f"The demo data is not valid: {error}") from error
    except loader.DemoResetBlocked as error:
        raise click.ClickException(
            "Other records (such as orders) still refer to the demo data, so nothing was "
            "deleted. To start over, use an empty database (delete instance/choque.sqlite3, or "
            f"drop and recreate the PostgreSQL database) and run `flask db upgrade`. ({error})"
        ) from error
    added = 0
    if photos and report.photo_jobs:
        click.echo(
            f"Drawing photos for {len(report.photo_jobs)} products "
            "(about a minute the first time; later runs skip this)..."
        )
        with click.progressbar(
            report.photo_jobs,
            label="Drawing product photos",
            item_show_func=lambda job: job.slug if job else None,
        ) as jobs:
            for job in jobs:
                added += loader.add_photos(job, photo_width)
    _print_summary(report, added, photos, password == DEFAULT_PASSWORD)
    for summary in summaries:
        click.echo(f"  {summary}")


def _counts(counter: dict) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counter.items() if n) or "nothing"


def _print_summary(report: LoadReport, photos: int, drew: bool, default_password: bool) -> None:
    click.echo("Demo market ready (illustrative data, not official records):")
    click.echo(f"  {'OCOP categories':<18} {report.categories:>4}")
    for kind in loader.KINDS:
        click.echo(f"  {kind:<18} {report.present[kind]:>4}  ({report.created[kind]} new)")
    if drew:
        click.echo(f"  {'photos':<18} {photos:>4}  new")
    else:
        click.echo(f"  {'photos':<18}    -  skipped (--no-photos)")
    where = f'"{DEFAULT_PASSWORD}"' if default_password else "from DEMO_PASSWORD"
    click.echo(f"Demo accounts (password {where}): see 'Demo accounts' in the README.")


def register(app: Flask) -> None:
    """Attach the ``demo`` commands."""
    app.cli.add_command(demo_cli)
