"""Export of a producer's listings as CSV or XLSX, in the columns the import reads."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import Workbook

from catalog.models import Product
from catalog.workspace.imports import COLUMNS
from market.extensions import db
from market.spreadsheets import spreadsheet_safe


def export_rows(producer_id: int) -> Iterator[list[Any]]:
    """The header, then one row per product of the producer, by SKU."""
    yield list(COLUMNS)
    products = db.session.scalars(
        sa.select(Product)
        .where(Product.producer_id == producer_id)
        .options(
            so.joinedload(Product.category),
            so.joinedload(Product.growing_area),
            so.selectinload(Product._certifications),
        )
        .order_by(Product.sku, Product.id)
    )
    for product in products:
        yield [
            spreadsheet_safe(product.sku or ""),
            spreadsheet_safe(product.name),
            product.category.code,
            spreadsheet_safe(product.unit),
            product.price,
            product.stock,
            spreadsheet_safe(product.description),
            ", ".join(c.value for c in product.certifications),
            product.growing_area.code if product.growing_area else "",
            product.gtin or "",
            product.status.value,
            product.weight_grams,
            product.length_cm,
            product.width_cm,
            product.height_cm,
        ]


def export_csv(producer_id: int) -> bytes:
    """The listings as UTF-8 CSV with a BOM, so Excel shows Vietnamese letters correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerows(export_rows(producer_id))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(producer_id: int) -> bytes:
    """The listings as an XLSX workbook with one sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("products")
    for row in export_rows(producer_id):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
