"""Changing a producer's delivery settings: packaging, farm pickup, carriers, zone rates.

Each change is checked, written with its audit entry (``catalog.audit``) in one transaction,
and refused with a message (``DeliverySettingsError``) that changes nothing.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog import audit
from catalog.audit import Actor
from catalog.models import Producer
from catalog.workspace.numbers import MAX_GRAMS
from market import places
from market.domain_errors import DomainError
from market.extensions import db
from orders import carriers
from orders.delivery import enabled_carriers
from orders.delivery_rates import DeliveryRate, EnabledCarrier, ZoneKind

MAX_FEE = 10_000_000  # ten million đồng for one delivery is a typing mistake
SETTINGS_FIELDS = ("packaging_grams", "farm_pickup")
RATE_FIELDS = ("zone_kind", "zone_code", "up_to_grams", "fee", "free_above")


class DeliverySettingsError(DomainError):
    """A delivery setting refused; nothing was changed."""


@dataclass(frozen=True)
class RateInput:
    """One zone rate as the producer wrote it; ``zone`` is ``kind:code`` (``province:08``)."""

    zone: str
    up_to_grams: int | None
    fee: int
    free_above: int | None = None


def zone_choices(producer: Producer) -> list[tuple[str, str]]:
    """Every zone a producer may price: everywhere else, provinces, areas of origin, and the
    communes and wards of its own province."""
    home = places.commune(producer.commune_code)
    province = home.province_code if home else places.HOME_PROVINCE
    return [
        ("everywhere:", str(_l("Everywhere else in Vietnam"))),
        *(
            (f"province:{code}", str(_l("%(name)s — whole province", name=name)))
            for code, name in places.province_choices()
        ),
        *(
            (f"area:{slug}", str(_l("%(name)s — area (former district)", name=name)))
            for slug, name in places.area_choices()
        ),
        *((f"commune:{code}", name) for code, name in places.commune_choices(province)),
    ]


def _zone(producer: Producer, zone: str) -> tuple[ZoneKind, str]:
    if zone not in dict(zone_choices(producer)):
        raise DeliverySettingsError(_l("Choose a place from the list."), "zone")
    kind, _colon, code = zone.partition(":")
    return ZoneKind(kind), code


def _check_rate(producer: Producer, rate: RateInput) -> tuple[ZoneKind, str]:
    kind, code = _zone(producer, rate.zone)
    if not 0 <= rate.fee <= MAX_FEE:
        raise DeliverySettingsError(_l("Write a fee from 0 to 10,000,000 đồng."), "fee")
    if rate.up_to_grams is not None and not 0 < rate.up_to_grams <= MAX_GRAMS:
        raise DeliverySettingsError(
            _l("Write a weight from 1 to 100,000 grams, or leave it empty for any weight."),
            "up_to_grams",
        )
    if rate.free_above is not None and not 0 < rate.free_above <= 10**12:
        raise DeliverySettingsError(
            _l("Write an order value above 0, or leave it empty."), "free_above"
        )
    return kind, code


def _same_band(producer_id: int, kind: ZoneKind, code: str, up_to: int | None) -> sa.Select:
    band = (
        DeliveryRate.up_to_grams.is_(None) if up_to is None else DeliveryRate.up_to_grams == up_to
    )
    return sa.select(DeliveryRate.id).where(
        DeliveryRate.producer_id == producer_id,
        DeliveryRate.zone_kind == kind,
        DeliveryRate.zone_code == code,
        band,
    )


def _refuse_duplicate(
    producer: Producer, kind: ZoneKind, code: str, up_to: int | None, rate_id: int | None = None
) -> None:
    query = _same_band(producer.id, kind, code, up_to)
    if rate_id is not None:
        query = query.where(DeliveryRate.id != rate_id)
    if db.session.scalar(query) is not None:
        raise DeliverySettingsError(
            _l("This place already has a fee for that weight: change that row instead."),
            "up_to_grams",
        )


def _summary(rate: DeliveryRate) -> str:
    return f"{rate.zone_kind.value}:{rate.zone_code}"[:200]


def add_rate(producer: Producer, rate: RateInput, actor: Actor) -> DeliveryRate:
    """Add a zone rate to the producer's own delivery."""
    kind, code = _check_rate(producer, rate)
    _refuse_duplicate(producer, kind, code, rate.up_to_grams)
    row = DeliveryRate(
        producer_id=producer.id,
        zone_kind=kind,
        zone_code=code,
        up_to_grams=rate.up_to_grams,
        fee=rate.fee,
        free_above=rate.free_above,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        producer.id,
        actor,
        "delivery_rate.add",
        "delivery_rate",
        row.id,
        summary=_summary(row),
        after=audit.snapshot(row, RATE_FIELDS),
    )
    db.session.commit()
    return row


def producer_rate(producer: Producer, rate_id: int) -> DeliveryRate | None:
    """One of the producer's rates (another producer's is None, like an unknown one)."""
    return db.session.scalar(
        sa.select(DeliveryRate).where(
            DeliveryRate.id == rate_id, DeliveryRate.producer_id == producer.id
        )
    )


def change_rate(producer: Producer, row: DeliveryRate, rate: RateInput, actor: Actor) -> None:
    """Change one of the producer's zone rates."""
    kind, code = _check_rate(producer, rate)
    _refuse_duplicate(producer, kind, code, rate.up_to_grams, row.id)
    before = audit.snapshot(row, RATE_FIELDS)
    row.zone_kind, row.zone_code = kind, code
    row.up_to_grams, row.fee, row.free_above = rate.up_to_grams, rate.fee, rate.free_above
    old, new = audit.changed(before, audit.snapshot(row, RATE_FIELDS))
    if new:
        audit.record(
            producer.id,
            actor,
            "delivery_rate.update",
            "delivery_rate",
            row.id,
            summary=_summary(row),
            before=old,
            after=new,
        )
    db.session.commit()


def remove_rate(producer: Producer, row: DeliveryRate, actor: Actor) -> None:
    """Remove one of the producer's zone rates."""
    audit.record(
        producer.id,
        actor,
        "delivery_rate.remove",
        "delivery_rate",
        row.id,
        summary=_summary(row),
        before=audit.snapshot(row, RATE_FIELDS),
    )
    db.session.delete(row)
    db.session.commit()


def save_settings(
    producer: Producer,
    packaging_grams: int,
    farm_pickup: bool,
    carrier_codes: list[str],
    actor: Actor,
) -> None:
    """Change the packaging weight, farm pickup and the carriers the producer sends with
    (only carriers configured on this site; one enabled earlier and no longer configured here
    stays enabled, in case it comes back)."""
    if not 0 <= packaging_grams <= MAX_GRAMS:
        raise DeliverySettingsError(
            _l("Write the packaging weight in grams, from 0 to 100,000."), "packaging_grams"
        )
    configured = carriers.configured()
    if not set(carrier_codes) <= set(configured):
        raise DeliverySettingsError(_l("Choose carriers from the list."), "carriers")
    before = {
        **audit.snapshot(producer, SETTINGS_FIELDS),
        "carriers": enabled_carriers(producer.id),
    }
    producer.packaging_grams, producer.farm_pickup = packaging_grams, farm_pickup
    kept = [code for code in before["carriers"] if code not in configured]
    wanted = sorted({*carrier_codes, *kept})
    db.session.execute(sa.delete(EnabledCarrier).where(EnabledCarrier.producer_id == producer.id))
    db.session.add_all(EnabledCarrier(producer_id=producer.id, carrier=code) for code in wanted)
    old, new = audit.changed(
        before, {**audit.snapshot(producer, SETTINGS_FIELDS), "carriers": wanted}
    )
    if new:
        audit.record(
            producer.id,
            actor,
            "producer.delivery",
            "producer",
            producer.id,
            summary=producer.name,
            before=old,
            after=new,
        )
    db.session.commit()
