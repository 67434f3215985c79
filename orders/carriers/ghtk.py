"""GHTK (Giao Hàng Tiết Kiệm) through its services API.

Calls ``{GHTK_API_URL}/services/...`` with the ``Token`` header (and ``X-Client-Source``, the
partner code, when one is set): ``shipment/fee`` (quote, a GET with query parameters),
``shipment/order?ver=1.5`` (create), ``shipment/cancel/{label}`` and ``label/{label}`` (the PDF
itself). Answers are ``{"success": true|false, "message": ...}``; a false ``success`` is a
refusal whose ``message`` (Vietnamese) we show. The sandbox is
``https://services-staging.ghtklab.com``.

Addresses: GHTK reads addresses by name, so we send the official province and commune names
and the street; no id map is needed, and the 2025 two-level names are what GHTK now matches.

Webhooks: GHTK signs nothing. The webhook URL registered with GHTK carries our secret as
``?hash=GHTK_WEBHOOK_SECRET`` (GHTK's own advice), compared in constant time before the body is
read. GHTK posts one status as form fields or JSON; both are read.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from market.http_api import DEFAULT_TIMEOUT_SECONDS, ApiRequest
from orders.carriers.base import (
    CarrierQuote,
    CreatedShipment,
    Parcel,
    Place,
    ShipmentStatus,
    StatusUpdate,
    WebhookRefused,
)
from orders.carriers.calls import (
    QUOTE_TIMEOUT_SECONDS,
    answer_json,
    call,
    check_token,
    check_weight,
    event_id,
    given_token,
    naive_utc,
    refused,
    unavailable,
)

CODE = "ghtk"
NAME = "GHTK — Giao Hàng Tiết Kiệm"
SERVICE = "road"  # GHTK's "transport": road (bộ) is the cheap standard

# GHTK's status_id values in our words; those not listed (e.g. 13, compensation) move nothing.
STATUSES: dict[int, ShipmentStatus] = {
    -1: ShipmentStatus.CANCELLED,
    1: ShipmentStatus.CREATED,
    2: ShipmentStatus.CREATED,
    12: ShipmentStatus.CREATED,
    7: ShipmentStatus.CREATED,
    8: ShipmentStatus.CREATED,
    127: ShipmentStatus.CREATED,
    128: ShipmentStatus.CREATED,
    3: ShipmentStatus.PICKED_UP,
    123: ShipmentStatus.PICKED_UP,
    4: ShipmentStatus.IN_TRANSIT,
    9: ShipmentStatus.IN_TRANSIT,
    10: ShipmentStatus.IN_TRANSIT,
    49: ShipmentStatus.IN_TRANSIT,
    410: ShipmentStatus.IN_TRANSIT,
    5: ShipmentStatus.DELIVERED,
    6: ShipmentStatus.DELIVERED,
    45: ShipmentStatus.DELIVERED,
    20: ShipmentStatus.RETURNING,
    21: ShipmentStatus.RETURNED,
    11: ShipmentStatus.RETURNED,
}


@dataclass(frozen=True)
class Ghtk:
    """GHTK with one shop's token."""

    token: str
    partner_code: str
    api_url: str
    webhook_secret: str
    code: str = CODE
    name: str = NAME
    max_weight_grams: int = 20_000

    def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> ApiRequest:
        """A request to GHTK's services API with our token."""
        headers = {"Token": self.token}
        if self.partner_code:
            headers["X-Client-Source"] = self.partner_code
        url = f"{self.api_url}/services{path}"
        return ApiRequest(method, url, headers=headers, json=body, timeout=timeout)

    def _send(self, request: ApiRequest) -> dict[str, Any]:
        """The answer when ``success`` is true, else GHTK's refusal."""
        answer = answer_json(self.name, call(self.name, request))
        if not isinstance(answer, dict) or "success" not in answer:
            raise unavailable(self.name)
        if answer["success"] is not True:
            raise refused(self.name, answer.get("message"))
        return answer

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> CarrierQuote:
        """GHTK's road fee; days from GHTK's published times (in province 1–2, else 2–4)."""
        check_weight(self.name, self.max_weight_grams, parcel)
        params = {
            "pick_province": origin.province_name,
            "pick_ward": origin.commune_name,
            "pick_address": origin.street,
            "province": destination.province_name,
            "ward": destination.commune_name,
            "address": destination.street,
            "weight": str(parcel.weight_grams),
            "value": str(parcel.value),
            "transport": SERVICE,
            "deliver_option": "none",
        }
        query = "&".join(f"{key}={quote(value)}" for key, value in params.items())
        fee_path = f"/shipment/fee?{query}"
        answer = self._send(self._request("GET", fee_path, timeout=QUOTE_TIMEOUT_SECONDS))
        fee = answer.get("fee")
        if not isinstance(fee, dict) or not isinstance(fee.get("fee"), int):
            raise unavailable(self.name)
        if fee.get("delivery") is False:
            raise refused(self.name, answer.get("message") or fee.get("name"))
        total = fee["fee"] + int(fee.get("insurance_fee") or 0)
        same = origin.province_code == destination.province_code
        return CarrierQuote(CODE, SERVICE, total, 1 if same else 2, 2 if same else 4)

    def create_shipment(
        self, reference: str, origin: Place, destination: Place, parcel: Parcel, note: str = ""
    ) -> CreatedShipment:
        """Submit a GHTK order; ``reference`` is GHTK's ``id``, so a repeat is refused by GHTK."""
        check_weight(self.name, self.max_weight_grams, parcel)
        order = {
            "id": reference,
            "pick_name": origin.name,
            "pick_tel": origin.phone,
            "pick_address": origin.street,
            "pick_province": origin.province_name,
            "pick_ward": origin.commune_name,
            "name": destination.name,
            "tel": destination.phone,
            "address": destination.street,
            "province": destination.province_name,
            "ward": destination.commune_name,
            "hamlet": "Khác",
            "is_freeship": "1",  # the shop pays the fee; the receiver pays only pick_money
            "pick_money": parcel.cod,
            "value": parcel.value,
            "note": note,
            "transport": SERVICE,
        }
        products = [{"name": reference, "weight": parcel.weight_grams / 1000, "quantity": 1}]
        answer = self._send(
            self._request("POST", "/shipment/order?ver=1.5", {"products": products, "order": order})
        )
        created = answer.get("order")
        if not isinstance(created, dict) or not created.get("label"):
            raise unavailable(self.name)
        fee = int(created.get("fee") or 0) + int(created.get("insurance_fee") or 0)
        return CreatedShipment(CODE, str(created["label"]), fee)

    def cancel(self, tracking_code: str) -> None:
        """Cancel a GHTK order by its label (GHTK refuses once it is picked up)."""
        self._send(self._request("POST", f"/shipment/cancel/{quote(tracking_code)}"))

    def label_pdf(self, tracking_code: str) -> bytes:
        """GHTK's A6 label, which GHTK answers as a PDF (or JSON when it refuses)."""
        request = self._request(
            "GET", f"/label/{quote(tracking_code)}?original=portrait&paper_size=A6"
        )
        response = call(self.name, request)
        if response.body.startswith(b"%PDF"):
            return response.body
        answer = answer_json(self.name, response)
        if isinstance(answer, dict) and answer.get("message"):
            raise refused(self.name, answer["message"])
        raise unavailable(self.name)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[StatusUpdate]:
        """GHTK's status call: our ``?hash=`` in the URL first, then one order status."""
        check_token(self.webhook_secret, given_token(headers, query="hash"))
        try:
            text = body.decode()
            event = json.loads(text) if text.lstrip().startswith("{") else dict(parse_qsl(text))
            label = str(event["label_id"])
            status = int(event["status_id"])
            when = str(event["action_time"])
            at = naive_utc(datetime.fromisoformat(when))
            money = event.get("pick_money")
            cod = int(money) if money not in (None, "") else None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            raise WebhookRefused("unreadable GHTK status call") from error
        ours = STATUSES.get(status)
        if ours is None:
            return []
        return [
            StatusUpdate(
                CODE,
                label,
                ours,
                at,
                event_id(label, status, when),
                str(status),
                cod if ours is ShipmentStatus.DELIVERED else None,
            )
        ]


def from_config(config: Mapping[str, Any]) -> Ghtk | None:
    """GHTK when ``GHTK_TOKEN`` is set, else None."""
    if not config.get("GHTK_TOKEN"):
        return None
    return Ghtk(
        config["GHTK_TOKEN"],
        config["GHTK_PARTNER_CODE"],
        config["GHTK_API_URL"].rstrip("/"),
        config["GHTK_WEBHOOK_SECRET"],
    )
