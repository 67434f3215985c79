"""The demo data set: read ``market/demo/data/*.json`` and check it against the real tables.

The files hold one area of origin each (a former district of Tuyên Quang or Hà Giang: producers
with their growing areas and products, places as official 2025 commune codes) plus
``accounts.json``. Every place, bank, category, phone number and GTIN is checked before anything
is written, so a typo in the data fails loudly instead of loading half a demo.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from catalog.gs1 import normalize_gtin
from catalog.models import (
    AreaStatus,
    Certification,
    IssuingLevel,
    MemberRole,
    ProducerKind,
    ProducerStatus,
    ProductStatus,
    ReviewStatus,
)
from market import banks, places
from market.accounts.models import Role
from market.demo.photos import motif_names
from market.phone import normalize_phone
from orders.delivery import ZoneRate
from orders.delivery_rates import ZoneKind

DATA_DIR = Path(__file__).parent / "data"
ACCOUNTS_FILE = DATA_DIR / "accounts.json"
# Roughly the province's extent before the 2025 merger: a location outside is a typo.
CARRIER_CODES = {"ghn", "ghtk", "viettelpost", "vnpost"}  # ``orders.carriers``' codes
LATITUDES, LONGITUDES = (21.4, 23.4), (104.3, 105.7)  # Tuyên Quang with former Hà Giang


class DemoDataError(ValueError):
    """The demo data files contain something the catalog would not accept."""


@dataclass(frozen=True)
class AreaSpec:
    """A growing-area code of a producer."""

    code: str
    crop: str
    variety: str
    area_ha: Decimal
    households: int
    area: str
    commune: str
    latitude: Decimal
    longitude: Decimal
    certification: Certification | None
    target_market: str
    issuing_body: str
    status: AreaStatus
    status_changed: date | None
    review: ReviewStatus


@dataclass(frozen=True)
class RecognitionSpec:
    """An OCOP star rating by decision."""

    stars: int
    decision: str
    decided: date
    level: IssuingLevel
    review: ReviewStatus


@dataclass(frozen=True)
class LotSpec:
    """A harvest lot, in the product's own unit."""

    code: str
    harvest_date: date
    quantity: Decimal


@dataclass(frozen=True)
class ProductSpec:
    """A product with its photos, recognitions and lots."""

    slug: str
    name: str
    category: str
    unit: str
    weight: int | None  # grams a unit weighs packed; None: not shipped (a tour, a stay)
    price: int
    stock: int
    status: ProductStatus
    description: str
    certifications: tuple[Certification, ...]
    gtin: str | None
    area: str | None
    motif: str
    photos: int
    recognitions: tuple[RecognitionSpec, ...]
    lots: tuple[LotSpec, ...]


@dataclass(frozen=True)
class ProducerSpec:
    """A producer and everything it sells."""

    slug: str
    name: str
    kind: ProducerKind
    area: str
    commune: str
    address: str
    phone: str
    bank_bin: str
    bank_account: str
    bank_holder: str
    status: ProducerStatus
    status_reason: str
    story: str
    areas: tuple[AreaSpec, ...]
    products: tuple[ProductSpec, ...]
    # Delivery: packaging per parcel, farm pickup, own-delivery zone rates, carriers enabled.
    packaging_grams: int = 200
    farm_pickup: bool = True
    rates: tuple[ZoneRate, ...] = ()
    carriers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountSpec:
    """A demo sign-in with its role, membership or helper grants."""

    email: str
    name: str
    role: Role
    member_of: str | None = None
    member_role: MemberRole | None = None
    helps: tuple[str, ...] = ()
    provincial: bool = False


@dataclass(frozen=True)
class Dataset:
    """Everything the demo loads."""

    producers: tuple[ProducerSpec, ...]
    accounts: tuple[AccountSpec, ...]

    @property
    def products(self) -> list[ProductSpec]:
        """Every product of every producer."""
        return [product for producer in self.producers for product in producer.products]


def read_dataset(leaf_codes: set[str]) -> Dataset:
    """Read and check every data file; ``leaf_codes`` are the OCOP categories products may use."""
    producers = []
    for path in sorted(DATA_DIR.glob("0*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        area = places.area(raw["area"])
        _require(area is not None, path.name, f"unknown area {raw['area']!r}")
        assert area is not None
        producers += [_producer(path.name, area, p, leaf_codes) for p in raw["producers"]]
    raw_accounts = json.loads(ACCOUNTS_FILE.read_text(encoding="utf-8"))["accounts"]
    dataset = Dataset(tuple(producers), tuple(_account(a) for a in raw_accounts))
    _check_unique(dataset)
    return dataset


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise DemoDataError(f"{where}: {message}")


def _require_commune(where: str, area: places.Area, code: str) -> None:
    place = places.home_place(code, area.slug)
    _require(place is not None, where, f"no commune {code!r} in {places.home_province().name}")
    _require(area in places.areas_of(code), where, f"commune {code!r} was not part of {area.name}")


def _producer(where: str, area: places.Area, raw: dict, leaf_codes: set[str]) -> ProducerSpec:
    where = f"{where} {raw['slug']}"
    _require_commune(where, area, raw["commune"])
    phone = normalize_phone(raw["phone"])
    _require(phone is not None, where, f"not a mobile number: {raw['phone']!r}")
    bank = raw["bank"]
    _require(banks.bank_by_bin(bank["bin"]) is not None, where, f"unknown bank BIN {bank['bin']}")
    _require(bank["account"].isdigit() and len(bank["account"]) <= 19, where, "bad account number")
    _require(len(bank["holder"]) <= 50 and bank["holder"].isascii(), where, "bad account holder")
    areas = tuple(_area(where, area, a) for a in raw.get("areas", []))
    area_codes = {a.code for a in areas}
    return ProducerSpec(
        slug=raw["slug"],
        name=raw["name"],
        kind=ProducerKind(raw["kind"]),
        area=area.slug,
        commune=raw["commune"],
        address=raw["address"],
        phone=phone or "",
        bank_bin=bank["bin"],
        bank_account=bank["account"],
        bank_holder=bank["holder"],
        status=ProducerStatus(raw["status"]),
        status_reason=raw.get("status_reason", ""),
        story=raw["story"],
        areas=areas,
        products=tuple(_product(where, p, leaf_codes, area_codes) for p in raw["products"]),
        **_delivery(where, raw.get("delivery", {})),
    )


def _delivery(where: str, raw: dict) -> dict:
    """``{"packaging": 300, "farm_pickup": true, "rates": [{"zone": "province:08", "up_to": 5000,
    "fee": 25000, "free_above": 500000}, {"zone": "everywhere", "fee": 55000}], "carriers":
    ["ghn"]}``; without "rates" it delivers in its province for 30,000 đ, as producers did."""
    packaging = raw.get("packaging", 200)
    _require(isinstance(packaging, int) and packaging >= 0, where, "bad packaging weight")
    rates = tuple(_rate(where, r) for r in raw.get("rates", [{"zone": "province:08"}]))
    carriers = tuple(raw.get("carriers", []))
    _require(set(carriers) <= CARRIER_CODES, where, f"unknown carrier in {carriers}")
    return {
        "packaging_grams": packaging,
        "farm_pickup": bool(raw.get("farm_pickup", True)),
        "rates": rates,
        "carriers": carriers,
    }


def _rate(where: str, raw: dict) -> ZoneRate:
    kind, _colon, code = raw["zone"].partition(":")
    _require(kind in set(ZoneKind), where, f"bad zone {raw['zone']!r}")
    known = {
        ZoneKind.COMMUNE: places.commune,
        ZoneKind.AREA: places.area,
        ZoneKind.PROVINCE: places.province,
    }
    _require(
        kind == ZoneKind.EVERYWHERE or known[ZoneKind(kind)](code) is not None,
        where,
        f"unknown place in zone {raw['zone']!r}",
    )
    up_to, fee, free = raw.get("up_to"), raw.get("fee", 30_000), raw.get("free_above")
    _require(isinstance(fee, int) and fee >= 0, where, "bad delivery fee")
    _require(up_to is None or (isinstance(up_to, int) and up_to > 0), where, "bad weight band")
    _require(free is None or (isinstance(free, int) and free > 0), where, "bad free-above value")
    return ZoneRate(ZoneKind(kind), code, up_to, fee, free)


def _area(where: str, area: places.Area, raw: dict) -> AreaSpec:
    where = f"{where} area {raw['code']}"
    _require_commune(where, area, raw["commune"])
    latitude, longitude = (Decimal(str(v)) for v in raw["location"])
    _require(LATITUDES[0] <= latitude <= LATITUDES[1], where, "latitude outside Tuyên Quang")
    _require(LONGITUDES[0] <= longitude <= LONGITUDES[1], where, "longitude outside Tuyên Quang")
    cert = raw.get("certification")
    changed = raw.get("status_changed")
    return AreaSpec(
        code=raw["code"],
        crop=raw["crop"],
        variety=raw.get("variety", ""),
        area_ha=Decimal(raw["area_ha"]),
        households=int(raw["households"]),
        area=area.slug,
        commune=raw["commune"],
        latitude=latitude,
        longitude=longitude,
        certification=Certification(cert) if cert else None,
        target_market=raw.get("target_market", ""),
        issuing_body=raw.get("issuing_body", ""),
        status=AreaStatus(raw["status"]),
        status_changed=date.fromisoformat(changed) if changed else None,
        review=ReviewStatus(raw.get("review", "approved")),
    )


def _product(where: str, raw: dict, leaf_codes: set[str], area_codes: set[str]) -> ProductSpec:
    where = f"{where} product {raw['slug']}"
    _require(raw["category"] in leaf_codes, where, f"not an OCOP leaf: {raw['category']!r}")
    _require(raw["price"] >= 0 and raw["stock"] >= 0, where, "negative price or stock")
    gtin = None
    if raw.get("gtin"):
        gtin = normalize_gtin(raw["gtin"])
        _require(gtin is not None, where, f"invalid GTIN {raw['gtin']!r}")
    area = raw.get("area")
    _require(area is None or area in area_codes, where, f"area {area!r} is not the producer's")
    motif = raw["photo"]
    _require(motif.partition(":")[0] in motif_names(), where, f"no photo motif {motif!r}")
    _require(1 <= raw["photos"] <= 3, where, "between 1 and 3 photos")
    weight = raw.get("weight")
    _require(weight is None or (isinstance(weight, int) and weight > 0), where, "bad weight")
    return ProductSpec(
        slug=raw["slug"],
        name=raw["name"],
        category=raw["category"],
        unit=raw["unit"],
        weight=weight,
        price=int(raw["price"]),
        stock=int(raw["stock"]),
        status=ProductStatus(raw.get("status", "active")),
        description=raw["description"],
        certifications=tuple(Certification(c) for c in raw.get("certifications", [])),
        gtin=gtin,
        area=area,
        motif=motif,
        photos=int(raw["photos"]),
        recognitions=tuple(_recognition(where, r) for r in raw.get("ocop", [])),
        lots=tuple(
            LotSpec(
                code=lot["code"],
                harvest_date=date.fromisoformat(lot["harvest_date"]),
                quantity=Decimal(str(lot["quantity"])),
            )
            for lot in raw.get("lots", [])
        ),
    )


def _recognition(where: str, raw: dict) -> RecognitionSpec:
    level = IssuingLevel(raw["level"])
    stars = int(raw["stars"])
    _require(3 <= stars <= 5, where, "OCOP stars go from 3 to 5")
    # Decision 148/QĐ-TTg: 5★ is recognised centrally, 3–4★ by the province.
    _require((stars == 5) == (level == IssuingLevel.CENTRAL), where, "5★ only at central level")
    return RecognitionSpec(
        stars=stars,
        decision=raw["decision"],
        decided=date.fromisoformat(raw["date"]),
        level=level,
        review=ReviewStatus(raw.get("review", "approved")),
    )


def _account(raw: dict) -> AccountSpec:
    member_role = raw.get("member_role")
    return AccountSpec(
        email=raw["email"],
        name=raw["name"],
        role=Role(raw["role"]),
        member_of=raw.get("member_of"),
        member_role=MemberRole(member_role) if member_role else None,
        helps=tuple(raw.get("helps", [])),
        provincial=bool(raw.get("provincial", False)),
    )


def _check_unique(dataset: Dataset) -> None:
    """Slugs, codes and GTINs are unique in the database; catch clashes in the data first."""
    producer_slugs = [p.slug for p in dataset.producers]
    checks = {
        "producer slug": producer_slugs,
        "product slug": [p.slug for p in dataset.products],
        "growing-area code": [a.code for p in dataset.producers for a in p.areas],
        "lot code": [lot.code for p in dataset.products for lot in p.lots],
        "GTIN": [p.gtin for p in dataset.products if p.gtin],
        "account email": [a.email for a in dataset.accounts],
    }
    for what, values in checks.items():
        seen: set[str] = set()
        for value in values:
            _require(value not in seen, "demo data", f"duplicate {what} {value!r}")
            seen.add(value)
    for account in dataset.accounts:
        for slug in filter(None, (account.member_of, *account.helps)):
            _require(slug in producer_slugs, "accounts.json", f"no demo producer {slug!r}")
