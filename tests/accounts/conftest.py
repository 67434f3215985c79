"""Helpers for the account tests: sign-up and sign-in through the real forms."""

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from market.accounts.models import User
from market.extensions import db
from market.notify import Channel
from market.notify.channels.log import OUTBOX
from tests.notices.conftest import sms_sent
from tests.recorded_http import RecordedTransport

PASSWORD = "mật khẩu tốt 123"


@pytest.fixture
def signup(client: FlaskClient) -> Callable[..., TestResponse]:
    """POST the sign-up form; every field can be overridden."""

    def post(login: str, password: str = PASSWORD, **fields: str) -> TestResponse:
        data = {"name": "Hoàng Thị Lan", "login": login, "password": password}
        data["confirm"] = password
        data.update(fields)
        return client.post("/tai-khoan/dang-ky", data=data)

    return post


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., TestResponse]:
    """POST the sign-in form."""

    def post(login: str, password: str = PASSWORD, **fields: str) -> TestResponse:
        return client.post(
            "/tai-khoan/dang-nhap", data={"login": login, "password": password, **fields}
        )

    return post


@pytest.fixture
def users(app: Flask) -> Callable[[], list[User]]:
    """Every account in the database, detached, for assertions."""

    def all_users() -> list[User]:
        with app.app_context():
            found = list(db.session.scalars(sa.select(User).order_by(User.id)))
            db.session.expunge_all()
            return found

    return all_users


CODE_PAGE = "/tai-khoan/ma-xac-nhan"


def sent_sms(app: Flask) -> list[tuple[str, str]]:
    """Every SMS sent so far through notify's development channel, as (number, text)."""
    return [
        (outgoing.recipient, outgoing.text)
        for channel, outgoing in app.extensions.get(OUTBOX, [])
        if channel == Channel.SMS
    ]


def code_in(text: str) -> str:
    """The six-digit code in an SMS text."""
    found = re.search(r"\b(\d{6})\b", text)
    assert found is not None, text
    return found.group(1)


def last_code(app: Flask, number: str) -> str:
    """The code in the last SMS sent to ``number``."""
    texts = [text for to, text in sent_sms(app) if to == number]
    assert texts, f"no SMS to {number}"
    return code_in(texts[-1])


def code_sent_through(gateway: RecordedTransport, number: str) -> str:
    """The code in the last SMS the eSMS gateway was asked to send to ``number``."""
    texts = sms_sent(gateway, number)
    assert texts, f"no SMS to {number}"
    return code_in(texts[-1])
