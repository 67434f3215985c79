"""Weights and sizes of products: the product form, the quick edit and the import carry them,
check them (whole, positive, sane) with a message per row or field, and the export writes them
back; the product list says which products have no weight."""

import io

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from openpyxl import load_workbook

from catalog.models import Producer, Product
from catalog.workspace import exports, imports
from market.extensions import db
from tests import factories
from tests.workspace.conftest import Shop

COLUMNS = "sku,name,category,unit,price_vnd,weight_grams,length_cm,width_cm,height_cm"


def _weights(app: Flask, shop: Shop) -> dict[str, tuple[int | None, ...]]:
    with app.app_context():
        return {
            p.sku: (p.weight_grams, p.length_cm, p.width_cm, p.height_cm)
            for p in db.session.scalars(
                sa.select(Product).where(Product.producer_id == shop.producer_id)
            )
        }


def _plan(app: Flask, shop: Shop, text: str) -> imports.ImportPlan:
    with app.test_request_context():
        producer = db.session.get(Producer, shop.producer_id)
        return imports.plan_import(producer, text.encode())


def test_an_import_sets_weights_and_sizes_and_the_export_writes_them_back(
    app: Flask, shop: Shop
) -> None:
    text = (
        COLUMNS + "\nCAM-1,Cam sành,I.1.a,kg,40000,1.050,30,20,15\n"
        "MAT-1,Mật ong,I.2.b,chai 500 ml,250000,800,,,\n"
    )
    plan = _plan(app, shop, text)
    assert plan.valid, plan.problems
    with app.test_request_context():
        producer = db.session.get(Producer, shop.producer_id)
        imports.apply_import(producer, plan, shop.actor())
    assert _weights(app, shop) == {"CAM-1": (1050, 30, 20, 15), "MAT-1": (800, None, None, None)}
    with app.app_context():
        sheet = load_workbook(io.BytesIO(exports.export_xlsx(shop.producer_id))).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    header = list(rows["sku"])
    assert header[-4:] == ["weight_grams", "length_cm", "width_cm", "height_cm"]
    assert rows["CAM-1"][-4:] == (1050, 30, 20, 15)
    assert rows["MAT-1"][-4:] == (800, None, None, None)


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("0,,,", "weight_grams", "more than 0 grams"),
        ("-5,,,", "weight_grams", "more than 0 grams"),
        ("1.5,,,", "weight_grams", "whole grams"),
        ("abc,,,", "weight_grams", "whole grams"),
        ("250000,,,", "weight_grams", "100,000 grams"),
        ("500,0,,", "length_cm", "more than 0 cm"),
        ("500,,999,", "width_cm", "300 cm"),
        ("500,,,2.5", "height_cm", "whole centimetres"),
    ],
)
def test_a_bad_weight_or_size_is_reported_on_its_row_and_column_and_nothing_is_imported(
    app: Flask, shop: Shop, cells: str, column: str, message: str
) -> None:
    before = _weights(app, shop)
    with app.test_request_context(environ_overrides={"choque.language": "en"}):
        producer = db.session.get(Producer, shop.producer_id)
        plan = imports.plan_import(
            producer, f"{COLUMNS}\nCAM-1,Cam,I.1.a,kg,40000,{cells}\n".encode()
        )
    assert not plan.valid
    assert [(p.row, p.column) for p in plan.problems] == [(2, column)]
    assert _weights(app, shop) == before


def test_the_quick_edit_sets_and_clears_weights_and_refuses_a_bad_one_whole(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        other = factories.product(
            db.session.get(Producer, shop.producer_id), name="Bưởi", sku="BUOI-1"
        ).id
    ids = [shop.product_id, other]

    def form(weights: dict[int, str]) -> dict:
        data: dict = {"id": [str(i) for i in ids], "reason": "restock"}
        for pid in ids:
            data |= {
                f"price-{pid}": "100000",
                f"stock-{pid}": "10",
                f"stock_was-{pid}": "10",
                f"low-{pid}": "5",
                f"weight-{pid}": weights.get(pid, ""),
            }
        return data

    url = f"/ban-hang/{shop.producer_id}/gia-va-kho"
    assert (
        as_owner.post(url, data=form({shop.product_id: "1050", other: "1300"})).status_code == 302
    )
    assert _weights(app, shop)["CAM-1"][0] == 1050
    assert _weights(app, shop)["BUOI-1"][0] == 1300
    response = as_owner.post(url, data=form({shop.product_id: "900", other: "-1"}))
    assert response.status_code == 422
    assert "Khối lượng phải lớn hơn 0 gam." in response.get_data(as_text=True)
    assert _weights(app, shop)["CAM-1"][0] == 1050  # nothing saved
    assert as_owner.post(url, data=form({other: "1300"})).status_code == 302
    assert _weights(app, shop)["CAM-1"][0] is None  # emptied: no weight


def test_the_product_form_saves_weight_and_size_and_the_list_flags_products_without(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    listing = f"/ban-hang/{shop.producer_id}/san-pham"
    page = html.fromstring(as_owner.get(listing).get_data(as_text=True))
    assert len(page.xpath("//*[@data-no-weight]")) == 1
    url = f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}"
    page = html.fromstring(as_owner.get(url).get_data(as_text=True))
    data = {
        name: value
        for name, value in page.xpath("//form[.//input[@name='weight_grams']]")[0].form_values()
        if name not in ("weight_grams", "length_cm")
    }
    bad = as_owner.post(url, data=data | {"weight_grams": "0"})
    assert bad.status_code == 422
    assert _weights(app, shop)["CAM-1"] == (None, None, None, None)
    saved = as_owner.post(url, data=data | {"weight_grams": "1.050", "length_cm": "30"})
    assert saved.status_code == 302
    assert _weights(app, shop)["CAM-1"] == (1050, 30, None, None)
    page = html.fromstring(as_owner.get(listing).get_data(as_text=True))
    assert page.xpath("//*[@data-no-weight]") == []
