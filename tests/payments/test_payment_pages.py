"""The shopper's payment panel: the VietQR as PNG and SVG, the details, the live status."""

import io

import PIL.Image
import pytest
import zxingcpp
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from payments import qr, vietqr
from tests.payments.conftest import COLLECTION, FakeTarget, post_sepay, sepay_body, token


def decode(png: bytes) -> str:
    """The text a phone's camera reads from a PNG."""
    [barcode] = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(png)))
    return barcode.text


@pytest.mark.parametrize("payload", ["00020101021138600010A000000727", "CQ7K3F9A"])
def test_a_rendered_png_decodes_back_to_its_payload(payload: str) -> None:
    assert decode(qr.render(payload, "png")) == payload


def test_the_napas_example_survives_the_trip_through_a_png() -> None:
    payload = vietqr.build(
        vietqr.VietQR(
            "970403",
            "0011012345678",
            amount=180000,
            bill_number="NPS6869",
            purpose="thanh toan don hang",
        )
    )
    assert vietqr.parse(decode(qr.render(payload, "png"))).amount == 180000


def test_an_unknown_image_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        qr.render("x", "gif")


def test_the_qr_png_carries_a_dynamic_vietqr_for_the_amount_due(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    response = client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    parsed = vietqr.parse(decode(response.data))
    assert (parsed.bank_bin, parsed.account, parsed.amount, parsed.purpose) == (
        COLLECTION.bank_bin,
        COLLECTION.number,
        150_000,
        "CQ7K3F9A",
    )
    assert parsed.is_dynamic


def test_the_qr_svg_is_an_svg_image(app: Flask, client: FlaskClient, target: FakeTarget) -> None:
    target.add("CQ7K3F9A", 150_000)
    response = client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg") and b"<path" in response.data


def test_the_qr_is_revalidated_with_an_etag(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    url = f"/thanh-toan/{token(app, 'CQ7K3F9A')}/qr.png"
    first = client.get(url)
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_after_a_partial_payment_the_qr_asks_for_what_remains(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 100_000, "CQ7K3F9A"))
    png = client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}/qr.png").data
    assert vietqr.parse(decode(png)).amount == 50_000


def test_a_paid_code_has_no_qr_any_more(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    assert client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}/qr.png").status_code == 404


@pytest.mark.parametrize("suffix", ["", "/trang-thai", "/qr.png", "/qr.svg"])
def test_a_forged_token_or_a_code_nobody_knows_is_a_404(
    app: Flask, client: FlaskClient, target: FakeTarget, suffix: str
) -> None:
    target.add("CQ7K3F9A", 150_000)
    assert client.get(f"/thanh-toan/CQ7K3F9A{suffix}").status_code == 404
    assert client.get(f"/thanh-toan/{token(app, 'CQNOBODY')}{suffix}").status_code == 404


def test_the_status_json_is_tiny_uncached_and_follows_the_ledger(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    url = f"/thanh-toan/{token(app, 'CQ7K3F9A')}/trang-thai"
    response = client.get(url)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json == {
        "state": "unpaid",
        "label": "Chờ thanh toán",
        "amount_due": 150_000,
        "paid": 0,
        "remaining": 150_000,
    }
    post_sepay(client, sepay_body(1, 100_000, "CQ7K3F9A"))
    assert client.get(url).json["state"] == "partial"
    post_sepay(client, sepay_body(2, 50_000, "CQ7K3F9A"))
    assert client.get(url).json == {
        "state": "paid",
        "label": "Đã thanh toán",
        "amount_due": 150_000,
        "paid": 150_000,
        "remaining": 0,
    }


def test_the_payment_page_shows_the_qr_and_every_detail_to_copy(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000, return_url="/don-hang/CQ7K3F9A")
    signed = token(app, "CQ7K3F9A")
    page = client.get(f"/thanh-toan/{signed}").get_data(as_text=True)
    assert f'src="/thanh-toan/{signed}/qr.png"' in page
    assert f'data-pay-status-url="/thanh-toan/{signed}/trang-thai"' in page
    for text in ("Vietcombank", COLLECTION.number, COLLECTION.holder, "150.000 ₫", "CQ7K3F9A"):
        assert text in page
    assert 'data-copy="150000"' in page and 'data-copy="1023456789"' in page
    assert 'data-copy="CQ7K3F9A"' in page
    assert "Chờ thanh toán" in page
    assert '<script src="/static/js/payments.js?v=' in page
    assert 'href="/don-hang/CQ7K3F9A"' in page


def test_the_payment_page_of_a_paid_code_says_so_without_a_qr(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    page = client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}").get_data(as_text=True)
    assert "Đã thanh toán" in page
    assert "qr.png" not in page


def test_the_payment_page_reads_in_english_too(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    page = client.get(f"/en/thanh-toan/{token(app, 'CQ7K3F9A')}").get_data(as_text=True)
    assert "Waiting for payment" in page and "Transfer memo" in page


@pytest.mark.parametrize("result", ["xong", "huy"])
def test_the_card_return_pages_explain_what_happened(
    app: Flask, client: FlaskClient, target: FakeTarget, result: str
) -> None:
    target.add("CQ7K3F9A", 150_000)
    page = client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}?the={result}")
    assert page.status_code == 200
    assert 'class="flash' in page.get_data(as_text=True)


def test_orders_can_include_the_panel_with_just_a_payment_code(
    app: Flask, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    with app.test_request_context("/don-hang/CQ7K3F9A"):
        html = render_template_string(
            '{% with payment_code = "CQ7K3F9A" %}{% include "payments/_vietqr.html" %}'
            '{% include "payments/_card.html" %}{% endwith %}'
        )
    assert "qr.png" in html and "CQ7K3F9A" in html
    assert "/the" not in html  # no card button without Stripe keys


def test_a_code_with_a_hostile_description_is_escaped(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000, return_url="javascript:alert(1)")
    page = client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}").get_data(as_text=True)
    assert "javascript:alert(1)" not in page
