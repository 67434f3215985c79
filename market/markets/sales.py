"""In-person sales at a stall: recorded by the seller in a few taps, paid in cash or by transfer.

Cash is confirmed by the seller who records it. A transfer sale gets a payment code the buyer's
bank copies into the transfer memo (the seller's screen shows a VietQR with the amount and the
code filled in); only a bank notification that payments matches to that code, into the stall's
own account, marks it paid. A customer's screenshot never does.

Why a code and not "same amount within a few minutes": at a market many buyers pay the same
round amounts (20.000 ₫ of greens) at the same moment, so amount and time alone would confirm
the wrong sale. A transfer that arrives without the code stays unmatched in payments; the seller
may link it to the sale by hand, but only a credit of that amount into this stall's account,
received around the time of the sale (``transfer_candidates``).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog.models import Product, ProductStatus
from catalog.permissions import Access
from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.markets import rollups
from market.markets.errors import MarketError
from market.markets.models import SALE_METHODS, SaleStatus, Stall, StallSale, StallSaleLine
from payments import bank_notifications
from payments.codes import compact, ensure_code, generate_code
from payments.errors import PaymentError
from payments.models import BankNotification, NotificationStatus, Outcome, PaymentCode
from payments.models import PaymentMethod as Method
from payments.vietqr import AMOUNT_MAX_DIGITS

logger = logging.getLogger(__name__)

TARGET_KIND = "stall"
MAX_AMOUNT = 10**AMOUNT_MAX_DIGITS - 1
MAX_QUANTITY = 999
# A transfer without the code may be linked to a sale made up to this long before it arrived.
CLAIM_BEFORE = timedelta(minutes=5)
CLAIM_AFTER = timedelta(minutes=30)
OPEN = (SaleStatus.AWAITING, SaleStatus.PARTIAL)


@dataclass(frozen=True)
class Item:
    """A product and how many units of it were sold."""

    product_id: int
    quantity: int


def sellable_products(stall: Stall) -> list[Product]:
    """What a seller may pick: the stall's products on sale, else all its producer's on sale."""
    chosen = [p for p in stall.products if p.status == ProductStatus.ACTIVE]
    if chosen:
        return chosen
    return list(
        db.session.scalars(
            sa.select(Product)
            .where(Product.producer_id == stall.producer_id, Product.status == ProductStatus.ACTIVE)
            .order_by(Product.name)
        )
    )


def _lines(stall: Stall, items: list[Item]) -> list[StallSaleLine]:
    products = {p.id: p for p in sellable_products(stall)}
    lines = []
    for item in items:
        product = products.get(item.product_id)
        if product is None:
            raise MarketError(_l("Choose products sold at this stall."), field="products")
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise MarketError(_l("A quantity is a whole number from 1 to 999."), field="products")
        lines.append(
            StallSaleLine(
                product_id=product.id,
                product_name=product.name,
                unit=product.unit,
                unit_price=product.price,
                quantity=item.quantity,
                line_total=product.price * item.quantity,
            )
        )
    return lines


def _new_payment_code() -> str:
    while True:
        code = generate_code()
        taken = db.session.scalar(sa.select(PaymentCode.id).where(PaymentCode.code == code))
        if taken is None:
            return code


def record_sale(
    stall: Stall,
    seller: User,
    access: Access,
    method: Method | str,
    amount: int | None,
    items: list[Item] | None = None,
) -> StallSale:
    """Record a sale at the stall; cash is paid at once, a transfer waits for the bank. Commits.

    With products listed, the amount is their total at the listed prices; an amount typed as
    well must equal it.
    """
    try:
        method = Method(method)
    except ValueError:
        raise MarketError(_l("Choose how the buyer pays."), field="method") from None
    if method not in SALE_METHODS:
        raise MarketError(_l("Choose how the buyer pays."), field="method")
    lines = _lines(stall, items or [])
    if lines:
        total = sum(line.line_total for line in lines)
        if amount is not None and amount != total:
            raise MarketError(
                _l("The amount differs from the products' total. Clear it or fix the quantities."),
                field="amount",
            )
        amount = total
    if amount is None or not 0 < amount <= MAX_AMOUNT:
        raise MarketError(_l("Enter the amount the buyer pays, in đồng."), field="amount")
    now = utcnow()
    sale = StallSale(
        stall_id=stall.id,
        market_id=stall.market_id,
        producer_id=stall.producer_id,
        seller_id=seller.id,
        seller_access=access,
        method=method,
        amount=amount,
        itemized=bool(lines),
        lines=lines,
        created_at=now,
    )
    if method == Method.CASH:
        sale.status, sale.paid_amount, sale.paid_at = SaleStatus.PAID, amount, now
    else:
        sale.status, sale.payment_code = SaleStatus.AWAITING, _new_payment_code()
        ensure_code(sale.payment_code, TARGET_KIND)
    db.session.add(sale)
    db.session.flush()
    rollups.stall_sale_paid(sale)
    db.session.commit()
    logger.info("Stall %s sale %s: %s đồng by %s", stall.code, sale.id, amount, method)
    return sale


def cancel_sale(sale: StallSale) -> None:
    """The buyer left before paying: cancel a transfer sale still waiting. Commits.

    A transfer that arrives later still counts: payments reopens the sale and marks it paid.
    """
    done = db.session.execute(
        sa.update(StallSale)
        .where(StallSale.id == sale.id, StallSale.status == SaleStatus.AWAITING)
        .values(status=SaleStatus.CANCELLED, cancelled_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        raise MarketError(_l("Only a sale still waiting for its transfer can be cancelled."))
    db.session.commit()
    db.session.refresh(sale)


def sale_of_stall(stall: Stall, sale_id: int) -> StallSale | None:
    """A sale made at this stall, or None."""
    return db.session.scalar(
        sa.select(StallSale).where(StallSale.id == sale_id, StallSale.stall_id == stall.id)
    )


def recent_sales(stall: Stall, since: datetime, limit: int = 50) -> list[StallSale]:
    """The stall's sales since ``since``, newest first."""
    return list(
        db.session.scalars(
            sa.select(StallSale)
            .where(StallSale.stall_id == stall.id, StallSale.created_at >= since)
            .order_by(StallSale.created_at.desc(), StallSale.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class DayTotals:
    """What the stall took since a moment, confirmed only."""

    count: int
    amount: int
    transfer_amount: int


def totals_since(stall: Stall, since: datetime) -> DayTotals:
    """Confirmed sales of the stall since ``since`` (one SQL aggregate)."""
    paid = StallSale.status == SaleStatus.PAID
    count, amount, transfer = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(StallSale.amount), 0),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case((StallSale.method == Method.BANK_TRANSFER, StallSale.amount), else_=0)
                ),
                0,
            ),
        ).where(StallSale.stall_id == stall.id, StallSale.created_at >= since, paid)
    ).one()
    return DayTotals(int(count), int(amount), int(transfer))


def states(stall: Stall, sale_ids: list[int]) -> list[StallSale]:
    """The named sales of the stall (for the live screen), at most 50."""
    if not sale_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(StallSale).where(
                StallSale.stall_id == stall.id, StallSale.id.in_(sale_ids[:50])
            )
        )
    )


def transfer_candidates(sale: StallSale) -> list[BankNotification]:
    """Unmatched credits that may be this sale's transfer sent without its code.

    Same amount as what remains, into this stall's account, received from a little before the
    sale to half an hour after it.
    """
    if not sale.is_transfer or sale.status not in OPEN:
        return []
    account = compact(sale.stall.bank_account)
    rows = db.session.scalars(
        sa.select(BankNotification)
        .where(
            BankNotification.status == NotificationStatus.UNMATCHED,
            BankNotification.is_credit,
            BankNotification.amount == sale.amount - sale.paid_amount,
            BankNotification.received_at >= sale.created_at - CLAIM_BEFORE,
            BankNotification.received_at <= sale.created_at + CLAIM_AFTER,
        )
        .order_by(BankNotification.received_at)
        .limit(10)
    )
    return [
        note
        for note in rows
        if account in {compact(note.account_number), compact(note.virtual_account)}
    ]


def claim_transfer(sale: StallSale, notification_id: int, seller: User) -> Outcome:
    """Link an unmatched credit into the stall's account to this sale; payments credits it."""
    if notification_id not in {note.id for note in transfer_candidates(sale)}:
        raise MarketError(_l("That transfer cannot be linked to this sale."))
    try:
        outcome = bank_notifications.assign(notification_id, sale.payment_code, seller.id)
    except PaymentError as error:
        raise MarketError(error.message) from None
    db.session.refresh(sale)
    logger.info("Seller %s linked notification %s to sale %s", seller.id, notification_id, sale.id)
    return outcome
