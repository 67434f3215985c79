"""Checkout under load: gunicorn (4 workers) on PostgreSQL, buyers over HTTP from this process.

    python -m bench.orders_bench [--buyers 200] [--stock 10] [--workers 4]

1. Contended: ``--buyers`` shoppers, each with their own session, fill a cart with the same
   product (``--stock`` units left) and open the checkout page; then all submit at once.
   Expected: exactly ``stock`` orders, every other buyer a clear "sold out" answer (409 with
   ``data-problem="sold-out"``), stock 0 in the database, no 5xx.
2. Uncontended: ``--checkouts`` buyers (as many as ``--buyers`` by default), each ordering a
   different product; the submissions run ``--concurrency`` at a time and give checkouts per
   second and latency percentiles.

A fresh database ``bench_orders`` is created with psql-like admin SQL on ``--admin-url`` and
built with the migrations. Exit status 1 if any check fails.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.harness import stop
from catalog.categories import sync_categories
from catalog.models import (
    Category,
    Producer,
    ProducerKind,
    ProducerStatus,
    Product,
    ProductStatus,
)
from market import create_app
from market.extensions import db

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASE = "bench_orders"
FIELD = re.compile(r'name="(csrf_token|idempotency_key|quote)"[^>]*value="([^"]*)"')
DELIVERY = re.compile(r'name="(delivery_\d+)"')
HTTP_TIMEOUT = 60


@dataclass
class Buyer:
    """One shopper's browser: a session cookie and the checkout form it was shown."""

    host: str
    port: int
    cookie: str = ""
    form: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        """Send one request with the session cookie; keep the cookie the server sets."""
        body = urlencode(data) if data is not None else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookie = header.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def prepare(self, product_id: int) -> None:
        """Put one unit in the cart and open the checkout page."""
        _status, page = self.request("GET", "/gio-hang/")
        token = dict(FIELD.findall(page))["csrf_token"]
        status, _ = self.request(
            "POST", "/gio-hang/them", {"product_id": product_id, "quantity": 1, "csrf_token": token}
        )
        assert status == 303, f"add to cart answered {status}"
        status, page = self.request("GET", "/dat-hang/")
        assert status == 200, f"checkout page answered {status}"
        self.form = dict(FIELD.findall(page))
        self.form.update(
            name="Người mua thử",
            phone="0912345678",
            payment_method="bank_transfer",
            province="08",
        )
        self.form.update({name: "pickup_producer" for name in DELIVERY.findall(page)})

    def check_out(self) -> tuple[str, float]:
        """Submit the checkout form; returns (outcome, seconds)."""
        started = time.perf_counter()
        status, page = self.request("POST", "/dat-hang/", self.form)
        elapsed = time.perf_counter() - started
        if status == 303:
            return "ordered", elapsed
        if status == 409 and 'data-problem="sold-out"' in page:
            return "sold out", elapsed
        return f"http {status}", elapsed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(admin_url: str) -> str:
    """Drop and create the benchmark database; return its URL."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + DATABASE


def seed(database_url: str, instance: str, products: int, stock: int) -> tuple[int, list[int]]:
    """Migrate and load one producer, a scarce product and ``products`` plentiful ones."""
    app = create_app(
        {
            "ENV_NAME": "development",  # migrates and loads rows only
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": instance,
        }
    )
    with app.app_context():
        upgrade()
        sync_categories()
        category = db.session.scalar(sa.select(Category).where(Category.code == "I.1.a"))
        producer = Producer(
            slug="htx-bench",
            name="HTX Đo tải",
            kind=ProducerKind.COOPERATIVE,
            area_slug="ham-yen",
            commune_code="02392",
            status=ProducerStatus.VERIFIED,
        )

        def item(n: int, units: int) -> Product:
            return Product(
                producer=producer,
                slug=f"san-pham-{n}",
                name=f"Sản phẩm {n}",
                category=category,
                unit="kg",
                price=100_000,
                stock=units,
                status=ProductStatus.ACTIVE,
            )

        scarce = item(0, stock)
        plenty = [item(n, 1_000) for n in range(1, products + 1)]
        db.session.add_all([producer, scarce, *plenty])
        db.session.commit()
        ids = scarce.id, [p.id for p in plenty]
        db.engine.dispose()
    return ids


def start_gunicorn(database_url: str, instance: str, workers: int) -> tuple[subprocess.Popen, int]:
    """Serve the app with gunicorn's sync workers; wait until it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret",
        "CHOQUE_ENV": "development",
        "INSTANCE_PATH": instance,
        "MAIL_BACKEND": "logging",
        "CHECKOUT_RATE_LIMIT": "1000000 per minute",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--preload",
            "--log-level",
            "warning",
            "market:create_app()",
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Buyer("127.0.0.1", port).request("GET", "/healthz")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not start")


def contended(port: int, buyers: int, product_id: int) -> tuple[dict[str, int], float]:
    """All buyers want the scarce product and submit at the same moment; (outcomes, seconds)."""
    barrier = threading.Barrier(buyers)
    outcomes: list[str] = []
    moments: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        buyer = Buyer("127.0.0.1", port)
        try:
            buyer.prepare(product_id)
        finally:
            barrier.wait()
        started = time.perf_counter()
        outcome, _elapsed = buyer.check_out()
        with lock:
            outcomes.append(outcome)
            moments.extend((started, time.perf_counter()))

    threads = [threading.Thread(target=run) for _ in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    counts = {name: outcomes.count(name) for name in sorted(set(outcomes))}
    return counts, max(moments) - min(moments)


def uncontended(
    port: int, product_ids: list[int], concurrency: int
) -> tuple[float, list[float], dict]:
    """Each buyer orders a different product; returns (rate, latencies, outcomes)."""
    buyers = [Buyer("127.0.0.1", port) for _ in product_ids]
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda pair: pair[0].prepare(pair[1]), zip(buyers, product_ids, strict=True)))
        started = time.perf_counter()
        results = list(pool.map(Buyer.check_out, buyers))
        wall = time.perf_counter() - started
    outcomes = [r[0] for r in results]
    return (
        len(buyers) / wall,
        [r[1] for r in results],
        {o: outcomes.count(o) for o in set(outcomes)},
    )


def database_state(database_url: str, product_id: int) -> tuple[int, int]:
    """(orders placed for the scarce product, its stock) read straight from the database."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        stock = connection.execute(
            sa.text("SELECT stock FROM products WHERE id = :id"), {"id": product_id}
        ).scalar_one()
        orders = connection.execute(
            sa.text("SELECT count(*) FROM order_lines WHERE product_id = :id"), {"id": product_id}
        ).scalar_one()
    engine.dispose()
    return orders, stock


def main(argv: list[str] | None = None) -> int:
    """Run both phases and print the figures; non-zero exit if a check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--checkouts", type=int, help="uncontended checkouts (default: --buyers)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--admin-url", default=os.environ.get("BENCH_ADMIN_URL", ADMIN_URL))
    args = parser.parse_args(argv)
    checkouts = args.checkouts or args.buyers

    began = time.perf_counter()
    instance = tempfile.mkdtemp(prefix="bench-orders-")
    database_url = create_database(args.admin_url)
    scarce, plenty = seed(database_url, instance, checkouts, args.stock)
    server, port = start_gunicorn(database_url, instance, args.workers)
    setup_seconds = time.perf_counter() - began
    try:
        outcomes, burst_seconds = contended(port, args.buyers, scarce)
        orders, stock = database_state(database_url, scarce)
        rate, latencies, plain = uncontended(port, plenty, args.concurrency)
    finally:
        stop(server)

    errors = sum(n for name, n in outcomes.items() if name.startswith("http 5"))
    checks = {
        f"exactly {args.stock} orders": outcomes.get("ordered") == args.stock == orders,
        f"{args.buyers - args.stock} clear sold-out answers": outcomes.get("sold out")
        == args.buyers - args.stock,
        "stock 0 in the database": stock == 0,
        "no 5xx": errors == 0 and not any(k.startswith("http 5") for k in plain),
        "every uncontended checkout ordered": plain == {"ordered": len(plenty)},
    }
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"orders bench: gunicorn {args.workers} workers, PostgreSQL, {args.buyers} buyers "
        f"(setup {setup_seconds:.1f} s)"
    )
    print(
        f"  contended ({args.stock} in stock): {outcomes}, all answered within "
        f"{burst_seconds:.1f} s; database: {orders} orders, stock {stock}"
    )
    print(
        f"  uncontended: {rate:.1f} checkouts/s at concurrency {args.concurrency}; "
        f"latency p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms"
    )
    for name, passed in checks.items():
        print(f"  [{'ok' if passed else 'FAIL'}] {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
