"""Photos in S3-compatible object storage (MEDIA_STORAGE=s3), against moto's standalone server.

The server runs on a free loopback port for this module only; nothing leaves the machine.
"""

import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from catalog.models import ProductImage
from market.extensions import db
from tests.servers import free_port
from tests.workspace.conftest import Shop
from tests.workspace.samples import jpeg_bytes

BUCKET = "choque-media"
# What docs/running.md asks of a production bucket: anyone may read an object, nobody may list.
PUBLIC_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
)


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto_server on 127.0.0.1, with the media bucket created and readable by anyone."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:  # refused, reset, or no answer yet on a busy machine
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def app_config(app_config: dict, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    client = _client(s3_endpoint)
    if BUCKET not in [bucket["Name"] for bucket in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_policy(Bucket=BUCKET, Policy=PUBLIC_READ)
    return {
        **app_config,
        "MEDIA_STORAGE": "s3",
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_BASE_URL": f"{s3_endpoint}/{BUCKET}",
    }


def _client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _upload(client: FlaskClient, shop: Shop) -> None:
    response = client.post(
        f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh",
        data={"photos": [(io.BytesIO(jpeg_bytes((900, 600))), "cam.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _newest_key(app: Flask, shop: Shop) -> str:
    with app.app_context():
        images = db.session.get(ProductImage, shop.image_id).product.images
        return max(images, key=lambda image: image.id).key


def test_an_uploaded_photo_is_stored_in_the_bucket_with_a_year_long_immutable_cache(
    app: Flask, as_owner: FlaskClient, shop: Shop, s3_endpoint: str
) -> None:
    _upload(as_owner, shop)
    key = _newest_key(app, shop)

    s3 = _client(s3_endpoint)
    names = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {f"images/{key[:2]}/{key}/{n}.webp" for n in ("original", "thumb", "card", "zoom")} <= (
        names
    )
    head = s3.head_object(Bucket=BUCKET, Key=f"images/{key[:2]}/{key}/card.webp")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentType"] == "image/webp"

    # Browsers load the object straight from the store's public URL, headers included.
    with urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/images/{key[:2]}/{key}/card.webp") as got:
        assert got.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        with Image.open(io.BytesIO(got.read())) as picture:
            assert picture.format == "WEBP"
            assert max(picture.size) == 480


def test_pages_link_photos_to_the_media_base_url_and_the_app_route_redirects_there(
    app: Flask, client: FlaskClient, as_owner: FlaskClient, shop: Shop, s3_endpoint: str
) -> None:
    _upload(as_owner, shop)
    key = _newest_key(app, shop)
    url = f"{s3_endpoint}/{BUCKET}/images/{key[:2]}/{key}/card.webp"

    page = as_owner.get(f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh")
    assert url in page.get_data(as_text=True)
    old_link = client.get(f"/anh/{key}/card.webp")
    assert old_link.status_code == 301
    assert old_link.headers["Location"] == url


def test_a_deleted_photo_leaves_no_object_behind(
    app: Flask, as_owner: FlaskClient, shop: Shop, s3_endpoint: str
) -> None:
    _upload(as_owner, shop)
    key = _newest_key(app, shop)
    with app.app_context():
        image_id = db.session.scalar(db.select(ProductImage.id).where(ProductImage.key == key))
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh/{image_id}/xoa"
    )
    assert response.status_code == 302

    listed = _client(s3_endpoint).list_objects_v2(Bucket=BUCKET, Prefix=f"images/{key[:2]}/{key}/")
    assert listed.get("KeyCount", 0) == 0
