"""Load and reset the demo catalog.

Loading creates whatever is missing, matched on natural keys (slugs, codes, decision numbers,
e-mail addresses), and never overwrites a row that exists: running it twice changes nothing,
and changes made while trying the demo survive a restart. ``reset_demo`` deletes exactly the
demo's producers (with everything they own) and accounts, nothing else.
"""

import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from catalog.categories import leaf_categories, sync_categories
from catalog.images import delete_image, store_image
from catalog.models import (
    BankAccountCheck,
    Category,
    GrowingArea,
    HelperGrant,
    Lot,
    OcopRecognition,
    Producer,
    ProducerMember,
    ProducerStatus,
    Product,
    ProductImage,
    ReviewStatus,
    ocop_valid_until,
)
from market.accounts.models import User
from market.dbtypes import utcnow
from market.demo.dataset import (
    AccountSpec,
    AreaSpec,
    Dataset,
    DemoDataError,
    LotSpec,
    ProducerSpec,
    ProductSpec,
    RecognitionSpec,
    read_dataset,
)
from market.demo.photos import DEFAULT_WIDTH, draw_photo
from market.extensions import db
from orders.delivery_rates import DeliveryRate, EnabledCarrier

logger = logging.getLogger(__name__)

DEFAULT_PASSWORD = "choque-demo"
OCOP_VALIDITY_YEARS = 3  # 36 months from the decision date (Decision 148/QĐ-TTg)
KINDS = ("producers", "growing areas", "products", "OCOP recognitions", "lots", "accounts")


class DemoResetBlocked(RuntimeError):
    """Other records (orders, payments…) still point at demo rows, so nothing was deleted."""


@dataclass(frozen=True)
class PhotoJob:
    """A demo product that has no photo yet."""

    product_id: int
    slug: str
    name: str
    motif: str
    group: str
    count: int


@dataclass
class LoadReport:
    """What the demo holds after a load, and how much of it this run created."""

    categories: int = 0
    present: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    photo_jobs: list[PhotoJob] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        """Record one demo row of ``kind``, new or already there."""
        self.present[kind] += 1
        if created:
            self.created[kind] += 1


def load_demo(password: str = DEFAULT_PASSWORD) -> LoadReport:
    """Create every missing demo row in one transaction; photos are left to ``add_photos``."""
    report = LoadReport(categories=sync_categories())
    leaves = {category.code: category for category in leaf_categories()}
    dataset = read_dataset(set(leaves))
    try:
        _Loader(dataset, leaves, report).run(password)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.photo_jobs = _photo_jobs(dataset, leaves)
    logger.info("Demo loaded: %s new rows", sum(report.created.values()))
    return report


def add_photos(job: PhotoJob, width: int = DEFAULT_WIDTH) -> int:
    """Draw and store a product's photos (as WebP renditions); returns how many were added."""
    keys: list[str] = []
    try:
        for index in range(job.count):
            stored = store_image(draw_photo(job.motif, job.group, job.slug, index, width))
            keys.append(stored.key)
            alt = f"{job.name} (ảnh minh hoạ{f' {index + 1}' if index else ''})"
            db.session.add(
                ProductImage(
                    product_id=job.product_id,
                    position=index,
                    key=stored.key,
                    width=stored.width,
                    height=stored.height,
                    alt=alt[:200],
                )
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in keys:
            delete_image(key)
        raise
    return len(keys)


def reset_demo(first: Iterable[Callable[[], None]] = ()) -> Counter:
    """Delete the demo producers with all they own, and the demo accounts; returns counts.

    ``first`` are other packages' deletions of their demo rows (made in this transaction,
    without committing), run before the catalog's, so the reset is all or nothing.
    """
    sync_categories()
    dataset = read_dataset({category.code for category in leaf_categories()})
    deleted: Counter = Counter()
    producers = db.session.scalars(
        sa.select(Producer).where(Producer.slug.in_([p.slug for p in dataset.producers]))
    ).all()
    producer_ids = [p.id for p in producers]
    products = db.session.scalars(
        sa.select(Product).where(Product.producer_id.in_(producer_ids))
    ).all()
    image_keys = [image.key for product in products for image in product.images]
    try:
        for delete in first:
            delete()
        lots = sa.select(Lot).where(Lot.product_id.in_([p.id for p in products]))
        _delete_all(db.session.scalars(lots).all(), "lots", deleted)
        _delete_all(products, "products", deleted)
        for kind, model in (("growing areas", GrowingArea), ("helper grants", HelperGrant)):
            rows = db.session.scalars(sa.select(model).where(model.producer_id.in_(producer_ids)))
            _delete_all(rows.all(), kind, deleted)
        _delete_all(producers, "producers", deleted)
        users = db.session.scalars(
            sa.select(User).where(User.email.in_([a.email for a in dataset.accounts]))
        )
        _delete_all(users.all(), "accounts", deleted)
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise DemoResetBlocked(str(error.orig)) from error
    except Exception:
        db.session.rollback()
        raise
    for key in image_keys:
        delete_image(key)
    deleted["photos"] = len(image_keys)
    logger.info("Demo reset: %s", dict(deleted))
    return deleted


def _delete_all(rows: list, kind: str, deleted: Counter) -> None:
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    deleted[kind] += len(rows)


def _spread(slug: str, days: int) -> timedelta:
    """A stable pseudo-random age, so demo rows do not all share one timestamp."""
    return timedelta(minutes=zlib.crc32(slug.encode()) % (days * 24 * 60))


class _Loader:
    """One load run: existing rows are looked up in bulk, missing ones created."""

    def __init__(self, dataset: Dataset, leaves: dict[str, Category], report: LoadReport) -> None:
        self.dataset = dataset
        self.leaves = leaves
        self.report = report
        self.now = utcnow()
        products = dataset.products
        self.producers = _existing(Producer, Producer.slug, [p.slug for p in dataset.producers])
        self.areas = _existing(
            GrowingArea, GrowingArea.code, [a.code for p in dataset.producers for a in p.areas]
        )
        self.products = _existing(Product, Product.slug, [p.slug for p in products])
        self.gtins = _existing(Product, Product.gtin, [p.gtin for p in products if p.gtin])
        self.lots = _existing(Lot, Lot.code, [lot.code for p in products for lot in p.lots])
        self.users = _existing(User, User.email, [a.email for a in dataset.accounts])
        self._hash: str | None = None

    def run(self, password: str) -> None:
        for spec in self.dataset.producers:
            producer = self.producer(spec)
            areas = {area.code: self.area(producer, area) for area in spec.areas}
            for item in spec.products:
                product = self.product(producer, item, areas.get(item.area or ""))
                for recognition in item.recognitions:
                    self.recognition(product, recognition)
                for lot in item.lots:
                    self.lot(product, lot)
        db.session.flush()
        for account in self.dataset.accounts:
            self.account(account, password)

    def password_hash(self, password: str) -> str:
        """One salted hash for the shared, published demo password: scrypt is slow by design."""
        if self._hash is None:
            probe = User()
            probe.set_password(password)
            self._hash = probe.password_hash
        return self._hash

    def producer(self, spec: ProducerSpec) -> Producer:
        producer = self.producers.get(spec.slug)
        self.report.count("producers", producer is None)
        if producer is not None:
            return producer
        created = self.now - timedelta(days=120) - _spread(spec.slug, 240)
        producer = Producer(
            slug=spec.slug,
            name=spec.name,
            kind=spec.kind,
            commune_code=spec.commune,
            area_slug=spec.area,
            address=spec.address,
            phone=spec.phone,
            bank_bin=spec.bank_bin,
            bank_account=spec.bank_account,
            bank_holder=spec.bank_holder,
            story=spec.story,
            status=spec.status,
            status_reason=spec.status_reason,
            packaging_grams=spec.packaging_grams,
            farm_pickup=spec.farm_pickup,
            created_at=created,
            verified_at=created + timedelta(days=3)
            if spec.status != ProducerStatus.PENDING
            else None,
        )
        db.session.add(producer)
        db.session.flush()  # its id, for the delivery settings
        db.session.add_all(
            DeliveryRate(
                producer_id=producer.id,
                zone_kind=r.kind,
                zone_code=r.code,
                up_to_grams=r.up_to_grams,
                fee=r.fee,
                free_above=r.free_above,
            )
            for r in spec.rates
        )
        db.session.add_all(
            EnabledCarrier(producer_id=producer.id, carrier=code) for code in spec.carriers
        )
        if spec.bank_account:  # the demo's accounts count as checked by a manager
            db.session.add(
                BankAccountCheck(
                    producer=producer,
                    bank_bin=spec.bank_bin,
                    bank_account=spec.bank_account,
                    bank_holder=spec.bank_holder,
                    checked_at=created,
                    usable_from=created,
                )
            )
        self.producers[spec.slug] = producer
        return producer

    def area(self, producer: Producer, spec: AreaSpec) -> GrowingArea:
        area = self.areas.get(spec.code)
        self.report.count("growing areas", area is None)
        if area is not None:
            _require_owner(area.producer is producer, f"growing area {spec.code}")
            return area
        changed = spec.status_changed
        area = GrowingArea(
            producer=producer,
            code=spec.code,
            crop=spec.crop,
            variety=spec.variety,
            area_ha=spec.area_ha,
            households=spec.households,
            commune_code=spec.commune,
            area_slug=spec.area,
            latitude=spec.latitude,
            longitude=spec.longitude,
            certification=spec.certification,
            target_market=spec.target_market,
            issuing_body=spec.issuing_body,
            status=spec.status,
            status_changed_at=datetime(changed.year, changed.month, changed.day)
            if changed
            else None,
            review_status=spec.review,
        )
        db.session.add(area)
        return area

    def product(self, producer: Producer, spec: ProductSpec, area: GrowingArea | None) -> Product:
        product = self.products.get(spec.slug)
        self.report.count("products", product is None)
        if product is not None:
            _require_owner(product.producer is producer, f"product {spec.slug}")
            return product
        if spec.gtin and spec.gtin in self.gtins:
            raise DemoDataError(f"GTIN {spec.gtin} of {spec.slug} belongs to another product")
        created = self.now - _spread(spec.slug, 90)
        product = Product(
            producer=producer,
            slug=spec.slug,
            sku=spec.slug.upper()[:64],
            name=spec.name,
            category=self.leaves[spec.category],
            unit=spec.unit,
            weight_grams=spec.weight,
            price=spec.price,
            stock=spec.stock,
            status=spec.status,
            description=spec.description,
            gtin=spec.gtin,
            growing_area=area,
            created_at=created,
            updated_at=created,
        )
        product.certifications = list(spec.certifications)
        db.session.add(product)
        return product

    def recognition(self, product: Product, spec: RecognitionSpec) -> None:
        held = {r.decision_number for r in product.recognitions}
        self.report.count("OCOP recognitions", spec.decision not in held)
        if spec.decision in held:
            return
        approved = spec.review == ReviewStatus.APPROVED
        product.recognitions.append(
            OcopRecognition(
                stars=spec.stars,
                decision_number=spec.decision,
                decision_date=spec.decided,
                issuing_level=spec.level,
                valid_until=ocop_valid_until(spec.decided),
                review_status=spec.review,
                reviewed_at=self.now if approved else None,
            )
        )

    def lot(self, product: Product, spec: LotSpec) -> None:
        lot = self.lots.get(spec.code)
        self.report.count("lots", lot is None)
        if lot is not None:
            _require_owner(lot.product is product, f"lot {spec.code}")
            return
        db.session.add(
            Lot(
                product=product,
                code=spec.code,
                growing_area=product.growing_area,
                harvest_date=spec.harvest_date,
                quantity=spec.quantity,
            )
        )

    def account(self, spec: AccountSpec, password: str) -> None:
        user = self.users.get(spec.email)
        self.report.count("accounts", user is None)
        if user is None:
            user = User(
                email=spec.email,
                name=spec.name,
                role=spec.role,
                provincial=spec.provincial,
                locale="vi",
                password_hash=self.password_hash(password),
            )
            db.session.add(user)
            db.session.flush()
        if spec.member_of and spec.member_role:
            producer = self.producers[spec.member_of]
            member = db.session.scalar(
                sa.select(ProducerMember).where(
                    ProducerMember.producer_id == producer.id, ProducerMember.user_id == user.id
                )
            )
            if member is None:
                db.session.add(ProducerMember(producer=producer, user=user, role=spec.member_role))
        for slug in spec.helps:
            producer = self.producers[slug]
            grant = db.session.scalar(
                sa.select(HelperGrant).where(
                    HelperGrant.producer_id == producer.id,
                    HelperGrant.helper_id == user.id,
                    HelperGrant.revoked_at.is_(None),
                )
            )
            if grant is None:
                db.session.add(HelperGrant(producer=producer, helper=user))


def _existing(model: type, column: sa.Column, keys: list[str]) -> dict:
    """Rows of ``model`` whose ``column`` is one of ``keys``, by that key."""
    if not keys:
        return {}
    rows = db.session.scalars(sa.select(model).where(column.in_(keys)))
    return {getattr(row, column.key): row for row in rows}


def _require_owner(same: bool, what: str) -> None:
    if not same:
        raise DemoDataError(f"The {what} already exists and belongs to someone else.")


def _photo_jobs(dataset: Dataset, leaves: dict[str, Category]) -> list[PhotoJob]:
    """Demo products without any photo: new ones, or ones loaded with ``--no-photos``."""
    slugs = [p.slug for p in dataset.products]
    bare = dict(
        db.session.execute(
            sa.select(Product.slug, Product.id).where(
                Product.slug.in_(slugs), ~Product.images.any()
            )
        ).all()
    )
    return [
        PhotoJob(
            product_id=bare[spec.slug],
            slug=spec.slug,
            name=spec.name,
            motif=spec.motif,
            group=leaves[spec.category].root.code,
            count=spec.photos,
        )
        for spec in dataset.products
        if spec.slug in bare
    ]
