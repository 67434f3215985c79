"""Stall sales as a payments target: what a stall sale's payment code expects, and its state.

The money goes straight into the stall's own account, not the market's collection account, so
a sale has no parts: payments records the credit but owes the producer no payout for it.
"""

import sqlalchemy as sa

from market.dbtypes import utcnow
from market.extensions import db
from market.markets import rollups
from market.markets.models import SaleStatus, StallSale
from market.markets.stalls import stall_account
from payments.targets import DueState, PaymentDue, PaymentStatus, PayState


class StallSaleTarget:
    """Answers payments for ``stall`` codes (see ``payments.targets.PaymentTarget``)."""

    def _sale(self, code: str) -> StallSale | None:
        """The sale with this code, locked for the rest of the payments transaction."""
        return db.session.scalar(
            sa.select(StallSale)
            .where(StallSale.payment_code == code)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def due(self, code: str) -> PaymentDue | None:
        """The sale's amount, into its stall's account; None for a code that is not a sale."""
        sale = self._sale(code)
        if sale is None:
            return None
        state = DueState.CANCELLED if sale.status == SaleStatus.CANCELLED else DueState.OPEN
        stall = sale.stall
        return PaymentDue(
            code=code,
            amount=sale.amount,
            parts=(),
            state=state,
            description=f"{stall.market.name} · {stall.number} · {stall.name}"[:200],
            account=stall_account(stall),
        )

    def reopen(self, code: str) -> bool:
        """A transfer for a cancelled sale: the buyer paid after all, so the sale stands."""
        sale = self._sale(code)
        if sale is None or sale.status != SaleStatus.CANCELLED:
            return False
        sale.status, sale.cancelled_at = SaleStatus.AWAITING, None
        db.session.flush()
        return True

    def payment_changed(self, code: str, status: PaymentStatus) -> None:
        """Paid in full marks the sale paid; less than the amount marks it partly paid."""
        sale = self._sale(code)
        if sale is None:
            return
        counted = rollups.stall_sale_counts(sale)
        sale.paid_amount = max(0, min(status.paid, sale.amount))
        if status.state == PayState.PAID and sale.status != SaleStatus.PAID:
            sale.status, sale.paid_at = SaleStatus.PAID, utcnow()
        elif status.state == PayState.PARTIAL and sale.status == SaleStatus.AWAITING:
            # Counted (cashless) for what arrived, from when it arrived, until paid in full.
            sale.status, sale.paid_at = SaleStatus.PARTIAL, utcnow()
        rollups.stall_sale_changed(counted, sale)
        db.session.flush()
