"""Parts sent by a carrier: packing makes the shipment, the carrier's webhooks move the part.

A fake carrier stands in for the carrier modules (their own tests use recorded answers); it is
reached the way the app reaches every carrier, ``orders.carriers.carrier(code)``.
"""

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from catalog.stock_history import StockMovement
from market import registry
from market.accounts.models import User
from market.extensions import db
from orders import carriers
from orders.carriers import (
    CarrierError,
    CarrierUnavailable,
    CreatedShipment,
    Parcel,
    Place,
    ShipmentStatus,
    StatusUpdate,
    WebhookRefused,
)
from orders.checkout import place_order
from orders.models import ActorRole, DeliveryMethod, OrderPart, PartStatus, PaymentMethod
from orders.shipment_models import Shipment, ShipmentEvent
from payments.models import EntryKind
from tests.orders.conftest import Shop
from tests.orders.helpers import order_request
from tests.payments.conftest import ledger_rows, post_sepay, sepay_body, with_payment_keys
from tests.recorded_http import RecordedTransport, interaction

TOKEN = "fake-carrier-token"
TEA = 120_000
FEE = 30_000


@dataclass
class FakeCarrier:
    """A carrier that answers as told and remembers what it was asked."""

    code: str = "fake"
    name: str = "Fake Express"
    max_weight_grams: int = 30_000
    refusal: CarrierError | None = None
    meanwhile: Callable[[], object] | None = None  # runs while the carrier "answers"
    created: list[tuple[str, Place, Place, Parcel]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> None:
        raise NotImplementedError

    def create_shipment(
        self, reference: str, origin: Place, destination: Place, parcel: Parcel, note: str = ""
    ) -> CreatedShipment:
        if self.refusal:
            raise self.refusal
        self.created.append((reference, origin, destination, parcel))
        if self.meanwhile:
            self.meanwhile()
        return CreatedShipment(self.code, f"FK{len(self.created):06d}", 32_000)

    def cancel(self, tracking_code: str) -> None:
        if self.refusal:
            raise self.refusal
        self.cancelled.append(tracking_code)

    def label_pdf(self, tracking_code: str) -> bytes:
        if self.refusal:
            raise self.refusal
        return b"%PDF-1.4 label " + tracking_code.encode()

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[StatusUpdate]:
        if headers.get("x-token") != TOKEN:
            raise WebhookRefused("bad token")
        data = json.loads(body)
        return [
            StatusUpdate(
                carrier=self.code,
                tracking_code=data["code"],
                status=ShipmentStatus(data["status"]),
                at=datetime.fromisoformat(data["at"]),
                event_id=data["id"],
                carrier_status=data.get("text", ""),
                cod_collected=data.get("cod"),
            )
        ]


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Payments keys, so money received and refunds due are booked as on the site."""
    return with_payment_keys(app_config)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCarrier]:
    """The fake carrier, configured as ``fake`` beside the real ones."""
    carrier = FakeCarrier()
    real = carriers.carrier

    def lookup(code: str) -> FakeCarrier:
        return carrier if code == carrier.code else real(code)

    monkeypatch.setattr(carriers, "carrier", lookup)
    yield carrier


def carrier_part(
    app: Flask,
    shop: Shop,
    payment: PaymentMethod = PaymentMethod.CASH,
    tea: int = 1,
    carrier: str = "fake",
) -> int:
    """An order of tea from producer A, home delivery by the fake carrier; the part's id."""
    with app.app_context():
        request = order_request(
            [(shop.tea, tea, TEA)],
            [shop.producer_a],
            payment,
            DeliveryMethod.HOME,
            fees={shop.producer_a: FEE},
        )
        part = place_order(request).parts[0]
        part.carrier, part.carrier_service = carrier, "standard"
        part.producer.commune_code = "02215"  # Phường Minh Xuân, Tuyên Quang
        part.producer.packaging_grams = 100
        db.session.get_one(Product, shop.tea).weight_grams = 500
        db.session.commit()
        return part.id


def part_url(shop: Shop, part_id: int, tail: str = "") -> str:
    return f"/ban-hang/{shop.producer_a}/don-hang/{part_id}{tail}"


def pack(client: FlaskClient, shop: Shop, part_id: int) -> str:
    """Press "Mark packed" on the part's page; the page shown after."""
    response = client.post(part_url(shop, part_id, "/chuyen"), data={"action": "pack"})
    assert response.status_code == 303
    return client.get(part_url(shop, part_id)).get_data(as_text=True)


def part_and_shipment(app: Flask, part_id: int) -> tuple[OrderPart, Shipment | None]:
    with app.app_context():
        part = db.session.get_one(OrderPart, part_id)
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.part_id == part_id))
        assert part.order.code  # loaded for ``part.reference``
        db.session.expunge_all()
        return part, shipment


def tea_stock(app: Flask, shop: Shop) -> tuple[int, list[int]]:
    """The tea's stock now and its movements, oldest first."""
    with app.app_context():
        stock = db.session.get_one(Product, shop.tea).stock
        moves = db.session.scalars(
            sa.select(StockMovement.delta)
            .where(StockMovement.product_id == shop.tea)
            .order_by(StockMovement.id)
        ).all()
        return stock, list(moves)


def notify(
    client: FlaskClient,
    event_id: str,
    status: str,
    code: str = "FK000001",
    at: str = "2026-12-07T03:00:00",
    token: str = TOKEN,
    **extra: object,
) -> int:
    """The carrier posts one status update; the answer's status code."""
    body = {"id": event_id, "code": code, "status": status, "at": at, **extra}
    response = client.post("/webhooks/carriers/fake", json=body, headers={"X-Token": token})
    return response.status_code


@pytest.fixture
def packed(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, login_as: Callable[..., User]
) -> int:
    """A cash part of 2 teas, packed by producer A: shipment FK000001 waits for pickup."""
    part_id = carrier_part(app, shop, tea=2)
    login_as(user=shop.owner_a)
    pack(client, shop, part_id)
    return part_id


# Packing ---------------------------------------------------------------------------------------


def test_packing_a_carrier_part_creates_the_shipment_and_offers_its_label(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, login_as: Callable[..., User]
) -> None:
    part_id = carrier_part(app, shop, tea=2)
    login_as(user=shop.owner_a)

    page = pack(client, shop, part_id)

    part, shipment = part_and_shipment(app, part_id)
    assert part.status == PartStatus.PACKED
    assert shipment is not None
    assert (shipment.carrier, shipment.tracking_code, shipment.status) == (
        "fake",
        "FK000001",
        ShipmentStatus.CREATED,
    )
    assert (shipment.fee, shipment.cod, shipment.service) == (32_000, 2 * TEA + FEE, "standard")
    ((reference, origin, destination, parcel),) = fake.created
    assert reference == part.reference
    assert (origin.name, origin.commune_code) == ("HTX Chè Sử Anh", "02215")
    assert (destination.name, destination.phone, destination.street) == (
        "Nguyễn Thị Lan",
        "0912345678",
        "Thôn 3",
    )
    assert (parcel.weight_grams, parcel.value, parcel.cod) == (1_100, 2 * TEA, 2 * TEA + FEE)
    assert "FK000001" in page and "Fake Express" in page
    assert part_url(shop, part_id, "/tem-van-chuyen") in page
    assert 'value="ship"' not in page  # the carrier moves it from now on
    label = client.get(part_url(shop, part_id, "/tem-van-chuyen"))
    assert label.status_code == 200
    assert label.mimetype == "application/pdf"
    assert label.data == b"%PDF-1.4 label FK000001"


@pytest.mark.parametrize(
    "refusal",
    [
        CarrierError("Địa chỉ người nhận không hợp lệ"),
        CarrierUnavailable("Fake Express không trả lời kịp"),
    ],
    ids=["refused", "timeout"],
)
def test_a_carrier_refusal_or_timeout_changes_nothing_and_says_why(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    fake: FakeCarrier,
    login_as: Callable[..., User],
    refusal: CarrierError,
) -> None:
    part_id = carrier_part(app, shop)
    login_as(user=shop.owner_a)
    fake.refusal = refusal

    page = pack(client, shop, part_id)

    part, shipment = part_and_shipment(app, part_id)
    assert (part.status, part.confirmed_at, shipment) == (
        PartStatus.AWAITING_FULFILMENT,
        None,
        None,
    )
    assert "Fake Express" in page and refusal.message in page
    assert 'value="pack"' in page  # the producer can try again


def test_a_part_changed_while_the_carrier_answered_is_not_packed_and_its_shipment_is_undone(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, login_as: Callable[..., User]
) -> None:
    part_id = carrier_part(app, shop)
    login_as(user=shop.owner_a)

    def someone_else_packs() -> None:
        with db.engine.begin() as elsewhere:
            elsewhere.execute(
                sa.update(OrderPart).where(OrderPart.id == part_id).values(status="packed")
            )

    fake.meanwhile = someone_else_packs

    page = pack(client, shop, part_id)

    assert part_and_shipment(app, part_id)[1] is None  # the other packing made none here
    assert fake.cancelled == ["FK000001"]
    assert "vừa được người khác thay đổi" in page


def test_a_product_without_weight_cannot_be_packed_for_a_carrier(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, login_as: Callable[..., User]
) -> None:
    part_id = carrier_part(app, shop)
    with app.app_context():
        db.session.get_one(Product, shop.tea).weight_grams = None
        db.session.commit()
    login_as(user=shop.owner_a)

    page = pack(client, shop, part_id)

    assert part_and_shipment(app, part_id)[0].status == PartStatus.AWAITING_FULFILMENT
    assert fake.created == []
    assert "khối lượng" in page


def test_another_producers_carrier_label_is_a_404(
    app: Flask, client: FlaskClient, shop: Shop, packed: int, login_as: Callable[..., User]
) -> None:
    login_as(user=shop.owner_b)
    assert client.get(part_url(shop, packed, "/tem-van-chuyen")).status_code == 404
    url = f"/ban-hang/{shop.producer_b}/don-hang/{packed}/tem-van-chuyen"
    assert client.get(url).status_code == 404


def test_a_part_not_sent_by_carrier_has_no_carrier_label(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, login_as: Callable[..., User]
) -> None:
    part_id = carrier_part(app, shop)
    login_as(user=shop.owner_a)
    assert client.get(part_url(shop, part_id, "/tem-van-chuyen")).status_code == 404


def test_cancelling_a_packed_carrier_part_cancels_the_shipment_at_the_carrier(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, packed: int
) -> None:
    response = client.post(part_url(shop, packed, "/huy"), data={"reason": "Hết hàng"})

    assert response.status_code == 303
    part, shipment = part_and_shipment(app, packed)
    assert part.status == PartStatus.CANCELLED
    assert shipment is not None and shipment.status == ShipmentStatus.CANCELLED
    assert fake.cancelled == ["FK000001"]
    assert tea_stock(app, shop) == (10, [-2, 2])


def test_a_carrier_refusing_to_cancel_leaves_the_part_packed(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, packed: int
) -> None:
    fake.refusal = CarrierError("Đơn hàng đã được lấy")

    client.post(part_url(shop, packed, "/huy"), data={"reason": "Hết hàng"})

    part, shipment = part_and_shipment(app, packed)
    assert part.status == PartStatus.PACKED
    assert shipment is not None and shipment.status == ShipmentStatus.CREATED
    assert "Đơn hàng đã được lấy" in client.get(part_url(shop, packed)).get_data(as_text=True)
    assert tea_stock(app, shop) == (8, [-2])


# Webhooks --------------------------------------------------------------------------------------


def test_a_webhook_with_a_bad_token_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, packed: int
) -> None:
    assert notify(client, "e1", "picked_up", token="wrong") == 401
    assert notify(client, "e1", "picked_up", token="") == 401
    part, shipment = part_and_shipment(app, packed)
    assert part.status == PartStatus.PACKED
    assert shipment is not None and shipment.status == ShipmentStatus.CREATED
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent)) == 0


def test_an_unknown_shipment_or_carrier_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, packed: int
) -> None:
    assert notify(client, "e1", "delivered", code="FK999999") == 404
    response = client.post("/webhooks/carriers/nope", json={}, headers={"X-Token": TOKEN})
    assert response.status_code == 404
    part, _shipment = part_and_shipment(app, packed)
    assert part.status == PartStatus.PACKED
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent)) == 0


def test_picked_up_ships_the_part_once_and_a_repeat_is_recorded_once(
    app: Flask, client: FlaskClient, shop: Shop, packed: int
) -> None:
    assert notify(client, "e1", "picked_up", text="Đã lấy hàng") == 200
    assert notify(client, "e1", "picked_up", text="Đã lấy hàng") == 200

    part, shipment = part_and_shipment(app, packed)
    assert part.status == PartStatus.SHIPPED
    assert shipment is not None and shipment.status == ShipmentStatus.PICKED_UP
    with app.app_context():
        events = db.session.scalars(sa.select(ShipmentEvent)).all()
        assert [(e.event_id, e.status, e.carrier_status) for e in events] == [
            ("e1", ShipmentStatus.PICKED_UP, "Đã lấy hàng")
        ]
        shipped = [e for e in part_events(packed) if e == PartStatus.SHIPPED]
        assert len(shipped) == 1


def part_events(part_id: int) -> list[PartStatus]:
    part = db.session.get_one(OrderPart, part_id)
    # The cash the carrier collected is booked as a payment event too (payments.carrier_cod).
    return [event.to_status for event in part.events if event.actor_role != ActorRole.PAYMENT]


def test_an_update_arriving_late_is_kept_but_never_moves_the_part_back(
    app: Flask, client: FlaskClient, shop: Shop, packed: int
) -> None:
    delivered: list[tuple] = []
    with app.app_context():
        registry.SHIPMENT_DELIVERED.add(app, lambda part, *rest: delivered.append((part.id, *rest)))
    assert notify(client, "e3", "delivered", at="2026-12-08T09:30:00", cod=270_000) == 200
    assert notify(client, "e2", "in_transit", at="2026-12-07T10:00:00") == 200
    assert notify(client, "e1", "picked_up", at="2026-12-07T03:00:00") == 200

    part, shipment = part_and_shipment(app, packed)
    assert part.status == PartStatus.DELIVERED
    assert shipment is not None and shipment.status == ShipmentStatus.DELIVERED
    assert shipment.cod_collected == 270_000
    assert delivered == [(packed, "fake", "FK000001", 270_000, datetime(2026, 12, 8, 9, 30))]
    with app.app_context():
        assert part_events(packed)[-2:] == [PartStatus.SHIPPED, PartStatus.DELIVERED]
    told = [str(m["Subject"]) for m in app.extensions["mail_outbox"] if m["To"] == "lan@example.vn"]
    assert [s for s in told if "-1 đang giao" in s or "-1 đã giao" in s] == [
        f"Chợ Quê: đơn {reference(app, packed)} đang giao",
        f"Chợ Quê: đơn {reference(app, packed)} đã giao",
    ]


def reference(app: Flask, part_id: int) -> str:
    with app.app_context():
        return db.session.get_one(OrderPart, part_id).reference


def test_the_timeline_shows_the_carriers_updates_in_local_time_to_shopper_and_producer(
    app: Flask, client: FlaskClient, shop: Shop, packed: int
) -> None:
    notify(client, "e1", "picked_up", at="2026-12-07T03:00:00", text="Đã lấy hàng")
    notify(client, "e2", "in_transit", at="2026-12-07T10:00:00", text="Đang luân chuyển")

    producer_page = client.get(part_url(shop, packed)).get_data(as_text=True)
    with app.app_context():
        token = db.session.get_one(OrderPart, packed).order.access_token
    shopper_page = client.get(f"/don-hang/xem/{token}").get_data(as_text=True)
    for page in (producer_page, shopper_page):
        assert "Fake Express" in page and "FK000001" in page
        assert "Đã lấy hàng" in page and "Đang luân chuyển" in page
        assert "10:00" in page and "17:00" in page  # 03:00 and 10:00 UTC in Hà Nội time
        assert page.index("Đã lấy hàng") < page.index("Đang luân chuyển")
    assert "Cash to collect" not in shopper_page and "Tiền thu hộ" not in shopper_page


def test_a_returned_parcel_releases_the_stock_once_and_flags_the_refund(
    app: Flask, client: FlaskClient, shop: Shop, fake: FakeCarrier, login_as: Callable[..., User]
) -> None:
    part_id = carrier_part(app, shop, PaymentMethod.BANK_TRANSFER, tea=2)
    with app.app_context():
        code = db.session.get_one(OrderPart, part_id).order.payment_code
    assert post_sepay(client, sepay_body(2001, 2 * TEA + FEE, code)).status_code == 200
    login_as(user=shop.owner_a)
    pack(client, shop, part_id)
    notify(client, "e1", "picked_up")
    notify(client, "e2", "returning", at="2026-12-09T03:00:00")

    assert notify(client, "e3", "returned", at="2026-12-10T03:00:00") == 200
    assert notify(client, "e3", "returned", at="2026-12-10T03:00:00") == 200
    assert notify(client, "e4", "returned", at="2026-12-10T04:00:00") == 200
    assert notify(client, "e5", "delivered", at="2026-12-10T05:00:00") == 200

    part, shipment = part_and_shipment(app, part_id)
    assert part.status == PartStatus.CANCELLED
    assert "Fake Express" in part.cancel_reason
    assert shipment is not None and shipment.status == ShipmentStatus.RETURNED
    assert tea_stock(app, shop) == (10, [-2, 2])
    assert (part.paid_amount, part.refunded_amount) == (2 * TEA + FEE, 0)  # to give back
    assert [e.amount for e in ledger_rows(app, kind=EntryKind.PAYMENT)] == [2 * TEA + FEE]
    told = [str(m["Subject"]) for m in app.extensions["mail_outbox"] if m["To"] == "lan@example.vn"]
    assert sum("huỷ" in s or "hủy" in s for s in told) == 1, told
    page = client.get(part_url(shop, part_id)).get_data(as_text=True)
    assert part.cancel_reason in page
    assert f"/thanh-toan/nha-san-xuat/{shop.producer_a}/hoan-tien/{part_id}" in page
    with app.app_context():
        token = db.session.get_one(OrderPart, part_id).order.access_token
    shopper_page = client.get(f"/don-hang/xem/{token}").get_data(as_text=True)
    assert "Số tiền bạn đã trả cho phần này sẽ được hoàn lại." in shopper_page


# The same journey with GHN's own module and its documented answers -----------------------------

GHN = "https://online-gateway.ghn.vn/shiip/public-api"
GHN_SECRET = "ghn-webhook-secret"


def ghn_callback(status: str, time: str, **fields: object) -> dict:
    """A GHN order-status callback, shaped like GHN's documented example."""
    return {
        "CODAmount": 0,
        "ClientOrderCode": "",
        "Description": "",
        "OrderCode": "LBK6RF",
        "PaymentType": 1,
        "ShopID": 885,
        "Status": status,
        "Time": time,
        "Type": "switch_status",
        "Warehouse": "Bưu cục Tuyên Quang",
        **fields,
    }


def test_a_ghn_part_is_packed_through_ghn_and_moved_by_its_callbacks(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    recorded_http: RecordedTransport,
    login_as: Callable[..., User],
) -> None:
    app.config.update(GHN_TOKEN="ghn-token", GHN_SHOP_ID="885", GHN_WEBHOOK_SECRET=GHN_SECRET)
    part_id = carrier_part(app, shop, carrier="ghn")
    with app.app_context():
        order = db.session.get_one(OrderPart, part_id).order
        order.commune_code, order.commune_name = "02374", "Xã Hàm Yên"
        db.session.commit()
    recorded_http.add(
        interaction(
            "POST",
            f"{GHN}/v2/shipping-order/create",
            answer={
                "code": 200,
                "message": "Success",
                "data": {
                    "order_code": "LBK6RF",
                    "total_fee": 33_000,
                    "fee": {"main_service": 33_000},
                },
            },
        )
    )
    login_as(user=shop.owner_a)

    recorded_http.unreachable = True
    page = pack(client, shop, part_id)
    assert part_and_shipment(app, part_id)[0].status == PartStatus.AWAITING_FULFILMENT
    assert part_and_shipment(app, part_id)[1] is None
    assert "GHN" in page and 'value="pack"' in page
    recorded_http.unreachable = False
    page = pack(client, shop, part_id)

    part, shipment = part_and_shipment(app, part_id)
    assert part.status == PartStatus.PACKED
    assert shipment is not None and (shipment.tracking_code, shipment.fee) == ("LBK6RF", 33_000)
    _timed_out, sent = recorded_http.sent_to("/shipping-order/create")
    assert sent.json["client_order_code"] == part.reference
    assert sent.json["cod_amount"] == TEA + FEE
    hook = "/webhooks/carriers/ghn"
    picked = ghn_callback("picked", "2026-12-07T03:00:00Z")
    assert client.post(f"{hook}?token=wrong", json=picked).status_code == 401
    assert client.post(f"{hook}?token={GHN_SECRET}", json=picked).status_code == 200
    assert client.post(f"{hook}?token={GHN_SECRET}", json=picked).status_code == 200
    delivered = ghn_callback("delivered", "2026-12-08T02:00:00Z", CODAmount=TEA + FEE)
    assert client.post(f"{hook}?token={GHN_SECRET}", json=delivered).status_code == 200

    part, shipment = part_and_shipment(app, part_id)
    assert part.status == PartStatus.DELIVERED
    assert shipment is not None and shipment.cod_collected == TEA + FEE
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent)) == 2
