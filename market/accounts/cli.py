"""Account commands: the provincial grant of managers."""

import click
from flask.cli import AppGroup

from market.accounts import grants

accounts_cli = AppGroup("accounts", help="User accounts: managers' grants.")


@accounts_cli.command("provincial")
@click.argument("login")
@click.option("--revoke", is_flag=True, help="Take the grant back instead of giving it.")
def provincial_command(login: str, revoke: bool) -> None:
    """Give the manager LOGIN (e-mail or mobile) the whole province, or take it back."""
    try:
        user = grants.set_provincial(login, not revoke, by="cli")
    except grants.NotAManager as error:
        raise click.ClickException(error.message) from error
    state = "no longer provincial" if revoke else "provincial"
    click.echo(f"{user.name} <{user.login}> is {state}.")


@accounts_cli.command("provincial-list")
def provincial_list_command() -> None:
    """List the managers holding the provincial grant."""
    for user in grants.provincial_managers():
        click.echo(f"{user.login}\t{user.name}")
