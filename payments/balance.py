"""The balance proof: every đồng received is accounted for, per payment code and in total.

    received = owed to producers + kept by producers (cash) + refunds due + refunded
               + awaiting (held for a code still being paid) + marketplace fees

Each term is one function over the ledger, summed per payment code (``None``: money that
matched no code). Owed to producers is what the market holds for paid parts that still stand
(held until settled, then payable; the payouts work splits it and subtracts what it paid out
per producer); kept by producers is cash a producer took for its part; refunds due are money
flagged to go back plus what the market holds for parts withdrawn after payment; awaiting is
money applied to a code none of whose parts is paid yet. ``docs/money.md`` states the
invariant; ``flask --app market payments verify`` runs ``verify()``.

Besides the sum, the proof checks what must never happen: a part refunded beyond its share,
more paid out to a producer than it ever earned, and an order whose parts disagree with the
ledger (a cancelled part still owed to its producer: payable for goods not delivered).

A producer paid out and then refunded against (a part refunded or withdrawn after its payout)
owes that money back: ``Proof.owed_back`` lists it, a receivable the producer's next earnings
pay off (its balance is negative until then), not a fault.

Cash a carrier collected on delivery is received (and owed to the producer) when delivered, but
the carrier holds it until it remits: ``Proof.carrier_receivable`` is, per carrier, the ledger's
carrier COD payments minus its remittance lines. Per code it must never be negative and must
equal what the COD receivables still say the carrier holds.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.codes import reference_of
from market.extensions import db
from orders.models import Order
from payments.cod_models import CodReceivable
from payments.ledger import COUNTS, flagged_outstanding
from payments.models import EntryKind, LedgerEntry, PaymentMethod
from payments.part_money import fees_by_code
from payments.settlement import WITHDRAWN

Sums = dict[str | None, int]

ORDERS_PER_QUERY = 500  # far below SQLite's limit on bound parameters


@dataclass(frozen=True)
class PartShare:
    """One paid part as the ledger has it: its share, refunds against it, and standing."""

    code: str
    part_ref: str
    producer_id: int
    cash: bool  # paid in cash to the producer, who keeps it
    earned: int
    refunded: int
    withdrawn: bool  # cancelled after payment: what it holds goes back to the payer

    @property
    def held(self) -> int:
        """What the part still holds after refunds."""
        return self.earned - self.refunded


@dataclass
class CodeTerms:
    """The invariant's terms for one payment code."""

    code: str | None
    received: int = 0
    owed: int = 0
    kept_in_cash: int = 0
    refunds_due: int = 0
    refunded: int = 0
    awaiting: int = 0
    fees: int = 0

    @property
    def unaccounted(self) -> int:
        """Received money no term accounts for (negative: more accounted than received)."""
        return self.received - (
            self.owed
            + self.kept_in_cash
            + self.refunds_due
            + self.refunded
            + self.awaiting
            + self.fees
        )


@dataclass
class Proof:
    """The terms per code, the totals, and every problem found (empty: the ledger balances)."""

    codes: dict[str | None, CodeTerms]
    paid_out: int
    problems: list[tuple[str, str]] = field(default_factory=list)  # (code or producer, why)
    owed_back: dict[int, int] = field(default_factory=dict)  # producer → refunded after payout
    carrier_receivable: dict[str, int] = field(default_factory=dict)  # carrier → cash it holds

    def total(self, term: str) -> int:
        """One term summed over every code."""
        return sum(getattr(terms, term) for terms in self.codes.values())

    @property
    def ok(self) -> bool:
        """True when every đồng is accounted for and nothing impossible was found."""
        return not self.problems


def _per_code(query: sa.Select) -> Sums:
    return {code: int(amount) for code, amount in db.session.execute(query)}


def received() -> Sums:
    """Money that reached the market (or a producer, in cash), per code."""
    return _per_code(
        sa.select(LedgerEntry.target_code, sa.func.sum(LedgerEntry.amount))
        .where(LedgerEntry.kind == EntryKind.PAYMENT)
        .group_by(LedgerEntry.target_code)
    )


def refunded() -> Sums:
    """Refunds made or in flight (a failed refund counts for nothing), per code."""
    return _per_code(
        sa.select(LedgerEntry.target_code, sa.func.sum(LedgerEntry.amount))
        .where(LedgerEntry.kind == EntryKind.REFUND, COUNTS)
        .group_by(LedgerEntry.target_code)
    )


def flagged_refunds_due() -> Sums:
    """Money flagged to go back (overpaid, late, unmatched) not yet given back, per code."""
    outstanding = flagged_outstanding()
    return _per_code(
        sa.select(
            LedgerEntry.target_code,
            sa.func.sum(sa.case((outstanding > 0, outstanding), else_=0)),
        )
        .where(LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.refund_due > 0)
        .group_by(LedgerEntry.target_code)
    )


def part_shares() -> list[PartShare]:
    """Every paid part with its share, the refunds against it and whether it was withdrawn."""
    entry = LedgerEntry
    earning = entry.kind == EntryKind.EARNING
    refund = sa.and_(entry.kind == EntryKind.REFUND, COUNTS)
    in_cash = sa.and_(earning, entry.method == PaymentMethod.CASH)

    def total(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, entry.amount), else_=0)), 0)

    rows = db.session.execute(
        sa.select(
            entry.target_code,
            entry.part_ref,
            sa.func.max(sa.case((earning, entry.producer_id))),
            sa.func.max(sa.case((in_cash, 1), else_=0)),
            total(earning),
            total(refund),
            sa.func.max(sa.case((earning, entry.refund_due), else_=0)),
        )
        .where(entry.part_ref.is_not(None))
        .group_by(entry.target_code, entry.part_ref)
        .order_by(entry.target_code, entry.part_ref)
    )
    return [
        PartShare(code, ref, producer, bool(cash), int(earned), int(back), bool(withdrawn))
        for code, ref, producer, cash, earned, back, withdrawn in rows
    ]


def owed_to_producers(shares: Iterable[PartShare]) -> Sums:
    """The market's money for paid parts that stand (held, then payable), per code."""
    return _sum_shares(s for s in shares if not s.withdrawn and not s.cash)


def kept_by_producers(shares: Iterable[PartShare]) -> Sums:
    """Cash producers took for their parts that stand, per code."""
    return _sum_shares(s for s in shares if not s.withdrawn and s.cash)


def withdrawn_refunds_due(shares: Iterable[PartShare]) -> Sums:
    """What parts withdrawn after payment still hold: owed back to the payer, per code."""
    return _sum_shares(s for s in shares if s.withdrawn)


def _sum_shares(shares: Iterable[PartShare]) -> Sums:
    found: Sums = defaultdict(int)
    for share in shares:
        found[share.code] += share.held
    return found


def awaiting() -> Sums:
    """Money applied to codes none of whose parts is paid yet (an order paid in part)."""
    earned = sa.select(LedgerEntry.target_code).where(LedgerEntry.kind == EntryKind.EARNING)
    refund = sa.and_(LedgerEntry.kind == EntryKind.REFUND, COUNTS)
    payment = LedgerEntry.kind == EntryKind.PAYMENT

    def total(condition: sa.ColumnElement[bool], column: sa.ColumnElement[int]) -> sa.ColumnElement:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, column), else_=0)), 0)

    flagged = total(payment, LedgerEntry.refund_due)
    unassigned = total(sa.and_(refund, LedgerEntry.part_ref.is_(None)), LedgerEntry.amount)
    applied = total(payment, LedgerEntry.amount) - sa.case(
        (flagged > unassigned, flagged), else_=unassigned
    )
    return _per_code(
        sa.select(LedgerEntry.target_code, applied)
        .where(LedgerEntry.target_code.is_not(None), LedgerEntry.target_code.not_in(earned))
        .group_by(LedgerEntry.target_code)
    )


def marketplace_fees() -> Sums:
    """The market's commission (with VAT) its paid parts carry now, per code; it comes out of
    what the producers are owed (``payments.part_money.fees_by_code``)."""
    return dict(fees_by_code())


def paid_out() -> int:
    """Everything the market paid out to producers."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.kind == EntryKind.PAYOUT
            )
        )
    )


def paid_out_by_producer() -> dict[int, int]:
    """What the market paid out to each producer (a transfer that came back paid nothing)."""
    rows = db.session.execute(
        sa.select(LedgerEntry.producer_id, sa.func.sum(LedgerEntry.amount))
        .where(LedgerEntry.kind == EntryKind.PAYOUT, COUNTS)
        .group_by(LedgerEntry.producer_id)
    )
    return {producer: int(amount) for producer, amount in rows}


def verify() -> Proof:
    """Compute every term per code and check the invariant and what must never happen."""
    shares = part_shares()
    terms: dict[str | None, CodeTerms] = {}

    def put(sums: Sums, name: str) -> None:
        for code, amount in sums.items():
            row = terms.setdefault(code, CodeTerms(code))
            setattr(row, name, getattr(row, name) + amount)

    put(received(), "received")
    put(refunded(), "refunded")
    put(flagged_refunds_due(), "refunds_due")
    put(withdrawn_refunds_due(shares), "refunds_due")
    put(owed_to_producers(shares), "owed")
    put(kept_by_producers(shares), "kept_in_cash")
    put(awaiting(), "awaiting")
    fees = marketplace_fees()
    put(fees, "fees")
    put({code: -fee for code, fee in fees.items()}, "owed")  # fees come out of the shares
    proof = Proof(codes=terms, paid_out=paid_out())
    for row in terms.values():
        if row.unaccounted:
            proof.problems.append(
                (row.code or "-", f"{row.unaccounted:+} đồng received but not accounted for")
            )
    for share in shares:
        if not 0 <= share.refunded <= share.earned:
            proof.problems.append(
                (share.code, f"part {share.part_ref} refunded {share.refunded} of {share.earned}")
            )
    _check_producers(proof, shares)
    _check_orders(proof, shares)
    _check_carrier_cod(proof)
    return proof


def carrier_cod_by_code() -> dict[str, tuple[int, int]]:
    """Per code, the cash carriers collected on delivery and what they remitted, as the ledger
    has them."""
    collected = sa.and_(
        LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.method == PaymentMethod.CARRIER_COD
    )
    remitted = LedgerEntry.kind == EntryKind.REMITTANCE
    rows = db.session.execute(
        sa.select(
            LedgerEntry.target_code,
            sa.func.sum(sa.case((collected, LedgerEntry.amount), else_=0)),
            sa.func.sum(sa.case((remitted, LedgerEntry.amount), else_=0)),
        )
        .where(sa.or_(collected, remitted))
        .group_by(LedgerEntry.target_code)
    )
    return {code: (int(c), int(r)) for code, c, r in rows}


def _check_carrier_cod(proof: Proof) -> None:
    """What carriers hold per the ledger agrees with the receivables, and is never negative."""
    receivables = db.session.execute(
        sa.select(
            CodReceivable.target_code,
            CodReceivable.carrier,
            CodReceivable.amount,
            CodReceivable.remitted,
        )
    ).all()
    by_code: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for code, carrier, amount, remitted in receivables:
        collected, back = by_code[code]
        by_code[code] = (collected + amount, back + remitted)
        proof.carrier_receivable[carrier] = proof.carrier_receivable.get(carrier, 0) + (
            amount - remitted
        )
    ledger = carrier_cod_by_code()
    for code in sorted(set(ledger) | set(by_code)):
        collected, remitted = ledger.get(code, (0, 0))
        if remitted > collected:
            proof.problems.append((code, f"carriers remitted {remitted} of {collected} collected"))
        elif (collected, remitted) != by_code.get(code, (0, 0)):
            held = by_code.get(code, (0, 0))
            proof.problems.append(
                (
                    code,
                    f"carrier COD in the ledger {collected}/{remitted} (collected/remitted), "
                    f"receivables {held[0]}/{held[1]}",
                )
            )


def _check_producers(proof: Proof, shares: list[PartShare]) -> None:
    """Never more paid out than earned; paid out beyond what still stands is owed back."""
    earned: dict[int, int] = defaultdict(int)
    standing: dict[int, int] = defaultdict(int)
    for share in shares:  # a part with refunds but no earning has no producer: checked above
        if share.cash or share.producer_id is None:
            continue
        earned[share.producer_id] += share.earned
        if not share.withdrawn:
            standing[share.producer_id] += share.held
    for producer, amount in sorted(paid_out_by_producer().items()):
        if amount > earned[producer]:
            proof.problems.append(
                (
                    f"producer {producer}",
                    f"paid out {amount - earned[producer]} đồng more than earned",
                )
            )
        elif amount > standing[producer]:
            proof.owed_back[producer] = amount - standing[producer]


def _check_orders(proof: Proof, shares: list[PartShare]) -> None:
    """Orders' parts agree with the ledger: paid as earned, refunded as refunded, and a part
    cancelled after payment is withdrawn (never payable for goods not delivered)."""
    by_ref = {share.part_ref: share for share in shares}
    codes = {share.code for share in shares} | {c for c in proof.codes if c}
    references = sorted({ref for code in codes if (ref := reference_of(code)) is not None})
    for start in range(0, len(references), ORDERS_PER_QUERY):
        chunk = references[start : start + ORDERS_PER_QUERY]
        orders = db.session.scalars(
            sa.select(Order).where(Order.code.in_(chunk)).options(so.selectinload(Order.parts))
        ).all()
        _check_parts(proof, orders, by_ref)


def _check_parts(proof: Proof, orders: Iterable[Order], by_ref: dict[str, PartShare]) -> None:
    """Compare each part of ``orders`` with its share in the ledger."""
    for order in orders:
        for part in order.parts:
            share = by_ref.get(part.reference)
            earned = share.earned if share else 0
            if part.paid_amount != earned:
                proof.problems.append(
                    (
                        order.payment_code,
                        f"part {part.reference} marked paid {part.paid_amount}, ledger {earned}",
                    )
                )
            if share and part.status in WITHDRAWN and not share.withdrawn and share.held:
                proof.problems.append(
                    (
                        order.payment_code,
                        f"part {part.reference} is {part.status.value} but still owed "
                        "to its producer",
                    )
                )
            if share and part.refunded_amount != min(share.refunded, part.paid_amount):
                proof.problems.append(
                    (
                        order.payment_code,
                        f"part {part.reference} marked refunded {part.refunded_amount}, "
                        f"ledger {share.refunded}",
                    )
                )
