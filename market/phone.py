"""Vietnamese mobile numbers: accept common spellings, store ``0xxxxxxxxx``, say what is wrong.

One rule for every form that asks for a mobile number (sign-up, producer profile, checkout,
address book, helper grants): ``vietnamese_mobile`` is the WTForms validator, ``mobile_problem``
the message for one number, ``normalize_phone`` the stored form.
"""

import re

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import Field, ValidationError

# Network prefixes of mobile numbers since the 2018 renumbering (Viettel 032–039, 086, 096–098;
# VinaPhone 081–085, 088, 091, 094; MobiFone 070, 076–079, 089, 090, 093; Vietnamobile 052, 056,
# 058, 092; Gmobile 059, 099; Reddi 055; iTel 087). 02x numbers are landlines.
MOBILE_PREFIXES = frozenset(
    {f"03{d}" for d in "23456789"}
    | {"052", "055", "056", "058", "059"}
    | {"070", "076", "077", "078", "079"}
    | {f"08{d}" for d in "123456789"}
    | {f"09{d}" for d in "01234678"}
    | {"099"}
)
_SEPARATORS = re.compile(r"[\s.\-()]")
EXAMPLE = "0912 345 678"


def _digits(raw: str) -> str:
    """The number without separators and with ``+84``/``84`` turned into the leading 0."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif digits.isdigit() and len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits  # "912 345 678": the leading 0 left out
    return digits


def normalize_phone(raw: str) -> str | None:
    """``+84 912 345 678`` or ``0912.345.678`` → ``0912345678``; None if it is not a mobile."""
    digits = _digits(raw)
    if len(digits) == 10 and digits.isdigit() and digits[:3] in MOBILE_PREFIXES:
        return digits
    return None


def mobile_problem(raw: str) -> LazyString | None:
    """Why ``raw`` is not a Vietnamese mobile number (translated), or None when it is one."""
    digits = _digits(raw)
    if not digits:
        return _l("Enter your mobile number.")
    if digits.startswith("+"):
        return _l("Enter a Vietnamese mobile number, such as 0912 345 678.")
    if not digits.isdigit():
        return _l("A mobile number has only digits, such as %(example)s.", example=EXAMPLE)
    if digits.startswith("02"):
        return _l(
            "This looks like a landline number. Enter a mobile number, such as %(example)s.",
            example=EXAMPLE,
        )
    if len(digits) != 10:
        return _l(
            "A mobile number has 10 digits, starting with 0 (you entered %(n)s).",
            n=len(digits),
        )
    if digits[:3] not in MOBILE_PREFIXES:
        return _l(
            "No Vietnamese mobile network uses numbers starting %(prefix)s. Check the number.",
            prefix=digits[:3],
        )
    return None


def vietnamese_mobile(_form: object, field: Field) -> None:
    """WTForms validator: store the number as ``0xxxxxxxxx`` or say what is wrong with it."""
    if not (field.data or "").strip():
        return  # InputRequired/Optional decide whether the field may be empty
    problem = mobile_problem(field.data)
    if problem is not None:
        raise ValidationError(str(problem))
    field.data = normalize_phone(field.data)


def spaced(number: str) -> str:
    """A stored ``0912345678`` grouped as people read it: ``0912 345 678``."""
    return f"{number[:4]} {number[4:7]} {number[7:]}" if len(number) == 10 else number


def looks_like_phone(raw: str) -> bool:
    """True when the text is made of digits and phone punctuation (no @)."""
    return bool(raw) and "@" not in raw and bool(re.fullmatch(r"[+\d\s.\-()]+", raw.strip()))
