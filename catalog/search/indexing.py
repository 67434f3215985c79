"""Keeping the index fresh: an outbox written in the changing transaction, applied by one writer.

Whatever changes a product, a producer, an OCOP recognition or a certification, through any
worker, the ``after_flush`` hook adds a ``search_outbox`` row in the same transaction: the change
and the note that the index must follow commit together or not at all. Whichever process gets
the index writer without waiting (a worker, or a search request when jobs run eagerly)
reads the rows after this index's position in the feed (``feed``), re-reads those products
from the database, writes them to the index, commits the index, and only then moves the
position. Rows are not deleted when applied: every index (one per app server for the embedded
engines) follows the feed itself, and old rows are pruned by age. A crash or a busy writer
leaves the position where it was; applying a row twice is harmless because it re-reads the
database.
"""

import logging
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
from catalog.search import feed
from catalog.search.backend import IndexBusy, IndexWriter, SearchBackend
from catalog.search.documents import all_documents, documents_of
from catalog.search.models import OutboxEntity, SearchOutbox
from market.dbtypes import utcnow
from market.extensions import db
from market.i18n import local_today

logger = logging.getLogger(__name__)

BATCH = 1_000
# Producer columns the index shows or depends on; other edits (bank, story) change nothing.
PRODUCER_FIELDS = ("name", "status", "area_slug", "commune_code")
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


def write_products(session: so.Session, writer: IndexWriter, product_ids: Iterable[int]) -> None:
    """Put the current state of these products to the index (or remove the missing)."""
    today = local_today()
    for chunk in _batched(sorted(product_ids), BATCH):
        documents = documents_of(session, chunk, today)
        writer.put(documents)
        writer.remove(set(chunk) - {doc.id for doc in documents})


def _retention() -> timedelta:
    return timedelta(hours=float(current_app.config.get("SEARCH_FEED_RETENTION_HOURS", 168)))


def pending_count() -> int:
    """How many changes this index has not applied yet."""
    position = backend().read_position(db.session)
    return feed.pending(db.session, position)


def _needs_rebuild(position: feed.FeedPosition) -> bool:
    """A new or wiped index, or one idle so long that rows it needs may have been pruned."""
    return not position.started or position.stale(_retention())


def needs_rebuild() -> bool:
    """True when the next sync rebuilds this index from the database instead of the feed."""
    return _needs_rebuild(backend().read_position(db.session))


def apply_pending(limit: int = 500) -> int:
    """Apply up to ``limit`` new feed rows if the writer is free now; return how many.

    A new or stale index is rebuilt from the database instead (then every product counts).
    """
    engine_backend = backend()
    with so.Session(db.engine) as session:
        position = engine_backend.read_position(session)
        if _needs_rebuild(position):
            session.close()
            return rebuild()
        if not feed.unapplied(session, position, 1):
            return 0
        try:
            writer = engine_backend.writer(session)
        except IndexBusy:
            return 0
        try:
            # Read only once the writer is ours: a slower writer can never apply older state.
            position = engine_backend.read_position(session)
            rows = feed.unapplied(session, position, limit)
            write_products(session, writer, _product_ids(session, rows))
            writer.commit()
            engine_backend.save_position(session, feed.advance(position, [r.id for r in rows]))
        except BaseException:
            writer.cancel()
            raise
        session.commit()
    return len(rows)


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; return how many products were read."""
    engine_backend = backend()
    with so.Session(db.engine) as session:
        writer = engine_backend.writer(session, rebuild=True)
        try:
            # Rows up to here are in what the rebuild reads; later ones are applied after it.
            position = feed.snapshot(session)
            done = 0
            for documents in all_documents(session, local_today()):
                writer.put(documents)
                done += len(documents)
                if progress is not None:
                    progress(len(documents))
            writer.commit()
            engine_backend.save_position(session, position)
        except BaseException:
            writer.cancel()
            raise
        session.commit()
    return done


def prune_feed() -> int:
    """Delete feed rows older than the retention; return how many."""
    with so.Session(db.engine) as session:
        pruned = feed.prune(session, _retention())
        session.commit()
    return pruned


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


def sync_before_search(app: Flask) -> None:
    """Without a worker (``JOBS_EAGER``: tests, one-off scripts), apply changes before a search.

    Otherwise every worker applies the feed to its host's index every half second
    (``catalog.jobs``).
    """
    if not app.config.get("JOBS_EAGER"):
        return
    try:
        apply_pending(limit=500)
    except Exception:
        # The search still answers from the index as it is; the feed keeps the changes.
        logger.exception("Could not apply search index changes before a search.")
