"""VietQR (NAPAS 247) payloads: the EMVCo merchant-presented QR, built and parsed exactly.

Every field is ``ID`` (2 digits) + ``LEN`` (2 digits) + ``VALUE``; top-level fields come in
ascending ID order and the CRC (field 63, CRC-16/CCITT-FALSE over everything before its value)
is last. See /shared/domain/vietqr.md for the layout and the conformance vectors.
"""

import binascii
import enum
import re
from dataclasses import dataclass

from market.text import strip_marks

GUID = "A000000727"
FORMAT_INDICATOR = "01"
STATIC = "11"
DYNAMIC = "12"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
CRC_TAG = "6304"
TEXT_MAX = 25
CITY_MAX = 15
ACCOUNT_MAX = 19
AMOUNT_MAX_DIGITS = 13

_PRINTABLE_ASCII = re.compile(r"[ -~]*")
_ACCOUNT = re.compile(rf"[0-9A-Za-z]{{1,{ACCOUNT_MAX}}}")
_ADDITIONAL = {"01": "bill_number", "05": "reference", "07": "terminal", "08": "purpose"}


class Service(enum.StrEnum):
    """NAPAS service code: transfer to an account or to a card."""

    ACCOUNT = "QRIBFTTA"
    CARD = "QRIBFTTC"


class VietQRError(ValueError):
    """A payload or field that does not follow the VietQR layout."""


@dataclass(frozen=True)
class VietQR:
    """What a VietQR carries; an amount makes it dynamic (one payment), none static."""

    bank_bin: str
    account: str
    service: Service = Service.ACCOUNT
    amount: int | None = None
    bill_number: str = ""
    reference: str = ""
    terminal: str = ""
    purpose: str = ""
    merchant_category: str = ""
    merchant_name: str = ""
    merchant_city: str = ""

    @property
    def is_dynamic(self) -> bool:
        """Dynamic QRs (point of initiation 12) are for one payment of a set amount."""
        return self.amount is not None


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE of ASCII text as 4 upper-case hex digits."""
    return f"{binascii.crc_hqx(text.encode('ascii'), 0xFFFF):04X}"


def ascii_text(text: str, limit: int = TEXT_MAX) -> str:
    """Text made safe for a QR field: Vietnamese diacritics stripped, đ→d, ASCII, ≤ ``limit``.

    Stricter than the shared fold on purpose (banks take printable ASCII only): compatibility
    forms decomposed too, the look-alike ``Ð`` read as ``D``, anything else non-ASCII dropped.
    """
    stripped = strip_marks(text.replace("Ð", "D"), compatibility=True)
    printable = "".join(ch for ch in stripped if " " <= ch <= "~")
    return " ".join(printable.split())[:limit].rstrip()


def build(qr: VietQR) -> str:
    """The payload string for ``qr``, CRC included; raises VietQRError for invalid fields."""
    _validate(qr)
    beneficiary = _tlv("00", qr.bank_bin) + _tlv("01", qr.account)
    fields = [
        _tlv("00", FORMAT_INDICATOR),
        _tlv("01", DYNAMIC if qr.is_dynamic else STATIC),
        _tlv("38", _tlv("00", GUID) + _tlv("01", beneficiary) + _tlv("02", qr.service.value)),
    ]
    if qr.merchant_category:
        fields.append(_tlv("52", qr.merchant_category))
    fields.append(_tlv("53", CURRENCY_VND))
    if qr.amount is not None:
        fields.append(_tlv("54", str(qr.amount)))
    fields.append(_tlv("58", COUNTRY_VN))
    if qr.merchant_name:
        fields.append(_tlv("59", qr.merchant_name))
    if qr.merchant_city:
        fields.append(_tlv("60", qr.merchant_city))
    additional = "".join(
        _tlv(tag, getattr(qr, name)) for tag, name in _ADDITIONAL.items() if getattr(qr, name)
    )
    if additional:
        fields.append(_tlv("62", additional))
    body = "".join(fields) + CRC_TAG
    return body + crc16(body)


def parse(payload: str) -> VietQR:
    """Read a payload back; raises VietQRError if its CRC, lengths, order or nesting are wrong."""
    if not isinstance(payload, str) or not _PRINTABLE_ASCII.fullmatch(payload):
        raise VietQRError("A VietQR payload is printable ASCII text.")
    fields = _read_fields(payload)
    if not fields or fields[-1][0] != "63" or len(fields[-1][1]) != 4:
        raise VietQRError("The last field must be the 4-digit CRC (field 63).")
    if crc16(payload[:-4]) != fields[-1][1]:
        raise VietQRError("The CRC does not match the payload.")
    values = dict(fields)
    if fields[0] != ("00", FORMAT_INDICATOR):
        raise VietQRError("The payload must start with format indicator 01.")
    for tag, expected in (("53", CURRENCY_VND), ("58", COUNTRY_VN)):
        if values.get(tag) != expected:
            raise VietQRError(f"Field {tag} must be {expected}.")
    initiation = values.get("01")
    if initiation not in (STATIC, DYNAMIC):
        raise VietQRError("Point of initiation (field 01) must be 11 or 12.")
    amount = _parse_amount(values.get("54"))
    if (initiation == DYNAMIC) != (amount is not None):
        raise VietQRError("A dynamic QR carries an amount and a static one does not.")
    bank_bin, account, service = _parse_merchant_account(values.get("38"))
    additional = _parse_additional(values.get("62", ""))
    qr = VietQR(
        bank_bin=bank_bin,
        account=account,
        service=service,
        amount=amount,
        merchant_category=values.get("52", ""),
        merchant_name=values.get("59", ""),
        merchant_city=values.get("60", ""),
        **additional,
    )
    _validate(qr)
    return qr


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQRError(f"Field {tag} is longer than 99 characters.")
    return f"{tag}{len(value):02d}{value}"


def _read_fields(data: str) -> list[tuple[str, str]]:
    """Split TLV data, checking digits, lengths and strictly ascending IDs."""
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(data):
        header = data[position : position + 4]
        if len(header) < 4 or not header.isdigit():
            raise VietQRError(f"Malformed field header at position {position}.")
        tag, length = header[:2], int(header[2:])
        value = data[position + 4 : position + 4 + length]
        if len(value) != length:
            raise VietQRError(f"Field {tag} is shorter than its stated length {length}.")
        if fields and tag <= fields[-1][0]:
            raise VietQRError(f"Field {tag} is out of order or repeated.")
        fields.append((tag, value))
        position += 4 + length
    return fields


def _parse_amount(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) > AMOUNT_MAX_DIGITS or value.startswith("0"):
        raise VietQRError("The amount (field 54) must be whole đồng, at most 13 digits.")
    return int(value)


def _parse_merchant_account(value: str | None) -> tuple[str, str, Service]:
    if value is None:
        raise VietQRError("The merchant account (field 38) is missing.")
    nested = _read_fields(value)
    if [tag for tag, _ in nested] != ["00", "01", "02"] or nested[0][1] != GUID:
        raise VietQRError("Field 38 must hold the NAPAS GUID, the beneficiary and the service.")
    beneficiary = _read_fields(nested[1][1])
    if [tag for tag, _ in beneficiary] != ["00", "01"]:
        raise VietQRError("The beneficiary (38/01) must hold a bank BIN and an account.")
    try:
        service = Service(nested[2][1])
    except ValueError:
        raise VietQRError("Unknown NAPAS service code in field 38/02.") from None
    return beneficiary[0][1], beneficiary[1][1], service


def _parse_additional(value: str) -> dict[str, str]:
    found = {}
    for tag, text in _read_fields(value):
        if tag not in _ADDITIONAL:
            raise VietQRError(f"Unsupported additional data field 62/{tag}.")
        found[_ADDITIONAL[tag]] = text
    return found


def _validate(qr: VietQR) -> None:
    if not (len(qr.bank_bin) == 6 and qr.bank_bin.isdigit()):
        raise VietQRError("The bank BIN must be 6 digits.")
    if not _ACCOUNT.fullmatch(qr.account):
        raise VietQRError("The account must be 1 to 19 letters or digits.")
    if qr.amount is not None and not (0 < qr.amount < 10**AMOUNT_MAX_DIGITS):
        raise VietQRError("The amount must be a positive whole number of đồng, ≤ 13 digits.")
    mcc = qr.merchant_category
    if mcc and not (len(mcc) == 4 and mcc.isdigit()):
        raise VietQRError("The merchant category code must be 4 digits.")
    limits = {"merchant_name": TEXT_MAX, "merchant_city": CITY_MAX}
    limits.update({name: TEXT_MAX for name in _ADDITIONAL.values()})
    for name, limit in limits.items():
        text = getattr(qr, name)
        if len(text) > limit or not _PRINTABLE_ASCII.fullmatch(text):
            raise VietQRError(f"{name} must be ASCII text of at most {limit} characters.")
