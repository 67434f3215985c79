"""What counts as a sale, read from the raw rows: the one definition the rollups and the
line exports share.

- online: an order part (one producer's share of an order) that was paid (``paid_at`` set,
  online or cash collected) and is neither cancelled nor refunded; its value is the goods
  (``items_total``, delivery fees excluded), dated when it was paid;
- at a stall: a stall sale that is ``paid`` (cash recorded by the seller, or a transfer
  confirmed by a matched bank notification), dated when it was paid; and a transfer sale
  ``partial``ly paid, for the money that arrived (a cashless sale of that value, with no units:
  its goods are counted once it is paid in full), dated when the first transfer arrived.
An online part the shopper picks up at a chợ 4.0 stall belongs to that stall's market (and its
area), still in the online channel; other online parts belong to no market, and to their
producer's area of origin.
One sale is one order part or one stall sale, so an order from two producers counts twice.
Units come from the lines (order lines, and the products a seller listed; a stall sale without
products adds value but no units). Cashless means bank transfer (VietQR) or card.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from catalog.models import Producer
from market.markets.models import Market, SaleStatus, Stall, StallSale
from market.markets.scopes import Scope
from orders.models import OrderPart, PartStatus
from payments.models import PaymentMethod

ONLINE, STALL = "online", "stall"
CASHLESS = (PaymentMethod.BANK_TRANSFER.value, PaymentMethod.CARD.value)
NOT_SALES = (PartStatus.CANCELLED, PartStatus.REFUNDED)


def online_counted(
    scope: Scope | None = None, since: datetime | None = None, until: datetime | None = None
) -> tuple[sa.ColumnElement[bool], ...]:
    """Conditions of an order part of the scope that counts as a sale paid in [since, until).

    A market's scope counts the parts picked up at its stalls; an area's, the parts picked
    up at its markets' stalls and its producers' parts picked up nowhere in particular.
    Without a scope or bounds: every part that counts, whenever it was paid.
    """
    conditions: list[Any] = [OrderPart.paid_at.is_not(None), OrderPart.status.not_in(NOT_SALES)]
    if since is not None:
        conditions.append(OrderPart.paid_at >= since)
    if until is not None:
        conditions.append(OrderPart.paid_at < until)
    if scope is not None and scope.market_ids is not None:
        at_markets = sa.select(Stall.id).where(Stall.market_id.in_(scope.market_ids))
        conditions.append(OrderPart.pickup_stall_id.in_(at_markets))
    if scope is not None and scope.area_slug is not None:
        at_markets = (
            sa.select(Stall.id)
            .join(Market, Market.id == Stall.market_id)
            .where(Market.area_slug == scope.area_slug)
        )
        producers = sa.select(Producer.id).where(Producer.area_slug == scope.area_slug)
        conditions.append(
            sa.or_(
                OrderPart.pickup_stall_id.in_(at_markets),
                sa.and_(OrderPart.pickup_stall_id.is_(None), OrderPart.producer_id.in_(producers)),
            )
        )
    return tuple(conditions)


# A stall sale counts for its amount once paid; partly paid, for what arrived.
STALL_PAID = StallSale.status == SaleStatus.PAID
STALL_PARTLY_PAID = sa.and_(
    StallSale.status == SaleStatus.PARTIAL,
    StallSale.paid_amount > 0,
    StallSale.paid_at.is_not(None),
)
STALL_VALUE = sa.case((STALL_PAID, StallSale.amount), else_=StallSale.paid_amount)
# Counted line by line (its listed products): an itemized sale paid in full.
STALL_ITEMIZED = sa.and_(STALL_PAID, StallSale.itemized)


def stall_counted(
    scope: Scope | None = None, since: datetime | None = None, until: datetime | None = None
) -> tuple[sa.ColumnElement[bool], ...]:
    """Conditions of a stall sale of the scope that counts as a sale paid in [since, until)."""
    conditions: list[Any] = [sa.or_(STALL_PAID, STALL_PARTLY_PAID)]
    if since is not None:
        conditions.append(StallSale.paid_at >= since)
    if until is not None:
        conditions.append(StallSale.paid_at < until)
    if scope is not None and scope.market_ids is not None:
        conditions.append(StallSale.market_id.in_(scope.market_ids))
    if scope is not None and scope.area_slug is not None:
        in_area = sa.select(Market.id).where(Market.area_slug == scope.area_slug)
        conditions.append(StallSale.market_id.in_(in_area))
    return tuple(conditions)
