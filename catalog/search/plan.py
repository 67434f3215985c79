"""Turn a shopper's words into term groups: the word, its likely typo fixes, and a prefix.

Both backends match the same plan, so they agree on what a query means. A word the catalog
knows is taken as typed. An unknown word of four letters or more may be one edit away from a
known word (a letter missing, extra, wrong, or two neighbours swapped — a swap counts as one
edit here, unlike Levenshtein); an unknown three-letter word only by a swap. Shorter words are
never corrected, so short syllables are not drowned in false matches. An unfinished last word
may also be the start of a longer word (search as you type).
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from catalog.search.text import has_diacritics, words
from market.text import fold

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
MAX_WORDS = 10
MAX_CORRECTIONS = 4
SHORT_PREFIX = 3


class Vocabulary(Protocol):
    """The words an index knows (folded)."""

    def known_words(self, words: Collection[str]) -> set[str]:
        """Of ``words``, those the index holds."""

    def word_counts(self, words: Collection[str]) -> dict[str, int]:
        """How many documents hold each word (a word the index lacks: absent or 0)."""


@dataclass(frozen=True)
class TermGroup:
    """One query word: a document must hold the word, a correction, or (if prefix) an extension."""

    typed: str
    word: str
    known: bool
    corrections: tuple[str, ...] = ()
    prefix: bool = False

    @property
    def short_prefix(self) -> bool:
        """A one- or two-letter word start: matched in product names only (what suggestions
        show), which keeps its expansion to a few words."""
        return self.prefix and len(self.word) < SHORT_PREFIX

    @property
    def toned(self) -> str | None:
        """The word as typed when it carries tones, to rank exact-tone matches first."""
        return self.typed if has_diacritics(self.typed) else None


@dataclass(frozen=True)
class QueryPlan:
    """The term groups of a query; an empty plan matches every document."""

    groups: tuple[TermGroup, ...] = ()

    @property
    def terms(self) -> set[str]:
        """Every folded word a match may hold, for highlighting."""
        found = {g.word for g in self.groups}
        for group in self.groups:
            found.update(group.corrections)
        return found

    @property
    def prefixes(self) -> set[str]:
        """Folded word starts that count as matches."""
        return {g.word for g in self.groups if g.prefix}

    @property
    def corrected(self) -> str | None:
        """The query with each unknown word replaced by its best correction, if any changed."""
        if not any(not g.known and g.corrections for g in self.groups):
            return None
        return " ".join(
            g.corrections[0] if not g.known and g.corrections else g.word for g in self.groups
        )


def _transpositions(word: str) -> set[str]:
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}


def edits1(word: str) -> dict[str, int]:
    """Words one edit from ``word``, with a rank: swaps first, then the rest."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found: dict[str, int] = {}
    for candidate in _transpositions(word):
        found.setdefault(candidate, 0)
    for left, right in splits:
        if right:
            found.setdefault(left + right[1:], 1)
            for letter in ALPHABET:
                found.setdefault(left + letter + right[1:], 1)
        for letter in ALPHABET:
            found.setdefault(left + letter + right, 1)
    found.pop(word, None)
    return found


def _candidates(word: str) -> dict[str, int]:
    if len(word) >= 4:
        return edits1(word)
    if len(word) == 3:
        return {c: 0 for c in _transpositions(word) if c != word}
    return {}


def plan_query(
    text: str,
    vocabulary: Vocabulary,
    prefix_last: bool = True,
    min_prefix: int = 3,
    prefix_known: bool = False,
) -> QueryPlan:
    """Plan ``text`` against the words the index knows.

    The last word is also a word start when ``prefix_last`` and it has ``min_prefix`` letters,
    unless the index knows it as a whole word (then the shopper has finished typing it);
    ``prefix_known`` extends known last words too, as suggestions do while typing.
    """
    typed = words(text)[:MAX_WORDS]
    folded = [fold(word) for word in typed]
    known = vocabulary.known_words(set(folded)) if folded else set()
    candidates = {word: _candidates(word) for word in folded if word not in known}
    lookup = {c for found in candidates.values() for c in found}
    # One look-up finds which candidates the index holds and how often (to rank them).
    counts = {w: n for w, n in vocabulary.word_counts(lookup).items() if n} if lookup else {}
    fixes = {word: [c for c in options if c in counts] for word, options in candidates.items()}
    groups = []
    for index, (original, word) in enumerate(zip(typed, folded, strict=True)):
        is_known = word in known
        corrections: tuple[str, ...] = ()
        if not is_known:
            ranked = sorted(
                fixes[word], key=lambda c, w=word: (candidates[w][c], -counts.get(c, 0), c)
            )
            corrections = tuple(ranked[:MAX_CORRECTIONS])
        is_last = index == len(folded) - 1
        groups.append(
            TermGroup(
                typed=original,
                word=word,
                known=is_known,
                corrections=corrections,
                prefix=prefix_last
                and is_last
                and len(word) >= min_prefix
                and (prefix_known or not is_known),
            )
        )
    return QueryPlan(tuple(groups))
