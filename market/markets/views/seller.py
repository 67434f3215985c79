"""The stall seller's screen (``/sap``): record a sale in a few taps, watch transfers arrive.

Sellers are the stall's producer's members and its granted helpers; anyone else gets 404.
Pages work without JavaScript (a reload shows the state); ``static/js/markets.js`` polls a
tiny JSON answer so confirmations appear by themselves, even on a weak signal.
"""

from datetime import datetime

import segno
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from market.extensions import db
from market.i18n import format_vnd, local_today
from market.markets import sales, scopes
from market.markets.access import seller_stall_or_404, stalls_for_seller
from market.markets.errors import MarketError
from market.markets.forms import ActionForm, ClaimForm, SaleForm
from market.markets.labels import SALE_STATUS, template_labels
from market.markets.models import SaleStatus, Stall, StallSale
from payments.models import PaymentMethod
from payments.qr import BORDER, ERROR_LEVEL
from payments.services import payment_details

bp = Blueprint("stall_seller", __name__, url_prefix="/sap")
bp.context_processor(template_labels)


@bp.get("")
@login_required
def my_stalls() -> ResponseReturnValue:
    """The stalls the user sells at; straight to the stall when there is only one."""
    found = db.session.scalars(stalls_for_seller(current_user)).all()
    if len(found) == 1:
        return redirect(url_for(".stall", stall_id=found[0].id))
    return render_template("markets/seller_stalls.html", stalls=found)


def _today_start() -> datetime:
    """The UTC instant the seller's Vietnam day began."""
    today = local_today()
    return scopes.Period(today, today, scopes.Grain.DAY).utc_bounds()[0]


@bp.get("/<int:stall_id>")
@login_required
def stall(stall_id: int) -> ResponseReturnValue:
    """The sale screen: amount, products, two buttons (transfer, cash), and today's sales."""
    item, _access = seller_stall_or_404(stall_id)
    return _sale_screen(item, SaleForm())


def _sale_screen(item: Stall, form: SaleForm, status: int = 200) -> ResponseReturnValue:
    since = _today_start()
    return (
        render_template(
            "markets/seller_stall.html",
            stall=item,
            form=form,
            products=sales.sellable_products(item),
            typed=request.form if request.method == "POST" else {},
            recent=sales.recent_sales(item, since),
            totals=sales.totals_since(item, since),
        ),
        status,
    )


@bp.post("/<int:stall_id>/ban")
@login_required
def record(stall_id: int) -> ResponseReturnValue:
    """Record a sale; a transfer sale opens its QR screen, a cash sale goes back to the till."""
    item, access = seller_stall_or_404(stall_id)
    form = SaleForm()
    products = sales.sellable_products(item)
    if not form.validate_on_submit():
        return _sale_screen(item, form, 400)
    items = form.items(request.form, [p.id for p in products])
    if items is None:
        return _sale_screen(item, form, 400)
    try:
        sale = sales.record_sale(
            item, current_user, access, form.method.data or "", form.amount.data, items
        )
    except MarketError as error:
        target = form.amount if error.field in ("amount", "products") else None
        if target is not None:
            target.errors = [*target.errors, str(error)]
        else:
            flash(str(error), "error")
        return _sale_screen(item, form, 400)
    if sale.method == PaymentMethod.CASH:
        flash(_("Cash sale of %(amount)s recorded.", amount=format_vnd(sale.amount)), "success")
        return redirect(url_for(".stall", stall_id=item.id))
    return redirect(url_for(".sale", stall_id=item.id, sale_id=sale.id))


def _sale_or_404(item: Stall, sale_id: int) -> StallSale:
    sale = sales.sale_of_stall(item, sale_id)
    if sale is None:
        abort(404)
    return sale


def _qr_svg(payload: str) -> Markup:
    """The VietQR as inline SVG (no second request on a weak signal); our own markup only."""
    code = segno.make(payload, error=ERROR_LEVEL, micro=False, boost_error=False)
    svg = code.svg_inline(scale=6, border=BORDER, svgclass="stall-qr", lineclass=None)
    return Markup(svg)  # segno's SVG of our own payload: no user text in it


@bp.get("/<int:stall_id>/ban/<int:sale_id>")
@login_required
def sale(stall_id: int, sale_id: int) -> ResponseReturnValue:
    """One sale: for a transfer, the QR with amount and code to scan, and its live state."""
    item, _access = seller_stall_or_404(stall_id)
    found = _sale_or_404(item, sale_id)
    details = payment_details(found.payment_code) if found.payment_code else None
    instructions = details.instructions if details else None
    return render_template(
        "markets/seller_sale.html",
        stall=item,
        sale=found,
        instructions=instructions,
        qr=_qr_svg(instructions.payload) if instructions else None,
        candidates=sales.transfer_candidates(found),
        action_form=ActionForm(),
        claim_form=ClaimForm(),
    )


@bp.post("/<int:stall_id>/ban/<int:sale_id>/huy")
@login_required
def cancel(stall_id: int, sale_id: int) -> ResponseReturnValue:
    """The buyer left: cancel a transfer sale still waiting."""
    item, _access = seller_stall_or_404(stall_id)
    found = _sale_or_404(item, sale_id)
    if ActionForm().validate_on_submit():
        try:
            sales.cancel_sale(found)
        except MarketError as error:
            flash(str(error), "error")
        else:
            flash(_("Sale cancelled."), "success")
            return redirect(url_for(".stall", stall_id=item.id))
    return redirect(url_for(".sale", stall_id=item.id, sale_id=found.id))


@bp.post("/<int:stall_id>/ban/<int:sale_id>/lien-ket")
@login_required
def claim(stall_id: int, sale_id: int) -> ResponseReturnValue:
    """Link a transfer that arrived without the code (same amount, this account) to the sale."""
    item, _access = seller_stall_or_404(stall_id)
    found = _sale_or_404(item, sale_id)
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            sales.claim_transfer(found, form.notification_id.data, current_user)
        except MarketError as error:
            flash(str(error), "error")
        else:
            flash(_("Transfer linked to this sale."), "success")
    return redirect(url_for(".sale", stall_id=item.id, sale_id=found.id))


@bp.get("/<int:stall_id>/trang-thai")
@login_required
def states(stall_id: int) -> ResponseReturnValue:
    """The state of the sales named in ``ids`` (comma-separated), as tiny JSON."""
    item, _access = seller_stall_or_404(stall_id)
    raw = request.args.get("ids", "")
    ids = [int(part) for part in raw.split(",")[:50] if part.isdigit() and len(part) < 12]
    found = sales.states(item, ids)
    response = jsonify(
        sales=[
            {
                "id": sale.id,
                "state": sale.status.value,
                "label": str(SALE_STATUS[sale.status]),
                "paid": sale.paid_amount,
            }
            for sale in found
        ],
        final=all(sale.status in (SaleStatus.PAID, SaleStatus.CANCELLED) for sale in found),
    )
    # Revalidated every poll: an unchanged state costs a bodiless 304 on a weak signal.
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)
