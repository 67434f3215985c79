"""Every manager and money route, walked from the URL map, for the three kinds of manager.

A market's manager runs their markets and nothing else; a manager assigned to no market (and
without the provincial grant) manages nothing; only a provincial manager (an admin's grant)
opens the province's pages and moves the marketplace's money. A route added to one of these
blueprints or under ``/quan-ly`` must be classified here, or the first test fails.
"""

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.extensions import db
from market.markets.models import MarketManager
from orders.models import Order
from payments.models import (
    BankNotification,
    BankProvider,
    EntryKind,
    LedgerEntry,
    NotificationStatus,
)
from tests.markets.conftest import COLLECTION_ACCOUNT, World, sepay
from tests.orders.conftest import Shop, shop  # noqa: F401  (fixture)
from tests.orders.helpers import add_to_cart, checkout

MARKET = "one market"  # its managers and provincial managers; anyone else 404
ANY = "any manager"  # every manager, each seeing their own scope
PROVINCE = "province"  # provincial managers only; other managers 403
ADMIN = "admin"  # admins only
MONEY = "money"  # a producer's money: its own people and provincial managers; others 404
# A job a manager started: only that manager, on a scope they still see (test_report_exports.py).
OWN_JOB = "own job"

MANAGED_BLUEPRINTS = (
    "markets",
    "approvals",
    "market_reports",
    "payments_manager",
    "payouts_manager",
    "trace_manage",
    "market_news",
    "carrier_cod",
    "jobs",
    "notify",
    "place_reviews",
)
MONEY_ENDPOINTS = {"payments_producer.refund": MONEY}
CONSOLE = "/quan-ly"  # a route added under the console is walked whatever its blueprint

SCOPES = {
    "markets.home": ANY,
    "markets.market_list": ANY,
    "market_news.page": ANY,
    "market_reports.report": ANY,
    "market_reports.tables_csv": ANY,
    "market_reports.lines_csv": ANY,
    "market_reports.workbook": ANY,
    "market_reports.workbook_progress": OWN_JOB,
    "market_reports.workbook_download": OWN_JOB,
    "markets.market": MARKET,
    "markets.stall": MARKET,
    "markets.stall_new": MARKET,
    "markets.stall_products": MARKET,
    "markets.poster_pdf": MARKET,
    "markets.poster_png": MARKET,
    "markets.market_new": PROVINCE,
    "markets.manager_add": PROVINCE,
    "markets.manager_remove": PROVINCE,
    "markets.provincial": ADMIN,
    "markets.helper_teams": PROVINCE,
    "markets.helper_team_end": PROVINCE,
    "approvals.queues": PROVINCE,
    "approvals.producer_search": PROVINCE,
    "approvals.producer": PROVINCE,
    "approvals.producer_audit": PROVINCE,
    "approvals.decide_producer": PROVINCE,
    "approvals.decide_recognition": PROVINCE,
    "approvals.decide_area": PROVINCE,
    "payments_manager.overview": PROVINCE,
    "payments_manager.assign": PROVINCE,
    "payments_manager.return_credit": PROVINCE,
    "payments_manager.refund": PROVINCE,
    "payments_manager.unreadable_handled": PROVINCE,
    "markets.check_stall_account": PROVINCE,
    "payouts_manager.fee_rules": PROVINCE,
    "payouts_manager.remove_fee_rule": PROVINCE,
    "payouts_manager.fee_income": PROVINCE,
    "payouts_manager.runs": PROVINCE,
    "payouts_manager.run": PROVINCE,
    "payouts_manager.batch_csv": PROVINCE,
    "payouts_manager.line_qr": PROVINCE,
    "payouts_manager.confirm_line": PROVINCE,
    "payouts_manager.cancel_line": PROVINCE,
    "payouts_manager.statement": PROVINCE,
    "payouts_manager.accounts": PROVINCE,
    "payouts_manager.check_account": PROVINCE,
    "payments_manager.refund_requests": PROVINCE,
    "payments_manager.decide_refund": PROVINCE,
    "trace_manage.index": PROVINCE,
    "trace_manage.lot": PROVINCE,
    "trace_manage.recall": PROVINCE,
    "carrier_cod.overview": PROVINCE,
    "carrier_cod.import_file": PROVINCE,
    "jobs.failed": PROVINCE,
    "jobs.retry": PROVINCE,
    "notify.messages": PROVINCE,
    "notify.retry": PROVINCE,
    "place_reviews.queue": PROVINCE,
    "place_reviews.resolve": PROVINCE,
    **MONEY_ENDPOINTS,
}


def _covered(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every manager and money route in the URL map."""
    found = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        managed = blueprint in MANAGED_BLUEPRINTS or rule.rule.startswith(CONSOLE)
        if managed or rule.endpoint in MONEY_ENDPOINTS:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def test_every_manager_and_money_route_is_classified(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _method, _rule in _covered(app)}
    assert endpoints == set(SCOPES)


@pytest.fixture
def ids(app: Flask, client: FlaskClient, world: World, shop: Shop) -> dict[str, int]:  # noqa: F811
    """A paid order part of another producer, its payment, and an unmatched credit."""
    add_to_cart(client, shop.tea, 1)
    checkout(client, payment_method="bank_transfer")
    with app.app_context():
        order = db.session.scalar(sa.select(Order).order_by(Order.id.desc()))
        code, part = order.payment_code, order.parts[0]
    sepay(client, 9001, part.total, code, COLLECTION_ACCOUNT)
    sepay(client, 9002, 45_000, "chuyen tien an cuoi", COLLECTION_ACCOUNT)
    with app.app_context():
        payment = db.session.scalar(
            sa.select(LedgerEntry.id).where(
                LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.target_code == code
            )
        )
        note = db.session.scalar(
            sa.select(BankNotification.id).where(
                BankNotification.provider == BankProvider.SEPAY,
                BankNotification.status == NotificationStatus.UNMATCHED,
            )
        )
    return {
        "market_id": world.market_a,
        "stall_id": world.stall_a,
        "producer_id": world.producer_a,
        "shop_producer": shop.producer_a,
        "part_id": part.id,
        "entry_id": payment,
        "notification_id": note,
    }


def _url(endpoint: str, rule: str, ids: dict[str, int]) -> str:
    values = dict(ids)
    if endpoint == "payments_producer.refund":
        values["producer_id"] = ids["shop_producer"]

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        return str(values.get(name, {"size": "a4", "kind": "png"}.get(name, "1")))

    return re.sub(r"<(?:(\w+(?:\([^)]*\))?):)?(\w+)>", fill, rule)


FORM = {
    "login": "manager_b@markets.example",
    "code": "CQX",
    "flagged": "45000",
    "amount": "10000",
    "reference": "FT-SCOPE",
    "reason": "Thử phạm vi",
    "producer": "1",
    "decision": "verify",
    "confirm": "y",
}


def _money_and_managers(app: Flask) -> tuple[int, int, str]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)),
            db.session.scalar(sa.select(sa.func.count()).select_from(MarketManager)),
            db.session.scalar(
                sa.select(sa.func.group_concat(BankNotification.status))
                if db.engine.dialect.name == "sqlite"
                else sa.select(sa.func.string_agg(BankNotification.status, ","))
            ),
        )


@pytest.mark.parametrize("who", ["market manager", "manager of no market", "provincial manager"])
def test_each_kind_of_manager_gets_exactly_its_scope_on_every_route(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    ids: dict[str, int],
    who: str,
) -> None:
    user = {
        "market manager": lambda: world.manager_a,
        "manager of no market": lambda: login_as(Role.MANAGER),
        "provincial manager": lambda: world.provincial,
    }[who]()
    login_as(user=user)
    wrong = []
    for endpoint, method, rule in _covered(app):
        kind = SCOPES[endpoint]
        if kind == OWN_JOB:
            continue
        url = _url(endpoint, rule, ids)
        before = _money_and_managers(app)
        with client.open(url, method=method, data=FORM) as response:
            status = response.status_code
        if who == "provincial manager":
            refused = status == 403 if kind != MONEY else status in (403, 404)
            expected_refusal = kind == ADMIN
        elif who == "market manager":
            refused = status in (403, 404)
            expected_refusal = kind in (PROVINCE, ADMIN, MONEY)
        else:
            refused = status in (403, 404)
            expected_refusal = kind != ANY
        if refused != expected_refusal:
            wrong.append(f"{method} {url} ({endpoint}, {kind}) → {status}")
        if expected_refusal and _money_and_managers(app) != before:
            wrong.append(f"{method} {url} ({endpoint}) was refused but changed the data")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


def test_a_manager_of_no_market_sees_no_market_and_no_sales(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(Role.MANAGER)
    assert "Chợ An Phú" not in client.get("/quan-ly/cho").get_data(as_text=True)
    assert "Chợ An Phú" not in client.get("/quan-ly").get_data(as_text=True)
    assert "Chợ An Phú" not in client.get("/quan-ly/bao-cao").get_data(as_text=True)
