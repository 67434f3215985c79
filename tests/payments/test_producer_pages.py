"""Producers confirm the cash for their own part and see what the market owes them."""

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from market.accounts.models import Role
from market.extensions import db
from payments.models import EntryKind, PaymentMethod
from payments.targets import PayState
from tests import factories
from tests.payments.conftest import FakeTarget, ledger_rows, post_sepay, sepay_body, token


@pytest.fixture
def owners(app: Flask, make_user) -> dict:
    """Two producers, each with its owner, and a helper granted access to the first."""
    from catalog.models import HelperGrant

    first_owner, second_owner = make_user(), make_user()
    helper = make_user(Role.HELPER)
    with app.app_context():
        first = factories.producer(owner=first_owner, name="HTX Chè Shan tuyết Na Hang")
        second = factories.producer(owner=second_owner)
        db.session.add(HelperGrant(producer_id=first.id, helper_id=helper.id))
        db.session.commit()
        return {
            "first": (first.id, first_owner),
            "second": (second.id, second_owner),
            "helper": helper,
        }


def cash_url(app: Flask, code: str, part_ref: str) -> str:
    return f"/thanh-toan/nha-san-xuat/tien-mat/{token(app, code)}/{part_ref}"


def test_the_owner_confirms_cash_for_its_part(
    app: Flask, client: FlaskClient, target: FakeTarget, owners: dict, login_as
) -> None:
    first_id, first_owner = owners["first"]
    target.add("CQ7K3F9A", 150_000, [first_id, owners["second"][0]])
    login_as(user=first_owner)
    response = client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1"), data={"next": "/don-hang/1"})
    assert response.status_code == 302 and response.headers["Location"] == "/don-hang/1"
    [cash] = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (cash.method, cash.producer_id, cash.actor_id) == (
        PaymentMethod.CASH,
        first_id,
        first_owner.id,
    )
    status = target.last("CQ7K3F9A")
    assert (status.state, status.parts_paid) == (PayState.PARTIAL, {"CQ7K3F9A-1"})
    again = client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1"), follow_redirects=True)
    assert "Khoản thanh toán này không còn mở" in again.get_data(as_text=True)
    assert len(ledger_rows(app, kind=EntryKind.PAYMENT)) == 1


def test_a_helper_the_producer_granted_confirms_cash_as_itself(
    app: Flask, client: FlaskClient, target: FakeTarget, owners: dict, login_as
) -> None:
    first_id, _owner = owners["first"]
    target.add("CQ7K3F9A", 100_000, [first_id])
    login_as(user=owners["helper"])
    client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1"))
    [cash] = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (cash.producer_id, cash.actor_id) == (first_id, owners["helper"].id)


def test_another_producer_cannot_confirm_cash_it_is_a_404(
    app: Flask, client: FlaskClient, target: FakeTarget, owners: dict, login_as
) -> None:
    target.add("CQ7K3F9A", 150_000, [owners["first"][0]])
    login_as(user=owners["second"][1])
    assert client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1")).status_code == 404
    login_as(Role.SHOPPER)
    assert client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1")).status_code == 404
    assert client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-9")).status_code == 404
    assert ledger_rows(app) == []


def test_confirming_cash_needs_a_signed_in_user_and_a_csrf_token(
    app: Flask, client: FlaskClient, target: FakeTarget, owners: dict, login_as
) -> None:
    target.add("CQ7K3F9A", 150_000, [owners["first"][0]])
    anonymous = client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1"))
    assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap" in anonymous.headers["Location"]
    login_as(user=owners["first"][1])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1")).status_code == 400
    assert ledger_rows(app) == []


def test_the_cash_partial_shows_the_button_then_the_paid_badge(
    app: Flask, client: FlaskClient, target: FakeTarget, owners: dict, login_as
) -> None:
    target.add("CQ7K3F9A", 100_000, [owners["first"][0]])
    template = (
        '{% with payment_code = "CQ7K3F9A", part_ref = "CQ7K3F9A-1" %}'
        '{% include "payments/_cash.html" %}{% endwith %}'
    )
    with app.test_request_context("/"):
        assert "Đã nhận tiền mặt: 100.000 ₫" in render_template_string(template)
    login_as(user=owners["first"][1])
    client.post(cash_url(app, "CQ7K3F9A", "CQ7K3F9A-1"))
    with app.test_request_context("/"):
        html = render_template_string(template)
    assert "Đã trả: 100.000 ₫" in html and "<form" not in html


def test_a_producer_sees_what_it_earned_and_is_owed(
    app: Flask, client: FlaskClient, target: FakeTarget, owners: dict, login_as
) -> None:
    first_id, first_owner = owners["first"]
    target.add("CQ7K3F9A", 150_000, [first_id])
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    login_as(user=first_owner)
    page = client.get(f"/thanh-toan/nha-san-xuat/{first_id}").get_data(as_text=True)
    assert "150.000 ₫" in page and "CQ7K3F9A-1" in page
    login_as(user=owners["second"][1])
    assert client.get(f"/thanh-toan/nha-san-xuat/{first_id}").status_code == 404
