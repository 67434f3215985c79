"""Recording events, their order and time zones, processing into new lots, and sale allocation."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Lot
from catalog.trace import services
from catalog.trace.models import BizStep, EventType, LotEvent, LotEventInput, LotRecall
from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from tests.trace.conftest import World

WORKSPACE = "/ban-hang/{producer}/lo"


def _events(app: Flask, lot_id: int) -> list[LotEvent]:
    with app.app_context():
        events = db.session.scalars(
            sa.select(LotEvent).where(LotEvent.lot_id == lot_id).order_by(LotEvent.id)
        ).all()
        db.session.expunge_all()
        return list(events)


def _event_form(**changes: str) -> dict:
    form = {
        "type": "harvest",
        "day": "2025-03-12",
        "at": "08:30",
        "place": "Đồi cam Phù Lưu",
        "biz_step": "",
        "quantity": "",
        "gln": "",
        "certificate": "",
        "certificate_ref": "",
    }
    form.update(changes)
    return form


def test_owner_records_a_harvest_in_local_time_stored_as_utc(
    app: Flask, client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/{world.lot_code}/su-kien"
    response = client.post(url, data=_event_form(quantity="480.5"))
    assert response.status_code == 302
    (event,) = _events(app, world.lot_id)
    assert event.type == EventType.HARVEST
    assert event.occurred_at == datetime(2025, 3, 12, 1, 30)  # 08:30 in Vietnam is 01:30 UTC
    assert event.biz_step == BizStep.COMMISSIONING
    assert event.quantity == Decimal("480.5")
    assert event.recorded_by_id == world.owner.id


def test_event_form_defaults_to_the_local_date_and_time(
    client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/{world.lot_code}/su-kien"
    html = client.get(url).get_data(as_text=True)
    local_day = re.search(r'name="day"[^>]* value="([0-9-]+)"', html).group(1)
    local_time = re.search(r'name="at"[^>]* value="([0-9:]+)"', html).group(1)
    shown = datetime.fromisoformat(f"{local_day}T{local_time}")
    assert abs((shown - (utcnow() + timedelta(hours=7))).total_seconds()) < 120


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"place": ""}, "Cho biết việc này diễn ra ở đâu."),
        ({"day": "2999-01-01"}, "Thời gian không thể ở tương lai."),
        ({"day": "hôm qua"}, "Nhập ngày."),
        ({"quantity": "-3"}, "Nhập một số lượng lớn hơn 0."),
        ({"gln": "8931234567890"}, "Mã GLN gồm 13 chữ số với số kiểm tra đúng."),
        ({"type": "processing"}, "Lựa chọn không hợp lệ."),
    ],
)
def test_a_bad_event_gets_a_clear_message_and_records_nothing(
    app: Flask, client: FlaskClient, world: World, login_as, changes: dict, message: str
):
    login_as(user=world.owner)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/{world.lot_code}/su-kien"
    response = client.post(url, data=_event_form(**changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert _events(app, world.lot_id) == []


def test_a_valid_gln_and_a_chosen_business_step_are_kept(
    app: Flask, client: FlaskClient, world: World, login_as
):
    login_as(user=world.staff)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/{world.lot_code}/su-kien"
    client.post(url, data=_event_form(type="receiving", biz_step="inspecting", gln="8931234567897"))
    (event,) = _events(app, world.lot_id)
    assert (event.gln, event.biz_step) == ("8931234567897", BizStep.INSPECTING)


def test_the_chain_lists_events_oldest_first_in_vietnam_time(
    client: FlaskClient, with_events: World
):
    html = client.get(f"/t/{with_events.lot_code}").get_data(as_text=True)
    chain = html.split('class="chain"')[1]
    times = re.findall(r"<time datetime=\"([^\"]+)\">([^<]+)</time>", chain)
    assert times == [
        ("2025-03-12T01:30:00Z", "12/03/2025 08:30"),
        ("2025-03-13T09:15:00Z", "13/03/2025 16:15"),
        ("2025-03-14T02:00:00Z", "14/03/2025 09:00"),
    ]
    assert chain.index("Thu hoạch") < chain.index("Đóng gói") < chain.index("Vận chuyển đi")
    assert "Thời gian theo giờ Việt Nam (UTC+7)" in html


def test_an_event_just_after_midnight_in_vietnam_shows_on_the_local_date(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        lot = db.session.get(Lot, world.lot_id)
        services.record_event(lot, EventType.PACKING, datetime(2025, 3, 12, 17, 5), None)
    html = client.get(f"/t/{world.lot_code}").get_data(as_text=True)
    assert "13/03/2025 00:05" in html


def test_event_certificates_are_listed_with_their_link(client: FlaskClient, with_events: World):
    html = client.get(f"/t/{with_events.lot_code}").get_data(as_text=True)
    assert 'href="https://example.vn/vietgap/123"' in html
    assert "Chứng nhận khi thu hoạch" in html


def test_processing_cannot_be_recorded_as_a_plain_event(app: Flask, world: World):
    with app.app_context(), pytest.raises(services.TraceError):
        services.record_event(
            db.session.get(Lot, world.lot_id), EventType.PROCESSING, datetime(2025, 3, 1), None
        )


# Processing --------------------------------------------------------------------------------


def _processing_form(world: World, app: Flask, **changes: str) -> dict:
    with app.app_context():
        ids = db.session.scalars(
            sa.select(Lot.id).join(Lot.product).where(Lot.code.in_([world.lot_code]))
        ).all()
    form = {
        "inputs-0-lot_id": str(ids[0]),
        "inputs-0-use": "y",
        "inputs-0-quantity": "200",
        "product": str(world.plain_product_id),
        "quantity": "60",
        "code": "mut-cam-01",
        "place": "Xưởng sấy",
        "day": "2025-03-20",
        "at": "10:00",
        "gln": "",
        "certificate": "",
        "certificate_ref": "",
    }
    form.update(changes)
    return form


def test_processing_makes_a_new_lot_linked_to_its_inputs(
    app: Flask, client: FlaskClient, world: World, login_as
):
    with app.app_context():
        lot = db.session.get(Lot, world.lot_id)
        services.record_sale_event(lot, "CQ-7", 2, datetime(2025, 3, 15, 3))
        db.session.commit()
    login_as(user=world.helper)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/che-bien/moi"
    assert client.get(url).status_code == 200
    response = client.post(url, data=_processing_form(world, app))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/lo/MUT-CAM-01")
    with app.app_context():
        made = db.session.scalar(sa.select(Lot).where(Lot.code == "MUT-CAM-01"))
        assert made.product_id == world.plain_product_id
        assert made.harvest_date == date(2025, 3, 20)
        assert made.growing_area_id == world.area_id
        (event,) = db.session.scalars(sa.select(LotEvent).where(LotEvent.lot_id == made.id))
        assert event.type == EventType.PROCESSING
        assert event.recorded_by_id == world.helper.id
        assert [(i.lot_id, i.quantity) for i in event.inputs] == [(world.lot_id, Decimal(200))]
    page = client.get("/t/MUT-CAM-01").get_data(as_text=True)
    assert "Ngày sản xuất" in page
    assert f'href="/t/{world.lot_code}"' in page
    main = page.split('<main id="main"', 1)[1]
    assert "Bán hàng" not in main  # the input lot's own sales are not this lot's path
    source = client.get(f"/t/{world.lot_code}").get_data(as_text=True)
    assert 'href="/t/MUT-CAM-01"' in source  # forward trace: "used to make"


def test_processing_generates_a_code_when_none_is_given(
    app: Flask, client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/che-bien/moi"
    response = client.post(url, data=_processing_form(world, app, code=""))
    assert re.search(r"/lo/250320-[2-9A-HJ-NP-Z]{4}$", response.headers["Location"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inputs-0-use": ""}, "Chọn ít nhất một lô nguyên liệu."),
        ({"inputs-0-quantity": "501"}, "Lô này chỉ còn 500"),
        ({"code": "lô cam!"}, "Dùng chữ cái, chữ số, dấu chấm và gạch ngang"),
        ({"code": "CHE-01"}, "Mã CHE-01 đã được một lô khác sử dụng."),
        ({"quantity": ""}, "Nhập số lượng làm ra."),
    ],
)
def test_bad_processing_gets_a_clear_message_and_makes_no_lot(
    app: Flask, client: FlaskClient, world: World, login_as, changes: dict, message: str
):
    login_as(user=world.owner)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/che-bien/moi"
    response = client.post(url, data=_processing_form(world, app, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) == 3


def test_another_producers_lot_cannot_be_used_as_input(
    app: Flask, client: FlaskClient, world: World, login_as
):
    with app.app_context():
        foreign = db.session.scalar(sa.select(Lot.id).where(Lot.code == world.other_lot_code))
    login_as(user=world.owner)
    url = f"{WORKSPACE.format(producer=world.producer_id)}/che-bien/moi"
    response = client.post(
        url, data=_processing_form(world, app, **{"inputs-0-lot_id": str(foreign)})
    )
    assert "Một trong các lô đã chọn không còn dùng được." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LotEventInput)) == 0


def test_a_recalled_lot_cannot_be_processed(app: Flask, world: World):
    with app.test_request_context():
        lot = db.session.get(Lot, world.lot_id)
        owner = db.session.get(User, world.owner.id)
        services.recall_lot(lot, "Dư lượng thuốc bảo vệ thực vật", owner)
        plain = lot.product.producer.products[1]
        with pytest.raises(services.InvalidInputLots, match="thu hồi"):
            services.create_processed_lot(
                plain, [(lot, None)], Decimal(10), datetime(2025, 3, 20, 3), owner
            )


# Sale allocation (called by orders' fulfilment) --------------------------------------------


def _add_lot(product_id: int, code: str, harvested: date, quantity: int) -> Lot:
    lot = Lot(code=code, product_id=product_id, harvest_date=harvested, quantity=quantity)
    db.session.add(lot)
    db.session.commit()
    return lot


def test_lots_for_a_shipment_are_chosen_oldest_harvest_first(app: Flask, world: World):
    with app.app_context():
        _add_lot(world.product_id, "NEWER", date(2025, 4, 1), 50)
        _add_lot(world.product_id, "OLDEST", date(2025, 1, 5), 30)
        chosen = services.choose_lots_for_shipment(world.product_id, 100)
        assert [(a.lot.code, a.quantity) for a in chosen] == [
            ("OLDEST", 30),
            (world.lot_code, 70),
        ]


def test_sold_and_processed_quantities_are_no_longer_available(app: Flask, world: World):
    with app.app_context():
        oldest = _add_lot(world.product_id, "OLDEST", date(2025, 1, 5), 30)
        services.record_sale_event(oldest, "CQ-1", 25, datetime(2025, 3, 1, 4))
        db.session.commit()
        chosen = services.choose_lots_for_shipment(world.product_id, 10)
        assert [(a.lot.code, a.quantity) for a in chosen] == [("OLDEST", 5), (world.lot_code, 5)]


def test_recalled_lots_and_lots_made_from_them_are_never_chosen(app: Flask, world: World):
    with app.app_context():
        lot = db.session.get(Lot, world.lot_id)
        owner = db.session.get(User, world.owner.id)
        made = services.create_processed_lot(
            lot.product, [(lot, Decimal(100))], Decimal(40), datetime(2025, 3, 20, 3), owner
        )
        services.recall_lot(lot, "Nhiễm khuẩn", owner)
        assert services.choose_lots_for_shipment(world.product_id, 10) == []
        assert db.session.scalar(sa.select(LotRecall.lot_id)) == lot.id
        assert made.id not in {lot.id for lot, _left in services.available_lots(world.product_id)}


def test_allocation_may_cover_less_than_asked_when_lots_run_out(app: Flask, world: World):
    with app.app_context():
        chosen = services.choose_lots_for_shipment(world.product_id, 800)
        assert sum(a.quantity for a in chosen) == 500


def test_a_sale_event_joins_the_callers_transaction_and_keeps_the_order_private(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        lot = db.session.get(Lot, world.lot_id)
        event = services.record_sale_event(lot, "CQ-2025-0042", 3, datetime(2025, 3, 15, 5))
        assert event.id is not None  # flushed for the caller
        db.session.rollback()  # the caller's transaction failed: no sale is left behind
        assert _count_sales() == 0
        services.record_sale_event(lot, "CQ-2025-0042", 3, datetime(2025, 3, 15, 5))
        db.session.commit()
        assert _count_sales() == 1
    html = client.get(f"/t/{world.lot_code}").get_data(as_text=True)
    assert "Bán hàng" in html
    assert "CQ-2025-0042" not in html


def _count_sales() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(LotEvent.type == EventType.SELLING))


def test_a_lot_with_events_is_kept_as_history(app: Flask, with_events: World):
    with app.app_context():
        assert services.lot_has_history(with_events.lot_id)
        plain = db.session.scalar(sa.select(Lot.id).where(Lot.code == with_events.plain_lot_code))
        assert not services.lot_has_history(plain)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (" 250312-cam1 ", "250312-CAM1"),
        ("A.B_C-1", "A.B_C-1"),
        ("", None),
        ("lô 1", None),
        ("X" * 21, None),
        ("-START", None),
    ],
)
def test_lot_codes_are_trimmed_upper_cased_and_url_safe(raw: str, code: str | None):
    assert services.normalize_lot_code(raw) == code
