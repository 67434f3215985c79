"""Public addresses of a lot: the short URL and the GS1 Digital Link URI.

Both are built from ``PUBLIC_BASE_URL`` so labels printed today keep working wherever the
request came from (a label printed from a laptop on the LAN must not carry its address).
"""

from urllib.parse import quote

from catalog.models import Lot
from market.urls import public_base_url


def short_url(lot: Lot) -> str:
    """The lot's short stable page: ``{base}/t/{lot}`` (the ``trace.lot`` route)."""
    return f"{public_base_url()}/t/{quote(lot.code, safe='')}"


def digital_link(lot: Lot) -> str | None:
    """``{base}/01/{GTIN-14}/10/{lot}`` when the product has a GTIN, else None."""
    gtin = lot.product.gtin
    if not gtin:
        return None
    return f"{public_base_url()}/01/{gtin}/10/{quote(lot.code, safe='')}"


def label_url(lot: Lot) -> str:
    """What a label's QR code carries: the Digital Link when there is a GTIN, else the short URL."""
    return digital_link(lot) or short_url(lot)
