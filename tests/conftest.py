"""Shared fixtures: an app on a clean database per test, clients, CLI runner, sign-in helpers.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
The schema is created once per run; each test starts from empty tables.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from market import create_app
from market.accounts.models import Role, User
from market.extensions import db
from market.i18n_catalogs import compile_catalogs

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """PostgreSQL when TEST_DATABASE_URL is set, else a fresh SQLite file for this run."""
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    compile_catalogs()


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("schema")))
    with app.app_context():
        _reset_schema()
        db.create_all()
    yield
    with app.app_context():
        _reset_schema()
        db.engine.dispose()


def _reset_schema() -> None:
    """Drop everything, including tables an older run or another branch left behind."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    else:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            db.metadata.drop_all(connection)
            connection.commit()


def _test_config(database_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "MEDIA_ROOT": str(instance / "media"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "memory",
        # scrypt costs ~0.1 s a hash; the suite hashes thousands of times.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
    }


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: TRUNCATE makes new files and syncs them, which costs more than
            # the whole test on small tables. Foreign-key triggers are off while emptying.
            connection.execute(sa.text("SET session_replication_role = replica"))
            for table in tables:
                connection.execute(table.delete())
            connection.execute(sa.text("SET session_replication_role = DEFAULT"))
            connection.execute(
                sa.text(
                    "SELECT setval(format('%I', sequencename)::regclass, 1, false) "
                    "FROM pg_sequences WHERE schemaname = 'public'"
                )
            )
        else:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in tables:
                connection.execute(table.delete())
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    """The configuration of the test app; tests may change it before ``app`` is built."""
    return _test_config(database_url, tmp_path / "instance")


@pytest.fixture
def app(_schema: None, app_config: dict) -> Iterator[Flask]:
    """An application on empty tables, with the OCOP categories loaded."""
    from catalog.categories import sync_categories

    application = create_app(app_config)
    with application.app_context():
        _empty_tables()
        sync_categories()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for HTTP requests."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for ``flask`` CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user with a role; the password is always ``correct horse``."""
    counter = iter(range(1, 10_000))

    def factory(role: Role = Role.SHOPPER, **fields: object) -> User:
        n = next(counter)
        with app.app_context():
            user = User(
                name=str(fields.pop("name", f"User {n}")),
                email=fields.pop("email", f"user{n}-{role.value}@example.vn"),
                role=role,
                **fields,
            )
            user.set_password("correct horse")
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Sign the test client in as a new user of ``role`` (or as ``user``) and return it."""

    def sign_in(role: Role = Role.SHOPPER, user: User | None = None, **fields: object) -> User:
        user = user or make_user(role, **fields)
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return user

    return sign_in
