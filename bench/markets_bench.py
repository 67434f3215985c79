"""Sales reports on a province's worth of sales: every report timed on SQLite and PostgreSQL.

    python -m bench.markets_bench [--lines 1000000] [--runs 3]
                                  [--database-url postgresql+psycopg://.../bench_markets]
                                  [--no-postgres]

Loads ``--lines`` sales lines (60 % online order lines, 40 % stall sales; a stall sale without
products counts as one line) over two years, 25 markets and 500 stalls, into a temporary SQLite
file and into a throwaway schema of a PostgreSQL database (``bench_markets`` by default, made
if missing; never ``test``), through the real migrations and indexes. Then it times every
report of ``market.markets.reports`` for four cases (the last 30 days and the two years for the
province, the two years for one area and for one market) and prints the median of
``--runs`` runs in milliseconds, marking those over the 0.3 s target (issue #15), then the
worst report of each database beside the issue's figure from before (median, p95, ratio) and
the load average. The reports read the sales rollups, rebuilt from the loaded rows before
timing (the rebuild time is printed).
"""

import argparse
import os
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
from market.markets import reports, rollups
from market.markets.models import Market
from market.markets.scopes import Grain, Period, Scope

TARGET_SECONDS = 0.3
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_markets"


def cases(today: date) -> list[tuple[str, Scope, Period]]:
    """The scopes and periods each report is timed for."""
    month = Period(today - timedelta(days=29), today, Grain.DAY)
    years = Period(today - timedelta(days=729), today, Grain.MONTH)
    area = db.session.scalar(
        sa.select(Market.area_slug)
        .group_by(Market.area_slug)
        .order_by(sa.func.count().desc(), Market.area_slug)
        .limit(1)
    )
    market_id = db.session.scalar(sa.select(sa.func.min(Market.id)))
    province = Scope("all", "province", None)
    return [
        ("province · 30 d", province, month),
        ("province · 2 y", province, years),
        ("area · 2 y", Scope(f"area:{area}", "area", None, area), years),
        ("market · 2 y", Scope(f"market:{market_id}", "market", (market_id,)), years),
    ]


# The worst report at 1,000,000 lines before this work (issue #15), seconds: (low, high).
BEFORE_WORST = {"SQLite": (1.4, 6.8), "PostgreSQL": (0.65, 0.65)}


def timed(function: Callable[[], object], runs: int) -> list[float]:
    """The wall times of ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
        db.session.rollback()
    return times


def p95(times: list[float]) -> float:
    """The 95th percentile (nearest rank) of ``times``."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def vacuum_rollups() -> None:
    """On PostgreSQL, VACUUM the freshly filled rollups, as autovacuum does after bulk inserts:
    until then no index-only scan is possible (the visibility map is empty)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for model in rollups.MODELS:
            connection.execute(sa.text(f"VACUUM ANALYZE {model.__tablename__}"))


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist (never ``test``)."""
    target = sa.engine.make_url(url)
    if not target.database or target.database == "test":
        # ``test`` is the continuous-integration run's database; a run's schema is its own.
        raise SystemExit("Refusing to benchmark in the database test: use bench_markets.")
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def run(
    label: str, database_url: str | None, lines: int, runs: int
) -> tuple[list[str], tuple[str, list[float]]]:
    """Load the data into one database and time every report; the slow ones' names and the
    worst report's name and times (by median)."""
    slow: list[str] = []
    worst: tuple[str, list[float]] = ("", [0.0])
    with fresh_database(database_url) as database:
        app = loading_app(database)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            counts = load_sales(lines)
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            rolled = rollups.rebuild()
            db.session.commit()
            rebuilt = time.perf_counter() - started
            refresh_statistics()
            vacuum_rollups()
            print(
                f"\n{label}: loaded in {loaded:.0f} s: "
                + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
            )
            print(
                f"rollups rebuilt in {rebuilt:.1f} s: "
                + ", ".join(f"{n:,} rows in {table}" for table, n in rolled.items())
            )
            chosen = cases(date.today())
            header = f"{'report (median ms)':<16}" + "".join(f"{c[0]:>18}" for c in chosen)
            print(header)
            print("-" * len(header))
            print(f"(load average {os.getloadavg()[0]:.1f} at the start)")
            for name, function in reports.REPORTS.items():
                cells = []
                for case, scope, period in chosen:
                    times = timed(lambda f=function, s=scope, p=period: f(s, p), runs)
                    seconds = statistics.median(times)
                    if seconds > statistics.median(worst[1]):
                        worst = (f"{name} ({case})", times)
                    over = seconds > TARGET_SECONDS
                    if over:
                        slow.append(f"{label} {name} ({case})")
                    cells.append(f"{seconds * 1000:>16.0f}{' !' if over else '  '}")
                print(f"{name:<16}" + "".join(cells), flush=True)
            print(f"(load average {os.getloadavg()[0]:.1f} at the end)")
            db.session.remove()
            db.engine.dispose()
    return slow, worst


def worst_table(worst: dict[str, tuple[str, list[float]]], lines: int) -> list[str]:
    """The issue's measure, worst report before and now, with medians, p95 and ratios."""
    rows = [
        "",
        f"Worst report at {lines:,} lines (issue #15 target ≤ {TARGET_SECONDS:.1f} s)",
        f"{'database':<12}{'report':<34}{'before (s)':>12}{'median (s)':>12}{'p95 (s)':>9}"
        f"{'ratio':>8}",
    ]
    for label, (name, times) in worst.items():
        low, high = BEFORE_WORST[label]
        before = f"{low:.2f}" if low == high else f"{low:.1f}–{high:.1f}"
        median = statistics.median(times)
        rows.append(
            f"{label:<12}{name:<34}{before:>12}{median:12.2f}{p95(times):9.2f}{low / median:7.1f}×"
        )
    rows.append('"ratio": the before figure (its lower end) ÷ the median now; above 1 is faster.')
    return rows


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
    print(f"Sales reports on {args.lines:,} lines over two years; target ≤ {TARGET_SECONDS:.1f} s")
    slow, found = run("SQLite", None, args.lines, args.runs)
    worst = {"SQLite": found}
    if not args.no_postgres:
        try:
            ensure_database(args.database_url)
        except sa.exc.OperationalError as error:
            print(f"\nPostgreSQL not reachable, skipped: {error.orig}")
        else:
            more, worst["PostgreSQL"] = run("PostgreSQL", args.database_url, args.lines, args.runs)
            slow += more
    print("\n".join(worst_table(worst, args.lines)))
    if slow:
        print("\nOver the target (!): " + "; ".join(slow))
    else:
        print(f"\nEvery report took at most {TARGET_SECONDS:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
