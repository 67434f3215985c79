"""Trace use cases: record events, make lots by processing, sell from lots, recall lots.

Each function owns its transaction and raises a ``TraceError`` whose message the view shows,
except ``record_sale_event``, which joins the caller's transaction (orders' fulfilment).
"""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog.models import Lot, Product
from catalog.trace import buyers as buyer_sources
from catalog.trace import links
from catalog.trace.lineage import recalled_or_downstream
from catalog.trace.models import (
    USUAL_BIZ_STEP,
    BizStep,
    EventType,
    LotEvent,
    LotEventInput,
    LotRecall,
)
from market.accounts.models import User
from market.dbtypes import utcnow
from market.domain_errors import DomainError
from market.extensions import db
from market.jobs import enqueue, handler
from market.jobs.queue import PermanentJobError
from market.notify import Topic, notify, templates

logger = logging.getLogger(__name__)

# GS1 AI (10) allows 20 characters; these are the ones that stay readable in a URL path.
LOT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class TraceError(DomainError):
    """A trace use case was refused; ``str(error)`` is a message for the user."""


class AlreadyRecalled(TraceError):
    """The lot was recalled before."""


class LotCodeTaken(TraceError):
    """Another lot already has this code."""


class InvalidInputLots(TraceError):
    """Processing inputs are missing, foreign, recalled or include the output."""


@dataclass(frozen=True)
class Allocation:
    """A quantity of an order line taken from one lot."""

    lot: Lot
    quantity: Decimal


def normalize_lot_code(raw: str | None) -> str | None:
    """A lot code as stored (trimmed, upper-case), or None when it is not a valid code."""
    code = (raw or "").strip().upper()
    return code if LOT_CODE.match(code) else None


def generate_lot_code(day: date) -> str:
    """A fresh, unused lot code: the date and four unambiguous random characters."""
    while True:
        code = f"{day:%y%m%d}-{''.join(secrets.choice(_CODE_ALPHABET) for _ in range(4))}"
        if db.session.scalar(sa.select(Lot.id).where(Lot.code == code)) is None:
            return code


def lot_has_history(lot_id: int) -> bool:
    """True when the lot has trace events, feeds another lot, or was recalled: keep it."""
    checks = (
        sa.select(LotEvent.id).where(LotEvent.lot_id == lot_id),
        sa.select(LotEventInput.event_id).where(LotEventInput.lot_id == lot_id),
        sa.select(LotRecall.id).where(LotRecall.lot_id == lot_id),
    )
    return any(db.session.scalar(query.limit(1)) is not None for query in checks)


def record_event(
    lot: Lot,
    type: EventType,
    occurred_at: datetime,
    recorded_by: User | None,
    biz_step: BizStep | None = None,
    place: str = "",
    gln: str | None = None,
    quantity: Decimal | None = None,
    certificate: str = "",
    certificate_ref: str = "",
) -> LotEvent:
    """Record one event (UTC time) on a lot and commit; processing goes through its own use case."""
    if type == EventType.PROCESSING:
        raise TraceError(_l("Record processing by making a new lot from its input lots."))
    event = _new_event(
        lot,
        type,
        occurred_at,
        recorded_by,
        biz_step=biz_step,
        place=place,
        gln=gln,
        quantity=quantity,
        certificate=certificate,
        certificate_ref=certificate_ref,
    )
    db.session.commit()
    logger.info("Lot %s: %s event recorded by user %s", lot.code, type, event.recorded_by_id)
    return event


def create_processed_lot(
    product: Product,
    inputs: list[tuple[Lot, Decimal | None]],
    quantity: Decimal,
    occurred_at: datetime,
    recorded_by: User | None,
    code: str | None = None,
    local_day: date | None = None,
    place: str = "",
    gln: str | None = None,
    certificate: str = "",
    certificate_ref: str = "",
) -> Lot:
    """Make a new lot of ``product`` from input lots of the same producer, with its event."""
    _check_inputs(product, [lot for lot, _quantity in inputs])
    day = local_day or occurred_at.date()
    code = code or generate_lot_code(day)
    if db.session.scalar(sa.select(Lot.id).where(Lot.code == code)) is not None:
        raise LotCodeTaken(_l("Another lot already uses the code %(code)s.", code=code))
    areas = {lot.growing_area_id for lot, _quantity in inputs}
    output = Lot(
        code=code,
        product=product,
        harvest_date=day,
        quantity=quantity,
        growing_area_id=areas.pop() if len(areas) == 1 else None,
    )
    db.session.add(output)
    event = _new_event(
        output,
        EventType.PROCESSING,
        occurred_at,
        recorded_by,
        place=place,
        gln=gln,
        quantity=quantity,
        certificate=certificate,
        certificate_ref=certificate_ref,
    )
    event.inputs = [LotEventInput(lot=lot, quantity=amount) for lot, amount in inputs]
    try:
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise LotCodeTaken(_l("Another lot already uses the code %(code)s.", code=code)) from error
    logger.info("Lot %s made from %s", code, ", ".join(lot.code for lot, _q in inputs))
    return output


def record_sale_event(
    lot: Lot, order_reference: str, quantity: Decimal | int, when: datetime
) -> LotEvent:
    """Record that ``quantity`` of the lot shipped to a buyer; joins the caller's transaction.

    Orders' fulfilment calls this for each allocation of ``choose_lots_for_shipment`` when an
    order part ships, then commits its own transaction. ``when`` is naive UTC.
    """
    event = _new_event(
        lot,
        EventType.SELLING,
        when,
        None,
        quantity=Decimal(quantity),
        reference=order_reference[:60],
    )
    db.session.flush()
    return event


def withdraw_sale_events(order_reference: str) -> int:
    """Remove the sale events of an order part whose goods never left (an unclaimed pickup).

    Joins the caller's transaction. The lot gets its quantity back, its page stops showing the
    sale, and a later recall does not write to a shopper who never had the goods.
    """
    result = db.session.execute(
        sa.delete(LotEvent).where(
            LotEvent.type == EventType.SELLING, LotEvent.reference == order_reference[:60]
        )
    )
    return result.rowcount or 0


def choose_lots_for_shipment(
    product_id: int, quantity: Decimal | int, first_lot_id: int | None = None
) -> list[Allocation]:
    """Lots to ship ``quantity`` from: the chosen lot first, then oldest harvest first.

    Never a recalled lot. The allocations may add up to less than asked when registered lots do
    not cover the quantity (many households do not register every harvest); the rest ships
    without a lot. A chosen lot that cannot ship (recalled, used up, another product's) is a
    ``TraceError``.
    """
    lots = available_lots(product_id)
    if first_lot_id is not None:
        chosen = [entry for entry in lots if entry[0].id == first_lot_id]
        if not chosen:
            raise TraceError(
                _l("That lot cannot ship this product: it is recalled, used up or not its lot.")
            )
        lots = chosen + [entry for entry in lots if entry[0].id != first_lot_id]
    wanted = Decimal(quantity)
    allocations: list[Allocation] = []
    for lot, left in lots:
        if wanted <= 0:
            break
        take = min(left, wanted)
        allocations.append(Allocation(lot=lot, quantity=take))
        wanted -= take
    return allocations


def available_lots(product_id: int) -> list[tuple[Lot, Decimal]]:
    """A product's lots with quantity left, oldest harvest first, without recalled ones."""
    sold = (
        sa.select(LotEvent.lot_id, sa.func.sum(LotEvent.quantity).label("n"))
        .where(LotEvent.type == EventType.SELLING)
        .group_by(LotEvent.lot_id)
        .subquery()
    )
    used = (
        sa.select(LotEventInput.lot_id, sa.func.sum(LotEventInput.quantity).label("n"))
        .group_by(LotEventInput.lot_id)
        .subquery()
    )
    left = Lot.quantity - sa.func.coalesce(sold.c.n, 0) - sa.func.coalesce(used.c.n, 0)
    rows = db.session.execute(
        sa.select(Lot, left)
        .outerjoin(sold, sold.c.lot_id == Lot.id)
        .outerjoin(used, used.c.lot_id == Lot.id)
        .where(Lot.product_id == product_id, Lot.id.not_in(recalled_or_downstream()), left > 0)
        .order_by(Lot.harvest_date, Lot.id)
    ).all()
    return [(lot, Decimal(amount)) for lot, amount in rows]


def recall_lot(lot: Lot, reason: str, by: User, by_manager: bool = False) -> LotRecall:
    """Recall a lot at once; a job then emails every buyer the orders package knows of."""
    reason = reason.strip()
    if not reason:
        raise TraceError(_l("Say why the lot is recalled."))
    if db.session.scalar(sa.select(LotRecall.id).where(LotRecall.lot_id == lot.id)):
        raise AlreadyRecalled(_l("Lot %(code)s was already recalled.", code=lot.code))
    recall = LotRecall(lot=lot, reason=reason[:500], recalled_by_id=by.id, by_manager=by_manager)
    db.session.add(recall)
    try:
        db.session.flush()
        enqueue("trace.recall_notices", {"recall_id": recall.id})
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise AlreadyRecalled(_l("Lot %(code)s was already recalled.", code=lot.code)) from error
    logger.warning("Lot %s recalled by user %s: %s", lot.code, by.id, reason)
    return recall


RECALL_SUBJECT = _l("Recall: %(product)s, lot %(code)s")
RECALL_BODY = _l(
    "Hello %(name)s,\n\n"
    "%(producer)s has recalled lot %(code)s of %(product)s, which was in your order "
    "%(order)s.\n\nReason: %(reason)s\n\n"
    "Please do not use this product. Details, and how to reach the producer: %(url)s\n\n"
    "Chợ Quê"
)
# The Official Account's approved ZNS template for recalls (see orders.notice_templates).
ZNS_RECALL = "412110"
templates.define(
    "lot_recall",
    email_subject=RECALL_SUBJECT,
    email_body=RECALL_BODY,
    sms=_l("Cho Que RECALL: do not use %(product)s lot %(code)s (order %(order)s). %(url)s"),
    zalo_template=ZNS_RECALL,
    zalo_params=lambda p: {
        "customer_name": p["name"],
        "product_name": p["product"],
        "lot_code": p["code"],
        "order_code": p["order"],
        "reason": p["reason"][:90],
    },
)


@handler("trace.recall_notices")
def send_recall_notices(payload: dict) -> None:
    """Warn every buyer through every channel they have (e-mail, SMS, Zalo), whatever they
    chose for other notices, in their language; count the buyers warned on the recall.

    Each notice is keyed by recall and order, so running this job twice warns nobody twice.
    """
    recall = db.session.get(LotRecall, payload["recall_id"])
    if recall is None:
        raise PermanentJobError(f"Recall {payload['recall_id']} no longer exists")
    lot = recall.lot
    url = links.short_url(lot)
    warned = 0
    for buyer in buyer_sources.buyers_of(lot.id):
        if not (buyer.email or buyer.phone):
            continue
        values = {
            "name": buyer.name,
            "producer": lot.product.producer.name,
            "code": lot.code,
            "product": lot.product.name,
            "order": buyer.order_reference,
            "reason": recall.reason,
            "url": url,
        }
        user = db.session.get(User, buyer.user_id) if buyer.user_id else None
        notify(
            Topic.RECALLS,
            "lot_recall",
            values,
            user=user,
            phone=buyer.phone,
            email=buyer.email,
            locale=buyer.locale,
            key=f"recall:{recall.id}:{buyer.order_reference}"[:180],
            every_channel=True,
        )
        warned += 1
    recall.buyers_emailed = warned
    db.session.commit()


def _check_inputs(product: Product, lots: list[Lot]) -> None:
    if not lots:
        raise InvalidInputLots(_l("Choose at least one input lot."))
    if any(lot.product.producer_id != product.producer_id for lot in lots):
        raise InvalidInputLots(_l("Input lots must be your own."))
    blocked = set(db.session.scalars(recalled_or_downstream()))
    recalled = [lot.code for lot in lots if lot.id in blocked]
    if recalled:
        raise InvalidInputLots(
            _l("Recalled lots cannot be processed: %(codes)s.", codes=", ".join(recalled))
        )


def _new_event(
    lot: Lot,
    type: EventType,
    occurred_at: datetime,
    recorded_by: User | None,
    biz_step: BizStep | None = None,
    place: str = "",
    gln: str | None = None,
    quantity: Decimal | None = None,
    certificate: str = "",
    certificate_ref: str = "",
    reference: str = "",
) -> LotEvent:
    event = LotEvent(
        lot=lot,
        type=type,
        occurred_at=occurred_at,
        biz_step=biz_step or USUAL_BIZ_STEP[type],
        place=place.strip(),
        gln=gln or None,
        quantity=quantity,
        certificate=certificate.strip(),
        certificate_ref=certificate_ref.strip(),
        reference=reference,
        recorded_by_id=recorded_by.id if recorded_by else None,
        recorded_at=utcnow(),
    )
    db.session.add(event)
    return event
