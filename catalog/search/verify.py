"""Finding index documents that differ from the database, and rewriting them.

Counting documents misses a stale one. Every document carries ``ProductDocument.version``, a
digest of what was indexed; this module builds each product's document from the database,
compares versions with what the backend lists (``SearchBackend.versions()``) and rewrites the
products that are stale, missing from the index (public ones), or indexed but gone from the
database.
Any backend that stores the version it was given and lists ``(product id, version)`` pairs works.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy.orm as so

from catalog.search import indexing
from catalog.search.documents import all_documents
from market.extensions import db
from market.i18n import local_today


@dataclass
class Verification:
    """Products whose document differs (stale), is absent (missing) or has no product (extra)."""

    checked: int = 0
    stale: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    extra: set[int] = field(default_factory=set)
    repaired: int = 0

    @property
    def wrong(self) -> set[int]:
        """Every product id whose document must be rewritten or removed."""
        return self.stale | self.missing | self.extra


def database_versions(session: so.Session) -> Iterator[tuple[int, int, bool]]:
    """Each product's id, the version its document has when built now, and if it is public."""
    for documents in all_documents(session, local_today()):
        for document in documents:
            yield document.id, document.version, document.public


def verify(repair: bool = False) -> Verification:
    """Compare the index with the database; with ``repair``, rewrite what differs."""
    backend = indexing.backend()
    indexed = dict(backend.versions())
    result = Verification()
    with so.Session(db.engine) as session:
        for product_id, version, public in database_versions(session):
            result.checked += 1
            found = indexed.pop(product_id, None)
            # A backend may keep documents of products that are not public, or drop them.
            if found is None and public:
                result.missing.add(product_id)
            elif found is not None and found != version:
                result.stale.add(product_id)
        result.extra = set(indexed)
        if repair and result.wrong:
            writer = backend.writer(session, rebuild=False)
            try:
                # Re-read at write time: what changed since the comparison is written as it is.
                indexing.write_products(session, writer, result.wrong)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            session.commit()
            result.repaired = len(result.wrong)
    return result
