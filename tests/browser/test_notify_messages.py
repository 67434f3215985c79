"""In a real Chromium at phone width: a provincial manager sees an SMS that failed, with its
reason, sends it again, and finds it in the month's count and cost."""

from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from market.extensions import db
from market.notify import Message, MessageStatus, Topic, notify, templates
from tests.browser.conftest import LiveServer, no_horizontal_scroll, sign_in
from tests.recorded_http import RecordedTransport, interaction

pytestmark = pytest.mark.browser

SEND_URL = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
templates.define(
    "browser_order_ready",
    email_subject="Order %(reference)s is ready",
    email_body="Order %(reference)s is ready.",
    sms="Cho Que: order %(reference)s is ready.",
)


def test_a_provincial_manager_sends_a_failed_sms_again(
    app: Flask,
    live_server: LiveServer,
    recorded_http: RecordedTransport,
    make_user: Callable[..., User],
    page: Page,
) -> None:
    app.config.update(
        ESMS_API_KEY="k", ESMS_SECRET_KEY="s", ESMS_BRANDNAME="CHOQUE", JOBS_MAX_ATTEMPTS=1
    )
    recorded_http.add(
        interaction(
            "POST", SEND_URL, answer={"CodeResult": "101", "ErrorMessage": "Authorize Failed"}
        )
    )
    make_user(Role.MANAGER, provincial=True, email="tinh@example.vn")
    with app.app_context():
        [message] = notify(
            Topic.PICKUPS, "browser_order_ready", {"reference": "CQ9"}, phone="0912345678"
        )
        db.session.commit()
        message_id = message.id
        assert db.session.get(Message, message_id).status == MessageStatus.FAILED

    sign_in(page, "tinh@example.vn")
    page.goto("/quan-ly/tin-nhan")
    failed = page.locator(f"#message-{message_id}")
    expect(failed).to_contain_text("eSMS 101: eSMS từ chối ApiKey hoặc SecretKey")
    assert no_horizontal_scroll(page)

    recorded_http.interactions.clear()  # the manager fixed the keys: eSMS accepts now
    recorded_http.add(interaction("POST", SEND_URL, answer={"CodeResult": "100", "SMSID": "x1"}))
    failed.get_by_role("button", name="Gửi lại").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Tin nhắn {message_id}")
    expect(page.locator(f"#message-{message_id}")).to_have_count(0)
    sms_row = page.locator("table.mk-table tr", has_text="SMS")
    expect(sms_row).to_contain_text("800 ₫")
    with app.app_context():
        message = db.session.get(Message, message_id)
        assert (message.status, message.provider_message_id) == (MessageStatus.SENT, "x1")
