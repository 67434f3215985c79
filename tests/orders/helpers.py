"""Helpers for the orders tests: the cart and checkout as a shopper uses them."""

import re
from itertools import count

import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from market.extensions import db
from orders.addresses import home_address
from orders.checkout import CheckoutRequest, Contact, DeliveryChoice, LineRequest
from orders.models import DeliveryMethod, Order, PaymentMethod

FIELD = r'name="{name}"[^>]*value="([^"]*)"'
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
    """Open the checkout page and fill it in: pickup at the producer unless told otherwise."""
    page = client.get("/dat-hang/").get_data(as_text=True)
    data = {
        "idempotency_key": hidden(page, "idempotency_key"),
        "quote": hidden(page, "quote"),
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "email": "lan@example.vn",
        "payment_method": "bank_transfer",
        "province": "08",
        "commune": "074:phu-luu",
        "street": "Thôn 3",
    }
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
        address=home_address("074:phu-luu", "Thôn 3"),
        user_id=user_id,
    )


def only_order() -> Order:
    """The one order in the database (fails if there are more or none)."""
    return db.session.scalars(sa.select(Order)).one()
