"""Fixtures for the producer workspace: two producers with their teams, photos and files."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from catalog.audit import Actor
from catalog.models import HelperGrant, MemberRole, ProducerMember, ProductImage
from market.accounts.models import Role, User
from market.extensions import db
from tests import factories
from tests.farm import buy, farm, signed_in  # noqa: F401  (fixtures of orders meeting lots and stock)


@dataclass
class Shop:
    """A producer with its owner, staff, helper, a product with a photo, an area and a lot."""

    producer_id: int
    owner: User
    staff: User
    helper: User
    product_id: int
    image_id: int
    area_id: int
    grant_id: int

    def actor(self, who: str = "owner") -> Actor:
        """An actor for service calls."""
        user = {"owner": self.owner, "staff": self.staff, "helper": self.helper}[who]
        return Actor(user.id, who)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Like the suite's ``make_user``, with a cheap password hash: these tests make many users."""
    counter = iter(range(1, 10_000))
    cheap_hash = generate_password_hash("correct horse", method="pbkdf2:sha256:1000")

    def factory(role: Role = Role.SHOPPER, **fields: object) -> User:
        n = next(counter)
        with app.app_context():
            user = User(
                name=str(fields.pop("name", f"User {n}")),
                email=fields.pop("email", f"ws{n}-{role.value}@example.vn"),
                role=role,
                password_hash=cheap_hash,
                **fields,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def make_shop(app: Flask, make_user: Callable[..., User]) -> Callable[..., Shop]:
    """Build a verified producer with a full team and one product."""

    def build(name: str = "HTX Cam Hàm Yên") -> Shop:
        owner = make_user(Role.SHOPPER)
        staff = make_user(Role.SHOPPER)
        helper = make_user(Role.HELPER)
        with app.app_context():
            producer = factories.producer(name=name, owner=owner)
            db.session.add(
                ProducerMember(producer=producer, user_id=staff.id, role=MemberRole.STAFF)
            )
            grant = HelperGrant(producer=producer, helper_id=helper.id, granted_by_id=owner.id)
            db.session.add(grant)
            item = factories.product(producer, name=f"Cam sành {name}", sku="CAM-1")
            image = ProductImage(
                product=item, key="a" * 31 + str(producer.id % 10), width=4, height=3
            )
            db.session.add(image)
            area = factories.growing_area(producer)
            db.session.commit()
            return Shop(producer.id, owner, staff, helper, item.id, image.id, area.id, grant.id)

    return build


@pytest.fixture
def shop(make_shop: Callable[..., Shop]) -> Shop:
    """Producer A."""
    return make_shop()


@pytest.fixture
def other_shop(make_shop: Callable[..., Shop]) -> Shop:
    """Producer B, a competitor of A."""
    return make_shop("HTX Bưởi Soi Hà")


@pytest.fixture
def as_owner(client: FlaskClient, login_as: Callable[..., User], shop: Shop) -> FlaskClient:
    """The test client signed in as A's owner."""
    login_as(user=shop.owner)
    return client
