"""Language and time zone selection, and the formatting filters templates use.

The language is the URL's (``market.language_urls``: Vietnamese at the bare path, English under
``/en/``), for visitors and signed-in users alike: no cookie or session remembers it, so an
anonymous visitor carries no cookie at all and their pages can be cached whole.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal, get_group_symbol, get_minus_sign_symbol
from flask import Flask, current_app, has_app_context, has_request_context
from flask_babel import Babel, format_date, format_datetime, get_locale
from markupsafe import Markup, escape

from market.language_urls import url_language
from market.urls import current_path

# The province's time zone: every date a person reads is local (UTC+7, no daylight saving).
LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# The same as a fixed offset, for SQL that buckets stored UTC times into local days.
LOCAL_UTC_OFFSET = timedelta(hours=7)


def select_locale() -> str:
    """The language the URL names; Vietnamese outside a request (CLI, background work)."""
    return url_language() or current_app.config["BABEL_DEFAULT_LOCALE"]


# Day/month/year with a four-digit year in every language: "7/12/26" names different days in
# Vietnamese and English. Babel's named formats ("short", "medium") are replaced by these.
DATE_PATTERN = "dd/MM/yyyy"
DATETIME_PATTERN = "dd/MM/yyyy HH:mm"
NAMED_FORMATS = ("short", "medium", "long", "full")
# Between an amount and its unit, so "250.000 ₫" never breaks across lines.
NBSP = "\u00a0"


def format_number(value: int | float | None) -> str:
    """A count in the current language's style: ``4.500`` in Vietnamese, ``4,500`` in English."""
    if value is None:
        return ""
    if isinstance(value, int):  # money and counts: Babel's pattern, without its Decimal work
        return _whole(value, *_int_symbols(number_locale()))
    return format_decimal(value, format="#,##0.##", locale=number_locale())


def format_vnd(amount: int | None) -> str:
    """Whole đồng in the current language's number style: ``125.000 ₫`` (non-breaking space)."""
    if amount is None:
        return ""
    return f"{format_number(int(amount))}{NBSP}₫"


def vnd_formatter(locale: str | None = None) -> Callable[[int], str]:
    """``format_vnd`` bound once to ``locale`` (default: the current language), for documents
    with many amounts."""
    group, minus = _int_symbols(locale or number_locale())
    return lambda amount: f"{_whole(int(amount), group, minus)}{NBSP}₫"


@cache
def _int_symbols(locale: str) -> tuple[str, str]:
    """The language's thousands separator and minus sign."""
    return get_group_symbol(locale), get_minus_sign_symbol(locale)


def _whole(value: int, group: str, minus: str) -> str:
    """A whole number grouped by thousands, as Babel's ``#,##0`` writes it."""
    digits = f"{abs(value):,}".replace(",", group)
    return f"{minus}{digits}" if value < 0 else digits


def number_locale() -> str:
    """The request's language, or the default one for mail and CLI work outside a request."""
    if has_request_context():
        return str(get_locale())
    return current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "vi"


def local_today() -> date:
    """Today's date in Asia/Ho_Chi_Minh, where OCOP validity and harvest dates are read."""
    return datetime.now(LOCAL_TIMEZONE).date()


def utc_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The naive UTC instants local day ``first`` starts at and local day ``last`` ends before."""
    return (
        datetime.combine(first, time()) - LOCAL_UTC_OFFSET,
        datetime.combine(last + timedelta(days=1), time()) - LOCAL_UTC_OFFSET,
    )


def as_aware_utc(value: datetime) -> datetime:
    """Treat a naive datetime from the database as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def local_datetime(value: datetime | None, fmt: str = DATETIME_PATTERN) -> str:
    """Show a UTC timestamp in Asia/Ho_Chi_Minh as ``07/12/2026 13:27`` (or a given pattern)."""
    if value is None:
        return ""
    return format_datetime(as_aware_utc(value), DATETIME_PATTERN if fmt in NAMED_FORMATS else fmt)


def local_date(value: date | None, fmt: str = DATE_PATTERN) -> str:
    """Show a date as ``07/12/2026`` in every language (or a given pattern)."""
    if value is None:
        return ""
    return format_date(value, DATE_PATTERN if fmt in NAMED_FORMATS else fmt)


def vietnamese_text(text: str | None) -> Markup:
    """User content written in Vietnamese, marked ``lang="vi"`` inside pages in another language."""
    if text is None:
        return Markup("")
    if str(get_locale()) == "vi":
        return escape(text)
    return Markup('<span lang="vi">%s</span>') % text


def init_app(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel and register the template filters and globals."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["vnd"] = format_vnd
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["localdt"] = local_datetime
    app.jinja_env.filters["localdate"] = local_date
    app.jinja_env.filters["vi"] = vietnamese_text
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["current_path"] = current_path
