"""Business rules of an order part's life, without HTTP: transitions, stock, money, history."""

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from catalog.models import Product
from market.extensions import db
from orders import fulfilment, services
from orders.checkout import place_order
from orders.errors import AmountMismatch, InvalidTransition, OutOfStock
from orders.lifecycle import Action
from orders.models import ActorRole, CancelKind, DeliveryMethod, Order, PartStatus, PaymentMethod
from orders.transitions import PAYMENT, SYSTEM, Actor
from tests.orders.conftest import Shop
from tests.orders.helpers import order_request

OWNER = Actor(ActorRole.OWNER, None)
SHOPPER = Actor(ActorRole.SHOPPER, None)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def _order(shop: Shop, **options: object) -> Order:
    lines = options.pop("lines", [(shop.tea, 2, 120_000)])
    return place_order(order_request(lines, [shop.producer_a], **options))


def _stock(product_id: int) -> int:
    return db.session.scalar(sa.select(Product.stock).where(Product.id == product_id))


@pytest.mark.parametrize(
    ("method", "steps", "end"),
    [
        (DeliveryMethod.HOME, [Action.PACK, Action.SHIP, Action.DELIVER], PartStatus.DELIVERED),
        (
            DeliveryMethod.PICKUP_PRODUCER,
            [Action.PACK, Action.READY, Action.HAND_OVER],
            PartStatus.PICKED_UP,
        ),
        (
            DeliveryMethod.PICKUP_STALL,
            [Action.PACK, Action.READY, Action.HAND_OVER],
            PartStatus.PICKED_UP,
        ),
    ],
)
def test_a_paid_part_goes_through_fulfilment_to_its_end(
    ctx: None,
    shop: Shop,
    stall_of: Callable[..., int],
    method: DeliveryMethod,
    steps: list[Action],
    end: PartStatus,
) -> None:
    stall = stall_of(shop.producer_a) if method is DeliveryMethod.PICKUP_STALL else None
    order = _order(shop, method=method, stall_id=stall)
    services.mark_order_paid(order, order.total, "FT123")
    part = order.parts[0]
    for step in steps:
        fulfilment.advance_part(part, step, OWNER)
    assert part.status is end
    kinds = [(e.from_status, e.to_status, e.actor_role) for e in part.events]
    assert kinds[0] == (None, PartStatus.AWAITING_PAYMENT, ActorRole.SHOPPER)
    assert kinds[1] == (
        PartStatus.AWAITING_PAYMENT,
        PartStatus.AWAITING_FULFILMENT,
        ActorRole.PAYMENT,
    )
    assert [k[1] for k in kinds[2:]][-1] is end
    assert all(e.created_at is not None for e in part.events)


@pytest.mark.parametrize(
    ("method", "done", "action", "message"),
    [
        (DeliveryMethod.HOME, [], Action.PACK, "chờ thanh toán"),
        (DeliveryMethod.HOME, [Action.PAY], Action.SHIP, "chờ chuẩn bị hàng"),
        (DeliveryMethod.PICKUP_PRODUCER, [Action.PAY, Action.PACK], Action.SHIP, "tự đến nhận"),
        (DeliveryMethod.HOME, [Action.PAY, Action.PACK], Action.READY, "giao đến địa chỉ"),
        (
            DeliveryMethod.HOME,
            [Action.PAY, Action.PACK, Action.SHIP],
            Action.SHIP,
            "đã ở trạng thái",
        ),
    ],
)
def test_an_invalid_transition_is_refused_with_a_clear_message(
    ctx: None,
    shop: Shop,
    method: DeliveryMethod,
    done: list[Action],
    action: Action,
    message: str,
) -> None:
    order = _order(shop, method=method)
    part = order.parts[0]
    for step in done:
        if step is Action.PAY:
            services.mark_order_paid(order, order.total, "FT1")
        else:
            fulfilment.advance_part(part, step, OWNER)
    before = part.status
    with pytest.raises(InvalidTransition, match=message):
        fulfilment.advance_part(part, action, OWNER)
    db.session.expire_all()
    assert part.status is before


def test_a_shopper_cannot_cancel_after_packing(ctx: None, shop: Shop) -> None:
    order = _order(shop, payment=PaymentMethod.CASH)
    part = order.parts[0]
    fulfilment.advance_part(part, Action.PACK, OWNER)
    with pytest.raises(InvalidTransition, match="liên hệ nhà sản xuất"):
        services.cancel_part(part, SHOPPER)


def test_cancelling_releases_the_stock_once(ctx: None, shop: Shop) -> None:
    order = _order(shop)
    assert _stock(shop.tea) == 8
    part = order.parts[0]
    services.cancel_part(part, SHOPPER, "Đặt nhầm")
    assert _stock(shop.tea) == 10
    assert (part.status, part.cancel_kind, part.cancel_reason) == (
        PartStatus.CANCELLED,
        CancelKind.SHOPPER,
        "Đặt nhầm",
    )
    with pytest.raises(InvalidTransition):
        services.cancel_part(part, SHOPPER)
    assert _stock(shop.tea) == 10


def test_a_stale_copy_of_a_part_cannot_change_it_again(app: Flask, shop: Shop) -> None:
    with app.app_context():
        order_id = _order(shop).id
    with app.app_context():
        stale = db.session.get(Order, order_id).parts[0]
        assert stale.status is PartStatus.AWAITING_PAYMENT
        with app.app_context():  # someone else cancels meanwhile
            services.cancel_part(db.session.get(Order, order_id).parts[0], SHOPPER)
        with pytest.raises(InvalidTransition, match="người khác"):
            services.cancel_part(stale, SHOPPER)
        assert _stock(shop.tea) == 10


def test_a_producer_must_give_a_reason_to_cancel(ctx: None, shop: Shop) -> None:
    part = _order(shop).parts[0]
    with pytest.raises(InvalidTransition, match="lý do"):
        services.cancel_part(part, OWNER, "  ")
    services.cancel_part(part, OWNER, "Hết hàng do mưa đá")
    assert part.cancel_kind is CancelKind.PRODUCER


def test_cancel_order_cancels_only_what_the_shopper_may_still_cancel(ctx: None, shop: Shop) -> None:
    lines = [(shop.tea, 1, 120_000), (shop.orange, 2, 45_000)]
    order = place_order(
        order_request(lines, [shop.producer_a, shop.producer_b], payment=PaymentMethod.CASH)
    )
    tea_part, orange_part = order.parts
    fulfilment.advance_part(tea_part, Action.PACK, OWNER)
    cancelled = services.cancel_order(order, SHOPPER)
    assert cancelled == [orange_part]
    assert tea_part.status is PartStatus.PACKED
    assert _stock(shop.orange) == 100 and _stock(shop.tea) == 9
    with pytest.raises(InvalidTransition):
        services.cancel_order(order, SHOPPER)


def test_paying_an_order_needs_the_exact_amount_and_is_idempotent(
    app: Flask, ctx: None, shop: Shop
) -> None:
    order = _order(shop)
    with pytest.raises(AmountMismatch):
        services.mark_order_paid(order, 200_000, "FT9")
    assert services.amount_payable(order) == 240_000
    paid = services.mark_order_paid(order, 240_000, "FT9")
    part = paid[0]
    assert (part.status, part.paid_amount, part.paid_reference) == (
        PartStatus.AWAITING_FULFILMENT,
        240_000,
        "FT9",
    )
    assert services.mark_order_paid(order, 240_000, "FT9") == []
    with pytest.raises(InvalidTransition):
        services.mark_order_paid(order, 240_000, "FT-other")
    subjects = [m["Subject"] for m in app.extensions["mail_outbox"]]
    assert any("đã thanh toán" in s for s in subjects)
    assert any("đơn hàng mới" in s for s in subjects)


def test_cash_received_during_fulfilment_is_recorded_without_changing_state(
    ctx: None, shop: Shop
) -> None:
    part = _order(shop, payment=PaymentMethod.CASH).parts[0]
    fulfilment.advance_part(part, Action.PACK, OWNER)
    services.mark_part_paid(part, 240_000, "cash", actor=Actor(ActorRole.OWNER))
    assert (part.status, part.paid_amount) == (PartStatus.PACKED, 240_000)
    assert part.events[-1].amount == 240_000
    services.mark_part_paid(part, 240_000, "cash")  # the same report again changes nothing
    assert len(part.events) == 3


def test_a_late_payment_revives_an_expired_part_when_stock_allows(ctx: None, shop: Shop) -> None:
    order = _order(shop)
    services.expire_if_due(order, now=order.expires_at)
    part = order.parts[0]
    assert (part.status, part.cancel_kind) == (PartStatus.CANCELLED, CancelKind.EXPIRED)
    assert _stock(shop.tea) == 10
    services.mark_order_paid(order, 240_000, "FT-late")
    assert part.status is PartStatus.AWAITING_FULFILMENT
    assert part.cancel_kind is None
    assert _stock(shop.tea) == 8


def test_a_late_payment_without_stock_changes_nothing_and_asks_for_a_refund(
    ctx: None, shop: Shop
) -> None:
    order = _order(shop)
    services.expire_if_due(order, now=order.expires_at)
    db.session.get(Product, shop.tea).stock = 1
    db.session.commit()
    with pytest.raises(OutOfStock, match="hoàn lại"):
        services.mark_order_paid(order, 240_000, "FT-late")
    part = order.parts[0]
    assert (part.status, part.paid_amount) == (PartStatus.CANCELLED, 0)
    assert _stock(shop.tea) == 1


def test_a_part_the_shopper_cancelled_cannot_be_paid(ctx: None, shop: Shop) -> None:
    order = _order(shop)
    part = order.parts[0]
    services.cancel_part(part, SHOPPER)
    with pytest.raises(InvalidTransition, match="hoàn lại"):
        services.mark_part_paid(part, 240_000, "FT1")


def test_refunds_add_up_and_end_in_refunded(ctx: None, shop: Shop) -> None:
    order = _order(shop)
    services.mark_order_paid(order, 240_000, "FT1")
    part = order.parts[0]
    with pytest.raises(InvalidTransition, match="chờ chuẩn bị hàng"):
        services.refund_part(part, 240_000, "RF-all")  # a whole refund needs a cancellation first
    services.refund_part(part, 40_000, "RF-1")  # a partial refund, e.g. one damaged pack
    assert (part.status, part.refunded_amount) == (PartStatus.AWAITING_FULFILMENT, 40_000)
    services.cancel_part(part, OWNER, "Không giao được")
    with pytest.raises(AmountMismatch):
        services.refund_part(part, 250_000, "RF-2")
    services.refund_part(part, 200_000, "RF-2")
    assert (part.status, part.refunded_amount) == (PartStatus.REFUNDED, 240_000)
    assert [e.amount for e in part.events if e.amount and e.amount < 0] == [-40_000, -200_000]


def test_only_payment_and_the_system_may_mark_paid(ctx: None, shop: Shop) -> None:
    part = _order(shop).parts[0]
    with pytest.raises(InvalidTransition):
        services.mark_part_paid(part, 240_000, "FT1", actor=OWNER)
    services.mark_part_paid(part, 240_000, "FT1", actor=SYSTEM)
    assert part.status is PartStatus.AWAITING_FULFILMENT
    assert PAYMENT.role is ActorRole.PAYMENT
