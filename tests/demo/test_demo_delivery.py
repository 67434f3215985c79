"""The demo's delivery settings: heavy oranges priced by weight band and zone (free in their own
commune), light tea free above an order value, three producers delivering anywhere in Vietnam
so a shopper in Hà Nội can try home delivery, two enabling carriers, and weights on products."""

import sqlalchemy as sa
from flask import Flask

from catalog.models import Producer, Product
from market.extensions import db
from orders.delivery import enabled_carriers, rule_of
from orders.delivery_rates import ZoneKind

PHU_LUU, BACH_XA, NA_HANG, HOAN_KIEM = "02392", "02380", "02221", "00070"


def test_demo_producers_price_delivery_by_zone_weight_and_order_value(demo: Flask) -> None:
    with demo.app_context():
        producers = {p.slug: p for p in db.session.scalars(sa.select(Producer))}
        rules = {slug: rule_of(p) for slug, p in producers.items()}
        carriers = {slug: enabled_carriers(p.id) for slug, p in producers.items()}
        unweighed = db.session.scalars(
            sa.select(Product.unit).where(Product.weight_grams.is_(None))
        ).all()
    oranges, tea = rules["htx-cam-sanh-phu-luu"], rules["htx-che-shan-tuyet-hong-thai"]
    box = 10_800 + 600  # a 10 kg gift box and the cooperative's packaging
    assert oranges.fee_to("08", PHU_LUU, box, 350_000) == 0
    assert oranges.fee_to("08", BACH_XA, box, 350_000) == 20_000  # Hàm Yên
    assert oranges.fee_to("08", NA_HANG, box, 350_000) == 45_000  # the rest of Tuyên Quang
    assert oranges.fee_to("01", HOAN_KIEM, box, 350_000) == 80_000  # Hà Nội
    assert oranges.fee_to("79", None, box, 350_000) == 110_000  # elsewhere
    assert oranges.fee_to("79", None, 3 * box, 1_050_000) is None  # too heavy to send so far
    assert tea.fee_to("08", NA_HANG, 410, 260_000) == 25_000
    assert tea.fee_to("08", NA_HANG, 650, 520_000) == 0
    nationwide = {
        slug for slug, r in rules.items() if any(z.kind is ZoneKind.EVERYWHERE for z in r.rates)
    }
    assert len(nationwide) == 3
    assert all(rules[slug].fee_to("01") is None for slug in rules.keys() - nationwide)
    assert {slug for slug, codes in carriers.items() if codes} == {
        "htx-cam-sanh-phu-luu",
        "htx-che-shan-tuyet-hong-thai",
    }
    # Only tours and stays have no weight: they are not shipped.
    assert set(unweighed) <= {"người", "người/đêm", "đêm"}
