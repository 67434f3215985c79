"""The public catalog query: what shoppers may see, filtered and sorted from URL parameters."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from catalog.categories import descendant_ids
from catalog.models import (
    Category,
    Certification,
    OcopRecognition,
    Producer,
    ProducerStatus,
    Product,
    ProductCertification,
    ProductStatus,
    ReviewStatus,
)
from market import places
from market.extensions import db

SORTS = {
    "newest": _l("Newest"),
    "price_asc": _l("Price: low to high"),
    "price_desc": _l("Price: high to low"),
    "stars": _l("OCOP stars"),
}
MAX_PRICE = 10**12


def public_products() -> sa.Select:
    """Active products of verified producers: the only ones shoppers may see."""
    return (
        sa.select(Product)
        .join(Product.producer)
        .where(Product.status == ProductStatus.ACTIVE, Producer.status == ProducerStatus.VERIFIED)
    )


def _valid_recognition(today: date) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        OcopRecognition.review_status == ReviewStatus.APPROVED,
        OcopRecognition.valid_until >= today,
    )


def current_stars(today: date) -> sa.ScalarSelect:
    """A correlated subquery: the product's highest approved, unexpired OCOP stars."""
    return (
        sa.select(sa.func.max(OcopRecognition.stars))
        .where(OcopRecognition.product_id == Product.id, *_valid_recognition(today))
        .scalar_subquery()
    )


def current_stars_by_product(today: date) -> sa.Subquery:
    """Each rated product's highest approved, unexpired OCOP stars, as a table to join.

    Computed once per query, not once per product row as ``current_stars`` is: with 10,000
    products this about halves the stars sort and the home page's featured query on PostgreSQL.
    """
    return (
        sa.select(OcopRecognition.product_id, sa.func.max(OcopRecognition.stars).label("stars"))
        .where(*_valid_recognition(today))
        .group_by(OcopRecognition.product_id)
        .subquery("current_stars")
    )


@dataclass
class ListingFilters:
    """Filters and sort read from the query string; ``errors`` name what was ignored."""

    category: Category | None = None
    area: places.Area | None = None
    commune: places.Commune | None = None
    min_stars: int | None = None
    certification: Certification | None = None
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    sort: str = "newest"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self, **changes: object) -> dict[str, object]:
        """The canonical query-string arguments, with ``changes`` applied (None removes)."""
        args: dict[str, object] = {
            "group": self.category.slug if self.category else None,
            "area": self.area.slug if self.area else None,
            "commune": self.commune.code if self.commune else None,
            "min_stars": self.min_stars,
            "cert": self.certification.value if self.certification else None,
            "price_min": self.price_min,
            "price_max": self.price_max,
            "in_stock": 1 if self.in_stock else None,
            "sort": self.sort if self.sort != "newest" else None,
        }
        args.update(changes)
        return {key: value for key, value in args.items() if value not in (None, "")}

    @property
    def active(self) -> bool:
        """True when any filter narrows the listing."""
        return bool(self.as_args(sort=None))


def _whole_number(raw: str | None, low: int, high: int) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip().replace(".", "").replace(",", "")
    if not text.isdigit():
        raise ValueError
    value = int(text)
    if not low <= value <= high:
        raise ValueError
    return value


def parse_filters(args: MultiDict[str, str]) -> ListingFilters:
    """Read filters from the URL; a value that makes no sense is ignored and reported."""
    filters = ListingFilters()
    group = args.get("group")
    if group:
        filters.category = db.session.scalar(sa.select(Category).where(Category.slug == group))
        if filters.category is None:
            filters.errors["group"] = str(_l("Unknown product group."))
    area = args.get("area")
    if area:
        filters.area = places.area(area)
        if filters.area is None:
            filters.errors["area"] = str(_l("Unknown area."))
    commune = args.get("commune")
    if commune:
        found = places.commune(commune)
        if found is not None and found.province_code == places.HOME_PROVINCE:
            filters.commune = found
        else:
            filters.errors["commune"] = str(_l("Unknown commune."))
    cert = args.get("cert")
    if cert:
        try:
            filters.certification = Certification(cert)
        except ValueError:
            filters.errors["cert"] = str(_l("Unknown certification."))
    numbers = {
        "min_stars": (3, 5, _l("OCOP stars go from 3 to 5.")),
        "price_min": (0, MAX_PRICE, _l("Enter a price in đồng, such as 50000.")),
        "price_max": (0, MAX_PRICE, _l("Enter a price in đồng, such as 50000.")),
        "page": (1, 100_000, _l("Unknown page.")),
    }
    for name, (low, high, message) in numbers.items():
        try:
            value = _whole_number(args.get(name), low, high)
        except ValueError:
            filters.errors[name] = str(message)
            continue
        if value is not None:
            setattr(filters, name, value)
    filters.in_stock = args.get("in_stock") in ("1", "on", "true")
    sort = args.get("sort", "newest")
    if sort in SORTS:
        filters.sort = sort
    else:
        filters.errors["sort"] = str(_l("Unknown sort order."))
    return filters


def filtered_products(filters: ListingFilters) -> sa.Select:
    """The public products that match ``filters``, in the chosen order (stars: those stored on
    the product, see ``catalog.ocop``)."""
    query = public_products()
    if filters.category is not None:
        query = query.where(Product.category_id.in_(descendant_ids(filters.category)))
    if filters.area is not None:
        query = query.where(Producer.area_slug == filters.area.slug)
    if filters.commune is not None:
        query = query.where(Producer.commune_code == filters.commune.code)
    if filters.min_stars is not None:
        query = query.where(Product.ocop_stars >= filters.min_stars)
    if filters.certification is not None:
        query = query.where(
            sa.exists().where(
                ProductCertification.product_id == Product.id,
                ProductCertification.code == filters.certification,
            )
        )
    if filters.price_min is not None:
        query = query.where(Product.price >= filters.price_min)
    if filters.price_max is not None:
        query = query.where(Product.price <= filters.price_max)
    if filters.in_stock:
        query = query.where(Product.stock > 0)
    order = {
        "stars": (Product.ocop_stars.desc(), Product.created_at.desc(), Product.id.desc()),
        "newest": (Product.created_at.desc(), Product.id.desc()),
        "price_asc": (Product.price.asc(), Product.id.asc()),
        "price_desc": (Product.price.desc(), Product.id.desc()),
    }[filters.sort]
    return query.order_by(*order)
