"""Delivery: the ways one producer's part can reach a shopper, and what each costs.

Read from the structured address (official commune and province codes), never from text the
shopper typed. Pickup at the farm (when the producer offers it) and at its chợ 4.0 stalls is
free; the producer's own delivery is priced by its zone rates (``orders.delivery_rates``: the
most specific zone covering the address, the first weight band the parcel fits, free above an
order value); carrier delivery is quoted by the carriers the producer enabled that the site is
configured for (``orders.carriers``), for a parcel of known weight. Nothing here reads a request.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from catalog.models import Producer, Product
from market import places
from market.extensions import db
from market.i18n import format_vnd
from orders import carriers
from orders.addresses import Address
from orders.carriers import (
    Carrier,
    CarrierError,
    CarrierQuote,
    CarrierUnavailable,
    Parcel,
    Place,
)
from orders.delivery_rates import DeliveryRate, EnabledCarrier, ZoneKind
from orders.models import DeliveryMethod
from orders.pickup import pickup_stalls

Lines = Sequence[tuple[Product, int]]

# Most specific first: the first kind with a rate covering the address decides.
ZONE_ORDER = (ZoneKind.COMMUNE, ZoneKind.AREA, ZoneKind.PROVINCE, ZoneKind.EVERYWHERE)
_KIND_KEYS = {
    ZoneKind.COMMUNE: "c",
    ZoneKind.AREA: "a",
    ZoneKind.PROVINCE: "p",
    ZoneKind.EVERYWHERE: "e",
}
_KEY_KINDS = {key: kind for kind, key in _KIND_KEYS.items()}


@dataclass(frozen=True)
class ZoneRate:
    """One own-delivery rate as the rules read it (a ``DeliveryRate`` row, or a quoted one)."""

    kind: ZoneKind
    code: str
    up_to_grams: int | None
    fee: int
    free_above: int | None = None

    @classmethod
    def of(cls, row: DeliveryRate) -> "ZoneRate":
        """The rate a stored row holds."""
        return cls(row.zone_kind, row.zone_code, row.up_to_grams, row.fee, row.free_above)

    def covers(self, province_code: str | None, commune_code: str | None) -> bool:
        """The address (as far as it is known) lies in this rate's zone."""
        if self.kind is ZoneKind.EVERYWHERE:
            return province_code is not None
        if self.kind is ZoneKind.PROVINCE:
            return province_code == self.code
        if self.kind is ZoneKind.AREA:
            return any(area.slug == self.code for area in places.areas_of(commune_code))
        return commune_code is not None and commune_code == self.code

    def fits(self, weight_grams: int | None) -> bool:
        """The parcel is within this band (an unknown weight fits only a band without limit)."""
        if self.up_to_grams is None:
            return True
        return weight_grams is not None and weight_grams <= self.up_to_grams

    def charge(self, items_total: int) -> int:
        """The fee for a part of that value."""
        if self.free_above is not None and items_total >= self.free_above:
            return 0
        return self.fee

    def zone_name(self) -> str:
        """The zone as people name it."""
        if self.kind is ZoneKind.EVERYWHERE:
            return _("everywhere else in Vietnam")
        if self.kind is ZoneKind.PROVINCE:
            found = places.province(self.code)
            return found.short_name if found else self.code
        if self.kind is ZoneKind.AREA:
            area = places.area(self.code)
            return area.short_name if area else self.code
        return places.display(self.code, short=True) or self.code


def _band_order(rate: ZoneRate) -> tuple[bool, int]:
    return (rate.up_to_grams is None, rate.up_to_grams or 0)


@dataclass(frozen=True)
class DeliveryRule:
    """Where one producer delivers itself and what that costs: its zone rates."""

    province_code: str
    rates: tuple[ZoneRate, ...]

    def zone_rates(self, province_code: str | None, commune_code: str | None) -> list[ZoneRate]:
        """The rates of the most specific zone covering the address, lightest band first."""
        for kind in ZONE_ORDER:
            found = [
                r for r in self.rates if r.kind is kind and r.covers(province_code, commune_code)
            ]
            if found:
                return sorted(found, key=_band_order)
        return []

    def fee_to(
        self,
        province_code: str | None,
        commune_code: str | None = None,
        weight_grams: int | None = None,
        items_total: int = 0,
    ) -> int | None:
        """The own-delivery fee for a parcel to that place; None when the producer does not go
        there, the parcel is over its heaviest band, or no province is given yet."""
        if province_code is None:
            return None
        band = next(
            (r for r in self.zone_rates(province_code, commune_code) if r.fits(weight_grams)), None
        )
        return None if band is None else band.charge(items_total)

    @property
    def delivers(self) -> bool:
        """It delivers somewhere itself."""
        return bool(self.rates)

    @property
    def key(self) -> str:
        """The rates as the checkout's quote carries them (``p.08..30000.~e...60000.``)."""
        return "~".join(
            ".".join(
                (
                    _KIND_KEYS[r.kind],
                    r.code,
                    "" if r.up_to_grams is None else str(r.up_to_grams),
                    str(r.fee),
                    "" if r.free_above is None else str(r.free_above),
                )
            )
            for r in self.rates
        )

    @classmethod
    def from_key(cls, province_code: str, key: str) -> "DeliveryRule":
        """The rule a quote carried; ValueError when the text is not one."""
        rates = []
        for item in filter(None, key.split("~")):
            kind, code, band, fee, free = item.split(".")
            if kind not in _KEY_KINDS:
                raise ValueError(kind)
            rates.append(
                ZoneRate(
                    _KEY_KINDS[kind],
                    code,
                    int(band) if band else None,
                    int(fee),
                    int(free) if free else None,
                )
            )
        return cls(province_code, tuple(rates))

    def summary(self) -> str:
        """Where and for how much, for a shopper who has not given an address yet."""
        if not self.rates:
            return _("no home delivery")
        zones: dict[tuple[ZoneKind, str], list[ZoneRate]] = {}
        for rate in self.rates:
            zones.setdefault((rate.kind, rate.code), []).append(rate)
        if len(zones) > 1:
            return ", ".join(_zone_summary(rates) for rates in zones.values())
        rates = next(iter(zones.values()))
        if rates[0].kind is ZoneKind.EVERYWHERE:
            return _("%(fee)s anywhere in Vietnam", fee=_fees(rates))
        return _("%(fee)s, only in %(province)s", fee=_fees(rates), province=rates[0].zone_name())


def _fees(rates: list[ZoneRate]) -> str:
    """ "30.000 ₫", or "from 25.000 ₫" when weight bands differ, with "free from …" when it is."""
    lowest = min(r.fee for r in rates)
    text = format_vnd(lowest)
    if len({r.fee for r in rates}) > 1:
        text = _("from %(fee)s", fee=text)
    free = [r.free_above for r in rates if r.free_above is not None]
    if free:
        text = _("%(fees)s (free from %(value)s)", fees=text, value=format_vnd(min(free)))
    return text


def _zone_summary(rates: list[ZoneRate]) -> str:
    zone = rates[0]
    if zone.kind is ZoneKind.EVERYWHERE:
        return _("%(fee)s elsewhere in Vietnam", fee=_fees(rates))
    return _("%(fee)s in %(zone)s", fee=_fees(rates), zone=zone.zone_name())


def producer_province(producer: Producer) -> str:
    """The official code of the province a producer works in."""
    commune = places.commune(producer.commune_code)
    return commune.province_code if commune else places.home_province().code


def rates_of(producer_id: int) -> list[DeliveryRate]:
    """The producer's zone rates, most specific zone first, then by band."""
    rows = db.session.scalars(
        sa.select(DeliveryRate).where(DeliveryRate.producer_id == producer_id)
    ).all()
    order = {kind: n for n, kind in enumerate(ZONE_ORDER)}
    return sorted(
        rows,
        key=lambda r: (order[r.zone_kind], r.zone_code, r.up_to_grams is None, r.up_to_grams or 0),
    )


def rule_of(producer: Producer) -> DeliveryRule:
    """The producer's own-delivery rule as it stands now."""
    return DeliveryRule(
        province_code=producer_province(producer),
        rates=tuple(ZoneRate.of(r) for r in rates_of(producer.id)),
    )


def enabled_carriers(producer_id: int) -> list[str]:
    """The codes of the carriers the producer enabled (configured here or not)."""
    return list(
        db.session.scalars(
            sa.select(EnabledCarrier.carrier)
            .where(EnabledCarrier.producer_id == producer_id)
            .order_by(EnabledCarrier.carrier)
        )
    )


def does_not_deliver(producer: Producer, province_code: str) -> str:
    """The message for a home delivery the producer does not make."""
    province = places.province(province_code)
    return _(
        "%(producer)s does not deliver to %(province)s. Choose a pickup, or another address.",
        producer=producer.name,
        province=province.short_name if province else province_code,
    )


def parcel_weight(producer: Producer, lines: Lines) -> int | None:
    """The units' weight plus the producer's packaging; None if a product has no weight."""
    if any(product.weight_grams is None for product, _quantity in lines):
        return None
    units = sum(product.weight_grams * quantity for product, quantity in lines)
    return units + producer.packaging_grams


def parcel_for(producer: Producer, lines: Lines) -> Parcel | None:
    """The parcel one producer's part makes: the units' weight plus its packaging, its value,
    and the size of the one product when it is a single unit; None if a product has no weight."""
    weight = parcel_weight(producer, lines)
    if weight is None:
        return None
    value = sum(product.price * quantity for product, quantity in lines)
    single = lines[0][0] if len(lines) == 1 and lines[0][1] == 1 else None
    return Parcel(
        weight_grams=weight,
        value=value,
        length_cm=single.length_cm if single else None,
        width_cm=single.width_cm if single else None,
        height_cm=single.height_cm if single else None,
    )


@dataclass(frozen=True)
class DeliveryOption:
    """One way a producer's part can reach the shopper, with its price."""

    key: str  # "pickup_producer", "pickup_stall:12", "own", "carrier:ghn:standard"
    method: DeliveryMethod
    carrier: str | None
    fee: int
    days_min: int | None
    days_max: int | None
    label: str
    stall_id: int | None = None


@dataclass(frozen=True)
class OptionsResult:
    """A producer's delivery options for one address, and why carrier delivery is missing."""

    options: list[DeliveryOption] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def origin_of(producer: Producer) -> Place | None:
    """Where a carrier picks the producer's parcels up; None without a commune on its profile."""
    commune = places.commune(producer.commune_code)
    if commune is None:
        return None
    return Place(
        name=producer.name,
        phone=producer.phone,
        street=producer.address,
        province_code=commune.province_code,
        commune_code=commune.code,
        province_name=commune.province.name,
        commune_name=commune.name,
    )


def _destination(address: Address) -> Place:
    return Place(
        name="",
        phone="",
        street=address.street,
        province_code=address.province_code,
        commune_code=address.commune_code,
        province_name=address.province_name,
        commune_name=address.commune_name,
    )


def _days(days_min: int, days_max: int) -> str:
    if days_min == days_max:
        return _("%(days)s day(s)", days=days_max)
    return _("%(min)s–%(max)s days", min=days_min, max=days_max)


@dataclass(frozen=True)
class _CarrierPlan:
    """What carrier delivery of a part needs asked, and the notes found on the way."""

    asks: list[carriers.Ask]
    notes: list[str]


def _carrier_plan(producer: Producer, address: Address | None, lines: Lines) -> _CarrierPlan:
    enabled = enabled_carriers(producer.id)
    if not enabled:
        return _CarrierPlan([], [])
    configured = carriers.configured()
    usable = [configured[code] for code in enabled if code in configured]
    if not usable:
        return _CarrierPlan([], [])
    if address is None or not address.commune_code:
        return _CarrierPlan(
            [], [_("Carrier delivery is quoted once the address names its commune or ward.")]
        )
    parcel = parcel_for(producer, lines)
    if parcel is None:
        missing = ", ".join(p.name for p, _quantity in lines if p.weight_grams is None)
        return _CarrierPlan(
            [],
            [
                _(
                    "Carrier delivery is not offered: %(products)s has no weight yet.",
                    products=missing,
                )
            ],
        )
    origin = origin_of(producer)
    if origin is None:
        return _CarrierPlan(
            [], [_("Carrier delivery is not offered: the producer's address is incomplete.")]
        )
    notes: list[str] = []
    fitting: list[Carrier] = []
    for carrier in usable:
        if parcel.weight_grams > carrier.max_weight_grams:
            notes.append(
                _(
                    "%(carrier)s does not carry parcels over %(limit)s kg (this one weighs "
                    "%(weight)s kg).",
                    carrier=carrier.name,
                    limit=_kg(carrier.max_weight_grams),
                    weight=_kg(parcel.weight_grams),
                )
            )
        else:
            fitting.append(carrier)
    destination = _destination(address)
    return _CarrierPlan([(c, origin, destination, parcel) for c in fitting], notes)


def carrier_asks(producer: Producer, address: Address | None, lines: Lines) -> list[carriers.Ask]:
    """The carrier quotes ``delivery_options`` asks for this part, so that a page of several
    producers can ask them all at once (``quote_many``) and pass each part its answers."""
    return _carrier_plan(producer, address, lines).asks


def _carrier_options(
    producer: Producer,
    address: Address | None,
    lines: Lines,
    quoted: Sequence[CarrierQuote | CarrierError] | None,
) -> tuple[list[DeliveryOption], list[str]]:
    plan = _carrier_plan(producer, address, lines)
    if not plan.asks:
        return [], plan.notes
    notes = list(plan.notes)
    fitting = [carrier for carrier, *_rest in plan.asks]
    answers = carriers.quote_many(plan.asks) if quoted is None else quoted
    options = []
    for carrier, answer in zip(fitting, answers, strict=True):
        if isinstance(answer, CarrierUnavailable):
            notes.append(_("%(carrier)s is not answering just now.", carrier=carrier.name))
        elif isinstance(answer, CarrierError):
            notes.append(f"{carrier.name}: {answer.message}")
        else:
            options.append(
                DeliveryOption(
                    key=f"carrier:{answer.carrier}:{answer.service}",
                    method=DeliveryMethod.HOME,
                    carrier=answer.carrier,
                    fee=answer.fee,
                    days_min=answer.days_min,
                    days_max=answer.days_max,
                    label=_(
                        "%(carrier)s, %(days)s",
                        carrier=carrier.name,
                        days=_days(answer.days_min, answer.days_max),
                    ),
                )
            )
    return options, notes


def _kg(grams: int) -> str:
    return f"{grams / 1000:g}"


def delivery_options(
    producer: Producer,
    address: Address | None,
    lines: Lines,
    items_total: int,
    quoted: Sequence[CarrierQuote | CarrierError] | None = None,
) -> OptionsResult:
    """Every way the producer's part of ``lines`` can reach ``address`` (None: not given yet),
    pickups first, with fees; none is preselected here. Notes say why carrier delivery is not
    offered when the producer uses carriers. ``quoted``: the answers to ``carrier_asks`` when
    the caller asked them already (a whole cart at once), else they are asked here."""
    options = []
    if producer.farm_pickup:
        options.append(
            DeliveryOption(
                "pickup_producer",
                DeliveryMethod.PICKUP_PRODUCER,
                None,
                0,
                None,
                None,
                _("Pick up at %(producer)s (free)", producer=producer.name),
            )
        )
    for stall in pickup_stalls([producer.id])[producer.id]:
        options.append(
            DeliveryOption(
                f"pickup_stall:{stall.id}",
                DeliveryMethod.PICKUP_STALL,
                None,
                0,
                None,
                None,
                _("Pick up at %(stall)s (free)", stall=stall.label),
                stall_id=stall.id,
            )
        )
    notes = []
    if address is not None:
        rule, weight = rule_of(producer), parcel_weight(producer, lines)
        fee = rule.fee_to(address.province_code, address.commune_code, weight, items_total)
        zone = rule.zone_rates(address.province_code, address.commune_code)
        if fee is None and zone:
            notes.append(_own_delivery_limit(producer, zone, weight))
        if fee is not None:
            label = (
                _("Delivered by %(producer)s (free)", producer=producer.name)
                if fee == 0
                else _("Delivered by %(producer)s", producer=producer.name)
            )
            options.append(DeliveryOption("own", DeliveryMethod.HOME, None, fee, None, None, label))
    carrier_options, carrier_notes = _carrier_options(producer, address, lines, quoted)
    return OptionsResult(options + carrier_options, notes + carrier_notes)


def _own_delivery_limit(producer: Producer, zone: list[ZoneRate], weight: int | None) -> str:
    """Why the producer's own delivery does not take this parcel to a place it serves."""
    if weight is None:
        return _(
            "%(producer)s delivers here only parcels of known weight, and a product has none yet.",
            producer=producer.name,
        )
    heaviest = max(r.up_to_grams or 0 for r in zone)
    return _(
        "%(producer)s delivers here only parcels up to %(limit)s kg "
        "(this one weighs %(weight)s kg).",
        producer=producer.name,
        limit=_kg(heaviest),
        weight=_kg(weight),
    )
