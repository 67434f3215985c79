"""Who hears what, how: preferences, defaults, recalls, guests, limits and idempotent keys."""

import logging
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from market.accounts.models import User
from market.extensions import db
from market.jobs.models import Job
from market.notify import (
    Channel,
    Message,
    MessageStatus,
    Topic,
    channels_for,
    notify,
    offered_channels,
    send_code,
    set_channels,
)
from market.notify.channels.base import Outgoing
from market.notify.channels.log import OUTBOX, LogProvider
from market.notify.templates import define, sms_text


@pytest.fixture
def user_in_session(app: Flask, make_user: Callable[..., User]) -> Callable[..., User]:
    """A user made and merged into the current app context's session."""

    def make(**fields: object) -> User:
        return db.session.merge(make_user(**fields))

    return make


def test_development_offers_every_channel_through_the_log(app: Flask) -> None:
    with app.app_context():
        assert offered_channels() == [Channel.EMAIL, Channel.SMS, Channel.ZALO]
        app.config["ENV_NAME"] = "production"
        assert offered_channels() == [Channel.EMAIL]


def test_defaults_email_for_email_users_and_sms_for_phone_users_except_news(
    app: Flask, user_in_session: Callable[..., User]
) -> None:
    with app.app_context():
        both = user_in_session(phone="0912345678")
        phone_only = user_in_session(email=None, phone="0987654321")
        assert channels_for(both, Topic.ORDERS) == [Channel.EMAIL]
        assert channels_for(phone_only, Topic.ORDERS) == [Channel.SMS]
        assert channels_for(phone_only, Topic.NEWS) == []
        assert channels_for(phone_only, Topic.ACCOUNT) == [Channel.SMS]


def test_a_person_chooses_channels_per_topic(
    app: Flask, user_in_session: Callable[..., User]
) -> None:
    with app.app_context():
        user = user_in_session(phone="0912345678")
        set_channels(user, Topic.PICKUPS, [Channel.SMS, Channel.ZALO])
        set_channels(user, Topic.NEWS, [])
        db.session.commit()
        assert channels_for(user, Topic.PICKUPS) == [Channel.SMS, Channel.ZALO]
        assert channels_for(user, Topic.NEWS) == []
        assert channels_for(user, Topic.ORDERS) == [Channel.EMAIL]  # untouched: the default
        with pytest.raises(ValueError):
            set_channels(user, Topic.ACCOUNT, [Channel.EMAIL])


def test_a_chosen_channel_the_person_cannot_be_reached_on_is_left_out(
    app: Flask, user_in_session: Callable[..., User]
) -> None:
    with app.app_context():
        user = user_in_session()  # e-mail only
        set_channels(user, Topic.ORDERS, [Channel.SMS])
        assert channels_for(user, Topic.ORDERS) == []


def test_a_recall_reaches_every_channel_whatever_was_chosen(
    app: Flask, user_in_session: Callable[..., User]
) -> None:
    with app.app_context():
        user = user_in_session(phone="0912345678")
        set_channels(user, Topic.RECALLS, [])
        messages = notify(
            Topic.RECALLS, "test_order_placed", {"reference": "L1"}, user=user, every_channel=True
        )
        db.session.commit()
        assert sorted(m.channel for m in messages) == [Channel.EMAIL, Channel.SMS, Channel.ZALO]
        assert {m.status for m in db.session.scalars(sa.select(Message))} == {MessageStatus.SENT}


def test_each_message_has_its_own_job_and_nothing_is_sent_before_the_commit(
    app: Flask, user_in_session: Callable[..., User]
) -> None:
    with app.app_context():
        user = user_in_session(phone="0912345678")
        messages = notify(
            Topic.ORDERS, "test_order_placed", {"reference": "R"}, user=user, every_channel=True
        )
        jobs = db.session.scalars(sa.select(Job)).all()
        assert sorted(j.payload["message_id"] for j in jobs) == sorted(m.id for m in messages)
        assert "mail_outbox" not in app.extensions and OUTBOX not in app.extensions
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_guests_are_reached_by_the_email_or_phone_they_gave(app: Flask) -> None:
    with app.app_context():
        [by_mail] = notify(Topic.ORDERS, "test_order_placed", {"reference": "G1"}, email="g@x.vn")
        [by_sms] = notify(
            Topic.ORDERS, "test_order_placed", {"reference": "G2"}, phone="+84 912 345 678"
        )
        db.session.commit()
        assert (by_mail.channel, by_mail.recipient) == (Channel.EMAIL, "g@x.vn")
        assert (by_sms.channel, by_sms.recipient) == (Channel.SMS, "0912345678")
    channel, outgoing = app.extensions[OUTBOX][-1]
    assert (channel, outgoing.text) == (Channel.SMS, "Cho Que: order G2 placed.")


def test_a_key_records_a_notice_once(app: Flask, user_in_session: Callable[..., User]) -> None:
    with app.app_context():
        user = user_in_session()
        first = notify(Topic.ORDERS, "test_order_placed", {"reference": "K"}, user=user, key="o:1")
        again = notify(Topic.ORDERS, "test_order_placed", {"reference": "K"}, user=user, key="o:1")
        db.session.commit()
        assert len(first) == 1 and again == []
    assert len(app.extensions["mail_outbox"]) == 1


def test_sms_beyond_the_daily_limit_are_refused_and_cost_nothing(
    app: Flask, user_in_session: Callable[..., User]
) -> None:
    app.config["SMS_DAILY_LIMIT"] = 2
    with app.app_context():
        user = user_in_session(email=None, phone="0912345678")
        send_code("0912345678", "code 1")  # codes count for the number too
        notify(Topic.ORDERS, "test_order_placed", {"reference": "1"}, user=user)
        [refused] = notify(Topic.ORDERS, "test_order_placed", {"reference": "2"}, user=user)
        # A guest order with the same number is the same person for the limit.
        [guest] = notify(Topic.ORDERS, "test_order_placed", {"reference": "3"}, phone="0912345678")
        db.session.commit()
        for message in (refused, guest):
            db.session.refresh(message)
            assert (message.status, message.cost) == (MessageStatus.REFUSED, 0)
            assert message.error == "daily SMS limit reached"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 2
        # Another number is not affected.
        [other] = notify(Topic.ORDERS, "test_order_placed", {"reference": "4"}, phone="0987654321")
        assert other.status == MessageStatus.QUEUED


def test_the_notice_is_written_in_the_person_s_language(
    app: Flask, user_in_session: Callable[..., User]
) -> None:
    with app.app_context():
        user = user_in_session(locale="en")
        [message] = notify(Topic.ORDERS, "test_order_placed", {"reference": "E"}, user=user)
        assert message.locale == "en"
        assert message.content == {
            "subject": "Order E placed",
            "body": "Thank you: order E is placed.",
        }


def test_sms_texts_are_unaccented_and_at_most_160_characters() -> None:
    assert sms_text("Đơn hàng  của\nbạn ₫") == "Don hang cua ban"
    long = sms_text("Chợ Quê " * 40)
    assert len(long) == 160 and long.endswith("...") and long.isascii()


def test_a_template_name_is_defined_once() -> None:
    with pytest.raises(ValueError):
        define("test_news", email_subject="x", email_body="x", sms="x")


def test_the_log_channel_hides_a_code_outside_development(app: Flask, caplog) -> None:
    outgoing = Outgoing(recipient="0912345678", reference="1", text="Code 482913", secret=True)
    with app.app_context(), caplog.at_level(logging.INFO):
        LogProvider(Channel.SMS).send(outgoing)
        assert "482913" in caplog.text  # development: the developer needs the code
        caplog.clear()
        app.config["ENV_NAME"] = "production"
        LogProvider(Channel.SMS).send(outgoing)
        assert "482913" not in caplog.text and "hidden" in caplog.text


def test_every_reason_a_provider_records_is_translated(app: Flask) -> None:
    from market.notify.channels import esms, zalo_zns
    from market.notify.labels import error_reasons, error_text

    recorded = [*esms.REFUSED.values(), *esms.ACCOUNT.values()]
    recorded += [*zalo_zns.REFUSED.values(), *zalo_zns.ACCOUNT.values()]
    with app.test_request_context("/"):
        reasons = error_reasons()
        assert set(recorded) <= set(reasons)
        assert error_text("Zalo -118: no Zalo account uses this phone number") == (
            "Zalo -118: không có tài khoản Zalo nào dùng số điện thoại này"
        )
        assert error_text("eSMS: timed out calling rest.esms.vn") == (
            "eSMS: timed out calling rest.esms.vn"
        )


def test_texts_are_forgotten_after_the_kept_days_but_counts_and_cost_stay(app: Flask) -> None:
    from datetime import timedelta

    from market.dbtypes import utcnow
    from market.notify.sending import forget_texts

    app.config["NOTIFY_KEEP_TEXT_DAYS"] = 30
    with app.app_context():
        for days, reference in ((31, "old"), (29, "recent")):
            [message] = notify(
                Topic.ORDERS, "test_order_placed", {"reference": reference}, email="a@x.vn"
            )
            message.created_at = utcnow() - timedelta(days=days)
        db.session.commit()
        forget_texts({})
        db.session.commit()
        kept = {
            m.created_at < utcnow() - timedelta(days=30): m
            for m in db.session.scalars(sa.select(Message))
        }
        assert kept[True].content is None and kept[True].status == MessageStatus.SENT
        assert kept[False].content["subject"] == "Order recent placed"
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Message).where(Message.content.is_(None))
            )
            == 1
        )
