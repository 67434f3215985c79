"""Vietnamese mobile numbers: the spellings people type are accepted, and a number that is not a
mobile gets a message saying what is wrong with it, in Vietnamese."""

import pytest
from flask import Flask

from market.language_urls import ENVIRON_KEY
from market.phone import mobile_problem, normalize_phone

NO_NETWORK = "Không có mạng di động Việt Nam nào dùng đầu số {}. Hãy kiểm tra lại số."


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("912 345 678", "0912345678"),
        ("(037) 123-4567", "0371234567"),
        ("0867 000 111", "0867000111"),
        ("0587 000 111", "0587000111"),
    ],
)
def test_common_spellings_of_a_mobile_number_are_stored_the_same_way(
    typed: str, stored: str
) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Nhập số di động của bạn."),
        ("0912 345 67", "Số di động có 10 chữ số, bắt đầu bằng 0 (bạn đã nhập 9)."),
        ("0912 345 6789", "Số di động có 10 chữ số, bắt đầu bằng 0 (bạn đã nhập 11)."),
        ("0207 3822 999", "Đây có vẻ là số máy bàn. Hãy nhập số di động, ví dụ 0912 345 678."),
        ("0912 345 67a", "Số di động chỉ gồm chữ số, ví dụ 0912 345 678."),
        ("0112 345 678", NO_NETWORK.format("011")),
        ("0712 345 678", NO_NETWORK.format("071")),
        ("+1 650 555 0100", "Nhập số di động Việt Nam, ví dụ 0912 345 678."),
    ],
)
def test_a_number_that_is_not_a_mobile_is_explained_in_vietnamese(
    app: Flask, typed: str, message: str
) -> None:
    with app.test_request_context("/"):
        assert str(mobile_problem(typed)) == message
    assert normalize_phone(typed) is None


def test_the_explanation_is_english_for_an_english_visitor(app: Flask) -> None:
    with app.test_request_context("/", environ_overrides={ENVIRON_KEY: "en"}):
        assert str(mobile_problem("0207 3822 999")) == (
            "This looks like a landline number. Enter a mobile number, such as 0912 345 678."
        )
