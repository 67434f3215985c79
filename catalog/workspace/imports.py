"""Bulk import and export of listings as CSV or XLSX, create-or-update by SKU.

Columns (the header row names them, in any order; only ``sku`` is required as a column):

============== ===========================================================================
sku            the producer's own code for the product (required; at most 64 characters)
name           the product name (required for a new product)
category       an OCOP sub-group, by code (``I.2.b``), slug (``i-2-b-mat-ong-...``) or name in
               Vietnamese or English, whole or its first part, with or without accents
               (``Mật ong``, ``mat ong``, ``Honey``)
unit           what one price buys: ``kg``, ``hộp 500 g``, ``chai`` (required for a new product)
price_vnd      whole đồng: ``125000``, ``125.000`` and ``125,000`` all mean the same
stock          whole units on hand, not negative; the import sets it to this number
description    free text
certifications ``vietgap``, ``globalgap``, ``organic``, separated by commas, ``;`` or ``|``
growing_area_code  one of the producer's registered growing areas, such as ``VN-TQ-HY-001``
gtin           an 8-, 12-, 13- or 14-digit GTIN with a valid check digit
status         ``draft``, ``active``, ``paused`` or ``archived`` (new products: draft)
weight_grams   one unit packed, whole grams from 1 to 100,000 (``1050``); none: no carrier
length_cm      the packed unit's size, whole centimetres from 1 to 300 (also ``width_cm``,
               ``height_cm``)
============== ===========================================================================

An empty cell in ``name``, ``category``, ``unit``, ``price_vnd``, ``stock`` or ``status`` keeps the
current value; an empty ``description``, ``certifications``, ``growing_area_code``, ``gtin``,
weight or size clears it. Reading the file (CSV in UTF-8 or UTF-16, or XLSX), within bounds, is
``catalog.workspace.import_files``. Nothing is written unless the whole file is valid.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from catalog import audit, stock_history
from catalog.audit import Actor
from catalog.gs1 import normalize_gtin
from catalog.models import (
    Category,
    Certification,
    GrowingArea,
    Producer,
    Product,
    ProductCertification,
    ProductStatus,
)
from catalog.stock_history import StockReason
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.import_files import MAX_ROWS, ImportFileError, read_table
from catalog.workspace.numbers import (
    NumberError,
    is_blank,
    parse_centimetres,
    parse_count,
    parse_grams,
    parse_price,
)
from catalog.workspace.products import PRODUCT_FIELDS, unique_slugs
from market.extensions import db
from market.spreadsheets import FORMULA_STARTS
from market.text import fold

logger = logging.getLogger(__name__)

COLUMNS = (
    "sku",
    "name",
    "category",
    "unit",
    "price_vnd",
    "stock",
    "description",
    "certifications",
    "growing_area_code",
    "gtin",
    "status",
    "weight_grams",
    "length_cm",
    "width_cm",
    "height_cm",
)
KEEP_WHEN_EMPTY = {"name", "category", "unit", "price_vnd", "stock", "status"}
REQUIRED_FOR_NEW = ("name", "category", "unit", "price_vnd")
SIZE_COLUMNS = ("length_cm", "width_cm", "height_cm")
LIMITS = {"sku": 64, "name": 200, "unit": 40, "description": 5000}
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: spreadsheet row number (header is row 1), column, message."""

    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    """One valid data row: its row number, SKU and the parsed values of the columns present."""

    row: int
    sku: str
    values: dict[str, Any]


@dataclass
class ImportPlan:
    """What an import would do, and every problem that stops it."""

    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    to_create: int = 0
    to_update: int = 0

    @property
    def valid(self) -> bool:
        """True when the file can be imported as it is."""
        return not self.problems and bool(self.rows)


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Exports guard formula-like text with a leading apostrophe; take it off again.
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


class _Context:
    """Lookups shared by every row of one file."""

    def __init__(self, producer: Producer) -> None:
        self.producer = producer
        leaves = db.session.scalars(sa.select(Category).where(~Category.children.any()))
        self.categories: dict[str, Category] = {}
        self.names: dict[str, set[Category]] = {}
        for category in leaves:
            self.categories[category.code.lower()] = category
            self.categories[category.slug.lower()] = category
            for name in (category.name_vi, category.name_en):
                for key in {_folded(name), _folded(name.split(",")[0])}:
                    self.names.setdefault(key, set()).add(category)
        self.groups = {
            code.lower()
            for code in db.session.scalars(sa.select(Category.code).where(Category.children.any()))
        }
        self.areas = dict(
            db.session.execute(
                sa.select(GrowingArea.code, GrowingArea.id).where(
                    GrowingArea.producer_id == producer.id
                )
            ).all()
        )


def _folded(text: str) -> str:
    """A name as the import compares it: folded, single-spaced."""
    return " ".join(fold(text).split())


def _category_by_name(text: str, ctx: _Context) -> Category | None:
    """The one sub-group named ``text`` (folded: case and accents ignored), else None."""
    found = ctx.names.get(_folded(text), set())
    if len(found) > 1:
        codes = ", ".join(sorted(category.code for category in found))
        raise ValueError(
            str(_l("This name fits several sub-groups (%(codes)s): use the code.", codes=codes))
        )
    return next(iter(found), None)


def _parse_value(column: str, text: str, raw: Any, ctx: _Context) -> Any:
    """The value of one non-empty cell, or a ValueError whose message is shown."""
    if column in LIMITS and len(text) > LIMITS[column]:
        raise ValueError(str(_l("At most %(n)s characters.", n=LIMITS[column])))
    if column == "category":
        category = ctx.categories.get(text.lower()) or _category_by_name(text, ctx)
        if category is None:
            if text.lower() in ctx.groups:
                raise ValueError(str(_l("Use a sub-group such as I.2.b, not a whole group.")))
            raise ValueError(str(_l("Unknown category; use a code such as I.2.b.")))
        return category.id
    if column == "price_vnd":
        return parse_price(raw if isinstance(raw, int | float) else text)
    if column == "stock":
        return parse_count(raw if isinstance(raw, int | float) else text)
    if column == "weight_grams":
        return parse_grams(raw if isinstance(raw, int | float) else text)
    if column in SIZE_COLUMNS:
        return parse_centimetres(raw if isinstance(raw, int | float) else text)
    if column == "certifications":
        parts = text.replace(";", ",").replace("|", ",").replace("/", ",").split(",")
        try:
            return sorted({Certification(part.strip().lower()) for part in parts if part.strip()})
        except ValueError:
            raise ValueError(str(_l("Use vietgap, globalgap or organic."))) from None
    if column == "growing_area_code":
        area_id = ctx.areas.get("".join(text.split()).upper())
        if area_id is None:
            raise ValueError(str(_l("Not one of your registered growing areas.")))
        return area_id
    if column == "gtin":
        gtin = normalize_gtin(text)
        if gtin is None:
            raise ValueError(str(_l("Not a valid GTIN (check the digits and the check digit).")))
        return gtin
    if column == "status":
        try:
            return ProductStatus(text.lower())
        except ValueError:
            raise ValueError(str(_l("Use draft, active, paused or archived."))) from None
    return text


def _empty_value(column: str) -> Any:
    return [] if column == "certifications" else "" if column == "description" else None


def _header(cells: list[Any]) -> tuple[list[str], list[Problem]]:
    names = [_cell_text(cell).lower().lstrip("\ufeff") for cell in cells]
    while names and not names[-1]:
        names.pop()
    problems = []
    seen: set[str] = set()
    for name in names:
        if name not in COLUMNS:
            shown = name or str(_l("(empty)"))
            problems.append(
                Problem(1, shown, str(_l("Unknown column. Allowed: %(c)s", c=", ".join(COLUMNS))))
            )
        elif name in seen:
            problems.append(Problem(1, name, str(_l("This column appears twice."))))
        seen.add(name)
    if "sku" not in names:
        problems.append(Problem(1, "sku", str(_l("The sku column is required."))))
    return names, problems


def plan_import(producer: Producer, data: bytes) -> ImportPlan:
    """Read and check a whole file without writing anything."""
    return plan_rows(producer, read_table(data))


def plan_rows(
    producer: Producer, rows: list[list[Any]], progress: Progress | None = None
) -> ImportPlan:
    """Check rows read by :func:`read_table`; ``progress`` is told of each data row checked."""
    plan = ImportPlan()
    header: list[str] | None = None
    ctx = _Context(producer)
    first_seen: dict[str, int] = {}
    gtins: dict[str, int] = {}
    data_rows = 0
    for number, cells in enumerate(rows, start=1):
        if header is None:
            header, problems = _header(cells)
            if problems:
                plan.problems.extend(problems)
                return plan
            continue
        if progress:
            progress(1)
        if all(is_blank(_cell_text(cell)) for cell in cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            plan.problems.append(
                Problem(number, "", str(_l("At most %(n)s rows per file.", n=MAX_ROWS)))
            )
            break
        _check_row(plan, ctx, header, number, cells, first_seen, gtins)
    if header is None:
        raise ImportFileError(_l("The file is empty."))
    _check_gtins_elsewhere(plan, producer.id, gtins)
    _count(plan, producer.id)
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(2, "", str(_l("The file has a header but no products."))))
    return plan


def _check_row(
    plan: ImportPlan,
    ctx: _Context,
    header: list[str],
    number: int,
    cells: list[Any],
    first_seen: dict[str, int],
    gtins: dict[str, int],
) -> None:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    if len([c for c in cells[len(header) :] if not is_blank(_cell_text(c))]):
        problems.append(Problem(number, "", str(_l("This row has more cells than the header."))))
    for index, column in enumerate(header):
        raw = cells[index] if index < len(cells) else None
        text = _cell_text(raw)
        if not text:
            if column not in KEEP_WHEN_EMPTY:
                values[column] = _empty_value(column)
            continue
        try:
            values[column] = _parse_value(column, text, raw, ctx)
        except (ValueError, NumberError) as error:
            problems.append(Problem(number, column, str(error)))
    sku = values.pop("sku", None)
    if not sku:
        if not any(p.column == "sku" for p in problems):
            problems.append(Problem(number, "sku", str(_l("Every row needs a SKU."))))
    elif sku in first_seen:
        problems.append(
            Problem(
                number,
                "sku",
                str(_l("SKU %(sku)s is also on row %(row)s.", sku=sku, row=first_seen[sku])),
            )
        )
    else:
        first_seen[sku] = number
    gtin = values.get("gtin")
    if gtin:
        if gtin in gtins:
            problems.append(
                Problem(
                    number, "gtin", str(_l("This GTIN is also on row %(row)s.", row=gtins[gtin]))
                )
            )
        else:
            gtins[gtin] = number
    if problems:
        plan.problems.extend(problems)
    else:
        plan.rows.append(ParsedRow(number, sku, values))


def _existing(producer_id: int, skus: list[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for start in range(0, len(skus), 500):
        chunk = skus[start : start + 500]
        for product in db.session.scalars(
            sa.select(Product)
            .where(Product.producer_id == producer_id, Product.sku.in_(chunk))
            .options(so.selectinload(Product._certifications))
        ):
            found[product.sku] = product
    return found


def _check_gtins_elsewhere(plan: ImportPlan, producer_id: int, gtins: dict[str, int]) -> None:
    """A GTIN may only stay on the product (same SKU) that already has it."""
    skus_by_row = {row.row: row.sku for row in plan.rows}
    listed = list(gtins)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        for gtin, owner_id, sku in db.session.execute(
            sa.select(Product.gtin, Product.producer_id, Product.sku).where(Product.gtin.in_(chunk))
        ):
            row = gtins[gtin]
            if row in skus_by_row and (owner_id != producer_id or skus_by_row[row] != sku):
                plan.problems.append(
                    Problem(row, "gtin", str(_l("Another product already uses this GTIN.")))
                )


def _count(plan: ImportPlan, producer_id: int) -> None:
    existing = _existing(producer_id, [row.sku for row in plan.rows])
    for row in plan.rows:
        if row.sku in existing:
            plan.to_update += 1
            continue
        plan.to_create += 1
        missing = [c for c in REQUIRED_FOR_NEW if row.values.get(c) in (None, "")]
        for column in missing:
            plan.problems.append(
                Problem(
                    row.row,
                    column,
                    str(_l("Required for a new product (SKU %(sku)s).", sku=row.sku)),
                )
            )


SCALAR_FIELDS = tuple(name for name in PRODUCT_FIELDS if name != "certifications")
_FIELD_OF = {
    "name": "name",
    "category": "category_id",
    "unit": "unit",
    "price_vnd": "price",
    "description": "description",
    "certifications": "certifications",
    "growing_area_code": "growing_area_id",
    "gtin": "gtin",
    "status": "status",
    "weight_grams": "weight_grams",
    "length_cm": "length_cm",
    "width_cm": "width_cm",
    "height_cm": "height_cm",
}


def _set_fields(product: Product, values: dict[str, Any]) -> None:
    for column, attribute in _FIELD_OF.items():
        if column in values:
            setattr(product, attribute, values[column])


def _new_product(producer_id: int, row: ParsedRow, slug: str) -> Product:
    values = row.values
    return Product(
        producer_id=producer_id,
        sku=row.sku,
        slug=slug,
        name=values["name"],
        category_id=values["category"],
        unit=values["unit"],
        price=values["price_vnd"],
        stock=values.get("stock") or 0,
        status=values.get("status") or ProductStatus.DRAFT,
        description=values.get("description") or "",
        growing_area_id=values.get("growing_area_code"),
        gtin=values.get("gtin"),
        weight_grams=values.get("weight_grams"),
        length_cm=values.get("length_cm"),
        width_cm=values.get("width_cm"),
        height_cm=values.get("height_cm"),
    )


def apply_import(
    producer: Producer, plan: ImportPlan, actor: Actor, progress: Progress | None = None
) -> ImportResult:
    """Write a valid plan in one transaction: every row or none."""
    if not plan.valid:
        raise WorkspaceError(_l("The file has problems; nothing was imported."))
    result = ImportResult()
    note = str(_l("Import"))
    existing = _existing(producer.id, [row.sku for row in plan.rows])
    new_rows = [row for row in plan.rows if row.sku not in existing]
    slugs = unique_slugs([row.values["name"] for row in new_rows])
    entries: list[dict] = []
    movements: list[dict] = []
    with db.session.no_autoflush:
        for row in plan.rows:
            product = existing.get(row.sku)
            if product is None:
                continue
            fields = (*PRODUCT_FIELDS, "stock")
            before = audit.snapshot(product, fields)
            _set_fields(product, row.values)
            wanted_stock = row.values.get("stock")
            if wanted_stock is not None and wanted_stock != product.stock:
                delta = wanted_stock - product.stock
                product.stock = wanted_stock
                movements.append(
                    stock_history.movement_row(
                        product, delta, wanted_stock, _reason(delta), actor.user_id, note=note
                    )
                )
            old, new = audit.changed(before, audit.snapshot(product, fields))
            if new:
                result.updated += 1
                entries.append(
                    audit.entry(
                        producer.id,
                        actor,
                        "product.import",
                        "product",
                        product.id,
                        summary=product.name,
                        before=old,
                        after=new,
                    )
                )
            else:
                result.unchanged += 1
            if progress:
                progress(1)
    # New products go in as plain rows; their certifications follow once the ids are known.
    created = [
        _new_product(producer.id, row, slug) for row, slug in zip(new_rows, slugs, strict=True)
    ]
    db.session.add_all(created)
    try:
        db.session.flush()
        certifications = []
        for row, product in zip(new_rows, created, strict=True):
            codes = row.values.get("certifications") or []
            certifications.extend({"product_id": product.id, "code": code} for code in codes)
            if product.stock:
                movements.append(
                    stock_history.movement_row(
                        product,
                        product.stock,
                        product.stock,
                        StockReason.RESTOCK,
                        actor.user_id,
                        note=note,
                    )
                )
            after = {
                **audit.snapshot(product, SCALAR_FIELDS),
                "certifications": [code.value for code in codes],
                "stock": product.stock,
            }
            entries.append(
                audit.entry(
                    producer.id,
                    actor,
                    "product.import",
                    "product",
                    product.id,
                    summary=product.name,
                    after=after,
                )
            )
            if progress:
                progress(1)
        if certifications:
            db.session.execute(sa.insert(ProductCertification), certifications)
        stock_history.insert_movements(movements)
        audit.record_many(entries)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        logger.warning("Import for producer %s collided with a concurrent change", producer.id)
        raise WorkspaceError(
            _l("Something changed while importing (a SKU or GTIN was taken). Check the file again.")
        ) from None
    result.created = len(created)
    logger.info(
        "Import for producer %s: %s created, %s updated, %s unchanged",
        producer.id,
        result.created,
        result.updated,
        result.unchanged,
    )
    return result


def _reason(delta: int) -> StockReason:
    return StockReason.RESTOCK if delta > 0 else StockReason.CORRECTION
