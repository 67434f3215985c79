"""Growing areas (mã số vùng trồng) and harvest lots.

Growing-area codes have no single public format (see the domain notes): a code is stored as issued,
upper-cased and trimmed, and only loosely checked — ``VN``, then letters, digits and hyphens, at
most 32 characters. A new, re-coded or reinstated area waits for a market manager's review.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog import audit
from catalog.audit import Actor
from catalog.models import AreaStatus, Certification, GrowingArea, Lot, Product, ReviewStatus
from catalog.workspace.errors import WorkspaceError
from market import places
from market.dbtypes import utcnow
from market.extensions import db

CODE_PATTERN = re.compile(r"^VN[A-Z0-9-]{0,30}$")
AREA_FIELDS = (
    "code",
    "crop",
    "variety",
    "area_ha",
    "households",
    "commune_code",
    "area_slug",
    "latitude",
    "longitude",
    "certification",
    "target_market",
    "issuing_body",
    "status",
)
LOT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed safely


@dataclass
class AreaData:
    """What the producer registers about a growing area."""

    code: str
    crop: str
    commune_code: str
    area_slug: str
    variety: str = ""
    area_ha: Decimal | None = None
    households: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    certification: Certification | None = None
    target_market: str = ""
    issuing_body: str = ""
    status: AreaStatus = AreaStatus.ACTIVE


def normalize_area_code(raw: str) -> str | None:
    """The code as issued, upper case without spaces, or None if it does not look like one."""
    code = "".join(raw.split()).upper()
    return code if CODE_PATTERN.match(code) else None


def _check(data: AreaData, area_id: int | None) -> str:
    code = normalize_area_code(data.code)
    if code is None:
        raise WorkspaceError(
            _l("A growing-area code starts with VN, then letters, digits and hyphens (max 32)."),
            field="code",
        )
    other = db.session.scalar(sa.select(GrowingArea.id).where(GrowingArea.code == code))
    if other is not None and other != area_id:
        raise WorkspaceError(_l("This code is already registered."), field="code")
    place = places.home_place(data.commune_code, data.area_slug)
    if place is None:
        field = "place" if places.home_place(data.commune_code, None) is None else "area"
        raise WorkspaceError(_l("Choose the commune from the list."), field=field)
    data.commune_code, data.area_slug = place[0], place[1] or ""
    if not data.crop.strip():
        raise WorkspaceError(_l("Enter the crop, such as Cam sành."), field="crop")
    if data.area_ha is not None and data.area_ha <= 0:
        raise WorkspaceError(_l("The area must be more than 0 ha."), field="area_ha")
    if (data.latitude is None) != (data.longitude is None):
        raise WorkspaceError(_l("Enter both latitude and longitude, or neither."), field="latitude")
    return code


def _apply(area: GrowingArea, data: AreaData, code: str) -> None:
    if area.code != code:
        area.review_status = ReviewStatus.PENDING  # a new code needs a new review
    if area.status != data.status:
        area.status_changed_at = utcnow()
        if data.status == AreaStatus.ACTIVE:
            area.review_status = ReviewStatus.PENDING  # reinstating needs a manager's review
    area.code = code
    area.crop = data.crop.strip()
    area.variety = data.variety.strip()
    area.area_ha = data.area_ha
    area.households = data.households
    area.commune_code = data.commune_code
    area.area_slug = data.area_slug or None
    area.latitude = data.latitude
    area.longitude = data.longitude
    area.certification = data.certification
    area.target_market = data.target_market.strip()
    area.issuing_body = data.issuing_body.strip()
    area.status = data.status


def create_area(producer_id: int, data: AreaData, actor: Actor) -> GrowingArea:
    """Register a growing area; it waits for a manager's review."""
    code = _check(data, None)
    area = GrowingArea(producer_id=producer_id, review_status=ReviewStatus.PENDING)
    _apply(area, data, code)
    area.status_changed_at = None
    db.session.add(area)
    db.session.flush()
    audit.record(
        producer_id,
        actor,
        "area.create",
        "growing_area",
        area.id,
        summary=area.code,
        after=audit.snapshot(area, AREA_FIELDS),
    )
    db.session.commit()
    return area


def update_area(area: GrowingArea, data: AreaData, actor: Actor) -> None:
    """Save changes to a growing area; a changed code goes back to review."""
    code = _check(data, area.id)
    before = audit.snapshot(area, AREA_FIELDS)
    _apply(area, data, code)
    old, new = audit.changed(before, audit.snapshot(area, AREA_FIELDS))
    if new:
        audit.record(
            area.producer_id,
            actor,
            "area.update",
            "growing_area",
            area.id,
            summary=area.code,
            before=old,
            after=new,
        )
    db.session.commit()


def areas_of(producer_id: int) -> list[GrowingArea]:
    """The producer's growing areas by code."""
    return list(
        db.session.scalars(
            sa.select(GrowingArea)
            .where(GrowingArea.producer_id == producer_id)
            .order_by(GrowingArea.code)
        )
    )


def _new_lot_code(harvest: date) -> str:
    while True:
        code = f"{harvest:%y%m%d}-" + "".join(secrets.choice(LOT_ALPHABET) for _ in range(5))
        if db.session.scalar(sa.select(Lot.id).where(Lot.code == code)) is None:
            return code


def create_lot(
    producer_id: int,
    product_id: int,
    area_id: int | None,
    harvest_date: date,
    quantity: Decimal,
    actor: Actor,
    today: date,
) -> Lot:
    """Record a harvest lot of one of the producer's products."""
    product = db.session.get(Product, product_id)
    if product is None or product.producer_id != producer_id:
        raise WorkspaceError(_l("Choose one of your products."), field="product_id")
    area = db.session.get(GrowingArea, area_id) if area_id else None
    if area_id and (area is None or area.producer_id != producer_id):
        raise WorkspaceError(_l("Choose one of your growing areas."), field="growing_area_id")
    if harvest_date > today:
        raise WorkspaceError(_l("The harvest date cannot be in the future."), field="harvest_date")
    if quantity <= 0:
        raise WorkspaceError(_l("The quantity must be more than 0."), field="quantity")
    lot = Lot(
        code=_new_lot_code(harvest_date),
        product_id=product.id,
        growing_area_id=area.id if area else None,
        harvest_date=harvest_date,
        quantity=quantity,
    )
    db.session.add(lot)
    db.session.flush()
    audit.record(
        producer_id,
        actor,
        "lot.create",
        "lot",
        lot.id,
        summary=f"{lot.code} · {product.name}",
        after=audit.snapshot(
            lot, ("code", "product_id", "growing_area_id", "harvest_date", "quantity")
        ),
    )
    db.session.commit()
    return lot


def lots_of(producer_id: int) -> sa.Select:
    """The producer's lots, newest harvest first."""
    return (
        sa.select(Lot)
        .join(Lot.product)
        .where(Product.producer_id == producer_id)
        .order_by(Lot.harvest_date.desc(), Lot.id.desc())
    )
