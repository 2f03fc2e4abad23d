"""The customer spreadsheet: its columns, reading an xlsx file, and checking rows (no ORM).

Row 1 of the template holds the column titles in the user's language, row 2 (hidden) the
column keys below; data starts on row 3. Columns are found by their key, so a template
downloaded in Chinese imports the same as one in English, and columns may be reordered.
"""
import io
import zipfile
from dataclasses import dataclass

from odoo.tools import email_normalize

from . import data_quality

MAX_FILE_BYTES = 5 * 1024 * 1024
# An xlsx is a zip archive: a small upload may unpack to gigabytes.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5000          # customers in one file
MAX_SHEET_ROWS = 10000   # rows read below the two title rows, blank ones included
MAX_COLUMNS = 100        # columns read (the template has fewer than 20)
FIRST_DATA_ROW = 3


@dataclass(frozen=True)
class Column:
    key: str            # partner field, or a pseudo-field resolved by the import
    category: str       # one of the seven categories of customer information
    kind: str = "text"  # text, email, phone, bool, choice, integer, date, country, user
    required: bool = False


COLUMNS = (
    Column("name", "basic", required=True),
    Column("is_company", "basic", "bool"),
    Column("ref", "basic"),
    Column("vat", "basic"),
    Column("email", "contact", "email"),
    Column("phone", "contact", "phone"),
    Column("mobile", "contact", "phone"),
    Column("street", "contact"),
    Column("city", "contact"),
    Column("zip", "contact"),
    Column("country_id", "contact", "country"),
    Column("website", "contact"),
    Column("user_id", "account", "user"),
    Column("comment", "service"),
    Column("income_level", "extended", "choice"),
    Column("household_size", "extended", "integer"),
    Column("date_of_birth", "extended", "date"),
)
KEYS = tuple(column.key for column in COLUMNS)
TRUE_WORDS = {"yes", "y", "true", "1", "是", "公司", "x"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "个人", "個人", ""}


class SheetError(ValueError):
    """The file cannot be read as a customer sheet at all (the message is a code, see ``MESSAGES``)."""


def decoded_size(encoded):
    """Bytes that the base64 text ``encoded`` (str or bytes) stands for, without decoding it."""
    newline, carriage_return, padding = ("\n", "\r", "=") if isinstance(encoded, str) else (b"\n", b"\r", b"=")
    length = len(encoded) - encoded.count(newline) - encoded.count(carriage_return)
    return length * 3 // 4 - encoded[-4:].count(padding)  # "=" pads the end only, maybe before a line break


def is_too_large(encoded):
    """Whether an upload, still in base64, is over the size limit."""
    return decoded_size(encoded) > MAX_FILE_BYTES


def _check_archive(content):
    """Refuse a zip bomb before anything unpacks it.

    ``zipfile`` never inflates a member past the size the archive's directory declares for it
    (it fails the CRC check instead), so the declared sizes bound what openpyxl can unpack;
    other compressions than deflate (bzip2, lzma) are not bounded per read and never in an xlsx.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise SheetError("not_xlsx") from error
    if any(member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for member in members):
        raise SheetError("not_xlsx")
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise SheetError("too_large_unpacked")


def read_rows(content):
    """Rows of the first sheet as ``[(row_number, {key: value})]``, blank rows skipped.

    At most ``MAX_SHEET_ROWS`` rows of ``MAX_COLUMNS`` columns are read below the titles.

    :raise SheetError: "too_large", "too_large_unpacked", "not_xlsx", "no_keys", "too_many_rows"
        or "too_many_sheet_rows".
    """
    import openpyxl  # noqa: PLC0415 - only needed when a file is imported

    if len(content) > MAX_FILE_BYTES:
        raise SheetError("too_large")
    _check_archive(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise SheetError("not_xlsx") from error
    sheet = book.worksheets[0]
    last_row = FIRST_DATA_ROW + MAX_SHEET_ROWS - 1
    # Bounds given explicitly: otherwise openpyxl pads every row to the size the sheet claims
    # (up to 1,048,576 rows of 16,384 cells).
    rows = sheet.iter_rows(max_row=last_row + 1, max_col=MAX_COLUMNS, values_only=True)
    next(rows, None)
    keys = [str(value).strip() if value else None for value in next(rows, None) or ()]
    if "name" not in keys:
        raise SheetError("no_keys")
    result = []
    for number, values in enumerate(rows, start=FIRST_DATA_ROW):
        if number > last_row:
            raise SheetError("too_many_sheet_rows")
        record = {key: value for key, value in zip(keys, values) if key in KEYS and value not in (None, "")}
        if record:
            result.append((number, record))
            if len(result) > MAX_ROWS:
                raise SheetError("too_many_rows")
    return result


def _text(value):
    return value.strip() if isinstance(value, str) else str(value)


def check_row(record, choices, region=None):
    """Normalised values of one row and its problems as ``(values, [(key, code)])``.

    :param choices: allowed values of the ``choice`` columns, ``{key: {accepted text: stored value}}``
    Problem codes: required, email, phone, bool, choice, integer, date.
    """
    values, problems = {}, []
    for column in COLUMNS:
        raw = record.get(column.key)
        if raw is None:
            if column.required:
                problems.append((column.key, "required"))
            continue
        text = _text(raw)
        if column.kind == "email":
            if not data_quality.is_valid_email(text):
                problems.append((column.key, "email"))
            values[column.key] = email_normalize(text) or text
        elif column.kind == "phone":
            if not data_quality.is_valid_phone(text, region):
                problems.append((column.key, "phone"))
            values[column.key] = text
        elif column.kind == "bool":
            word = text.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                problems.append((column.key, "bool"))
            values[column.key] = word in TRUE_WORDS
        elif column.kind == "choice":
            accepted = choices.get(column.key, {})
            stored = accepted.get(text) or accepted.get(text.lower())
            if stored is None:
                problems.append((column.key, "choice"))
            values[column.key] = stored
        elif column.kind == "integer":
            try:
                number = float(raw)
                if number != int(number) or number < 0:
                    raise ValueError(raw)
                values[column.key] = int(number)
            except (TypeError, ValueError):
                problems.append((column.key, "integer"))
        elif column.kind == "date":
            if hasattr(raw, "date"):
                values[column.key] = raw.date() if callable(raw.date) else raw
            else:
                problems.append((column.key, "date"))
        else:
            values[column.key] = text
    return values, problems


def duplicate_keys(values):
    """What identifies a customer: normalised email (as Odoo's ``email_normalized``), tax ID and
    phone numbers."""
    keys = set()
    email, vat = email_normalize(values.get("email") or ""), data_quality.vat_key(values.get("vat"))
    if email:
        keys.add(("email", email))
    if vat:
        keys.add(("vat", vat))
    for name in ("phone", "mobile"):
        phone = data_quality.normalized_phone(values.get(name))
        if phone:
            keys.add(("phone", phone))
    return keys
