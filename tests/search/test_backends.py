"""Each backend folds documents exactly as queries are folded, and reports on itself."""

import unicodedata

import pytest
import sqlalchemy as sa
from flask import Flask

from catalog.models import Product
from catalog.search import indexing, postgres_backend
from catalog.search.tantivy_backend import analyzed
from catalog.search.text import folded_words
from catalog.search.whoosh_backend import build_schema
from market.extensions import db
from market.text import nfc

SAMPLES = [
    "Cam sành Hàm Yên",
    "ĐẶC SẢN Đồng Văn",
    unicodedata.normalize("NFD", "Chè Shan tuyết Hồng Thái"),
    "Bưởi, mật ong & rượu ngô (500g)",
    "Thuý Hoá Ỷ La — ướt ườn, Đội Cấn",
]


def _backend_words(app: Flask, text: str) -> list[str]:
    with app.app_context():
        if indexing.backend().name == "postgres":
            # A tsvector keeps each word once, in sorted order.
            vector = postgres_backend.word_vector(nfc(text))
            return db.session.scalar(sa.select(sa.func.tsvector_to_array(vector)))
        if indexing.backend().name == "tantivy":
            return analyzed(text)
        return [t.text for t in build_schema()["text"].analyzer(nfc(text))]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_backend_folds_documents_like_queries(app: Flask, backend_name: str, text: str) -> None:
    expected = folded_words(text)
    if backend_name == "postgres":
        expected = sorted(set(expected))
    assert _backend_words(app, text) == expected


def test_an_empty_catalog_searches_cleanly(app: Flask) -> None:
    response = app.test_client().get("/api/v1/products", query_string={"q": "cam"})
    assert response.status_code == 200
    assert response.json["total"] == 0
    assert response.json["items"] == []


def test_the_vocabulary_counts_the_products_that_hold_a_word(
    app: Flask, catalog: dict[str, int]
) -> None:
    with app.app_context():
        indexing.apply_pending()
        backend = indexing.backend()
        assert not backend.word_counts({"quyt"}).get("quyt")
        for held, name in enumerate(["Bưởi Soi Hà", "Cam sành Hàm Yên"], start=1):
            product = db.session.get(Product, catalog[name])
            product.name = f"Quýt {product.name}"
            db.session.commit()
            indexing.apply_pending()
            assert backend.word_counts({"quyt", "qyut"}) in (
                {"quyt": held},
                {"quyt": held, "qyut": 0},
            )
