"""What the search index holds for one product, built from the catalog rows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Category, Certification, Product
from catalog.search.text import nfc
from market import places

# Searchable names of the certifications, in both languages.
CERTIFICATION_WORDS = {
    Certification.VIETGAP: "VietGAP",
    Certification.GLOBALGAP: "GlobalGAP",
    Certification.ORGANIC: "hữu cơ organic",
}


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
    district_code: str
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
        """The short fields with their tones, to rank exact-tone matches first."""
        return " ".join((self.name, self.meta))


class CategoryPaths:
    """Each category with its ancestors, loaded once (the OCOP tree is small)."""

    def __init__(self, session: so.Session) -> None:
        self._by_id = {c.id: c for c in session.scalars(sa.select(Category))}

    def path(self, category_id: int) -> list[Category]:
        """The category, its parent, ..., up to the top-level group."""
        chain, node = [], self._by_id.get(category_id)
        while node is not None:
            chain.append(node)
            node = self._by_id.get(node.parent_id) if node.parent_id else None
        return chain


def _place_names(district_code: str, commune_code: str) -> str:
    district = places.district(district_code)
    if district is None:
        return ""
    return " ".join(
        (district.name, district.short_name, places.commune_name(district_code, commune_code))
    )


def current_stars(product: Product, today: date) -> int:
    """The highest approved, unexpired OCOP stars (0 for none), as the catalog query counts."""
    return max((r.stars for r in product.recognitions if r.is_valid(today)), default=0)


def build_document(product: Product, paths: CategoryPaths, today: date) -> ProductDocument:
    """The index document of ``product`` (its producer, category, recognitions loaded)."""
    chain = paths.path(product.category_id)
    codes = tuple(sorted(code.value for code in product.certifications))
    return ProductDocument(
        id=product.id,
        public=product.is_public,
        name=nfc(product.name),
        producer=nfc(product.producer.name),
        categories=nfc(" ".join(f"{c.name_vi} {c.name_en}" for c in chain)),
        places=nfc(_place_names(product.producer.district_code, product.producer.commune_code)),
        certifications=" ".join(CERTIFICATION_WORDS[Certification(c)] for c in codes),
        description=nfc(product.description or ""),
        category_ids=tuple(c.id for c in chain),
        group_id=chain[-1].id if chain else 0,
        district_code=product.producer.district_code,
        stars=current_stars(product, today),
        cert_codes=codes,
        price=product.price,
        in_stock=product.stock > 0,
        created_at=product.created_at,
    )


def document_load_options() -> Sequence[so.interfaces.LoaderOption]:
    """Eager loads that building a document needs, so a batch costs a few queries."""
    return (
        so.joinedload(Product.producer),
        so.selectinload(Product.recognitions),
        so.selectinload(Product._certifications),
    )
