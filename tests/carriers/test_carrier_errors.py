"""Bad input and bad answers: a clear message in the user's language, nothing created."""

from collections.abc import Callable
from dataclasses import replace

import pytest
from flask_babel import force_locale

from orders import carriers
from orders.carriers import CarrierError, CarrierUnavailable, Parcel
from tests.carriers.conftest import CARRIERS, DESTINATION, ORIGIN, PARCEL, REFERENCE, TRACKING
from tests.recorded_http import RecordedTransport, interaction

Answer = Callable[[str, str], RecordedTransport]

REFUSALS = {
    ("ghn", "quote_unknown_ward"): "Không tìm thấy thông tin phường/xã nhận hàng",
    ("ghtk", "quote_unknown_ward"): "Địa chỉ nhận hàng không hợp lệ",
    ("ghtk", "quote_not_delivered"): "Khu vực này chưa hỗ trợ giao hàng",
    ("viettelpost", "quote_unknown_ward"): "Không xác định được địa chỉ người nhận",
    ("vnpost", "quote_unknown_ward"): "Mã xã/phường người nhận không tồn tại",
}


@pytest.mark.parametrize(("code", "recording"), REFUSALS)
def test_a_carrier_refusing_an_address_says_why_in_vietnamese(
    answer_with: Answer, code: str, recording: str
) -> None:
    answer_with(code, recording)
    with pytest.raises(CarrierError) as refused:
        carriers.carrier(code).quote(ORIGIN, DESTINATION, PARCEL)
    assert not isinstance(refused.value, CarrierUnavailable)
    name = carriers.carrier(code).name
    assert refused.value.message.startswith(f"{name} từ chối: ")
    assert REFUSALS[code, recording] in refused.value.message


def test_the_refusal_is_in_english_for_an_english_page(answer_with: Answer) -> None:
    answer_with("ghn", "quote_unknown_ward")
    with force_locale("en"), pytest.raises(CarrierError, match=r"^GHN — Giao Hàng Nhanh refused: "):
        carriers.carrier("ghn").quote(ORIGIN, DESTINATION, PARCEL)


@pytest.mark.parametrize("code", CARRIERS)
def test_creating_a_shipment_twice_is_refused_by_the_carrier(
    answer_with: Answer, code: str
) -> None:
    answer_with(code, "create_duplicate")
    with pytest.raises(CarrierError, match=r"từ chối: .*tồn tại"):
        carriers.carrier(code).create_shipment(REFERENCE, ORIGIN, DESTINATION, PARCEL)


@pytest.mark.parametrize("code", CARRIERS)
def test_a_picked_up_shipment_cannot_be_cancelled(answer_with: Answer, code: str) -> None:
    answer_with(code, "cancel_refused")
    with pytest.raises(CarrierError, match="không thể hủy"):
        carriers.carrier(code).cancel(TRACKING[code])


def test_ghtk_says_when_it_has_no_label_for_the_code(answer_with: Answer) -> None:
    answer_with("ghtk", "label_unknown")
    with pytest.raises(CarrierError, match="Không tìm thấy đơn hàng"):
        carriers.carrier("ghtk").label_pdf(TRACKING["ghtk"])


@pytest.mark.parametrize("code", ["viettelpost", "vnpost"])
def test_a_carrier_without_our_service_on_that_route_is_not_offered(
    answer_with: Answer, code: str
) -> None:
    answer_with(code, "quote_service_missing")
    with pytest.raises(CarrierError, match="không giao gói hàng này đến địa chỉ đó"):
        carriers.carrier(code).quote(ORIGIN, DESTINATION, PARCEL)


@pytest.mark.parametrize("code", CARRIERS)
def test_an_overweight_parcel_is_refused_before_asking_the_carrier(
    carriers_on: RecordedTransport, code: str
) -> None:
    carrier = carriers.carrier(code)
    heavy = replace(PARCEL, weight_grams=carrier.max_weight_grams + 1)
    with pytest.raises(CarrierError, match="kg") as refused:
        carrier.quote(ORIGIN, DESTINATION, heavy)
    with pytest.raises(CarrierError):
        carrier.create_shipment(REFERENCE, ORIGIN, DESTINATION, heavy)
    assert f"{carrier.max_weight_grams // 1000} kg" in refused.value.message
    assert carriers_on.sent == []


def test_a_parcel_without_weight_is_refused(carriers_on: RecordedTransport) -> None:
    with pytest.raises(CarrierError, match="cân"):
        carriers.carrier("ghtk").quote(ORIGIN, DESTINATION, Parcel(0, 100000))
    assert carriers_on.sent == []


def test_ghn_without_ids_for_a_commune_says_it_does_not_know_the_address(
    carriers_on: RecordedTransport,
) -> None:
    unmapped = replace(DESTINATION, commune_code="02380", commune_name="Xã Bạch Xa")
    with pytest.raises(CarrierError, match="Xã Bạch Xa"):
        carriers.carrier("ghn").quote(ORIGIN, unmapped, PARCEL)
    assert carriers_on.sent == []


OPERATIONS = {
    "quote": lambda c: c.quote(ORIGIN, DESTINATION, PARCEL),
    "create": lambda c: c.create_shipment(REFERENCE, ORIGIN, DESTINATION, PARCEL),
    "cancel": lambda c: c.cancel(TRACKING[c.code]),
    "label": lambda c: c.label_pdf(TRACKING[c.code]),
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("code", CARRIERS)
def test_a_carrier_timing_out_is_unavailable_with_a_clear_message(
    carriers_on: RecordedTransport, code: str, operation: str
) -> None:
    carriers_on.unreachable = True
    with pytest.raises(CarrierUnavailable, match="không trả lời"):
        OPERATIONS[operation](carriers.carrier(code))


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("code", CARRIERS)
def test_an_unreadable_answer_is_unavailable(
    carriers_on: RecordedTransport, code: str, operation: str
) -> None:
    carrier = carriers.carrier(code)
    for method in ("GET", "POST"):
        for url in _urls(carrier):
            carriers_on.add(interaction(method, url, 502, text="<html>Bad gateway</html>"))
    with pytest.raises(CarrierUnavailable):
        OPERATIONS[operation](carrier)


def _urls(carrier: carriers.Carrier) -> list[str]:
    """Every URL the carrier's operations call, for answering all of them the same way."""
    return {
        "ghn": [
            "https://online-gateway.ghn.vn/shiip/public-api/v2/shipping-order/fee",
            "https://online-gateway.ghn.vn/shiip/public-api/v2/shipping-order/create",
            "https://online-gateway.ghn.vn/shiip/public-api/v2/switch-status/cancel",
            "https://online-gateway.ghn.vn/shiip/public-api/v2/a5/gen-token",
        ],
        "ghtk": [
            "https://services.giaohangtietkiem.vn/services/shipment/fee",
            "https://services.giaohangtietkiem.vn/services/shipment/order",
            "https://services.giaohangtietkiem.vn/services/shipment/cancel/S1.A1.2001297581",
            "https://services.giaohangtietkiem.vn/services/label/S1.A1.2001297581",
        ],
        "viettelpost": [
            "https://partner.viettelpost.vn/v2/order/getPriceAllNlp",
            "https://partner.viettelpost.vn/v2/order/createOrderNlp",
            "https://partner.viettelpost.vn/v2/order/UpdateOrder",
            "https://partner.viettelpost.vn/v2/order/printing-code",
        ],
        "vnpost": [
            "https://connect-my.vnpost.vn/customer-partner/ServicesCharge",
            "https://connect-my.vnpost.vn/customer-partner/CreateOrder",
            "https://connect-my.vnpost.vn/customer-partner/orderCancel",
            "https://connect-my.vnpost.vn/customer-partner/printOrder",
        ],
    }[carrier.code]
