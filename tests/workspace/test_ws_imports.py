"""Bulk import and export: what spreadsheets really produce, all-or-nothing, web and CLI."""

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import Workbook, load_workbook

from catalog.audit import AuditEntry
from catalog.models import Certification, Producer, Product, ProductStatus
from catalog.stock_history import StockMovement, StockReason
from catalog.workspace import exports, imports
from market.extensions import db
from market.language_urls import ENVIRON_KEY
from tests.workspace.conftest import Shop

HEADER = ",".join(imports.COLUMNS)


@contextmanager
def _english(app: Flask) -> Iterator[None]:
    with app.test_request_context(environ_overrides={ENVIRON_KEY: "en"}):
        yield


def _plan(app: Flask, shop: Shop, data: bytes | str) -> imports.ImportPlan:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with _english(app):
        producer = db.session.get(Producer, shop.producer_id)
        return imports.plan_import(producer, raw)


def _import(app: Flask, shop: Shop, data: bytes | str) -> imports.ImportResult:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with app.test_request_context():
        producer = db.session.get(Producer, shop.producer_id)
        plan = imports.plan_import(producer, raw)
        assert plan.valid, plan.problems
        return imports.apply_import(producer, plan, shop.actor())


def _products(app: Flask, shop: Shop) -> dict[str, Product]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Product).where(Product.producer_id == shop.producer_id)
        ).all()
        for row in rows:
            _ = row.category, row.certifications, row.growing_area
        return {row.sku: row for row in rows}


def _where(plan: imports.ImportPlan) -> set[tuple[int, str]]:
    return {(p.row, p.column) for p in plan.problems}


def test_a_utf8_csv_with_bom_creates_and_updates_by_sku(app: Flask, shop: Shop) -> None:
    csv_text = (
        "\ufeff" + HEADER + "\n"
        'CAM-1,Cam sành Hàm Yên,I.1.a,kg,"40.000",25,,vietgap,,,active\n'
        'MAT-1,Mật ong bạc hà,I.2.b,chai,250000,7,Mật ong rừng,"organic, VietGAP",,8931234567897,\n'
    )
    result = _import(app, shop, csv_text)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    found = _products(app, shop)
    assert (found["CAM-1"].price, found["CAM-1"].stock) == (40_000, 25)
    honey = found["MAT-1"]
    assert honey.status == ProductStatus.DRAFT
    assert honey.category.code == "I.2.b"
    assert honey.certifications == [Certification.ORGANIC, Certification.VIETGAP]
    assert honey.gtin == "08931234567897"
    with app.app_context():
        movements = db.session.scalars(sa.select(StockMovement).order_by(StockMovement.id)).all()
        assert [(m.delta, m.stock_after, m.reason) for m in movements] == [
            (15, 25, StockReason.RESTOCK),
            (7, 7, StockReason.RESTOCK),
        ]
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "product.import")
            )
            == 2
        )


def test_semicolon_separated_files_with_dotted_prices_are_read(app: Flask, shop: Shop) -> None:
    csv_text = (
        "sku;name;category;unit;price_vnd;stock\n"
        "CHE-1;Chè Shan tuyết, Na Hang;i.5.a;hộp 100 g;125.000;1.200\n"
    )
    _import(app, shop, csv_text)
    tea = _products(app, shop)["CHE-1"]
    assert (tea.name, tea.price, tea.stock) == ("Chè Shan tuyết, Na Hang", 125_000, 1_200)


def test_the_category_may_be_given_by_slug(app: Flask, shop: Shop) -> None:
    with app.app_context():
        from catalog.models import Category

        slug = db.session.scalar(sa.select(Category.slug).where(Category.code == "I.2.b"))
    _import(app, shop, f"sku,name,category,unit,price_vnd\nMAT-2,Mật ong,{slug},chai,1000\n")
    assert _products(app, shop)["MAT-2"].category.code == "I.2.b"


@pytest.mark.parametrize(
    "written", ["Mật ong", "mat ong", "MẬT  ONG", "Mật ong, mật khác, nông sản khác"]
)
def test_the_category_may_be_given_by_its_name_with_or_without_accents(
    app: Flask, shop: Shop, written: str
) -> None:
    _import(app, shop, f'sku,name,category,unit,price_vnd\nMAT-3,Mật ong,"{written}",chai,1000\n')
    assert _products(app, shop)["MAT-3"].category.code == "I.2.b"


def test_a_name_that_fits_no_sub_group_is_reported_on_its_cell(app: Flask, shop: Shop) -> None:
    plan = _plan(app, shop, "sku,name,category,unit,price_vnd\nMAT-4,Mật ong,mật ong rừng,chai,1\n")
    assert _where(plan) == {(2, "category")}


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ('X-1,Mật ong,I.2.b,chai,"12,5",1', "price_vnd"),
        ("X-1,Mật ong,I.2.b,chai,12.5,1", "price_vnd"),
        ("X-1,Mật ong,I.2.b,chai,1000,-3", "stock"),
        ("X-1,Mật ong,I.2.b,chai,1000,2.5", "stock"),
        ("X-1,Mật ong,IX.9,chai,1000,1", "category"),
        ("X-1,Mật ong,I.2,chai,1000,1", "category"),
        ("X-1,,I.2.b,chai,1000,1", "name"),
        (",Mật ong,I.2.b,chai,1000,1", "sku"),
        ("X-1,Mật ong,I.2.b,,1000,1", "unit"),
    ],
    ids=[
        "decimal comma price",
        "decimal point price",
        "negative stock",
        "fractional stock",
        "unknown category",
        "group not leaf",
        "new product without name",
        "no sku",
        "new product without unit",
    ],
)
def test_each_bad_cell_is_reported_with_row_and_column(
    app: Flask, shop: Shop, row: str, column: str
) -> None:
    plan = _plan(app, shop, f"sku,name,category,unit,price_vnd,stock\n{row}\n")
    assert not plan.valid
    assert (2, column) in _where(plan)


def test_every_problem_is_listed_and_nothing_is_written(app: Flask, shop: Shop) -> None:
    csv_text = (
        HEADER + "\n"
        "A-1,Một,I.1.a,kg,1000,1,,,,,\n"
        'A-2,Hai,I.1.a,kg,"12,5",-1,,gold,VN-NONE,123,sold\n'
        "A-1,Một lần nữa,I.1.a,kg,1000,1,,,,,\n"
    )
    plan = _plan(app, shop, csv_text)
    assert _where(plan) == {
        (3, "price_vnd"),
        (3, "stock"),
        (3, "certifications"),
        (3, "growing_area_code"),
        (3, "gtin"),
        (3, "status"),
        (4, "sku"),
    }
    with app.test_request_context(), pytest.raises(imports.WorkspaceError):
        imports.apply_import(db.session.get(Producer, shop.producer_id), plan, shop.actor())
    assert set(_products(app, shop)) == {"CAM-1"}


def test_duplicate_skus_in_one_file_name_the_first_row(app: Flask, shop: Shop) -> None:
    plan = _plan(app, shop, "sku,name\nB-1,x\nB-2,y\nB-1,z\n")
    duplicate = next(p for p in plan.problems if p.column == "sku")
    assert duplicate.row == 4
    assert "2" in duplicate.message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"name;price\nx;1\n", "sku"),
        ((HEADER + ",colour\n").encode(), "colour"),
        (b"sku,name\n", "no products"),
        ("sku,name\nA,Chè\n".encode("cp1258"), "UTF-8"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04not really a zip", "XLSX"),
    ],
    ids=[
        "empty",
        "no sku column",
        "unknown column",
        "header only",
        "not utf-8",
        "old xls",
        "bad xlsx",
    ],
)
def test_unreadable_files_get_a_clear_message(
    app: Flask, shop: Shop, content: bytes, fragment: str
) -> None:
    with _english(app):
        producer = db.session.get(Producer, shop.producer_id)
        try:
            plan = imports.plan_import(producer, content)
        except imports.ImportFileError as error:
            message = str(error)
        else:
            assert not plan.valid
            message = " ".join(f"{p.column} {p.message}" for p in plan.problems)
    assert fragment.lower() in message.lower() or fragment in message


def test_empty_optional_cells_clear_and_empty_required_cells_keep(app: Flask, shop: Shop) -> None:
    _import(app, shop, HEADER + "\nCAM-1,,,,,,Mô tả,organic,,8931234567897,\n")
    _import(app, shop, HEADER + "\nCAM-1,,,,,,,,,,\n")
    cam = _products(app, shop)["CAM-1"]
    assert cam.name.startswith("Cam sành") and cam.price == 100_000 and cam.stock == 10
    assert (cam.description, cam.certifications, cam.gtin) == ("", [], None)


def test_an_unchanged_row_is_counted_and_not_logged(app: Flask, shop: Shop) -> None:
    result = _import(app, shop, "sku,price_vnd\nCAM-1,100000\n")
    assert (result.updated, result.unchanged) == (0, 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_a_gtin_of_another_producer_is_refused(app: Flask, shop: Shop, other_shop: Shop) -> None:
    with app.app_context():
        db.session.get(Product, other_shop.product_id).gtin = "08931234567897"
        db.session.commit()
    plan = _plan(app, shop, "sku,gtin\nCAM-1,8931234567897\n")
    assert (2, "gtin") in _where(plan)


def test_the_growing_area_is_matched_by_code_in_any_case(app: Flask, shop: Shop) -> None:
    with app.app_context():
        from catalog.models import GrowingArea

        code = db.session.get(GrowingArea, shop.area_id).code
    _import(app, shop, f"sku,growing_area_code\nCAM-1, {code.lower()} \n")
    assert _products(app, shop)["CAM-1"].growing_area.code == code


def test_ten_thousand_rows_import_in_one_go(app: Flask, shop: Shop) -> None:
    lines = [HEADER] + [
        f"BULK-{n:05d},Sản phẩm {n},I.1.a,kg,{1000 + n},{n % 50},,,,,active" for n in range(10_000)
    ]
    result = _import(app, shop, "\n".join(lines))
    assert result.created == 10_000
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count(Product.id)).where(Product.producer_id == shop.producer_id)
        )
        assert count == 10_001
        assert (
            db.session.scalar(sa.select(Product.price).where(Product.sku == "BULK-09999")) == 10_999
        )


def test_more_rows_than_allowed_are_refused(app: Flask, shop: Shop, monkeypatch) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    plan = _plan(app, shop, "sku,name\n" + "\n".join(f"S{n},x" for n in range(5)))
    assert not plan.valid
    assert any("3" in p.message for p in plan.problems)


def test_xlsx_export_imports_back_unchanged(app: Flask, shop: Shop) -> None:
    _import(
        app,
        shop,
        HEADER + '\nMAT-1,"=HYPERLINK(""http://x"")",I.2.b,chai,250000,7,"Dòng 1\nDòng 2",'
        "vietgap,,8931234567897,paused\n",
    )
    with app.app_context():
        workbook_bytes = exports.export_xlsx(shop.producer_id)
        csv_bytes = exports.export_csv(shop.producer_id)
    sheet = load_workbook(io.BytesIO(workbook_bytes)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(imports.COLUMNS)
    honey = next(row for row in rows if row[0] == "MAT-1")
    assert honey[1] == '\'=HYPERLINK("http://x")'  # never a live formula
    assert sheet.cell(row=rows.index(honey) + 1, column=2).data_type == "s"
    assert csv_bytes.startswith("\ufeff".encode())
    before = _products(app, shop)
    for data in (workbook_bytes, csv_bytes):
        result = _import(app, shop, data)
        assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    after = _products(app, shop)
    assert after["MAT-1"].name == '=HYPERLINK("http://x")'
    assert after["MAT-1"].description == "Dòng 1\nDòng 2"
    assert {k: (v.name, v.price, v.stock, v.status) for k, v in before.items()} == {
        k: (v.name, v.price, v.stock, v.status) for k, v in after.items()
    }


def test_an_xlsx_written_by_a_spreadsheet_with_numbers_is_read(app: Flask, shop: Shop) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["SKU ", "Name", "category", "unit", "price_vnd", "stock"])
    sheet.append([1001, "Bưởi Soi Hà", "I.1.a", "quả", 45000.0, 30])
    sheet.append([None, None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _import(app, shop, buffer.getvalue())
    pomelo = _products(app, shop)["1001"]
    assert (pomelo.price, pomelo.stock) == (45_000, 30)


def test_the_web_import_checks_first_then_imports_on_confirmation(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/nhap"
    bad = as_owner.post(
        url,
        data={"file": (io.BytesIO(b"sku,price_vnd\nCAM-1,12,5\n"), "gia.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "price_vnd" in bad.get_data(as_text=True) or "stock" in bad.get_data(as_text=True)
    good = as_owner.post(
        url,
        data={"file": (io.BytesIO(b"sku;price_vnd\nCAM-1;55.000\n"), "gia.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 200
    assert _products(app, shop)["CAM-1"].price == 100_000  # nothing written by the check
    token = good.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    confirmed = as_owner.post(f"{url}/xac-nhan", data={"token": token})
    assert confirmed.status_code == 302
    assert _products(app, shop)["CAM-1"].price == 55_000
    again = as_owner.post(f"{url}/xac-nhan", data={"token": token})
    assert again.headers["Location"].endswith("/nhap")


def test_a_checked_file_cannot_be_confirmed_for_another_producer(
    app: Flask, client: FlaskClient, login_as: Callable, shop: Shop, other_shop: Shop
) -> None:
    login_as(user=shop.owner)
    good = client.post(
        f"/ban-hang/{shop.producer_id}/nhap",
        data={"file": (io.BytesIO(b"sku,price_vnd\nCAM-1,1\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    token = good.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    login_as(user=other_shop.owner)
    client.post(f"/ban-hang/{other_shop.producer_id}/nhap/xac-nhan", data={"token": token})
    assert _products(app, other_shop)["CAM-1"].price == 100_000


def _exported(client: FlaskClient, shop: Shop, fmt: str):
    """Ask for an export (a job, run at once in tests), open its page, download the file."""
    page = client.post(f"/ban-hang/{shop.producer_id}/xuat.{fmt}").headers["Location"]
    assert "/tai-ve" in client.get(page).get_data(as_text=True)
    return client.get(f"{page}/tai-ve")


def test_exports_are_prepared_then_downloaded_as_attachments(
    as_owner: FlaskClient, shop: Shop
) -> None:
    csv_response = _exported(as_owner, shop, "csv")
    assert csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    assert csv_response.get_data(as_text=True).splitlines()[0].lstrip("\ufeff") == HEADER
    csv_response.close()
    xlsx = _exported(as_owner, shop, "xlsx")
    assert xlsx.data[:2] == b"PK"
    xlsx.close()
    assert as_owner.post(f"/ban-hang/{shop.producer_id}/xuat.pdf").status_code == 404


def test_the_cli_dry_run_reports_and_writes_nothing(
    app: Flask, runner: FlaskCliRunner, shop: Shop, tmp_path
) -> None:
    path = tmp_path / "hang.csv"
    path.write_text("sku,price_vnd\nCAM-1,77.000\nNEW-1,5000\n", encoding="utf-8")
    with app.app_context():
        slug = db.session.get(Producer, shop.producer_id).slug
    result = runner.invoke(args=["catalog", "import", str(path), "--producer", slug, "--dry-run"])
    assert result.exit_code == 1  # NEW-1 lacks name, category and unit
    assert "row 3, column name" in result.output
    path.write_text("sku,price_vnd\nCAM-1,77.000\n", encoding="utf-8")
    result = runner.invoke(args=["catalog", "import", str(path), "--producer", slug, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "0 to create, 1 to update" in result.output
    assert _products(app, shop)["CAM-1"].price == 100_000


def test_the_cli_imports_with_a_progress_bar_and_logs_as_the_command_line(
    app: Flask, runner: FlaskCliRunner, shop: Shop, tmp_path
) -> None:
    path = tmp_path / "hang.xlsx"
    workbook = Workbook()
    workbook.active.append(list(imports.COLUMNS))
    workbook.active.append(
        ["NEW-1", "Măng rừng", "I.2.b", "kg", "90.000", 4, "", "", "", "", "active"]
    )
    workbook.save(path)
    with app.app_context():
        slug = db.session.get(Producer, shop.producer_id).slug
    result = runner.invoke(args=["catalog", "import", str(path), "--producer", slug])
    assert result.exit_code == 0, result.output
    assert "Importing" in result.output
    assert "1 created, 0 updated" in result.output
    assert _products(app, shop)["NEW-1"].price == 90_000
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert (entry.actor_id, entry.actor_access) == (None, "cli")


def test_the_cli_names_an_unknown_producer(runner: FlaskCliRunner, tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("sku\nA\n", encoding="utf-8")
    result = runner.invoke(args=["catalog", "import", str(path), "--producer", "khong-co"])
    assert result.exit_code == 2
    assert "khong-co" in result.output
