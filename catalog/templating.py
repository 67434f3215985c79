"""Template helpers for catalog objects: names in the current language, photo URLs, places."""

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from catalog.images import rendition_size
from catalog.models import Category, Certification, ProducerKind
from catalog.storefront import image_url
from market import banks, places

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


def district_name(code: str) -> str:
    """A district's short display name."""
    found = places.district(code)
    return found.short_name if found else code


def init_app(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.globals.update(
        image_url=image_url,
        rendition_size=rendition_size,
        category_name=category_name,
        district_name=district_name,
        commune_name=places.commune_name,
        bank_by_bin=banks.bank_by_bin,
        producer_kinds=PRODUCER_KINDS,
        certification_names=CERTIFICATIONS,
    )
