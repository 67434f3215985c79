"""Reading an uploaded listing file, CSV or XLSX, with the work bounded before parsing starts.

An XLSX file is a zip of XML: a small file can unpack to gigabytes, declare millions of rows,
or carry XML entity tricks. So before openpyxl sees it, the zip itself is checked (members,
total unpacked size, compression ratio, encryption) and the first sheet's declared dimension is
read from the start of its XML; openpyxl then reads in ``read_only`` mode (with ``defusedxml``
installed it refuses entity declarations), only the first ``MAX_ROWS`` rows and ``MAX_COLUMNS``
columns, within a time budget. Anything openpyxl cannot read is "this file cannot be opened".

CSV may be UTF-8 (with or without a BOM) or UTF-16 with a BOM ("Unicode Text" in Excel),
separated by commas, semicolons or tabs (``csv.Sniffer`` on a sample, restricted to those).
"""

import codecs
import csv
import io
import logging
import time
import zipfile
from itertools import islice
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from catalog.workspace.errors import WorkspaceError

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000  # data rows per file
MAX_COLUMNS = 50
MAX_FILE_BYTES = 16 * 1024 * 1024
# XLSX: what a workbook of MAX_ROWS rows needs, with room to spare.
MAX_MEMBERS = 200
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed size of one member, checked for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
SETTINGS_BYTES = 1024 * 1024  # workbook.xml and its relationships
MAX_START_EVENTS = 1000  # XML elements before a sheet's data starts
READ_SECONDS = 20.0
DELIMITERS = ",;\t"
SAMPLE_CHARS = 16 * 1024

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
CANNOT_OPEN = _l(
    "This file cannot be opened: it is damaged, protected by a password or not a spreadsheet. "
    "Save it again as .xlsx or as CSV UTF-8."
)


class ImportFileError(WorkspaceError):
    """The file as a whole cannot be read."""


def read_table(data: bytes) -> list[list[Any]]:
    """The file's rows as lists of cell values; the format is told by content, not by name.

    At most MAX_ROWS data rows (plus the header and one more, to report the excess) are read.
    """
    if not data.strip():
        raise ImportFileError(_l("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _l("The file is larger than %(n)s MB; split it.", n=MAX_FILE_BYTES // 2**20)
        )
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportFileError(
            _l(
                "Old .xls files and password-protected workbooks cannot be read; "
                "save as .xlsx without a password, or as CSV UTF-8."
            )
        )
    return _read_csv(data)


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """The text of a CSV file, or a refusal naming the encoding it is in."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError(
            _l("The file is UTF-32 text. In Excel choose Save As → “CSV UTF-8” or “Unicode Text”.")
        )
    if data.startswith(codecs.BOM_UTF8):
        codec, name = "utf-8-sig", "UTF-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec, name = "utf-16", "UTF-16"
    else:
        codec, name = "utf-8", "UTF-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        if name == "UTF-16":
            raise ImportFileError(
                _l("The file says it is UTF-16 text but is damaged; save it again.")
            ) from None
        byte = f"0x{data[error.start]:02X}"
        raise ImportFileError(
            _l(
                "The file is not UTF-8 text (byte %(byte)s at position %(pos)s): it is probably "
                "in an older Vietnamese encoding such as Windows-1258, TCVN3 or VNI. In Excel "
                "choose Save As → “CSV UTF-8” or “Unicode Text”.",
                byte=byte,
                pos=error.start,
            )
        ) from None
    if "\x00" in text:
        raise ImportFileError(_l("This is not a CSV or XLSX file."))
    return text


def _delimiter(text: str) -> str:
    """The separator: what ``csv.Sniffer`` finds in a sample, else the header's commonest."""
    sample = text[:SAMPLE_CHARS]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=first_line.count)


def _read_csv(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for row in islice(reader, MAX_ROWS + 2):
            if len(row) > MAX_COLUMNS:
                raise _too_wide()
            rows.append(row)
    except csv.Error as error:
        raise ImportFileError(_l("The CSV file is damaged: %(error)s", error=str(error))) from None
    return rows


# --- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> list[list[Any]]:
    deadline = time.monotonic() + READ_SECONDS
    try:
        _check_workbook(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # Rows past a (wrong) declared dimension are read too, never a column past the limit.
            sheet.reset_dimensions()
            rows = []
            for values in sheet.iter_rows(
                max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True
            ):
                if time.monotonic() > deadline:
                    raise ImportFileError(
                        _l(
                            "Reading the file took more than %(n)s seconds; split it into "
                            "smaller files.",
                            n=int(READ_SECONDS),
                        )
                    )
                rows.append(list(values))
            return rows
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except DefusedXmlException:
        raise ImportFileError(
            _l("The file declares XML entities, which no spreadsheet needs; it was not opened.")
        ) from None
    except Exception:  # any failure of the parsers on an untrusted file means "cannot open"
        logger.info("An uploaded XLSX file could not be read", exc_info=True)
        raise ImportFileError(CANNOT_OPEN) from None


def _check_workbook(data: bytes) -> None:
    """Refuse a zip that would unpack too much, or a first sheet declaring too many cells."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportFileError(
            _l("The workbook holds more than %(n)s parts; save it again.", n=MAX_MEMBERS)
        )
    if any(member.flag_bits & 0x1 for member in members):  # zip encryption
        raise ImportFileError(CANNOT_OPEN)
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _l(
                "The workbook unpacks to more than %(n)s MB; split it into smaller files.",
                n=MAX_UNPACKED_BYTES // 2**20,
            )
        )
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ImportFileError(
                _l(
                    "The workbook is compressed more than %(n)s times, as no real sheet is; "
                    "it was not opened.",
                    n=MAX_RATIO,
                )
            )
    rows, columns = _declared_size(archive, _first_sheet(archive))
    if rows > MAX_ROWS + 1:
        declared, most = _thousands(rows), _thousands(MAX_ROWS)
        raise ImportFileError(
            _l("The sheet has %(rows)s rows; at most %(n)s rows per file.", rows=declared, n=most)
        )
    if columns > MAX_COLUMNS:
        raise _too_wide()


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The zip path of the workbook's first sheet, as its relationships name it."""
    workbook = fromstring(_small_member(archive, "xl/workbook.xml"))
    first = workbook.find(f"{SHEET_NS}sheets/{SHEET_NS}sheet")
    rels = fromstring(_small_member(archive, "xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if first is not None and rel.get("Id") == first.get(REL_ID):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise ValueError("The workbook names no first sheet.")


def _small_member(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > SETTINGS_BYTES:
        raise ValueError(f"{name} is too large.")
    return archive.read(name)


def _declared_size(archive: zipfile.ZipFile, sheet: str) -> tuple[int, int]:
    """Rows and columns the sheet's ``<dimension>`` declares, read before its data; (0, 0) if
    it declares none (then reading stops at the limits instead)."""
    with archive.open(sheet) as source:
        events = iterparse(source, events=("start",))
        for _event, element in islice(events, MAX_START_EVENTS):
            if element.tag == f"{SHEET_NS}dimension":
                _min_col, _min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                return max_row or 0, max_col or 0
            if element.tag == f"{SHEET_NS}sheetData":
                break
    return 0, 0


def _thousands(number: int) -> str:
    """A count as Vietnamese write it: 20.000."""
    return format(number, ",").replace(",", ".")


def _too_wide() -> ImportFileError:
    return ImportFileError(
        _l("A row has more than %(n)s cells; at most %(n)s columns per file.", n=MAX_COLUMNS)
    )
