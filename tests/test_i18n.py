"""Every user-visible string is translated to Vietnamese, and both languages render."""

from market import i18n_catalogs
from market.i18n import format_vnd


def test_every_message_has_a_vietnamese_translation() -> None:
    missing = i18n_catalogs.missing_translations("vi")
    listing = "\n".join(f"{where}: {key!r}" for key, where in missing.items())
    assert not missing, f"Untranslated (run `flask i18n add-missing AREA`):\n{listing}"


def test_each_message_is_translated_in_one_catalog_only() -> None:
    duplicated = i18n_catalogs.duplicated_messages("vi")
    listing = "\n".join(f"{key!r}: {', '.join(areas)}" for key, areas in duplicated.items())
    assert not duplicated, f"Translated in several catalogs (keep one):\n{listing}"


def test_money_is_shown_in_whole_dong_with_dots() -> None:
    assert format_vnd(125000) == "125.000 ₫"
    assert format_vnd(0) == "0 ₫"
    assert format_vnd(1_250_000_000) == "1.250.000.000 ₫"
    assert format_vnd(-5000) == "-5.000 ₫"
