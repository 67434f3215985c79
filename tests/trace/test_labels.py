"""QR labels: the codes decode to the lot's Digital Link or short URL, on PDF, PNG and SVG."""

import io
import xml.etree.ElementTree as ET

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from catalog.trace import labels
from tests.trace.conftest import GTIN, World

BASE = "https://choque.example.vn"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Labels carry the configured public address, not the address of the request."""
    return {**app_config, "PUBLIC_BASE_URL": BASE + "/"}


def _decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def _pdf_pages(body: bytes) -> list[Image.Image]:
    document = pdfium.PdfDocument(body)
    try:
        return [page.render(scale=200 / 72).to_pil() for page in document]
    finally:
        document.close()


def _labels_url(world: World, code: str, suffix: str) -> str:
    return f"/ban-hang/{world.producer_id}/lo/{code}/nhan{suffix}"


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_every_label_on_a_pdf_sheet_decodes_to_the_lots_digital_link(
    client: FlaskClient, world: World, login_as, size: str
):
    login_as(user=world.owner)
    response = client.get(_labels_url(world, world.lot_code, f".pdf?size={size}"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    (page,) = _pdf_pages(response.data)
    assert page.size == (round(210 / 25.4 * 200), round(297 / 25.4 * 200))  # A4
    found = _decode(page)
    assert found == [f"{BASE}/01/{GTIN}/10/{world.lot_code}"] * labels.SIZES[size].per_sheet


def test_a_pdf_can_hold_several_sheets(client: FlaskClient, world: World, login_as):
    login_as(user=world.owner)
    response = client.get(_labels_url(world, world.lot_code, ".pdf?size=large&sheets=3"))
    assert len(_pdf_pages(response.data)) == 3


@pytest.mark.parametrize("query", ["?sheets=999", "?sheets=abc", "?size=huge"])
def test_bad_label_options_fall_back_to_one_sheet_of_the_default_size(
    client: FlaskClient, world: World, login_as, query: str
):
    login_as(user=world.owner)
    response = client.get(_labels_url(world, world.lot_code, f".pdf{query}"))
    assert response.status_code == 200
    (page,) = _pdf_pages(response.data)
    assert len(_decode(page)) == labels.SIZES[labels.DEFAULT_SIZE].per_sheet


def test_a_product_without_gtin_gets_the_short_url(client: FlaskClient, world: World, login_as):
    login_as(user=world.owner)
    response = client.get(_labels_url(world, world.plain_lot_code, ".png"))
    assert response.mimetype == "image/png"
    assert _decode(Image.open(io.BytesIO(response.data))) == [f"{BASE}/t/{world.plain_lot_code}"]


def test_a_png_label_decodes_and_is_printable_at_300_dpi(
    client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    response = client.get(_labels_url(world, world.lot_code, ".png?size=small"))
    image = Image.open(io.BytesIO(response.data))
    assert _decode(image) == [f"{BASE}/01/{GTIN}/10/{world.lot_code}"]
    assert image.size == (round(38.1 / 25.4 * 300), round(21.2 / 25.4 * 300))
    assert round(image.info["dpi"][0]) == 300


def test_the_decoded_url_opens_the_lot_page(
    app: Flask, client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    response = client.get(_labels_url(world, world.lot_code, ".png"))
    (url,) = _decode(Image.open(io.BytesIO(response.data)))
    page = app.test_client().get(url.removeprefix(BASE))  # a shopper's phone, not signed in
    assert page.status_code == 200
    assert "Cam sành Hàm Yên" in page.get_data(as_text=True)


def test_an_svg_label_is_a_drawing_in_millimetres_with_the_lot_text(
    client: FlaskClient, world: World, login_as
):
    login_as(user=world.owner)
    response = client.get(_labels_url(world, world.lot_code, ".svg?size=large"))
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert (root.get("width"), root.get("height")) == ("99.1mm", "67.7mm")
    texts = [t.text for t in root.iterfind(".//svg:text", ns)]
    assert "Lô: 250312-CAM1" in texts
    assert "Thu hoạch: 12/03/2025" in texts
    assert root.find("svg:desc", ns).text == f"{BASE}/01/{GTIN}/10/{world.lot_code}"
    assert root.find("svg:path", ns).get("d").startswith("M")


def test_svg_and_png_draw_the_same_code(app: Flask, world: World):
    """The SVG path is the same module layout as the decoded PNG (one layout, three renderers)."""
    content = labels.LabelContent(f"{BASE}/t/X", "Chè", "Lô: X", "Thu hoạch: 1/1/2025", "HTX")
    size = labels.SIZES["medium"]
    layout = labels.layout(content, size)
    runs = list(layout.dark_runs())
    assert runs and all(x >= 0 and x + length <= size.width for x, _y, length in runs)
    with app.test_request_context():
        assert _decode(Image.open(io.BytesIO(labels.label_png(content, size)))) == [f"{BASE}/t/X"]


def test_a_long_product_name_is_wrapped_and_cut_to_fit_the_label(app: Flask):
    content = labels.LabelContent(
        f"{BASE}/t/X",
        "Chè Shan tuyết cổ thụ Na Hang hái bằng tay trên núi cao, sao chảo gang củi, hộp quà",
        "Lô: X",
        "Thu hoạch: 01/01/2025",
        "Hợp tác xã Nông lâm nghiệp Khau Tinh",
    )
    layout = labels.layout(content, labels.SIZES["small"])
    product_lines = [line for line in layout.lines if line.bold][:2]
    assert product_lines[-1].text.endswith("…")
    assert all(line.baseline < layout.height for line in layout.lines)


def test_the_labels_page_offers_every_size_and_format(client: FlaskClient, world: World, login_as):
    login_as(user=world.staff)
    html = client.get(_labels_url(world, world.lot_code, "")).get_data(as_text=True)
    assert "Nhỏ, 38 × 21 mm" in html and "Lớn, 99 × 68 mm" in html
    assert "nhan.png" in html and "nhan.svg" in html and "nhan.pdf" in html
    assert f"{BASE}/01/{GTIN}/10/{world.lot_code}" in html
