"""Notices wait for the worker, as in production: a request never talks to a gateway."""

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.jobs.models import Job, JobState
from market.jobs.worker import Worker
from market.notify import Channel, Message, MessageStatus, Topic, notify
from tests.recorded_http import RecordedTransport


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Jobs wait in the table for a worker."""
    return {**app_config, "JOBS_EAGER": False}


def test_the_worker_sends_each_message_and_retries_a_timeout_with_backoff(
    app: Flask, esms: RecordedTransport, make_user: Callable[..., User]
) -> None:
    user = make_user(phone="0912345678")
    with app.app_context():
        user = db.session.merge(user)
        messages = notify(
            Topic.RECALLS, "test_order_placed", {"reference": "L"}, user=user, every_channel=True
        )
        db.session.commit()
        assert sorted(m.channel for m in messages) == [Channel.EMAIL, Channel.SMS, Channel.ZALO]
        assert esms.sent == [] and "mail_outbox" not in app.extensions
        esms.unreachable = True
        Worker(app).run(burst=True)
        statuses = dict(db.session.execute(sa.select(Message.channel, Message.status)).all())
        assert statuses == {
            Channel.EMAIL: MessageStatus.SENT,
            Channel.SMS: MessageStatus.QUEUED,  # timed out: waiting for its retry
            Channel.ZALO: MessageStatus.SENT,  # the log stands in for Zalo in development
        }
        sms_job = db.session.scalar(sa.select(Job).where(Job.state == JobState.QUEUED))
        assert sms_job.run_after > utcnow() + timedelta(seconds=20)  # the jobs' backoff
        esms.unreachable = False
        sms_job.run_after = utcnow()
        db.session.commit()
        Worker(app).run(burst=True)
        db.session.expire_all()
        sms = db.session.scalar(sa.select(Message).where(Message.channel == Channel.SMS))
        assert (sms.status, sms.attempts) == (MessageStatus.SENT, 2)
    assert len(app.extensions["mail_outbox"]) == 1
    assert len(esms.sent) == 2
