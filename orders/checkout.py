"""Placing an order: one order per checkout, one part per producer, stock reserved atomically.

Guarantees: a repeated submission (double tap, refresh, retry) returns the order the first one
made, because the form's idempotency key is unique in the database; stock is taken with
conditional updates that also require the price the shopper was shown, so nobody oversells and
nobody is charged a price they did not see; if anything is short or changed, nothing is kept.
"""

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import Signer

from catalog.models import Producer, Product
from market.capabilities import BANK_TRANSFERS, CARD_PAYMENTS, offered
from market.codes import random_code
from market.dbtypes import utcnow
from market.extensions import db
from orders import notifications, stock
from orders.addresses import Address
from orders.cart import MAX_QUANTITY
from orders.delivery import DeliveryOption, delivery_options, does_not_deliver
from orders.errors import (
    CheckoutError,
    OutOfStock,
    PriceChange,
    PricesChanged,
    ProductUnavailable,
    Shortage,
)
from orders.limits import check_guest_order, check_order_rate
from orders.models import (
    ActorRole,
    CartItem,
    DeliveryMethod,
    Order,
    OrderLine,
    OrderPart,
    PartEvent,
    PartStatus,
    PaymentMethod,
)
from orders.pickup import not_its_stall
from orders.transaction import Outbox, unit_of_work

logger = logging.getLogger(__name__)

# Order codes go into bank transfer memos and are read out on the phone (see market.codes).
CODE_LENGTH = 8
OWN_KEY = "own"
PICKUP_STALL_KEY = "pickup_stall"


@dataclass(frozen=True)
class LineRequest:
    """A product to buy, at the price the shopper was shown."""

    product_id: int
    quantity: int
    expected_price: int


@dataclass(frozen=True)
class DeliveryChoice:
    """How one producer's part reaches the shopper: the option chosen (``DeliveryOption.key``;
    empty: the method's plain option — pickup at the producer or the stall, own delivery), the
    stall for a stall pickup, and the fee the page showed for it."""

    method: DeliveryMethod
    pickup_stall_id: int | None = None
    expected_fee: int | None = None
    option: str = ""

    @property
    def key(self) -> str:
        """The key of the option chosen."""
        if self.option:
            return self.option
        if self.method is DeliveryMethod.PICKUP_STALL:
            return f"{PICKUP_STALL_KEY}:{self.pickup_stall_id}"
        return OWN_KEY if self.method is DeliveryMethod.HOME else self.method.value


@dataclass(frozen=True)
class Contact:
    """Who to call about the order."""

    name: str
    phone: str
    email: str | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    """Everything the checkout form says."""

    idempotency_key: str
    lines: tuple[LineRequest, ...]
    deliveries: Mapping[int, DeliveryChoice]
    contact: Contact
    payment_method: PaymentMethod
    address: Address | None = None
    user_id: int | None = None
    locale: str = "vi"


def new_order_code() -> str:
    """A random, short, unambiguous order code."""
    return random_code(CODE_LENGTH)


def _key_signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="checkout-idempotency")


def new_idempotency_key() -> str:
    """A key for one checkout form, signed so that only keys this site issued are accepted."""
    return _key_signer().sign(secrets.token_urlsafe(24)).decode()


def is_idempotency_key(key: str) -> bool:
    """True for a key this site issued (a client cannot pick one that collides with another's)."""
    return len(key) <= 64 and _key_signer().validate(key)


def sold_out(shortages: list[Shortage]) -> OutOfStock:
    """The error for products that are short, naming them."""
    names = ", ".join(s.name for s in shortages)
    return OutOfStock(_("Sold out: %(names)s. Nothing was ordered.", names=names), shortages)


def available_payment_methods() -> list[PaymentMethod]:
    """Cash always; bank transfer and card only when the payments package can take them."""
    online = {PaymentMethod.BANK_TRANSFER: BANK_TRANSFERS, PaymentMethod.CARD: CARD_PAYMENTS}
    return [method for method, name in online.items() if offered(name)] + [PaymentMethod.CASH]


def service_of(option: DeliveryOption) -> str:
    """The carrier's service of a carrier option (``carrier:ghn:standard`` → ``standard``)."""
    return option.key.split(":", 2)[2] if option.carrier and option.key.count(":") >= 2 else ""


def order_for_key(key: str) -> Order | None:
    """The order an earlier submission of the same checkout form made, if any."""
    return db.session.scalar(sa.select(Order).where(Order.idempotency_key == key))


def place_order(request: CheckoutRequest) -> Order:
    """Reserve stock for every line and create one order with a part per producer."""
    existing = order_for_key(request.idempotency_key)
    if existing is not None:
        return existing
    products = _load_products(request)
    chosen = _check(request, products)
    if request.user_id is None:
        lines = [(line.product_id, line.quantity, line.expected_price) for line in request.lines]
        check_guest_order(lines, products)
    check_order_rate(request.user_id, request.contact.phone)
    for _attempt in range(3):
        try:
            with unit_of_work() as outbox:
                order = _create(request, products, outbox, chosen)
        except sa.exc.IntegrityError:
            # Either the same form was submitted twice at once, or (rarely) the code was taken.
            existing = order_for_key(request.idempotency_key)
            if existing is not None:
                return existing
            logger.warning("Order code collision, drawing another")
            continue
        logger.info("Order %s placed: %s part(s), %s đ", order.code, len(order.parts), order.total)
        return order
    raise CheckoutError(_("We could not place your order. Please try again."))


def _load_products(request: CheckoutRequest) -> dict[int, Product]:
    ids = [line.product_id for line in request.lines]
    return {
        p.id: p
        for p in db.session.scalars(
            sa.select(Product).where(Product.id.in_(ids)).options(so.joinedload(Product.producer))
        )
    }


def _check(request: CheckoutRequest, products: dict[int, Product]) -> dict[int, DeliveryOption]:
    """Everything the request says, against the catalog and the delivery offered now; the
    option each producer's part goes by."""
    if not request.lines:
        raise CheckoutError(_("Your cart is empty."))
    if request.payment_method not in available_payment_methods():
        raise CheckoutError(_("Choose a payment method."))
    ids = [line.product_id for line in request.lines]
    if len(set(ids)) != len(ids) or any(
        not 1 <= line.quantity <= MAX_QUANTITY for line in request.lines
    ):
        raise CheckoutError(_("Choose a quantity from 1 to %(max)s.", max=MAX_QUANTITY))
    unsold = [p.name for p in products.values() if not p.is_public]
    if unsold or len(products) < len(ids):
        raise ProductUnavailable(
            _(
                "Some products are not for sale any more: %(names)s. Remove them from your cart.",
                names=", ".join(unsold),
            )
        )
    changes = [
        PriceChange(products[line.product_id].name, line.expected_price, product.price)
        for line in request.lines
        if (product := products[line.product_id]).price != line.expected_price
    ]
    chosen = _chosen_options(request, products, changes)
    if changes:
        raise _prices_changed(changes)
    return chosen


def _chosen_options(
    request: CheckoutRequest, products: dict[int, Product], changes: list[PriceChange]
) -> dict[int, DeliveryOption]:
    """The option each producer's part goes by, as offered now; a fee that changed since the
    page is added to ``changes``. Raises ``CheckoutError`` for an option not offered now."""
    chosen = {}
    for producer_id, lines in _lines_by_producer(request, products).items():
        producer = products[lines[0].product_id].producer
        choice = request.deliveries.get(producer_id)
        if choice is None:
            raise CheckoutError(_("Choose how each producer's part reaches you."))
        home = choice.method is DeliveryMethod.HOME
        if home and request.address is None:
            raise CheckoutError(_("Enter the address for home delivery."))
        offered = delivery_options(
            producer,
            request.address if home else None,
            [(products[line.product_id], line.quantity) for line in lines],
            sum(line.expected_price * line.quantity for line in lines),
        )
        option = next((o for o in offered.options if o.key == choice.key), None)
        if option is None:
            raise CheckoutError(_not_offered(producer, choice, request, offered.notes))
        if choice.expected_fee is not None and choice.expected_fee != option.fee:
            label = _("Delivery from %(producer)s", producer=producer.name)
            changes.append(PriceChange(label, choice.expected_fee, option.fee))
        chosen[producer_id] = option
    return chosen


def _not_offered(
    producer: Producer, choice: DeliveryChoice, request: CheckoutRequest, notes: list[str]
) -> str:
    """Why the option chosen cannot be ordered now."""
    if choice.method is DeliveryMethod.PICKUP_STALL:
        return not_its_stall(producer.name)
    if choice.key == OWN_KEY and request.address is not None:
        return does_not_deliver(producer, request.address.province_code)
    why = " ".join(notes)
    return _(
        "The delivery you chose for %(producer)s is not offered now. Choose another way. %(why)s",
        producer=producer.name,
        why=why,
    ).strip()


def _lines_by_producer(
    request: CheckoutRequest, products: dict[int, Product]
) -> dict[int, list[LineRequest]]:
    """The lines of each producer, producers in the order they first appear."""
    found: dict[int, list[LineRequest]] = {}
    for line in request.lines:
        found.setdefault(products[line.product_id].producer_id, []).append(line)
    return found


def _prices_changed(changes: list[PriceChange]) -> PricesChanged:
    return PricesChanged(
        _("Some prices changed since you opened this page. Check the new total and order again."),
        changes,
    )


def _reserve(
    request: CheckoutRequest, products: dict[int, Product], references: dict[int, str]
) -> None:
    shortages, changes = [], []
    # Always in product-id order, so two checkouts never wait on each other's rows (deadlock).
    for line in sorted(request.lines, key=lambda item: item.product_id):
        taken = stock.reserve(
            line.product_id,
            line.quantity,
            expected_price=line.expected_price,
            reason="order",
            reference=references[products[line.product_id].producer_id],
            actor_id=request.user_id,
        )
        if taken:
            continue
        now = db.session.execute(
            sa.select(Product.stock, Product.price).where(Product.id == line.product_id)
        ).one()
        name = products[line.product_id].name
        if now.price != line.expected_price:
            changes.append(PriceChange(name, line.expected_price, now.price))
        else:
            shortages.append(Shortage(line.product_id, name, line.quantity, now.stock))
    if shortages:
        raise sold_out(shortages)
    if changes:
        raise _prices_changed(changes)


def _create(
    request: CheckoutRequest,
    products: dict[int, Product],
    outbox: Outbox,
    chosen: dict[int, DeliveryOption],
) -> Order:
    now = utcnow()
    online = request.payment_method is not PaymentMethod.CASH
    hold = (
        timedelta(minutes=current_app.config["ORDER_HOLD_MINUTES"])
        if online
        # Cash: until the producer accepts (``OrderPart.confirmed_at``), then no longer.
        else timedelta(hours=current_app.config["CASH_HOLD_HOURS"])
    )
    address = request.address
    order = Order(
        code=new_order_code(),
        access_token=secrets.token_urlsafe(32),
        idempotency_key=request.idempotency_key,
        user_id=request.user_id,
        contact_name=request.contact.name,
        contact_phone=request.contact.phone,
        contact_email=request.contact.email or None,
        payment_method=request.payment_method,
        items_total=0,
        delivery_total=0,
        total=0,
        locale=request.locale,
        created_at=now,
        expires_at=now + hold,
    )
    if address is not None:
        order.province_code, order.province_name = address.province_code, address.province_name
        order.commune_code, order.commune_name = address.commune_code, address.commune_name
        order.street = address.street
    db.session.add(order)
    db.session.flush()  # claims the idempotency key before any stock is touched
    by_producer = _lines_by_producer(request, products)
    # Part numbers follow the producers' order in the cart; the stock history names the part.
    references = {
        producer_id: f"{order.code}-{number}"
        for number, producer_id in enumerate(by_producer, start=1)
    }
    _reserve(request, products, references)

    status = PartStatus.AWAITING_PAYMENT if online else PartStatus.AWAITING_FULFILMENT
    for number, (producer_id, lines) in enumerate(by_producer.items(), start=1):
        option = chosen[producer_id]
        fee = option.fee
        items_total = sum(line.expected_price * line.quantity for line in lines)
        part = OrderPart(
            producer_id=producer_id,
            number=number,
            status=status,
            delivery_method=option.method,
            pickup_stall_id=option.stall_id
            if option.method is DeliveryMethod.PICKUP_STALL
            else None,
            delivery_option=option.key,
            carrier=option.carrier,
            carrier_service=service_of(option),
            days_min=option.days_min,
            days_max=option.days_max,
            items_total=items_total,
            delivery_fee=fee,
            total=items_total + fee,
            created_at=now,
            updated_at=now,
        )
        part.lines = [
            OrderLine(
                product_id=line.product_id,
                product_name=products[line.product_id].name,
                unit=products[line.product_id].unit,
                unit_price=line.expected_price,
                quantity=line.quantity,
                line_total=line.expected_price * line.quantity,
            )
            for line in lines
        ]
        part.events = [
            PartEvent(
                from_status=None,
                to_status=status,
                actor_id=request.user_id,
                actor_role=ActorRole.SHOPPER,
                created_at=now,
            )
        ]
        order.parts.append(part)
    order.items_total = sum(p.items_total for p in order.parts)
    order.delivery_total = sum(p.delivery_fee for p in order.parts)
    order.total = order.items_total + order.delivery_total
    if request.user_id is not None:
        db.session.execute(
            sa.delete(CartItem).where(
                CartItem.user_id == request.user_id, CartItem.product_id.in_(products)
            )
        )
    db.session.flush()
    outbox.extend(notifications.order_placed(order))
    if not online:
        for part in order.parts:
            outbox.extend(notifications.part_to_fulfil(part))
    return order
