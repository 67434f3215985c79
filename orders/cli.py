"""The ``orders`` commands, for cron."""

import click
from flask.cli import AppGroup

orders_cli = AppGroup("orders", help="Orders: release stock held by unpaid orders.")


@orders_cli.command("expire")
def expire_command() -> None:
    """Cancel unpaid order parts whose hold has run out and put their stock back on sale."""
    from orders.services import expire_overdue

    click.echo(f"Expired {expire_overdue()} unpaid order part(s).")
