"""SMS through eSMS.vn (ViHAT): brandname customer-care messages over its REST API.

One call per message, ``SendMultipleMessage_V4_post_json``: the account's ApiKey and SecretKey,
the registered Brandname and SmsType 2 (customer care / OTP) from the environment, the number
as ``0xxxxxxxxx``, the text unaccented (IsUnicode 0, 160 characters) and our message id as
``RequestId``, which eSMS uses to refuse a duplicate (code 124): a retry after a timeout cannot
send the same SMS twice. ``CodeResult`` 100 means eSMS accepted the request (not that the phone
received it). The answer carries no price: the cost comes from the configuration until eSMS
reports the message's final status.

Delivery reports (``ESMS_CALLBACKS``, on by default): each SMS names a ``CallbackUrl`` on this
site, ``/webhooks/notify/esms/<message id>/<signature>``; eSMS calls it with HTTP GET once the
network answered, with ``SMSID``, ``SendStatus`` (5 sent, 4 refused; 1, 2 and 7 still on their
way) and ``TotalPrice``. eSMS signs nothing, so the address carries our own signature of the
message id (HMAC with ``SECRET_KEY``): it proves the call concerns that message, and a copy of
the address in a log is good for that one message's report only.
"""

import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app

from market.http_api import ApiRequest, ApiUnavailable, send
from market.notify.channels.base import DeliveryReport, Outgoing, SendFailed, SendRefused, Sent
from market.notify.models import Channel
from market.urls import public_url

SEND_PATH = "/SendMultipleMessage_V4_post_json/"
ACCEPTED = "100"
DUPLICATE = "124"

# eSMS's table of error codes: the ones where this number will never receive this message.
REFUSED = {
    "99": "the number is blocked by eSMS",
    "108": "eSMS says the number is not valid",
    "177": "the number's network is not registered for this brandname",
}
# Account problems a manager must fix; the message is tried again, then shown as failed.
ACCOUNT = {
    "101": "eSMS refused the ApiKey or SecretKey",
    "102": "eSMS has no price list for this account",
    "103": "the eSMS balance is too low",
    "104": "the brandname is not registered with eSMS",
    "140": "this server's address is not on eSMS's allowed list",
    "146": "the text does not match a registered customer-care template",
}


class EsmsProvider:
    """SMS through eSMS.vn."""

    code = "esms"
    channel = Channel.SMS

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.api_key = config["ESMS_API_KEY"]
        self.secret_key = config["ESMS_SECRET_KEY"]
        self.brandname = config["ESMS_BRANDNAME"]
        self.sms_type = config["ESMS_SMS_TYPE"]
        self.sandbox = config["ESMS_SANDBOX"]
        self.url = config["ESMS_BASE_URL"].rstrip("/") + SEND_PATH
        self.callbacks = config["ESMS_CALLBACKS"]

    @staticmethod
    def configured(config: Mapping[str, Any]) -> bool:
        """True when the key, the secret and the brandname are all set."""
        return bool(
            config["ESMS_API_KEY"] and config["ESMS_SECRET_KEY"] and config["ESMS_BRANDNAME"]
        )

    def send(self, outgoing: Outgoing) -> Sent:
        """Send one SMS; 100 (or 124, already taken) is accepted, the rest is an error."""
        body = {
            "ApiKey": self.api_key,
            "SecretKey": self.secret_key,
            "Phone": outgoing.recipient,
            "Content": outgoing.text,
            "Brandname": self.brandname,
            "SmsType": self.sms_type,
            "IsUnicode": "0",
            "Sandbox": "1" if self.sandbox else "0",
            "RequestId": outgoing.reference,
        }
        if self.callbacks:
            body["CallbackUrl"] = public_url(
                "notify_callbacks.esms_status",
                message_id=int(outgoing.reference),
                signature=callback_signature(int(outgoing.reference)),
            )
        try:
            answer = send(ApiRequest("POST", self.url, json=body)).json()
        except ApiUnavailable as error:
            raise SendFailed(f"eSMS: {error}") from error
        if not isinstance(answer, dict):
            raise SendFailed("eSMS: unexpected answer")
        code = str(answer.get("CodeResult", ""))
        if code in (ACCEPTED, DUPLICATE):
            return Sent(provider_message_id=answer.get("SMSID") or None)
        if code in REFUSED:
            raise SendRefused(f"eSMS {code}: {REFUSED[code]}")
        reason = ACCOUNT.get(code) or str(answer.get("ErrorMessage") or answer.get("error") or "")
        raise SendFailed(f"eSMS {code or '?'}: {reason[:200]}")


def callback_signature(message_id: int) -> str:
    """Our signature of one message's callback address (HMAC-SHA256 with ``SECRET_KEY``)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"esms-callback:{message_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


DELIVERED_STATUS = "5"
REFUSED_STATUS = "4"


def parse_callback(args: Mapping[str, str]) -> DeliveryReport | None:
    """The final status eSMS reports in a callback's query; None while it is still on its way."""
    status = args.get("SendStatus", "")
    sms_id = args.get("SMSID", "")
    if not sms_id or status not in (DELIVERED_STATUS, REFUSED_STATUS):
        return None
    try:
        cost = int(Decimal(args.get("TotalPrice", "")))
    except (InvalidOperation, ValueError):
        cost = None
    delivered = status == DELIVERED_STATUS and args.get("SendSuccess", "1") != "0"
    error = None if delivered else "eSMS 4: the network did not deliver it"
    return DeliveryReport(sms_id, delivered, error, cost)
