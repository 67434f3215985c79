"""The provincial grant: given and taken back by an admin (console or CLI), never by a manager."""

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from market.accounts.models import Role, User
from market.extensions import db


def provincial(app: Flask, user_id: int) -> bool:
    with app.app_context():
        return db.session.get(User, user_id).provincial


def test_an_admin_gives_and_takes_back_the_province_in_the_console(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.MANAGER, email="hoa@example.vn")
    login_as(Role.ADMIN)
    client.post("/quan-ly/quan-ly-tinh", data={"login": "hoa@example.vn", "grant": "1"})
    assert provincial(app, manager.id)
    assert "hoa@example.vn" in client.get("/quan-ly/quan-ly-tinh").get_data(as_text=True)
    client.post("/quan-ly/quan-ly-tinh", data={"login": "hoa@example.vn", "grant": "0"})
    assert not provincial(app, manager.id)


def test_only_a_managers_account_can_hold_the_province(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    shopper = make_user(Role.SHOPPER, email="mua@example.vn")
    login_as(Role.ADMIN)
    page = client.post("/quan-ly/quan-ly-tinh", data={"login": "mua@example.vn", "grant": "1"})
    assert page.status_code == 200 and "Chỉ tài khoản quản lý" in page.get_data(as_text=True)
    assert not provincial(app, shopper.id)


def test_a_provincial_manager_cannot_hand_out_the_province(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MANAGER, provincial=True)
    assert client.get("/quan-ly/quan-ly-tinh").status_code == 403


def test_the_cli_gives_and_takes_back_the_province(
    app: Flask, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.MANAGER, email="hoa@example.vn")
    given = runner.invoke(args=["accounts", "provincial", "hoa@example.vn"])
    assert given.exit_code == 0 and "is provincial" in given.output
    assert provincial(app, manager.id)
    assert "hoa@example.vn" in runner.invoke(args=["accounts", "provincial-list"]).output
    runner.invoke(args=["accounts", "provincial", "hoa@example.vn", "--revoke"])
    assert not provincial(app, manager.id)
    refused = runner.invoke(args=["accounts", "provincial", "nobody@example.vn"])
    assert refused.exit_code != 0 and "Không có tài khoản" in refused.output
