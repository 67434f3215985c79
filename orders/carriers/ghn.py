"""GHN (Giao Hàng Nhanh) through its Shiip public API.

Calls ``{GHN_API_URL}/shiip/public-api/v2/...`` with the ``Token`` and ``ShopId`` headers:
``shipping-order/fee`` (quote), ``shipping-order/create``, ``switch-status/cancel`` and
``a5/gen-token`` followed by ``/a5/public-api/printA5?token=...`` asked for as PDF (label).
Answers are ``{"code": 200, "message": ..., "data": ...}``; any other code is a refusal whose
``message`` (Vietnamese) we show. The sandbox is ``https://dev-online-gateway.ghn.vn``.

Addresses: GHN prices between its own district ids and ward codes (its master data, still the
three-level map from before July 2025), which we do not hold. ``data/ghn_places.json`` maps our
official commune codes to GHN's ``[district_id, ward_code]``; a commune not in it cannot be
quoted by GHN (a clear message, other carriers still answer). The map is extended from GHN's
``master-data/ward`` listing when a new commune is served (docs/delivery.md). Names would not
do: GHN's fee endpoint takes ids only.

Webhooks: GHN signs nothing; the callback URL registered with GHN carries our secret as
``?token=GHN_WEBHOOK_SECRET``, compared in constant time before the body is read.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
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

CODE = "ghn"
NAME = "GHN — Giao Hàng Nhanh"
PLACES_FILE = Path(__file__).parent / "data" / "ghn_places.json"
SERVICE_TYPE_LIGHT = 2  # "Hàng nhẹ", GHN's e-commerce service, up to 50 kg
SERVICE = "standard"

# GHN's order statuses (webhook "Status") in our words.
STATUSES: dict[str, ShipmentStatus] = {
    "ready_to_pick": ShipmentStatus.CREATED,
    "picking": ShipmentStatus.CREATED,
    "money_collect_picking": ShipmentStatus.CREATED,
    "picked": ShipmentStatus.PICKED_UP,
    "storing": ShipmentStatus.IN_TRANSIT,
    "transporting": ShipmentStatus.IN_TRANSIT,
    "sorting": ShipmentStatus.IN_TRANSIT,
    "delivering": ShipmentStatus.IN_TRANSIT,
    "money_collect_delivering": ShipmentStatus.IN_TRANSIT,
    "delivery_fail": ShipmentStatus.IN_TRANSIT,
    "delivered": ShipmentStatus.DELIVERED,
    "waiting_to_return": ShipmentStatus.RETURNING,
    "return": ShipmentStatus.RETURNING,
    "return_transporting": ShipmentStatus.RETURNING,
    "return_sorting": ShipmentStatus.RETURNING,
    "returning": ShipmentStatus.RETURNING,
    "return_fail": ShipmentStatus.RETURNING,
    "returned": ShipmentStatus.RETURNED,
    "cancel": ShipmentStatus.CANCELLED,
}


@cache
def place_ids() -> dict[str, tuple[int, str]]:
    """Our commune code → GHN's (district id, ward code)."""
    raw = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    return {code: (int(ids[0]), str(ids[1])) for code, ids in raw["communes"].items()}


@dataclass(frozen=True)
class Ghn:
    """GHN with one shop's token."""

    token: str
    shop_id: str
    api_url: str
    webhook_secret: str
    code: str = CODE
    name: str = NAME
    max_weight_grams: int = 50_000

    def _post(
        self, path: str, body: dict[str, Any], timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> Any:
        """POST to the Shiip API; the answer's ``data``, or the carrier's refusal."""
        request = ApiRequest(
            "POST",
            f"{self.api_url}/shiip/public-api{path}",
            headers={"Token": self.token, "ShopId": self.shop_id},
            json=body,
            timeout=timeout,
        )
        answer = answer_json(self.name, call(self.name, request))
        if not isinstance(answer, dict) or "code" not in answer:
            raise unavailable(self.name)
        if answer["code"] != 200:
            raise refused(self.name, answer.get("message"))
        return answer.get("data")

    def _ids(self, place: Place) -> tuple[int, str]:
        """GHN's district id and ward code for ``place``; a clear error when we lack them."""
        found = place_ids().get(place.commune_code)
        if found is None:
            raise CarrierError(
                _(
                    "%(carrier)s does not know the address %(commune)s, %(province)s yet.",
                    carrier=self.name,
                    commune=place.commune_name,
                    province=place.province_name,
                )
            )
        return found

    def _parcel(self, parcel: Parcel) -> dict[str, Any]:
        """The parcel fields of a fee or create request (GHN wants every size, in cm)."""
        return {
            "weight": parcel.weight_grams,
            "length": parcel.length_cm or 10,
            "width": parcel.width_cm or 10,
            "height": parcel.height_cm or 10,
            "insurance_value": parcel.value,
            "cod_value": parcel.cod,
        }

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> CarrierQuote:
        """GHN's fee for the light-goods service; days from GHN's published delivery times."""
        check_weight(self.name, self.max_weight_grams, parcel)
        from_district, from_ward = self._ids(origin)
        to_district, to_ward = self._ids(destination)
        data = self._post(
            "/v2/shipping-order/fee",
            {
                "service_type_id": SERVICE_TYPE_LIGHT,
                "from_district_id": from_district,
                "from_ward_code": from_ward,
                "to_district_id": to_district,
                "to_ward_code": to_ward,
                **self._parcel(parcel),
            },
            QUOTE_TIMEOUT_SECONDS,
        )
        if not isinstance(data, dict) or not isinstance(data.get("total"), int):
            raise unavailable(self.name)
        same = origin.province_code == destination.province_code
        return CarrierQuote(CODE, SERVICE, data["total"], 1 if same else 2, 2 if same else 4)

    def create_shipment(
        self, reference: str, origin: Place, destination: Place, parcel: Parcel, note: str = ""
    ) -> CreatedShipment:
        """Create a GHN order picked up from the producer; the receiver pays nothing but COD."""
        check_weight(self.name, self.max_weight_grams, parcel)
        from_district, from_ward = self._ids(origin)
        to_district, to_ward = self._ids(destination)
        parcel_fields = self._parcel(parcel)
        data = self._post(
            "/v2/shipping-order/create",
            {
                "payment_type_id": 1,  # the shop pays the fee
                "required_note": "CHOXEMHANGKHONGTHU",  # the receiver may look, not try
                "client_order_code": reference,
                "note": note,
                "from_name": origin.name,
                "from_phone": origin.phone,
                "from_address": origin.street,
                "from_district_id": from_district,
                "from_ward_code": from_ward,
                "to_name": destination.name,
                "to_phone": destination.phone,
                "to_address": f"{destination.street}, {destination.commune_name}, "
                f"{destination.province_name}",
                "to_district_id": to_district,
                "to_ward_code": to_ward,
                "service_type_id": SERVICE_TYPE_LIGHT,
                "cod_amount": parcel.cod,
                "content": reference,
                **{k: v for k, v in parcel_fields.items() if k != "cod_value"},
                "items": [{"name": reference, "quantity": 1, "weight": parcel.weight_grams}],
            },
        )
        if not isinstance(data, dict) or not data.get("order_code"):
            raise unavailable(self.name)
        return CreatedShipment(CODE, str(data["order_code"]), int(data.get("total_fee") or 0))

    def cancel(self, tracking_code: str) -> None:
        """Cancel a GHN order (GHN refuses once it is picked up)."""
        data = self._post("/v2/switch-status/cancel", {"order_codes": [tracking_code]})
        results = data if isinstance(data, list) else []
        mine = next((r for r in results if r.get("order_code") == tracking_code), None)
        if mine is None:
            raise unavailable(self.name)
        if not mine.get("result"):
            raise refused(self.name, mine.get("message"))

    def label_pdf(self, tracking_code: str) -> bytes:
        """GHN's A5 label: a print token, then the print page asked for as PDF."""
        data = self._post("/v2/a5/gen-token", {"order_codes": [tracking_code]})
        if not isinstance(data, dict) or not data.get("token"):
            raise unavailable(self.name)
        request = ApiRequest(
            "GET",
            f"{self.api_url}/a5/public-api/printA5?token={data['token']}",
            headers={"Accept": "application/pdf"},
        )
        response = call(self.name, request)
        if response.status != 200 or not response.body.startswith(b"%PDF"):
            raise unavailable(self.name)
        return response.body

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[StatusUpdate]:
        """GHN's callback: our ``?token=`` in the URL first, then one JSON order status."""
        check_token(self.webhook_secret, given_token(headers, query="token"))
        try:
            event = json.loads(body)
            code = str(event["OrderCode"])
            status = str(event["Status"])
            at = naive_utc(datetime.fromisoformat(str(event["Time"]).replace("Z", "+00:00")))
        except (ValueError, KeyError, TypeError) as error:
            raise WebhookRefused("unreadable GHN callback") from error
        ours = STATUSES.get(status)
        if ours is None:  # a status we do not follow (e.g. "exception"): nothing to move
            return []
        cod = event.get("CODAmount") if ours is ShipmentStatus.DELIVERED else None
        return [
            StatusUpdate(
                CODE,
                code,
                ours,
                at,
                event_id(code, status, event["Time"], event.get("Type", "")),
                status,
                int(cod) if isinstance(cod, int) else None,
            )
        ]


def from_config(config: Mapping[str, Any]) -> Ghn | None:
    """GHN when ``GHN_TOKEN`` and ``GHN_SHOP_ID`` are set, else None."""
    if not config.get("GHN_TOKEN") or not config.get("GHN_SHOP_ID"):
        return None
    return Ghn(
        config["GHN_TOKEN"],
        str(config["GHN_SHOP_ID"]),
        config["GHN_API_URL"].rstrip("/"),
        config["GHN_WEBHOOK_SECRET"],
    )
