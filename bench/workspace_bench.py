"""Producer workspace benchmark: a 10,000-row CSV import and a 1,000-product quick edit.

    python -m bench.workspace_bench [--rows 10000] [--edits 1000] [--repeat 3] [--database URL]

The import goes through the real service (check, then write, as the web page and the CLI do); the
quick edit is a real HTTP form POST through the Flask test client, as a signed-in owner. Each run
starts from a fresh producer. Prints the median of ``--repeat`` runs against the targets
(import ≤ 20 s, quick edit ≤ 3 s). SQLite in a temporary folder by default; pass a PostgreSQL URL
with ``--database`` (its tables are dropped and recreated: never point it at real data).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from catalog.audit import Actor, AuditEntry
from catalog.categories import sync_categories
from catalog.models import MemberRole, Producer, ProducerKind, ProducerMember, ProducerStatus
from catalog.workspace import imports
from market import create_app
from market.accounts.models import Role, User
from market.extensions import db

IMPORT_TARGET_S = 20.0
EDIT_TARGET_S = 3.0


def _csv(rows: int) -> bytes:
    lines = [",".join(imports.COLUMNS)]
    for n in range(rows):
        price = f"{(10 + n % 500) * 1_000:,}".replace(",", ".")  # written 125.000, as in Excel
        lines.append(
            f'B-{n:06d},Sản phẩm thử {n},I.1.a,kg,"{price}",{n % 97},Mô tả {n},vietgap,,,active'
        )
    return "\n".join(lines).encode("utf-8")


def _producer(n: int) -> tuple[int, int]:
    owner = User(name=f"Bench {n}", email=f"bench{n}@example.vn", role=Role.SHOPPER)
    owner.password_hash = "x"
    producer = Producer(
        slug=f"bench-{n}",
        name=f"HTX Bench {n}",
        kind=ProducerKind.COOPERATIVE,
        area_slug="ham-yen",
        commune_code="02392",
        status=ProducerStatus.VERIFIED,
    )
    db.session.add_all([owner, producer])
    db.session.flush()
    db.session.add(ProducerMember(producer_id=producer.id, user_id=owner.id, role=MemberRole.OWNER))
    db.session.commit()
    return producer.id, owner.id


def _import(producer_id: int, owner_id: int, data: bytes) -> float:
    producer = db.session.get(Producer, producer_id)
    start = time.perf_counter()
    plan = imports.plan_import(producer, data)
    if not plan.valid:
        raise SystemExit(f"Benchmark file invalid: {plan.problems[:3]}")
    imports.apply_import(producer, plan, Actor(owner_id, "owner"))
    return time.perf_counter() - start


def _quick_edit_form(producer_id: int, edits: int) -> dict:
    rows = db.session.execute(
        sa.text("SELECT id, price, stock FROM products WHERE producer_id = :p ORDER BY name, id"),
        {"p": producer_id},
    ).all()[:edits]
    form: dict = {"id": [], "reason": "restock"}
    for product_id, price, stock in rows:
        form["id"].append(str(product_id))
        form[f"price-{product_id}"] = f"{price + 500:,}".replace(",", ".")
        form[f"stock-{product_id}"] = str(stock + 3)
        form[f"stock_was-{product_id}"] = str(stock)
        form[f"low-{product_id}"] = "4"
    return form


def main() -> None:
    """Run the benchmark and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the imported CSV")
    parser.add_argument("--edits", type=int, default=1_000, help="products in the quick edit")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--database", default="", help="database URL (default: temporary SQLite)")
    args = parser.parse_args()
    edits = min(args.edits, 1_000)  # the quick-edit page shows at most 1,000 rows

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app(
            {
                "ENV_NAME": "development",  # driven in process through the test client
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": folder,
                "MEDIA_ROOT": str(Path(folder) / "media"),
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "MAIL_BACKEND": "memory",
                "JOBS_EAGER": True,  # no worker: jobs and search updates run in this process
            }
        )
        # Each step in its own app context and the HTTP request outside any: a request inside a
        # context the bench holds would share its ``g`` (the signed-in user) across runs.
        with app.app_context():
            db.drop_all()
            db.create_all()
            sync_categories()
        data = _csv(args.rows)
        import_times, edit_times = [], []
        for run in range(args.repeat):
            with app.app_context():
                producer_id, owner_id = _producer(run)
                import_times.append(_import(producer_id, owner_id, data))
                form = _quick_edit_form(producer_id, edits)
                owner_session_id = db.session.get(User, owner_id).get_id()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = owner_session_id
                session["_fresh"] = True
            start = time.perf_counter()
            response = client.post(f"/ban-hang/{producer_id}/gia-va-kho?per_page=1000", data=form)
            edit_times.append(time.perf_counter() - start)
            with app.app_context():
                saved = db.session.scalar(
                    sa.select(sa.func.count(AuditEntry.id)).where(
                        AuditEntry.producer_id == producer_id,
                        AuditEntry.action == "product.quick_edit",
                    )
                )
            if response.status_code != 302 or saved != len(form["id"]):
                raise SystemExit(f"Quick edit failed: HTTP {response.status_code}, {saved} saved")
        with app.app_context():
            dialect = db.engine.dialect.name
            if dialect != "sqlite":  # the SQLite file goes with the temporary folder
                db.drop_all()
            db.engine.dispose()

    import_median = statistics.median(import_times)
    edit_median = statistics.median(edit_times)
    print(f"workspace benchmark on {dialect}, {args.repeat} run(s) each")
    print(
        f"import {args.rows} rows (check + write): median {import_median:.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in import_times)}; target ≤ {IMPORT_TARGET_S:.0f} s)"
    )
    print(
        f"quick edit of {len(form['id'])} products over HTTP: median {edit_median:.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in edit_times)}; target ≤ {EDIT_TARGET_S:.0f} s)"
    )


if __name__ == "__main__":
    main()
