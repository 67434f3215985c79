"""Hostile and foreign spreadsheets through the upload: refused with a reason, nothing changed;
the CSV files Excel writes ("Unicode Text", semicolons) are read."""

import io
import zipfile
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from catalog.workspace import exports, import_files
from market.extensions import db
from tests.workspace.conftest import Shop

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def workbook(sheet_xml: bytes) -> bytes:
    """A minimal XLSX around one sheet's XML, built by hand as an attacker would."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
            "</Types>"
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE}" '
            'Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{WORKSHEET}" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet(rows: bytes, dimension: str | None = "A1:B2", prolog: bytes = b"") -> bytes:
    declared = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + f'<worksheet xmlns="{MAIN}">'.encode()
        + declared
        + b"<sheetData>"
        + rows
        + b"</sheetData></worksheet>"
    )


HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>price_vnd</t></is></c></row>'
)


@pytest.fixture
def upload(as_owner: FlaskClient, shop: Shop) -> Iterator:
    """Upload bytes to the check step of the import, in English."""

    def send(data: bytes, name: str = "san-pham.xlsx"):
        return as_owner.post(
            f"/en/ban-hang/{shop.producer_id}/nhap",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    yield send


def _catalogue(app: Flask, shop: Shop) -> list[tuple]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Product.sku, Product.name, Product.price, Product.stock)
                .where(Product.producer_id == shop.producer_id)
                .order_by(Product.sku)
            )
        )


def _refused(response, fragment: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert fragment in page, page[page.find("error") - 200 : page.find("error") + 400]
    assert 'name="token"' not in page  # nothing stashed to confirm


def test_a_tiny_sheet_declaring_millions_of_rows_is_refused_before_it_is_read(
    app: Flask, upload, shop: Shop
) -> None:
    before = _catalogue(app, shop)
    bomb = workbook(sheet(HEADER_ROW, dimension="A1:K3000000"))
    assert len(bomb) < 2_000
    _refused(upload(bomb), "3.000.000 rows; at most 20.000 rows per file")
    assert _catalogue(app, shop) == before


def test_a_small_zip_of_millions_of_rows_is_refused_by_its_unpacked_size(
    app: Flask, upload, shop: Shop
) -> None:
    before = _catalogue(app, shop)
    rows = HEADER_ROW + b'<row><c t="inlineStr"><is><t>S</t></is></c></row>' * 1_000_000
    bomb = workbook(sheet(rows, dimension=None))
    assert len(bomb) < 1_000_000
    _refused(upload(bomb), "unpacks to more than 40 MB")
    assert _catalogue(app, shop) == before


def test_a_sheet_with_xml_entity_declarations_is_refused(app: Flask, upload, shop: Shop) -> None:
    before = _catalogue(app, shop)
    laughs = (
        b'<!DOCTYPE worksheet [<!ENTITY a "hahahahahahahahahaha">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    rows = HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>&c;</t></is></c></row>'
    _refused(upload(workbook(sheet(rows, prolog=laughs))), "declares XML entities")
    assert _catalogue(app, shop) == before


def test_truncated_or_broken_workbooks_cannot_be_opened(app: Flask, upload, shop: Shop) -> None:
    before = _catalogue(app, shop)
    with app.app_context():
        good = exports.export_xlsx(shop.producer_id)
    broken_sheet = workbook(sheet(HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is>'))
    for data in (good[: len(good) // 2], good[:-30], broken_sheet, b"PK\x03\x04not a zip"):
        _refused(upload(data), "This file cannot be opened")
    assert _catalogue(app, shop) == before


def test_a_utf16_tab_separated_file_from_excel_is_read(
    app: Flask, upload, as_owner: FlaskClient, shop: Shop
) -> None:
    text = (
        "sku\tname\tcategory\tunit\tprice_vnd\tstock\n"
        "TAB-1\tChè Shan tuyết\tI.1.a\tkg\t150.000\t5\n"
    )
    response = upload(text.encode("utf-16"), "san-pham.txt")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    token = page.split('name="token" value="')[1].split('"')[0]
    as_owner.post(f"/ban-hang/{shop.producer_id}/nhap/xac-nhan", data={"token": token})
    assert ("TAB-1", "Chè Shan tuyết", 150_000, 5) in _catalogue(app, shop)


def test_a_semicolon_separated_file_with_commas_in_text_is_read(
    app: Flask, upload, shop: Shop
) -> None:
    before = _catalogue(app, shop)
    text = 'sku;name;category;unit;price_vnd\nSEMI-1;"Mật ong, rừng";I.2.b;chai;250.000\n'
    response = upload(text.encode("utf-8-sig"), "san-pham.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert "Mật ong, rừng" in page or 'name="token"' in page
    assert _catalogue(app, shop) == before  # the check writes nothing


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("sku,name\nA,Chè\n".encode("cp1258"), "Windows-1258"),
        ("sku,name\nA,Chè\n".encode("utf-32"), "UTF-32"),
        (b"\xff\xfe" + "sku,name\nA,Chè\n".encode("utf-16-le")[:-1], "UTF-16"),
    ],
    ids=["windows-1258", "utf-32", "broken utf-16"],
)
def test_a_text_file_in_another_encoding_is_refused_naming_it(
    app: Flask, upload, shop: Shop, data: bytes, fragment: str
) -> None:
    before = _catalogue(app, shop)
    _refused(upload(data, "san-pham.csv"), fragment)
    assert _catalogue(app, shop) == before


def test_a_sheet_declaring_too_many_columns_is_refused(app: Flask, upload, shop: Shop) -> None:
    before = _catalogue(app, shop)
    _refused(upload(workbook(sheet(HEADER_ROW, dimension="A1:XFD2"))), "at most 50 columns")
    assert _catalogue(app, shop) == before


def test_reading_stops_at_the_time_budget(
    app: Flask, upload, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_files, "READ_SECONDS", 0.0)
    before = _catalogue(app, shop)
    with app.app_context():
        good = exports.export_xlsx(shop.producer_id)
    _refused(upload(good), "Reading the file took more than 0 seconds")
    assert _catalogue(app, shop) == before
