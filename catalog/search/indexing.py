"""Keeping the index fresh: an outbox written in the changing transaction, applied by one writer.

Whatever changes a product, a producer, an OCOP recognition or a certification, through any
worker, the ``after_flush`` hook adds a ``search_outbox`` row in the same transaction: the change
and the note that the index must follow commit together or not at all. Whichever process gets
the index writer without waiting (a background thread, or a search request when there is none)
reads the outbox, re-reads those products from the database, writes them to the index, commits
the index, and only then deletes the rows it applied. A crash or a busy writer leaves the rows in
place for the next attempt; applying a row twice is harmless because it re-reads the database.
"""

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from itertools import chain, islice

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app

from catalog.models import (
    OcopRecognition,
    Producer,
    Product,
    ProductCertification,
    ReviewStatus,
)
from catalog.search.backend import IndexBusy, IndexWriter, SearchBackend
from catalog.search.documents import CategoryPaths, build_document, document_load_options
from catalog.search.models import OutboxEntity, SearchOutbox
from catalog.storefront import local_today
from market.dbtypes import utcnow
from market.extensions import db

logger = logging.getLogger(__name__)

BATCH = 200
# Producer columns the index shows or depends on; other edits (bank, story) change nothing.
PRODUCER_FIELDS = ("name", "status", "district_code", "commune_code")
# Re-check stars of recognitions that expired within this many days (covers a few days down).
EXPIRY_WINDOW_DAYS = 7


def _batched(items: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def backend() -> SearchBackend:
    """The configured backend of the current application."""
    return current_app.extensions["search"]


# -- recording changes --------------------------------------------------------------------


def _changes(session: so.Session) -> set[tuple[OutboxEntity, int]]:
    found: set[tuple[OutboxEntity, int]] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        modified = obj not in session.dirty or session.is_modified(obj)
        if isinstance(obj, Product) and modified:
            found.add((OutboxEntity.PRODUCT, obj.id))
        elif isinstance(obj, Producer) and (
            obj in session.deleted or (obj in session.dirty and _producer_changed(obj))
        ):
            found.add((OutboxEntity.PRODUCER, obj.id))
        elif (
            isinstance(obj, OcopRecognition | ProductCertification)
            and modified
            and obj.product_id is not None
        ):
            found.add((OutboxEntity.PRODUCT, obj.product_id))
    return found


def _producer_changed(producer: Producer) -> bool:
    state = sa.inspect(producer)
    return any(state.attrs[name].history.has_changes() for name in PRODUCER_FIELDS)


def record(session: so.Session, changes: Iterable[tuple[OutboxEntity, int]]) -> None:
    """Add outbox rows in the session's current transaction."""
    now = utcnow()
    rows = [{"entity": entity, "entity_id": key, "created_at": now} for entity, key in changes]
    if rows:
        session.connection().execute(sa.insert(SearchOutbox), rows)


def mark_products_changed(session: so.Session, product_ids: Iterable[int]) -> None:
    """Queue products changed outside the ORM unit of work (bulk SQL) for re-indexing."""
    record(session, ((OutboxEntity.PRODUCT, pid) for pid in product_ids))


@sa.event.listens_for(so.Session, "after_flush")
def _after_flush(session: so.Session, _context: object) -> None:
    record(session, _changes(session))


def _bound_ids(statement: sa.Executable, column: sa.Column) -> set[int] | None:
    """Ids fixed by ``column == x`` or ``column IN (...)`` in a bulk statement, else None."""
    where = getattr(statement, "whereclause", None)
    if where is None:
        return None
    found: set[int] = set()
    for node in sa.sql.visitors.iterate(where):
        if isinstance(node, sa.BinaryExpression) and getattr(node.left, "key", None) == "id":
            if getattr(node.left, "table", None) is not column.table:
                continue
            value = getattr(node.right, "value", None)
            if isinstance(value, int):
                found.add(value)
            elif isinstance(value, list | tuple) and all(isinstance(v, int) for v in value):
                found.update(value)
    return found or None


@sa.event.listens_for(so.Session, "do_orm_execute")
def _bulk_statement(state: so.ORMExecuteState) -> None:
    """Catch ORM bulk UPDATE/DELETE on products and producers (conditional stock updates)."""
    if not (state.is_update or state.is_delete):
        return
    for model, entity in ((Product, OutboxEntity.PRODUCT), (Producer, OutboxEntity.PRODUCER)):
        if state.bind_mapper is not sa.inspect(model):
            continue
        ids: set[int] | None
        if isinstance(state.parameters, list):
            ids = {row["id"] for row in state.parameters if "id" in row} or None
        else:
            ids = _bound_ids(state.statement, model.__table__.c.id)
        if ids is None:
            logger.warning(
                "A bulk %s statement changed rows the search index cannot tell; "
                "run `flask search reindex` or call mark_products_changed().",
                model.__name__,
            )
            return
        record(state.session, ((entity, key) for key in ids))


# -- applying changes ---------------------------------------------------------------------


def _product_ids(session: so.Session, rows: Iterable[sa.Row]) -> set[int]:
    products = {row.entity_id for row in rows if row.entity == OutboxEntity.PRODUCT}
    producers = {row.entity_id for row in rows if row.entity == OutboxEntity.PRODUCER}
    if producers:
        products.update(
            session.scalars(sa.select(Product.id).where(Product.producer_id.in_(producers)))
        )
    return products


def write_products(session: so.Session, writer: IndexWriter, product_ids: Iterable[int]) -> int:
    """Put the current state of these products to the index (or remove the missing)."""
    paths, today, written = CategoryPaths(session), local_today(), 0
    for chunk in _batched(sorted(product_ids), BATCH):
        products = session.scalars(
            sa.select(Product).where(Product.id.in_(chunk)).options(*document_load_options())
        ).all()
        writer.put([build_document(p, paths, today) for p in products])
        writer.remove(set(chunk) - {p.id for p in products})
        written += len(chunk)
        session.expunge_all()
    return written


def pending_count() -> int:
    """How many changes wait in the outbox."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))


def _has_pending() -> bool:
    with so.Session(db.engine) as session:
        return session.scalar(sa.select(SearchOutbox.id).limit(1)) is not None


def enqueue_all(session: so.Session) -> None:
    """Queue every product (a new, empty index fills itself from the outbox)."""
    session.execute(
        sa.insert(SearchOutbox).from_select(
            ["entity", "entity_id", "created_at"],
            sa.select(sa.literal(OutboxEntity.PRODUCT.value), Product.id, sa.literal(utcnow())),
        )
    )


def _fill_if_new(engine_backend: SearchBackend) -> None:
    needs_fill = getattr(engine_backend, "needs_fill", None)
    if needs_fill is not None and needs_fill():
        with so.Session(db.engine) as session:
            enqueue_all(session)
            session.commit()
        engine_backend.filled()


def apply_pending(limit: int = 500) -> int:
    """Apply up to ``limit`` outbox rows if the writer is free now; return how many."""
    engine_backend = backend()
    _fill_if_new(engine_backend)
    if not _has_pending():
        return 0
    with so.Session(db.engine) as session:
        try:
            writer = engine_backend.writer(session)
        except IndexBusy:
            return 0
        try:
            # Read only once the writer is ours: a slower writer can never apply older state.
            rows = session.execute(
                sa.select(SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id)
                .order_by(SearchOutbox.id)
                .limit(limit)
            ).all()
            write_products(session, writer, _product_ids(session, rows))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        _delete_rows(session, [row.id for row in rows])
        session.commit()
    return len(rows)


def _delete_rows(session: so.Session, ids: list[int]) -> None:
    for chunk in _batched(ids, 500):
        session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_(chunk)))


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; return how many products were read."""
    engine_backend = backend()
    with so.Session(db.engine) as session:
        writer = engine_backend.writer(session, rebuild=True)
        try:
            applied = list(session.scalars(sa.select(SearchOutbox.id)))
            ids = list(session.scalars(sa.select(Product.id).order_by(Product.id)))
            for chunk in _batched(ids, BATCH):
                write_products(session, writer, chunk)
                if progress is not None:
                    progress(len(chunk))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        _delete_rows(session, applied)
        session.commit()
    filled = getattr(engine_backend, "filled", None)
    if filled is not None:
        filled()
    return len(ids)


def product_total() -> int:
    """How many products the database holds (for the rebuild's progress bar)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Product))


def enqueue_expired_stars(today: date) -> int:
    """Queue products whose OCOP recognition expired lately, so their stars drop."""
    since = today - timedelta(days=EXPIRY_WINDOW_DAYS)
    with so.Session(db.engine) as session:
        ids = set(
            session.scalars(
                sa.select(OcopRecognition.product_id).where(
                    OcopRecognition.review_status == ReviewStatus.APPROVED,
                    OcopRecognition.valid_until >= since,
                    OcopRecognition.valid_until < today,
                )
            )
        )
        mark_products_changed(session, ids)
        session.commit()
    return len(ids)


# -- who applies --------------------------------------------------------------------------


class BackgroundSync(threading.Thread):
    """A daemon thread per process that applies the outbox every ``interval`` seconds."""

    def __init__(self, app: Flask, interval: float) -> None:
        super().__init__(name="search-sync", daemon=True)
        self.app = app
        self.interval = interval
        self.stopped = threading.Event()
        self._day: date | None = None

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            with self.app.app_context():
                try:
                    self.step()
                except Exception:
                    logger.exception("Applying search index changes failed; will retry.")
                finally:
                    db.session.remove()

    def step(self) -> None:
        """Drop expired stars once a day, then apply the whole backlog."""
        today = local_today()
        if today != self._day:
            enqueue_expired_stars(today)
            self._day = today
        while apply_pending(limit=1000) == 1000:
            if self.stopped.is_set():
                break

    def stop(self) -> None:
        """Ask the thread to finish and wait for it."""
        self.stopped.set()
        self.join(timeout=10)


_threads: dict[int, BackgroundSync] = {}
_threads_lock = threading.Lock()


def ensure_background_sync(app: Flask) -> bool:
    """Start this process's sync thread once (after a fork, too); True when one runs."""
    interval = float(app.config.get("SEARCH_SYNC_INTERVAL", 0))
    if interval <= 0 or app.testing:
        return False
    key = os.getpid()
    with _threads_lock:
        thread = _threads.get(key)
        if thread is None or not thread.is_alive():
            thread = BackgroundSync(app, interval)
            _threads[key] = thread
            thread.start()
    return True


def sync_before_search(app: Flask) -> None:
    """Without a sync thread (tests, one-off scripts), apply pending changes before a search."""
    if ensure_background_sync(app):
        return
    try:
        apply_pending(limit=500)
    except Exception:
        # The search still answers from the index as it is; the outbox keeps the changes.
        logger.exception("Could not apply search index changes before a search.")
