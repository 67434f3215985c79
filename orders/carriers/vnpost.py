"""VNPost (Bưu điện Việt Nam) through the MyVNPost customer-partner API.

Calls ``{VNPOST_API_URL}/customer-partner/...`` with the ``token`` header (issued by MyVNPost's
``GetAccessToken`` for our customer code): ``ServicesCharge`` (every service's price),
``CreateOrder``, ``orderCancel`` and ``printOrder`` (the label as PDF). Refusals come as
``{"success": false, "message": ...}`` or a non-2xx status with a ``message``.

Addresses: VNPost, the state post, files addresses under the official unit codes, so we send
our province and commune codes with their names; no id map is held.

Service: one service is offered, ``VNPOST_SERVICE`` (default ``CTN009``, standard parcel);
VNPost's price list gives no days, so they come from VNPost's published times (2–3 in the
province, 3–5 elsewhere).

Webhooks: MyVNPost signs nothing; the status URL registered with VNPost carries our secret as
``?token=VNPOST_WEBHOOK_SECRET``, compared in constant time before the body is read. Its
payload (``ItemCode``, ``OrderStatusId``, ``StatusName``, ``TimeStamp``, ``CODAmount``) and its
status codes are as public MyVNPost integrations show them: check against the sandbox before
going live (docs/delivery.md).
"""

import json
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
    given_token,
    naive_utc,
    refused,
    unavailable,
)

CODE = "vnpost"
NAME = "VNPost — Bưu điện Việt Nam"

# MyVNPost order status codes in our words; codes not listed (20 part returned, 21 COD paid
# out) move nothing.
STATUSES: dict[int, ShipmentStatus] = {
    0: ShipmentStatus.CREATED,
    1: ShipmentStatus.CREATED,
    2: ShipmentStatus.CREATED,
    3: ShipmentStatus.CREATED,
    4: ShipmentStatus.CREATED,
    5: ShipmentStatus.CREATED,
    8: ShipmentStatus.CREATED,
    6: ShipmentStatus.PICKED_UP,
    7: ShipmentStatus.PICKED_UP,
    10: ShipmentStatus.IN_TRANSIT,
    11: ShipmentStatus.IN_TRANSIT,
    12: ShipmentStatus.IN_TRANSIT,
    13: ShipmentStatus.IN_TRANSIT,
    15: ShipmentStatus.IN_TRANSIT,
    14: ShipmentStatus.DELIVERED,
    16: ShipmentStatus.RETURNING,
    17: ShipmentStatus.RETURNING,
    18: ShipmentStatus.RETURNING,
    19: ShipmentStatus.RETURNED,
    9: ShipmentStatus.CANCELLED,
    22: ShipmentStatus.CANCELLED,
}


@dataclass(frozen=True)
class VnPost:
    """VNPost with one customer code's token."""

    token: str
    customer_code: str
    service: str
    api_url: str
    webhook_secret: str
    code: str = CODE
    name: str = NAME
    max_weight_grams: int = 30_000

    def _post(
        self, path: str, body: dict[str, Any], timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> Any:
        """POST to the customer-partner API; the JSON answer, or VNPost's refusal."""
        request = ApiRequest(
            "POST",
            f"{self.api_url}/customer-partner{path}",
            headers={"token": self.token},
            json=body,
            timeout=timeout,
        )
        response = call(self.name, request)
        answer = answer_json(self.name, response)
        failed = isinstance(answer, dict) and answer.get("success") is False
        if response.status >= 400 or failed:
            said = answer.get("message") if isinstance(answer, dict) else None
            if response.status >= 500 and not said:
                raise unavailable(self.name)
            raise refused(self.name, said)
        return answer

    def _route(self, origin: Place, destination: Place) -> dict[str, Any]:
        """Sender and receiver units as VNPost files them: official codes and names."""
        return {
            "senderProvinceCode": origin.province_code,
            "senderProvinceName": origin.province_name,
            "senderCommuneCode": origin.commune_code,
            "senderCommuneName": origin.commune_name,
            "receiverProvinceCode": destination.province_code,
            "receiverProvinceName": destination.province_name,
            "receiverCommuneCode": destination.commune_code,
            "receiverCommuneName": destination.commune_name,
        }

    def _size(self, parcel: Parcel) -> dict[str, int]:
        """Weight in grams and sizes in cm (0 when unknown)."""
        return {
            "weight": parcel.weight_grams,
            "length": parcel.length_cm or 0,
            "width": parcel.width_cm or 0,
            "height": parcel.height_cm or 0,
        }

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> CarrierQuote:
        """The price of our service from VNPost's list of every service's price."""
        check_weight(self.name, self.max_weight_grams, parcel)
        answer = self._post(
            "/ServicesCharge",
            {
                "scope": 1,  # domestic
                "customerCode": self.customer_code,
                "data": {
                    **self._route(origin, destination),
                    "receiverAddress": destination.street,
                    "receiverNational": "VN",
                    **self._size(parcel),
                    "codAmount": parcel.cod,
                    "orderAmountEvaluation": parcel.value,
                    "serviceCode": None,
                    "addonService": [],
                },
            },
            QUOTE_TIMEOUT_SECONDS,
        )
        prices = answer if isinstance(answer, list) else []
        mine = next((p for p in prices if p.get("serviceCode") == self.service), None)
        if mine is None:
            raise CarrierError(
                _("%(carrier)s does not deliver this parcel to that address.", carrier=self.name)
            )
        if not isinstance(mine.get("totalFee"), int):
            raise unavailable(self.name)
        same = origin.province_code == destination.province_code
        return CarrierQuote(
            CODE, self.service, mine["totalFee"], 2 if same else 3, 3 if same else 5
        )

    def create_shipment(
        self, reference: str, origin: Place, destination: Place, parcel: Parcel, note: str = ""
    ) -> CreatedShipment:
        """Create a MyVNPost order picked up at the producer's; ``reference`` is our code."""
        check_weight(self.name, self.max_weight_grams, parcel)
        answer = self._post(
            "/CreateOrder",
            {
                "orderCreationStatus": 1,  # create, not a draft
                "type": 1,  # domestic
                "customerCode": self.customer_code,
                "informationOrder": {
                    **self._route(origin, destination),
                    "senderName": origin.name,
                    "senderPhone": origin.phone,
                    "senderAddress": origin.street,
                    "receiverName": destination.name,
                    "receiverPhone": destination.phone,
                    "receiverAddress": destination.street,
                    "saleOrderCode": reference,
                    "contentNote": note,
                    "serviceCode": self.service,
                    **self._size(parcel),
                    "codAmount": parcel.cod,
                    "orderAmountEvaluation": parcel.value,
                    "pickupType": 1,  # the postman picks up at the sender's
                },
            },
        )
        if not isinstance(answer, dict) or not answer.get("itemCode"):
            raise unavailable(self.name)
        return CreatedShipment(CODE, str(answer["itemCode"]), int(answer.get("totalFee") or 0))

    def cancel(self, tracking_code: str) -> None:
        """Cancel a MyVNPost order (refused once the postman has it)."""
        self._post("/orderCancel", {"itemCode": tracking_code, "customerCode": self.customer_code})

    def label_pdf(self, tracking_code: str) -> bytes:
        """The order's label, which ``printOrder`` answers as a PDF."""
        request = ApiRequest(
            "POST",
            f"{self.api_url}/customer-partner/printOrder",
            headers={"token": self.token, "Accept": "application/pdf"},
            json={"itemCodes": [tracking_code], "customerCode": self.customer_code},
        )
        response = call(self.name, request)
        if response.status == 200 and response.body.startswith(b"%PDF"):
            return response.body
        answer = answer_json(self.name, response)
        if isinstance(answer, dict) and answer.get("message"):
            raise refused(self.name, answer["message"])
        raise unavailable(self.name)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[StatusUpdate]:
        """VNPost's status call: our ``?token=`` in the URL first, then one or more statuses."""
        check_token(self.webhook_secret, given_token(headers, query="token"))
        try:
            payload = json.loads(body)
            events = payload if isinstance(payload, list) else [payload]
            updates = [self._update(event) for event in events]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise WebhookRefused("unreadable VNPost status call") from error
        return [update for update in updates if update is not None]

    def _update(self, event: dict[str, Any]) -> StatusUpdate | None:
        """One VNPost status as an update; None for a status we do not follow."""
        item = str(event["ItemCode"])
        status = int(event["OrderStatusId"])
        when = str(event["TimeStamp"])
        ours = STATUSES.get(status)
        if ours is None:
            return None
        at = naive_utc(datetime.fromisoformat(when))
        cod = event.get("CODAmount") if ours is ShipmentStatus.DELIVERED else None
        return StatusUpdate(
            CODE,
            item,
            ours,
            at,
            event_id(item, status, when),
            str(event.get("StatusName") or status),
            int(cod) if isinstance(cod, int) else None,
        )


def from_config(config: Mapping[str, Any]) -> VnPost | None:
    """VNPost when ``VNPOST_TOKEN`` and ``VNPOST_CUSTOMER_CODE`` are set, else None."""
    if not config.get("VNPOST_TOKEN") or not config.get("VNPOST_CUSTOMER_CODE"):
        return None
    return VnPost(
        config["VNPOST_TOKEN"],
        config["VNPOST_CUSTOMER_CODE"],
        config["VNPOST_SERVICE"],
        config["VNPOST_API_URL"].rstrip("/"),
        config["VNPOST_WEBHOOK_SECRET"],
    )
