"""Template helpers for catalog objects: names in the current language, photo URLs, places."""

from dataclasses import dataclass
from urllib.parse import quote

from flask import Flask, g, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from catalog.images import rendition_size
from catalog.models import Category, Certification, Producer, ProducerKind
from catalog.storefront import image_url
from market import banks, places
from market.text import fold

PRODUCER_KINDS = {
    ProducerKind.COOPERATIVE: _l("Cooperative (HTX)"),
    ProducerKind.COOPERATIVE_GROUP: _l("Cooperative group (THT)"),
    ProducerKind.HOUSEHOLD: _l("Household"),
    ProducerKind.ENTERPRISE: _l("Enterprise"),
}
CERTIFICATIONS = {
    Certification.VIETGAP: "VietGAP",
    Certification.GLOBALGAP: "GlobalGAP",
    Certification.ORGANIC: _l("Organic"),
}


def category_name(category: Category | None) -> str:
    """A category's name in the current language."""
    return category.name(str(get_locale())) if category else ""


def area_name(slug: str | None) -> str:
    """An area of origin's short name ("Hàm Yên"), or "" when there is none."""
    found = places.area(slug)
    return found.short_name if found else ""


def place_of(record: object) -> str:
    """Where a producer, market or growing area is: "Xã Phù Lưu, Tuyên Quang"; while a manager
    has still to confirm its commune, its area of origin and the province instead."""
    code = getattr(record, "commune_code", None)
    if code and places.commune(code):
        return places.display(code)
    area = area_name(getattr(record, "area_slug", None))
    province = places.home_province().name
    return f"{area}, {province}" if area else province


def producer_place(producer: Producer) -> str:
    """Where a producer is, in one line: its address, then commune and province once each."""
    place = place_of(producer)
    where = producer.address
    if not where:
        return place
    missing = [p for p in place.split(", ") if fold(p) not in fold(where)]
    return ", ".join([where, *missing])


SLOT = "__slot__"


@dataclass(frozen=True)
class CardKit:
    """What every product card of a page shares, worked out once per request: URL patterns
    and translated labels (a page of 24 cards otherwise makes ~80 ``url_for`` and ~200
    translation lookups)."""

    product_url: str
    image_url: str
    small_image_url: str
    no_photo_url: str
    stars_labels: dict[int, str]
    out_of_stock: str

    def product(self, slug: str) -> str:
        """A product page's URL."""
        return self.product_url.replace(SLOT, quote(slug, safe=""))

    def image(self, key: str) -> str:
        """A photo's card rendition URL."""
        return self.image_url.replace(SLOT, quote(key, safe=""))

    def small_image(self, key: str) -> str:
        """A photo's small (phone) card rendition URL."""
        return self.small_image_url.replace(SLOT, quote(key, safe=""))


def card_kit() -> CardKit:
    """The current request's card kit."""
    if "card_kit" not in g:
        g.card_kit = CardKit(
            product_url=url_for("catalog.product", slug=SLOT),
            image_url=url_for("catalog.image", key=SLOT, rendition="card"),
            small_image_url=url_for("catalog.image", key=SLOT, rendition="small"),
            no_photo_url=url_for("static", filename="img/no-photo.svg"),
            stars_labels={n: gettext("%(n)s-star OCOP", n=n) for n in (3, 4, 5)},
            out_of_stock=gettext("Out of stock"),
        )
    return g.card_kit


def init_app(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.globals.update(
        image_url=image_url,
        card_kit=card_kit,
        rendition_size=rendition_size,
        category_name=category_name,
        area_name=area_name,
        place_of=place_of,
        producer_place=producer_place,
        bank_by_bin=banks.bank_by_bin,
        producer_kinds=PRODUCER_KINDS,
        certification_names=CERTIFICATIONS,
    )
