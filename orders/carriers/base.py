"""What every carrier module speaks: places, parcels, quotes, shipments, status updates, errors.

A carrier module (``ghn``, ``ghtk``, ``viettelpost``, ``vnpost``) wraps one carrier's HTTP API
behind the ``Carrier`` protocol; the rest of the code sees only these types. Money is integer
đồng, weights grams, times naive UTC.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from market.domain_errors import DomainError


@dataclass(frozen=True)
class Place:
    """An address a carrier understands: who, their phone, the street and the official units."""

    name: str
    phone: str
    street: str
    province_code: str  # official codes (market.places)
    commune_code: str
    province_name: str
    commune_name: str


@dataclass(frozen=True)
class Parcel:
    """One parcel: its weight, declared value and the cash to collect on delivery (0: none)."""

    weight_grams: int
    value: int  # declared value, đồng
    cod: int = 0  # cash to collect from the receiver, đồng
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None


@dataclass(frozen=True)
class CarrierQuote:
    """A carrier's price and promised days for one parcel between two places."""

    carrier: str  # "ghn", "ghtk", "viettelpost", "vnpost"
    service: str  # the carrier's service code, e.g. "standard"
    fee: int  # đồng
    days_min: int
    days_max: int


@dataclass(frozen=True)
class CreatedShipment:
    """A shipment the carrier accepted: its tracking code and the fee it will charge."""

    carrier: str
    tracking_code: str
    fee: int


class ShipmentStatus(enum.StrEnum):
    """Where a shipment is, in our words; each carrier's own codes map onto these."""

    CREATED = "created"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    RETURNING = "returning"
    RETURNED = "returned"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class StatusUpdate:
    """One status event a carrier reported for a shipment (a webhook call may carry several)."""

    carrier: str
    tracking_code: str
    status: ShipmentStatus
    at: datetime  # naive UTC, when the carrier says it happened
    event_id: str  # unique per carrier event (their id, or a stable hash of the payload)
    carrier_status: str  # the carrier's own status text/code, for the timeline
    cod_collected: int | None = None  # đồng the carrier says it collected (on delivered)


class CarrierError(DomainError):
    """The carrier refused (unknown address, overweight parcel...): ``message`` is for the user."""


class CarrierUnavailable(CarrierError):
    """The carrier did not answer in time, or answered something unreadable."""


class WebhookRefused(Exception):
    """A carrier webhook call with a bad or missing token/signature, or an unreadable body."""


class Carrier(Protocol):
    """One carrier's API: quote, create, cancel, label, and its status webhooks."""

    code: str
    name: str  # shown to people ("GHN — Giao Hàng Nhanh")
    max_weight_grams: int

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> CarrierQuote:
        """The fee and days for ``parcel`` from ``origin`` to ``destination``."""
        ...

    def create_shipment(
        self, reference: str, origin: Place, destination: Place, parcel: Parcel, note: str = ""
    ) -> CreatedShipment:
        """Ask the carrier to pick up ``parcel``; ``reference`` is our id for it (idempotent)."""
        ...

    def cancel(self, tracking_code: str) -> None:
        """Cancel a shipment the carrier has not picked up yet."""
        ...

    def label_pdf(self, tracking_code: str) -> bytes:
        """The carrier's shipping label, as PDF bytes."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> list[StatusUpdate]:
        """Verify first (raise WebhookRefused), then parse."""
        ...
