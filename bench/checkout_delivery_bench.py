"""The checkout page quoting delivery for a five-producer cart, three carriers each, every carrier
answer 150 ms away.

    python -m bench.checkout_delivery_bench [--repeat 7] [--latency 0.15]

Five producers in different communes of Tuyên Quang, each with a product of known weight and
GHTK, Viettel Post and VNPost enabled, all three configured on the site and answered from the
test suite's recordings after ``--latency`` seconds a call (``bench.delivery_quotes_bench``'s
``install_recorded_carriers``). A guest puts one product of each producer in the cart, and the
checkout page is asked with an address in Hà Nội ("Show delivery options"): fifteen quotes.

Timed in process (the page as the server makes it: the request through the whole app, no
network between browser and server), median of ``--repeat``:

1. cold: the quote cache emptied before each view (a shopper's first look at the page);
2. cached: the same cart and address again (a reload, another payment method chosen).

Prints the medians, the carrier calls per view and the target: the page answers within 1 s.
"""

import argparse
import logging
import re
import statistics
import time

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from bench.delivery_quotes_bench import CART_CARRIERS, PRODUCERS, install_recorded_carriers
from bench.harness import PUBLIC_BASE_URL, fresh_database, loading_app, machine_note
from catalog.categories import sync_categories
from market.extensions import cache, db
from orders.delivery_rates import EnabledCarrier
from tests import factories

TARGET_S = 1.0
LATENCY_S = 0.15
ADDRESS = {"province": "01", "commune": "00004", "street": "12 phố Đội Cấn"}  # Ba Đình, Hà Nội
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')
CARRIER_OPTION = re.compile(r'value="carrier:[^"]+"')


def _shop(app: Flask) -> list[int]:
    """Five producers with a 900 g–2.5 kg product each and three carriers enabled."""
    with app.app_context():
        upgrade()
        sync_categories()
        products = []
        for number, (commune_code, _name) in enumerate(PRODUCERS):
            maker = factories.producer(
                f"HTX Bench {number + 1}", commune_code=commune_code, area_slug="ham-yen"
            )
            db.session.add_all(
                EnabledCarrier(producer_id=maker.id, carrier=code) for code in CART_CARRIERS
            )
            item = factories.product(
                maker,
                f"Đặc sản {number + 1}",
                price=150_000,
                stock=1000,
                weight_grams=900 + 400 * number,
            )
            products.append(item.id)
        db.session.commit()
        return products


def _page(client: FlaskClient, token: str) -> str:
    """The checkout page shown for the address (what "Show delivery options" asks)."""
    data = {**ADDRESS, "action": "update", "csrf_token": token}
    response = client.post("/dat-hang/", data=data, base_url=PUBLIC_BASE_URL)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _timed(client: FlaskClient, token: str, repeat: int, cold: bool) -> float:
    times = []
    for _ in range(repeat):
        if cold:
            with client.application.app_context():
                cache.clear()
        started = time.perf_counter()
        page = _page(client, token)
        times.append(time.perf_counter() - started)
        found = len(CARRIER_OPTION.findall(page))
        notes = re.findall(r"data-delivery-note>([^<]*)", page)
        assert found == len(PRODUCERS) * len(CART_CARRIERS), (found, notes)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Time the page cold and cached; print medians; exit 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--latency", type=float, default=LATENCY_S)
    args = parser.parse_args(argv)
    logging.getLogger("market.http_api").setLevel(logging.WARNING)
    with fresh_database() as database:
        app = loading_app(database, CHECKOUT_RATE_LIMIT="10000 per minute")
        products = _shop(app)
        transport = install_recorded_carriers(app, args.latency)
        client = app.test_client()
        for product_id in products:
            data = {"product_id": product_id, "quantity": 1}
            client.post("/gio-hang/them", data=data, base_url=PUBLIC_BASE_URL)
        opened = client.get("/dat-hang/", base_url=PUBLIC_BASE_URL).get_data(as_text=True)
        token = TOKEN.search(opened).group(1)
        _page(client, token)  # the first view warms templates and connections, not timed
        sent = len(transport.sent)
        cold = _timed(client, token, args.repeat, cold=True)
        cold_calls = (len(transport.sent) - sent) // args.repeat
        sent = len(transport.sent)
        cached = _timed(client, token, args.repeat, cold=False)
        cached_calls = (len(transport.sent) - sent) // args.repeat
    quotes = len(PRODUCERS) * len(CART_CARRIERS)
    print(
        f"checkout page, {len(PRODUCERS)} producers × {len(CART_CARRIERS)} carriers "
        f"({quotes} quotes), {args.latency * 1000:.0f} ms per carrier call, "
        f"median of {args.repeat}; {machine_note()}"
    )
    print(f"{'page':<10}  {'median ms':>9}  {'carrier calls':>13}")
    for label, seconds, calls in (("cold", cold, cold_calls), ("cached", cached, cached_calls)):
        print(f"{label:<10}  {seconds * 1000:>9.1f}  {calls:>13}")
    met = cold < TARGET_S
    print(
        f"target: the page within {TARGET_S:.0f} s — cold {cold * 1000:.0f} ms: "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
