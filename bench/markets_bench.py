"""Sales reports on a province's worth of sales: every report timed on SQLite and PostgreSQL.

    python -m bench.markets_bench [--lines 1000000] [--runs 3]
                                  [--database-url postgresql+psycopg://.../bench_markets]
                                  [--no-postgres]

Loads ``--lines`` sales lines (60 % online order lines, 40 % stall sales; a stall sale without
products counts as one line) over two years, 25 markets and 500 stalls, into a temporary SQLite
file and into a throwaway schema of a PostgreSQL database (``bench_markets`` by default, made
if missing; never ``test``), through the real migrations and indexes. Then it times every
report of ``market.markets.reports`` for four cases (the last 30 days and the two years for the
province, the two years for one district and for one market) and prints the median of
``--runs`` runs in milliseconds, marking those over the 2 s target.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.harness import fresh_database, loading_app, refresh_statistics
from bench.markets_data import load_sales
from market.extensions import db
from market.markets import reports
from market.markets.models import Market
from market.markets.scopes import Grain, Period, Scope

TARGET_SECONDS = 2.0
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_markets"


def cases(today: date) -> list[tuple[str, Scope, Period]]:
    """The scopes and periods each report is timed for."""
    month = Period(today - timedelta(days=29), today, Grain.DAY)
    years = Period(today - timedelta(days=729), today, Grain.MONTH)
    district = db.session.scalar(
        sa.select(Market.district_code)
        .group_by(Market.district_code)
        .order_by(sa.func.count().desc(), Market.district_code)
        .limit(1)
    )
    market_id = db.session.scalar(sa.select(sa.func.min(Market.id)))
    province = Scope("all", "province", None)
    return [
        ("province · 30 d", province, month),
        ("province · 2 y", province, years),
        ("district · 2 y", Scope(f"district:{district}", "district", None, district), years),
        ("market · 2 y", Scope(f"market:{market_id}", "market", (market_id,)), years),
    ]


def timed(function: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
        db.session.rollback()
    return statistics.median(times)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist (never ``test``)."""
    target = sa.engine.make_url(url)
    if not target.database or target.database.startswith("test"):
        raise SystemExit("Refusing to benchmark in a database named test*: use bench_markets.")
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def run(label: str, database_url: str | None, lines: int, runs: int) -> list[str]:
    """Load the data into one database and time every report; the slow ones' names."""
    slow = []
    with fresh_database(database_url) as database:
        app = loading_app(database)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            counts = load_sales(lines)
            refresh_statistics()
            loaded = time.perf_counter() - started
            print(
                f"\n{label}: loaded in {loaded:.0f} s: "
                + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
            )
            chosen = cases(date.today())
            header = f"{'report (median ms)':<16}" + "".join(f"{c[0]:>18}" for c in chosen)
            print(header)
            print("-" * len(header))
            for name, function in reports.REPORTS.items():
                cells = []
                for case, scope, period in chosen:
                    seconds = timed(lambda f=function, s=scope, p=period: f(s, p), runs)
                    over = seconds > TARGET_SECONDS
                    if over:
                        slow.append(f"{label} {name} ({case})")
                    cells.append(f"{seconds * 1000:>16.0f}{' !' if over else '  '}")
                print(f"{name:<16}" + "".join(cells), flush=True)
            db.session.remove()
            db.engine.dispose()
    return slow


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run SQLite then PostgreSQL, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="sales lines to load")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per report (median)")
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES, help="PostgreSQL database")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    if args.lines < 100 or args.runs < 1:
        parser.error("--lines must be at least 100 and --runs at least 1")
    print(f"Sales reports on {args.lines:,} lines over two years; target ≤ {TARGET_SECONDS:.0f} s")
    slow = run("SQLite", None, args.lines, args.runs)
    if not args.no_postgres:
        try:
            ensure_database(args.database_url)
        except sa.exc.OperationalError as error:
            print(f"\nPostgreSQL not reachable, skipped: {error.orig}")
        else:
            slow += run("PostgreSQL", args.database_url, args.lines, args.runs)
    if slow:
        print("\nOver the target (!): " + "; ".join(slow))
    else:
        print(f"\nEvery report took at most {TARGET_SECONDS:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
