"""Bytes and requests per page, first view and repeat view, in headless Chromium.

Loads the demo market into a throwaway SQLite instance, places one guest order (VietQR bank
transfer), serves the app with ``flask run`` and opens home, catalog, a product and the order
page at phone width, with JavaScript on, and the catalog with JavaScript off as well. Each page
is opened in a fresh browser context (empty cache: the first view), then opened again in the
same context (the repeat view, as when following a link back to it). Counted from Chromium's
network events: requests that reached the server and the bytes that came over the wire
(headers and compressed bodies); answers from the browser's cache are not counted. Service
workers are blocked, so the figures are HTTP caching alone.

    python -m bench.pages_bench                      # this checkout
    python -m bench.pages_bench --source /tmp/main   # another checkout (e.g. main, for "before")
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from bench.harness import free_port, stop
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # the suite's Chromium setup

ROOT = Path(__file__).resolve().parent.parent
# Places the guest order inside the served checkout and prints its private link's token.
ORDER_SCRIPT = """
import sqlalchemy as sa
from market import create_app
from market.extensions import db
from catalog.models import Product
try:
    from orders.addresses import address_at
    address = address_at("02392", "Thôn 3")
except ImportError:  # a --source checkout from before the 2025 places (#14)
    from orders.addresses import home_address
    address = home_address("074:phu-luu", "Thôn 3")
from orders.checkout import CheckoutRequest, Contact, DeliveryChoice, LineRequest, place_order
from orders.models import DeliveryMethod, PaymentMethod
app = create_app()
with app.app_context():
    items = db.session.scalars(
        sa.select(Product).where(Product.stock > 2).order_by(Product.id).limit(2)
    ).all()
    order = place_order(CheckoutRequest(
        idempotency_key="pages-bench",
        lines=tuple(LineRequest(p.id, 1, p.price) for p in items),
        deliveries={p.producer_id: DeliveryChoice(DeliveryMethod.PICKUP_PRODUCER) for p in items},
        contact=Contact("Nguyễn Thị Lan", "0912345678", "lan@example.vn"),
        payment_method=PaymentMethod.BANK_TRANSFER,
        address=address,
    ))
    print(order.access_token)
"""


@dataclass(frozen=True)
class View:
    """What one page view fetched over the network."""

    requests: int
    bytes: int


class NetworkCounter:
    """Counts the requests a page sends to the server and the bytes that arrive (CDP events)."""

    def __init__(self, page: Page) -> None:
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.cached: set[str] = set()
        self.sent: set[str] = set()
        self.received = 0
        self.session.on("Network.requestWillBeSent", lambda e: self.sent.add(e["requestId"]))
        self.session.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict) -> None:
        answer = event["response"]
        if answer.get("fromDiskCache") or answer.get("fromServiceWorker"):
            self.cached.add(event["requestId"])

    def _finished(self, event: dict) -> None:
        if event["requestId"] not in self.cached:
            self.received += int(event.get("encodedDataLength", 0))

    def reset(self) -> None:
        """Start counting a new view."""
        self.cached.clear()
        self.sent.clear()
        self.received = 0

    def view(self) -> View:
        """The requests and bytes since the last reset."""
        return View(len(self.sent - self.cached), self.received)


def measure(browser: Browser, url: str, javascript: bool) -> tuple[View, View]:
    """First and repeat view of ``url`` in a fresh phone-sized context."""
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=javascript, service_workers="block", locale="vi-VN"
    )
    page = context.new_page()
    counter = NetworkCounter(page)
    views = []
    for _ in range(2):
        counter.reset()
        page.goto(url, wait_until="networkidle")
        views.append(counter.view())
    context.close()
    return views[0], views[1]


def run(command: list[str], source: Path, env: dict[str, str]) -> str:
    """Run a command in the served checkout; its output, or exit with its error."""
    done = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_until_up(url: str) -> None:
    """Poll the health check until the server answers (60 s at most)."""
    for _ in range(600):
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("the server did not start")


def main() -> None:
    """Serve the demo market and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--label", default="", help="title of the table")
    args = parser.parse_args()
    source = args.source.resolve()
    with tempfile.TemporaryDirectory(prefix="choque-pages-") as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PYTHONPATH": str(source),
            "CHOQUE_ENV": "development",
            "INSTANCE_PATH": folder,
            "MEDIA_ROOT": f"{folder}/media",
            "DATABASE_URL": f"sqlite:///{folder}/choque.sqlite3",
            "PUBLIC_BASE_URL": base,
            "COLLECTION_BANK_BIN": "970436",
            "COLLECTION_ACCOUNT": "0011004379999",
            "COLLECTION_HOLDER": "CHO QUE TUYEN QUANG",
            "LOG_LEVEL": "WARNING",
        }
        flask = [sys.executable, "-m", "flask", "--app", "market"]
        run([*flask, "i18n", "compile"], source, env)
        run([*flask, "db", "upgrade"], source, env)
        run([*flask, "demo", "load"], source, env)
        token = run([sys.executable, "-c", ORDER_SCRIPT], source, env).split()[-1]
        server = subprocess.Popen(
            [*flask, "run", "--port", str(port), "--no-reload"],
            cwd=source,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base)
            with urllib.request.urlopen(base + "/san-pham") as answer:
                slug = re.search(r'href="/san-pham/([^"?]+)"', answer.read().decode()).group(1)
            pages = [
                ("home", "/", True),
                ("home, JS off", "/", False),
                ("catalog", "/san-pham", True),
                ("catalog, JS off", "/san-pham", False),
                ("product", f"/san-pham/{slug}", True),
                ("order page", f"/don-hang/xem/{token}", True),
            ]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                rows = [(name, *measure(browser, base + path, js)) for name, path, js in pages]
                browser.close()
        finally:
            stop(server)
    print(f"\n{args.label or source}: 360x740, service workers blocked, demo market")
    print("| page | first view: requests | first view: KB | repeat: requests | repeat: KB |")
    print("|---|---:|---:|---:|---:|")
    for name, first, repeat in rows:
        print(
            f"| {name} | {first.requests} | {first.bytes / 1024:.1f} "
            f"| {repeat.requests} | {repeat.bytes / 1024:.1f} |"
        )


if __name__ == "__main__":
    main()
