"""Search freshness across servers: how soon a product published on server A is found on B.

    python -m bench.freshness_bench [--changes 15] [--products 300] [--backends tantivy,whoosh]
                                    [--database-url postgresql+psycopg://.../scratch]

The issue's figure: "a product published on server A is found by search on server B within two
seconds". A fresh database (a SQLite file in a temporary folder, which both hosts share since
they run on this machine; or a throwaway schema on the PostgreSQL database given by
``--database-url`` or ``BENCH_DATABASE_URL``) is migrated and loaded with one verified producer,
``--products`` public products, a marker product (B is ready when its search finds it) and,
for each backend, drafts whose names hold a word of their own. For each backend in turn, server
B runs as deployed: gunicorn (``market.wsgi:app``, two workers, production settings) and its own
``flask worker``, with an instance folder of its own (where an embedded index lives). Measured
by default: the embedded backends (tantivy, Whoosh), and the PostgreSQL backend when a
PostgreSQL URL is given (its search rows are shared, and only B's worker writes them here: on a
real site A's worker would share that work).

Server A is this process: it publishes a draft through the service the producer's "Publish"
button calls on any server (``catalog.workspace.products.set_status``), whose commit writes the
product and its change-feed row together. No sign-in or HTTP round trip on A: the figure is
the feed and server B alone. The clock starts when the commit returns; B's results page
``/tim-kiem?q=<the draft's name>`` is then asked every 20 ms until it links the product, and the
latency is when that answer arrived (so each figure is known to within one page request plus
20 ms; the page's own time is printed too). A random pause (0-0.5 s, seeded) before each
publication spreads the commits over the worker's half-second poll of the feed; one warm-up
publication per backend is not counted.

Prints, per backend, the median, p90 and max latency and the median's ratio to the 2-second
target, with the machine's load. Exits 1 with B's logs if a publication is not found within
``--timeout`` seconds (30).
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.harness import (
    ROOT,
    BenchDatabase,
    fresh_database,
    gunicorn,
    loading_app,
    machine_note,
    refresh_statistics,
    server_environment,
    stop,
)
from bench.loadgen import HOST, percentile
from catalog.audit import CLI
from catalog.categories import sync_categories
from catalog.models import Category, Producer, ProducerKind, ProducerStatus, Product, ProductStatus
from catalog.workspace import products
from market.extensions import db

TARGET_S = 2.0
POLL_S = 0.02
EMBEDDED = ("tantivy", "whoosh")
BACKENDS = (*EMBEDDED, "postgres")
# Real Tuyên Quang products for the public catalog; the drafts get a word no product has.
BASE_NAMES = (
    "Cam sành Hàm Yên",
    "Bưởi Soi Hà",
    "Chè Shan tuyết Na Hang",
    "Mật ong bạc hà",
    "Miến dong",
    "Măng rừng",
    "Gạo nếp cái hoa vàng",
    "Thịt trâu gác bếp",
    "Hồng không hạt",
    "Rượu ngô men lá",
)
GRADES = ("loại 1", "đặc biệt", "hữu cơ", "sấy khô", "túi 1 kg", "hộp quà")
LETTERS = "bcdghklmnpqrstvx"


class NotFound(Exception):
    """A publication that server B's search did not show within the time allowed."""


@dataclass(frozen=True)
class Draft:
    """A product waiting to be published: its id, its page's address and its search words."""

    id: int
    link: str
    words: str


@dataclass(frozen=True)
class Figures:
    """One backend's latencies, the times B's results page took and B's start-up (seconds)."""

    backend: str
    latencies: list[float]
    page_times: list[float]
    ready_s: float


def tag(number: int) -> str:
    """A made-up four-letter word, one per number below 4096 (none a prefix of another)."""
    letters = []
    for _ in range(3):
        number, digit = divmod(number, len(LETTERS))
        letters.append(LETTERS[digit])
    return "".join(letters) + "o"


def seed(
    count: int, drafts_per_backend: int, backends: list[str]
) -> tuple[Draft, dict[str, list[Draft]]]:
    """Load a verified producer, public products, a marker product and each backend's drafts."""
    upgrade()
    sync_categories()
    category = db.session.scalar(sa.select(Category).where(Category.code == "I.1.a"))
    producer = Producer(
        slug="htx-do-tuoi",
        name="HTX Đo độ tươi Hàm Yên",
        kind=ProducerKind.COOPERATIVE,
        area_slug="ham-yen",
        commune_code="02392",
        status=ProducerStatus.VERIFIED,
    )
    rng = random.Random(count)

    def item(slug: str, name: str, status: ProductStatus) -> Product:
        return Product(
            producer=producer,
            slug=slug,
            name=name,
            category=category,
            unit="kg",
            price=rng.randrange(20, 400) * 1000,
            stock=rng.choice([0, 5, 20, 100]),
            status=status,
            description=f"{name}, thu hái đúng vụ tại Tuyên Quang.",
        )

    public = [
        item(
            f"sp-{n}",
            f"{BASE_NAMES[n % len(BASE_NAMES)]} {rng.choice(GRADES)}",
            ProductStatus.ACTIVE,
        )
        for n in range(count)
    ]
    marker = item("sp-moc", f"Trà hoa vàng {tag(len(LETTERS) ** 3 - 1)}", ProductStatus.ACTIVE)
    waiting: dict[str, list[Product]] = {}
    for index, backend in enumerate(backends):
        waiting[backend] = []
        for n in range(drafts_per_backend):
            word = tag(index * drafts_per_backend + n)
            waiting[backend].append(
                item(f"moi-{backend}-{n}", f"Mứt gừng {word}", ProductStatus.DRAFT)
            )
    everything = [producer, *public, marker, *(p for drafts in waiting.values() for p in drafts)]
    db.session.add_all(everything)
    db.session.commit()
    refresh_statistics()
    return _draft(marker), {
        backend: [_draft(p) for p in drafts] for backend, drafts in waiting.items()
    }


def _draft(product: Product) -> Draft:
    return Draft(product.id, f"/san-pham/{product.slug}", product.name)


def results_page(port: int, words: str) -> str:
    """Server B's search results page for ``words`` (fails on any answer but 200)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", "/tim-kiem?" + urlencode({"q": words}))
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    if response.status != 200:
        raise NotFound(f"GET /tim-kiem?q={words} answered {response.status}")
    return page


def wait_until_found(
    port: int, words: str, link: str, since: float, timeout: float, page_times: list[float]
) -> float:
    """Ask B's results page every 20 ms until it links ``link``; seconds since ``since``."""
    while True:
        asked = time.perf_counter()
        page = results_page(port, words)
        answered = time.perf_counter()
        page_times.append(answered - asked)
        if link in page:
            return answered - since
        if answered - since > timeout:
            raise NotFound(f'"{words}" ({link}) not found on server B within {timeout:g} s')
        time.sleep(max(0.0, POLL_S - (time.perf_counter() - asked)))


def publish(draft: Draft) -> float:
    """Publish the draft as its producer would on server A; the moment the commit returned."""
    products.set_status(db.session.get(Product, draft.id), ProductStatus.ACTIVE, CLI)
    committed = time.perf_counter()
    db.session.remove()
    return committed


@contextmanager
def flask_worker(environment: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    """Server B's ``flask worker`` (it applies the change feed to B's index); stopped after."""
    command = [sys.executable, "-m", "flask", "--app", "market", "worker"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            stop(process)


def measure_backend(
    database: BenchDatabase,
    backend: str,
    drafts: list[Draft],
    marker: Draft,
    timeout: float,
    seed_value: int,
) -> Figures:
    """Start server B with ``backend``, publish each draft on A, time until B's search finds it."""
    instance = database.instance / f"server-b-{backend}"
    instance.mkdir()
    host = BenchDatabase(database.url, instance)
    environment = server_environment(
        host, SEARCH_BACKEND=backend, LOG_LEVEL="warning", PYTHONPATH=str(ROOT)
    )
    rng = random.Random(seed_value)
    latencies: list[float] = []
    page_times: list[float] = []
    started = time.perf_counter()
    with (
        # The worker first: it builds B's index while gunicorn starts.
        flask_worker(environment, instance / "worker.log") as worker,
        gunicorn(environment, workers=2, app_spec="market.wsgi:app") as port,
    ):
        try:
            # B is ready when its search finds the catalog (the worker's first poll rebuilt it).
            wait_until_found(port, marker.words, marker.link, time.perf_counter(), 60.0, [])
            ready = time.perf_counter() - started
            for number, draft in enumerate(drafts):
                time.sleep(rng.uniform(0.0, 0.5))
                if draft.link in results_page(port, draft.words):
                    raise NotFound(f"{draft.link} was found on server B before it was published")
                committed = publish(draft)
                found = wait_until_found(
                    port, draft.words, draft.link, committed, timeout, page_times
                )
                if number:  # the first publication warms up
                    latencies.append(found)
        except NotFound as error:
            exited = worker.poll()
            state = "running" if exited is None else f"exited with {exited}"
            raise NotFound(
                f"{backend}: {error}\n--- server B's worker ({state}), end of its log:\n"
                f"{_tail(instance / 'worker.log')}\n--- server B's gunicorn, end of its log:\n"
                f"{_tail(instance / 'gunicorn.log')}"
            ) from error
    return Figures(backend, latencies, page_times, ready)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) or "(empty)"
    except OSError:
        return "(no log)"


def report(figures: list[Figures]) -> str:
    """The table: median, p90 and max latency per backend, and the median ÷ the 2-s target."""
    lines = [
        f"{'backend':<10}{'changes':>8}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}"
        f"{'median ÷ 2 s':>14}{'page p50 ms':>13}{'B ready s':>11}"
    ]
    for found in figures:
        ordered = sorted(found.latencies)
        median = statistics.median(ordered)
        lines.append(
            f"{found.backend:<10}{len(ordered):>8}{median * 1000:>11.0f}"
            f"{percentile(ordered, 0.9) * 1000:>9.0f}{ordered[-1] * 1000:>9.0f}"
            f"{median / TARGET_S:>14.2f}{statistics.median(found.page_times) * 1000:>13.0f}"
            f"{found.ready_s:>11.1f}"
        )
    lines += [
        "latency: from A's commit returning to the first answer of B's results page that links",
        "  the product (B's worker reads the change feed every 0.5 s: catalog/jobs.py)",
        f"page p50: B's results page's own time; with the {POLL_S * 1000:.0f} ms between requests, "
        "the figures' resolution",
        "B ready: from starting B's gunicorn and worker to B's search finding the catalog",
    ]
    for found in figures:
        worst = max(found.latencies)
        verdict = "met" if worst <= TARGET_S else "MISSED"
        lines.append(
            f"target {verdict}: {found.backend}, every change found on B within "
            f"{TARGET_S:.0f} s (slowest {worst:.2f} s of {len(found.latencies)})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Load, then per backend start server B, publish on A, time until B finds it; report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=15, help="timed publications per backend")
    parser.add_argument("--products", type=int, default=300, help="public products loaded")
    parser.add_argument(
        "--backends",
        default="",
        help="comma-separated, of tantivy, whoosh, postgres (default: tantivy,whoosh, "
        "and postgres with a PostgreSQL database)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to find a change")
    parser.add_argument("--seed", type=int, default=7, help="seeds the pauses between changes")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="PostgreSQL URL (default: BENCH_DATABASE_URL, else a temporary SQLite file)",
    )
    args = parser.parse_args(argv)
    if args.changes < 1 or args.products < 1:
        parser.error("--changes and --products must be at least 1")
    backends = [b for b in args.backends.split(",") if b] or [
        *EMBEDDED,
        *(["postgres"] if args.database_url else []),
    ]
    if unknown := set(backends) - set(BACKENDS):
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    if (args.changes + 1) * len(backends) >= len(LETTERS) ** 3:
        parser.error("too many changes: the made-up words would run out")
    if "postgres" in backends and not args.database_url:
        parser.error("the postgres backend needs --database-url (or BENCH_DATABASE_URL)")

    with fresh_database(args.database_url) as database:
        started = time.perf_counter()
        app = loading_app(database)
        with app.app_context():
            marker, drafts = seed(args.products, args.changes + 1, backends)
            kind = db.engine.dialect.name
            db.session.remove()
            print(
                f"Search freshness: published on server A (this process), searched on server B "
                f"({kind}; {args.products} public products, loaded in "
                f"{time.perf_counter() - started:.1f} s)"
            )
            print(
                f"{args.changes} timed publications per backend after one warm-up; "
                f"machine: {machine_note()}"
            )
            try:
                figures = [
                    measure_backend(
                        database, backend, drafts[backend], marker, args.timeout, args.seed
                    )
                    for backend in backends
                ]
            except NotFound as error:
                print(f"FAILED: {error}", file=sys.stderr)
                return 1
            finally:
                db.session.remove()
                db.engine.dispose()
    print(report(figures))
    print(f"machine after: {machine_note()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
