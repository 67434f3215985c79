"""``flask search``: rebuild the index and show its state."""

import click
from flask.cli import AppGroup

from catalog.search import indexing, services

search_cli = AppGroup("search", help="The product search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the whole index from the database (searches keep working meanwhile)."""
    total = indexing.product_total()
    with click.progressbar(length=total, label="Indexing products") as bar:
        done = indexing.rebuild(progress=bar.update)
    click.echo(f"Indexed {done} products with the {indexing.backend().name} backend.")


@search_cli.command("status")
def status_command() -> None:
    """Show the backend, the documents in the index and the changes waiting."""
    backend = indexing.backend()
    click.echo(f"Backend: {backend.name}")
    location = getattr(backend, "directory", None)
    if location is not None:
        click.echo(f"Index folder: {location}")
    click.echo(f"Documents in the index: {backend.document_count()}")
    click.echo(f"Public products in the database: {services.total_public()}")
    if indexing.needs_rebuild():
        click.echo("Pending updates: all (the next sync rebuilds the index from the database)")
    else:
        click.echo(f"Pending updates: {indexing.pending_count()}")


@search_cli.command("verify")
@click.option("--repair", is_flag=True, help="Rewrite the documents that differ.")
def verify_command(repair: bool) -> None:
    """Find index documents that differ from the database (and rewrite them with --repair)."""
    from catalog.search.verify import verify

    result = verify(repair=repair)
    click.echo(
        f"Checked {result.checked} products: {len(result.stale)} stale, "
        f"{len(result.missing)} missing, {len(result.extra)} extra document(s)."
    )
    if repair:
        click.echo(f"Repaired {result.repaired} document(s).")
    elif result.wrong:
        raise SystemExit(1)
