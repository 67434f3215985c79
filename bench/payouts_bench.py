"""A payout run over 1,000 producers and 100,000 paid parts: balances, the run, all statements.

    python -m bench.payouts_bench [--producers 1000] [--parts 100000] [--repeat 3]
                                  [--database-url postgresql+psycopg://.../bench_pay]

On a fresh database (a temporary SQLite file, or a throwaway PostgreSQL schema; see
``bench.harness``) it loads producers with payout accounts and paid parts as payments records
them (an earning in the ledger and the part's fixed fee; 5 % paid in cash, 3 % partly refunded),
all settled. Then it times, ``--repeat`` times each: every producer's balance
(``producer_balances``), creating the payout run (balances under lock, one line per producer,
every part stamped onto its statement), and producing every statement as PDF and XLSX
(``run_statements``: the run's data in three queries, drawn in worker processes across the
cores). It prints the medians and checks the run: one line per producer, the lines' amounts add
up to what the balances said was payable, every part on exactly one statement. Exits 1 if a
check fails or the whole (balances + run + statements) takes longer than the 30 s target.
"""

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.harness import fresh_database, loading_app, machine_note, refresh_statistics
from catalog.models import BankAccountCheck, Producer, ProducerKind, ProducerStatus
from market.dbtypes import utcnow
from market.extensions import db
from payments.earning_models import PartEarning, PayoutLine, PayoutRun
from payments.models import EntryKind, LedgerEntry, PaymentMethod
from payments.part_money import scaled
from payments.payout_runs import create_run
from payments.payouts import producer_balances
from payments.statements import run_statements

TARGET_SECONDS = 30.0
RATE_BP = 500
BATCH = 5_000


def load(producers: int, parts: int) -> None:
    """Producers with checked accounts, and paid, settled parts spread over them (some cash, some
    partly refunded)."""
    rng = random.Random(12)
    db.session.execute(
        sa.insert(Producer),
        [
            {
                "slug": f"bench-producer-{n}",
                "name": f"HTX Bench {n:04d}",
                "kind": ProducerKind.COOPERATIVE,
                "area_slug": "ham-yen",
                "commune_code": "02392",
                "status": ProducerStatus.VERIFIED,
                "bank_bin": "970436",
                "bank_account": f"0011{n:09d}",
                "bank_holder": f"HTX BENCH {n:04d}",
            }
            for n in range(producers)
        ],
    )
    ids = list(db.session.scalars(sa.select(Producer.id).order_by(Producer.id)))
    db.session.execute(
        sa.insert(BankAccountCheck),
        [
            {
                "producer_id": producer_id,
                "bank_bin": "970436",
                "bank_account": f"0011{n:09d}",
                "bank_holder": f"HTX BENCH {n:04d}",
            }
            for n, producer_id in enumerate(ids)
        ],
    )
    now = utcnow()
    earnings, fixed, refunds = [], [], []
    for n in range(parts):
        producer_id = ids[n % len(ids)]
        code, ref = f"CQB{n:07d}", f"B{n:07d}-1"
        gross = rng.randrange(20, 400) * 1_000
        method = PaymentMethod.CASH if rng.random() < 0.05 else PaymentMethod.BANK_TRANSFER
        paid_at = now - timedelta(days=rng.randrange(5, 60))
        common = {"target_code": code, "part_ref": ref, "producer_id": producer_id}
        earnings.append(
            {
                **common,
                "kind": EntryKind.EARNING,
                "method": method,
                "amount": gross,
                "reference": code,
                "dedupe_key": f"earning:{code}:{ref}",
                "created_at": paid_at,
            }
        )
        fee = scaled(gross, RATE_BP)
        fixed.append(
            {
                **common,
                "method": method,
                "gross": gross,
                "fee_base": gross,
                "rate_bp": RATE_BP,
                "fee": fee,
                "fixed_at": paid_at,
                "payable_at": paid_at + timedelta(days=4),
            }
        )
        if rng.random() < 0.03:
            refunds.append(
                {
                    **common,
                    "kind": EntryKind.REFUND,
                    "method": method,
                    "amount": gross // 4,
                    "reference": f"FT-BACK-{n}",
                    "created_at": paid_at + timedelta(days=1),
                }
            )
    for rows, model in ((earnings, LedgerEntry), (fixed, PartEarning), (refunds, LedgerEntry)):
        for start in range(0, len(rows), BATCH):
            db.session.execute(sa.insert(model), rows[start : start + BATCH])
    db.session.commit()
    refresh_statistics()


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def undo_runs() -> None:
    """Take every run back, so the next repetition starts from the same balances."""
    db.session.execute(
        sa.update(PartEarning).values(statement_line_id=None, stated_refunds=0, stated_fee=0)
    )
    db.session.execute(sa.delete(PayoutLine))
    db.session.execute(sa.delete(PayoutRun))
    db.session.commit()


def statements_of(run_id: int) -> int:
    """Produce every statement of the run as PDF and XLSX; returns how many bytes in all."""
    return sum(len(pdf) + len(xlsx) for _line, pdf, xlsx in run_statements(run_id))


def main(argv: list[str] | None = None) -> int:
    """Load, time, check, print; 1 if a check fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--producers", type=int, default=1_000)
    parser.add_argument("--parts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    failures = []
    with fresh_database(args.database_url) as database:
        app = loading_app(database)
        with app.app_context(), app.test_request_context("/"):
            upgrade()
            loaded, _ = timed(lambda: load(args.producers, args.parts))
            print(
                f"Loaded {args.producers} producers and {args.parts} paid parts in {loaded:.1f} s"
            )
            times: dict[str, list[float]] = {"balances": [], "run": [], "statements": []}
            for _round in range(args.repeat):
                seconds, balances = timed(producer_balances)
                times["balances"].append(seconds)
                payable = sum(b.payable for b in balances if b.payable >= 1)
                seconds, run = timed(lambda: create_run(1, None))
                times["run"].append(seconds)
                seconds, size = timed(partial(statements_of, run.id))
                times["statements"].append(seconds)
                lines = db.session.scalars(
                    sa.select(PayoutLine).where(PayoutLine.run_id == run.id)
                ).all()
                stamped = db.session.scalar(
                    sa.select(sa.func.count()).where(PartEarning.statement_line_id.is_not(None))
                )
                if len(lines) != args.producers:
                    failures.append(f"{len(lines)} lines for {args.producers} producers")
                if sum(line.amount for line in lines) != payable:
                    failures.append("the lines do not add up to the payable balances")
                if stamped != args.parts:
                    failures.append(f"{stamped} of {args.parts} parts on a statement")
                undo_runs()
            medians = {name: statistics.median(values) for name, values in times.items()}
            total = sum(medians.values())
            print(f"Statements: {args.producers} PDF + {args.producers} XLSX, {size / 1e6:.1f} MB")
            for name, value in medians.items():
                print(
                    f"  {name:<11} median {value:6.2f} s  (runs: "
                    + ", ".join(f"{v:.2f}" for v in times[name])
                    + ")"
                )
            print(f"  {'total':<11} median {total:6.2f} s  (target ≤ {TARGET_SECONDS:.0f} s)")
            each = medians["statements"] / args.producers * 1e3
            print(f"  per statement (PDF + XLSX) {each:.1f} ms")
            print(machine_note())
            if total > TARGET_SECONDS:
                failures.append(f"total {total:.1f} s over the {TARGET_SECONDS:.0f} s target")
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
