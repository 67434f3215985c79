"""The texts of every order notice, per channel (``market.notify.templates``).

E-mail: the subject, and a body framing the paragraphs ``orders.notifications`` writes in the
reader's language (``details``), so mails say what they said before notices had channels. SMS:
one short sentence (folded to unaccented ASCII by notify). Zalo: the ZNS template approved for
the marketplace's Official Account and its parameters; the ids below are the OA's, change them
here when Zalo approves a new version of a template.
"""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from market.notify import templates

SHOPPER_BODY = _l(
    "Hello %(name)s,\n\n%(details)s\n\n"
    "Follow your order here (keep this link private):\n%(link)s\n\nChợ Quê"
)
PRODUCER_BODY = _l("%(details)s\n\nOpen it here:\n%(link)s")
MANAGER_BODY = _l("%(details)s\n\nApprove or reject it here:\n%(link)s")

# ZNS templates of the Official Account (ids Zalo gave when it approved each one).
ZNS_ORDER_PLACED = "412101"
ZNS_ORDER_PAID = "412102"
ZNS_PART_ON_ITS_WAY = "412103"
ZNS_PART_READY = "412104"
ZNS_PART_DELIVERED = "412105"
ZNS_PARTS_CANCELLED = "412106"
ZNS_PRODUCER_ORDER = "412107"


def _order(p: Mapping[str, str]) -> dict[str, str]:
    """ZNS parameters of a shopper's order notice."""
    return {"customer_name": p["name"], "order_code": p["code"], "amount": p["amount"]}


def _part(p: Mapping[str, str]) -> dict[str, str]:
    """ZNS parameters of a notice about one producer's part."""
    return {"customer_name": p["name"], "order_code": p["ref"], "shop_name": p["producer"]}


def _producer(p: Mapping[str, str]) -> dict[str, str]:
    """ZNS parameters of a producer's notice about a part."""
    return {"order_code": p["ref"], "amount": p["amount"], "status": p["status"]}


templates.define(
    "order_placed",
    email_subject=_l("Chợ Quê: order %(code)s received"),
    email_body=SHOPPER_BODY,
    sms=_l("Cho Que: order %(code)s received, total %(amount)s. %(next)s"),
    zalo_template=ZNS_ORDER_PLACED,
    zalo_params=_order,
)
templates.define(
    "order_paid",
    email_subject=_l("Chợ Quê: order %(code)s paid"),
    email_body=SHOPPER_BODY,
    sms=_l("Cho Que: we received %(amount)s for order %(code)s. The producers are preparing it."),
    zalo_template=ZNS_ORDER_PAID,
    zalo_params=_order,
)
templates.define(
    "part_shipped",
    email_subject=_l("Chợ Quê: %(ref)s is %(status)s"),
    email_body=SHOPPER_BODY,
    sms=_l("Cho Que: %(producer)s has shipped your order %(ref)s."),
    zalo_template=ZNS_PART_ON_ITS_WAY,
    zalo_params=_part,
)
templates.define(
    "part_ready",
    email_subject=_l("Chợ Quê: %(ref)s is %(status)s"),
    email_body=SHOPPER_BODY,
    sms=_l("Cho Que: order %(ref)s is ready for pickup at %(place)s."),
    zalo_template=ZNS_PART_READY,
    zalo_params=lambda p: {**_part(p), "address": p["place"]},
)
templates.define(
    "part_delivered",
    email_subject=_l("Chợ Quê: %(ref)s is %(status)s"),
    email_body=SHOPPER_BODY,
    sms=_l("Cho Que: order %(ref)s from %(producer)s is delivered. Thank you!"),
    zalo_template=ZNS_PART_DELIVERED,
    zalo_params=_part,
)
templates.define(
    "part_accepted",
    email_subject=_l("Chợ Quê: %(ref)s accepted"),
    email_body=SHOPPER_BODY,
    sms=_l("Cho Que: %(producer)s accepted your order %(ref)s and is preparing it."),
)
templates.define(
    "parts_cancelled",
    email_subject=_l("Chợ Quê: order %(code)s cancelled"),
    email_body=SHOPPER_BODY,
    sms=_l("Cho Que: part of your order %(code)s is cancelled: %(refs)s."),
    zalo_template=ZNS_PARTS_CANCELLED,
    zalo_params=lambda p: {"customer_name": p["name"], "order_code": p["code"]},
)
templates.define(
    "producer_new_order",
    email_subject=_l("Chợ Quê: new order %(ref)s"),
    email_body=PRODUCER_BODY,
    sms=_l("Cho Que: new cash order %(ref)s, %(amount)s. Accept it before %(deadline)s."),
    zalo_template=ZNS_PRODUCER_ORDER,
    zalo_params=_producer,
)
templates.define(
    "producer_order_paid",
    email_subject=_l("Chợ Quê: new order %(ref)s"),
    email_body=PRODUCER_BODY,
    sms=_l("Cho Que: order %(ref)s is paid (%(amount)s). Please pack it."),
    zalo_template=ZNS_PRODUCER_ORDER,
    zalo_params=_producer,
)
templates.define(
    "producer_part_cancelled",
    email_subject=_l("Chợ Quê: order %(ref)s cancelled"),
    email_body=PRODUCER_BODY,
    sms=_l("Cho Que: order %(ref)s is cancelled, do not send it."),
    zalo_template=ZNS_PRODUCER_ORDER,
    zalo_params=_producer,
)
templates.define(
    "refund_requested",
    email_subject=_l("Chợ Quê: refund request for %(ref)s"),
    email_body=MANAGER_BODY,
    sms=_l("Cho Que: %(producer)s asks to refund %(amount)s of order %(ref)s."),
)
templates.define(
    "refund_decided",
    email_subject=_l("Chợ Quê: refund request for %(ref)s"),
    email_body=PRODUCER_BODY,
    sms=_l("Cho Que: the market answered your refund request for order %(ref)s."),
)
