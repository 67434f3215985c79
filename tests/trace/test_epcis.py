"""The lot API: JSON summary and the EPCIS 2.0 document, and their OpenAPI description."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Lot, Producer, ProducerStatus
from catalog.trace import openapi, services
from market.accounts.models import Role, User
from market.extensions import db
from tests.trace.conftest import GTIN, World

CBV = "https://ref.gs1.org/cbv/"
DIGITAL_LINK = f"http://localhost/01/{GTIN}/10/250312-CAM1"


def _document(client: FlaskClient, code: str) -> dict:
    response = client.get(f"/api/v1/lots/{code}/epcis")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    return response.get_json(force=True)


def _recorded(document: dict) -> list[dict]:
    """The events someone recorded, without the harvests drawn from the lots themselves."""
    events = document["epcisBody"]["eventList"]
    return [event for event in events if not event["eventID"].endswith("#harvest")]


def test_epcis_document_has_the_20_envelope(client: FlaskClient, with_events: World):
    document = _document(client, with_events.lot_code)
    assert document["type"] == "EPCISDocument"
    assert document["schemaVersion"] == "2.0"
    assert document["@context"][0] == "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["creationDate"])
    assert len(document["epcisBody"]["eventList"]) == 3


def test_epcis_events_are_object_events_in_order_with_vietnam_offsets(
    client: FlaskClient, with_events: World
):
    events = _document(client, with_events.lot_code)["epcisBody"]["eventList"]
    assert [e["type"] for e in events] == ["ObjectEvent"] * 3
    assert [e["eventTime"] for e in events] == [
        "2025-03-12T08:30:00+07:00",
        "2025-03-13T16:15:00+07:00",
        "2025-03-14T09:00:00+07:00",
    ]
    assert {e["eventTimeZoneOffset"] for e in events} == {"+07:00"}
    assert [e["bizStep"] for e in events] == [
        CBV + "BizStep-commissioning",
        CBV + "BizStep-packing",
        CBV + "BizStep-shipping",
    ]
    assert [e["action"] for e in events] == ["ADD", "OBSERVE", "OBSERVE"]
    assert events[2]["disposition"] == CBV + "Disp-in_transit"


def test_epcis_identifies_the_lot_by_its_digital_link_with_quantity_in_kilograms(
    client: FlaskClient, with_events: World
):
    harvest = _document(client, with_events.lot_code)["epcisBody"]["eventList"][0]
    assert harvest["epcList"] == []
    assert harvest["quantityList"] == [{"epcClass": DIGITAL_LINK, "quantity": 500.0, "uom": "KGM"}]
    assert harvest["readPoint"] == {"id": "http://localhost/id/growing-area/VN-TQ-HY-001"}
    assert harvest["bizLocation"] == harvest["readPoint"]
    assert harvest["certificationInfo"] == "https://example.vn/vietgap/123"
    assert harvest["cq:certificate"] == "VietGAP"
    assert harvest["eventID"].startswith("http://localhost/t/250312-CAM1#event-")


def test_epcis_uses_the_short_url_for_products_without_gtin_and_a_gln_when_given(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        lot = db.session.scalar(db.select(Lot).where(Lot.code == world.plain_lot_code))
        services.record_event(
            lot,
            services.EventType.PACKING,
            datetime(2025, 4, 3, 2),
            None,
            gln="8931234567897",
            quantity=Decimal(12),
        )
    (event,) = _recorded(_document(client, world.plain_lot_code))
    assert event["quantityList"] == [
        {"epcClass": f"http://localhost/t/{world.plain_lot_code}", "quantity": 12}
    ]
    assert event["bizLocation"] == {"id": "https://id.gs1.org/414/8931234567897"}


def test_processing_is_a_transformation_event_from_inputs_to_output(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        lot = db.session.get(Lot, world.lot_id)
        owner = db.session.get(User, world.owner.id)
        services.create_processed_lot(
            lot.product,
            [(lot, Decimal(200))],
            Decimal(80),
            datetime(2025, 3, 20, 3),
            owner,
            code="CAM-SAY-1",
        )
    document = _document(client, "CAM-SAY-1")
    (event,) = _recorded(document)
    (harvest,) = [e for e in document["epcisBody"]["eventList"] if e is not event]
    assert harvest["eventID"] == f"http://localhost/t/{world.lot_code}#harvest"
    assert event["type"] == "TransformationEvent"
    assert "action" not in event
    assert event["inputQuantityList"] == [
        {"epcClass": DIGITAL_LINK, "quantity": 200.0, "uom": "KGM"}
    ]
    assert event["outputQuantityList"] == [
        {
            "epcClass": f"http://localhost/01/{GTIN}/10/CAM-SAY-1",
            "quantity": 80.0,
            "uom": "KGM",
        }
    ]
    assert event["bizStep"] == CBV + "BizStep-creating_class_instance"


def test_a_recall_is_in_the_document_with_the_recalled_disposition(
    app: Flask, client: FlaskClient, with_events: World
):
    with app.app_context():
        services.recall_lot(
            db.session.get(Lot, with_events.lot_id),
            "Nấm mốc",
            db.session.get(User, with_events.owner.id),
        )
    last = _document(client, with_events.lot_code)["epcisBody"]["eventList"][-1]
    assert last["disposition"] == CBV + "Disp-recalled"
    assert last["cq:recallReason"] == "Nấm mốc"


def test_order_references_never_leave_the_producer(app: Flask, client: FlaskClient, world: World):
    with app.app_context():
        services.record_sale_event(
            db.session.get(Lot, world.lot_id), "CQ-SECRET-9", 2, datetime(2025, 3, 16, 3)
        )
        db.session.commit()
    response = client.get(f"/api/v1/lots/{world.lot_code}/epcis")
    assert "CQ-SECRET-9" not in response.get_data(as_text=True)
    assert "CQ-SECRET-9" not in client.get(f"/api/v1/lots/{world.lot_code}").get_data(as_text=True)
    (sale,) = _recorded(response.get_json(force=True))
    assert sale["bizStep"] == CBV + "BizStep-retail_selling"
    assert sale["disposition"] == CBV + "Disp-retail_sold"


def test_the_lot_summary_api_says_what_the_page_says(client: FlaskClient, with_events: World):
    data = client.get(f"/api/v1/lots/{with_events.lot_code}").get_json()
    assert data["digitalLink"] == DIGITAL_LINK
    assert data["growingArea"]["code"] == "VN-TQ-HY-001"
    assert data["growingArea"]["valid"] is True
    assert data["recalled"] is False
    assert data["events"][0]["time"] == "2025-03-12T08:30:00+07:00"


@pytest.mark.parametrize("suffix", ["", "/epcis"])
def test_unknown_or_unpublished_lots_are_a_json_404(
    app: Flask, client: FlaskClient, world: World, suffix: str
):
    assert client.get(f"/api/v1/lots/KHONG-CO{suffix}").get_json()["error"]["code"] == 404
    with app.app_context():
        db.session.get(Producer, world.producer_id).status = ProducerStatus.PENDING
        db.session.commit()
    assert client.get(f"/api/v1/lots/{world.lot_code}{suffix}").status_code == 404


def test_openapi_paths_are_real_routes_and_their_schemas_exist(app: Flask, client: FlaskClient):
    rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()}
    assert set(openapi.PATHS) <= rules
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(openapi.PATHS) <= set(document["paths"])
    refs = re.findall(r"#/components/schemas/(\w+)", str(openapi.PATHS) + str(openapi.SCHEMAS))
    assert set(refs) <= set(document["components"]["schemas"])


def test_the_lot_summary_has_every_required_field_of_its_schema(
    client: FlaskClient, with_events: World
):
    data = client.get(f"/api/v1/lots/{with_events.lot_code}").get_json()
    schema = openapi.SCHEMAS["Lot"]
    assert set(schema["required"]) <= set(data)
    assert set(data) <= set(schema["properties"])


def test_a_lot_with_no_recorded_events_still_has_its_harvest_as_a_commissioning_event(
    client: FlaskClient, world: World
):
    (harvest,) = _document(client, world.lot_code)["epcisBody"]["eventList"]
    assert harvest["type"] == "ObjectEvent"
    assert harvest["action"] == "ADD"
    assert harvest["bizStep"] == CBV + "BizStep-commissioning"
    assert harvest["disposition"] == CBV + "Disp-active"
    assert harvest["eventTime"] == "2025-03-12T00:00:00+07:00"
    assert harvest["quantityList"] == [{"epcClass": DIGITAL_LINK, "quantity": 500.0, "uom": "KGM"}]
    assert harvest["readPoint"] == {"id": "http://localhost/id/growing-area/VN-TQ-HY-001"}


def test_a_recorded_harvest_is_not_doubled(client: FlaskClient, with_events: World):
    events = _document(client, with_events.lot_code)["epcisBody"]["eventList"]
    assert [e["action"] for e in events].count("ADD") == 1


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_the_lot_pages_of_producers_and_managers_offer_the_epcis_export(
    client: FlaskClient, world: World, login_as, who: str
):
    if who == "owner":
        login_as(user=world.owner)
        page = client.get(f"/ban-hang/{world.producer_id}/lo/{world.lot_code}")
    else:
        login_as(Role.MANAGER, provincial=True)
        page = client.get(f"/quan-ly/truy-xuat/lo/{world.lot_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'href="/api/v1/lots/{world.lot_code}/epcis"' in html
    assert "Xuất EPCIS (JSON-LD)" in html
