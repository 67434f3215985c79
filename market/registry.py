"""Every hook between packages, in one typed registry: who answers what for whom.

Dependencies point one way (``payments → orders → catalog → market``; markets and the demo sit on
top). Where a lower package needs an answer from a higher one, it reads a hook declared here, and
the higher package fills it in its ``register(app)`` at app creation. Values live on the app, one
``app.extensions["registry.<hook>"]`` entry per hook, so each app (each test app too) has its own.

=======================  ===================================  ================================
hook                     filled by                            read by
=======================  ===================================  ================================
CAPABILITIES             payments (card, bank transfer)       orders' checkout
DEMO_STEPS               markets                              ``flask demo load``
OPENAPI_PATHS/_SCHEMAS   catalog.search, catalog.trace        ``/api/v1/openapi.json``
SITEMAP_SOURCES          catalog, markets                     ``/sitemap.xml``
LOT_BUYERS               orders                               trace recalls
FULFILMENT_COUNTER       orders                               the workspace dashboard
UNPAID_REFERENCES        orders                               the workspace dashboard
WAITING_ORDERS           orders                               the workspace's list of shops
LOG_ACTIONS/_FIELDS      workspace (its own), markets, orders producers' change logs
WORKSPACE_MENU           orders                               the workspace menu
PICKUP_STALLS            markets                              orders' checkout and order pages
PARTS_CANCELLED          payments                             orders' lifecycle
PART_CHANGED             markets (sales rollups)              orders' lifecycle
CASH_HANDED_OVER         payments (cash at handover)          orders' fulfilment
SHIPMENT_DELIVERED       payments (carrier's cash collected)  orders' carrier updates
PAYMENT_TARGETS          payments (orders), markets (stalls)  payments
SETTLEMENT_HOLDS         payments (refunds, disputes)         settlement
=======================  ===================================  ================================

Types that belong to a higher package are named for the type checker only (``TYPE_CHECKING``):
nothing here imports a feature at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from flask import Flask, current_app

if TYPE_CHECKING:
    from catalog.trace.buyers import BuyerSource
    from market.demo import DemoStep
    from market.discovery import SitemapSource
    from orders.observers import (
        CashHandedOver,
        PartChanged,
        PartsCancelled,
        ShipmentDelivered,
    )
    from orders.pickup import StallDirectory
    from payments.settlement import HoldCheck
    from payments.targets import PaymentTarget

T = TypeVar("T")
EXTENSION = "registry"


@dataclass(frozen=True)
class Hook(Generic[T]):
    """A named registration point; ``doc`` says what a value must do."""

    name: str
    doc: str

    @property
    def key(self) -> str:
        """Where the app keeps this hook's values: a top-level ``app.extensions`` entry."""
        return f"{EXTENSION}.{self.name}"

    def _values(self, app: Flask | None, empty: Callable[[], Any]) -> Any:
        """This hook's values on ``app`` (the current app when None), created empty."""
        return (app or current_app).extensions.setdefault(self.key, empty())


class One(Hook[T]):
    """A hook holding at most one value (a later registration replaces it)."""

    def set(self, app: Flask, value: T) -> None:
        """Make ``value`` the hook's answer on ``app``."""
        app.extensions[self.key] = value

    def get(self) -> T | None:
        """The current app's value, or None when no package filled the hook."""
        return current_app.extensions.get(self.key)


class Many(Hook[T]):
    """A hook holding several values in registration order, each once."""

    def add(self, app: Flask, value: T) -> None:
        """Add ``value`` on ``app`` (again is a no-op)."""
        values: list[T] = self._values(app, list)
        if value not in values:
            values.append(value)

    def all(self) -> list[T]:
        """The current app's values, in registration order."""
        return list(current_app.extensions.get(self.key, ()))


@dataclass(frozen=True)
class Named(Hook[T]):
    """A hook holding values by name. With ``unique`` naming one twice is a programming error;
    without, a later registration replaces the earlier one (a test's fake, for instance)."""

    unique: bool = True
    max_name_length: int | None = None  # names stored in a column of this width

    def add(self, app: Flask, name: str, value: T) -> None:
        """Register ``value`` as ``name`` on ``app``."""
        self.update(app, {name: value})

    def update(self, app: Flask, values: Mapping[str, T]) -> None:
        """Register several values at once; a unique hook raises ValueError (adding none) if a
        name is taken."""
        too_long = [n for n in values if not n or len(n) > (self.max_name_length or len(n))]
        if too_long:
            raise ValueError(f"{self.name}: names must be 1 to {self.max_name_length}: {too_long}")
        known: dict[str, T] = self._values(app, dict)
        clash = set(values) & set(known)
        if self.unique and clash:
            raise ValueError(f"{self.name}: named twice: {sorted(clash)}")
        known.update(values)

    def all(self, app: Flask | None = None) -> dict[str, T]:
        """The values by name of ``app`` (default: the current app), in registration order."""
        return dict((app or current_app).extensions.get(self.key, {}))


@dataclass(frozen=True)
class FulfilmentCounter:
    """How many of a producer's orders wait to be packed, and the page listing them."""

    count: Callable[[int], int]
    endpoint: str | None = None  # takes a ``producer_id`` argument


@dataclass(frozen=True)
class Waiting:
    """What awaits a producer: orders to pack, orders not paid yet, orders ready for pickup."""

    to_fulfil: int = 0
    unpaid: int = 0
    ready_for_pickup: int = 0


@dataclass(frozen=True)
class PaymentTargetEntry:
    """A kind of thing that can be paid, and whether its money lands in an account of its own
    (a stall's), never in the market's collection account."""

    target: PaymentTarget
    own_account: bool = False


CAPABILITIES: Named[Callable[[], bool]] = Named(
    "capabilities",
    "Optional features (card payments, bank transfers), offered while their check says so.",
    unique=False,
)
DEMO_STEPS: Many[DemoStep] = Many("demo_steps", "Steps `flask demo load` runs after the catalog's.")
OPENAPI_PATHS: Named[dict[str, Any]] = Named("openapi_paths", "Path items of the public API.")
OPENAPI_SCHEMAS: Named[dict[str, Any]] = Named(
    "openapi_schemas", "Component schemas of the public API."
)
SITEMAP_SOURCES: Many[SitemapSource] = Many("sitemap_sources", "Public pages for sitemap.xml.")
LOT_BUYERS: Many[BuyerSource] = Many(
    "lot_buyers", "Who received part of a lot (by lot id), to warn them of a recall."
)
FULFILMENT_COUNTER: One[FulfilmentCounter] = One(
    "fulfilment_counter", "A producer's orders awaiting fulfilment, for its dashboard."
)
UNPAID_REFERENCES: One[Callable[[int], set[str]]] = One(
    "unpaid_references", "References of a producer's orders still awaiting their money."
)
WAITING_ORDERS: One[Callable[[list[int]], dict[int, Waiting]]] = One(
    "waiting_orders", "What awaits each of these producers (by id), for the helper's list."
)
LOG_ACTIONS: Named[object] = Named("log_actions", "Labels of change-log actions.")
LOG_FIELDS: Named[object] = Named("log_fields", "Labels of change-log fields.")
WORKSPACE_MENU: Many[tuple[str, object]] = Many(
    "workspace_menu", "Pages (endpoint taking producer_id, label) in the shop menu."
)
PICKUP_STALLS: One[StallDirectory] = One(
    "pickup_stalls", "The chợ 4.0 stalls a producer's order part may be picked up at."
)
PARTS_CANCELLED: Many[PartsCancelled] = Many(
    "parts_cancelled", "Called with the order whenever parts of it are cancelled."
)
PART_CHANGED: Many[PartChanged] = Many(
    "part_changed", "Called with a part and its values before, whenever its row changes."
)
CASH_HANDED_OVER: Many[CashHandedOver] = Many(
    "cash_handed_over",
    "Called with a cash part with no cash recorded, and the user, as it is handed over.",
)
SHIPMENT_DELIVERED: Many[ShipmentDelivered] = Many(
    "shipment_delivered",
    "Called with a part a carrier delivered, the carrier, tracking code, cash collected, time.",
)
PAYMENT_TARGETS: Named[PaymentTargetEntry] = Named(
    "payment_targets",
    "What answers for payment codes of each kind (order, stall); the kind is stored (20).",
    unique=False,
    max_name_length=20,
)
SETTLEMENT_HOLDS: Many[HoldCheck] = Many(
    "settlement_holds", "Which of the given parts must not settle yet, and why."
)

HOOKS: tuple[Hook[Any], ...] = (
    CAPABILITIES,
    DEMO_STEPS,
    OPENAPI_PATHS,
    OPENAPI_SCHEMAS,
    SITEMAP_SOURCES,
    LOT_BUYERS,
    FULFILMENT_COUNTER,
    UNPAID_REFERENCES,
    WAITING_ORDERS,
    LOG_ACTIONS,
    LOG_FIELDS,
    WORKSPACE_MENU,
    PICKUP_STALLS,
    PARTS_CANCELLED,
    PART_CHANGED,
    CASH_HANDED_OVER,
    SHIPMENT_DELIVERED,
    PAYMENT_TARGETS,
    SETTLEMENT_HOLDS,
)
