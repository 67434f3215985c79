"""Recalls: shown at the top of the lot page at once, buyers listed and warned, CSRF-protected."""

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Lot
from catalog.trace import services
from catalog.trace.buyers import Buyer, buyers_of
from catalog.trace.models import LotRecall
from market import mail, registry
from market.accounts.models import Role, User
from market.extensions import db
from market.jobs.models import Job, JobState
from market.notify import Channel, Message, MessageStatus
from market.notify.channels.log import OUTBOX
from tests.trace.conftest import GTIN, FakeOrders, World

REASON = "Phát hiện dư lượng thuốc bảo vệ thực vật vượt ngưỡng"


def _recall_url(world: World) -> str:
    return f"/ban-hang/{world.producer_id}/lo/{world.lot_code}/thu-hoi"


def _outbox(app: Flask) -> list:
    return app.extensions.get("mail_outbox", [])


def test_a_recall_by_the_owner_shows_at_the_top_of_the_lot_page_at_once(
    client: FlaskClient, with_events: World, login_as
):
    login_as(user=with_events.owner)
    response = client.post(_recall_url(with_events), data={"reason": REASON, "confirm": "y"})
    assert response.status_code == 302
    for url in (f"/t/{with_events.lot_code}", f"/01/{GTIN}/10/{with_events.lot_code}"):
        html = client.get(url).get_data(as_text=True)
        top = html.split('<header class="lot-head">')[0]
        assert 'class="recall-banner" role="alert"' in top
        assert "Lô hàng này đã bị thu hồi" in top
        assert REASON in top
        assert "HTX Cam sành Hàm Yên" in top  # who recalled it
        assert '<meta property="og:title" content="ĐÃ THU HỒI · Cam sành Hàm Yên' in html


def test_a_recall_needs_a_reason_and_a_confirmation(
    app: Flask, client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    client.post(_recall_url(world), data={"reason": REASON})
    page = client.get(f"/ban-hang/{world.producer_id}/lo/{world.lot_code}").get_data(as_text=True)
    assert "Đánh dấu ô để xác nhận thu hồi." in page
    client.post(_recall_url(world), data={"reason": "", "confirm": "y"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LotRecall)) == 0


def test_buyers_are_warned_on_every_channel_in_their_language_and_the_count_is_kept(
    app: Flask, client: FlaskClient, world: World, fake_orders: FakeOrders, login_as
):
    login_as(user=world.staff)
    client.post(_recall_url(world), data={"reason": REASON, "confirm": "y"})
    mails = {m["To"]: m for m in _outbox(app)}
    assert set(mails) == {"lan@example.vn", "mary@example.com"}
    lan = mails["lan@example.vn"]
    assert lan["Subject"] == "Thu hồi: Cam sành Hàm Yên, lô 250312-CAM1"
    body = lan.get_content()
    assert "CQ-1001" in body and REASON in body
    assert f"http://localhost/t/{world.lot_code}" in body
    assert mails["mary@example.com"]["Subject"] == "Recall: Cam sành Hàm Yên, lot 250312-CAM1"
    # Nam has only a phone: he hears it by SMS and Zalo, as Lan does besides her e-mail.
    phones = {(channel.value, out.recipient) for channel, out in app.extensions[OUTBOX]}
    assert phones == {
        ("sms", "0987654321"),
        ("zalo", "0987654321"),
        ("sms", "0911222333"),
        ("zalo", "0911222333"),
    }
    sms = [out.text for channel, out in app.extensions[OUTBOX] if channel == Channel.SMS]
    assert all(text.startswith("Cho Que THU HOI") and "250312-CAM1" in text for text in sms)
    with app.app_context():
        assert db.session.scalar(sa.select(LotRecall.buyers_emailed)) == 3


def test_the_producer_sees_who_bought_the_lot(
    client: FlaskClient, world: World, fake_orders: FakeOrders, login_as
):
    login_as(user=world.owner)
    html = client.get(f"/ban-hang/{world.producer_id}/lo/{world.lot_code}").get_data(as_text=True)
    assert "Ai đã mua lô này" in html
    for text in ("Nguyễn Thị Lan", "lan@example.vn", "0911222333", "CQ-1002"):
        assert text in html


def test_a_helper_neither_sees_buyers_nor_may_recall(
    client: FlaskClient, world: World, fake_orders: FakeOrders, login_as
):
    login_as(user=world.helper)
    html = client.get(f"/ban-hang/{world.producer_id}/lo/{world.lot_code}").get_data(as_text=True)
    assert "Nguyễn Thị Lan" not in html
    assert "Thu hồi lô này" not in html


def test_a_manager_recalls_a_lot_and_sees_its_buyers(
    app: Flask, client: FlaskClient, world: World, fake_orders: FakeOrders, login_as
):
    login_as(Role.MANAGER, provincial=True)
    found = client.get("/quan-ly/truy-xuat/?code=250312-cam1")
    assert found.headers["Location"].endswith(f"/quan-ly/truy-xuat/lo/{world.lot_code}")
    html = client.get(found.headers["Location"]).get_data(as_text=True)
    assert "Nguyễn Thị Lan" in html and "CQ-1003" in html
    client.post(
        f"/quan-ly/truy-xuat/lo/{world.lot_code}/thu-hoi", data={"reason": REASON, "confirm": "y"}
    )
    public = client.get(f"/t/{world.lot_code}").get_data(as_text=True)
    assert "bởi ban quản lý chợ" in public
    listing = client.get("/quan-ly/truy-xuat/").get_data(as_text=True)
    assert REASON in listing
    with app.app_context():
        assert db.session.scalar(sa.select(LotRecall.by_manager)) is True


def test_a_manager_looking_up_an_unknown_code_is_told_so(client: FlaskClient, login_as):
    login_as(Role.MANAGER, provincial=True)
    html = client.get("/quan-ly/truy-xuat/?code=KHONG-CO", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Không có lô nào mang mã KHONG-CO." in html


def test_a_lot_cannot_be_recalled_twice(app: Flask, world: World):
    with app.test_request_context():
        lot = db.session.get(Lot, world.lot_id)
        owner = db.session.get(User, world.owner.id)
        services.recall_lot(lot, REASON, owner)
        with pytest.raises(services.AlreadyRecalled, match="đã bị thu hồi"):
            services.recall_lot(lot, "lần nữa", owner)


def test_a_lot_made_from_a_recalled_lot_warns_at_the_top(
    app: Flask, client: FlaskClient, world: World
):
    from datetime import datetime
    from decimal import Decimal

    with app.test_request_context():
        lot = db.session.get(Lot, world.lot_id)
        owner = db.session.get(User, world.owner.id)
        made = services.create_processed_lot(
            lot.product,
            [(lot, Decimal(50))],
            Decimal(20),
            datetime(2025, 3, 20, 3),
            owner,
            code="NUOC-CAM-1",
        )
        services.recall_lot(lot, REASON, owner)
        code = made.code
    top = client.get(f"/t/{code}").get_data(as_text=True).split('<header class="lot-head">')[0]
    assert "Làm từ lô đã bị thu hồi" in top
    assert f"Lô này được làm từ lô {world.lot_code}" in top


def test_a_failing_mail_server_does_not_undo_the_recall(
    app: Flask, world: World, fake_orders: FakeOrders, monkeypatch
):
    def refuse(_payload: dict) -> None:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail, "deliver", refuse)
    with app.test_request_context():
        recall = services.recall_lot(
            db.session.get(Lot, world.lot_id), REASON, db.session.get(User, world.owner.id)
        )
        assert recall.id is not None
        emails = db.session.scalars(
            sa.select(Message).where(Message.channel == Channel.EMAIL)
        ).all()
        # Each e-mail waits for a retry (its job is queued again); the recall stands.
        assert emails and {(m.status, m.attempts) for m in emails} == {(MessageStatus.QUEUED, 1)}
        assert all("ConnectionRefusedError" in m.error for m in emails)
        jobs = db.session.scalars(sa.select(Job).where(Job.kind == "notify.send")).all()
        assert sum(1 for job in jobs if job.state == JobState.QUEUED) == len(emails)


def test_buyers_from_several_sources_are_merged_once_per_order(app: Flask, world: World):
    lan = Buyer("Lan", "lan@example.vn", None, "CQ-1")
    registry.LOT_BUYERS.add(app, lambda _lot_id: [lan])
    registry.LOT_BUYERS.add(app, lambda _lot_id: [lan, Buyer("An", None, "0912", "CQ-2")])
    with app.app_context():
        assert [b.order_reference for b in buyers_of(world.lot_id)] == ["CQ-2", "CQ-1"]


@pytest.fixture
def csrf_on(app_config: dict) -> dict:
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_the_recall_form_is_protected_against_cross_site_requests(
    csrf_on: dict, app: Flask, client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    forged = client.post(_recall_url(world), data={"reason": REASON, "confirm": "y"})
    assert forged.status_code == 400
    page = client.get(f"/ban-hang/{world.producer_id}/lo/{world.lot_code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LotRecall)) == 0
    done = client.post(
        _recall_url(world), data={"reason": REASON, "confirm": "y", "csrf_token": token}
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LotRecall)) == 1
