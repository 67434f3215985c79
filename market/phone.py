"""Vietnamese mobile numbers: accept common spellings, store ``0xxxxxxxxx``."""

import re

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")


def normalize_phone(raw: str) -> str | None:
    """``+84 912 345 678`` or ``0912.345.678`` → ``0912345678``; None if it is not a mobile."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.match(digits) else None


def looks_like_phone(raw: str) -> bool:
    """True when the text is made of digits and phone punctuation (no @)."""
    return bool(raw) and "@" not in raw and bool(re.fullmatch(r"[+\d\s.\-()]+", raw.strip()))
