"""Demo photos are deterministic drawings; demo data is checked before anything is written."""

import io
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner
from PIL import Image

from catalog.models import Producer
from market.demo import dataset
from market.demo.motifs import MOTIFS
from market.demo.photos import BACKDROPS, draw_photo
from market.extensions import db


@pytest.mark.parametrize("motif", sorted(MOTIFS))
def test_every_motif_draws_the_same_picture_for_the_same_seed(motif: str) -> None:
    first = draw_photo(motif, "I", "san-pham-thu", 0, 96)
    assert draw_photo(motif, "I", "san-pham-thu", 0, 96) == first
    assert draw_photo(motif, "I", "san-pham-thu", 1, 96) != first
    with Image.open(io.BytesIO(first)) as picture:
        assert (picture.format, picture.size) == ("PNG", (96, 72))


def test_photo_background_follows_the_ocop_group() -> None:
    corners = set()
    for group in BACKDROPS:
        with Image.open(io.BytesIO(draw_photo("tea", group, "seed", 0, 96))) as picture:
            corners.add(picture.convert("RGB").getpixel((2, 2)))
    assert len(corners) == len(BACKDROPS)


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the demo data that the loader reads instead of the real one."""
    folder = tmp_path / "data"
    shutil.copytree(dataset.DATA_DIR, folder)
    monkeypatch.setattr(dataset, "DATA_DIR", folder)
    monkeypatch.setattr(dataset, "ACCOUNTS_FILE", folder / "accounts.json")
    return folder


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(commune="khong-co-xa-nay"), "no commune 'khong-co-xa-nay'"),
        (lambda p: p["bank"].update(bin="999999"), "unknown bank BIN 999999"),
        (lambda p: p.update(phone="12345"), "not a mobile number"),
        (lambda p: p["products"][0].update(gtin="8936045120010"), "invalid GTIN"),
        (lambda p: p["products"][0].update(category="I"), "not an OCOP leaf"),
        (lambda p: p["products"][0].update(photo="unicorn"), "no photo motif"),
    ],
)
def test_bad_demo_data_is_refused_and_nothing_is_loaded(
    app: Flask, runner: FlaskCliRunner, data_copy: Path, change, message: str
) -> None:
    path = data_copy / "070-tp-tuyen-quang.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw["producers"][0])
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["demo", "load", "--no-photos"])
    assert result.exit_code == 1
    assert "The demo data is not valid" in result.output
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Producer)) == 0
