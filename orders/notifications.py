"""Notices about orders, written in each reader's language; sent after the commit.

Shopper: placed, paid, accepted, shipped, ready for pickup, delivered, cancelled. Producer members
(and helpers the household chose to keep informed): a part to fulfil (placed with cash, or paid)
and a part cancelled. Every function returns ``orders.transaction.Notice``s for the use case's
``Outbox``, which hands them to ``market.notify`` (the channels each person chose); the texts
per channel are in ``orders.notice_templates``. Nothing here touches the database's state.
"""

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from catalog.models import HelperGrant, ProducerMember
from market.accounts.models import User
from market.extensions import db
from market.i18n import format_number, format_vnd, local_datetime
from market.notify import Topic
from market.urls import public_url
from orders import notice_templates  # noqa: F401  (defines the templates)
from orders.labels import DELIVERY_LABELS, STATUS_LABELS, cancel_label
from orders.models import Order, OrderPart, PaymentMethod
from orders.pickup import pickup_place
from orders.transaction import Notice


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


def sms_amount(amount: int) -> str:
    """Đồng as short texts (SMS, Zalo) write them: ``125.000đ``."""
    return f"{format_number(amount)}đ"


def _to_shopper(
    order: Order, topic: Topic, template: str, paragraphs: Iterable[str], **params: str
) -> list[Notice]:
    """The shopper's notice: the account's channels, or a guest's checkout phone and e-mail."""
    values = {
        "name": order.contact_name,
        "code": order.code,
        "details": "\n".join(paragraphs),
        "link": order_link(order),
        **params,
    }
    return [
        Notice(
            topic,
            template,
            values,
            order.locale,
            user=order.user,
            phone=order.contact_phone,
            email=order.notify_email,
        )
    ]


def order_placed(order: Order) -> list[Notice]:
    """Tell the shopper what they ordered and how to pay."""
    with force_locale(order.locale):
        paragraphs = [_("Thank you! We have received your order %(code)s.", code=order.code), ""]
        for part in order.parts:
            paragraphs += _part_summary(part)
        paragraphs += ["", _("Total: %(total)s", total=format_vnd(order.total)), ""]
        if order.payment_method is PaymentMethod.CASH:
            paragraphs.append(_("Pay in cash on delivery or when you pick up."))
            next_step = _("Pay in cash when you receive it.")
            paragraphs.append(
                _(
                    "Each producer has until %(deadline)s to accept your order; an order not "
                    "accepted by then is cancelled and you owe nothing for it.",
                    deadline=local_datetime(order.expires_at),
                )
            )
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
            next_step = _(
                "Transfer it with the message %(code)s before %(deadline)s.",
                code=order.payment_code,
                deadline=local_datetime(order.expires_at),
            )
        return _to_shopper(
            order,
            Topic.ORDERS,
            "order_placed",
            paragraphs,
            amount=sms_amount(order.total),
            next=next_step,
        )


def order_paid(order: Order, parts: list[OrderPart]) -> list[Notice]:
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
        return _to_shopper(
            order, Topic.PAYMENTS, "order_paid", paragraphs, amount=sms_amount(amount)
        )


def _part_params(part: OrderPart) -> dict[str, str]:
    """What every notice about one part says, in the current language."""
    return {
        "ref": part.reference,
        "producer": part.producer.name,
        "status": str(STATUS_LABELS[part.status]),
        "amount": sms_amount(part.total),
    }


def part_on_its_way(part: OrderPart) -> list[Notice]:
    """Tell the shopper a part was shipped or is ready to be picked up."""
    order = part.order
    with force_locale(order.locale):
        params = _part_params(part)
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
            params["place"] = where or part.producer.name
            return _to_shopper(order, Topic.PICKUPS, "part_ready", paragraphs, **params)
        text = _(
            "%(producer)s has shipped your order %(ref)s.",
            producer=part.producer.name,
            ref=part.reference,
        )
        paragraphs = [text]
        if part.tracking:
            paragraphs.append(_("Note from the producer: %(note)s", note=part.tracking))
        return _to_shopper(order, Topic.ORDERS, "part_shipped", paragraphs, **params)


def part_delivered(part: OrderPart) -> list[Notice]:
    """Tell the shopper a part sent to them has been delivered."""
    order = part.order
    with force_locale(order.locale):
        text = _(
            "%(producer)s has delivered your order %(ref)s. Thank you for buying on Chợ Quê!",
            producer=part.producer.name,
            ref=part.reference,
        )
        return _to_shopper(order, Topic.ORDERS, "part_delivered", [text], **_part_params(part))


def parts_cancelled(order: Order, parts: list[OrderPart]) -> list[Notice]:
    """Tell the shopper which parts were cancelled, why, and what happens to their money."""
    with force_locale(order.locale):
        paragraphs = [_("These parts of your order %(code)s are cancelled:", code=order.code)]
        for part in parts:
            reason = cancel_label(part)
            if part.cancel_reason:
                reason = f"{reason}: {part.cancel_reason}"
            paragraphs.append(f"— {part.producer.name} ({part.reference}): {reason}")
        if any(p.paid_amount for p in parts):
            paragraphs += ["", _("What you paid for them will be refunded.")]
        refs = ", ".join(p.reference for p in parts)
        return _to_shopper(order, Topic.ORDERS, "parts_cancelled", paragraphs, refs=refs)


def part_accepted(part: OrderPart) -> list[Notice]:
    """Tell the shopper the producer accepted their cash order."""
    order = part.order
    with force_locale(order.locale):
        text = _(
            "%(producer)s has accepted your order %(ref)s and is preparing it.",
            producer=part.producer.name,
            ref=part.reference,
        )
        return _to_shopper(order, Topic.ORDERS, "part_accepted", [text], **_part_params(part))


def producer_people(producer_id: int) -> list[User]:
    """Who hears a producer's notices: its active members, and the helpers whose grant says the
    household wants its notices sent to them too."""
    members = sa.select(ProducerMember.user_id).where(ProducerMember.producer_id == producer_id)
    helpers = sa.select(HelperGrant.helper_id).where(
        HelperGrant.producer_id == producer_id,
        HelperGrant.revoked_at.is_(None),
        HelperGrant.notices,
    )
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active, sa.or_(User.id.in_(members), User.id.in_(helpers)))
            .order_by(User.id)
        )
    )


def _to_producer(
    part: OrderPart, topic: Topic, template: str, details: Callable[[], list[str]]
) -> list[Notice]:
    """One notice per person of the producer; ``details`` is written in each one's language."""
    notices = []
    for person in producer_people(part.producer_id):
        with force_locale(person.locale):
            params = {
                **_part_params(part),
                "details": "\n".join(details()),
                "link": part_link(part),
            }
            if part.order.expires_at is not None:
                params["deadline"] = local_datetime(part.order.expires_at)
        notices.append(Notice(topic, template, params, person.locale, user=person))
    return notices


def _to_fulfil_details(part: OrderPart) -> list[str]:
    body = [_("A new order %(ref)s is waiting to be packed.", ref=part.reference)]
    if part.awaits_confirmation:
        body.append(
            _(
                "The shopper pays in cash: accept or decline the order before "
                "%(deadline)s, or it is cancelled then.",
                deadline=local_datetime(part.order.expires_at),
            )
        )
    return [
        *body,
        "",
        *_part_summary(part),
        "",
        _("Total: %(total)s", total=format_vnd(part.total)),
    ]


def part_to_fulfil(part: OrderPart) -> list[Notice]:
    """Tell the producer's people a new cash part is waiting to be accepted and packed."""
    return _to_producer(part, Topic.ORDERS, "producer_new_order", lambda: _to_fulfil_details(part))


def part_paid(part: OrderPart) -> list[Notice]:
    """Tell the producer's people a part is paid and waiting to be packed."""
    return _to_producer(
        part, Topic.PAYMENTS, "producer_order_paid", lambda: _to_fulfil_details(part)
    )


def part_cancelled_by_shopper(part: OrderPart) -> list[Notice]:
    """Tell the producer's people not to send a part the shopper cancelled."""
    return _do_not_send(
        part,
        lambda: _(
            "The shopper cancelled order %(ref)s: please do not send it.", ref=part.reference
        ),
    )


def part_expired_unaccepted(part: OrderPart) -> list[Notice]:
    """Tell the producer's people a cash order nobody accepted in time was cancelled."""
    return _do_not_send(
        part,
        lambda: _(
            "Order %(ref)s was not accepted in time and is cancelled: please do not "
            "send it. Its products are back on sale.",
            ref=part.reference,
        ),
    )


def _do_not_send(part: OrderPart, why: Callable[[], str]) -> list[Notice]:
    """Tell the producer's people that a part is cancelled; ``why`` is written in each
    person's language."""
    return _to_producer(part, Topic.ORDERS, "producer_part_cancelled", lambda: [why()])


def part_refund_requested(
    part: OrderPart, amount: int, reason: str, to: list[User]
) -> list[Notice]:
    """Tell the provincial managers a producer asks to refund money the market holds."""
    notices = []
    for manager in to:
        with force_locale(manager.locale):
            line = _(
                "%(producer)s asks to refund %(amount)s of order %(ref)s.",
                producer=part.producer.name,
                amount=format_vnd(amount),
                ref=part.reference,
            )
            params = {
                **_part_params(part),
                "amount": sms_amount(amount),
                "details": "\n".join([line, reason]),
                "link": public_url("payments_manager.refund_requests"),
            }
        notices.append(
            Notice(Topic.PAYMENTS, "refund_requested", params, manager.locale, user=manager)
        )
    return notices


def part_refund_decided(part: OrderPart, amount: int, approved: bool, note: str) -> list[Notice]:
    """Tell the producer's people whether the market refunds what they asked for."""

    def details() -> list[str]:
        if approved:
            line = _(
                "The market refunded %(amount)s of order %(ref)s to the shopper.",
                amount=format_vnd(amount),
                ref=part.reference,
            )
        else:
            line = _(
                "The market did not approve refunding %(amount)s of order %(ref)s.",
                amount=format_vnd(amount),
                ref=part.reference,
            )
        return [line, note]

    return _to_producer(part, Topic.PAYMENTS, "refund_decided", details)
