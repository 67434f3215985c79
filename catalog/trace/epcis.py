"""A lot's chain as a GS1 EPCIS 2.0 JSON-LD document (ObjectEvent, TransformationEvent).

Lots are class-level identifiers, so they appear in quantity lists with their GS1 Digital Link
URI (or the short URL when the product has no GTIN). Order references stay private.
"""

from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app

from catalog.models import Lot
from catalog.trace import links
from catalog.trace.chain import LotTrace
from catalog.trace.models import BizStep, EventType, LotEvent, LotRecall
from market.dbtypes import utcnow
from market.i18n import as_aware_utc
from market.text import slugify
from market.urls import public_base_url

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
CBV = "https://ref.gs1.org/cbv/"
GLN_URI = "https://id.gs1.org/414/{gln}"
MEDIA_TYPE = "application/ld+json"

DISPOSITIONS = {
    EventType.HARVEST: "active",
    EventType.PROCESSING: "active",
    EventType.PACKING: "in_progress",
    EventType.SHIPPING: "in_transit",
    EventType.RECEIVING: "in_progress",
    EventType.SELLING: "retail_sold",
}
ACTIONS = {EventType.HARVEST: "ADD"}
# UN/CEFACT Recommendation 20 codes for the units producers write most.
UNITS = {"kg": "KGM", "g": "GRM", "gam": "GRM", "tấn": "TNE", "l": "LTR", "lít": "LTR", "ml": "MLT"}


def epcis_document(trace: LotTrace) -> dict:
    """The lot's events (and those of the lots it was made from) as an EPCISDocument."""
    events = [_event(event) for event in trace.events]
    events.extend(_commissioning_event(lot) for lot in _lots_without_a_harvest_event(trace))
    recalls = [r for r in [trace.recall, *trace.upstream_recalls] if r is not None]
    events.extend(_recall_event(recall) for recall in recalls)
    events.sort(key=lambda event: event["eventTime"])
    return {
        "@context": [EPCIS_CONTEXT, {"cq": f"{public_base_url()}/ns/trace#"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _utc_iso(utcnow()),
        "epcisBody": {"eventList": events},
    }


def _event(event: LotEvent) -> dict:
    body: dict = {
        "type": "TransformationEvent" if event.type == EventType.PROCESSING else "ObjectEvent",
        "eventID": f"{links.short_url(event.lot)}#event-{event.id}",
        **_when(event.occurred_at),
        "recordTime": _utc_iso(event.recorded_at),
    }
    if event.type == EventType.PROCESSING:
        body["inputQuantityList"] = [_quantity(item.lot, item.quantity) for item in event.inputs]
        body["outputQuantityList"] = [_quantity(event.lot, event.quantity)]
    else:
        body["epcList"] = []
        body["action"] = ACTIONS.get(event.type, "OBSERVE")
        body["quantityList"] = [_quantity(event.lot, event.quantity)]
    body["bizStep"] = CBV + "BizStep-" + event.biz_step.value
    body["disposition"] = CBV + "Disp-" + DISPOSITIONS[event.type]
    location = _location(event)
    body["readPoint"] = {"id": location}
    body["bizLocation"] = {"id": location}
    parts = [event.certificate, event.certificate_ref]
    if event.certificate_ref.startswith(("http://", "https://")):
        body["certificationInfo"] = parts.pop()
    if any(parts):
        body["cq:certificate"] = " — ".join(part for part in parts if part)
    if event.place:
        body["cq:placeName"] = event.place
    body["cq:eventType"] = event.type.value
    return body


def _lots_without_a_harvest_event(trace: LotTrace) -> list[Lot]:
    """Harvested lots of the chain whose harvest nobody recorded as an event (lots made by
    processing start with their TransformationEvent instead)."""
    started = {
        e.lot_id for e in trace.events if e.type in (EventType.HARVEST, EventType.PROCESSING)
    }
    return [lot for lot in [trace.lot, *trace.inputs] if lot.id not in started]


def _commissioning_event(lot: Lot) -> dict:
    """The lot's harvest, from the lot itself: its date, quantity and growing area."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    harvested = datetime.combine(lot.harvest_date, time(), zone).isoformat(timespec="seconds")
    area = lot.growing_area or lot.product.growing_area
    location = (
        f"{public_base_url()}/id/growing-area/{area.code}"
        if area is not None
        else f"{public_base_url()}/id/place/{lot.product.producer_id}/producer"
    )
    return {
        "type": "ObjectEvent",
        "eventID": f"{links.short_url(lot)}#harvest",
        "eventTime": harvested,
        "eventTimeZoneOffset": harvested[-6:],
        "recordTime": _utc_iso(lot.created_at),
        "epcList": [],
        "action": "ADD",
        "quantityList": [_quantity(lot, lot.quantity)],
        "bizStep": CBV + "BizStep-" + BizStep.COMMISSIONING.value,
        "disposition": CBV + "Disp-" + DISPOSITIONS[EventType.HARVEST],
        "readPoint": {"id": location},
        "bizLocation": {"id": location},
        "cq:eventType": EventType.HARVEST.value,
    }


def _recall_event(recall: LotRecall) -> dict:
    return {
        "type": "ObjectEvent",
        "eventID": f"{links.short_url(recall.lot)}#recall",
        **_when(recall.recalled_at),
        "recordTime": _utc_iso(recall.recalled_at),
        "epcList": [],
        "action": "OBSERVE",
        "quantityList": [{"epcClass": links.label_url(recall.lot)}],
        "bizStep": CBV + "BizStep-holding",
        "disposition": CBV + "Disp-recalled",
        "cq:recallReason": recall.reason,
    }


def _quantity(lot: Lot, quantity: Decimal | None) -> dict:
    item: dict = {"epcClass": links.label_url(lot)}
    if quantity is None:
        return item
    unit = UNITS.get(lot.product.unit.strip().lower())
    if unit:
        item["quantity"] = float(quantity)
        item["uom"] = unit
    elif quantity == quantity.to_integral_value():
        item["quantity"] = int(quantity)  # a count of packs, the product's own unit
    return item


def _location(event: LotEvent) -> str:
    """A GLN when the producer gave one, else an HTTP URI in our own domain."""
    if event.gln:
        return GLN_URI.format(gln=event.gln)
    area = event.lot.growing_area
    if event.type == EventType.HARVEST and area is not None:
        return f"{public_base_url()}/id/growing-area/{area.code}"
    place = slugify(event.place)[:60] or "producer"
    return f"{public_base_url()}/id/place/{event.lot.product.producer_id}/{place}"


def local_iso(moment: datetime) -> str:
    """A naive UTC time as ISO 8601 in the market's time zone: ``2025-03-12T08:30:00+07:00``."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return as_aware_utc(moment).astimezone(zone).isoformat(timespec="seconds")


def _when(moment: datetime) -> dict:
    stamp = local_iso(moment)
    return {"eventTime": stamp, "eventTimeZoneOffset": stamp[-6:]}


def _utc_iso(moment: datetime) -> str:
    return as_aware_utc(moment).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
