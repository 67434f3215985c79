"""Text no page can accept (NUL characters) is a friendly 400 on every database, never a 500."""

import pytest
import sqlalchemy as sa
from flask import Flask, request
from flask.testing import FlaskClient

from market.accounts.models import User
from market.extensions import db

BAD_REQUEST = "Yêu cầu không hợp lệ"


@pytest.mark.parametrize(
    "url",
    [
        "/san-pham?group=che%00",
        "/san-pham?area=na-hang&area=%00",
        "/san-pham/cam%00sanh",
        "/nha-san-xuat/htx%00",
        "/anh/%00/card.webp",
    ],
)
def test_nul_in_a_url_is_a_400_page(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert BAD_REQUEST in page
    assert 'class="site-header"' in page


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/tai-khoan/dang-nhap", {"login": "an\x00@example.vn", "password": "x"}),
        (
            "/tai-khoan/dang-ky",
            {"name": "Lan\x00", "login": "lan@example.vn", "password": "password1"},
        ),
        ("/tai-khoan/quen-mat-khau", {"login": "an@exam\x00ple.vn"}),
    ],
)
def test_nul_in_a_form_is_a_400_and_stores_nothing(
    app: Flask, client: FlaskClient, url: str, data: dict[str, str]
) -> None:
    data.setdefault("confirm", data.get("password", ""))
    response = client.post(url, data=data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_nul_in_a_multipart_form_is_refused_too(client: FlaskClient) -> None:
    response = client.post(
        "/tai-khoan/dang-nhap",
        data={"login": "an\x00@example.vn", "password": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


@pytest.mark.own_app
def test_the_check_leaves_a_form_encoded_body_readable_for_signature_checks(app: Flask) -> None:
    @app.post("/raw-body-echo")
    def echo() -> bytes:
        return request.get_data()

    body = b"amount=125000&content=CQ%20DH123"
    response = app.test_client().post(
        "/raw-body-echo", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.data == body


def test_ordinary_vietnamese_text_passes(client: FlaskClient) -> None:
    assert client.get("/san-pham?group=chè&price_min=50.000").status_code == 200
