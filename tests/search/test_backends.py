"""Each backend folds documents exactly as queries are folded, and reports on itself."""

import unicodedata

import pytest
import sqlalchemy as sa
from flask import Flask

from catalog.search import indexing
from catalog.search.text import folded_words, nfc
from catalog.search.whoosh_backend import build_schema
from market.extensions import db

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
            folded = db.session.scalar(sa.select(sa.func.search_fold(nfc(text))))
            return folded.split()
        return [t.text for t in build_schema()["text"].analyzer(nfc(text))]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_backend_folds_documents_like_queries(app: Flask, text: str) -> None:
    assert _backend_words(app, text) == folded_words(text)


def test_an_empty_catalog_searches_cleanly(app: Flask) -> None:
    response = app.test_client().get("/api/v1/products", query_string={"q": "cam"})
    assert response.status_code == 200
    assert response.json["total"] == 0
    assert response.json["items"] == []
