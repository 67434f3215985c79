"""Commands for the markets: ``flask markets rollups rebuild``."""

import click
from flask.cli import AppGroup

from market.extensions import db
from market.markets import rollups

markets_cli = AppGroup("markets", help="Chợ 4.0 markets and their sales reports.")
rollups_cli = AppGroup("rollups", help="The daily and monthly sales rollups the reports read.")
markets_cli.add_command(rollups_cli)


@rollups_cli.command("rebuild")
def rebuild_command() -> None:
    """Make the sales rollups again from every sale recorded (after a restore or an import)."""
    counts = rollups.rebuild()
    db.session.commit()
    click.echo(
        "Rebuilt the sales rollups: "
        + ", ".join(f"{n:,} rows in {table}" for table, n in counts.items())
        + "."
    )
