"""Stall posters: the static VietQR really pays the stall's account, and prints the same."""

import io
from collections.abc import Callable

import pypdfium2
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from catalog.images import store_image
from catalog.models import ProductImage
from market.accounts.models import User
from market.extensions import db
from market.markets import posters, stalls
from market.markets.models import Stall
from payments import vietqr
from tests.markets.conftest import World


def _decode(image: Image.Image) -> str:
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, "exactly one QR code on the poster"
    return found[0].text


def _pdf_page(data: bytes) -> tuple[Image.Image, str]:
    """The first page rendered at 150 dpi, and its text."""
    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        image = page.render(scale=150 / 72).to_pil()
        text = page.get_textpage().get_text_range()
        page.close()
    finally:
        document.close()
    return image, text


def _poster(client: FlaskClient, stall_id: int, name: str, language: str = "") -> bytes:
    response = client.get(f"{language}/quan-ly/sap/{stall_id}/{name}")
    assert response.status_code == 200
    return response.data


def test_the_png_poster_qr_is_a_static_vietqr_paying_the_stalls_account(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    image = Image.open(io.BytesIO(_poster(client, world.stall_a, "ap-phich.png")))
    payload = _decode(image)
    qr = vietqr.parse(payload)
    assert (qr.bank_bin, qr.account, qr.amount, qr.is_dynamic) == (
        "970405",
        "8800201000101",
        None,
        False,
    )
    assert payload[6:12] == "010211"  # point of initiation 11: static, one QR for every sale


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_the_pdf_poster_carries_the_same_qr_holder_check_code_and_link(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, size: str
) -> None:
    login_as(user=world.manager_a)
    data = _poster(client, world.stall_a, f"ap-phich-{size}.pdf")
    assert data.startswith(b"%PDF")
    image, text = _pdf_page(data)
    png = Image.open(io.BytesIO(_poster(client, world.stall_a, "ap-phich.png")))
    assert _decode(image) == _decode(png)
    with app.test_request_context():
        stall = db.session.get(Stall, world.stall_a)
        code, link = stalls.check_code(stall), stalls.public_url(stall)
    assert "HTX CHAN NUOI ONG PHONG THO" in text
    assert code in text and link in text
    assert "Sạp A01" in text and "Chợ An Phú" in text


def test_posters_are_byte_for_byte_the_same_every_time(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    for name in ("ap-phich-a4.pdf", "ap-phich-a5.pdf", "ap-phich.png"):
        assert _poster(client, world.stall_a, name) == _poster(client, world.stall_a, name)


def test_posters_are_vietnamese_whoever_prints_them(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    _image, text = _pdf_page(_poster(client, world.stall_a, "ap-phich-a5.pdf", "/en"))
    assert "Mã kiểm tra" in text and "Check code" not in text


def test_the_check_code_changes_with_the_account_and_differs_between_stalls(
    app: Flask, world: World
) -> None:
    with app.test_request_context():
        stall = db.session.get(Stall, world.stall_a)
        before = stalls.check_code(stall)
        assert before == stalls.check_code(stall)
        assert len(before) == 7 and before[3] == "-"
        assert set(before.replace("-", "")) <= set(stalls.CODE_ALPHABET)
        assert before != stalls.check_code(db.session.get(Stall, world.stall_b))
        stall.bank_account = "8800201000999"
        assert stalls.check_code(stall) != before


def test_the_public_stall_page_shows_the_holder_and_the_posters_check_code(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.test_request_context():
        stall = db.session.get(Stall, world.stall_a)
        code, link = stalls.check_code(stall), stalls.public_url(stall)
    assert link == "https://choque.example/s/AP0001"
    page = client.get("/s/ap0001")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "HTX CHAN NUOI ONG PHONG THO" in html and code in html and "8800201000101" in html
    assert f'<link rel="canonical" href="{link}">' in html
    assert "Mật ong hoa bạc hà" in html  # products sold at the stall, public ones only
    assert "Cam sành Hàm Yên" not in html


@pytest.mark.parametrize("code", ["NOPE99", "x" * 50, "AP0001'--"])
def test_an_unknown_stall_code_is_a_404(client: FlaskClient, world: World, code: str) -> None:
    assert client.get(f"/s/{code}").status_code == 404


def test_a_stall_not_in_use_has_no_public_page(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        db.session.get(Stall, world.stall_a).active = False
        db.session.commit()
    assert client.get("/s/AP0001").status_code == 404


def test_an_unknown_poster_size_is_a_404(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    assert client.get(f"/quan-ly/sap/{world.stall_a}/ap-phich-a3.pdf").status_code == 404


def test_the_png_renders_the_layout_it_was_given(app: Flask, world: World) -> None:
    with app.test_request_context():
        stall = db.session.get(Stall, world.stall_a)
        image = Image.open(io.BytesIO(posters.poster_png(stall, "a5", dpi=100)))
    assert image.size == (round(148 / 25.4 * 100), round(210 / 25.4 * 100))


def test_a_poster_carries_only_an_account_a_provincial_manager_has_checked(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        stall = db.session.get(Stall, world.stall_a)
        stall.bank_account, stall.bank_holder = "8800201000999", "NGUOI KHAC"
        db.session.commit()
    login_as(user=world.manager_a)
    refused = client.get(f"/quan-ly/sap/{world.stall_a}/ap-phich-a4.pdf")
    assert refused.status_code == 303 and refused.location.endswith(f"/quan-ly/sap/{world.stall_a}")
    page = client.get(f"/quan-ly/sap/{world.stall_a}").get_data(as_text=True)
    assert "data-account-unchecked" in page and "kiem-tra-tai-khoan" not in page
    assert client.post(f"/quan-ly/sap/{world.stall_a}/kiem-tra-tai-khoan").status_code == 403
    login_as(user=world.provincial)
    client.post(f"/quan-ly/sap/{world.stall_a}/kiem-tra-tai-khoan")
    login_as(user=world.manager_a)
    assert client.get(f"/quan-ly/sap/{world.stall_a}/ap-phich.png").status_code == 200


def test_a_shared_stall_link_previews_with_a_product_photo_and_a_card(
    app: Flask, client: FlaskClient, world: World
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 150, 30)).save(buffer, "PNG")
    with app.app_context():
        stored = store_image(buffer.getvalue())
        db.session.add(
            ProductImage(product_id=world.honey, key=stored.key, width=640, height=480, position=0)
        )
        db.session.commit()
    html = client.get("/s/AP0001").get_data(as_text=True)
    jpeg = f"https://choque.example/anh/{stored.key}/zoom.jpg"
    assert f'<meta property="og:image" content="{jpeg}">' in html
    assert f'<meta name="twitter:image" content="{jpeg}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
