"""The cart: in the session for guests, in the database for signed-in shoppers, merged at login.

A cart holds product ids, quantities and the price seen when each line was added; everything
else (name, current price, stock, whether it is still sold) is read fresh, so problems are shown
before checkout rather than discovered at it.
"""

import logging
from dataclasses import dataclass, field
from typing import Protocol

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from catalog.listing import public_products
from catalog.models import Producer, Product
from market.extensions import db
from orders.errors import CartError
from orders.models import CartItem, Order

logger = logging.getLogger(__name__)

MAX_QUANTITY = 99
MAX_LINES = 50
SESSION_KEY = "cart"


@dataclass(frozen=True)
class Entry:
    """What the cart stores per product."""

    quantity: int
    price_seen: int


class CartStore(Protocol):
    """Where a cart lives; changes take effect at the next ``db.session.commit()``."""

    def entries(self) -> dict[int, Entry]: ...
    def put(self, product_id: int, entry: Entry) -> None: ...
    def remove(self, product_id: int) -> None: ...
    def clear(self) -> None: ...


class SessionStore:
    """A guest's cart, kept in the signed session cookie."""

    def entries(self) -> dict[int, Entry]:
        """The lines, ignoring anything malformed."""
        found = {}
        raw = session.get(SESSION_KEY)
        for key, value in raw.items() if isinstance(raw, dict) else ():
            if str(key).isdigit() and isinstance(value, list) and len(value) == 2:
                quantity, price = value
                if isinstance(quantity, int) and isinstance(price, int) and quantity > 0:
                    found[int(key)] = Entry(min(quantity, MAX_QUANTITY), price)
        return found

    def _save(self, entries: dict[int, Entry]) -> None:
        session[SESSION_KEY] = {str(k): [e.quantity, e.price_seen] for k, e in entries.items()}

    def put(self, product_id: int, entry: Entry) -> None:
        """Add or replace a line."""
        self._save({**self.entries(), product_id: entry})

    def remove(self, product_id: int) -> None:
        """Drop a line."""
        entries = self.entries()
        entries.pop(product_id, None)
        self._save(entries)

    def clear(self) -> None:
        """Empty the cart."""
        session.pop(SESSION_KEY, None)


class UserStore:
    """A signed-in shopper's cart, kept in ``cart_items``."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def _items(self) -> list[CartItem]:
        return list(
            db.session.scalars(
                sa.select(CartItem)
                .where(CartItem.user_id == self.user_id)
                .order_by(CartItem.added_at, CartItem.id)
            )
        )

    def entries(self) -> dict[int, Entry]:
        """The lines in the order they were added."""
        return {i.product_id: Entry(i.quantity, i.price_seen) for i in self._items()}

    def put(self, product_id: int, entry: Entry) -> None:
        """Add or replace a line."""
        item = db.session.scalar(
            sa.select(CartItem).where(
                CartItem.user_id == self.user_id, CartItem.product_id == product_id
            )
        )
        if item is None:
            item = CartItem(user_id=self.user_id, product_id=product_id)
            db.session.add(item)
        item.quantity, item.price_seen = entry.quantity, entry.price_seen

    def remove(self, product_id: int) -> None:
        """Drop a line."""
        db.session.execute(
            sa.delete(CartItem).where(
                CartItem.user_id == self.user_id, CartItem.product_id == product_id
            )
        )

    def clear(self) -> None:
        """Empty the cart."""
        db.session.execute(sa.delete(CartItem).where(CartItem.user_id == self.user_id))


def current_store() -> CartStore:
    """The cart of whoever is browsing."""
    if current_user.is_authenticated:
        return UserStore(current_user.id)
    return SessionStore()


@dataclass
class CartLine:
    """A product in the cart with its current price and stock."""

    product: Product
    quantity: int
    price_seen: int

    @property
    def available(self) -> bool:
        """Still sold (active, by a verified producer)."""
        return self.product.is_public

    @property
    def enough_stock(self) -> bool:
        """As many units left as the shopper wants."""
        return self.product.stock >= self.quantity

    @property
    def price_changed(self) -> bool:
        """The price differs from the one shown when the line was added."""
        return self.price_seen != self.product.price

    @property
    def line_total(self) -> int:
        """Current price times quantity."""
        return self.product.price * self.quantity

    @property
    def blocks_checkout(self) -> bool:
        """The shopper must change this line before ordering."""
        return not self.available or not self.enough_stock


@dataclass
class CartGroup:
    """One producer's lines: they become one order part."""

    producer: Producer
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        """Items total at current prices."""
        return sum(line.line_total for line in self.lines)


@dataclass
class CartView:
    """The whole cart, grouped by producer, ready to show or to check out."""

    groups: list[CartGroup]

    @property
    def lines(self) -> list[CartLine]:
        """Every line, group by group."""
        return [line for group in self.groups for line in group.lines]

    @property
    def items_total(self) -> int:
        """The sum of all lines at current prices."""
        return sum(group.subtotal for group in self.groups)

    @property
    def blocked(self) -> bool:
        """Some line must be changed before checkout."""
        return any(line.blocks_checkout for line in self.lines)


def view_cart(store: CartStore) -> CartView:
    """Read the cart with fresh product data, dropping lines of deleted products."""
    entries = store.entries()
    if not entries:
        return CartView([])
    products = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Product)
            .where(Product.id.in_(entries))
            .options(so.joinedload(Product.producer), so.selectinload(Product.images))
        )
    }
    groups: dict[int, CartGroup] = {}
    for product_id, entry in entries.items():
        product = products.get(product_id)
        if product is None:
            remove(store, product_id)
            continue
        group = groups.setdefault(product.producer_id, CartGroup(product.producer))
        group.lines.append(CartLine(product, entry.quantity, entry.price_seen))
    return CartView(list(groups.values()))


def count_units(store: CartStore) -> int:
    """How many units the cart holds, for the header."""
    if isinstance(store, UserStore):
        total = db.session.scalar(
            sa.select(sa.func.sum(CartItem.quantity)).where(CartItem.user_id == store.user_id)
        )
        return int(total or 0)
    return sum(entry.quantity for entry in store.entries().values())


def _stock_message(product: Product) -> str:
    if product.stock <= 0:
        return _("%(name)s is sold out.", name=product.name)
    return ngettext(
        "Only %(num)s %(unit)s of %(name)s is left.",
        "Only %(num)s %(unit)s of %(name)s are left.",
        product.stock,
        unit=product.unit,
        name=product.name,
    )


def _check_quantity(product: Product, quantity: int) -> None:
    if quantity < 1 or quantity > MAX_QUANTITY:
        raise CartError(_("Choose a quantity from 1 to %(max)s.", max=MAX_QUANTITY))
    if quantity > product.stock:
        raise CartError(_stock_message(product))


def _save(store: CartStore, product_id: int, entry: Entry) -> None:
    store.put(product_id, entry)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # The same line added twice at once (a double tap): the other request created it.
        db.session.rollback()
        store.put(product_id, entry)
        db.session.commit()


def add_to_cart(store: CartStore, product_id: int, quantity: int) -> Product:
    """Add units of a product that is for sale, within its stock; returns the product."""
    product = db.session.scalar(public_products().where(Product.id == product_id))
    if product is None:
        raise CartError(_("This product is not for sale any more."))
    entries = store.entries()
    already = entries[product_id].quantity if product_id in entries else 0
    if already == 0 and len(entries) >= MAX_LINES:
        raise CartError(_("Your cart is full. Order what is in it first."))
    if quantity < 1:
        raise CartError(_("Choose a quantity from 1 to %(max)s.", max=MAX_QUANTITY))
    _check_quantity(product, already + quantity)
    _save(store, product_id, Entry(already + quantity, product.price))
    return product


def set_quantity(store: CartStore, product_id: int, quantity: int) -> None:
    """Change a line's quantity (0 removes it); the shopper has now seen the current price."""
    entries = store.entries()
    if product_id not in entries:
        raise CartError(_("This product is not in your cart."))
    if quantity == 0:
        remove(store, product_id)
        return
    product = db.session.scalar(public_products().where(Product.id == product_id))
    if product is None:
        raise CartError(_("This product is not for sale any more. Remove it from your cart."))
    _check_quantity(product, quantity)
    _save(store, product_id, Entry(quantity, product.price))


def remove(store: CartStore, product_id: int) -> None:
    """Take a product out of the cart."""
    store.remove(product_id)
    db.session.commit()


def merge_session_cart(user_id: int) -> None:
    """Move a guest's cart into the account that just signed in, adding up quantities."""
    guest = SessionStore()
    entries = guest.entries()
    if not entries:
        return
    account = UserStore(user_id)
    existing = account.entries()
    room = MAX_LINES - len(existing)
    for product_id, entry in entries.items():
        if product_id in existing:
            quantity = min(MAX_QUANTITY, existing[product_id].quantity + entry.quantity)
            account.put(product_id, Entry(quantity, existing[product_id].price_seen))
        elif room > 0 and db.session.get(Product, product_id) is not None:
            account.put(product_id, entry)
            room -= 1
    guest.clear()
    db.session.commit()
    logger.info("Merged a guest cart of %s line(s) into user %s", len(entries), user_id)


def buy_again(store: CartStore, order: Order) -> tuple[list[str], list[str]]:
    """Put an earlier order's products back in the cart; returns (added, refusals)."""
    added, refusals = [], []
    for part in order.parts:
        for line in part.lines:
            if line.product_id is None:
                refusals.append(_("%(name)s is not for sale any more.", name=line.product_name))
                continue
            try:
                product = add_to_cart(store, line.product_id, line.quantity)
            except CartError as error:
                refusals.append(error.message)
            else:
                added.append(product.name)
    return added, refusals
