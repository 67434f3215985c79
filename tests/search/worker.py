"""A second process for the freshness tests: ``python -m tests.search.worker ACTION CONFIG``.

It builds its own app on the same database and index folder, does one thing, and exits.
"""

import json
import os
import sys

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Producer, ProducerStatus, Product
from catalog.search import indexing
from market import create_app
from market.extensions import db


def _rename(product_id: int, name: str) -> None:
    db.session.get(Product, product_id).name = name
    db.session.commit()


def main(action: str, config: dict, arg: str) -> None:
    """Do ``action`` and exit."""
    app = create_app(config)
    with app.app_context():
        if action == "rename":
            product_id, name = arg.split(":", 1)
            _rename(int(product_id), name)
        elif action == "rename-and-apply":
            product_id, name = arg.split(":", 1)
            _rename(int(product_id), name)
            indexing.apply_pending()
        elif action == "suspend":
            db.session.get(Producer, int(arg)).status = ProducerStatus.SUSPENDED
            db.session.commit()
        elif action == "hold-writer":
            with so.Session(db.engine) as session:
                writer = indexing.backend().writer(session)
                print("holding", flush=True)
                sys.stdin.readline()
                writer.cancel()
        elif action == "die-mid-apply":
            with so.Session(db.engine) as session:
                writer = indexing.backend().writer(session)
                ids = session.scalars(sa.select(Product.id)).all()
                indexing.write_products(session, writer, ids)
                os._exit(3)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
