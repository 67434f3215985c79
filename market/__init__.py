"""Chợ Quê: the application factory."""

import logging
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from market.config import ROOT, Config, config_for_environment
from market.extensions import babel, csrf, db, limiter, login_manager, migrate

logger = logging.getLogger(__name__)

# Each feature package exposes ``register(app)``: blueprints, CLI groups, template helpers.
FEATURE_PACKAGES = (
    "market.core",
    "market.accounts",
    "market.openapi",
    "catalog",
    "catalog.search",
    "catalog.workspace",
    "catalog.trace",
    "orders",
    "payments",
    "market.markets",
    "market.demo",
)


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the Flask application with its extensions, blueprints and commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=False,
    )
    app.config.from_object(config_for_environment())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _check_secret_key(app)
    app.instance_path = app.config["INSTANCE_PATH"]
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from market import database, i18n, security
    from market.errors import register_error_handlers

    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    security.init_app(app)
    register_error_handlers(app)

    import importlib

    for name in FEATURE_PACKAGES:
        importlib.import_module(name).register(app)
    return app


def _check_secret_key(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in the environment outside development.")
