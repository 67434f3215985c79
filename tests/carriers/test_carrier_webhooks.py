"""Carrier status calls: verified by the carrier's shared token first, then read and mapped."""

import json
from datetime import datetime
from urllib.parse import urlencode

import pytest
from flask import Flask

from orders import carriers
from orders.carriers import (
    ShipmentStatus,
    StatusUpdate,
    WebhookRefused,
    ghn,
    ghtk,
    viettelpost,
    vnpost,
    webhook_headers,
)
from tests.carriers.conftest import CARRIERS, TRACKING, WEBHOOK_SECRETS, payload
from tests.recorded_http import RecordedTransport

# Where each carrier puts our secret: the URL's query parameter, or (Viettel Post) the body.
QUERY_NAME = {"ghn": "token", "ghtk": "hash", "vnpost": "token"}


def call(code: str, body: object, token: str | None) -> tuple[dict[str, str], bytes]:
    """Headers and body of a webhook call carrying ``token`` where the carrier puts it."""
    headers = {"content-type": "application/json", "user-agent": f"{code}-webhook"}
    if code == "viettelpost":
        assert isinstance(body, dict)
        body = {**body, "TOKEN": token} if token is not None else {"DATA": body["DATA"]}
    elif token is not None:
        headers["x-query-string"] = urlencode({QUERY_NAME[code]: token})
    return headers, json.dumps(body, ensure_ascii=False).encode()


DELIVERED = {
    "ghn": StatusUpdate(
        "ghn", "LBK7FD", ShipmentStatus.DELIVERED, datetime(2026, 12, 9, 8, 41, 13, 158000),
        "", "delivered", 250000,
    ),
    "ghtk": StatusUpdate(
        "ghtk", "S1.A1.2001297581", ShipmentStatus.DELIVERED, datetime(2026, 12, 9, 8, 41, 13),
        "", "5", 250000,
    ),
    "viettelpost": StatusUpdate(
        "viettelpost", "1857021473219", ShipmentStatus.DELIVERED,
        datetime(2026, 12, 9, 8, 41, 13), "", "Phát thành công", 250000,
    ),
    "vnpost": StatusUpdate(
        "vnpost", "EB123456789VN", ShipmentStatus.DELIVERED, datetime(2026, 12, 9, 8, 41, 13),
        "", "Phát thành công", 250000,
    ),
}  # fmt: skip


@pytest.mark.parametrize("code", CARRIERS)
def test_a_delivered_call_with_the_right_token_is_read_in_utc_with_the_cod(
    carriers_on: RecordedTransport, code: str
) -> None:
    headers, body = call(code, payload(code, "webhook_delivered"), WEBHOOK_SECRETS[code])
    [update] = carriers.carrier(code).parse_webhook(headers, body)
    assert update.event_id  # a stable id: the same call read twice gives the same one
    assert update == StatusUpdate(**{**DELIVERED[code].__dict__, "event_id": update.event_id})
    assert carriers.carrier(code).parse_webhook(headers, body)[0].event_id == update.event_id
    assert carriers_on.sent == []


@pytest.mark.parametrize("token", [None, "", "wrong-secret", "ghn-webhook-secret-and-more"])
@pytest.mark.parametrize("code", CARRIERS)
def test_a_call_with_a_missing_or_wrong_token_is_refused(
    carriers_on: RecordedTransport, code: str, token: str | None
) -> None:
    headers, body = call(code, payload(code, "webhook_delivered"), token)
    with pytest.raises(WebhookRefused):
        carriers.carrier(code).parse_webhook(headers, body)


@pytest.mark.parametrize("code", CARRIERS)
def test_without_a_configured_secret_every_call_is_refused(
    app: Flask, carriers_on: RecordedTransport, code: str
) -> None:
    app.config[f"{code.upper()}_WEBHOOK_SECRET"] = ""
    headers, body = call(code, payload(code, "webhook_delivered"), "")
    with pytest.raises(WebhookRefused):
        carriers.carrier(code).parse_webhook(headers, body)


@pytest.mark.parametrize("code", CARRIERS)
def test_an_unreadable_body_with_the_right_token_is_refused(
    carriers_on: RecordedTransport, code: str
) -> None:
    headers, _ = call(code, payload(code, "webhook_delivered"), WEBHOOK_SECRETS[code])
    body = b'{"TOKEN": "vtp-webhook-secret", "DATA": {}}' if code == "viettelpost" else b"<xml/>"
    with pytest.raises(WebhookRefused):
        carriers.carrier(code).parse_webhook(headers, body)


def test_ghn_picked_up_and_viettelpost_picked_up_move_the_shipment_on(
    carriers_on: RecordedTransport,
) -> None:
    for code in ("ghn", "viettelpost"):
        headers, body = call(code, payload(code, "webhook_picked"), WEBHOOK_SECRETS[code])
        [update] = carriers.carrier(code).parse_webhook(headers, body)
        assert (update.status, update.tracking_code) == (ShipmentStatus.PICKED_UP, TRACKING[code])
        assert update.cod_collected is None


def test_ghtk_reads_a_form_encoded_call_too(carriers_on: RecordedTransport) -> None:
    event = payload("ghtk", "webhook_returned")
    headers = {"x-query-string": "hash=ghtk-webhook-secret"}
    [update] = carriers.carrier("ghtk").parse_webhook(headers, urlencode(event).encode())
    assert update.status is ShipmentStatus.RETURNED
    assert update.at == datetime(2026, 12, 12, 3, 0)


def test_vnpost_may_send_several_statuses_in_one_call(carriers_on: RecordedTransport) -> None:
    headers, body = call("vnpost", payload("vnpost", "webhook_returned"), "vnpost-webhook-secret")
    updates = carriers.carrier("vnpost").parse_webhook(headers, body)
    assert [u.status for u in updates] == [ShipmentStatus.RETURNING, ShipmentStatus.RETURNED]
    assert len({u.event_id for u in updates}) == 2


def test_a_status_we_do_not_follow_moves_nothing(carriers_on: RecordedTransport) -> None:
    event = {**payload("ghn", "webhook_picked"), "Status": "exception"}
    headers, body = call("ghn", event, "ghn-webhook-secret")
    assert carriers.carrier("ghn").parse_webhook(headers, body) == []


@pytest.mark.parametrize(
    ("table", "carrier_status", "ours"),
    [
        (ghn.STATUSES, "ready_to_pick", ShipmentStatus.CREATED),
        (ghn.STATUSES, "transporting", ShipmentStatus.IN_TRANSIT),
        (ghn.STATUSES, "delivery_fail", ShipmentStatus.IN_TRANSIT),
        (ghn.STATUSES, "waiting_to_return", ShipmentStatus.RETURNING),
        (ghn.STATUSES, "returned", ShipmentStatus.RETURNED),
        (ghn.STATUSES, "cancel", ShipmentStatus.CANCELLED),
        (ghtk.STATUSES, -1, ShipmentStatus.CANCELLED),
        (ghtk.STATUSES, 2, ShipmentStatus.CREATED),
        (ghtk.STATUSES, 3, ShipmentStatus.PICKED_UP),
        (ghtk.STATUSES, 4, ShipmentStatus.IN_TRANSIT),
        (ghtk.STATUSES, 6, ShipmentStatus.DELIVERED),
        (ghtk.STATUSES, 20, ShipmentStatus.RETURNING),
        (ghtk.STATUSES, 21, ShipmentStatus.RETURNED),
        (viettelpost.STATUSES, 100, ShipmentStatus.CREATED),
        (viettelpost.STATUSES, 200, ShipmentStatus.PICKED_UP),
        (viettelpost.STATUSES, 500, ShipmentStatus.IN_TRANSIT),
        (viettelpost.STATUSES, 501, ShipmentStatus.DELIVERED),
        (viettelpost.STATUSES, 502, ShipmentStatus.RETURNING),
        (viettelpost.STATUSES, 504, ShipmentStatus.RETURNED),
        (viettelpost.STATUSES, 107, ShipmentStatus.CANCELLED),
        (vnpost.STATUSES, 1, ShipmentStatus.CREATED),
        (vnpost.STATUSES, 7, ShipmentStatus.PICKED_UP),
        (vnpost.STATUSES, 12, ShipmentStatus.IN_TRANSIT),
        (vnpost.STATUSES, 14, ShipmentStatus.DELIVERED),
        (vnpost.STATUSES, 16, ShipmentStatus.RETURNING),
        (vnpost.STATUSES, 19, ShipmentStatus.RETURNED),
        (vnpost.STATUSES, 22, ShipmentStatus.CANCELLED),
    ],
)
def test_carrier_statuses_map_onto_ours(
    table: dict[object, ShipmentStatus], carrier_status: object, ours: ShipmentStatus
) -> None:
    assert table[carrier_status] is ours


def test_every_status_of_ours_is_reached_by_every_carrier() -> None:
    for table in (ghn.STATUSES, ghtk.STATUSES, viettelpost.STATUSES, vnpost.STATUSES):
        assert set(table.values()) == set(ShipmentStatus)


def test_the_webhook_view_hands_over_headers_and_the_url_query(app: Flask) -> None:
    with app.test_request_context(
        "/webhooks/carriers/ghtk?hash=s3cret", method="POST", headers={"X-Trace": "1"}
    ) as context:
        headers = webhook_headers(context.request)
    assert headers["x-trace"] == "1"
    assert headers["x-query-string"] == "hash=s3cret"
