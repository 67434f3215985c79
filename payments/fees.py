"""Marketplace fees: the rules provincial managers set, and the fee fixed onto each paid part.

Rates are in basis points (1 bp = 0.01 %). The rule for a part is the producer's exception if
it has one, else the rule of the part's OCOP group (the group holding most of the part's goods
value), else the default; no rule at all means no fee. Delivery fees carry the commission only
where that rule says so. VAT on the fee is ``MARKETPLACE_FEE_VAT_BP`` (configuration, 0: none).

One rounding rule, everywhere: an amount in đồng times a rate in basis points is rounded to
the nearest đồng, halves up, once per part (the fee, then the VAT on the rounded fee, then the
share of both a refund gives back).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from catalog.models import Category, Product
from market.dbtypes import utcnow
from market.extensions import db
from market.idempotency import insert_once
from orders.models import Order, OrderPart
from payments.earning_models import DEFAULT_SCOPE, FeeRule, PartEarning
from payments.errors import InvalidRate
from payments.models import PaymentMethod
from payments.part_money import BASIS, fee_charged, part_figures, scaled
from payments.targets import PartDue

logger = logging.getLogger(__name__)

VIETNAM = timedelta(hours=7)


@dataclass(frozen=True)
class Rule:
    """A rule as the pages show and edit it."""

    scope: str
    rate_bp: int
    delivery_carries: bool
    note: str = ""


def group_scope(category_id: int) -> str:
    """The scope key of an OCOP group's rule."""
    return f"group:{category_id}"


def producer_scope(producer_id: int) -> str:
    """The scope key of a producer's exception."""
    return f"producer:{producer_id}"


def rules() -> dict[str, FeeRule]:
    """Every fee rule, by scope."""
    return {rule.scope: rule for rule in db.session.scalars(sa.select(FeeRule))}


def set_rule(
    scope: str,
    rate_bp: int,
    *,
    delivery_carries: bool,
    actor_id: int,
    note: str = "",
) -> FeeRule:
    """Create or change the rule of a scope; parts already paid keep their fee. Commits."""
    if not 0 <= rate_bp <= BASIS:
        raise InvalidRate()
    rule = db.session.scalar(sa.select(FeeRule).where(FeeRule.scope == scope))
    if rule is None:
        kind, _sep, key = scope.partition(":")
        rule = FeeRule(scope=scope)
        if kind == "group":
            rule.category_id = int(key)
        elif kind == "producer":
            rule.producer_id = int(key)
        db.session.add(rule)
    rule.rate_bp, rule.delivery_carries = rate_bp, delivery_carries
    rule.note, rule.updated_by_id = note.strip()[:300], actor_id
    rule.updated_at = utcnow()
    db.session.commit()
    logger.info("Fee rule %s set to %s bp by user %s", scope, rate_bp, actor_id)
    return rule


def remove_rule(scope: str) -> None:
    """Drop a group's or producer's rule (the default stays); commits."""
    if scope == DEFAULT_SCOPE:
        return
    db.session.execute(sa.delete(FeeRule).where(FeeRule.scope == scope))
    db.session.commit()


def _group_roots() -> dict[int, int]:
    """Every category id → the id of its top-level OCOP group."""
    parents = dict(db.session.execute(sa.select(Category.id, Category.parent_id)).all())

    def root(node: int) -> int:
        while parents.get(node) is not None:
            node = parents[node]
        return node

    return {node: root(node) for node in parents}


def main_group(part: OrderPart) -> int | None:
    """The OCOP group holding most of the part's goods value (ties: the lower group id)."""
    category_of = dict(
        db.session.execute(
            sa.select(Product.id, Product.category_id).where(
                Product.id.in_([line.product_id for line in part.lines if line.product_id])
            )
        ).all()
    )
    roots = _group_roots()
    value: dict[int, int] = {}
    for line in part.lines:
        category = category_of.get(line.product_id) if line.product_id else None
        if category is not None:
            group = roots[category]
            value[group] = value.get(group, 0) + line.line_total
    if not value:
        return None
    return min(value, key=lambda group: (-value[group], group))


def rule_for(producer_id: int, group_id: int | None) -> FeeRule | None:
    """The rule that applies: the producer's exception, its group's rule, or the default."""
    scopes = [producer_scope(producer_id), DEFAULT_SCOPE]
    if group_id is not None:
        scopes.insert(1, group_scope(group_id))
    found = {
        rule.scope: rule
        for rule in db.session.scalars(sa.select(FeeRule).where(FeeRule.scope.in_(scopes)))
    }
    return next((found[scope] for scope in scopes if scope in found), None)


def fix_part_fee(code: str, part: PartDue, method: PaymentMethod) -> None:
    """Fix the fee onto a part that has just been paid, once (the caller commits)."""
    order_part = _order_part(code, part.ref)
    group = main_group(order_part) if order_part is not None else None
    rule = rule_for(part.producer_id, group)
    rate = rule.rate_bp if rule is not None else 0
    carries = rule.delivery_carries if rule is not None else False
    base = part.amount
    if order_part is not None and not carries:
        base = max(0, part.amount - order_part.delivery_fee)
    fee = scaled(base, rate)
    vat_bp = int(current_app.config.get("MARKETPLACE_FEE_VAT_BP", 0))
    insert_once(
        PartEarning,
        {
            "target_code": code,
            "part_ref": part.ref,
            "producer_id": part.producer_id,
            "order_part_id": order_part.id if order_part is not None else None,
            "method": method,
            "gross": part.amount,
            "fee_base": base,
            "rate_bp": rate,
            "delivery_carries": carries,
            "fee": fee,
            "vat_bp": vat_bp,
            "vat": scaled(fee, vat_bp),
            "ocop_group_id": group,
        },
        unique_on=("target_code", "part_ref"),
    )


def _order_part(code: str, part_ref: str) -> OrderPart | None:
    """The order part a part reference names (``<order code>-<number>``), if it is one."""
    order_code, _sep, number = part_ref.rpartition("-")
    if not number.isdigit():
        return None
    return db.session.scalar(
        sa.select(OrderPart)
        .join(Order, Order.id == OrderPart.order_id)
        .where(Order.code == order_code, OrderPart.number == int(number))
    )


@dataclass(frozen=True)
class FeeIncome:
    """The market's fee income of one month, market (pickup stall) and OCOP group."""

    month: str  # YYYY-MM, Vietnam time
    stall_id: int | None  # the stall the parts were picked up at; None: delivered
    group_id: int | None
    parts: int
    gross: int
    fee: int  # fee and VAT charged, after refunds
    vat: int


def fee_income(start: datetime, end: datetime) -> list[FeeIncome]:
    """Fee income of parts paid in [start, end), by month, pickup stall and OCOP group."""
    refunds, refunded, _market, fee, _owed = part_figures()
    vat = fee_charged(PartEarning.vat, PartEarning.gross, refunded)
    rows = db.session.execute(
        sa.select(
            PartEarning.fixed_at,
            OrderPart.pickup_stall_id,
            PartEarning.ocop_group_id,
            PartEarning.gross,
            fee,
            vat,
        )
        .outerjoin(OrderPart, OrderPart.id == PartEarning.order_part_id)
        .outerjoin(
            refunds,
            sa.and_(
                refunds.c.target_code == PartEarning.target_code,
                refunds.c.part_ref == PartEarning.part_ref,
            ),
        )
        .where(PartEarning.fixed_at >= start, PartEarning.fixed_at < end)
    )
    totals: dict[tuple[str, int | None, int | None], list[int]] = {}
    for fixed_at, stall_id, group_id, gross, part_fee, part_vat in rows:
        key = ((fixed_at + VIETNAM).strftime("%Y-%m"), stall_id, group_id)
        sums = totals.setdefault(key, [0, 0, 0, 0])
        for index, value in enumerate((1, gross, part_fee, part_vat)):
            sums[index] += int(value)
    return [
        FeeIncome(month, stall, group, *sums)
        for (month, stall, group), sums in sorted(
            totals.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2] or 0)
        )
    ]
