"""A confirmed import runs as a job; the person who started it follows it on a progress page."""

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from market import media
from market.dbtypes import utcnow
from market.extensions import db
from market.jobs.models import Job
from market.jobs.worker import Worker
from tests.workspace.conftest import Shop


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Jobs wait for a worker, as in production."""
    return {**app_config, "JOBS_EAGER": False}


def _price(app: Flask, shop: Shop) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Product.price).where(
                Product.producer_id == shop.producer_id, Product.sku == "CAM-1"
            )
        )


def _check(client: FlaskClient, shop: Shop) -> str:
    """Upload a one-row price file to be checked; return the token of the checked file."""
    checked = client.post(
        f"/ban-hang/{shop.producer_id}/nhap",
        data={"file": (io.BytesIO(b"sku;price_vnd\nCAM-1;55.000\n"), "gia.csv")},
        content_type="multipart/form-data",
    )
    return checked.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]


def _confirm(client: FlaskClient, shop: Shop) -> str:
    token = _check(client, shop)
    url = f"/ban-hang/{shop.producer_id}/nhap/xac-nhan"
    return client.post(url, data={"token": token}).headers["Location"]


def test_a_confirmed_import_waits_for_the_worker_and_its_page_shows_the_counts(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    progress = _confirm(as_owner, shop)
    waiting = as_owner.get(progress).get_data(as_text=True)
    assert "đang chờ bắt đầu" in waiting and 'http-equiv="refresh"' in waiting
    assert _price(app, shop) == 100_000
    Worker(app).run(burst=True)
    assert _price(app, shop) == 55_000
    done = as_owner.get(progress).get_data(as_text=True)
    assert "0 mới, 1 cập nhật, 0 không đổi" in done and "refresh" not in done


def test_only_the_person_who_started_an_import_sees_its_progress(
    app: Flask,
    as_owner: FlaskClient,
    client: FlaskClient,
    login_as: Callable,
    shop: Shop,
    other_shop: Shop,
) -> None:
    progress = _confirm(as_owner, shop)
    login_as(user=other_shop.owner)
    elsewhere = progress.replace(
        f"/ban-hang/{shop.producer_id}/", f"/ban-hang/{other_shop.producer_id}/"
    )
    assert client.get(elsewhere).status_code == 404


def test_an_export_is_prepared_by_the_worker_for_the_person_who_asked(
    app: Flask, as_owner: FlaskClient, client: FlaskClient, login_as: Callable, shop: Shop
) -> None:
    page = as_owner.post(f"/ban-hang/{shop.producer_id}/xuat.xlsx").headers["Location"]
    assert "đang được chuẩn bị" in as_owner.get(page).get_data(as_text=True)
    assert as_owner.get(f"{page}/tai-ve").status_code == 404
    Worker(app).run(burst=True)
    download = as_owner.get(f"{page}/tai-ve")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    download.close()
    staff = login_as(user=shop.staff)
    assert staff is not None and client.get(page).status_code == 404


def test_a_checked_file_nobody_confirms_is_deleted_a_day_later_by_a_job(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/nhap"
    token = _check(as_owner, shop)
    stash = f"jobs/imports/{shop.producer_id}-{token}"
    with app.app_context():
        assert media.store().exists(stash)  # in the store every server shares
        drop = db.session.scalar(sa.select(Job).where(Job.kind == "workspace.import_drop"))
        assert abs(drop.run_after - drop.created_at - timedelta(days=1)) < timedelta(seconds=1)
        Worker(app).run(burst=True)
        assert media.store().exists(stash)  # not due yet
        db.session.execute(sa.update(Job).where(Job.id == drop.id).values(run_after=utcnow()))
        db.session.commit()
        Worker(app).run(burst=True)
        assert not media.store().exists(stash)
    confirmed = as_owner.post(f"{url}/xac-nhan", data={"token": token})
    assert confirmed.headers["Location"].endswith(url)  # "please upload it again"
