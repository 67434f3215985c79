"""The OCOP category tree, kept in step with ``catalog/data/ocop_categories.json``."""

import json
from pathlib import Path

import sqlalchemy as sa

from catalog.models import Category
from market.extensions import db
from market.text import slugify

DATA_FILE = Path(__file__).parent / "data" / "ocop_categories.json"


def sync_categories() -> int:
    """Insert or update every category from the data file; returns how many there are."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    existing = {c.code: c for c in db.session.scalars(sa.select(Category))}
    count = 0

    def visit(node: dict, parent: Category | None, position: int) -> None:
        nonlocal count
        category = existing.get(node["code"])
        if category is None:
            category = Category(code=node["code"])
            db.session.add(category)
        category.name_vi = node["vi"]
        category.name_en = node["en"]
        category.slug = f"{slugify(node['code'])}-{slugify(node['vi'])}"[:120]
        category.parent = parent
        category.position = position
        count += 1
        for index, child in enumerate(node.get("children", [])):
            visit(child, category, index)

    for index, group in enumerate(raw["groups"]):
        visit(group, None, index)
    db.session.commit()
    return count


def top_groups() -> list[Category]:
    """The six OCOP groups, in decision order."""
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.parent_id.is_(None)).order_by(Category.position)
        )
    )


def descendant_ids(category: Category) -> list[int]:
    """The ids of a category and everything beneath it (one query, not one per node)."""
    children: dict[int | None, list[int]] = {}
    for node_id, parent_id in db.session.execute(sa.select(Category.id, Category.parent_id)):
        children.setdefault(parent_id, []).append(node_id)
    ids, stack = [], [category.id]
    while stack:
        node_id = stack.pop()
        ids.append(node_id)
        stack.extend(children.get(node_id, ()))
    return ids


def leaf_categories() -> list[Category]:
    """Categories a product may be filed under, in tree order."""
    leaves = db.session.scalars(
        sa.select(Category).where(~Category.children.any()).order_by(Category.code)
    )
    return list(leaves)
