"""Site-wide commands: translations."""

import click
from flask.cli import AppGroup

from market import i18n_catalogs

i18n_cli = AppGroup("i18n", help="Translation catalogs (Vietnamese first).")


@i18n_cli.command("missing")
@click.option("--locale", default="vi", show_default=True)
def missing_command(locale: str) -> None:
    """List messages that no catalog translates yet; exit 1 if there are any."""
    missing = i18n_catalogs.missing_translations(locale)
    for key, where in missing.items():
        click.echo(f"{where}: {key!r}")
    click.echo(f"{len(missing)} untranslated message(s).")
    if missing:
        raise SystemExit(1)


@i18n_cli.command("add-missing")
@click.argument("area")
@click.option("--locale", default="vi", show_default=True)
def add_missing_command(area: str, locale: str) -> None:
    """Append untranslated messages to translations/AREA for translating."""
    added = i18n_catalogs.add_missing(area, locale)
    click.echo(f"Added {added} message(s) to translations/{area}/{locale}.")


@i18n_cli.command("prune")
@click.option("--locale", default="vi", show_default=True)
def prune_command(locale: str) -> None:
    """Remove translations of messages the code no longer uses."""
    click.echo(f"Removed {i18n_catalogs.prune_obsolete(locale)} obsolete message(s).")


@i18n_cli.command("compile")
@click.option("--force", is_flag=True, help="Recompile catalogs that are up to date too.")
def compile_command(force: bool) -> None:
    """Compile every catalog whose .mo is missing or older than its .po."""
    click.echo(f"Compiled {i18n_catalogs.compile_catalogs(force=force)} catalog(s).")
