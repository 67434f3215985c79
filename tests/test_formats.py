"""Dates, money and numbers read alike in both languages; Vietnamese content is marked."""

from datetime import date, datetime

from flask import Flask
from flask.testing import FlaskClient

from market.extensions import db
from market.i18n import format_number, format_vnd, local_date, local_datetime
from market.language_urls import ENVIRON_KEY
from tests import factories


def test_dates_are_day_month_four_digit_year_in_both_languages(app: Flask) -> None:
    moment = datetime(2026, 12, 7, 6, 27)  # UTC: 13:27 in Asia/Ho_Chi_Minh
    for language in ("vi", "en"):
        with app.test_request_context(environ_overrides={ENVIRON_KEY: language}):
            assert local_datetime(moment) == "07/12/2026 13:27"
            assert local_datetime(moment, "short") == "07/12/2026 13:27"
            assert local_date(date(2026, 12, 7), "medium") == "07/12/2026"


def test_amounts_keep_their_unit_with_a_non_breaking_space_in_the_languages_number_style(
    app: Flask,
) -> None:
    with app.test_request_context(environ_overrides={ENVIRON_KEY: "vi"}):
        assert format_vnd(250_000) == "250.000\u00a0₫"
        assert format_number(4500) == "4.500"
    with app.test_request_context(environ_overrides={ENVIRON_KEY: "en"}):
        assert format_vnd(-250_000) == "-250,000\u00a0₫"
        assert format_number(4500) == "4,500"


def test_an_english_product_page_marks_the_vietnamese_name_and_description(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        maker = factories.producer(name="HTX Mật ong Mèo Vạc")
        item = factories.product(
            maker, name="Mật ong bạc hà", description="Mật ong từ cao nguyên đá."
        )
        db.session.commit()
        url = f"/san-pham/{item.slug}"
    page = client.get(f"/en{url}").get_data(as_text=True)
    assert '<h1><span lang="vi">Mật ong bạc hà</span></h1>' in page
    assert '<p><span lang="vi">Mật ong từ cao nguyên đá.</span></p>' in page
    assert "<h1>Mật ong bạc hà</h1>" in client.get(url).get_data(as_text=True)
