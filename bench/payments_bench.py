"""Bank-notification throughput, and proof that nothing is credited twice or lost.

    python -m bench.payments_bench [--n 1000] [--workers 2] [--concurrency 8]
                                   [--database-url postgresql+psycopg://.../scratch]

Starts the app under gunicorn on a scratch database (a temporary SQLite file unless
``--database-url`` names an empty PostgreSQL database), registers a bench payment target,
then sends N signed SePay notifications over HTTP from this process: 10 % are repeats of
earlier ones (some arrive while the original is still in flight) and 5 % carry no payment code.
It prints the throughput and latency, then checks the ledger: every distinct notification is
stored once, every code is credited once with its exact amount, and the unmatched ones wait
for a manager. Exits 1 if any check fails.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "bench-sepay-key"
COLLECTION_ACCOUNT = "1023456789"
CODES_ENV = "BENCH_PAYMENT_CODES"


# --- The app under test: the real app plus a payment target for the bench codes --------------


class BenchTarget:
    """Codes and amounts from a JSON file, one part each for the bench producer."""

    def __init__(self, path: str) -> None:
        data = json.loads(Path(path).read_text())
        self.producer_id = data["producer_id"]
        self.amounts = data["codes"]

    def due(self, code: str):
        from payments.targets import PartDue, PaymentDue

        amount = self.amounts.get(code)
        if amount is None:
            return None
        return PaymentDue(code, amount, (PartDue(f"{code}-1", self.producer_id, amount),))

    def reopen(self, code: str) -> bool:
        return False

    def payment_changed(self, code: str, status: object) -> None:
        return None


def bench_app():
    """The application with the bench target registered."""
    from market import create_app
    from payments.targets import register_target

    app = create_app()
    register_target(app, "bench", BenchTarget(os.environ[CODES_ENV]))
    return app


# --- The load ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    """One HTTP delivery of a notification."""

    tx_id: int
    body: bytes


def plan(n: int, seed: int) -> tuple[dict[str, int], list[Send], list[int], int]:
    """Codes with amounts, the deliveries in order, the unmatched ids, the distinct count."""
    rng = random.Random(seed)
    duplicates, unmatched = n // 10, n // 20
    distinct = n - duplicates
    codes: dict[str, int] = {}
    bodies: list[Send] = []
    unmatched_ids = []
    for tx_id in range(1, distinct + 1):
        amount = rng.randrange(20, 2_000) * 1_000
        if tx_id <= unmatched:
            content = f"chuyen tien an cuoi {tx_id}"
            unmatched_ids.append(tx_id)
        else:
            code = f"CQB{tx_id:05d}"
            codes[code] = amount
            content = rng.choice([f"{code} thanh toan", f"IBFT {code.lower()}", f"CQ B{tx_id:05d}"])
        body = {
            "id": tx_id,
            "gateway": "Vietcombank",
            "transactionDate": "2026-11-24 14:02:37",
            "accountNumber": COLLECTION_ACCOUNT,
            "code": None,
            "content": content,
            "transferType": "in",
            "transferAmount": amount,
            "accumulated": 0,
            "subAccount": None,
            "referenceCode": f"FT{tx_id}",
            "description": content,
        }
        bodies.append(Send(tx_id, json.dumps(body).encode()))
    sends = bodies + [rng.choice(bodies) for _ in range(duplicates)]
    rng.shuffle(sends)
    return codes, sends, unmatched_ids, distinct


class Sender:
    """Keep-alive HTTP connections, one per thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def post(self, send: Send) -> tuple[int, float]:
        started = time.perf_counter()
        for attempt in range(2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.local.connection = connection
            try:
                connection.request(
                    "POST",
                    "/webhooks/sepay",
                    body=send.body,
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Apikey {API_KEY}",
                    },
                )
                response = connection.getresponse()
                response.read()
                return response.status, time.perf_counter() - started
            except (OSError, http.client.HTTPException):
                connection.close()
                self.local.connection = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


# --- Setup, checks and the report -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(env: dict[str, str], codes: dict[str, int], codes_file: Path) -> None:
    """Migrate the scratch database and create the bench producer."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from catalog.models import Producer, ProducerKind, ProducerStatus
    from market import create_app
    from market.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        producer = Producer(
            slug="bench-producer",
            name="HTX Bench",
            kind=ProducerKind.COOPERATIVE,
            district_code="070",
            commune_code="bench",
            status=ProducerStatus.VERIFIED,
        )
        db.session.add(producer)
        db.session.commit()
        codes_file.write_text(json.dumps({"producer_id": producer.id, "codes": codes}))
        db.engine.dispose()


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def check(
    codes: dict[str, int], unmatched_ids: list[int], distinct: int
) -> list[tuple[str, bool, str]]:
    """What the ledger says after the run."""
    import sqlalchemy as sa

    from market import create_app
    from market.extensions import db
    from payments.models import (
        BankNotification,
        EntryKind,
        LedgerEntry,
        NotificationStatus,
    )

    app = create_app()
    with app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(BankNotification))
        stored_ids = set(db.session.scalars(sa.select(BankNotification.provider_tx_id)))
        payments = sa.select(LedgerEntry).where(LedgerEntry.kind == EntryKind.PAYMENT)
        credited = {e.target_code: e.amount for e in db.session.scalars(payments)}
        payment_count = len(db.session.scalars(payments).all())
        twice = db.session.scalars(
            sa.select(LedgerEntry.target_code)
            .where(LedgerEntry.kind == EntryKind.PAYMENT)
            .group_by(LedgerEntry.target_code)
            .having(sa.func.count() > 1)
        ).all()
        waiting = set(
            db.session.scalars(
                sa.select(BankNotification.provider_tx_id).where(
                    BankNotification.status == NotificationStatus.UNMATCHED
                )
            )
        )
        unprocessed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(BankNotification)
            .where(BankNotification.status == NotificationStatus.RECEIVED)
        )
        db.engine.dispose()
    expected_ids = {str(i) for i in range(1, distinct + 1)}
    return [
        (
            "every distinct notification stored once",
            stored == distinct and stored_ids == expected_ids,
            f"{stored} stored, {distinct} distinct sent",
        ),
        (
            "no code credited twice",
            not twice and payment_count == len(codes),
            f"{payment_count} payments for {len(codes)} codes; twice: {len(twice)}",
        ),
        (
            "every code credited with its exact amount",
            credited == codes,
            f"{sum(credited.values()):,} of {sum(codes.values()):,} đồng",
        ),
        (
            "unmatched transfers wait for a manager",
            waiting == {str(i) for i in unmatched_ids},
            f"{len(waiting)} unmatched of {len(unmatched_ids)} sent",
        ),
        ("nothing left unprocessed", unprocessed == 0, f"{unprocessed} unprocessed"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="notifications to send (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel senders (default 8)")
    parser.add_argument("--database-url", default="", help="an empty scratch database (PostgreSQL)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.n < 20:
        parser.error("--n must be at least 20")

    scratch = Path(tempfile.mkdtemp(prefix="payments-bench-"))
    codes_file = scratch / "codes.json"
    env = {
        "CHOQUE_ENV": "development",
        "SECRET_KEY": "bench-secret",
        "INSTANCE_PATH": str(scratch),
        "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        "SEPAY_API_KEY": API_KEY,
        "COLLECTION_BANK_BIN": "970436",
        "COLLECTION_ACCOUNT": COLLECTION_ACCOUNT,
        "COLLECTION_HOLDER": "CHO QUE BENCH",
        "PAYMENT_CODE_PREFIX": "CQ",
        CODES_ENV: str(codes_file),
    }
    codes, sends, unmatched_ids, distinct = plan(args.n, args.seed)
    prepare(env, codes, codes_file)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.payments_bench:bench_app()",
        ],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
    )
    try:
        wait_until_up(port, server)
        sender = Sender(port)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(sender.post, sends))
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    statuses = [status for status, _ in results]
    latencies = sorted(seconds * 1000 for _, seconds in results)
    database = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    print(
        f"Bank notifications over HTTP: {len(sends)} sent ({len(sends) - distinct} repeats, "
        f"{len(unmatched_ids)} without a code), gunicorn {args.workers} workers, "
        f"{args.concurrency} senders, {database}"
    )
    print(f"  throughput   {len(sends) / elapsed:8.1f} notifications/s  ({elapsed:.2f} s)")
    print(
        f"  latency ms   p50 {statistics.median(latencies):.1f}  "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f}  max {latencies[-1]:.1f}"
    )
    print(
        f"  answers      {statuses.count(200)} × 200, {len(statuses) - statuses.count(200)} other"
    )
    checks = [
        (
            "every delivery answered 200",
            statuses.count(200) == len(statuses),
            f"{statuses.count(200)}/{len(statuses)}",
        )
    ]
    checks += check(codes, unmatched_ids, distinct)
    for name, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
