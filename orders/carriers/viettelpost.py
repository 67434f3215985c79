"""Viettel Post through its partner API v2.

Calls ``{VIETTELPOST_API_URL}/v2/order/...`` with the ``Token`` header (the long-lived token
Viettel Post issues to a connected shop account): ``getPriceAllNlp`` (every service's price),
``createOrderNlp``, ``UpdateOrder`` with ``TYPE`` 4 (cancel) and ``printing-code`` followed by
the print service's PDF (label). Answers are ``{"status": 200, "error": false, "message": ...,
"data": ...}`` except the price list, which is a bare JSON list; ``error: true`` is a refusal
whose ``message`` we show. The sandbox is ``https://partnerdev.viettelpost.vn``.

Addresses: the ``...Nlp`` endpoints read the address as text (street, commune, province) and
find Viettel Post's own ids themselves, so we send the official names and hold no id map (and
nothing to update when boundaries change again).

Service: one service is offered, ``VIETTELPOST_SERVICE`` (default ``VCN``, Chuyển phát nhanh);
its days come from the price list's ``THOI_GIAN`` (hours).

Webhooks: Viettel Post puts the token we registered with it in the body (``TOKEN``, next to
``DATA``); it is compared in constant time before anything else in the body is used.
"""

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from market.http_api import DEFAULT_TIMEOUT_SECONDS, ApiRequest
from orders.carriers.base import (
    CarrierError,
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
    naive_utc,
    refused,
    unavailable,
)

CODE = "viettelpost"
NAME = "Viettel Post"
PRINT_URL = "https://digitalize.viettelpost.vn/DigitalizePrint/report.do"
PRINT_VALID_MS = 24 * 3600 * 1000

# Viettel Post's ORDER_STATUS codes in our words; codes not listed move nothing.
STATUSES: dict[int, ShipmentStatus] = {
    -100: ShipmentStatus.CREATED,
    -108: ShipmentStatus.CREATED,
    100: ShipmentStatus.CREATED,
    102: ShipmentStatus.CREATED,
    103: ShipmentStatus.CREATED,
    104: ShipmentStatus.CREATED,
    105: ShipmentStatus.PICKED_UP,
    200: ShipmentStatus.PICKED_UP,
    202: ShipmentStatus.PICKED_UP,
    300: ShipmentStatus.IN_TRANSIT,
    301: ShipmentStatus.IN_TRANSIT,
    302: ShipmentStatus.IN_TRANSIT,
    303: ShipmentStatus.IN_TRANSIT,
    320: ShipmentStatus.IN_TRANSIT,
    400: ShipmentStatus.IN_TRANSIT,
    500: ShipmentStatus.IN_TRANSIT,
    506: ShipmentStatus.IN_TRANSIT,
    507: ShipmentStatus.IN_TRANSIT,
    508: ShipmentStatus.IN_TRANSIT,
    509: ShipmentStatus.IN_TRANSIT,
    550: ShipmentStatus.IN_TRANSIT,
    501: ShipmentStatus.DELIVERED,
    502: ShipmentStatus.RETURNING,
    505: ShipmentStatus.RETURNING,
    515: ShipmentStatus.RETURNING,
    504: ShipmentStatus.RETURNED,
    101: ShipmentStatus.CANCELLED,
    107: ShipmentStatus.CANCELLED,
    201: ShipmentStatus.CANCELLED,
    503: ShipmentStatus.CANCELLED,
}
HOURS = re.compile(r"(\d+(?:[.,]\d+)?)")


def _address(place: Place) -> str:
    """An address as text for Viettel Post's address reader."""
    return f"{place.street}, {place.commune_name}, {place.province_name}"


def _days(text: object) -> tuple[int, int]:
    """Delivery days from ``THOI_GIAN`` ("12 giờ", "48 giờ"); 2–4 when unreadable."""
    found = HOURS.search(str(text or ""))
    if not found:
        return 2, 4
    days = max(1, math.ceil(float(found.group(1).replace(",", ".")) / 24))
    return max(1, days - 1), days


@dataclass(frozen=True)
class ViettelPost:
    """Viettel Post with one shop's token."""

    token: str
    service: str
    api_url: str
    webhook_secret: str
    code: str = CODE
    name: str = NAME
    max_weight_grams: int = 30_000

    def _post(
        self, path: str, body: dict[str, Any], timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> Any:
        """POST to the partner API; the JSON answer (a refusal raised when ``error``)."""
        url = f"{self.api_url}/v2{path}"
        headers = {"Token": self.token}
        request = ApiRequest("POST", url, headers=headers, json=body, timeout=timeout)
        answer = answer_json(self.name, call(self.name, request))
        if isinstance(answer, dict) and answer.get("error") is not False:
            raise refused(self.name, answer.get("message"))
        return answer

    def _parcel(self, parcel: Parcel) -> dict[str, Any]:
        """The parcel fields Viettel Post's price and create calls share."""
        return {
            "PRODUCT_TYPE": "HH",  # goods
            "PRODUCT_WEIGHT": parcel.weight_grams,
            "PRODUCT_PRICE": parcel.value,
            "MONEY_COLLECTION": parcel.cod,
            "PRODUCT_LENGTH": parcel.length_cm or 0,
            "PRODUCT_WIDTH": parcel.width_cm or 0,
            "PRODUCT_HEIGHT": parcel.height_cm or 0,
        }

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> CarrierQuote:
        """The price of our service from Viettel Post's list of every service's price."""
        check_weight(self.name, self.max_weight_grams, parcel)
        answer = self._post(
            "/order/getPriceAllNlp",
            {
                "SENDER_ADDRESS": _address(origin),
                "RECEIVER_ADDRESS": _address(destination),
                "TYPE": 1,  # domestic
                **self._parcel(parcel),
            },
            QUOTE_TIMEOUT_SECONDS,
        )
        if not isinstance(answer, list):
            raise unavailable(self.name)
        mine = next((s for s in answer if s.get("MA_DV_CHINH") == self.service), None)
        if mine is None:
            raise CarrierError(
                _("%(carrier)s does not deliver this parcel to that address.", carrier=self.name)
            )
        if not isinstance(mine.get("GIA_CUOC"), int):
            raise unavailable(self.name)
        days_min, days_max = _days(mine.get("THOI_GIAN"))
        return CarrierQuote(CODE, self.service, mine["GIA_CUOC"], days_min, days_max)

    def create_shipment(
        self, reference: str, origin: Place, destination: Place, parcel: Parcel, note: str = ""
    ) -> CreatedShipment:
        """Create a Viettel Post order; ``CHECK_UNIQUE`` makes a repeated reference a refusal."""
        check_weight(self.name, self.max_weight_grams, parcel)
        answer = self._post(
            "/order/createOrderNlp",
            {
                "ORDER_NUMBER": reference,
                "SENDER_FULLNAME": origin.name,
                "SENDER_ADDRESS": _address(origin),
                "SENDER_PHONE": origin.phone,
                "RECEIVER_FULLNAME": destination.name,
                "RECEIVER_ADDRESS": _address(destination),
                "RECEIVER_PHONE": destination.phone,
                "PRODUCT_NAME": reference,
                "PRODUCT_QUANTITY": 1,
                "ORDER_PAYMENT": 3 if parcel.cod else 1,  # 3: collect goods money; 1: none
                "ORDER_SERVICE": self.service,
                "ORDER_SERVICE_ADD": "",
                "ORDER_NOTE": note,
                "CHECK_UNIQUE": True,
                **self._parcel(parcel),
            },
        )
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict) or not data.get("ORDER_NUMBER"):
            raise unavailable(self.name)
        return CreatedShipment(CODE, str(data["ORDER_NUMBER"]), int(data.get("MONEY_TOTAL") or 0))

    def cancel(self, tracking_code: str) -> None:
        """Cancel (``UpdateOrder`` type 4); Viettel Post refuses once the parcel is picked up."""
        self._post("/order/UpdateOrder", {"TYPE": 4, "ORDER_NUMBER": tracking_code, "NOTE": ""})

    def label_pdf(self, tracking_code: str) -> bytes:
        """A print code for the order, then the print service's PDF for it."""
        answer = self._post(
            "/order/printing-code",
            {"EXPIRY_TIME": PRINT_VALID_MS, "ORDER_ARRAY": [tracking_code]},
        )
        code = answer.get("message") if isinstance(answer, dict) else None
        if not code:
            raise unavailable(self.name)
        response = call(self.name, ApiRequest("GET", f"{PRINT_URL}?type=1&bill={code}"))
        if response.status != 200 or not response.body.startswith(b"%PDF"):
            raise unavailable(self.name)
        return response.body

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[StatusUpdate]:
        """Viettel Post's status call: its ``TOKEN`` checked first, then ``DATA``."""
        try:
            event = json.loads(body)
            token = event.get("TOKEN") if isinstance(event, dict) else None
        except ValueError as error:
            raise WebhookRefused("unreadable Viettel Post status call") from error
        check_token(self.webhook_secret, token if isinstance(token, str) else None)
        try:
            data = event["DATA"]
            number = str(data["ORDER_NUMBER"])
            status = int(data["ORDER_STATUS"])
            when = str(data["ORDER_STATUSDATE"])
            at = naive_utc(datetime.strptime(when, "%d/%m/%Y %H:%M:%S"))
        except (ValueError, KeyError, TypeError) as error:
            raise WebhookRefused("unreadable Viettel Post status call") from error
        ours = STATUSES.get(status)
        if ours is None:
            return []
        cod = data.get("MONEY_COLLECTION") if ours is ShipmentStatus.DELIVERED else None
        return [
            StatusUpdate(
                CODE,
                number,
                ours,
                at,
                event_id(number, status, when),
                str(data.get("STATUS_NAME") or status),
                int(cod) if isinstance(cod, int | float) else None,
            )
        ]


def from_config(config: Mapping[str, Any]) -> ViettelPost | None:
    """Viettel Post when ``VIETTELPOST_TOKEN`` is set, else None."""
    if not config.get("VIETTELPOST_TOKEN"):
        return None
    return ViettelPost(
        config["VIETTELPOST_TOKEN"],
        config["VIETTELPOST_SERVICE"],
        config["VIETTELPOST_API_URL"].rstrip("/"),
        config["VIETTELPOST_WEBHOOK_SECRET"],
    )
