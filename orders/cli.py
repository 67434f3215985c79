"""The ``orders`` commands, for cron."""

import click
from flask.cli import AppGroup

orders_cli = AppGroup(
    "orders", help="Orders: release stock held by unpaid or unaccepted cash orders."
)


@orders_cli.command("expire")
def expire_command() -> None:
    """Cancel order parts whose hold has run out (unpaid, or cash the producer has not
    accepted) and put their stock back on sale."""
    from orders.services import expire_overdue

    click.echo(f"Expired {expire_overdue()} order part(s).")
