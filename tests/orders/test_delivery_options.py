"""The delivery options of one producer's part: free pickups first, its own delivery priced by
zone, weight band and order value, then the carriers it enabled that the site is set up for,
quoted for the parcel's weight; notes say why a carrier (or its own delivery) is missing."""

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from catalog.models import Producer, Product
from market.extensions import db
from orders.addresses import Address, address_at
from orders.delivery import (
    DeliveryOption,
    OptionsResult,
    delivery_options,
    parcel_for,
)
from orders.delivery_rates import DeliveryRate, EnabledCarrier, ZoneKind
from orders.models import DeliveryMethod
from tests.carriers.conftest import CREDENTIALS, RECORDED
from tests.orders.conftest import Shop
from tests.recorded_http import RecordedTransport, load

PHU_LUU, BACH_XA, BA_DINH = "02392", "02380", "00004"
GHTK = "ghtk"


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context(), force_locale("en"):
        yield


def _options(
    producer_id: int, lines: list[tuple[int, int]], address: Address | None
) -> OptionsResult:
    producer = db.session.get(Producer, producer_id)
    products = [(db.session.get(Product, pid), n) for pid, n in lines]
    total = sum(p.price * n for p, n in products)
    return delivery_options(producer, address, products, total)


def _keys(result: OptionsResult) -> list[tuple[str, int]]:
    return [(o.key, o.fee) for o in result.options]


def _rates(producer_id: int, *rows: tuple[ZoneKind, str, int | None, int, int | None]) -> None:
    db.session.execute(sa.delete(DeliveryRate).where(DeliveryRate.producer_id == producer_id))
    db.session.add_all(
        DeliveryRate(
            producer_id=producer_id,
            zone_kind=kind,
            zone_code=code,
            up_to_grams=up_to,
            fee=fee,
            free_above=free,
        )
        for kind, code, up_to, fee, free in rows
    )
    db.session.flush()


def _weigh(*weights: tuple[int, int | None]) -> None:
    for product_id, grams in weights:
        db.session.get(Product, product_id).weight_grams = grams
    db.session.flush()


@pytest.fixture
def oranges(app: Flask, shop: Shop, ctx: None) -> Shop:
    """Producer B: its commune free, Tuyên Quang 25,000 đ to 5 kg then 40,000 đ, Hà Nội
    60,000 đ (free from 500,000 đ), nowhere else; oranges weigh 1,050 g a kilo packed."""
    _rates(
        shop.producer_b,
        (ZoneKind.COMMUNE, PHU_LUU, None, 0, None),
        (ZoneKind.PROVINCE, "08", 5000, 25_000, None),
        (ZoneKind.PROVINCE, "08", None, 40_000, None),
        (ZoneKind.PROVINCE, "01", None, 60_000, 500_000),
    )
    db.session.get(Producer, shop.producer_b).packaging_grams = 400
    _weigh((shop.orange, 1050))
    return shop


@pytest.mark.parametrize(
    ("commune", "kilos", "fee"),
    [
        (PHU_LUU, 20, 0),  # its own commune: free whatever the weight
        (BACH_XA, 4, 25_000),  # 4 × 1,050 g + 400 g = 4.6 kg
        (BACH_XA, 5, 40_000),  # 5.65 kg: the next band
        (BA_DINH, 2, 60_000),  # Hà Nội
        (BA_DINH, 12, 0),  # Hà Nội, 540,000 đ of oranges: free
        ("26734", 1, None),  # Hồ Chí Minh City: nowhere else
    ],
)
def test_own_delivery_takes_the_most_specific_zone_then_the_weight_band_then_free_above(
    oranges: Shop, commune: str, kilos: int, fee: int | None
) -> None:
    result = _options(oranges.producer_b, [(oranges.orange, kilos)], address_at(commune, "1"))
    own = [o for o in result.options if o.key == "own"]
    assert [o.fee for o in own] == ([] if fee is None else [fee])
    if own:
        assert own[0].method is DeliveryMethod.HOME and own[0].carrier is None


def test_without_an_address_only_the_pickups_are_offered_and_none_costs_anything(
    app: Flask, shop: Shop, stall_of: Callable[..., int]
) -> None:
    stall = stall_of(shop.producer_b)
    with app.test_request_context(), force_locale("en"):
        result = _options(shop.producer_b, [(shop.orange, 1)], None)
    assert _keys(result) == [("pickup_producer", 0), (f"pickup_stall:{stall}", 0)]
    assert result.options[1] == DeliveryOption(
        f"pickup_stall:{stall}",
        DeliveryMethod.PICKUP_STALL,
        None,
        0,
        None,
        None,
        result.options[1].label,
        stall_id=stall,
    )
    assert result.notes == []


def test_a_producer_without_farm_pickup_offers_none(oranges: Shop) -> None:
    db.session.get(Producer, oranges.producer_b).farm_pickup = False
    result = _options(oranges.producer_b, [(oranges.orange, 1)], address_at(BACH_XA, "1"))
    assert _keys(result) == [("own", 25_000)]


def test_a_parcel_too_heavy_for_its_bands_or_of_unknown_weight_is_explained(
    oranges: Shop,
) -> None:
    _rates(oranges.producer_b, (ZoneKind.PROVINCE, "08", 5000, 25_000, None))
    heavy = _options(oranges.producer_b, [(oranges.orange, 6)], address_at(BACH_XA, "1"))
    assert [o.key for o in heavy.options] == ["pickup_producer"]
    assert heavy.notes == [
        "HTX Cam Hàm Yên delivers here only parcels up to 5 kg (this one weighs 6.7 kg)."
    ]
    _weigh((oranges.orange, None))
    unknown = _options(oranges.producer_b, [(oranges.orange, 1)], address_at(BACH_XA, "1"))
    assert "a product has none yet" in unknown.notes[0]


def test_the_parcel_weighs_the_units_and_the_packaging_and_has_a_single_units_size(
    shop: Shop, ctx: None
) -> None:
    _weigh((shop.tea, 250), (shop.honey, 800))
    producer = db.session.get(Producer, shop.producer_a)
    tea, honey = db.session.get(Product, shop.tea), db.session.get(Product, shop.honey)
    tea.length_cm, tea.width_cm, tea.height_cm = 20, 10, 8
    parcel = parcel_for(producer, [(tea, 2), (honey, 1)])
    assert (parcel.weight_grams, parcel.value) == (2 * 250 + 800 + 200, 490_000)
    assert parcel.length_cm is None  # several units: the producer packs them
    single = parcel_for(producer, [(tea, 1)])
    assert (single.length_cm, single.width_cm, single.height_cm) == (20, 10, 8)
    _weigh((shop.honey, None))
    assert parcel_for(producer, [(tea, 2), (honey, 1)]) is None


@pytest.fixture
def ghtk(app: Flask, recorded_http: RecordedTransport, oranges: Shop) -> RecordedTransport:
    """GHTK set up on the site and enabled by producer B; GHN enabled but not set up."""
    app.config.update({k: v for k, v in CREDENTIALS.items() if k.startswith("GHTK_")})
    db.session.add_all(
        EnabledCarrier(producer_id=oranges.producer_b, carrier=code) for code in (GHTK, "ghn")
    )
    db.session.flush()
    recorded_http.add(*load(RECORDED / GHTK / "quote.json"))
    return recorded_http


def test_an_enabled_configured_carrier_is_quoted_for_the_parcel_to_a_full_address(
    ghtk: RecordedTransport, oranges: Shop
) -> None:
    result = _options(oranges.producer_b, [(oranges.orange, 2)], address_at(BA_DINH, "12 Đội Cấn"))
    carrier = [o for o in result.options if o.carrier]
    assert [(o.carrier, o.method, o.fee) for o in carrier] == [(GHTK, DeliveryMethod.HOME, 32_500)]
    assert carrier[0].key.startswith("carrier:ghtk:")
    assert (carrier[0].days_min, carrier[0].days_max) == (2, 4)
    assert result.notes == []
    (sent,) = ghtk.sent_to("/shipment/fee")
    assert "weight=2500" in sent.url  # 2 × 1,050 g + 400 g


def test_no_carrier_is_quoted_for_a_product_without_weight_and_the_shopper_is_told(
    ghtk: RecordedTransport, oranges: Shop
) -> None:
    _weigh((oranges.orange, None))
    result = _options(oranges.producer_b, [(oranges.orange, 1)], address_at(BA_DINH, "1"))
    assert not [o for o in result.options if o.carrier]
    assert result.notes == ["Carrier delivery is not offered: Cam sành Hàm Yên has no weight yet."]
    assert ghtk.sent == []


def test_a_parcel_over_the_carriers_limit_is_not_asked_for_and_is_explained(
    ghtk: RecordedTransport, oranges: Shop
) -> None:
    result = _options(oranges.producer_b, [(oranges.orange, 20)], address_at(BA_DINH, "1"))
    assert not [o for o in result.options if o.carrier]
    assert result.notes == [
        "GHTK — Giao Hàng Tiết Kiệm does not carry parcels over 20 kg (this one weighs 21.4 kg)."
    ]
    assert ghtk.sent == []


def test_a_carrier_not_answering_is_a_note_not_an_error(
    ghtk: RecordedTransport, oranges: Shop
) -> None:
    ghtk.unreachable = True
    result = _options(oranges.producer_b, [(oranges.orange, 1)], address_at(BA_DINH, "1"))
    assert [o.key for o in result.options] == ["pickup_producer", "own"]
    assert result.notes == ["GHTK — Giao Hàng Tiết Kiệm is not answering just now."]


def test_a_producer_without_enabled_carriers_has_no_carrier_notes(
    app: Flask, recorded_http: RecordedTransport, oranges: Shop
) -> None:
    app.config.update(CREDENTIALS)
    result = _options(oranges.producer_b, [(oranges.orange, 1)], address_at(BA_DINH, "1"))
    assert (result.notes, recorded_http.sent) == ([], [])
