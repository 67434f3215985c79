"""Every authenticated bank notification is kept, whatever its body; no request gets a 5xx."""

import json

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from market.accounts.models import Role
from market.extensions import db
from payments.models import BankNotification, UnreadableNotification
from tests.payments.conftest import (
    SEPAY_KEY,
    FakeTarget,
    casso_body,
    casso_header,
    post_casso,
    sepay_body,
)

SEPAY_AUTH = {"Authorization": f"Apikey {SEPAY_KEY}"}
NOW_MS = 1_764_000_000_000


def stored(app: Flask, model: type) -> list:
    with app.app_context():
        rows = db.session.scalars(sa.select(model).order_by(model.id)).all()
        db.session.expunge_all()
        return rows


def post_raw_sepay(client: FlaskClient, raw: bytes) -> object:
    return client.post(
        "/webhooks/sepay", data=raw, content_type="application/json", headers=SEPAY_AUTH
    )


def test_a_verified_sepay_body_with_an_escaped_nul_is_stored_and_credited_normally(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    raw = json.dumps(sepay_body(41, 150_000, "CQ7K3F9A\u0000 thanh toan")).encode()
    assert b"\\u0000" in raw

    response = post_raw_sepay(client, raw)

    assert response.status_code == 200 and response.json == {"success": True}
    [note] = stored(app, BankNotification)
    assert note.body.encode() == raw  # exactly as received
    assert "\x00" not in note.description and note.payment_code == "CQ7K3F9A"


def test_verified_bodies_that_cannot_be_read_are_kept_byte_for_byte_and_answered_200(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    bodies = {
        "float amount": json.dumps(sepay_body(1, 150_000.0, "CQ7K3F9A")).encode(),
        "string amount": json.dumps(sepay_body(2, "150000", "CQ7K3F9A")).encode(),
        "no id": json.dumps({**sepay_body(3, 150_000, "CQ7K3F9A"), "id": None}).encode(),
        "raw NUL": b'{"id": 4, "content": "CQ7K3F9A\x00", "transferAmount": 1}',
        "not UTF-8": b'{"id": 5, "content": "\xff\xfe"}',
        "not JSON": b"not json",
        "nested too deep": b"[" * 60_000,
    }
    for raw in bodies.values():
        response = post_raw_sepay(client, raw)
        assert response.status_code == 200 and response.json == {"success": True}

    kept = stored(app, UnreadableNotification)
    assert [row.body for row in kept] == list(bodies.values())
    assert all(row.reason and row.provider == "sepay" for row in kept)
    assert "amount" in kept[0].reason and "id" in kept[2].reason
    assert stored(app, BankNotification) == []


def test_a_retried_unreadable_body_is_counted_not_stored_twice(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    raw = json.dumps(sepay_body(1, 1.5, "x")).encode()
    for _attempt in range(3):
        assert post_raw_sepay(client, raw).status_code == 200
    [kept] = stored(app, UnreadableNotification)
    assert kept.deliveries == 3


def test_an_unreadable_body_without_the_api_key_is_refused_and_not_kept(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    response = client.post("/webhooks/sepay", data=b"\xff\x00", content_type="application/json")
    assert response.status_code == 401
    assert stored(app, UnreadableNotification) == []


def test_a_signed_casso_body_with_a_float_amount_is_kept_for_a_manager(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    clock(NOW_MS / 1000)
    body = casso_body(7, 150_000.5, "CQ7K3F9A")
    assert post_casso(client, body, NOW_MS).status_code == 200
    [kept] = stored(app, UnreadableNotification)
    assert kept.provider == "casso" and json.loads(kept.body) == body


def test_a_casso_signature_with_a_5000_digit_timestamp_is_refused_not_a_500(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    clock(NOW_MS / 1000)
    body = casso_body(7, 150_000, "CQ7K3F9A")
    signature = casso_header(body, NOW_MS).split(",v1=")[1]
    for timestamp in ["9" * 5000, "²", "١٧٦٤"]:
        header = f"t={timestamp},v1={signature}"
        assert post_casso(client, body, NOW_MS, header=header).status_code == 401
    response = client.post(
        "/webhooks/casso",
        data=b"[" * 60_000,
        content_type="application/json",
        headers={"X-Casso-Signature": f"t={NOW_MS},v1={signature}"},
    )
    assert response.status_code == 401
    assert stored(app, UnreadableNotification) == stored(app, BankNotification) == []


def test_a_provincial_manager_sees_unreadable_notifications_and_marks_them_dealt_with(
    app: Flask, client: FlaskClient, target: FakeTarget, login_as
) -> None:
    post_raw_sepay(client, b'{"id": 9, "content": "CQ7K3F9A\x00<b>", "transferAmount": 1.5}')
    [kept] = stored(app, UnreadableNotification)
    login_as(Role.MANAGER, provincial=True)

    page = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert f'data-unreadable="{kept.id}"' in page
    assert "CQ7K3F9A\\x00&lt;b&gt;" in page  # shown escaped, NUL made visible
    assert "Nội dung không phải JSON." in page  # the reason, in the manager's language

    response = client.post(f"/quan-ly/doi-soat/khong-doc-duoc/{kept.id}/da-xu-ly")
    assert response.status_code == 302
    assert f'data-unreadable="{kept.id}"' not in client.get("/quan-ly/doi-soat").get_data(
        as_text=True
    )
    [handled] = stored(app, UnreadableNotification)
    assert handled.handled_at is not None and handled.handled_by_id is not None


def test_a_shopper_cannot_mark_an_unreadable_notification_dealt_with(
    app: Flask, client: FlaskClient, target: FakeTarget, login_as
) -> None:
    post_raw_sepay(client, b"not json")
    [kept] = stored(app, UnreadableNotification)
    login_as(Role.SHOPPER)
    response = client.post(f"/quan-ly/doi-soat/khong-doc-duoc/{kept.id}/da-xu-ly")
    assert response.status_code in (403, 404)
    assert stored(app, UnreadableNotification)[0].handled_at is None


header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=120,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=header_text,
    body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()),
    digits=st.text(alphabet="0123456789²١", min_size=1, max_size=40),
)
def test_no_header_or_body_makes_either_webhook_answer_a_5xx(
    client: FlaskClient, target: FakeTarget, header: str, body: bytes, digits: str
) -> None:
    for url, headers in [
        ("/webhooks/sepay", {"Authorization": header}),
        ("/webhooks/sepay", SEPAY_AUTH),
        ("/webhooks/casso", {"X-Casso-Signature": header}),
        ("/webhooks/casso", {"X-Casso-Signature": f"t={digits},v1={header}"}),
    ]:
        response = client.post(url, data=body, content_type="application/json", headers=headers)
        assert response.status_code < 500, (url, headers, body)
