"""Facet counts and filters for Whoosh as bitmasks: one Python int per field value.

Whoosh's own grouping reads a column value for every matching document in Python, once per
facet and again for each facet whose filter is set; at tens of thousands of matches that
dominates a search. Here each value of a filter field (area "ham-yen", stars "4", ...) is a set
of document numbers held as the bits of an int, built once per index segment from its
postings. Filtering is then ``&``, and a facet count is ``(matches & value).bit_count()``,
both done in C however many documents match.

A price range that is not one of the facet's bands is cut from each segment's documents sorted
by price (two binary searches), never expanded into Whoosh's numeric range terms, which cost a
posting list per distinct price.
"""

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query
from whoosh.searching import Searcher

from catalog.listing import ListingFilters
from catalog.search.backend import PRICE_BUCKETS

# The fields kept as masks; every document holds exactly one in_stock value, so their union is
# every live document.
FIELDS = ("category", "group", "area", "commune", "stars", "cert", "price_band", "in_stock")


@dataclass(frozen=True)
class SegmentMasks:
    """One segment's masks per field value, and its documents in price order."""

    values: dict[str, dict[str, int]] = field(default_factory=dict)
    prices: list[int] = field(default_factory=list)
    by_price: list[int] = field(default_factory=list)

    def price_range(self, low: int | None, high: int | None) -> int:
        """The segment's documents priced from ``low`` to ``high`` (inclusive), as a mask."""
        start = 0 if low is None else bisect_left(self.prices, low)
        stop = len(self.prices) if high is None else bisect_right(self.prices, high)
        return to_mask(self.by_price[start:stop], len(self.prices))


_segment_cache: dict[tuple[str, int], SegmentMasks] = {}
_segment_lock = threading.Lock()


def to_mask(docnums: Iterable[int], size: int) -> int:
    """The document numbers as the bits of an int."""
    bits = bytearray((size + 7) // 8)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def to_set(mask: int) -> set[int]:
    """The document numbers whose bits are set."""
    found = set()
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        while byte:
            low = byte & -byte
            found.add(index * 8 + low.bit_length() - 1)
            byte ^= low
    return found


def segment_key(reader: object) -> tuple[str, int] | None:
    """A segment's identity and deletions (its masks change with either); None when empty."""
    segment = reader.segment()
    return None if segment is None else (segment.segment_id(), segment.deleted_count())


def _segment_masks(reader: object) -> SegmentMasks:
    key = segment_key(reader)
    if key is None:
        return SegmentMasks({name: {} for name in FIELDS})
    with _segment_lock:
        cached = _segment_cache.get(key)
    if cached is not None:
        return cached
    size = reader.doc_count_all()
    values: dict[str, dict[str, int]] = {}
    for name in FIELDS:
        terms: dict[str, int] = {}
        if name in reader.indexed_field_names():
            for term in reader.lexicon(name):
                value = term.decode("utf-8")
                terms[value] = to_mask(reader.postings(name, value).all_ids(), size)
        values[name] = terms
    column = reader.column_reader("price") if reader.has_column("price") else None
    prices = [column[docnum] for docnum in range(size)] if column is not None else [0] * size
    ordered = sorted(range(size), key=prices.__getitem__)
    masks = SegmentMasks(values, [prices[docnum] for docnum in ordered], ordered)
    with _segment_lock:
        _segment_cache[key] = masks
    return masks


class FacetMasks:
    """The masks of one searcher (one version of the index), across its segments."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.fields: dict[str, dict[str, int]] = {name: {} for name in FIELDS}
        self.segments: list[tuple[SegmentMasks, int]] = []
        for subsearcher, offset in searcher.leaf_searchers():
            segment = _segment_masks(subsearcher.reader())
            self.segments.append((segment, offset))
            for name, values in segment.values.items():
                merged = self.fields[name]
                for value, mask in values.items():
                    merged[value] = merged.get(value, 0) | (mask << offset)
        self.all = 0
        for mask in self.fields["in_stock"].values():
            self.all |= mask

    def of(self, field: str, value: str) -> int:
        """The documents holding ``value`` in ``field``."""
        return self.fields[field].get(value, 0)

    def matching(self, q: query.Query | None) -> int:
        """The documents a query matches (every document for None)."""
        if q is None:
            return self.all
        return to_mask(self.searcher.docs_for_query(q), self.size)

    def filtered(self, filters: ListingFilters) -> int:
        """The documents the catalog filters allow."""
        mask = self.all
        if filters.category is not None:
            mask &= self.of("category", str(filters.category.id))
        if filters.area is not None:
            mask &= self.of("area", filters.area.slug)
        if filters.commune is not None:
            mask &= self.of("commune", filters.commune.code)
        if filters.min_stars is not None:
            stars = 0
            for level in range(filters.min_stars, 6):
                stars |= self.of("stars", str(level))
            mask &= stars
        if filters.certification is not None:
            mask &= self.of("cert", filters.certification.value)
        if filters.price_min is not None or filters.price_max is not None:
            mask &= self._price(filters.price_min, filters.price_max)
        if filters.in_stock:
            mask &= self.of("in_stock", "1")
        return mask

    def _price(self, low: int | None, high: int | None) -> int:
        for index, (band_low, band_high) in enumerate(PRICE_BUCKETS):
            if (low or 0) == band_low and high == band_high:
                return self.of("price_band", str(index))
        mask = 0
        for segment, offset in self.segments:
            mask |= segment.price_range(low, high) << offset
        return mask

    def counts(self, base: int, field: str) -> dict[str, int]:
        """How many of ``base`` hold each value of ``field`` (values with none left out)."""
        found = {}
        for value, mask in self.fields[field].items():
            count = (base & mask).bit_count()
            if count:
                found[value] = count
        return found


def forget_segments(live: set[tuple[str, int] | None]) -> None:
    """Drop cached masks of segments no searcher uses any more."""
    with _segment_lock:
        for key in set(_segment_cache) - live:
            del _segment_cache[key]
