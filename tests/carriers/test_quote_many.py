"""Which carriers are offered, and quoting many at once: in parallel, each answer cached."""

import os
import subprocess
import sys
import threading
from dataclasses import replace

import pytest
from flask import Flask
from flask_babel import force_locale

from market.http_api import ApiRequest, ApiResponse
from orders import carriers
from orders.carriers import CarrierError, CarrierQuote, CarrierUnavailable
from tests.carriers.conftest import CREDENTIALS, DESTINATION, ORIGIN, PARCEL, RECORDED
from tests.recorded_http import RecordedTransport, load


def test_no_credentials_no_carrier(app: Flask) -> None:
    with app.app_context():
        assert carriers.configured() == {}
        with pytest.raises(KeyError):
            carriers.carrier("ghn")


def test_every_carrier_with_credentials_is_offered_in_display_order(
    carriers_on: RecordedTransport,
) -> None:
    assert list(carriers.configured()) == ["ghn", "ghtk", "viettelpost", "vnpost"]
    assert carriers.carrier("vnpost").name == "VNPost — Bưu điện Việt Nam"


@pytest.mark.parametrize(
    ("missing", "gone"),
    [
        ("GHN_SHOP_ID", "ghn"),
        ("GHN_TOKEN", "ghn"),
        ("GHTK_TOKEN", "ghtk"),
        ("VIETTELPOST_TOKEN", "viettelpost"),
        ("VNPOST_CUSTOMER_CODE", "vnpost"),
    ],
)
def test_a_carrier_missing_a_credential_is_not_offered(
    app: Flask, carriers_on: RecordedTransport, missing: str, gone: str
) -> None:
    app.config[missing] = ""
    assert gone not in carriers.configured()
    assert len(carriers.configured()) == 3
    with pytest.raises(KeyError):
        carriers.carrier(gone)


def test_credentials_and_sandbox_urls_come_from_the_environment() -> None:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GHN_", "GHTK_"))},
        "GHN_TOKEN": "from-env",
        "GHN_API_URL": "https://dev-online-gateway.ghn.vn",
    }
    script = (
        "from market.config import Config as C;"
        "print(C.GHN_TOKEN, C.GHN_API_URL, repr(C.GHTK_TOKEN), C.GHTK_API_URL)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == [
        "from-env",
        "https://dev-online-gateway.ghn.vn",
        "''",
        "https://services.giaohangtietkiem.vn",
    ]


class CountingTransport(RecordedTransport):
    """A recorded transport that notes how many requests were in flight at once."""

    def __init__(self, latency: float) -> None:
        super().__init__(latency=latency)
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def send(self, request: ApiRequest) -> ApiResponse:
        """Answer as recorded, counting overlapping calls."""
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return super().send(request)
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.fixture
def counting(app: Flask) -> CountingTransport:
    """Every carrier configured and answered by a counting transport with some latency."""
    from market.http_api import TRANSPORT_EXTENSION

    transport = CountingTransport(latency=0.2)
    for code in ("ghn", "ghtk", "viettelpost", "vnpost"):
        transport.interactions.extend(load(RECORDED / code / "quote.json"))
    app.extensions[TRANSPORT_EXTENSION] = transport
    app.config.update(CREDENTIALS)
    return transport


def test_quotes_are_asked_of_every_carrier_at_once(app: Flask, counting: CountingTransport) -> None:
    with app.app_context():
        asks = [(c, ORIGIN, DESTINATION, PARCEL) for c in carriers.configured().values()]
        quotes = carriers.quote_many(asks)
    assert [q.carrier for q in quotes] == ["ghn", "ghtk", "viettelpost", "vnpost"]
    assert all(isinstance(q, CarrierQuote) for q in quotes)
    assert counting.most_in_flight == 4


def test_a_quote_is_asked_once_then_cached_per_route_and_weight_band(
    app: Flask, counting: CountingTransport
) -> None:
    with app.app_context():
        ghtk = carriers.carrier("ghtk")
        first = carriers.quote_many([(ghtk, ORIGIN, DESTINATION, PARCEL)] * 3)
        assert len(counting.sent) == 1  # the same ask three times in one cart: one call
        # 1,250 g and 1,180 g are both quoted at the top of their 250 g band: 1,250 g.
        lighter = replace(PARCEL, weight_grams=1180)
        again = carriers.quote_many([(ghtk, ORIGIN, DESTINATION, lighter)])
        assert len(counting.sent) == 1
        assert again[0] == first[0]
        heavier = replace(PARCEL, weight_grams=1300)
        carriers.quote_many([(ghtk, ORIGIN, DESTINATION, heavier)])
        other_commune = replace(DESTINATION, commune_code="00008")
        carriers.quote_many([(ghtk, ORIGIN, other_commune, PARCEL)])
    assert len(counting.sent) == 3
    assert "weight=1500" in counting.sent[1].url


def test_a_carrier_error_is_one_result_and_is_not_cached(
    app: Flask, counting: CountingTransport
) -> None:
    with app.app_context():
        ghn, ghtk = carriers.carrier("ghn"), carriers.carrier("ghtk")
        unmapped = replace(DESTINATION, commune_code="02380", commune_name="Xã Bạch Xa")
        counting.unreachable = True
        with force_locale("en"):
            results = carriers.quote_many(
                [(ghn, ORIGIN, unmapped, PARCEL), (ghtk, ORIGIN, DESTINATION, PARCEL)]
            )
        assert isinstance(results[0], CarrierError)
        assert "does not know the address Xã Bạch Xa" in results[0].message
        assert isinstance(results[1], CarrierUnavailable)
        assert "is not answering" in results[1].message
        counting.unreachable = False
        [quote] = carriers.quote_many([(ghtk, ORIGIN, DESTINATION, PARCEL)])
    assert isinstance(quote, CarrierQuote)
    assert len(counting.sent) == 2


def test_the_band_never_lifts_a_parcel_over_the_carrier_limit(
    app: Flask, counting: CountingTransport
) -> None:
    with app.app_context():
        ghtk = carriers.carrier("ghtk")
        [quote] = carriers.quote_many(
            [(ghtk, ORIGIN, DESTINATION, replace(PARCEL, weight_grams=19_900))]
        )
    assert isinstance(quote, CarrierQuote)
    assert "weight=20000" in counting.sent[0].url
