"""Chợ Quê: the application factory."""

import logging
from typing import Any

from flask import Flask

from market.config import ROOT, Config, check_settings, config_for_environment
from market.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from market.language_urls import LanguageAwareFlask

logger = logging.getLogger(__name__)

# Each feature package exposes ``register(app)``: blueprints, CLI groups, template helpers.
FEATURE_PACKAGES = (
    "market.core",
    "market.discovery",
    "market.offline",
    "market.accounts",
    "market.jobs",
    "market.notify",
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
    """Build the Flask application with its extensions, blueprints and commands.

    Settings come from the environment named by ``CHOQUE_ENV`` (production when unset), or by
    ``ENV_NAME`` in a ``config`` dict; the rest of ``config`` is laid over them. Raises
    ``ConfigurationError`` when a required setting is missing.
    """
    app = LanguageAwareFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=False,
    )
    environment = config.get("ENV_NAME") if isinstance(config, dict) else None
    app.config.from_object(config_for_environment(environment))
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    check_settings(app.config)
    app.instance_path = app.config["INSTANCE_PATH"]

    from market import (
        compression,
        database,
        i18n,
        language_urls,
        logs,
        media,
        security,
        sessions,
        static_files,
    )
    from market.errors import register_error_handlers

    logs.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    sessions.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    compression.init_app(app)
    i18n.init_app(app, babel)
    language_urls.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    media.init_app(app)
    register_error_handlers(app)

    import importlib

    for name in FEATURE_PACKAGES:
        importlib.import_module(name).register(app)
    return app
