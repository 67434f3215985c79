"""The provincial managers' messages page: counts and cost per month, failures and retries."""

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.extensions import db
from market.notify import Channel, Message, MessageStatus, Topic, notify
from market.notify.templates import CODE
from tests.recorded_http import RecordedTransport, interaction

PAGE = "/quan-ly/tin-nhan"


def _message(channel: Channel, status: MessageStatus, cost: int, at: datetime, **fields) -> None:
    db.session.add(
        Message(
            channel=channel,
            topic=fields.pop("topic", Topic.ORDERS),
            template=fields.pop("template", "test_order_placed"),
            recipient=fields.pop("recipient", "0912345678"),
            status=status,
            cost=cost,
            created_at=at,
            content=fields.pop("content", {"text": "Cho Que: order 1 placed."}),
            **fields,
        )
    )


def test_a_provincial_manager_sees_messages_and_cost_per_month(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MANAGER, provincial=True)
    with app.app_context():
        _message(Channel.SMS, MessageStatus.SENT, 800, datetime(2026, 11, 3, 2, 0))
        _message(Channel.SMS, MessageStatus.SENT, 800, datetime(2026, 11, 30, 18, 0))  # 1 Dec VN
        _message(Channel.SMS, MessageStatus.REFUSED, 0, datetime(2026, 11, 4, 2, 0))
        _message(Channel.ZALO, MessageStatus.SENT, 300, datetime(2026, 11, 5, 2, 0))
        _message(
            Channel.ZALO, MessageStatus.FAILED, 0, datetime(2026, 11, 5, 3, 0), error="Zalo -118"
        )
        db.session.commit()
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _table_rows(html) == [
        ["Tháng 12/2026"],
        ["SMS", "1", "800 ₫", "0", "0"],
        ["Tổng", "1", "800 ₫", "", ""],
        ["Tháng 11/2026"],
        ["SMS", "1", "800 ₫", "0", "1"],
        ["Zalo", "1", "300 ₫", "1", "0"],
        ["Tổng", "2", "1.100 ₫", "", ""],
    ]
    assert "Zalo -118" in html


def _table_rows(html: str) -> list[list[str]]:
    """The cells of the monthly table's body rows, as text."""
    body = html.split("</thead>")[1].split("</table>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).replace("\xa0", " ").strip() for cell in cells]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in body.split("</tr>")
        )
        if cells
    ]


@pytest.mark.parametrize(
    ("role", "fields", "status"),
    [(Role.MANAGER, {}, 403), (Role.SHOPPER, {}, 403), (Role.ADMIN, {}, 200)],
)
def test_only_provincial_managers_see_the_page(
    client: FlaskClient, login_as: Callable[..., User], role: Role, fields: dict, status: int
) -> None:
    login_as(role, **fields)
    assert client.get(PAGE).status_code == status
    assert client.post(f"{PAGE}/1/thu-lai").status_code in (status, 404)


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    assert client.get(PAGE).status_code == 302


def test_a_failed_message_is_sent_again_from_the_page(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    recorded_http: RecordedTransport,
) -> None:
    login_as(Role.ADMIN)
    app.config.update(ESMS_API_KEY="k", ESMS_SECRET_KEY="s", ESMS_BRANDNAME="CHOQUE")
    recorded_http.unreachable = True
    app.config["JOBS_MAX_ATTEMPTS"] = 1
    with app.app_context():
        [message] = notify(
            Topic.ORDERS, "test_order_placed", {"reference": "1"}, phone="0912345678"
        )
        db.session.commit()
        message_id = message.id
        assert db.session.get(Message, message_id).status == MessageStatus.FAILED
    assert f'id="message-{message_id}"' in client.get(PAGE).get_data(as_text=True)
    recorded_http.unreachable = False
    recorded_http.add(
        interaction(
            "POST",
            "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/",
            answer={"CodeResult": "100", "CountRegenerate": 0, "SMSID": "abc"},
        )
    )
    answer = client.post(f"{PAGE}/{message_id}/thu-lai", follow_redirects=True)
    assert f"Tin nhắn {message_id} được xếp hàng gửi lại." in answer.get_data(as_text=True)
    with app.app_context():
        message = db.session.get(Message, message_id)
        assert (message.status, message.provider_message_id) == (MessageStatus.SENT, "abc")
    again = client.post(f"{PAGE}/{message_id}/thu-lai", follow_redirects=True)
    assert again.status_code == 200
    assert client.post(f"{PAGE}/999/thu-lai").status_code == 404


def test_a_failed_code_cannot_be_sent_again(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.ADMIN)
    with app.app_context():
        _message(
            Channel.SMS,
            MessageStatus.FAILED,
            0,
            datetime(2026, 12, 1),
            topic=Topic.ACCOUNT,
            template=CODE,
            content=None,
            error="eSMS 99",
        )
        db.session.commit()
        message_id = db.session.scalar(db.select(Message.id))
    html = client.get(PAGE).get_data(as_text=True)
    assert "/thu-lai" not in html.split(f'id="message-{message_id}"')[1].split("</article>")[0]
    client.post(f"{PAGE}/{message_id}/thu-lai")
    with app.app_context():
        assert db.session.get(Message, message_id).status == MessageStatus.FAILED
