"""The search interface every backend implements, and the request and result types."""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import sqlalchemy.orm as so

from catalog.listing import ListingFilters
from catalog.search.documents import ProductDocument
from catalog.search.feed import FeedPosition
from catalog.search.plan import QueryPlan

# Price facet buckets, inclusive (the catalog's price filter is inclusive at both ends).
PRICE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 49_999),
    (50_000, 99_999),
    (100_000, 199_999),
    (200_000, 499_999),
    (500_000, None),
)


def price_band(price: int) -> int:
    """The index of the price facet bucket ``price`` falls in."""
    return next(
        (i for i, (_low, high) in enumerate(PRICE_BUCKETS) if high is None or price <= high),
        len(PRICE_BUCKETS) - 1,
    )


FACETS = ("group", "area", "commune", "stars", "cert", "price", "in_stock")

# Ranking weights both backends use: a match in the product name counts most; producer,
# category, place and certification names next; the accented word as typed adds a bonus, and
# so do the query's words side by side in the name. Typo fixes and word starts count less.
NAME, META, TONE, PHRASE = 4.0, 1.5, 6.0, 3.0
CORRECTION, PREFIX = 0.5, 0.4


class IndexBusy(Exception):
    """Another process holds the index writer; the outbox keeps the changes for later."""


@dataclass(frozen=True)
class SearchRequest:
    """What to look for: words, filters (as on the catalog listing), order and page."""

    text: str = ""
    filters: ListingFilters = field(default_factory=ListingFilters)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24
    facets: bool = True

    def without(self, facet: str) -> ListingFilters:
        """The filters minus the one a facet sets, so a facet counts its alternatives."""
        changes: dict[str, object] = {
            "group": {"category": None},
            "area": {"area": None},
            "commune": {"commune": None},
            "stars": {"min_stars": None},
            "cert": {"certification": None},
            "price": {"price_min": None, "price_max": None},
            "in_stock": {"in_stock": False},
        }[facet]
        return replace(self.filters, **changes)

    def active_facets(self) -> list[str]:
        """The facets whose filter is set."""
        filters = self.filters
        active = {
            "group": filters.category is not None,
            "area": filters.area is not None,
            "commune": filters.commune is not None,
            "stars": filters.min_stars is not None,
            "cert": filters.certification is not None,
            "price": filters.price_min is not None or filters.price_max is not None,
            "in_stock": filters.in_stock,
        }
        return [name for name in FACETS if active[name]]


@dataclass
class Facets:
    """Counts per facet value; each facet ignores its own filter and honours the others."""

    group: dict[int, int] = field(default_factory=dict)
    area: dict[str, int] = field(default_factory=dict)
    commune: dict[str, int] = field(default_factory=dict)
    stars: dict[int, int] = field(default_factory=dict)
    cert: dict[str, int] = field(default_factory=dict)
    price: dict[int, int] = field(default_factory=dict)
    in_stock: dict[bool, int] = field(default_factory=dict)


@dataclass
class SearchResult:
    """One page of product ids in ranked order, the total, and the facet counts.

    Without facets (suggestions, probes) a backend may count only the hits it ranked.
    """

    ids: list[int]
    total: int
    plan: QueryPlan
    facets: Facets | None = None


class IndexWriter(Protocol):
    """Changes to the index, made while holding its single writer."""

    def put(self, documents: Sequence[ProductDocument]) -> None:
        """Add or replace these products (non-public ones leave the results)."""

    def remove(self, product_ids: Collection[int]) -> None:
        """Drop products that no longer exist."""

    def commit(self) -> None:
        """Make the changes visible to every process."""

    def cancel(self) -> None:
        """Abandon the changes and release the writer."""


class SearchBackend(Protocol):
    """An index of the public catalog that answers searches."""

    name: str

    def writer(self, session: so.Session, rebuild: bool = False) -> IndexWriter:
        """Take the index writer without waiting (raise IndexBusy), or wait when rebuilding."""

    def known_words(self, words: Collection[str]) -> set[str]:
        """Of ``words`` (folded), those the index holds."""

    def word_counts(self, words: Collection[str]) -> dict[str, int]:
        """How many documents hold each word (absent or 0: not in the index), to find and
        rank typo fixes."""

    def search(self, request: SearchRequest, plan: QueryPlan) -> SearchResult:
        """Match, filter, count facets, sort and page."""

    def document_count(self) -> int:
        """How many products the index holds."""

    def versions(self) -> Iterator[tuple[int, int]]:
        """Each indexed product's id and ``ProductDocument.version`` (to verify the index)."""

    def read_position(self, session: so.Session) -> FeedPosition:
        """How far this index has followed the change feed (a fresh position if new)."""

    def save_position(self, session: so.Session, position: FeedPosition) -> None:
        """Record the position, once the index committed (or in the session's transaction)."""
