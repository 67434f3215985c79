"""Product search that understands Vietnamese shoppers: one interface, three backends.

``SEARCH_BACKEND`` picks tantivy (default: an embedded Rust index in the instance folder),
Whoosh (the same, in pure Python) or PostgreSQL (folded text and a table of known words in the
shared database, for several app servers). Changes reach the index through an outbox written in the
same transaction (see ``indexing``).
"""

import os

from flask import Flask

from catalog.search import models  # noqa: F401  (registers the tables)
from catalog.search.backend import SearchBackend


def make_backend(app: Flask) -> SearchBackend:
    """The backend the configuration names."""
    name = app.config.get("SEARCH_BACKEND", "tantivy")
    directory = app.config.get("SEARCH_INDEX_DIR") or os.path.join(
        app.config["INSTANCE_PATH"], "search"
    )
    if name == "tantivy":
        from catalog.search.tantivy_backend import TantivyBackend

        return TantivyBackend(directory)
    if name == "whoosh":
        from catalog.search.whoosh_backend import WhooshBackend

        return WhooshBackend(directory)
    if name == "postgres":
        if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL.")
        from catalog.search.postgres_backend import PostgresBackend

        return PostgresBackend()
    raise RuntimeError(f"Unknown SEARCH_BACKEND {name!r}: use 'tantivy', 'whoosh' or 'postgres'.")


def register(app: Flask) -> None:
    """Attach the results page, the API and the ``search`` commands."""
    from catalog.search import api, views
    from catalog.search.cli import search_cli

    app.extensions["search"] = make_backend(app)
    app.register_blueprint(views.bp)
    api.register(app)
    app.cli.add_command(search_cli)
