"""A copy of the old demo (made at migration 0017, before the 2025 units) walks through
0021_places on SQLite and PostgreSQL: every producer, market, growing area and order address is
kept, each place mapped to an official commune or listed for a manager, none guessed."""

import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from market import create_app
from market.extensions import db
from tests.test_migrations import _migration_url

OLD_DEMO = json.loads(
    (Path(__file__).parent / "data" / "old_demo_0017.json").read_text(encoding="utf-8")
)
PLACED = ("producers", "markets", "growing_areas")

# Places the old demo never used: a commune split in 2025, communes merged before 2025.
UNDECIDED = [
    ("producers", {"slug": "ho-kim-phu", "district_code": "070", "commune_code": "kim-phu"}),
    ("producers", {"slug": "ho-thang-quan", "district_code": "075", "commune_code": "thang-quan"}),
    ("markets", {"name": "Chợ Hồng Lạc", "district_code": "076", "commune_code": "hong-lac"}),
]

# Order addresses as checkout stored them before: Tuyên Quang by code, elsewhere typed.
ORDERS = {
    "home": ("08", "Tuyên Quang", "074", "Huyện Hàm Yên", "phu-luu", "Phù Lưu"),
    "home-split": ("08", "Tuyên Quang", "070", "Thành phố Tuyên Quang", "kim-phu", "Kim Phú"),
    "home-gone": ("08", "Tuyên Quang", "076", "Huyện Sơn Dương", "hong-lac", "Hồng Lạc"),
    "ha-noi": ("01", "Hà Nội", None, "Ba Đình", None, "Phường Giảng Võ"),
    "ha-noi-gone": ("01", "Hà Nội", None, "Ba Đình", None, "Phường Đội Cấn"),
    "ha-giang": ("02", "Hà Giang", None, "Huyện Bắc Quang", None, "Xã Việt Vinh"),
    "pickup": (None, "", None, "", None, ""),
}


def _values(table: sa.Table, row: dict) -> dict:
    """A row of the JSON copy as the database's column types want it."""
    out = {}
    for name, value in row.items():
        column = table.c[name]
        if value is not None and isinstance(column.type, sa.DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, sa.Boolean):
            value = bool(value)
        out[name] = value
    return out


def _fill_old_demo(connection: sa.Connection) -> dict[str, int]:
    """The old demo's places plus undecided places and old order addresses; ids by key."""
    meta = sa.MetaData()
    tables = {name: sa.Table(name, meta, autoload_with=connection) for name in (*PLACED, "orders")}
    for name in PLACED:
        connection.execute(
            sa.insert(tables[name]), [_values(tables[name], row) for row in OLD_DEMO[name]]
        )
    template = {k: v for k, v in OLD_DEMO["producers"][0].items() if k != "id"}
    market = {k: v for k, v in OLD_DEMO["markets"][0].items() if k != "id"}
    ids = {}
    for n, (name, changes) in enumerate(UNDECIDED, start=1):
        base = template if name == "producers" else market
        # Explicit ids after the copied ones (PostgreSQL's sequences did not see those).
        row_id = max(row["id"] for row in OLD_DEMO[name]) + n
        row = {**base, **changes, "id": row_id, "name": changes.get("name", "Hộ thử")}
        connection.execute(sa.insert(tables[name]).values(_values(tables[name], row)))
        ids[changes.get("slug") or changes["name"]] = row_id
    for n, (key, place) in enumerate(ORDERS.items()):
        province, province_name, district, district_name, commune, commune_name = place
        ids[key] = connection.execute(
            sa.insert(tables["orders"])
            .values(
                code=f"OLD{n:05d}",
                access_token=f"token-{key}",
                idempotency_key=f"key-{key}",
                contact_name="Khách cũ",
                contact_phone="0912345678",
                province_code=province,
                province_name=province_name,
                district_code=district,
                district_name=district_name,
                commune_code=commune,
                commune_name=commune_name,
                street="Số 1" if province else "",
                payment_method="cash",
                items_total=100_000,
                delivery_total=0,
                total=100_000,
                locale="vi",
                created_at=datetime(2025, 5, 1, 3, 0),
            )
            .returning(tables["orders"].c.id)
        ).scalar_one()
    return ids


def _places(connection: sa.Connection, table: str) -> dict[int, tuple]:
    rows = connection.execute(sa.text(f"SELECT id, commune_code, area_slug FROM {table}"))
    return {row.id: (row.commune_code, row.area_slug) for row in rows}


def _reviews(connection: sa.Connection) -> dict[tuple[str, int], tuple]:
    rows = connection.execute(
        sa.text(
            "SELECT record_table, record_id, former_commune, candidates, province_code "
            "FROM place_reviews"
        )
    )
    return {
        (r.record_table, r.record_id): (r.former_commune, r.candidates, r.province_code)
        for r in rows
    }


def test_the_old_demo_keeps_every_place_mapped_or_listed_for_a_manager(
    app_config: dict, tmp_path: Path
) -> None:
    app: Flask = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": _migration_url(tmp_path)})
    with app.app_context():
        upgrade(revision="0017_refund_requests")
        with db.engine.begin() as connection:
            ids = _fill_old_demo(connection)
        upgrade()
        with db.engine.connect() as connection:
            reviews = _reviews(connection)
            for table in PLACED:
                places = _places(connection, table)
                old = {row["id"] for row in OLD_DEMO[table]}
                assert old <= set(places), table  # every row kept, same ids
                # The old demo maps completely and automatically, with its area of origin.
                assert all(places[i][0] and places[i][1] for i in old), table
                for row_id, (code, area) in places.items():
                    assert code is not None or (table, row_id) in reviews, (table, row_id)
                    assert area is not None
            assert reviews[("producers", ids["ho-kim-phu"])] == ("Kim Phú", "02215,02509", "08")
            assert reviews[("producers", ids["ho-thang-quan"])] == ("Thắng Quân", "", "08")
            assert reviews[("markets", ids["Chợ Hồng Lạc"])] == ("Hồng Lạc", "", "08")
            producers = _places(connection, "producers")
            assert producers[ids["ho-kim-phu"]] == (None, "tp-tuyen-quang")

            orders = {
                row.id: row
                for row in connection.execute(
                    sa.text(
                        "SELECT id, province_code, province_name, commune_code, commune_name, "
                        "street FROM orders"
                    )
                )
            }
            assert len(orders) == len(ORDERS)
            mapped = {key: orders[ids[key]] for key in ORDERS}
            assert tuple(mapped["home"][1:5]) == ("08", "Tuyên Quang", "02392", "Xã Phù Lưu")
            assert tuple(mapped["ha-noi"][1:5]) == (
                "01",
                "Thành phố Hà Nội",
                "00025",
                "Phường Giảng Võ",
            )
            # Hà Giang is part of Tuyên Quang now; Việt Vinh went into Xã Bắc Quang, but only
            # a manager may say so: the name matches no commune of today.
            assert tuple(mapped["ha-giang"][1:4]) == ("08", "Tuyên Quang", None)
            assert mapped["ha-giang"].commune_name == "Xã Việt Vinh"
            for key in ("home-split", "home-gone", "ha-noi-gone", "ha-giang"):
                assert mapped[key].commune_code is None
                assert ("orders", ids[key]) in reviews, key
            assert reviews[("orders", ids["home-split"])][1] == "02215,02509"
            assert mapped["pickup"].province_code is None
            assert ("orders", ids["pickup"]) not in reviews
            assert all(order.street == "Số 1" for key, order in mapped.items() if key != "pickup")
            listed = sum(1 for key in reviews if key[0] != "orders")
            assert listed == len(UNDECIDED)

        downgrade(revision="0017_refund_requests")
        with db.engine.connect() as connection:
            for table in PLACED:
                count = connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                assert count == len(OLD_DEMO[table]) + sum(1 for t, _ in UNDECIDED if t == table)
            kept = connection.execute(
                sa.text("SELECT district_code, commune_code FROM producers WHERE id = :id"),
                {"id": ids["ho-kim-phu"]},
            ).one()
            assert tuple(kept) == ("070", "kim-phu")  # a listed place goes back as it was
        db.engine.dispose()
