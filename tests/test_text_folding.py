"""One Vietnamese fold (market.text) for search, names, slugs and bank holders; VietQR's memo
is stricter on purpose."""

import unicodedata

import pytest

from market.text import fold, holder_name, slugify, strip_marks
from payments.vietqr import ascii_text


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đặc sản", "dac san"),
        ("Cam sành Hàm Yên", "cam sanh ham yen"),
        ("ĂÂÊÔƠƯ đ", "aaeoou d"),
        ("Mật ong", "mat ong"),
    ],
)
def test_fold_lowers_and_drops_every_vietnamese_mark(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_decomposed_and_composed_text_fold_alike() -> None:
    word = "Nguyễn"
    assert fold(unicodedata.normalize("NFD", word)) == fold(word) == "nguyen"


def test_slugs_and_holder_names_are_built_on_the_same_fold() -> None:
    assert slugify("Chè Shan tuyết Na Hang!") == "che-shan-tuyet-na-hang"
    assert holder_name("  Nguyễn   Thị Đào ") == "NGUYEN THI DAO"
    assert strip_marks("Đặc") == "Dac"


def test_the_vietqr_memo_alone_reads_look_alikes_and_compatibility_forms() -> None:
    # Banks take printable ASCII only: the memo maps the Icelandic Ð and full-width letters,
    # which the shared fold keeps as they are.
    assert ascii_text("Ðơn ＡＢ") == "Don AB"
    assert fold("Ðơn ＡＢ") == "ðon ａｂ"
