"""Carrier tests: every carrier configured against its production URL, answered from recordings."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from orders.carriers import Parcel, Place
from tests.recorded_http import RecordedTransport, load

RECORDED = Path(__file__).parent / "recorded"
CARRIERS = ("ghn", "ghtk", "viettelpost", "vnpost")
CREDENTIALS = {
    "GHN_TOKEN": "ghn-test-token",
    "GHN_SHOP_ID": "885",
    "GHN_WEBHOOK_SECRET": "ghn-webhook-secret",
    "GHTK_TOKEN": "ghtk-test-token",
    "GHTK_PARTNER_CODE": "S22045",
    "GHTK_WEBHOOK_SECRET": "ghtk-webhook-secret",
    "VIETTELPOST_TOKEN": "vtp-test-token",
    "VIETTELPOST_WEBHOOK_SECRET": "vtp-webhook-secret",
    "VNPOST_TOKEN": "vnpost-test-token",
    "VNPOST_CUSTOMER_CODE": "C0012345",
    "VNPOST_WEBHOOK_SECRET": "vnpost-webhook-secret",
}
WEBHOOK_SECRETS = {
    "ghn": "ghn-webhook-secret",
    "ghtk": "ghtk-webhook-secret",
    "viettelpost": "vtp-webhook-secret",
    "vnpost": "vnpost-webhook-secret",
}

# A producer in Tuyên Quang sends to a shopper in Hà Nội.
ORIGIN = Place(
    "HTX Chè Shan Tuyết",
    "0912000111",
    "Tổ 5, đường Lý Thái Tổ",
    "08",
    "02215",
    "Tỉnh Tuyên Quang",
    "Phường Minh Xuân",
)
DESTINATION = Place(
    "Nguyễn Thị Lan",
    "0988000222",
    "12 phố Đội Cấn",
    "01",
    "00004",
    "Thành phố Hà Nội",
    "Phường Ba Đình",
)
PARCEL = Parcel(weight_grams=1250, value=330000, cod=250000, length_cm=20, width_cm=15)
REFERENCE = "CQ-1042-7"
TRACKING = {
    "ghn": "LBK7FD",
    "ghtk": "S1.A1.2001297581",
    "viettelpost": "1857021473219",
    "vnpost": "EB123456789VN",
}


@pytest.fixture
def carriers_on(app: Flask, recorded_http: RecordedTransport) -> Iterator[RecordedTransport]:
    """All four carriers configured, in an app context; answers from ``recorded_http``."""
    app.config.update(CREDENTIALS)
    with app.app_context():
        yield recorded_http


@pytest.fixture
def answer_with(carriers_on: RecordedTransport) -> Callable[[str, str], RecordedTransport]:
    """Load the recording ``recorded/<carrier>/<name>.json`` into the transport."""

    def answer(carrier: str, name: str) -> RecordedTransport:
        carriers_on.add(*load(RECORDED / carrier / f"{name}.json"))
        return carriers_on

    return answer


def payload(carrier: str, name: str) -> Any:
    """A recorded webhook payload, as the carrier posts it."""
    return json.loads((RECORDED / carrier / f"{name}.json").read_text(encoding="utf-8"))
