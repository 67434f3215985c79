"""Facet counts turned into options a shopper can pick: a label, a count, the URL change."""

from dataclasses import dataclass, field

from flask_babel import gettext as _

from catalog.categories import top_groups
from catalog.models import Certification
from catalog.search.backend import PRICE_BUCKETS, Facets, SearchRequest
from catalog.templating import CERTIFICATIONS, category_name
from market import places
from market.i18n import format_vnd

STAR_LEVELS = (3, 4, 5)


@dataclass(frozen=True)
class FacetOption:
    """One choice of a facet: what it sets in the URL, its label, how many products it has."""

    value: str | int
    label: str
    count: int
    selected: bool
    changes: dict[str, object] = field(default_factory=dict)

    @property
    def clear(self) -> dict[str, None]:
        """The URL change that removes this choice again."""
        return dict.fromkeys(self.changes)


def _price_label(low: int, high: int | None) -> str:
    if low == 0 and high is not None:
        return _("Under %(price)s", price=format_vnd(high + 1))
    if high is None:
        return _("%(price)s and up", price=format_vnd(low))
    return f"{format_vnd(low)} – {format_vnd(high + 1)}"


def facet_options(request: SearchRequest, facets: Facets) -> dict[str, list[FacetOption]]:
    """Every facet's options with a count above zero, in a stable, meaningful order."""
    filters = request.filters
    options: dict[str, list[FacetOption]] = {}
    options["group"] = [
        FacetOption(
            value=group.slug,
            label=category_name(group),
            count=facets.group.get(group.id, 0),
            selected=filters.category is not None and filters.category.root.id == group.id,
            changes={"group": group.slug},
        )
        for group in top_groups()
    ]
    options["area"] = [
        FacetOption(
            value=area.slug,
            label=area.short_name,
            count=facets.area.get(area.slug, 0),
            selected=filters.area is not None and filters.area.slug == area.slug,
            changes={"area": area.slug},
        )
        for area in places.areas()
    ]
    options["commune"] = [
        FacetOption(
            value=commune.code,
            label=commune.name,
            count=facets.commune.get(commune.code, 0),
            selected=filters.commune is not None and filters.commune.code == commune.code,
            changes={"commune": commune.code},
        )
        for commune in places.communes(places.HOME_PROVINCE)
    ]
    options["stars"] = [
        FacetOption(
            value=level,
            label=_("%(n)s★ and up", n=level),
            count=sum(n for stars, n in facets.stars.items() if stars >= level),
            selected=filters.min_stars == level,
            changes={"min_stars": level},
        )
        for level in STAR_LEVELS
    ]
    options["cert"] = [
        FacetOption(
            value=code.value,
            label=str(CERTIFICATIONS[code]),
            count=facets.cert.get(code.value, 0),
            selected=filters.certification == code,
            changes={"cert": code.value},
        )
        for code in Certification
    ]
    options["price"] = [
        FacetOption(
            value=index,
            label=_price_label(low, high),
            count=facets.price.get(index, 0),
            selected=filters.price_min == (low or None) and filters.price_max == high,
            changes={"price_min": low or None, "price_max": high},
        )
        for index, (low, high) in enumerate(PRICE_BUCKETS)
    ]
    options["in_stock"] = [
        FacetOption(
            value=1,
            label=_("In stock only"),
            count=facets.in_stock.get(True, 0),
            selected=filters.in_stock,
            changes={"in_stock": 1},
        )
    ]
    return {name: [o for o in items if o.count or o.selected] for name, items in options.items()}


def facet_titles() -> dict[str, str]:
    """The heading of each facet in the current language."""
    return {
        "group": _("Product group"),
        "area": _("Area of origin"),
        "commune": _("Commune or ward"),
        "stars": _("OCOP stars"),
        "cert": _("Certification"),
        "price": _("Price"),
        "in_stock": _("Stock"),
    }
