"""Database setup: SQLite pragmas (WAL, foreign keys) and the instance folder."""

import os
import sqlite3

import sqlalchemy as sa
from flask import Flask

from market.extensions import db


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy and make SQLite behave like a server database."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        os.makedirs(app.config["INSTANCE_PATH"], exist_ok=True)
        # Copies, never the class attribute: several apps may live in one process.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
