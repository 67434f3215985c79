"""Links that leave the site start with PUBLIC_BASE_URL, never with the Host a request came with;
in production, requests for other hosts are refused."""

import json
import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market import create_app
from market.accounts.models import User
from market.extensions import db
from tests import factories

BASE = "https://choque.example"
FORGED = {"Host": "evil.example"}
RESET_REQUEST = "/tai-khoan/quen-mat-khau"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "PUBLIC_BASE_URL": BASE}


def outbox(app: Flask) -> list[EmailMessage]:
    return app.extensions.setdefault("mail_outbox", [])


def test_a_reset_asked_for_with_a_forged_host_mails_the_public_address(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    client.post(RESET_REQUEST, data={"login": "an@example.vn"}, headers=FORGED)
    [message] = outbox(app)
    body = message.get_content()
    assert f"{BASE}/tai-khoan/dat-lai-mat-khau/" in body
    assert "evil.example" not in body


def test_shared_product_links_use_the_public_address_whatever_the_host(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        slug = factories.product(factories.producer(), name="Cam sành").slug
    page = client.get(f"/san-pham/{slug}", headers=FORGED).get_data(as_text=True)
    assert f'<meta property="og:url" content="{BASE}/san-pham/{slug}">' in page
    assert f'<link rel="canonical" href="{BASE}/san-pham/{slug}">' in page
    markup = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(markup.group(1))["offers"]["url"] == f"{BASE}/san-pham/{slug}"
    assert "evil.example" not in page


@pytest.fixture
def production(app: Flask, app_config: dict) -> FlaskClient:
    """A client of the same site built with production settings."""
    site = create_app({**app_config, "ENV_NAME": "production"})
    yield site.test_client()
    with site.app_context():
        db.engine.dispose()


def test_production_refuses_requests_for_unknown_hosts(production: FlaskClient) -> None:
    assert production.get("/", headers=FORGED).status_code == 400
    assert production.get("/", base_url=BASE).status_code == 200


def test_a_forged_reset_request_in_production_is_refused_and_mails_nothing(
    app: Flask, production: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    response = production.post(RESET_REQUEST, data={"login": "an@example.vn"}, headers=FORGED)
    assert response.status_code == 400
    assert production.application.extensions.get("mail_outbox", []) == []


def test_trusted_hosts_can_name_more_than_the_public_host(app: Flask, app_config: dict) -> None:
    site = create_app(
        {
            **app_config,
            "ENV_NAME": "production",
            "TRUSTED_HOSTS": ["choque.example", "www.choque.example"],
        }
    )
    client = site.test_client()
    assert client.get("/healthz", base_url="https://www.choque.example").status_code == 200
    assert client.get("/healthz", headers=FORGED).status_code == 400
    with site.app_context():
        db.engine.dispose()
