"""eSMS's delivery reports: the signed address first, then the final status and price."""

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.extensions import db
from market.notify import Message, MessageStatus, Topic, notify
from market.notify.channels.esms import callback_signature
from tests.recorded_http import RecordedTransport

CALLBACKS = json.loads(
    (Path(__file__).parent / "recorded" / "esms_callbacks.json").read_text(encoding="utf-8")
)


@pytest.fixture
def sent_sms(app: Flask, esms: RecordedTransport) -> int:
    """An order SMS eSMS accepted (SMSID d533…)."""
    with app.app_context():
        [message] = notify(
            Topic.ORDERS, "test_order_placed", {"reference": "1"}, phone="0912345678"
        )
        db.session.commit()
        return message.id


def _address(app: Flask, message_id: int) -> str:
    with app.app_context():
        return f"/webhooks/notify/esms/{message_id}/{callback_signature(message_id)}"


def _message(app: Flask, message_id: int) -> Message:
    with app.app_context():
        message = db.session.get(Message, message_id)
        db.session.expunge(message)
        return message


def test_the_sms_names_its_own_signed_callback_address(
    app: Flask, sent_sms: int, esms: RecordedTransport
) -> None:
    [request] = esms.sent
    assert request.json["CallbackUrl"] == "http://localhost" + _address(app, sent_sms)


def test_a_delivered_report_records_delivery_and_the_price(
    app: Flask, client: FlaskClient, sent_sms: int
) -> None:
    answer = client.get(f"{_address(app, sent_sms)}?{CALLBACKS['delivered']}")
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "OK")
    message = _message(app, sent_sms)
    assert (message.status, message.cost) == (MessageStatus.DELIVERED, 820)


def test_a_refused_report_marks_the_message_failed_at_no_cost(
    app: Flask, client: FlaskClient, sent_sms: int
) -> None:
    client.get(f"{_address(app, sent_sms)}?{CALLBACKS['refused']}")
    message = _message(app, sent_sms)
    assert (message.status, message.cost) == (MessageStatus.FAILED, 0)
    assert "did not deliver" in message.error


def test_reports_still_on_their_way_or_naming_another_sms_change_nothing(
    app: Flask, client: FlaskClient, sent_sms: int
) -> None:
    for name in ("waiting", "unknown"):
        answer = client.get(f"{_address(app, sent_sms)}?{CALLBACKS[name]}")
        assert answer.status_code == 200
    message = _message(app, sent_sms)
    assert (message.status, message.cost) == (MessageStatus.SENT, 800)


def test_a_wrong_signature_is_not_found_and_changes_nothing(
    app: Flask, client: FlaskClient, sent_sms: int
) -> None:
    other = _address(app, sent_sms + 1).rsplit("/", 1)[1]  # another message's signature
    for signature in ("wrong", other, other.upper()):
        answer = client.get(
            f"/webhooks/notify/esms/{sent_sms}/{signature}?{CALLBACKS['delivered']}"
        )
        assert answer.status_code == 404
    assert _message(app, sent_sms).status == MessageStatus.SENT


def test_reports_can_be_turned_off(
    app: Flask, client: FlaskClient, esms: RecordedTransport
) -> None:
    app.config["ESMS_CALLBACKS"] = False
    with app.app_context():
        [message] = notify(
            Topic.ORDERS, "test_order_placed", {"reference": "1"}, phone="0912345678"
        )
        db.session.commit()
        message_id = message.id
    assert "CallbackUrl" not in esms.sent[0].json
    answer = client.get(f"{_address(app, message_id)}?{CALLBACKS['delivered']}")
    assert answer.status_code == 404
