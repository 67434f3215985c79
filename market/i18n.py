"""Language and time zone selection, and the formatting filters templates use."""

from datetime import UTC, datetime

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The user's saved language, else the session's choice, else Vietnamese."""
    if not has_request_context():  # CLI commands and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and cron: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_vnd(amount: int | None) -> str:
    """Format whole đồng the Vietnamese way: ``125.000 ₫``."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,} ₫".replace(",", ".")


def as_aware_utc(value: datetime) -> datetime:
    """Treat a naive datetime from the database as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def local_datetime(value: datetime | None, fmt: str = "short") -> str:
    """Show a UTC timestamp in Asia/Ho_Chi_Minh, in the current language."""
    if value is None:
        return ""
    return format_datetime(as_aware_utc(value), fmt)


def init_app(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel and register the template filters and globals."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["vnd"] = format_vnd
    app.jinja_env.filters["localdt"] = local_datetime
    app.jinja_env.filters["localdate"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else ""
    )
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["request_lang_path"] = lambda: request.full_path.rstrip("?")
