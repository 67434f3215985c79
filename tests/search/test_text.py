"""Vietnamese text handling and query planning, without a database."""

import unicodedata

import pytest

from catalog.search.plan import edits1, plan_query
from catalog.search.text import accented_form, folded_words, highlight, words
from market.text import fold


class Words:
    """A fixed vocabulary standing in for an index."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def known_words(self, candidates: object) -> set[str]:
        return {w for w in candidates if w in self.counts}

    def word_counts(self, candidates: object) -> dict[str, int]:
        return {w: self.counts[w] for w in candidates if w in self.counts}


VOCABULARY = Words(
    {
        "cam": 5,
        "sanh": 3,
        "mien": 2,
        "men": 9,
        "dong": 4,
        "mat": 2,
        "ong": 3,
        "shan": 1,
        "tuyet": 1,
        "buoi": 1,
        "ca": 2,
        "an": 1,
        "khang": 1,
    }
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cam sành", "cam sanh"),
        ("Đặc sản", "dac san"),
        ("ĐỒNG", "dong"),
        ("Bưởi Soi Hà", "buoi soi ha"),
        ("Chè Shan tuyết", "che shan tuyet"),
        ("Thuý Hoá Ỷ La", "thuy hoa y la"),
        ("mật ong ướt", "mat ong uot"),
    ],
)
def test_folding_removes_every_vietnamese_mark_including_d_bar(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_decomposed_input_is_one_word_after_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Tuyết")
    assert words(decomposed) == ["tuyết"]
    assert folded_words(decomposed) == ["tuyet"]


def test_underscore_and_punctuation_separate_words() -> None:
    assert words("Cam_sành, 5kg/hộp!") == ["cam", "sành", "5kg", "hộp"]


def test_no_stop_words_or_stemming_eat_short_syllables() -> None:
    assert folded_words("ăn to cân an") == ["an", "to", "can", "an"]


def test_highlight_marks_matched_words_in_the_accented_text() -> None:
    segments = highlight("Cam sành Hàm Yên", {"sanh"}, {"ha"})
    assert [(s.text, s.match) for s in segments] == [
        ("Cam ", False),
        ("sành", True),
        (" ", False),
        ("Hàm", True),
        (" Yên", False),
    ]


def test_accented_form_comes_from_the_catalog_text() -> None:
    assert accented_form("mien", ["Miến dong Na Hang"]) == "miến"
    assert accented_form("xyz", ["Miến dong"]) == "xyz"


def test_a_swap_is_one_edit_and_comes_first() -> None:
    found = edits1("mein")
    assert found["mien"] == 0
    assert found["men"] == 1
    assert "mein" not in found


def test_a_swapped_word_is_corrected_and_suggested() -> None:
    plan = plan_query("mein dong", VOCABULARY)
    first = plan.groups[0]
    assert not first.known
    assert first.corrections[0] == "mien"
    assert plan.corrected == "mien dong"


def test_three_letter_words_are_fixed_only_by_a_swap() -> None:
    assert plan_query("mta", VOCABULARY, prefix_last=False).groups[0].corrections == ("mat",)
    assert plan_query("mot", VOCABULARY, prefix_last=False).groups[0].corrections == ()


def test_short_and_known_words_are_never_corrected() -> None:
    plan = plan_query("an ca", VOCABULARY)
    assert all(g.known and not g.corrections for g in plan.groups)
    assert plan_query("xy", VOCABULARY).groups[0].corrections == ()
    assert plan.corrected is None


def test_only_an_unfinished_last_word_is_a_prefix_and_only_from_three_letters() -> None:
    plan = plan_query("cam san", VOCABULARY)
    assert [g.prefix for g in plan.groups] == [False, True]
    assert not plan_query("cam sa", VOCABULARY).groups[1].prefix
    assert plan_query("cam s", VOCABULARY, min_prefix=1).groups[1].prefix


def test_a_finished_last_word_is_a_prefix_only_while_typing() -> None:
    assert not plan_query("mat ong", VOCABULARY).groups[1].prefix
    assert plan_query("mat ong", VOCABULARY, min_prefix=1, prefix_known=True).groups[1].prefix


def test_tones_typed_are_kept_for_ranking() -> None:
    plan = plan_query("đồng dong", VOCABULARY)
    assert [g.toned for g in plan.groups] == ["đồng", None]
    assert [g.word for g in plan.groups] == ["dong", "dong"]


def test_an_empty_query_plans_nothing() -> None:
    assert plan_query("  ,, ", VOCABULARY).groups == ()
