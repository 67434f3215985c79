"""The carriers the marketplace can ship with, one module per carrier, behind ``base.Carrier``.

``configured()`` lists the carriers whose credentials are in the environment (a carrier
without them is simply not offered); ``quote_many`` asks several carriers at once, in threads,
and keeps each answer a few minutes per route, weight band, declared value and cash on delivery,
so a checkout page with five producers and three carriers each waits for one round trip.
"""

import math
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from flask import Request, current_app
from flask_babel import force_locale, get_locale

from market.extensions import cache
from orders.carriers import ghn, ghtk, viettelpost, vnpost
from orders.carriers.base import (
    Carrier,
    CarrierError,
    CarrierQuote,
    CarrierUnavailable,
    CreatedShipment,
    Parcel,
    Place,
    ShipmentStatus,
    StatusUpdate,
    WebhookRefused,
)
from orders.carriers.calls import QUERY_HEADER

__all__ = [
    "Carrier",
    "CarrierError",
    "CarrierQuote",
    "CarrierUnavailable",
    "CreatedShipment",
    "Parcel",
    "Place",
    "ShipmentStatus",
    "StatusUpdate",
    "WebhookRefused",
    "carrier",
    "configured",
    "quote_many",
    "webhook_headers",
]

# Each carrier module's ``from_config``: the carrier when its credentials are set, else None.
# The order here is the order carriers are shown in.
PROVIDERS: tuple[Callable[[Mapping[str, Any]], Carrier | None], ...] = (
    ghn.from_config,
    ghtk.from_config,
    viettelpost.from_config,
    vnpost.from_config,
)

# Quotes are asked for the top of a weight band, so one cached answer is right for every
# parcel in the band (carriers price in steps of 500 g or more beyond the first kilogram).
WEIGHT_BAND_GRAMS = 250
QUOTE_CACHE_SECONDS = 300
MAX_THREADS = 16

Ask = tuple[Carrier, Place, Place, Parcel]


def configured() -> dict[str, Carrier]:
    """The carriers whose credentials are set, by code, in display order."""
    found: dict[str, Carrier] = {}
    for make in PROVIDERS:
        made = make(current_app.config)
        if made is not None:
            found[made.code] = made
    return found


def carrier(code: str) -> Carrier:
    """The configured carrier ``code``; ``KeyError`` when unknown or not configured."""
    return configured()[code]


def webhook_headers(request: Request) -> dict[str, str]:
    """What ``Carrier.parse_webhook`` reads of a webhook call besides its body: the headers
    (lower-case names) and the URL's query string as ``x-query-string``, where carriers that
    sign nothing carry our shared token."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers[QUERY_HEADER] = request.query_string.decode("latin-1")
    return headers


def _banded(carrier: Carrier, parcel: Parcel) -> Parcel:
    """The parcel at the top of its weight band (never above the carrier's limit)."""
    top = math.ceil(parcel.weight_grams / WEIGHT_BAND_GRAMS) * WEIGHT_BAND_GRAMS
    return replace(
        parcel, weight_grams=max(parcel.weight_grams, min(top, carrier.max_weight_grams))
    )


def _cache_key(carrier: Carrier, origin: Place, destination: Place, parcel: Parcel) -> str:
    """The cache key of one banded ask: carrier, communes, weight, value, COD and size."""
    size = f"{parcel.length_cm}x{parcel.width_cm}x{parcel.height_cm}"
    return (
        f"carrier-quote:{carrier.code}:{origin.commune_code}:{destination.commune_code}:"
        f"{parcel.weight_grams}:{parcel.value}:{parcel.cod}:{size}"
    )


def quote_many(asks: list[Ask]) -> list[CarrierQuote | CarrierError]:
    """Quote every ask in parallel; each result is a quote or the carrier's error, in order.

    Identical asks are sent once; answers are cached for ``QUOTE_CACHE_SECONDS``; errors are not
    cached (the next page view asks again). Each thread runs in an app context with the
    caller's locale, so a carrier's error message is in the shopper's language.
    """
    banded = [(c, origin, dest, _banded(c, parcel)) for c, origin, dest, parcel in asks]
    keys = [_cache_key(*ask) for ask in banded]
    results: dict[str, CarrierQuote | CarrierError] = {}
    missing: dict[str, Ask] = {}
    for key, ask, cached in zip(keys, banded, cache.get_many(*keys), strict=True):
        if isinstance(cached, CarrierQuote):
            results[key] = cached
        else:
            missing.setdefault(key, ask)
    if missing:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        locale = str(get_locale() or app.config.get("BABEL_DEFAULT_LOCALE", "vi"))

        def ask_one(ask: Ask) -> CarrierQuote | CarrierError:
            with app.app_context(), force_locale(locale):
                try:
                    return ask[0].quote(ask[1], ask[2], ask[3])
                except CarrierError as error:
                    return error

        with ThreadPoolExecutor(max_workers=min(len(missing), MAX_THREADS)) as pool:
            answers = list(pool.map(ask_one, missing.values()))
        for key, answer in zip(missing, answers, strict=True):
            results[key] = answer
            if isinstance(answer, CarrierQuote):
                cache.set(key, answer, timeout=QUOTE_CACHE_SECONDS)
    return [results[key] for key in keys]
