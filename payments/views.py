"""Shopper-facing payment routes: the payment page, its QR, live status and card checkout.

Routes take a signed token of the payment code rather than the code itself, so only a page
that rendered the payment (the order page, say) can poll or show it; the code alone, which is
printed in every transfer memo, opens nothing.
"""

import logging
from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from itsdangerous import BadSignature, URLSafeSerializer

from market.extensions import limiter
from market.urls import public_path_url, public_url, safe_next_url
from payments import qr, services
from payments.errors import PaymentError
from payments.labels import status_label
from payments.methods import ReturnUrls, VietQRInstructions
from payments.models import PaymentMethod
from payments.stripe_gateway import card_payments_enabled
from payments.targets import PartDue, PaymentStatus, PayState

logger = logging.getLogger(__name__)

bp = Blueprint("payments", __name__, url_prefix="/thanh-toan")

TOKEN_SALT = "payments.code"


@dataclass(frozen=True)
class PaymentView:
    """What the payment partials show for one code."""

    code: str
    token: str
    status: PaymentStatus
    label: str
    instructions: VietQRInstructions | None
    card_enabled: bool
    return_url: str | None
    parts: tuple[PartDue, ...] = ()

    @property
    def is_open(self) -> bool:
        """True while something remains to pay."""
        return self.status.state in (PayState.UNPAID, PayState.PARTIAL)

    def part(self, ref: str) -> PartDue | None:
        """One part of the code, or None."""
        return next((part for part in self.parts if part.ref == ref), None)


def payment_token(code: str) -> str:
    """A URL-safe token naming ``code``, signed with the app's secret key."""
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT).dumps(code)


def code_from_token(token: str) -> str:
    """The payment code a token names; 404 for a forged or damaged token."""
    try:
        code = URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT).loads(token)
    except BadSignature:
        abort(404)
    if not isinstance(code, str):
        abort(404)
    return code


def payment_view(code: str, show_qr: bool = True) -> PaymentView | None:
    """Everything the payment partials need for ``code`` (a template global), or None.

    ``show_qr`` False leaves the VietQR out (a card order's page, a producer's page).
    """
    details = services.payment_details(code)
    if details is None:
        return None
    return PaymentView(
        code=details.due.code,
        token=payment_token(details.due.code),
        status=details.status,
        label=status_label(details.status),
        instructions=details.instructions if show_qr else None,
        card_enabled=card_payments_enabled(),
        return_url=same_site(details.due.return_url),
        parts=details.due.parts,
    )


def same_site(url: str | None) -> str | None:
    """A target's return link, only if it stays on this site."""
    return url if url and safe_next_url(url) == url else None


@bp.get("/<token>")
def pay(token: str) -> ResponseReturnValue:
    """The payment page of a code: QR, transfer details, card button and live status."""
    view = payment_view(code_from_token(token))
    if view is None:
        abort(404)
    card_result = request.args.get("the")
    return render_template("payments/pay.html", payment=view, card_result=card_result)


@bp.get("/<token>/trang-thai")
def status(token: str) -> ResponseReturnValue:
    """The code's state as a tiny JSON for the page's polling script."""
    current = services.payment_status(code_from_token(token))
    if current is None:
        abort(404)
    response = jsonify(
        state=current.state.value,
        label=status_label(current),
        amount_due=current.amount_due,
        paid=current.paid,
        remaining=current.remaining,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<token>/qr.png")
def qr_png(token: str) -> ResponseReturnValue:
    """The VietQR for what remains to pay, as PNG."""
    return _qr_response(code_from_token(token), "png")


@bp.get("/<token>/qr.svg")
def qr_svg(token: str) -> ResponseReturnValue:
    """The VietQR for what remains to pay, as SVG."""
    return _qr_response(code_from_token(token), "svg")


@bp.post("/<token>/the")
@limiter.limit("10 per minute")
def pay_by_card(token: str) -> ResponseReturnValue:
    """Open a Stripe Checkout Session for what remains and send the shopper there."""
    code = code_from_token(token)
    page = public_url("payments.pay", token=token)
    back = same_site(request.form.get("next"))
    if back and "?" not in back:  # the order page the button was on: come back there
        page = public_path_url(back)
    urls = ReturnUrls(
        success=f"{page}?the=xong", cancel=f"{page}?the=huy", locale=str(get_locale())
    )
    try:
        started = services.start_payment(code, PaymentMethod.CARD, urls)
    except PaymentError as error:
        flash(error.message, "error")
        return redirect(url_for("payments.pay", token=token))
    return redirect(started.redirect_url or page, code=303)


def _qr_response(code: str, kind: str) -> ResponseReturnValue:
    details = services.payment_details(code)
    if details is None or details.instructions is None:
        abort(404)
    response = Response(qr.render(details.instructions.payload, kind), mimetype=qr.MIMETYPES[kind])
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)
