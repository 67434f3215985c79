"""The stall's public page (``/s/<code>``): which account really belongs to this stall.

Anyone who scans a stall's poster or types its short link sees the stall, its market, the
holder and account its VietQR pays into, and the poster's check code. A QR sticker pasted over
the real one pays someone else: the banking app then shows a holder that differs from here.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from catalog.listing import public_products
from catalog.models import Product
from market import banks
from market.extensions import db
from market.markets import stalls
from market.markets.models import StallProduct

bp = Blueprint("stall_public", __name__)


@bp.get("/s/<code>")
def stall(code: str) -> ResponseReturnValue:
    """The stall's page: market, producer, account holder, check code and products."""
    item = stalls.stall_by_code(code)
    if item is None:
        abort(404)
    products = db.session.scalars(
        public_products()
        .where(
            Product.id.in_(
                sa.select(StallProduct.product_id).where(StallProduct.stall_id == item.id)
            )
        )
        .order_by(Product.name)
    ).all()
    bank = banks.bank_by_bin(item.bank_bin)
    return render_template(
        "markets/stall_public.html",
        stall=item,
        bank_name=bank.short_name if bank else item.bank_bin,
        check_code=stalls.check_code(item),
        share_url=stalls.public_url(item),
        products=products,
        producer_public=item.producer.is_verified,
    )
