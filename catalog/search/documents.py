"""What the search index holds for one product, built in bulk from one SQL query per batch."""

import hashlib
from collections.abc import Collection, Iterator
from dataclasses import astuple, dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog import listing
from catalog.models import (
    Category,
    Certification,
    Producer,
    ProducerStatus,
    Product,
    ProductCertification,
    ProductStatus,
)
from market import places
from market.text import nfc

# Searchable names of the certifications, in both languages.
CERTIFICATION_WORDS = {
    Certification.VIETGAP: "VietGAP",
    Certification.GLOBALGAP: "GlobalGAP",
    Certification.ORGANIC: "hữu cơ organic",
}
BATCH = 2_000


@dataclass(frozen=True)
class ProductDocument:
    """A product as the index sees it: text to match and values to filter, sort and count."""

    id: int
    public: bool
    name: str
    producer: str
    categories: str
    places: str
    certifications: str
    description: str
    category_ids: tuple[int, ...]
    group_id: int
    area_slug: str
    commune_code: str
    stars: int
    cert_codes: tuple[str, ...]
    price: int
    in_stock: bool
    created_at: datetime

    @property
    def meta(self) -> str:
        """Producer, category, place and certification names: short, telling fields."""
        return " ".join((self.producer, self.categories, self.places, self.certifications))

    @property
    def text(self) -> str:
        """Everything a shopper's word may match."""
        return " ".join((self.name, self.meta, self.description))

    @property
    def exact(self) -> str:
        """Name, producer and place with their tones, to rank exact-tone matches first."""
        return " ".join((self.name, self.producer, self.places))

    @property
    def version(self) -> int:
        """A fingerprint of everything the index holds (63 bits): equal versions, equal rows."""
        digest = hashlib.blake2b(repr(astuple(self)).encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") >> 1


class CategoryPaths:
    """Each category with its ancestors, loaded once (the OCOP tree is small)."""

    def __init__(self, session: so.Session) -> None:
        self._by_id = {c.id: c for c in session.scalars(sa.select(Category))}
        self._names: dict[int, str] = {}

    def path(self, category_id: int) -> list[Category]:
        """The category, its parent, ..., up to the top-level group."""
        chain, node = [], self._by_id.get(category_id)
        while node is not None:
            chain.append(node)
            node = self._by_id.get(node.parent_id) if node.parent_id else None
        return chain

    def names(self, category_id: int) -> str:
        """The words a shopper may find a product of this category by: its top group's names.

        OCOP leaf names are lists of neighbours ("processed from meat, eggs, milk, fish,
        honey"): they say what a product might be, not what it is, so they would bring fish
        cakes to a search for honey. The category filter and facets cover the rest.
        """
        if category_id not in self._names:
            chain = self.path(category_id)
            top = chain[-1:]
            self._names[category_id] = nfc(" ".join(f"{c.name_vi} {c.name_en}" for c in top))
        return self._names[category_id]


def place_names(commune_code: str | None, area_slug: str | None) -> str:
    """The commune's and province's names, the former communes' and the area of origin's, as
    shoppers type them: "ha giang", "bac quang" and a commune's old name all find it."""
    return places.place_words(commune_code, area_slug)


def current_stars(product: Product, today: date) -> int:
    """The highest approved, unexpired OCOP stars (0 for none), as the catalog query counts."""
    return max((r.stars for r in product.recognitions if r.is_valid(today)), default=0)


def _rows(today: date) -> sa.Select:
    """Every column a document needs, one row per product (stars and certificates joined)."""
    stars = listing.current_stars_by_product(today)
    certs = (
        sa.select(
            ProductCertification.product_id,
            sa.func.aggregate_strings(ProductCertification.code, " ").label("codes"),
        )
        .group_by(ProductCertification.product_id)
        .subquery("certs")
    )
    return (
        sa.select(
            Product.id,
            Product.name,
            Product.description,
            Product.category_id,
            Product.price,
            Product.stock,
            Product.created_at,
            (
                (Product.status == ProductStatus.ACTIVE)
                & (Producer.status == ProducerStatus.VERIFIED)
            ).label("public"),
            Producer.name.label("producer"),
            Producer.area_slug,
            Producer.commune_code,
            sa.func.coalesce(stars.c.stars, 0).label("stars"),
            certs.c.codes,
        )
        .join(Producer, Producer.id == Product.producer_id)
        .outerjoin(stars, stars.c.product_id == Product.id)
        .outerjoin(certs, certs.c.product_id == Product.id)
        .order_by(Product.id)
    )


def _document(row: sa.Row, paths: CategoryPaths) -> ProductDocument:
    chain = paths.path(row.category_id)
    codes = tuple(sorted((row.codes or "").split()))
    return ProductDocument(
        id=row.id,
        public=bool(row.public),
        name=nfc(row.name),
        producer=nfc(row.producer),
        categories=paths.names(row.category_id),
        places=nfc(place_names(row.commune_code, row.area_slug)),
        certifications=" ".join(CERTIFICATION_WORDS[Certification(c)] for c in codes),
        description=nfc(row.description or ""),
        category_ids=tuple(c.id for c in chain),
        group_id=chain[-1].id if chain else 0,
        area_slug=row.area_slug or "",
        commune_code=row.commune_code or "",
        stars=int(row.stars),
        cert_codes=codes,
        price=row.price,
        in_stock=row.stock > 0,
        created_at=row.created_at,
    )


def documents_of(
    session: so.Session, product_ids: Collection[int], today: date
) -> list[ProductDocument]:
    """The documents of these products (missing ids are simply absent)."""
    if not product_ids:
        return []
    paths = CategoryPaths(session)
    query = _rows(today).where(Product.id.in_(sorted(product_ids)))
    return [_document(row, paths) for row in session.execute(query)]


def all_documents(
    session: so.Session, today: date, batch: int = BATCH
) -> Iterator[list[ProductDocument]]:
    """Every product's document, ``batch`` at a time in id order (keyset pages, no ORM)."""
    paths, last = CategoryPaths(session), 0
    while True:
        rows = session.execute(_rows(today).where(Product.id > last).limit(batch)).all()
        if not rows:
            return
        yield [_document(row, paths) for row in rows]
        last = rows[-1].id
