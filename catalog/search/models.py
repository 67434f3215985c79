"""Search tables: the change outbox (every backend) and the PostgreSQL backend's index rows."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects.postgresql import TSVECTOR

from market.dbtypes import str_enum, utcnow
from market.extensions import db


class OutboxEntity(enum.StrEnum):
    """What changed: one product, or a producer (all of its products)."""

    PRODUCT = "product"
    PRODUCER = "producer"


class SearchOutbox(db.Model):
    """A change for the indexes to follow, written in the transaction that made it; kept for
    the feed's retention, whichever indexes have applied it (see ``catalog.search.feed``)."""

    __tablename__ = "search_outbox"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entity: so.Mapped[OutboxEntity] = so.mapped_column(str_enum(OutboxEntity, "search_entity"))
    entity_id: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


# A tsvector on PostgreSQL; the table stays empty elsewhere.
VECTOR = sa.Text().with_variant(TSVECTOR(), "postgresql")


class SearchDocument(db.Model):
    """A public product's search row for the PostgreSQL backend: what to match and rank, and
    every value to filter, sort and count by, so a search never joins the catalog tables.

    ``vector`` holds the words folded by ``catalog.search.text`` (the one fold), weighted A for
    the name, B for producer, group, place and certification names, D for the description,
    and is served by a GIN index. Padded columns (``" word word "``) rank exact tones and the
    name as a phrase with ``LIKE``, only on the rows the vector matched.
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        sa.Index("ix_search_documents_vector", "vector", postgresql_using="gin"),
        sa.Index("ix_search_documents_newest", "created_at", "product_id"),
        # Every value a search without words filters, counts and sorts by: such a search
        # reads this narrow index (index-only), not the rows with their vectors.
        sa.Index(
            "ix_search_documents_values",
            "group_id",
            "area_slug",
            "commune_code",
            "stars",
            "price_band",
            "in_stock",
            "category_id",
            "price",
            "cert_codes",
            "created_at",
            "product_id",
        ),
    )

    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    version: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    vector: so.Mapped[str] = so.mapped_column(VECTOR)
    name_folded: so.Mapped[str] = so.mapped_column(sa.Text)
    exact: so.Mapped[str] = so.mapped_column(sa.Text)
    category_id: so.Mapped[int]
    group_id: so.Mapped[int]
    area_slug: so.Mapped[str] = so.mapped_column(sa.String(40))
    commune_code: so.Mapped[str] = so.mapped_column(sa.String(5))
    stars: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    cert_codes: so.Mapped[str] = so.mapped_column(sa.String(100))
    price: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    price_band: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    in_stock: so.Mapped[bool]
    created_at: so.Mapped[datetime]


class SearchPosition(db.Model):
    """How far a database-held index has followed the change feed (``feed.FeedPosition``)."""

    __tablename__ = "search_positions"

    name: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    position: so.Mapped[str] = so.mapped_column(sa.Text)


class SearchWord(db.Model):
    """A folded word of the PostgreSQL backend's rows and how many rows hold it: the
    vocabulary typo fixes are drawn from and ranked by (a primary-key look-up each)."""

    __tablename__ = "search_words"

    word: so.Mapped[str] = so.mapped_column(sa.String(100), primary_key=True)
    documents: so.Mapped[int] = so.mapped_column(server_default="0")
