"""Helpers for the account tests: sign-up and sign-in through the real forms."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from market.accounts.models import User
from market.extensions import db

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
