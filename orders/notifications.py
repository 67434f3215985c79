"""Emails about orders, written in each reader's language; sent after the commit.

Shopper: placed, paid, shipped or ready for pickup, cancelled. Producer members: a part to
fulfil (placed with cash, or paid) and a part the shopper cancelled. Every function returns
the messages for ``orders.transaction.Outbox``; nothing here touches the database's state.
"""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from catalog.models import ProducerMember
from market.accounts.models import User
from market.extensions import db
from market.i18n import format_vnd, local_datetime
from orders.labels import CANCEL_LABELS, DELIVERY_LABELS, STATUS_LABELS
from orders.models import Order, OrderPart, PaymentMethod
from orders.pickup import pickup_place
from orders.transaction import Mail


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link on the public site, also outside a request (cron, CLI)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def order_link(order: Order) -> str:
    """The shopper's private link to the order (works signed in or not)."""
    return public_url("orders.private", token=order.access_token)


def part_link(part: OrderPart) -> str:
    """The producer's page for one part."""
    return public_url("fulfilment.part", producer_id=part.producer_id, part_id=part.id)


def _part_summary(part: OrderPart) -> list[str]:
    lines = [f"— {part.producer.name} ({part.reference}): {DELIVERY_LABELS[part.delivery_method]}"]
    lines += [
        f"   {line.quantity} × {line.product_name} ({line.unit}): {format_vnd(line.line_total)}"
        for line in part.lines
    ]
    if part.delivery_fee:
        lines.append("   " + _("Delivery: %(fee)s", fee=format_vnd(part.delivery_fee)))
    return lines


def _to_shopper(order: Order, subject: str, paragraphs: Iterable[str]) -> list[Mail]:
    if not order.notify_email:
        return []
    body = [_("Hello %(name)s,", name=order.contact_name), "", *paragraphs, ""]
    body += [
        _("Follow your order here (keep this link private):"),
        order_link(order),
        "",
        "Chợ Quê",
    ]
    return [Mail(order.notify_email, subject, "\n".join(body))]


def order_placed(order: Order) -> list[Mail]:
    """Tell the shopper what they ordered and how to pay."""
    with force_locale(order.locale):
        paragraphs = [_("Thank you! We have received your order %(code)s.", code=order.code), ""]
        for part in order.parts:
            paragraphs += _part_summary(part)
        paragraphs += ["", _("Total: %(total)s", total=format_vnd(order.total)), ""]
        if order.payment_method is PaymentMethod.CASH:
            paragraphs.append(_("Pay in cash on delivery or when you pick up."))
        else:
            paragraphs.append(
                _(
                    "Please pay %(amount)s before %(deadline)s, with the order code %(code)s "
                    "as the transfer message; unpaid orders are cancelled then.",
                    amount=format_vnd(order.amount_due),
                    deadline=local_datetime(order.expires_at),
                    code=order.payment_code,
                )
            )
        subject = _("Chợ Quê: order %(code)s received", code=order.code)
        return _to_shopper(order, subject, paragraphs)


def order_paid(order: Order, parts: list[OrderPart]) -> list[Mail]:
    """Confirm a payment to the shopper."""
    with force_locale(order.locale):
        amount = sum(p.total for p in parts)
        paragraphs = [
            _(
                "We have received your payment of %(amount)s for order %(code)s. "
                "The producers are now preparing it.",
                amount=format_vnd(amount),
                code=order.code,
            )
        ]
        return _to_shopper(order, _("Chợ Quê: order %(code)s paid", code=order.code), paragraphs)


def part_on_its_way(part: OrderPart) -> list[Mail]:
    """Tell the shopper a part was shipped or is ready to be picked up."""
    order = part.order
    with force_locale(order.locale):
        if part.delivery_method.is_pickup:
            where = pickup_place(part) or part.producer.address
            text = _(
                "%(producer)s has your order %(ref)s ready for pickup.",
                producer=part.producer.name,
                ref=part.reference,
            )
            paragraphs = [text]
            if where:
                paragraphs.append(_("Where: %(place)s", place=where))
        else:
            text = _(
                "%(producer)s has shipped your order %(ref)s.",
                producer=part.producer.name,
                ref=part.reference,
            )
            paragraphs = [text]
            if part.tracking:
                paragraphs.append(_("Note from the producer: %(note)s", note=part.tracking))
        subject = _(
            "Chợ Quê: %(ref)s is %(status)s", ref=part.reference, status=STATUS_LABELS[part.status]
        )
        return _to_shopper(order, subject, paragraphs)


def parts_cancelled(order: Order, parts: list[OrderPart]) -> list[Mail]:
    """Tell the shopper which parts were cancelled, why, and what happens to their money."""
    with force_locale(order.locale):
        paragraphs = [_("These parts of your order %(code)s are cancelled:", code=order.code)]
        for part in parts:
            reason = part.cancel_reason or (
                CANCEL_LABELS[part.cancel_kind] if part.cancel_kind else ""
            )
            paragraphs.append(f"— {part.producer.name} ({part.reference}): {reason}")
        if any(p.paid_amount for p in parts):
            paragraphs += ["", _("What you paid for them will be refunded.")]
        subject = _("Chợ Quê: order %(code)s cancelled", code=order.code)
        return _to_shopper(order, subject, paragraphs)


def _members(producer_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(ProducerMember, ProducerMember.user_id == User.id)
            .where(
                ProducerMember.producer_id == producer_id,
                User.active,
                User.email.is_not(None),
            )
        )
    )


def part_to_fulfil(part: OrderPart) -> list[Mail]:
    """Tell the producer's members a new part is waiting to be packed."""
    mails = []
    for member in _members(part.producer_id):
        with force_locale(member.locale):
            body = [
                _("A new order %(ref)s is waiting to be packed.", ref=part.reference),
                "",
                *_part_summary(part),
                "",
                _("Total: %(total)s", total=format_vnd(part.total)),
                "",
                _("Open it here:"),
                part_link(part),
            ]
            subject = _("Chợ Quê: new order %(ref)s", ref=part.reference)
            mails.append(Mail(member.email or "", subject, "\n".join(body)))
    return mails


def part_cancelled_by_shopper(part: OrderPart) -> list[Mail]:
    """Tell the producer's members not to send a part the shopper cancelled."""
    mails = []
    for member in _members(part.producer_id):
        with force_locale(member.locale):
            body = [
                _(
                    "The shopper cancelled order %(ref)s: please do not send it.",
                    ref=part.reference,
                ),
                part_link(part),
            ]
            subject = _("Chợ Quê: order %(ref)s cancelled", ref=part.reference)
            mails.append(Mail(member.email or "", subject, "\n".join(body)))
    return mails
