"""Bank notifications for real orders over HTTP: throughput; nothing credited twice or lost.

    python -m bench.payments_bench [--n 1000] [--workers 2] [--concurrency 8]
                                   [--database-url postgresql+psycopg://.../bench_pay]

On a fresh database (a temporary SQLite file, or a throwaway schema in the PostgreSQL database
``--database-url`` names; see ``bench.harness``) it loads a catalog and places real orders with
``orders.checkout.place_order``, as checkout does, paid by VietQR bank transfer: one to three
producers' parts each, picked up or delivered home. Then it serves the app under gunicorn and
sends N signed SePay notifications over HTTP, each with an order's payment code in the memo and
its exact total: 10 % are repeats (half of them sent beside the original, so they arrive while
it is in flight), 5 % carry no code, and 5 % of the paying transfers are reported by Casso too
(signed, the same bank reference: one transfer seen by both services). Afterwards it checks
through the ledger and the orders: every distinct notification stored once, every order credited
once with its exact amount and paid, every part awaiting fulfilment, the transfers without a
code waiting for a manager, Casso's copies recognised, nothing lost, and the balance proof
(``payments.balance.verify``, as ``flask payments verify``) clean. Exits 1 if any check fails.
"""

import argparse
import http.client
import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.catalog_data import load_catalog
from bench.harness import (
    fresh_database,
    gunicorn,
    loading_app,
    machine_note,
    refresh_statistics,
    server_environment,
)
from bench.loadgen import HOST, percentile
from catalog.listing import public_products
from catalog.models import Product
from market import places
from market.extensions import db
from orders.addresses import address_at
from orders.checkout import CheckoutRequest, Contact, DeliveryChoice, LineRequest, place_order
from orders.delivery import delivery_options
from orders.models import DeliveryMethod, Order, OrderPart, PartStatus, PaymentMethod
from payments.balance import verify
from payments.bank_providers import casso_signature
from payments.models import (
    BankNotification,
    EntryKind,
    LedgerEntry,
    NotificationStatus,
    Outcome,
)
from payments.reconciliation import unmatched_credits
from payments.services import payment_status
from payments.targets import PayState

API_KEY = "bench-sepay-key"
CASSO_KEY = "bench-casso-key"
CASSO_IDS = 10_000_000  # Casso's ids for the transfers it reports too
COLLECTION_ACCOUNT = "1023456789"
SETTINGS = {
    "SEPAY_API_KEY": API_KEY,
    "CASSO_CHECKSUM_KEY": CASSO_KEY,
    "COLLECTION_BANK_BIN": "970436",
    "COLLECTION_ACCOUNT": COLLECTION_ACCOUNT,
    "COLLECTION_HOLDER": "CHO QUE BENCH",
    "PAYMENT_CODE_PREFIX": "CQ",
}
CATALOG_PRODUCTS = 900
MIN_STOCK = 60  # at most two units a line: no order of the run can find a product sold out
HTTP_TIMEOUT = 60
# The checkout options an order of the run may take: no carrier is configured here.
PLAIN_METHODS = (DeliveryMethod.HOME, DeliveryMethod.PICKUP_PRODUCER)


@dataclass(frozen=True)
class Bill:
    """A placed order as the shopper's bank sees it: the memo's code and the amount to send."""

    code: str
    amount: int


@dataclass(frozen=True)
class Notification:
    """One bank transaction SePay reports: its id, the amount and the payer's memo."""

    tx_id: int
    amount: int
    content: str
    casso: bool = False  # the same bank transfer, as Casso reports it

    def request(self) -> tuple[str, bytes, dict[str, str]]:
        """The webhook path, body and headers (Casso's signed at the time of sending)."""
        if not self.casso:
            auth = {"Authorization": f"Apikey {API_KEY}"}
            return "/webhooks/sepay", self.body(), {"Content-Type": "application/json", **auth}
        data = {
            "error": 0,
            "data": {
                "id": CASSO_IDS + self.tx_id,
                "reference": f"FT{self.tx_id}",
                "description": self.content,
                "amount": self.amount,
                "runningBalance": 0,
                "transactionDateTime": "2026-11-24 14:02:37",
                "accountNumber": COLLECTION_ACCOUNT,
                "virtualAccountNumber": "",
            },
        }
        stamp = str(int(time.time() * 1000))
        signature = f"t={stamp},v1={casso_signature(CASSO_KEY, stamp, data)}"
        headers = {"Content-Type": "application/json", "X-Casso-Signature": signature}
        return "/webhooks/casso", json.dumps(data).encode(), headers

    def body(self) -> bytes:
        """The SePay webhook body, shaped like the published example."""
        return json.dumps(
            {
                "id": self.tx_id,
                "gateway": "Vietcombank",
                "transactionDate": "2026-11-24 14:02:37",
                "accountNumber": COLLECTION_ACCOUNT,
                "code": None,
                "content": self.content,
                "transferType": "in",
                "transferAmount": self.amount,
                "accumulated": 0,
                "subAccount": None,
                "referenceCode": f"FT{self.tx_id}",
                "description": f"BankAPINotify {self.content}",
            }
        ).encode()


@dataclass(frozen=True)
class Delivery:
    """One HTTP delivery of a notification and what came of it."""

    tx_id: int
    status: int
    started: float
    finished: float


# --- The orders ------------------------------------------------------------------------------


def place_orders(count: int, rng: random.Random) -> list[Bill]:
    """Place ``count`` bank-transfer orders through checkout's own service; codes and totals."""
    products = db.session.scalars(
        public_products().where(Product.stock >= MIN_STOCK).order_by(Product.id)
    ).all()
    by_producer: dict[int, list[Product]] = {}
    for product in products:
        by_producer.setdefault(product.producer_id, []).append(product)
    producers = sorted(by_producer)
    communes = [c.code for c in places.communes(places.HOME_PROVINCE)]
    bills = []
    for number in range(count):
        parts = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        chosen = rng.sample(producers, k=min(parts, len(producers)))
        address = address_at(rng.choice(communes), f"Số {number}")
        lines, deliveries = [], {}
        for producer_id in chosen:
            offer = by_producer[producer_id]
            picked = [
                (product, rng.randint(1, 2))
                for product in rng.sample(offer, k=min(len(offer), rng.randint(1, 2)))
            ]
            lines += [LineRequest(product.id, units, product.price) for product, units in picked]
            # What the checkout page would offer this producer's part at that address (its own
            # delivery only where its zone rates reach, else a pickup), one of them at random.
            total = sum(product.price * units for product, units in picked)
            options = delivery_options(offer[0].producer, address, picked, total).options
            method = rng.choice([o.method for o in options if o.method in PLAIN_METHODS])
            deliveries[producer_id] = DeliveryChoice(method)  # the fee its zone rates give
        home = any(d.method is DeliveryMethod.HOME for d in deliveries.values())
        order = place_order(
            CheckoutRequest(
                idempotency_key=f"payments-bench-{number}",
                lines=tuple(lines),
                deliveries=deliveries,
                contact=Contact(
                    f"Người mua {number}", f"09{number:08d}", f"mua{number}@example.vn"
                ),
                payment_method=PaymentMethod.BANK_TRANSFER,
                address=address if home else None,
            )
        )
        bills.append(Bill(order.payment_code, order.total))
    return bills


# --- The notifications -----------------------------------------------------------------------


def plan(
    bills: list[Bill], unmatched: int, repeats: int, rng: random.Random
) -> tuple[list[Notification], list[Notification]]:
    """The distinct notifications, and the order they are delivered in with their repeats.

    Half the repeats go right after their original, so two senders deliver them together;
    the others come back at a random later moment, as a provider's retry would.
    """
    distinct = []
    for tx_id, bill in enumerate(bills, start=1):
        memo = rng.choice(
            (
                f"{bill.code} thanh toan don hang",
                f"IBFT {bill.code.lower()} NGUYEN THI LAN chuyen tien",
                f"MBVCB.{tx_id}.{bill.code[:2]} {bill.code[2:]}.CT tu 0912345678",
            )
        )
        distinct.append(Notification(tx_id, bill.amount, memo))
    for tx_id in range(len(bills) + 1, len(bills) + unmatched + 1):
        amount = rng.randrange(20, 2_000) * 1_000
        distinct.append(Notification(tx_id, amount, f"chuyen tien an cuoi {tx_id}"))
    twins = [
        Notification(note.tx_id, note.amount, note.content, casso=True)
        for note in rng.sample(distinct[: len(bills)], len(bills) // 20)
    ]
    distinct += twins
    rng.shuffle(distinct)
    keyed = [(float(position), note) for position, note in enumerate(distinct)]
    for n, position in enumerate(sorted(rng.sample(range(len(distinct)), repeats))):
        again = position + 0.5 if n % 2 == 0 else rng.uniform(position + 1, len(distinct))
        keyed.append((again, distinct[position]))
    return distinct, [note for _key, note in sorted(keyed, key=lambda pair: pair[0])]


class Sender:
    """POSTs notifications to the SePay webhook, one HTTP connection per thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def post(self, note: Notification) -> Delivery:
        """Deliver one notification (retried once on a dropped connection)."""
        started = time.perf_counter()
        for attempt in (1, 2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT)
                self.local.connection = connection
            try:
                path, body, headers = note.request()
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                return Delivery(note.tx_id, response.status, started, time.perf_counter())
            except (OSError, http.client.HTTPException):
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def overlapping_repeats(deliveries: list[Delivery]) -> int:
    """Repeats whose delivery overlapped another delivery of the same notification."""
    by_tx: dict[int, list[Delivery]] = {}
    for delivery in deliveries:
        by_tx.setdefault(delivery.tx_id, []).append(delivery)
    overlapping = 0
    for same in by_tx.values():
        same.sort(key=lambda d: d.started)
        overlapping += sum(
            1 for earlier, later in pairwise(same) if later.started < earlier.finished
        )
    return overlapping


# --- The checks ------------------------------------------------------------------------------

Check = tuple[str, bool, str]


def check_notifications(distinct: list[Notification], unmatched_ids: set[int]) -> list[Check]:
    """Every notification stored once, processed, and the ones without a code left to a manager."""
    stored = Counter(db.session.scalars(sa.select(BankNotification.provider_tx_id)))
    expected = {str(note.tx_id + (CASSO_IDS if note.casso else 0)) for note in distinct}
    unprocessed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(BankNotification)
        .where(BankNotification.status == NotificationStatus.RECEIVED)
    )
    recorded = Counter(
        db.session.scalars(
            sa.select(LedgerEntry.notification_id).where(LedgerEntry.kind == EntryKind.NOTIFICATION)
        )
    )
    waiting = {int(note.provider_tx_id) for note in unmatched_credits(limit=len(distinct) + 1)}
    once = set(stored) == expected and set(stored.values()) == {1}
    paired = [note.tx_id for note in distinct if note.casso]
    ids = [str(tx) for tx in paired] + [str(CASSO_IDS + tx) for tx in paired]
    seen = {
        tx_id: (status, why)
        for tx_id, status, why in db.session.execute(
            sa.select(
                BankNotification.provider_tx_id, BankNotification.status, BankNotification.note
            ).where(BankNotification.provider_tx_id.in_(ids))
        )
    }
    # Whichever service reports the transfer second is recognised as the same transfer.
    one_credit = {("credited", "exact"), ("ignored", "duplicate")}
    twins = [{seen.get(str(tx)), seen.get(str(CASSO_IDS + tx))} for tx in paired]
    recognised = sum(1 for pair in twins if pair == one_credit)
    return [
        (
            "one transfer reported by SePay and Casso credited once",
            recognised == len(twins),
            f"{recognised}/{len(twins)} transfers reported by both: credited once, the other "
            "recognised as the same transfer"
            + "".join(f"; {sorted(map(str, pair))}" for pair in twins if pair != one_credit),
        ),
        (
            "every distinct notification stored once",
            once,
            f"{sum(stored.values())} stored, {len(expected)} distinct sent",
        ),
        (
            "every notification processed and written to the ledger once",
            unprocessed == 0 and len(recorded) == len(expected) and set(recorded.values()) == {1},
            f"{unprocessed} unprocessed, {sum(recorded.values())} ledger notification lines",
        ),
        (
            "transfers without a code wait for a manager",
            waiting == unmatched_ids,
            f"{len(waiting)} in reconciliation, {len(unmatched_ids)} sent",
        ),
    ]


def check_orders(bills: list[Bill], distinct: list[Notification]) -> list[Check]:
    """Every order credited once with its exact amount, paid, its parts awaiting fulfilment."""
    amounts = {bill.code: bill.amount for bill in bills}
    payments = db.session.execute(
        sa.select(LedgerEntry.target_code, LedgerEntry.amount, LedgerEntry.outcome).where(
            LedgerEntry.kind == EntryKind.PAYMENT
        )
    ).all()
    per_code = Counter(code for code, _amount, _outcome in payments)
    exact = all(
        amounts.get(code) == amount and outcome == Outcome.EXACT
        for code, amount, outcome in payments
    )
    statuses = [payment_status(bill.code) for bill in bills]
    paid = sum(
        1
        for bill, status in zip(bills, statuses, strict=True)
        if status is not None
        and status.state == PayState.PAID
        and status.paid == bill.amount
        and status.refund_due == 0
    )
    parts = db.session.execute(
        sa.select(
            Order.code, OrderPart.number, OrderPart.status, OrderPart.paid_amount, OrderPart.total
        ).join(Order, OrderPart.order_id == Order.id)
    ).all()
    moved = sum(
        1
        for _code, _number, status, paid_amount, total in parts
        if status == PartStatus.AWAITING_FULFILMENT and paid_amount == total
    )
    earnings = Counter(
        db.session.scalars(
            sa.select(LedgerEntry.part_ref).where(LedgerEntry.kind == EntryKind.EARNING)
        )
    )
    refs = {f"{code}-{number}" for code, number, *_rest in parts}
    received = sum(amount for _code, amount, _outcome in payments)
    unmatched = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(BankNotification.amount), 0)).where(
            BankNotification.status == NotificationStatus.UNMATCHED
        )
    )
    sent = sum(note.amount for note in distinct if not note.casso)
    problems = verify().problems
    return [
        (
            "the balance proof: every đồng received accounted for (payments verify)",
            not problems,
            f"{len(problems)} problem(s)" + (f", first: {problems[0]}" if problems else ""),
        ),
        (
            "every order credited exactly once with its exact amount",
            set(per_code) == set(amounts) and set(per_code.values()) == {1} and exact,
            f"{len(per_code)} of {len(amounts)} orders credited, {len(payments)} payments, "
            f"{sum(1 for n in per_code.values() if n > 1)} credited twice",
        ),
        (
            "every order paid according to the ledger",
            paid == len(bills),
            f"{paid}/{len(bills)} paid in full with nothing to refund",
        ),
        (
            "every part paid and awaiting fulfilment, its producer credited once",
            moved == len(parts) and set(earnings) == refs and set(earnings.values()) == {1},
            f"{moved}/{len(parts)} parts, {sum(earnings.values())} earnings",
        ),
        (
            "nothing lost: credited + waiting = sent",
            received + int(unmatched) == sent,
            f"{received:,} + {int(unmatched):,} of {sent:,} đồng",
        ),
    ]


# --- The run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Place the orders, send the notifications, print the figures and the checks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="notifications to send (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel senders (default 8)")
    parser.add_argument("--database-url", default="", help="a scratch PostgreSQL database")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.n < 20:
        parser.error("--n must be at least 20")
    repeats, unmatched = args.n // 10, args.n // 20
    orders = args.n - repeats - unmatched
    rng = random.Random(args.seed)
    label = "PostgreSQL" if args.database_url else "SQLite"

    with fresh_database(args.database_url) as database:
        app = loading_app(database, **SETTINGS)
        # The loaded orders stand for many shoppers' (with accounts), not one guest's.
        app.config.update(GUEST_MAX_UNITS=99, GUEST_MAX_ORDER_VALUE=10**12)
        with app.app_context():
            began = time.perf_counter()
            upgrade()
            load_catalog(CATALOG_PRODUCTS, seed=args.seed)
            bills = place_orders(orders, rng)
            refresh_statistics()
            db.session.remove()
            db.engine.dispose()
        print(
            f"Payments bench, {label}: {orders} bank-transfer orders placed through checkout "
            f"in {time.perf_counter() - began:.0f} s; {machine_note()}",
            flush=True,
        )
        distinct, sends = plan(bills, unmatched, repeats, rng)
        with gunicorn(
            server_environment(database, **SETTINGS), args.workers, "market.wsgi:app"
        ) as port:
            sender = Sender(port)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                deliveries = list(pool.map(sender.post, sends))
            elapsed = time.perf_counter() - started
        with app.app_context():
            unmatched_ids = {note.tx_id for note in distinct if note.tx_id > len(bills)}
            checks = check_notifications(distinct, unmatched_ids) + check_orders(bills, distinct)
            db.session.remove()
            db.engine.dispose()

    latencies = sorted((d.finished - d.started) * 1000 for d in deliveries)
    answered = sum(1 for d in deliveries if d.status == 200)
    checks.insert(
        0, ("every delivery answered 200", answered == len(sends), f"{answered}/{len(sends)}")
    )
    print(
        f"  sent         {len(sends)} notifications: {len(distinct)} distinct, {repeats} repeats "
        f"({overlapping_repeats(deliveries)} while the original was in flight), "
        f"{unmatched} without a code, {sum(n.casso for n in distinct)} also through Casso"
    )
    print(f"  server       gunicorn {args.workers} workers, {args.concurrency} senders")
    print(f"  throughput   {len(sends) / elapsed:8.1f} notifications/s  ({elapsed:.2f} s)")
    print(
        f"  latency ms   p50 {percentile(latencies, 0.50):.1f}  "
        f"p95 {percentile(latencies, 0.95):.1f}  max {latencies[-1]:.1f}"
    )
    for name, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    return 0 if all(ok for _name, ok, _detail in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
