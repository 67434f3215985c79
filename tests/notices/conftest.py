"""Notices tests: SMS (eSMS) and Zalo (ZNS) configured, answered from ``recorded/``."""

from pathlib import Path

import pytest
from flask import Flask

from market.http_api import ApiRequest
from tests.farm import buy, farm, signed_in  # noqa: F401  (fixtures: a farm, its orders)
from tests.recorded_http import RecordedTransport, load

RECORDED = Path(__file__).parent / "recorded"
ESMS = "rest.esms.vn"
ZNS = "business.openapi.zalo.me"


@pytest.fixture
def gateways(app: Flask, recorded_http: RecordedTransport) -> RecordedTransport:
    """eSMS and Zalo ZNS with test credentials; every request is kept for assertions."""
    app.config.update(
        ESMS_API_KEY="notices-api-key",
        ESMS_SECRET_KEY="notices-secret",
        ESMS_BRANDNAME="CHOQUE",
        ZALO_OA_ACCESS_TOKEN="notices-oa-token",
    )
    recorded_http.add(*load(RECORDED / "esms.json"), *load(RECORDED / "zalo_zns.json"))
    return recorded_http


def sms_sent(transport: RecordedTransport, phone: str) -> list[str]:
    """The texts of the SMS requests sent to eSMS for ``phone`` (0xxxxxxxxx)."""
    return [r.json["Content"] for r in transport.sent_to(ESMS) if r.json["Phone"] == phone]


def zalo_sent(transport: RecordedTransport, phone: str) -> list[ApiRequest]:
    """The ZNS requests sent for ``phone`` (0xxxxxxxxx)."""
    wanted = "84" + phone[1:]
    return [r for r in transport.sent_to(ZNS) if r.json["phone"] == wanted]


def zalo_templates(transport: RecordedTransport, phone: str) -> list[str]:
    """The ZNS template ids sent to ``phone``, in order."""
    return [r.json["template_id"] for r in zalo_sent(transport, phone)]
