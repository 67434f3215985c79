"""Product photos: known by content, rotated, stripped of metadata, limited, served safely."""

import io
import struct
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, PngImagePlugin

from catalog.images import MAX_BYTES, ImageRejected, read_rendition, store_image
from catalog.models import Product, ProductImage
from market.extensions import db
from market.language_urls import ENVIRON_KEY
from tests.workspace.conftest import Shop
from tests.workspace.samples import jpeg_bytes, noisy_jpeg_bytes, png_bytes


def _exif_jpeg(size: tuple[int, int], orientation: int, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, "orange")
    # Paint the left half so rotation is visible in the pixels, not only in the size.
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (21.0, 49.0, 12.0), 3: "E", 4: (105.0, 13.0, 5.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's signature)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _load(app: Flask, key: str, rendition: str = "original") -> Image.Image:
    path = Path(app.config["MEDIA_ROOT"]) / "images" / key[:2] / key / f"{rendition}.webp"
    with Image.open(path) as image:
        image.load()
        return image


@pytest.fixture
def english(app: Flask):
    """A request in English, so refusal messages can be matched."""
    with app.test_request_context(environ_overrides={ENVIRON_KEY: "en"}):
        yield


def test_exif_orientation_is_applied_before_storing(app: Flask) -> None:
    with app.app_context():
        stored = store_image(_exif_jpeg((200, 100), orientation=6))
        assert (stored.width, stored.height) == (100, 200)
        original = _load(app, stored.key)
        assert original.size == (100, 200)
        # Rotated 90° clockwise: the blue left half is now the top half.
        assert original.convert("RGB").getpixel((50, 10))[2] > 200
        assert original.convert("RGB").getpixel((50, 190))[2] < 100


def test_gps_and_every_other_exif_tag_are_stripped(app: Flask) -> None:
    with app.app_context():
        stored = store_image(_exif_jpeg((120, 90), orientation=1, gps=True))
        for rendition in ("original", "thumb", "card", "zoom"):
            image = _load(app, stored.key, rendition)
            assert not image.getexif(), rendition
            assert "exif" not in image.info and "xmp" not in image.info, rendition


def test_png_text_chunks_and_icc_profile_are_stripped(app: Flask) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 21.82N 105.21E")
    info.add_text("Author", "Nguyễn Văn An")
    with app.app_context():
        stored = store_image(png_bytes((50, 40), pnginfo=info, icc_profile=b"fake-icc"))
        original = _load(app, stored.key)
        assert original.format == "WEBP"
        assert not {"Comment", "Author", "icc_profile", "exif"} & set(original.info)


@pytest.mark.parametrize(
    ("size", "reason"),
    [((7_000, 7_000), "over our 40 MP limit"), ((100_000, 100_000), "over Pillow's bomb limit")],
)
def test_images_with_huge_pixel_counts_are_refused_without_decoding(
    english: None, size: tuple[int, int], reason: str
) -> None:
    with pytest.raises(ImageRejected, match="too many pixels"):
        store_image(_png_claiming(*size))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<html><script>alert(1)</script></html>", "not a photo"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not a photo"),
        (jpeg_bytes()[:200], "not a photo"),
        (b"%PDF-1.7\n" + b"0" * 100, "not a photo"),
        (b"\xff" * (MAX_BYTES + 1), "larger than 10 MB"),
    ],
    ids=["empty", "html named jpg", "svg", "truncated jpeg", "pdf", "over 10 MB"],
)
def test_anything_that_is_not_an_acceptable_photo_is_refused_with_a_message(
    english: None, data: bytes, message: str
) -> None:
    with pytest.raises(ImageRejected, match=message):
        store_image(data)


def test_a_gif_is_refused_as_an_unsupported_format(english: None) -> None:
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    with pytest.raises(ImageRejected, match="JPEG, PNG and WebP"):
        store_image(buffer.getvalue())


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "I;16", "CMYK", "1"])
def test_unusual_pixel_modes_are_accepted(app: Flask, mode: str) -> None:
    buffer = io.BytesIO()
    Image.new(mode, (30, 20)).save(buffer, "JPEG" if mode == "CMYK" else "PNG")
    with app.app_context():
        assert store_image(buffer.getvalue()).width == 30


def test_photos_are_uploaded_through_the_form_and_renditions_are_served_as_webp(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh"
    response = as_owner.post(
        url,
        data={"photos": [(io.BytesIO(jpeg_bytes()), "a.jpg"), (io.BytesIO(png_bytes()), "b.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        keys = db.session.scalars(
            sa.select(ProductImage.key)
            .where(ProductImage.product_id == shop.product_id)
            .order_by(ProductImage.position)
        ).all()
    assert len(keys) == 3
    served = as_owner.get(f"/anh/{keys[1]}/card.webp")
    assert served.status_code == 200
    assert served.mimetype == "image/webp"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


def test_a_bad_file_in_a_batch_rejects_the_whole_batch_and_keeps_nothing(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    media = Path(app.config["MEDIA_ROOT"])
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh",
        data={
            "photos": [
                (io.BytesIO(jpeg_bytes()), "good.jpg"),
                (io.BytesIO(b"<html>hi</html>"), "bad.jpg"),
            ]
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "bad.jpg" in page
    with app.app_context():
        assert len(db.session.get(Product, shop.product_id).images) == 1
    assert not list(media.glob("images/*/*/original.webp"))


def test_a_product_holds_at_most_eight_photos(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh"
    photos = [(io.BytesIO(jpeg_bytes((40, 30))), f"{n}.jpg") for n in range(8)]
    response = as_owner.post(url, data={"photos": photos}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "8" in response.get_data(as_text=True)
    photos = [(io.BytesIO(jpeg_bytes((40, 30))), f"{n}.jpg") for n in range(7)]
    assert (
        as_owner.post(url, data={"photos": photos}, content_type="multipart/form-data").status_code
        == 302
    )
    with app.app_context():
        assert len(db.session.get(Product, shop.product_id).images) == 8  # the most allowed


def test_photos_can_be_reordered_made_cover_and_deleted(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    base = f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh"
    photos = [(io.BytesIO(jpeg_bytes((40, 30))), f"{n}.jpg") for n in range(2)]
    as_owner.post(base, data={"photos": photos}, content_type="multipart/form-data")

    def order() -> list[int]:
        with app.app_context():
            return [i.id for i in db.session.get(Product, shop.product_id).images]

    first, second, third = order()
    as_owner.post(f"{base}/{third}/anh-bia")
    assert order() == [third, first, second]
    as_owner.post(f"{base}/{third}/xuong")
    assert order() == [first, third, second]
    as_owner.post(f"{base}/{first}/len")  # already first: nothing moves
    assert order() == [first, third, second]
    as_owner.post(f"{base}/{third}/xoa")
    assert order() == [first, second]
    with app.app_context():
        key = db.session.get(ProductImage, second).key
        positions = [i.position for i in db.session.get(Product, shop.product_id).images]
        assert read_rendition(key, "card") is not None
    assert positions == [0, 1]


def test_an_upload_too_large_for_the_request_says_so_on_the_page(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    url = f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh"
    response = as_owner.post(
        url,
        data={"photos": [(io.BytesIO(jpeg_bytes((400, 300))), "big.jpg")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "quá lớn" in response.get_data(as_text=True)


def test_a_listings_remaining_photos_go_up_full_size_in_one_request(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    photos = [noisy_jpeg_bytes((1500, 1125), seed) for seed in range(7)]  # it has one
    assert sum(len(p) for p in photos) > 12 * 1024 * 1024  # more than the old request limit
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh",
        data={"photos": [(io.BytesIO(p), f"IMG_{n}.jpg") for n, p in enumerate(photos)]},
        content_type="multipart/form-data",
    )
    response.request.environ["wsgi.input"].close()  # the test client spools big bodies to disk
    assert response.status_code == 302
    with app.app_context():
        assert len(db.session.get(Product, shop.product_id).images) == 8  # the most allowed
