"""Every operation of every carrier against its recorded answers: what is sent, what comes back."""

from collections.abc import Callable

import pytest

from market.http_api import DEFAULT_TIMEOUT_SECONDS
from market.places import commune
from orders import carriers
from orders.carriers import CarrierQuote, CreatedShipment
from orders.carriers.calls import QUOTE_TIMEOUT_SECONDS
from orders.carriers.ghn import place_ids
from tests.carriers.conftest import CARRIERS, DESTINATION, ORIGIN, PARCEL, REFERENCE, TRACKING
from tests.recorded_http import RecordedTransport, interaction

Answer = Callable[[str, str], RecordedTransport]

QUOTES = {
    "ghn": CarrierQuote("ghn", "standard", 36300, 2, 4),
    "ghtk": CarrierQuote("ghtk", "road", 32500, 2, 4),
    "viettelpost": CarrierQuote("viettelpost", "VCN", 38500, 1, 2),
    "vnpost": CarrierQuote("vnpost", "CTN009", 33000, 3, 5),
}
CREATED = {
    "ghn": CreatedShipment("ghn", "LBK7FD", 36300),
    "ghtk": CreatedShipment("ghtk", "S1.A1.2001297581", 32500),
    "viettelpost": CreatedShipment("viettelpost", "1857021473219", 38500),
    "vnpost": CreatedShipment("vnpost", "EB123456789VN", 33000),
}


@pytest.mark.parametrize("code", CARRIERS)
def test_a_carrier_quotes_its_fee_and_days(answer_with: Answer, code: str) -> None:
    answer_with(code, "quote")
    assert carriers.carrier(code).quote(ORIGIN, DESTINATION, PARCEL) == QUOTES[code]


@pytest.mark.parametrize("code", CARRIERS)
def test_a_carrier_creates_the_shipment_and_names_its_tracking_code(
    answer_with: Answer, code: str
) -> None:
    sent = answer_with(code, "create")
    created = carriers.carrier(code).create_shipment(
        REFERENCE, ORIGIN, DESTINATION, PARCEL, note="Hàng dễ vỡ"
    )
    assert created == CREATED[code]
    assert len(sent.sent) == 1


@pytest.mark.parametrize("code", CARRIERS)
def test_a_carrier_cancels_a_shipment(answer_with: Answer, code: str) -> None:
    sent = answer_with(code, "cancel")
    carriers.carrier(code).cancel(TRACKING[code])
    assert len(sent.sent) == 1


@pytest.mark.parametrize("code", CARRIERS)
def test_a_carrier_gives_its_label_as_pdf(answer_with: Answer, code: str) -> None:
    answer_with(code, "label")
    assert carriers.carrier(code).label_pdf(TRACKING[code]).startswith(b"%PDF")


def test_ghn_is_asked_with_its_token_shop_and_own_address_ids(answer_with: Answer) -> None:
    sent = answer_with("ghn", "quote")
    carriers.carrier("ghn").quote(ORIGIN, DESTINATION, PARCEL)
    request = sent.sent[0]
    assert request.headers == {"Token": "ghn-test-token", "ShopId": "885"}
    assert request.json["to_district_id"] == 1484
    assert request.json["to_ward_code"] == "1A0101"
    assert request.json["cod_value"] == 250000
    assert request.json["insurance_value"] == 330000


def test_ghn_creates_with_our_reference_and_collects_the_cod(answer_with: Answer) -> None:
    sent = answer_with("ghn", "create")
    carriers.carrier("ghn").create_shipment(REFERENCE, ORIGIN, DESTINATION, PARCEL)
    body = sent.sent[0].json
    assert body["client_order_code"] == REFERENCE
    assert body["cod_amount"] == 250000
    assert body["payment_type_id"] == 1
    assert "cod_value" not in body


def test_ghtk_is_asked_by_names_with_its_token_and_partner_code(answer_with: Answer) -> None:
    sent = answer_with("ghtk", "quote")
    carriers.carrier("ghtk").quote(ORIGIN, DESTINATION, PARCEL)
    request = sent.sent[0]
    assert request.method == "GET"
    assert request.headers == {"Token": "ghtk-test-token", "X-Client-Source": "S22045"}
    assert "province=Th%C3%A0nh%20ph%E1%BB%91%20H%C3%A0%20N%E1%BB%99i" in request.url
    assert "weight=1250" in request.url


def test_ghtk_submits_the_order_with_our_reference_as_its_id(answer_with: Answer) -> None:
    sent = answer_with("ghtk", "create")
    carriers.carrier("ghtk").create_shipment(REFERENCE, ORIGIN, DESTINATION, PARCEL)
    order = sent.sent[0].json["order"]
    assert order["id"] == REFERENCE
    assert order["pick_money"] == 250000
    assert order["ward"] == "Phường Ba Đình"


def test_viettelpost_reads_addresses_as_text_and_keeps_orders_unique(
    answer_with: Answer,
) -> None:
    sent = answer_with("viettelpost", "create")
    carriers.carrier("viettelpost").create_shipment(REFERENCE, ORIGIN, DESTINATION, PARCEL)
    body = sent.sent[0].json
    assert sent.sent[0].headers == {"Token": "vtp-test-token"}
    assert body["RECEIVER_ADDRESS"] == "12 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội"
    assert body["CHECK_UNIQUE"] is True
    assert body["ORDER_PAYMENT"] == 3
    assert body["MONEY_COLLECTION"] == 250000


def test_vnpost_is_sent_the_official_unit_codes(answer_with: Answer) -> None:
    sent = answer_with("vnpost", "quote")
    carriers.carrier("vnpost").quote(ORIGIN, DESTINATION, PARCEL)
    data = sent.sent[0].json["data"]
    assert sent.sent[0].headers == {"token": "vnpost-test-token"}
    assert (data["senderCommuneCode"], data["receiverCommuneCode"]) == ("02215", "00004")
    assert sent.sent[0].json["customerCode"] == "C0012345"


def test_a_sandbox_url_from_the_environment_is_where_calls_go(
    app, carriers_on: RecordedTransport
) -> None:
    app.config["GHTK_API_URL"] = "https://services-staging.ghtklab.com/"
    staging = "https://services-staging.ghtklab.com/services/shipment/fee"
    carriers_on.add(interaction("GET", staging, answer={"success": True, "fee": {"fee": 1}}))
    assert carriers.carrier("ghtk").quote(ORIGIN, DESTINATION, PARCEL).fee == 1
    assert carriers_on.sent[0].url.startswith(staging + "?")


def test_every_commune_in_the_ghn_map_is_an_official_commune() -> None:
    assert place_ids()
    assert all(commune(code) is not None for code in place_ids())


@pytest.mark.parametrize("code", CARRIERS)
def test_a_quote_waits_less_than_the_producer_s_own_calls(answer_with: Answer, code: str) -> None:
    sent = answer_with(code, "quote")
    answer_with(code, "create")
    carriers.carrier(code).quote(ORIGIN, DESTINATION, PARCEL)
    carriers.carrier(code).create_shipment(REFERENCE, ORIGIN, DESTINATION, PARCEL)
    quote, create = sent.sent
    assert quote.timeout == QUOTE_TIMEOUT_SECONDS
    assert create.timeout == DEFAULT_TIMEOUT_SECONDS > QUOTE_TIMEOUT_SECONDS
