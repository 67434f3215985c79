"""Zalo ZNS template messages, answered from recorded responses."""

from collections.abc import Callable

from flask import Flask

from market.accounts.models import User
from market.extensions import db
from market.notify import Channel, Message, MessageStatus, Topic, notify, set_channels
from tests.recorded_http import RecordedTransport

ZNS_URL = "https://business.openapi.zalo.me/message/template"


def _zalo_notice(app: Flask, make_user: Callable[..., User], phone: str) -> Message:
    user = make_user(email=None, phone=phone)
    with app.app_context():
        user = db.session.merge(user)
        set_channels(user, Topic.ORDERS, [Channel.ZALO])
        [message] = notify(Topic.ORDERS, "test_order_placed", {"reference": "CQ7"}, user=user)
        db.session.commit()
        db.session.refresh(message)
        db.session.expunge(message)
        return message


def test_an_accepted_zns_message_records_zalo_s_id_and_its_cost(
    app: Flask, zalo: RecordedTransport, make_user: Callable[..., User]
) -> None:
    message = _zalo_notice(app, make_user, "0912345678")
    assert (message.channel, message.status) == (Channel.ZALO, MessageStatus.SENT)
    assert (message.provider, message.provider_message_id, message.cost) == (
        "zalo_zns",
        "3367db02643ff967a028",
        300,
    )
    [request] = zalo.sent_to(ZNS_URL)
    assert request.headers["access_token"] == "test-oa-token"
    assert request.json == {
        "phone": "84912345678",
        "template_id": "248791",
        "template_data": {"order_code": "CQ7"},
        "tracking_id": str(message.id),
    }


def test_a_phone_without_zalo_fails_at_once(
    app: Flask, zalo: RecordedTransport, make_user: Callable[..., User]
) -> None:
    message = _zalo_notice(app, make_user, "0977000118")
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "Zalo -118" in message.error


def test_an_invalid_token_is_retried_then_fails(
    app: Flask,
    zalo: RecordedTransport,
    make_user: Callable[..., User],
    run_retries: Callable[[], int],
) -> None:
    app.config["JOBS_MAX_ATTEMPTS"] = 2
    message = _zalo_notice(app, make_user, "0988000124")
    assert message.status == MessageStatus.QUEUED
    assert "access token" in message.error
    run_retries()
    with app.app_context():
        message = db.session.get(Message, message.id)
        assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)


def test_a_timeout_is_retried(
    app: Flask,
    zalo: RecordedTransport,
    make_user: Callable[..., User],
    run_retries: Callable[[], int],
) -> None:
    zalo.unreachable = True
    message = _zalo_notice(app, make_user, "0912345678")
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    zalo.unreachable = False
    run_retries()
    with app.app_context():
        assert db.session.get(Message, message.id).status == MessageStatus.SENT


def test_a_notice_without_a_zns_template_goes_by_sms_instead(
    app: Flask, zalo: RecordedTransport, make_user: Callable[..., User]
) -> None:
    user = make_user(email=None, phone="0912345678")
    with app.app_context():
        user = db.session.merge(user)
        set_channels(user, Topic.NEWS, [Channel.ZALO])
        messages = notify(Topic.NEWS, "test_news", {"text": "Phiên chợ mới"}, user=user)
        assert [m.channel for m in messages] == [Channel.SMS]
    assert zalo.sent_to(ZNS_URL) == []
