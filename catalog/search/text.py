"""Vietnamese text for search: word tokens and highlighting over the shared fold (market.text).

Shoppers type on phones, mostly without diacritics. Documents and queries are normalised to NFC
(a decomposed "ế" would otherwise split a syllable), lower-cased, and folded to ASCII so "cam
sanh" meets "Cam sành" and "dac san" meets "đặc sản" (``market.text.fold``). Nothing is stemmed
and no stop words are dropped: English rules would eat Vietnamese syllables such as "an", "to" or
"can".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from market.text import fold, nfc

# Letters and digits; the underscore is a separator, as it is for the PostgreSQL fold.
WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The lower-cased NFC words of ``text``, tones kept."""
    return WORD.findall(nfc(text).lower())


def folded_words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return [fold(word) for word in words(text)]


def has_diacritics(word: str) -> bool:
    """True when folding changes the word (it carries a tone or a modified letter)."""
    return fold(word) != word.lower()


@dataclass(frozen=True)
class Segment:
    """A run of display text, marked when it matched the query."""

    text: str
    match: bool


def highlight(text: str, terms: Iterable[str], prefixes: Iterable[str] = ()) -> list[Segment]:
    """Split ``text`` (original, accented) into segments, marking words whose fold matched."""
    exact, starts = set(terms), tuple(prefixes)
    text = nfc(text)
    segments: list[Segment] = []
    position = 0
    for found in WORD.finditer(text):
        folded = fold(found.group())
        if folded in exact or (starts and folded.startswith(starts)):
            if found.start() > position:
                segments.append(Segment(text[position : found.start()], False))
            segments.append(Segment(found.group(), True))
            position = found.end()
    if position < len(text):
        segments.append(Segment(text[position:], False))
    return segments


def accented_form(folded_word: str, texts: Iterable[str]) -> str:
    """The first accented spelling of ``folded_word`` found in ``texts``, else the word itself."""
    for text in texts:
        for word in WORD.findall(nfc(text)):
            if fold(word) == folded_word:
                return word.lower()
    return folded_word
