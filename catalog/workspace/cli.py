"""``flask catalog import``: the bulk import from the command line, with progress bars."""

import click
import sqlalchemy as sa

from catalog.audit import CLI
from catalog.models import Producer
from catalog.workspace import imports
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.import_files import read_table
from market.extensions import db


def run_import(data: bytes, slug: str, dry_run: bool) -> int:
    """Check (and unless ``dry_run``, apply) an import for the producer; returns the exit code."""
    producer = db.session.scalar(sa.select(Producer).where(Producer.slug == slug))
    if producer is None:
        click.echo(f"No producer with the slug {slug!r}.", err=True)
        return 2
    try:
        rows = read_table(data)
        with click.progressbar(length=max(len(rows) - 1, 0), label="Checking") as bar:
            plan = imports.plan_rows(producer, rows, bar.update)
    except WorkspaceError as error:
        click.echo(f"The file cannot be read: {error}", err=True)
        return 1
    for problem in plan.problems:
        click.echo(f"row {problem.row}, column {problem.column or '-'}: {problem.message}")
    if not plan.valid:
        click.echo(f"{len(plan.problems)} problem(s); nothing was imported.", err=True)
        return 1
    click.echo(f"{plan.to_create} to create, {plan.to_update} to update.")
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return 0
    try:
        with click.progressbar(length=len(plan.rows), label="Importing") as bar:
            result = imports.apply_import(producer, plan, CLI, bar.update)
    except WorkspaceError as error:
        click.echo(str(error), err=True)
        return 1
    click.echo(
        f"Imported for {producer.slug}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
    return 0
