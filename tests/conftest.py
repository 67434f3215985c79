"""Shared fixtures: an app on a clean database per test, clients, CLI runner, sign-in helpers.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
The schema is created once per run; each test starts from empty tables.
"""

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from market import create_app, media
from market.accounts.models import Role, User
from market.extensions import cache, db, limiter
from market.http_api import TRANSPORT_EXTENSION
from market.i18n_catalogs import compile_catalogs
from tests.recorded_http import RecordedTransport, load

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Several app servers need PostgreSQL: ``tests/multiserver`` runs in the PostgreSQL run."""
    if collection_path.name == "multiserver" and not TEST_DATABASE_URL.startswith("postgresql"):
        return True
    return None


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
        # The suite asks for development settings explicitly; production is the default.
        "ENV_NAME": "development",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_BASE_URL": "http://localhost",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "MEDIA_ROOT": str(instance / "media"),
        "WTF_CSRF_ENABLED": False,
        # Tests change data and read pages at once; tests/test_page_cache.py turns it on.
        "PAGE_CACHE_SECONDS": 0,
        "RATELIMIT_ENABLED": False,
        # Fixtures place many orders from one phone at once; tests of these limits lower them.
        "ORDERS_PER_ACCOUNT_PER_HOUR": 10_000,
        "ORDERS_PER_PHONE_PER_HOUR": 10_000,
        "MAIL_BACKEND": "memory",
        # Jobs run in the test process right after the commit that recorded them.
        "JOBS_EAGER": True,
        # scrypt costs ~0.1 s a hash; the suite hashes thousands of times.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
    }


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: TRUNCATE makes new files and syncs them, which costs more than
            # the whole test on small tables. Foreign-key triggers are off while emptying. One
            # block, one round trip: a statement per table cost 24 ms a test, this 7.
            deletes = "".join(f'DELETE FROM "{table.name}";' for table in tables)
            connection.execute(
                sa.text(
                    "DO $$ BEGIN SET LOCAL session_replication_role = replica;"
                    f"{deletes}"
                    "PERFORM setval(format('%I', sequencename)::regclass, 1, false) "
                    "FROM pg_sequences WHERE schemaname = 'public' "
                    "AND sequencename <> 'categories_id_seq'; END $$"
                )
            )
        else:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in tables:
                connection.execute(table.delete())
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


# Per-test folders: each test gets its own instance folder, media and search index.
PER_TEST_KEYS = ("INSTANCE_PATH", "MEDIA_ROOT")
# Reference data every test starts with; loaded once per run, never emptied.
REFERENCE_TABLES = frozenset({"categories"})
_apps: dict[str, tuple[Flask, dict, dict]] = {}


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    """The configuration of the test app; tests may change it before ``app`` is built."""
    return _test_config(database_url, tmp_path / "instance")


def _shared_app(config: dict) -> Flask:
    """One application per distinct configuration for the whole run.

    Building an app compiles its URL map and templates anew (about two thirds of a simple
    test's time), so tests with the same settings share one; the per-test folders are swapped in.
    """
    key = repr(sorted((k, v) for k, v in config.items() if k not in PER_TEST_KEYS))
    if key not in _apps:
        built = create_app(config)
        _apps[key] = (built, dict(built.config), _copied(built.extensions))
    application, settings, extensions = _apps[key]
    # Tests change app.config and the registries in app.extensions in place (a fake payment
    # target, a clock): each test starts from the app as it was built.
    application.config.clear()
    application.config.update(settings)
    application.extensions.clear()
    application.extensions.update(_copied(extensions))
    application.config.update({name: config[name] for name in PER_TEST_KEYS})
    application.instance_path = config["INSTANCE_PATH"]
    return application


def _copied(extensions: dict) -> dict:
    """The extensions with their registries (dicts, lists, sets) copied one level deep."""
    return {
        name: copy.copy(value) if isinstance(value, dict | list | set) else value
        for name, value in extensions.items()
    }


def _fresh_state(application: Flask) -> None:
    """Forget what the previous test with this app left outside the database."""
    from catalog.search import make_backend

    os.makedirs(application.config["INSTANCE_PATH"], exist_ok=True)
    application.extensions["search"] = make_backend(application)
    application.extensions["media"] = media.build_store(application.config)
    application.extensions.pop("mail_outbox", None)
    with application.app_context():
        cache.clear()  # carrier quotes and anything else a previous test cached
    # The limiter is one object for every app (Flask-Limiter keeps its switch on the instance).
    limiter.enabled = application.config.get("RATELIMIT_ENABLED", True)
    if limiter.enabled:
        limiter.reset()


@pytest.fixture(scope="session")
def _shared_apps(_schema: None) -> Iterator[None]:
    """Close the shared apps' connections before the schema is dropped."""
    yield
    for application, _settings, _extensions in _apps.values():
        with application.app_context():
            db.engine.dispose()
    _apps.clear()


@pytest.fixture
def app(_shared_apps: None, app_config: dict, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """An application on empty tables, with the OCOP categories loaded.

    Tests share one app per configuration; a test that adds routes or hooks to it is marked
    ``own_app`` and gets a new one.
    """
    from catalog.categories import sync_categories

    own = request.node.get_closest_marker("own_app") is not None
    application = create_app(app_config) if own else _shared_app(app_config)
    _fresh_state(application)
    with application.app_context():
        _empty_tables()
        if not db.session.scalar(sa.text("SELECT 1 FROM categories LIMIT 1")):
            sync_categories()
    yield application
    with application.app_context():
        db.session.remove()
        if own:
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
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture
def recorded_http(app: Flask) -> RecordedTransport:
    """Provider calls (carriers, SMS, Zalo) answered from recordings, never the network."""
    transport = RecordedTransport()
    app.extensions[TRANSPORT_EXTENSION] = transport
    return transport


NOTIFY_RECORDED = Path(__file__).parent / "notify" / "recorded"


@pytest.fixture
def esms(app: Flask, recorded_http: RecordedTransport) -> RecordedTransport:
    """SMS through the eSMS gateway as in production, answered from ``notify/recorded``."""
    app.config.update(
        ESMS_API_KEY="test-api-key", ESMS_SECRET_KEY="test-secret", ESMS_BRANDNAME="CHOQUE"
    )
    recorded_http.add(*load(NOTIFY_RECORDED / "esms.json"))
    return recorded_http


@pytest.fixture
def zalo(app: Flask, recorded_http: RecordedTransport) -> RecordedTransport:
    """Zalo ZNS through the OA's token, answered from ``notify/recorded``."""
    app.config.update(ZALO_OA_ACCESS_TOKEN="test-oa-token")
    recorded_http.add(*load(NOTIFY_RECORDED / "zalo_zns.json"))
    return recorded_http
