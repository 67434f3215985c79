"""Random sequences of orders, payments, cancellations, refunds and payouts through the real
services, with the balance proof (``payments.balance.verify``, docs/money.md) checked after every
step.

Bank transfers arrive as signed SePay and Casso notifications (short, exact, over, after expiry,
the same transfer through both services), cards as signed Stripe events (the offline Stripe
client answers refunds, sometimes pending, sometimes down, and a refund can fail afterwards),
cash as the producer's confirmation or with the goods at handover; card holders' banks dispute
payments, which Stripe closes won or lost; shoppers cancel orders, producers cancel, accept and
hand parts over, record their own cash refunds and ask for card and transfer refunds, which a
provincial manager approves or rejects; the manager refunds whole parts and flagged money, and
runs payouts once parts are settled: the bank's debit notification confirms a line, a returned
transfer reopens the balance, a line not paid yet can be withdrawn; and the manager changes the
default commission and producers' own (10 % VAT on each fee), charged on parts paid afterwards.

Strategies never read the database: every choice is drawn from a fixed range (an order, a part,
a payout line, a request by its position), and the rule resolves it against the database when it
runs, doing nothing when there is nothing to act on. So the draws Hypothesis replays while it
shrinks always mean the same steps, and the test runs with random examples. A step the rules
refuse (a domain error) is a valid outcome; anything else, or a single đồng unaccounted for,
fails the test with the shortest sequence that shows it.
"""

import contextlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from catalog.models import Product
from market.accounts.models import Role, User
from market.dbtypes import utcnow
from market.extensions import db
from orders import services as order_services
from orders.carriers import ShipmentStatus, StatusUpdate
from orders.checkout import place_order
from orders.errors import OrderError
from orders.fulfilment import accept_part, advance_part
from orders.lifecycle import Action
from orders.models import ActorRole, DeliveryMethod, Order, OrderPart, PartStatus
from orders.models import PaymentMethod as OrderPaymentMethod
from orders.shipment_models import Shipment
from orders.shipments import receive
from orders.transitions import Actor
from payments import refund_requests
from payments import services as payment_services
from payments.balance import verify
from payments.carrier_cod import Remitted, record_remittance
from payments.cod_models import CodReceivable, RemittanceSource
from payments.earning_models import LineStatus, PayoutLine
from payments.errors import PaymentError
from payments.fees import DEFAULT_SCOPE, producer_scope, set_rule
from payments.models import EntryKind, EntryStatus, LedgerEntry, PaymentMethod
from payments.order_refunds import refund_order_part, refund_whole_part, refundable_amount
from payments.order_target import find_order
from payments.payout_runs import cancel_line, create_run
from payments.reconciliation import refunds_due
from payments.refunds import refund_payment
from payments.settlement import settle_due_earnings
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout, order_request
from tests.payments.conftest import (
    FakeStripe,
    casso_body,
    paid_session,
    post_casso,
    post_sepay,
    post_stripe,
    refund_object,
    sepay_body,
    stripe_event,
)

REFUSED = (PaymentError, OrderError)
# What one sequence leaves behind; each sequence starts without it, so the proof judges that
# sequence alone (the shop, its producers, products and the manager stay).
SEQUENCE_TABLES = frozenset(
    {
        "payment_codes",
        "sales_rollups",
        "product_sales_rollups",
        "product_total_rollups",
        "stripe_events",
        "bank_notifications",
        "unreadable_bank_notifications",
        "jobs",
        "orders",
        "order_parts",
        "order_lines",
        "part_events",
        "part_earnings",
        "payment_ledger",
        "refund_requests",
        "payout_runs",
        "payout_lines",
        "payouts",
        "cart_items",
        "stock_movements",
        "lot_events",
        "lot_event_inputs",
        "shipments",
        "shipment_events",
        "cod_receivables",
        "cod_remittances",
        "fee_rules",
    }
)
# Every choice among things the sequence made is a position in a fixed range, taken modulo how
# many there are when the rule runs.
SLOT = st.integers(0, 3)
PART = st.integers(0, 1)
STRIPE = st.sampled_from(["succeeded", "pending", "down"])
GOING_AHEAD = (PartStatus.AWAITING_FULFILMENT, PartStatus.PACKED, PartStatus.READY_FOR_PICKUP)
CASSO_NOW_MS = 1_764_000_000_000
T = TypeVar("T")


def _forget_sequence() -> None:
    """Delete every row an earlier sequence wrote (children first)."""
    db.session.execute(sa.update(LedgerEntry).values(refund_of_id=None))  # refunds name payments
    for table in reversed(db.metadata.sorted_tables):
        if table.name in SEQUENCE_TABLES:
            db.session.execute(table.delete())
    db.session.execute(sa.update(Product).values(stock=100_000))
    db.session.commit()


@dataclass(frozen=True)
class Placed:
    """An order the sequence placed, and how its shopper pays."""

    code: str
    method: str


def _pick(items: Sequence[T], slot: int) -> T | None:
    """The item at ``slot`` (modulo), or None when there is none."""
    return items[slot % len(items)] if items else None


def test_the_ledger_balances_after_every_step_of_any_sequence(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    fake_stripe: FakeStripe,
    make_user: Callable[..., User],
    clock: Callable[[float], None],  # Casso's signatures are checked against a fixed time
) -> None:
    manager = make_user(Role.MANAGER, provincial=True)
    app.config["MARKETPLACE_FEE_VAT_BP"] = 1_000  # 10 % VAT on every fee the sequence charges
    owners = {shop.producer_a: shop.owner_a, shop.producer_b: shop.owner_b}
    numbers = itertools.count(1)

    class Ledger(RuleBasedStateMachine):
        """One shopper, two producers, one provincial manager, and the market's money."""

        def __init__(self) -> None:
            super().__init__()
            with app.app_context():
                _forget_sequence()
            self.orders: list[Placed] = []
            self.transfers: list[tuple[str, int, str]] = []  # (code, amount, bank reference)
            self.intents: list[tuple[str, int]] = []  # (card payment intent, amount)
            self.disputes: list[tuple[str, str, int]] = []  # (dispute id, intent, amount)

        def _placed(self, slot: int, method: str | None = None) -> Placed | None:
            return _pick([o for o in self.orders if method in (None, o.method)], slot)

        def _part(self, placed: Placed, index: int) -> OrderPart | None:
            order = find_order(f"CQ{placed.code}")
            return order.parts[index % len(order.parts)] if order and order.parts else None

        def _owner(self, part: OrderPart) -> Actor:
            return Actor(ActorRole.OWNER, owners[part.producer_id].id)

        # -- orders ---------------------------------------------------------------------------

        @initialize()
        def a_shopper_has_paid_by_transfer_and_collected_one_part(self) -> None:
            # A part received from the first step, so a payout is one step away in any sequence.
            self.place_an_order("bank_transfer", 1, 1)
            self._transfer(self.orders[-1].code, "exact")
            self.a_producer_hands_a_part_over(0)

        @rule(
            method=st.sampled_from(["bank_transfer", "card", "cash"]),
            tea=st.integers(0, 2),
            orange=st.integers(0, 3),
        )
        def place_an_order(self, method: str, tea: int, orange: int) -> None:
            if tea:
                add_to_cart(client, shop.tea, tea)
            if orange or not tea:
                add_to_cart(client, shop.orange, orange or 1)
            response = checkout(client, payment_method=method)
            assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
            with app.app_context():
                code = db.session.scalars(sa.select(Order.code).order_by(Order.id.desc())).first()
            self.orders.append(Placed(code, method))

        @precondition(lambda self: self.orders)
        @rule(slot=SLOT)
        def let_an_order_expire(self, slot: int) -> None:
            self._expire(self._placed(slot))

        def _expire(self, placed: Placed) -> None:
            with app.app_context():
                db.session.execute(
                    sa.update(Order).where(Order.code == placed.code).values(expires_at=utcnow())
                )
                db.session.commit()
                order_services.expire_overdue()

        @precondition(lambda self: self.orders)
        @rule(slot=SLOT)
        def the_shopper_cancels(self, slot: int) -> None:
            with app.app_context(), contextlib.suppress(REFUSED):
                order = find_order(f"CQ{self._placed(slot).code}")
                order_services.cancel_order(order, Actor(ActorRole.SHOPPER))

        @precondition(lambda self: self.orders)
        @rule(slot=SLOT, index=PART)
        def a_producer_cancels_a_part(self, slot: int, index: int) -> None:
            with app.app_context():
                part = self._part(self._placed(slot), index)
                with contextlib.suppress(REFUSED):
                    order_services.cancel_part(part, self._owner(part), "Hết hàng")

        @precondition(lambda self: self._placed(0, "cash"))
        @rule(slot=SLOT, index=PART)
        def a_producer_accepts_a_cash_part(self, slot: int, index: int) -> None:
            with app.app_context():
                part = self._part(self._placed(slot, "cash"), index)
                with contextlib.suppress(REFUSED):
                    accept_part(part, self._owner(part))

        @rule(slot=SLOT)
        def a_producer_hands_a_part_over(self, slot: int) -> None:
            """One of the parts going ahead (the slot-th by id) is packed, made ready and
            handed over to the shopper."""
            with app.app_context():
                part = _pick(
                    db.session.scalars(
                        sa.select(OrderPart)
                        .where(OrderPart.status.in_(GOING_AHEAD))
                        .order_by(OrderPart.id)
                    ).all(),
                    slot,
                )
                if part is None:
                    return
                with contextlib.suppress(REFUSED):
                    for action in (Action.PACK, Action.READY, Action.HAND_OVER):
                        if part.status != PartStatus.PICKED_UP:
                            advance_part(part, action, self._owner(part))

        # -- money in -------------------------------------------------------------------------

        @precondition(lambda self: self._placed(0, "bank_transfer"))
        @rule(slot=SLOT, how=st.sampled_from(["exact", "short", "over", "late"]))
        def a_bank_transfer_arrives(self, slot: int, how: str) -> None:
            placed = self._placed(slot, "bank_transfer")
            if how == "late":
                self._expire(placed)
            self._transfer(placed.code, "exact" if how == "late" else how)

        def _transfer(self, code: str, how: str) -> None:
            with app.app_context():
                status = payment_services.payment_status(f"CQ{code}")
                order = find_order(f"CQ{code}")
                left = status.remaining if status and status.remaining else order.total
            amount = {"exact": left, "short": max(1_000, left // 2), "over": left + 7_000}[how]
            n = next(numbers)
            reference = f"FT{n:08d}"
            body = sepay_body(n, amount, f"CQ{code} thanh toan", referenceCode=reference)
            assert post_sepay(client, body).status_code == 200
            self.transfers.append((code, amount, reference))

        @precondition(lambda self: self.orders)
        @rule(slot=SLOT)
        def an_order_is_paid_its_way(self, slot: int) -> None:
            placed = self._placed(slot)
            if placed.method == "bank_transfer":
                self._transfer(placed.code, "exact")
            elif placed.method == "card":
                self._card(placed.code)
            else:
                for index in (0, 1):
                    self._cash(placed, index)

        @precondition(lambda self: self.transfers)
        @rule(slot=SLOT)
        def casso_reports_the_same_transfer_again(self, slot: int) -> None:
            code, amount, reference = _pick(self.transfers, slot)
            body = casso_body(
                100_000 + next(numbers),
                amount,
                f"CQ{code} thanh toan",
                reference=reference,
                transactionDateTime="2026-11-24 14:02:37",
            )
            assert post_casso(client, body, CASSO_NOW_MS).status_code == 200

        @precondition(lambda self: self._placed(0, "card"))
        @rule(slot=SLOT)
        def a_card_payment_completes(self, slot: int) -> None:
            self._card(self._placed(slot, "card").code)

        def _card(self, code: str) -> None:
            with app.app_context():
                total = find_order(f"CQ{code}").total
            n = next(numbers)
            session = paid_session(f"cs_m_{n}", f"CQ{code}", total, f"pi_m_{n}")
            payload = stripe_event(f"evt_m_{n}", "checkout.session.completed", session)
            assert post_stripe(client, payload).status_code == 200
            self.intents.append((f"pi_m_{n}", total))

        @precondition(lambda self: self.intents)
        @rule(slot=SLOT, share=st.sampled_from([1, 2, 4]))
        def the_card_holders_bank_disputes_a_payment(self, slot: int, share: int) -> None:
            intent, total = _pick(self.intents, slot)
            dispute_id = f"dp_m_{next(numbers)}"
            self.disputes.append((dispute_id, intent, total // share))
            self._dispute(dispute_id, intent, total // share, "created", "needs_response")

        @precondition(lambda self: self.disputes)
        @rule(slot=SLOT, outcome=st.sampled_from(["won", "lost"]))
        def stripe_closes_a_dispute(self, slot: int, outcome: str) -> None:
            dispute_id, intent, amount = _pick(self.disputes, slot)
            self._dispute(dispute_id, intent, amount, "closed", outcome)

        def _dispute(
            self, dispute_id: str, intent: str, amount: int, kind: str, status: str
        ) -> None:
            obj = {
                "id": dispute_id,
                "object": "dispute",
                "amount": amount,
                "currency": "vnd",
                "payment_intent": intent,
                "reason": "fraudulent",
                "status": status,
            }
            payload = stripe_event(f"evt_d_{next(numbers)}", f"charge.dispute.{kind}", obj)
            assert post_stripe(client, payload).status_code == 200

        @precondition(lambda self: self._placed(0, "cash"))
        @rule(slot=SLOT, index=PART)
        def a_producer_confirms_cash(self, slot: int, index: int) -> None:
            self._cash(self._placed(slot, "cash"), index)

        def _cash(self, placed: Placed, index: int) -> None:
            with app.app_context():
                part = self._part(placed, index)
                try:
                    payment_services.record_cash_payment(
                        f"CQ{placed.code}", part.reference, owners[part.producer_id].id
                    )
                except REFUSED:
                    db.session.rollback()

        # -- money out ------------------------------------------------------------------------

        @precondition(lambda self: self.orders)
        @rule(slot=SLOT, index=PART, stripe=STRIPE)
        def the_manager_refunds_a_whole_part(self, slot: int, index: int, stripe: str) -> None:
            self._stripe_answers(stripe)
            with app.app_context():
                part = self._part(self._placed(slot), index)
                try:
                    refund_whole_part(
                        part, reference="FT-HOAN", reason="Khách yêu cầu", actor_id=manager.id
                    )
                except REFUSED:
                    db.session.rollback()

        @precondition(lambda self: self._placed(0, "cash"))
        @rule(slot=SLOT, index=PART, amount=st.integers(1, 200_000))
        def a_producer_gives_cash_back(self, slot: int, index: int, amount: int) -> None:
            with app.app_context():
                part = self._part(self._placed(slot, "cash"), index)
                try:
                    refund_order_part(
                        part,
                        min(amount, refundable_amount(part)),
                        actor_id=owners[part.producer_id].id,
                    )
                except REFUSED:
                    db.session.rollback()

        @precondition(lambda self: self.orders)
        @rule(slot=SLOT, index=PART, amount=st.integers(1, 200_000), stripe=STRIPE)
        def a_producer_asks_for_a_refund(
            self, slot: int, index: int, amount: int, stripe: str
        ) -> None:
            self._stripe_answers(stripe)  # a small card refund is approved at once
            with app.app_context():
                part = self._part(self._placed(slot), index)
                if not refund_requests.needs_approval(part):
                    return
                try:
                    refund_requests.request_refund(
                        part,
                        min(amount, refundable_amount(part)),
                        "Hàng dập",
                        owners[part.producer_id].id,
                    )
                except REFUSED:
                    db.session.rollback()

        @rule(slot=SLOT, approve=st.booleans(), stripe=STRIPE)
        def the_manager_decides_a_refund_request(
            self, slot: int, approve: bool, stripe: str
        ) -> None:
            self._stripe_answers(stripe)
            with app.app_context():
                request = _pick(refund_requests.pending_requests(), slot)
                if request is None:
                    return
                try:
                    if approve:
                        refund_requests.approve(request.id, manager.id, reference="FT-DUYET")
                    else:
                        refund_requests.reject(request.id, manager.id, "Không đủ căn cứ")
                except REFUSED:
                    db.session.rollback()

        @rule()
        def the_manager_refunds_flagged_money(self) -> None:
            with app.app_context():
                due = refunds_due(limit=1)
                if due:
                    try:
                        refund_payment(
                            due[0].entry.id,
                            due[0].outstanding,
                            reference="FT-TRA",
                            actor_id=manager.id,
                        )
                    except REFUSED:
                        db.session.rollback()

        @rule()
        def stripe_fails_a_card_refund(self) -> None:
            with app.app_context():
                row = db.session.execute(
                    sa.select(LedgerEntry.reference, LedgerEntry.amount, LedgerEntry.refund_of_id)
                    .where(
                        LedgerEntry.kind == EntryKind.REFUND,
                        LedgerEntry.method == PaymentMethod.CARD,
                        LedgerEntry.status != EntryStatus.FAILED,
                        LedgerEntry.reference.like("re_test_%"),
                    )
                    .order_by(LedgerEntry.id)
                    .limit(1)
                ).first()
                if row is None:
                    return
                intent = db.session.get(LedgerEntry, row.refund_of_id).reference
            failed = refund_object(row.reference, intent, row.amount, "failed")
            payload = stripe_event(f"evt_f_{next(numbers)}", "refund.failed", failed)
            assert post_stripe(client, payload).status_code == 200

        def _stripe_answers(self, how: str) -> None:
            fake_stripe.refund_status = "pending" if how == "pending" else "succeeded"
            fake_stripe.fail_next = 500 if how == "down" else None

        # -- cash on delivery through a carrier ---------------------------------------------

        @rule(orange=st.integers(1, 3))
        def a_carrier_delivers_a_cash_order_and_collects_its_cash(self, orange: int) -> None:
            """A cash order delivered home by GHN: packed, then GHN reports it delivered with
            the cash it collected (received, owed to the producer, held by GHN)."""
            with app.app_context():
                request = order_request(
                    [(shop.orange, orange, 45_000)],
                    [shop.producer_b],
                    OrderPaymentMethod.CASH,
                    DeliveryMethod.HOME,
                    key=f"cod-{next(numbers)}",
                )
                try:
                    part = place_order(request).parts[0]
                    advance_part(part, Action.PACK, self._owner(part))
                except REFUSED:
                    db.session.rollback()
                    return
                part.carrier, tracking = "ghn", f"GHN{part.id}"
                db.session.add(
                    Shipment(
                        part_id=part.id,
                        carrier="ghn",
                        service="standard",
                        tracking_code=tracking,
                        status=ShipmentStatus.CREATED,
                        fee=30_000,
                        cod=part.total,
                    )
                )
                db.session.commit()
                self.orders.append(Placed(part.order.code, "cash"))
                delivered = StatusUpdate(
                    "ghn",
                    tracking,
                    ShipmentStatus.DELIVERED,
                    utcnow(),
                    f"delivered-{part.id}",
                    "delivered",
                    part.total,
                )
                receive(SimpleNamespace(code="ghn", name="GHN"), [delivered])

        @rule(slot=SLOT, how=st.sampled_from(["exact", "short", "twice", "unknown"]))
        def the_carrier_remits_cash_it_collected(self, slot: int, how: str) -> None:
            with app.app_context():
                receivable = _pick(
                    db.session.scalars(sa.select(CodReceivable).order_by(CodReceivable.id)).all(),
                    slot,
                )
                if receivable is None:
                    return
                amount = receivable.amount - (10_000 if how == "short" else 0)
                tracking = "GHN-UNKNOWN" if how == "unknown" else receivable.tracking_code
                day = utcnow().date() + timedelta(days=next(numbers))
                for _time in range(2 if how == "twice" else 1):
                    line = Remitted("ghn", tracking, amount, day)
                    record_remittance(line, RemittanceSource.STATEMENT, "ghn.csv", manager.id)
                    day += timedelta(days=1)
                db.session.commit()

        # -- fees -----------------------------------------------------------------------------

        @rule(
            producer=st.sampled_from([None, "a", "b"]),
            rate_bp=st.sampled_from([0, 333, 750, 1_250, 3_000]),
            delivery_carries=st.booleans(),
        )
        def the_manager_sets_a_fee_rule(
            self, producer: str | None, rate_bp: int, delivery_carries: bool
        ) -> None:
            """The default commission or one producer's; parts paid later are charged by it."""
            ids = {"a": shop.producer_a, "b": shop.producer_b}
            scope = DEFAULT_SCOPE if producer is None else producer_scope(ids[producer])
            with app.app_context():
                set_rule(scope, rate_bp, delivery_carries=delivery_carries, actor_id=manager.id)

        # -- payouts --------------------------------------------------------------------------

        @rule(bank=st.sampled_from(["later", "sent", "sent and returned"]))
        def days_pass_and_the_manager_runs_payouts(self, bank: str) -> None:
            """Received parts settle, a run pays what is payable, and the bank reports each line
            sent (and, for some, the transfer coming back) at once or in a later step."""
            with app.app_context():
                later = utcnow() + timedelta(days=app.config["SETTLEMENT_DAYS"], minutes=1)
                settle_due_earnings(later)
                try:
                    run = create_run(1, manager.id)
                except REFUSED:
                    db.session.rollback()
                    return
                lines = [(line.code, line.amount) for line in run.lines]
            for line in lines if bank != "later" else []:
                self._debit(line)
                if bank == "sent and returned":
                    self._returned(line)

        def _line(self, slot: int, status: LineStatus) -> tuple[str, int] | None:
            with app.app_context():
                lines = db.session.execute(
                    sa.select(PayoutLine.code, PayoutLine.amount)
                    .where(PayoutLine.status == status)
                    .order_by(PayoutLine.id)
                ).all()
            found = _pick(lines, slot)
            return (found.code, found.amount) if found else None

        def _debit(self, line: tuple[str, int]) -> None:
            code, amount = line
            body = sepay_body(next(numbers), amount, f"{code} ChoQue chi tra", transferType="out")
            assert post_sepay(client, body).status_code == 200

        def _returned(self, line: tuple[str, int]) -> None:
            code, amount = line
            body = sepay_body(next(numbers), amount, f"HOAN TRA {code}")
            assert post_sepay(client, body).status_code == 200

        @rule(slot=SLOT)
        def the_bank_reports_a_payout_sent(self, slot: int) -> None:
            line = self._line(slot, LineStatus.PENDING)
            if line is not None:
                self._debit(line)

        @rule(slot=SLOT)
        def a_payout_transfer_comes_back(self, slot: int) -> None:
            line = self._line(slot, LineStatus.CONFIRMED)
            if line is not None:
                self._returned(line)

        @rule(slot=SLOT)
        def the_manager_withdraws_a_payout_line(self, slot: int) -> None:
            with app.app_context():
                pending = db.session.scalars(
                    sa.select(PayoutLine.id)
                    .where(PayoutLine.status == LineStatus.PENDING)
                    .order_by(PayoutLine.id)
                ).all()
                line_id = _pick(pending, slot)
                if line_id is not None:
                    try:
                        cancel_line(line_id)
                    except REFUSED:
                        db.session.rollback()

        # -- the proof ------------------------------------------------------------------------

        @invariant()
        def every_dong_is_accounted_for(self) -> None:
            fake_stripe.fail_next = None
            with app.app_context():
                proof = verify()
                assert proof.problems == []

    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
