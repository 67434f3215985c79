"""WTForms' own validation messages follow the visitor's language."""

from collections.abc import Callable

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def test_an_empty_sign_up_name_is_refused_in_vietnamese(
    signup: Callable[..., TestResponse],
) -> None:
    response = signup("lan@example.vn", name="")
    page = response.get_data(as_text=True)
    assert "Vui lòng điền thông tin này." in page
    assert "This field is required." not in page


def test_the_same_message_is_english_for_an_english_visitor(client: FlaskClient) -> None:
    data = {"name": "", "login": "lan@example.vn", "password": "x" * 12}
    response = client.post("/en/tai-khoan/dang-ky", data={**data, "confirm": data["password"]})
    assert "This field is required." in response.get_data(as_text=True)
