"""Helpers for the orders tests: the cart and checkout as a shopper uses them."""

import re
from itertools import count

import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from market.extensions import db
from orders.addresses import address_at
from orders.checkout import CheckoutRequest, Contact, DeliveryChoice, LineRequest
from orders.delivery_rates import DeliveryRate, ZoneKind
from orders.models import DeliveryMethod, Order, PaymentMethod

FIELD = r'name="{name}"[^>]*value="([^"]*)"'
PHU_LUU = "02392"  # Xã Phù Lưu, Tuyên Quang (official code)
_keys = count(1)


def add_to_cart(client: FlaskClient, product_id: int, quantity: int = 1) -> TestResponse:
    """Press "Add to cart" on a product page."""
    return client.post("/gio-hang/them", data={"product_id": product_id, "quantity": quantity})


def hidden(page: str, name: str) -> str:
    """The value of a form field in a page."""
    found = re.search(FIELD.format(name=name), page)
    assert found, f"no field {name}"
    return found.group(1)


def checkout_data(
    client: FlaskClient, deliveries: dict[int, str] | None = None, **fields: object
) -> dict:
    """Open the checkout page and fill it in: pickup at the producer unless told otherwise.
    The address is given first ("Show delivery options"), so the page quotes home delivery."""
    opened = client.get("/dat-hang/").get_data(as_text=True)
    token = re.search(FIELD.format(name="csrf_token"), opened)
    data = {
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "email": "lan@example.vn",
        "payment_method": "bank_transfer",
        "province": "08",
        "commune": PHU_LUU,
        "street": "Thôn 3",
    }
    data.update({name: value for name, value in fields.items() if name != "action"})
    if token:
        data["csrf_token"] = token.group(1)
    page = client.post("/dat-hang/", data={**data, "action": "update"}).get_data(as_text=True)
    data["idempotency_key"] = hidden(page, "idempotency_key")
    data["quote"] = hidden(page, "quote")
    for producer_id in re.findall(r'name="delivery_(\d+)"', page):
        data[f"delivery_{producer_id}"] = (deliveries or {}).get(
            int(producer_id), "pickup_producer"
        )
    data.update(fields)
    return data


def checkout(
    client: FlaskClient, deliveries: dict[int, str] | None = None, **fields: object
) -> TestResponse:
    """Fill in the checkout form and place the order."""
    return client.post("/dat-hang/", data=checkout_data(client, deliveries, **fields))


def order_request(
    lines: list[tuple[int, int, int]],
    producers: list[int],
    payment: PaymentMethod = PaymentMethod.BANK_TRANSFER,
    method: DeliveryMethod = DeliveryMethod.PICKUP_PRODUCER,
    key: str | None = None,
    user_id: int | None = None,
    fees: dict[int, int] | None = None,
    stall_id: int | None = None,
) -> CheckoutRequest:
    """A checkout request for (product id, quantity, price shown) lines; ``stall_id`` is where
    a stall pickup is collected."""
    return CheckoutRequest(
        idempotency_key=key or f"key-{next(_keys)}",
        lines=tuple(LineRequest(*line) for line in lines),
        deliveries={p: DeliveryChoice(method, stall_id, (fees or {}).get(p)) for p in producers},
        contact=Contact("Nguyễn Thị Lan", "0912345678", "lan@example.vn"),
        payment_method=payment,
        address=address_at(PHU_LUU, "Thôn 3"),
        user_id=user_id,
    )


def only_order() -> Order:
    """The one order in the database (fails if there are more or none)."""
    return db.session.scalars(sa.select(Order)).one()


def set_zone_fee(producer_id: int, kind: ZoneKind, fee: int | None) -> None:
    """The producer's one rate for its province or for everywhere else (None: none there);
    the caller commits."""
    db.session.execute(
        sa.delete(DeliveryRate).where(
            DeliveryRate.producer_id == producer_id, DeliveryRate.zone_kind == kind
        )
    )
    if fee is not None:
        code = "08" if kind is ZoneKind.PROVINCE else ""
        db.session.add(
            DeliveryRate(producer_id=producer_id, zone_kind=kind, zone_code=code, fee=fee)
        )


def set_elsewhere(producer_id: int, fee: int | None) -> None:
    """The producer's fee outside its province (None: it does not deliver there)."""
    set_zone_fee(producer_id, ZoneKind.EVERYWHERE, fee)
