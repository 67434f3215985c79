"""Numbers as producers type them: ``125000``, ``125.000``, ``125 000 ₫``; never ``12,5``."""

import re

from flask_babel import lazy_gettext as _l

MAX_PRICE = 10**12  # a thousand billion đồng: more is a typing mistake
MAX_COUNT = 10_000_000
MAX_GRAMS = 100_000  # 100 kg: heavier than any unit or parcel a producer sends
MAX_CENTIMETRES = 300

_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_CURRENCY = re.compile(r"(₫|đồng|dong|vnđ|vnd|đ)$", re.IGNORECASE)


class NumberError(ValueError):
    """A number that cannot be read; the message says how to write it."""


def _whole(raw: object, message: object) -> int:
    if isinstance(raw, bool):
        raise NumberError(str(message))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not raw.is_integer():
            raise NumberError(str(message))
        return int(raw)
    text = "".join(str(raw or "").split())
    text = _CURRENCY.sub("", text)
    negative = text.startswith("-")
    if negative:
        text = text[1:]
    if _GROUPED.match(text):
        text = text.replace(".", "").replace(",", "")
    if not text.isdigit():
        raise NumberError(str(message))
    return -int(text) if negative else int(text)


def parse_price(raw: object) -> int:
    """Whole đồng from ``125000``, ``125.000``, ``125,000`` or ``125.000 ₫``."""
    value = _whole(raw, _l("Write the price in whole đồng, such as 125000 or 125.000."))
    if value < 0:
        raise NumberError(str(_l("A price cannot be negative.")))
    if value > MAX_PRICE:
        raise NumberError(str(_l("That price is too high; check the number.")))
    return value


def parse_count(raw: object) -> int:
    """A whole, non-negative number of units (stock, thresholds)."""
    value = _whole(raw, _l("Write a whole number of units, such as 12."))
    if value < 0:
        raise NumberError(str(_l("This cannot be negative.")))
    if value > MAX_COUNT:
        raise NumberError(str(_l("That number is too high; check it.")))
    return value


def parse_grams(raw: object) -> int:
    """A weight in whole grams, above 0 and at most 100 kg (``1050``, ``1.050``)."""
    value = _whole(raw, _l("Write the weight in whole grams, such as 1050 for 1.05 kg."))
    if value <= 0:
        raise NumberError(str(_l("A weight must be more than 0 grams.")))
    if value > MAX_GRAMS:
        raise NumberError(str(_l("At most 100,000 grams (100 kg); check the number.")))
    return value


def parse_centimetres(raw: object) -> int:
    """A length in whole centimetres, above 0 and at most 3 m."""
    value = _whole(raw, _l("Write the size in whole centimetres, such as 30."))
    if value <= 0:
        raise NumberError(str(_l("A size must be more than 0 cm.")))
    if value > MAX_CENTIMETRES:
        raise NumberError(str(_l("At most 300 cm; check the number.")))
    return value


def is_blank(raw: object) -> bool:
    """True for None and for text that is only spaces."""
    return raw is None or (isinstance(raw, str) and not raw.strip())
