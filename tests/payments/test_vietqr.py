"""VietQR payloads: the NAPAS vectors byte for byte, strict parsing, and round trips."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.vietqr import (
    CRC_TAG,
    Service,
    VietQR,
    VietQRError,
    ascii_text,
    build,
    crc16,
    parse,
)

STATIC_CARD = (
    "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC"
    "53037045802VN63044F52"
)
DYNAMIC_ACCOUNT = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
    "530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)
DYNAMIC_CARD = (
    "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC"
    "530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203"
)
CARD = "9704031101234567"
NAPAS = [
    (VietQR("970403", CARD, Service.CARD), STATIC_CARD),
    (
        VietQR(
            "970403",
            "0011012345678",
            Service.ACCOUNT,
            amount=180000,
            bill_number="NPS6869",
            purpose="thanh toan don hang",
        ),
        DYNAMIC_ACCOUNT,
    ),
    (
        VietQR(
            "970403",
            CARD,
            Service.CARD,
            amount=180000,
            bill_number="NPS6869",
            purpose="thanh toan don hang",
        ),
        DYNAMIC_CARD,
    ),
]


def with_crc(body: str) -> str:
    """A payload from ``body`` (everything before field 63) with a correct CRC."""
    return body + CRC_TAG + crc16(body + CRC_TAG)


def test_crc_matches_the_ccitt_false_check_value() -> None:
    assert crc16("123456789") == "29B1"


def test_crc_below_0x1000_keeps_four_digits() -> None:
    low = next(f"x{n}" for n in range(100_000) if int(crc16(f"x{n}"), 16) < 0x1000)
    assert len(crc16(low)) == 4 and crc16(low).startswith("0")


@pytest.mark.parametrize(("qr", "payload"), NAPAS)
def test_builder_reproduces_the_napas_examples_byte_for_byte(qr: VietQR, payload: str) -> None:
    assert build(qr) == payload


@pytest.mark.parametrize(("qr", "payload"), NAPAS)
def test_parser_reads_the_napas_examples_back(qr: VietQR, payload: str) -> None:
    assert parse(payload) == qr


def test_a_qr_without_amount_is_static_and_one_with_an_amount_is_dynamic() -> None:
    assert "010211" in build(VietQR("970436", "1023456789"))
    assert "010212" in build(VietQR("970436", "1023456789", amount=50_000))
    assert not parse(STATIC_CARD).is_dynamic
    assert parse(DYNAMIC_ACCOUNT).is_dynamic


def test_optional_merchant_fields_are_built_in_id_order() -> None:
    qr = VietQR(
        "970436",
        "1023456789",
        amount=125_000,
        merchant_category="5499",
        merchant_name="HTX CHE SHAN TUYET",
        merchant_city="TUYEN QUANG",
        purpose="CQ7K3F9A",
    )
    payload = build(qr)
    assert payload.index("52045499") < payload.index("5303704") < payload.index("5406125000")
    assert payload.index("5802VN") < payload.index("5918HTX CHE SHAN TUYET")
    assert parse(payload) == qr


def tlv(tag: str, value: str) -> str:
    """One field, as the layout writes it."""
    return f"{tag}{len(value):02d}{value}"


def merchant(
    guid: str = "A000000727", account: str = "0011012345678", service: str = "QRIBFTTA"
) -> str:
    """Field 38's value: GUID, beneficiary (BIN and account), service code."""
    return (
        tlv("00", guid) + tlv("01", tlv("00", "970403") + tlv("01", account)) + tlv("02", service)
    )


def dynamic(changes: dict[str, str | None] | None = None) -> str:
    """The dynamic account example without field 62, with top-level fields changed or dropped."""
    fields = {"00": "01", "01": "12", "38": merchant(), "53": "704", "54": "180000", "58": "VN"}
    fields.update(changes or {})
    return with_crc("".join(tlv(tag, value) for tag, value in fields.items() if value is not None))


BAD_BENEFICIARY_LENGTH = tlv("00", "A000000727") + "0127" + "0006970403" + "0114" + "0011012345678"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (DYNAMIC_ACCOUNT[:-4] + "2E2F", "CRC does not match"),
        (DYNAMIC_ACCOUNT[:-4] + "2e2e", "CRC does not match"),
        (DYNAMIC_ACCOUNT[:-1], "Field 63 is shorter"),
        (DYNAMIC_ACCOUNT[:-8], "last field must be the 4-digit CRC"),
        (DYNAMIC_ACCOUNT.replace("thanh toan", "thanh-toan"), "CRC does not match"),
        (with_crc("000201010212385700"), "Field 38 is shorter"),
        (with_crc(dynamic()[:-14] + "5801VN"), "Malformed field header"),
        (
            with_crc(tlv("00", "01") + tlv("01", "12") + tlv("53", "704") + tlv("38", merchant())),
            "Field 38 is out of order",
        ),
        (
            with_crc(tlv("00", "01") + tlv("01", "12") + tlv("01", "12")),
            "Field 01 is out of order or repeated",
        ),
        (dynamic({"38": None}), "merchant account .field 38. is missing"),
        (dynamic({"38": merchant(guid="A000000728")}), "NAPAS GUID"),
        (
            dynamic(
                {
                    "38": tlv("00", "A000000727")
                    + tlv("01", tlv("00", "970403"))
                    + tlv("02", "QRIBFTTA")
                }
            ),
            "must hold a bank BIN and an account",
        ),
        (dynamic({"38": BAD_BENEFICIARY_LENGTH + tlv("02", "QRIBFTTA")}), "Field 01 is shorter"),
        (dynamic({"38": merchant(service="QRIBFTTX")}), "Unknown NAPAS service code"),
        (dynamic({"38": merchant(account="00110123456789012345")}), "account must be 1 to 19"),
        (dynamic({"54": "180000.00"}), "amount .field 54."),
        (dynamic({"54": "0180000"}), "amount .field 54."),
        (dynamic({"54": "12345678901234"}), "amount .field 54."),
        (dynamic({"01": "11"}), "dynamic QR carries an amount"),
        (dynamic({"54": None}), "dynamic QR carries an amount"),
        (dynamic({"01": "13"}), "Point of initiation"),
        (dynamic({"53": "840"}), "Field 53 must be 704"),
        (dynamic({"58": "US"}), "Field 58 must be VN"),
        (dynamic({"00": "02"}), "format indicator 01"),
        (dynamic({"62": tlv("09", "XX")}), "62/09"),
        (dynamic({"62": tlv("08", "x" * 26)}), "purpose must be ASCII"),
        ("0002010102123857Đơn hàng", "printable ASCII"),
        ("", "last field must be the 4-digit CRC"),
    ],
)
def test_parser_rejects_a_malformed_payload_for_the_right_reason(payload: str, reason: str) -> None:
    with pytest.raises(VietQRError, match=reason):
        parse(payload)


@pytest.mark.parametrize(
    "qr",
    [
        VietQR("97040", "1"),
        VietQR("97040A", "1"),
        VietQR("970403", ""),
        VietQR("970403", "1" * 20),
        VietQR("970403", "12-34"),
        VietQR("970403", "1", amount=0),
        VietQR("970403", "1", amount=10**13),
        VietQR("970403", "1", purpose="x" * 26),
        VietQR("970403", "1", purpose="thanh toán"),
        VietQR("970403", "1", merchant_city="x" * 16),
        VietQR("970403", "1", merchant_category="54"),
        VietQR(
            "970403",
            "1",
            bill_number="b" * 25,
            reference="r" * 25,
            terminal="t" * 25,
            purpose="p" * 25,
        ),
    ],
)
def test_builder_refuses_fields_the_layout_cannot_carry(qr: VietQR) -> None:
    with pytest.raises(VietQRError):
        build(qr)


@pytest.mark.parametrize(
    ("text", "memo"),
    [
        ("Thanh toán đơn hàng", "Thanh toan don hang"),
        ("ĐẶC SẢN Đà Lạt", "DAC SAN Da Lat"),
        ("Chè Shan tuyết Na Hang — mua 2 gói", "Che Shan tuyet Na Hang mu"),
        ("  CQ7K3F9A \n thanh   toan ", "CQ7K3F9A thanh toan"),
        ("Người ở Hàm Yên 🍊", "Nguoi o Ham Yen"),
    ],
)
def test_memo_is_ascii_without_diacritics_and_at_most_25_characters(text: str, memo: str) -> None:
    assert ascii_text(text) == memo


PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126)


@st.composite
def qrs(draw: st.DrawFn) -> VietQR:
    """Any VietQR the builder accepts."""
    return VietQR(
        bank_bin=draw(st.from_regex(r"[0-9]{6}", fullmatch=True)),
        account=draw(st.from_regex(r"[0-9A-Za-z]{1,19}", fullmatch=True)),
        service=draw(st.sampled_from(Service)),
        amount=draw(st.none() | st.integers(min_value=1, max_value=10**13 - 1)),
        merchant_category=draw(st.just("") | st.from_regex(r"[0-9]{4}", fullmatch=True)),
        merchant_name=draw(st.text(PRINTABLE, max_size=25)),
        merchant_city=draw(st.text(PRINTABLE, max_size=15)),
        bill_number=draw(st.text(PRINTABLE, max_size=15)),
        reference=draw(st.text(PRINTABLE, max_size=15)),
        terminal=draw(st.text(PRINTABLE, max_size=15)),
        purpose=draw(st.text(PRINTABLE, max_size=25)),
    )


@given(qrs())
def test_every_valid_qr_survives_a_build_and_parse_round_trip(qr: VietQR) -> None:
    assert parse(build(qr)) == qr


@given(qrs(), st.data())
def test_changing_any_single_character_is_detected(qr: VietQR, data: st.DataObject) -> None:
    payload = build(qr)
    position = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    other = data.draw(PRINTABLE.filter(lambda ch: ch != payload[position]))
    with pytest.raises(VietQRError):
        parse(payload[:position] + other + payload[position + 1 :])


@given(st.text())
def test_the_parser_only_ever_raises_its_own_error(text: str) -> None:
    with contextlib.suppress(VietQRError):
        parse(text)


@given(st.text())
def test_a_memo_is_always_short_printable_ascii_and_stable(text: str) -> None:
    memo = ascii_text(text)
    assert len(memo) <= 25
    assert all(" " <= ch <= "~" for ch in memo)
    assert ascii_text(memo) == memo
