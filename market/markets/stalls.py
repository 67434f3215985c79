"""Setting up markets and stalls: the market's place and days, its managers, each stall's
producer, products and receiving bank account.

Every change of a stall is written to its producer's audit log (the workspace's), so a
producer can see who set or changed the account its stall's poster pays into.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from catalog import audit
from catalog.audit import Actor
from catalog.models import Producer, Product
from market import banks, places, urls
from market.accounts.models import Role, User
from market.discovery import SitemapEntry
from market.extensions import db
from market.markets.errors import MarketError
from market.markets.models import Market, MarketManager, Stall, StallProduct
from market.phone import normalize_phone
from market.text import holder_name
from payments import vietqr
from payments.targets import BankAccount

logger = logging.getLogger(__name__)

# Read aloud and typed without confusion: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
STALL_CODE_LENGTH = 6
CHECK_CODE_LENGTH = 6
STALL_FIELDS = ("number", "name", "producer_id", "bank_bin", "bank_account", "bank_holder")


@dataclass
class MarketData:
    """What a manager enters about a market."""

    name: str
    commune_code: str
    area_slug: str = ""
    address: str = ""
    market_days: str = ""
    active: bool = True


@dataclass
class StallData:
    """What a manager enters about a stall; an empty account takes the producer's."""

    number: str
    producer_id: int
    name: str = ""
    bank_bin: str = ""
    bank_account: str = ""
    bank_holder: str = ""
    active: bool = True


def manager_actor(user: User) -> Actor:
    """The audit-log actor for a manager's change."""
    return Actor(user.id, "manager")


# -- markets ----------------------------------------------------------------------------------


def _checked_market(data: MarketData, market_id: int | None) -> MarketData:
    name = " ".join(data.name.split())
    if not name:
        raise MarketError(_l("Enter the market's name."), field="name")
    place = places.home_place(data.commune_code, data.area_slug)
    if place is None:
        field = "place" if places.home_place(data.commune_code, None) is None else "area"
        raise MarketError(_l("Choose the commune from the list."), field=field)
    taken = db.session.scalar(
        sa.select(Market.id).where(Market.commune_code == place[0], Market.name == name)
    )
    if taken is not None and taken != market_id:
        raise MarketError(_l("This commune already has a market of that name."), field="name")
    return MarketData(
        name=name,
        commune_code=place[0],
        area_slug=place[1] or "",
        address=data.address.strip(),
        market_days=" ".join(data.market_days.split()),
        active=data.active,
    )


def create_market(data: MarketData) -> Market:
    """Add a market; commits."""
    data = _checked_market(data, None)
    market = Market(**(vars(data) | {"area_slug": data.area_slug or None}))
    db.session.add(market)
    db.session.commit()
    logger.info("Market %s created", market.id)
    return market


def update_market(market: Market, data: MarketData) -> None:
    """Change a market's name, place or days; commits."""
    data = _checked_market(data, market.id)
    for key, value in vars(data).items():
        setattr(market, key, value or None if key == "area_slug" else value)
    db.session.commit()


def find_manager(login: str) -> User:
    """The manager account with this e-mail or mobile number; raises MarketError."""
    login = login.strip()
    phone = normalize_phone(login)
    column = User.phone if phone else User.email
    user = db.session.scalar(sa.select(User).where(column == (phone or login.lower())))
    if user is None:
        raise MarketError(_l("No account has this e-mail or mobile number."), field="login")
    if user.role != Role.MANAGER:
        raise MarketError(
            _l("Only a market manager's account can be assigned to a market."), field="login"
        )
    return user


def assign_manager(market: Market, login: str, assigned_by: User) -> MarketManager:
    """Give a manager (by e-mail or mobile number) charge of a market; commits."""
    user = find_manager(login)
    exists = db.session.scalar(
        sa.select(MarketManager).where(
            MarketManager.market_id == market.id, MarketManager.user_id == user.id
        )
    )
    if exists is not None:
        raise MarketError(_l("This manager already runs this market."), field="login")
    assignment = MarketManager(market=market, user=user, assigned_by_id=assigned_by.id)
    db.session.add(assignment)
    db.session.commit()
    logger.info("Manager %s assigned to market %s by %s", user.id, market.id, assigned_by.id)
    return assignment


def remove_manager(market: Market, user_id: int) -> None:
    """Take a manager off a market (with no market left, they manage nothing); commits."""
    db.session.execute(
        sa.delete(MarketManager).where(
            MarketManager.market_id == market.id, MarketManager.user_id == user_id
        )
    )
    db.session.commit()


# -- stalls -----------------------------------------------------------------------------------


def checked_account(bank_bin: str, account: str, holder: str) -> BankAccount:
    """A receiving account as VietQR needs it, or MarketError naming the wrong field."""
    if banks.bank_by_bin(bank_bin) is None:
        raise MarketError(_l("Choose the bank from the list."), field="bank_bin")
    number = "".join(account.split())
    if not number.isdigit() or not 6 <= len(number) <= 19:
        raise MarketError(
            _l("An account number has 6 to 19 digits, without letters."), field="bank_account"
        )
    name = holder_name(holder)
    if not name or len(name) > 50:
        raise MarketError(
            _l("Enter the holder's name as the bank shows it (up to 50 letters)."),
            field="bank_holder",
        )
    return BankAccount(bank_bin, number, name)


def _checked_stall(market: Market, data: StallData, stall_id: int | None) -> dict:
    number = "".join(data.number.split()).upper()
    if not number or len(number) > 10:
        raise MarketError(_l("Enter the stall number (up to 10 letters and digits)."), "number")
    taken = db.session.scalar(
        sa.select(Stall.id).where(Stall.market_id == market.id, Stall.number == number)
    )
    if taken is not None and taken != stall_id:
        raise MarketError(_l("This market already has a stall with that number."), "number")
    producer = db.session.get(Producer, data.producer_id)
    if producer is None:
        raise MarketError(_l("Choose the producer from the list."), field="producer_id")
    given = (data.bank_bin, data.bank_account.strip(), data.bank_holder.strip())
    if not any(given):
        if not (producer.bank_bin and producer.bank_account and producer.bank_holder):
            raise MarketError(
                _l("This producer has no bank account: enter the stall's account."),
                field="bank_account",
            )
        given = (producer.bank_bin, producer.bank_account, producer.bank_holder)
    account = checked_account(*given)
    return {
        "number": number,
        "name": " ".join(data.name.split())[:120] or producer.name[:120],
        "producer_id": producer.id,
        "bank_bin": account.bank_bin,
        "bank_account": account.number,
        "bank_holder": account.holder,
        "active": data.active,
    }


def _new_stall_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(STALL_CODE_LENGTH))
        if db.session.scalar(sa.select(Stall.id).where(Stall.code == code)) is None:
            return code


def create_stall(market: Market, data: StallData, actor: User) -> Stall:
    """Add a stall to a market; its account defaults to the producer's. Commits."""
    values = _checked_stall(market, data, None)
    stall = Stall(market=market, code=_new_stall_code(), **values)
    db.session.add(stall)
    db.session.flush()
    audit.record(
        stall.producer_id,
        manager_actor(actor),
        "stall.create",
        "stall",
        stall.id,
        summary=f"{market.name} · {stall.number}",
        after=audit.snapshot(stall, STALL_FIELDS),
    )
    db.session.commit()
    logger.info("Stall %s created at market %s", stall.code, market.id)
    return stall


def update_stall(stall: Stall, data: StallData, actor: User) -> None:
    """Change a stall's number, name, producer or account; commits.

    A new producer drops the products chosen for the old one.
    """
    values = _checked_stall(stall.market, data, stall.id)
    before = audit.snapshot(stall, STALL_FIELDS)
    if values["producer_id"] != stall.producer_id:
        stall.products = []
    for key, value in values.items():
        setattr(stall, key, value)
    old, new = audit.changed(before, audit.snapshot(stall, STALL_FIELDS))
    if new:
        # Both producers hear of it when the stall changes hands.
        for producer_id in {before["producer_id"], stall.producer_id}:
            audit.record(
                producer_id,
                manager_actor(actor),
                "stall.update",
                "stall",
                stall.id,
                summary=f"{stall.market.name} · {stall.number}",
                before=old,
                after=new,
            )
    db.session.commit()


def set_stall_products(stall: Stall, product_ids: list[int]) -> None:
    """Choose the products sold at the stall, among its producer's; commits."""
    wanted = set(product_ids)
    own = set(
        db.session.scalars(
            sa.select(Product.id).where(
                Product.producer_id == stall.producer_id, Product.id.in_(wanted)
            )
        )
    )
    if own != wanted:
        raise MarketError(_l("Choose among this producer's products."), field="products")
    db.session.execute(sa.delete(StallProduct).where(StallProduct.stall_id == stall.id))
    if own:
        db.session.execute(
            sa.insert(StallProduct), [{"stall_id": stall.id, "product_id": pid} for pid in own]
        )
    db.session.commit()
    db.session.expire(stall, ["products"])


def stall_account(stall: Stall) -> BankAccount:
    """The account the stall's poster and its transfer sales pay into."""
    return BankAccount(stall.bank_bin, stall.bank_account, stall.bank_holder)


def static_payload(stall: Stall) -> str:
    """The stall's static VietQR (point of initiation 11, no amount) for its poster."""
    return vietqr.build(vietqr.VietQR(bank_bin=stall.bank_bin, account=stall.bank_account))


def check_code(stall: Stall) -> str:
    """A short code printed on the poster and shown on the stall's page, ``K7M-3QX``.

    Derived from the stall and its account with the app's secret key, so a home-made poster
    cannot carry a matching code, and a changed account gives a new one (reprint the poster).
    Rotating SECRET_KEY changes every code too.
    """
    message = f"stall:{stall.code}:{stall.bank_bin}:{stall.bank_account}:{stall.bank_holder}"
    digest = hmac.new(current_app.secret_key.encode(), message.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CHECK_CODE_LENGTH):
        value, index = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    half = CHECK_CODE_LENGTH // 2
    return "".join(chars[:half]) + "-" + "".join(chars[half:])


def public_url(stall: Stall) -> str:
    """The stall's short public address, printed on its poster."""
    return urls.public_url("stall_public.stall", code=stall.code)


def sitemap_entries() -> list[SitemapEntry]:
    """Every active stall's public page, for the sitemap."""
    rows = db.session.execute(
        sa.select(Stall.code, Stall.updated_at).where(Stall.active).order_by(Stall.id)
    ).all()
    return [
        SitemapEntry(urls.public_url("stall_public.stall", code=code), updated)
        for code, updated in rows
    ]


def stall_by_code(code: str) -> Stall | None:
    """The active stall with this public code (any case), or None."""
    code = "".join(code.split()).upper()
    if not code or len(code) > 8:
        return None
    return db.session.scalar(sa.select(Stall).where(Stall.code == code, Stall.active))
