"""SMS through eSMS.vn, answered from recorded responses: accepted, rejected, timeout, bad keys."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from market.accounts.models import User
from market.extensions import db
from market.jobs.models import Job, JobState
from market.notify import Channel, Message, MessageStatus, Topic, notify, send_code
from market.notify.channels.esms import callback_signature
from tests.recorded_http import RecordedTransport

SEND_URL = "SendMultipleMessage_V4_post_json"


def _order_sms(app: Flask, phone: str) -> Message:
    with app.app_context():
        [message] = notify(Topic.ORDERS, "test_order_placed", {"reference": "CQ-ĐÀ-7"}, phone=phone)
        db.session.commit()  # the job runs right after (JOBS_EAGER)
        db.session.refresh(message)
        db.session.expunge(message)
        return message


def test_an_accepted_sms_records_the_esms_id_and_its_cost(
    app: Flask, esms: RecordedTransport
) -> None:
    message = _order_sms(app, "0912 345 678")
    assert message.channel == Channel.SMS
    assert message.status == MessageStatus.SENT
    assert (message.provider, message.provider_message_id) == (
        "esms",
        "d533459ee42b2b9525ba9eabf6a8156",
    )
    assert message.cost == 800
    assert message.sent_at is not None
    [request] = esms.sent_to(SEND_URL)
    assert request.method == "POST"
    with app.app_context():
        signature = callback_signature(message.id)
    assert request.json == {
        "ApiKey": "test-api-key",
        "SecretKey": "test-secret",
        "Phone": "0912345678",
        "Content": "Cho Que: order CQ-DA-7 placed.",
        "Brandname": "CHOQUE",
        "SmsType": "2",
        "IsUnicode": "0",
        "Sandbox": "0",
        "RequestId": str(message.id),
        "CallbackUrl": f"http://localhost/webhooks/notify/esms/{message.id}/{signature}",
    }


def test_a_duplicate_request_id_counts_as_sent_once(app: Flask, esms: RecordedTransport) -> None:
    message = _order_sms(app, "0987654321")
    assert message.status == MessageStatus.SENT
    assert len(esms.sent_to(SEND_URL)) == 1


def test_a_blocked_number_fails_at_once_without_retries(
    app: Flask, esms: RecordedTransport
) -> None:
    message = _order_sms(app, "0977000108")
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert "eSMS 99" in message.error
    assert message.cost == 0
    with app.app_context():
        [job] = db.session.scalars(sa.select(Job)).all()
        assert job.state == JobState.DONE  # the failure lives on the message, shown to managers


def test_bad_keys_are_retried_then_the_message_fails(
    app: Flask, esms: RecordedTransport, run_retries: Callable[[], int]
) -> None:
    app.config.update(ESMS_API_KEY="wrong-api-key", JOBS_MAX_ATTEMPTS=3)
    message = _order_sms(app, "0912345678")
    assert message.status == MessageStatus.QUEUED
    assert "eSMS 101" in message.error and "ApiKey" in message.error
    assert run_retries() == 1
    assert run_retries() == 1
    assert run_retries() == 0
    with app.app_context():
        message = db.session.get(Message, message.id)
        assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
        assert "eSMS 101" in message.error
        assert db.session.scalar(sa.select(Job.state)) == JobState.DONE
    assert len(esms.sent_to(SEND_URL)) == 3


def test_a_timeout_is_retried_and_the_retry_goes_through(
    app: Flask, esms: RecordedTransport, run_retries: Callable[[], int]
) -> None:
    esms.unreachable = True
    message = _order_sms(app, "0912345678")
    assert message.status == MessageStatus.QUEUED
    assert "timed out" in message.error
    esms.unreachable = False
    run_retries()
    with app.app_context():
        message = db.session.get(Message, message.id)
        assert (message.status, message.attempts, message.error) == (MessageStatus.SENT, 2, None)
    # Both attempts carried the same RequestId: eSMS refuses a second SMS for it.
    assert {r.json["RequestId"] for r in esms.sent_to(SEND_URL)} == {str(message.id)}


def test_an_answer_that_is_not_json_is_retried(app: Flask, esms: RecordedTransport) -> None:
    message = _order_sms(app, "0966000500")
    assert message.status == MessageStatus.QUEUED
    assert "not JSON" in message.error


def test_a_code_goes_out_unaccented_and_is_not_kept_or_logged(
    app: Flask, esms: RecordedTransport, caplog
) -> None:
    with app.app_context():
        message = send_code("0912345678", "Mã xác nhận Chợ Quê: 482913")
        db.session.commit()
        message_id = message.id
    [request] = esms.sent_to(SEND_URL)
    assert request.json["Content"] == "Ma xac nhan Cho Que: 482913"
    with app.app_context():
        message = db.session.get(Message, message_id)
        assert (message.status, message.topic, message.content) == (
            MessageStatus.SENT,
            Topic.ACCOUNT,
            None,
        )
        job = db.session.scalar(sa.select(Job))
        assert "482913" not in str(job.payload)
    assert "482913" not in caplog.text


def test_no_sms_channel_without_keys_in_production(
    app: Flask, make_user: Callable[..., User]
) -> None:
    app.config["ENV_NAME"] = "production"
    user = make_user(email=None, phone="0912345678")
    with app.app_context():
        user = db.session.merge(user)
        assert notify(Topic.ORDERS, "test_order_placed", {"reference": "1"}, user=user) == []
        message = send_code("0912345678", "123456")
        assert (message.status, message.content) == (MessageStatus.REFUSED, None)
