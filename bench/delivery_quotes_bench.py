"""Delivery quotes for a five-producer cart, three carriers each, every answer 150 ms away.

    python -m bench.delivery_quotes_bench [--repeat 5] [--latency 0.15]

The carriers answer from the test suite's recordings (``tests/carriers/recorded``) through a
``RecordedTransport`` that waits ``--latency`` seconds per call, as a carrier's API does from a
server in Vietnam. Five producers in different communes of Tuyên Quang send a parcel each to
one shopper in Hà Nội; each producer offers GHTK, Viettel Post and VNPost (15 quotes). Timed:

1. sequential: each carrier's ``quote`` one after another (what a naive checkout would do);
2. ``quote_many`` cold: the quote cache emptied first (a shopper's first checkout view);
3. ``quote_many`` cached: the same cart again (a reload, a changed payment method).

Prints the medians and each as a fraction of the sequential time, against the target: the
checkout page answers within 1 s, so the cold quotes must take well under that.

The checkout benchmark reuses ``install_recorded_carriers(app, latency)`` to time the checkout
page itself with the same carriers, in process or under gunicorn through the app factory
``bench.delivery_quotes_bench:recorded_carriers_app()``.
"""

import argparse
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from bench.harness import fresh_database, loading_app, machine_note
from market import create_app
from market.extensions import cache
from market.http_api import TRANSPORT_EXTENSION
from orders import carriers
from orders.carriers import CarrierQuote, Parcel, Place
from tests.recorded_http import RecordedTransport, load

TARGET_S = 1.0
LATENCY_S = 0.15
RECORDED = Path(__file__).resolve().parent.parent / "tests" / "carriers" / "recorded"
# Credentials that turn each carrier on; the recorded answers are for the production URLs.
CREDENTIALS = {
    "GHN_TOKEN": "bench",
    "GHN_SHOP_ID": "885",
    "GHTK_TOKEN": "bench",
    "VIETTELPOST_TOKEN": "bench",
    "VNPOST_TOKEN": "bench",
    "VNPOST_CUSTOMER_CODE": "C0012345",
}
CART_CARRIERS = ("ghtk", "viettelpost", "vnpost")
PRODUCERS = (  # (commune code, commune name) of five producers in Tuyên Quang
    ("02215", "Phường Minh Xuân"),
    ("02512", "Phường An Tường"),
    ("02374", "Xã Hàm Yên"),
    ("00694", "Phường Hà Giang 1"),
    ("01153", "Xã Bắc Quang"),
)
SHOPPER = Place(
    "Nguyễn Thị Lan",
    "0988000222",
    "12 phố Đội Cấn",
    "01",
    "00004",
    "Thành phố Hà Nội",
    "Phường Ba Đình",
)


def install_recorded_carriers(app: Flask, latency: float = LATENCY_S) -> RecordedTransport:
    """Turn every carrier on in ``app`` and answer their calls from recordings after ``latency``."""
    app.config.update(CREDENTIALS)
    transport = RecordedTransport(latency=latency)
    for path in sorted(RECORDED.glob("*/*.json")):
        if "_" not in path.stem:  # quote.json, create.json...: the successful answers
            transport.interactions.extend(load(path))
    app.extensions[TRANSPORT_EXTENSION] = transport
    return transport


def recorded_carriers_app() -> Flask:
    """The app as ``create_app()`` builds it from the environment, with recorded carriers."""
    app = create_app()
    install_recorded_carriers(app)
    return app


def cart_asks() -> list[carriers.Ask]:
    """Fifteen asks: five producers' parcels (different weights) to one shopper, 3 carriers."""
    offered = carriers.configured()
    asks = []
    for number, (commune_code, commune_name) in enumerate(PRODUCERS):
        origin = Place(
            f"Nhà sản xuất {number + 1}",
            f"09120001{number:02d}",
            "Thôn Trung Tâm",
            "08",
            commune_code,
            "Tỉnh Tuyên Quang",
            commune_name,
        )
        parcel = Parcel(weight_grams=800 + 400 * number, value=300_000, cod=0)
        asks.extend((offered[code], origin, SHOPPER, parcel) for code in CART_CARRIERS)
    return asks


def _sequential(asks: list[carriers.Ask]) -> list[CarrierQuote]:
    """Each ask one after another, as a checkout without ``quote_many`` would."""
    return [carrier.quote(origin, to, parcel) for carrier, origin, to, parcel in asks]


def _timed(
    run: Callable[[], list], repeat: int, before: Callable[[], object] = lambda: None
) -> float:
    """The median seconds of ``repeat`` runs, ``before`` run (untimed) ahead of each."""
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
        assert all(isinstance(item, CarrierQuote) for item in result), result
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Time the three ways and print medians and ratios; exit 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--latency", type=float, default=LATENCY_S)
    args = parser.parse_args(argv)
    logging.getLogger("market.http_api").setLevel(logging.WARNING)  # a line per call otherwise
    with fresh_database() as database:
        app = loading_app(database)
        transport = install_recorded_carriers(app, args.latency)
        with app.app_context():
            asks = cart_asks()
            sequential = _timed(lambda: _sequential(asks), args.repeat)
            calls_before = len(transport.sent)
            cold = _timed(lambda: carriers.quote_many(asks), args.repeat, before=cache.clear)
            cold_calls = (len(transport.sent) - calls_before) // args.repeat
            calls_before = len(transport.sent)
            cached = _timed(lambda: carriers.quote_many(asks), args.repeat)
            cached_calls = (len(transport.sent) - calls_before) // args.repeat
    print(
        f"{len(asks)} quotes ({len(PRODUCERS)} producers × {len(CART_CARRIERS)} carriers), "
        f"{args.latency * 1000:.0f} ms per carrier call, median of {args.repeat}; {machine_note()}"
    )
    print(f"{'way':<22}  {'median ms':>9}  {'calls':>5}  {'÷ sequential':>12}")
    rows = [
        ("sequential quote()", sequential, len(asks)),
        ("quote_many, cold", cold, cold_calls),
        ("quote_many, cached", cached, cached_calls),
    ]
    for label, seconds, calls in rows:
        print(f"{label:<22}  {seconds * 1000:>9.1f}  {calls:>5}  {seconds / sequential:>12.3f}")
    met = cold < TARGET_S
    print(
        f"target: the quotes of a checkout view well within {TARGET_S:.0f} s — "
        f"cold {cold * 1000:.0f} ms: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
