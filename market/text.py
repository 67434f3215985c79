"""Vietnamese text folded one way for every feature: search, name matching, slugs, bank names.

The core, :func:`strip_marks`, turns đ into d and drops every combining mark (tones, the hats of
â/ê/ô, the horns of ơ/ư, the breve of ă), keeping case. Each use builds on it:

* :func:`fold` — search documents and queries, imported names: lower-case, NFC (``Đặc sản`` →
  ``dac san``). Letters with no decomposition (``ð``, CJK) are kept.
* :func:`slugify` — URL slugs: ASCII letters and digits joined by hyphens.
* :func:`holder_name` — an account holder as banks print it: upper-case, single-spaced.
* ``payments.vietqr.ascii_text`` — a VietQR memo is stricter on purpose: banks take printable
  ASCII only, so it decomposes compatibility forms too (NFKD: full-width letters, ligatures),
  turns the look-alike ``Ð`` (U+00D0, often typed for ``Đ``) into ``D``, and drops whatever is
  still outside ASCII.
"""

import re
import unicodedata
from functools import lru_cache

_VIETNAMESE_D = str.maketrans({"đ": "d", "Đ": "D"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """The text in Unicode composed form (NFC): each letter with its tone is one character."""
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str, *, compatibility: bool = False) -> str:
    """``text`` with đ→d and every combining mark removed, case kept: ``Đặc`` → ``Dac``.

    The result is decomposed (NFD, or NFKD with ``compatibility``); callers that keep
    non-ASCII letters compose it again.
    """
    form = "NFKD" if compatibility else "NFD"
    decomposed = unicodedata.normalize(form, text.translate(_VIETNAMESE_D))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower-case without diacritics: ``Đặc sản`` → ``dac san`` (words repeat: cached)."""
    return nfc(strip_marks(text.lower()))


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated: ``Chè Shan tuyết`` → ``che-shan-tuyet``."""
    return _NOT_SLUG.sub("-", strip_marks(text).lower()).strip("-")


def holder_name(raw: str) -> str:
    """A holder name as banks print it: ``Nguyễn Thị Đào`` → ``NGUYEN THI DAO``."""
    return " ".join(strip_marks(raw).upper().split())
