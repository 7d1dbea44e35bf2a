"""Reading and writing tables (XLSX and CSV) for imports and exports.

Import services in the domain apps use `read_table` to get rows keyed by column name with their
line numbers, validate every row into `RowError`s, and write nothing unless the whole file is valid
or the user explicitly asks to import only the valid rows.
"""

import codecs
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _


class TableError(Exception):
    """The file as a whole cannot be read (wrong format, empty, missing columns)."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file, header is line 1
    column: str
    message: str


@dataclass
class ImportPlan:
    """What an importer's `plan_import` found: the rows it would write (each with its `line`), every
    `RowError`, the number of rows read and the importer's counts. Nothing is written while planning."""

    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def bad_lines(self) -> set[int]:
        return {e.line for e in self.errors}

    @property
    def valid_rows(self) -> list:
        bad = self.bad_lines
        return [r for r in self.rows if r.line not in bad]


class ImportRefused(Exception):
    """An import with row errors was not written (nothing was); `plan` lists them."""

    def __init__(self, plan):
        super().__init__("the file has errors")
        self.plan = plan


def parse_number(text, line, column, errors, *, whole=False, minimum=0, maximum=None, places=None):
    """A number in an import cell, or None: empty gives None; otherwise a RowError is added to `errors`
    and None returned when the text is not a number, not whole (`whole`), or outside minimum..maximum
    (both inclusive; `maximum=None` has no upper bound). Spaces and no-break spaces group thousands
    ("12 000") and a comma or a point marks decimals ("1,5"); a whole number may carry ",00". Returns
    an int when `whole`, else a Decimal rounded to `places` decimals when given. Every importer reads
    its numbers here, so a cell means the same in every file and is refused in the same words."""
    if text == "":
        return None
    try:
        value = Decimal(text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors.append(RowError(line, column, _("“%(value)s” is not a number.") % {"value": text}))
        return None
    if whole and value != value.to_integral_value():
        errors.append(RowError(line, column, _("“%(value)s” is not a whole number.") % {"value": text}))
        return None
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("Must be %(min)s or more.") % {"min": minimum}
        else:
            message = _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum}
        errors.append(RowError(line, column, message))
        return None
    if whole:
        return int(value)
    return round(value, places) if places is not None else value


def choice_lookup(choices_cls) -> dict:
    """Map a choice's code, English label and Norwegian label (case-insensitive) to the code, for
    importers that accept a choice in either language."""
    lookup = {}
    for value, label in choices_cls.choices:
        lookup[value.lower()] = value
        for lang in ("en", "nb"):
            with translation.override(lang):
                lookup[str(label).lower()] = value
    return lookup


def _normalise_header(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


def check_columns(columns, *, aliases: dict, names, required) -> dict:
    """An importer's check of a file's headings. `aliases` maps each accepted heading that is not a
    column name (e.g. the Norwegian one) to the column name; `names` are the column names, `required`
    those that must be there. Raises TableError for two headings that mean the same, a missing
    required column or an unknown one. Returns {column name: the file's heading}, so row errors name
    the column as the file does."""
    canonical = [aliases.get(c, c) for c in columns]
    if len(set(canonical)) != len(canonical):
        raise TableError(_("Two columns mean the same; keep one of them."))
    missing = set(required) - set(canonical)
    if missing:
        raise TableError(_("The file is missing the column(s): %(columns)s. Download the template to see the columns.")
                         % {"columns": ", ".join(sorted(missing))})
    unknown = [c for c in columns if aliases.get(c, c) not in names]
    if unknown:
        raise TableError(_("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)})
    return {aliases.get(c, c): c for c in columns}


def read_table(upload, *, max_rows: int = 200_000) -> tuple[list[str], list[tuple[int, dict]]]:
    """Return (columns, [(line_number, {column: text}), ...]) from an uploaded XLSX or CSV file.

    Blank lines are skipped. Cell values are returned as stripped strings ("" when empty).
    """
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read() if hasattr(upload, "read") else upload
    if not data:
        raise TableError(_("The file is empty."))
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        rows = _csv_rows(data)
    else:
        raise TableError(_("Unsupported file type. Upload an .xlsx or .csv file."))
    try:
        header = next(rows)
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    columns = [_normalise_header(h) for h in header]
    out = []
    for line, values in enumerate(rows, start=2):
        cells = ["" if v is None else _cell_text(v) for v in values]
        if not any(cells):
            continue
        if len(out) >= max_rows:
            raise TableError(_("The file has more than %(max)d rows.") % {"max": max_rows})
        out.append((line, {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(columns) if col}))
    return [c for c in columns if c], out


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook  # heavy to import: loaded when a spreadsheet is read, not by every process

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise TableError(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    ws = wb.worksheets[0]
    return (list(r) for r in ws.iter_rows(values_only=True))


# Byte order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Names shown to the user for what charset-normalizer reports (Python codec names otherwise).
_ENCODING_NAMES = {"cp932": "Shift-JIS", "shift_jis": "Shift-JIS", "shift_jis_2004": "Shift-JIS",
                   "shift_jisx0213": "Shift-JIS", "euc_jp": "EUC-JP", "big5": "Big5", "big5hkscs": "Big5",
                   "gb2312": "GB2312", "gb18030": "GB18030", "cp949": "EUC-KR", "euc_kr": "EUC-KR",
                   "koi8_r": "KOI8-R", "mac_roman": "Mac Roman"}


def _encoding_name(codec: str) -> str:
    if codec in _ENCODING_NAMES:
        return _ENCODING_NAMES[codec]
    if codec.startswith("cp125"):
        return f"Windows-{codec[2:]}"
    return codec.upper().replace("_", "-")


def _unreadable(encoding: str) -> TableError:
    return TableError(_("The file's text encoding is %(encoding)s, which cannot be read here. Save the file "
                        "as CSV UTF-8 and upload it again.") % {"encoding": encoding})


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: a table of mostly Latin text has a zero byte in every other
    position (the odd ones for little-endian, the even ones for big-endian)."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > half * 0.3 and even == 0:
        return "utf-16-le"
    if even > half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> str:
    """Decode an uploaded text file. A byte order mark decides first (UTF-8, UTF-16, UTF-32); then
    UTF-8, UTF-16 without a mark, and Windows-1252 (Excel's "CSV" on Norwegian Windows) when the
    detector (charset-normalizer) finds the bytes plausible as such. Anything else is refused with a
    `TableError` that names the encoding found, rather than read as the wrong characters."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError:
                raise _unreadable(label) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec := _bomless_utf16(data):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            raise _unreadable("UTF-16") from None
    from charset_normalizer import from_bytes  # loaded only for a file that is neither UTF-8 nor UTF-16

    matches = from_bytes(data)
    if any(m.encoding == "cp1252" for m in matches):
        return data.decode("cp1252")
    best = matches.best()
    if best is None:
        raise TableError(_("The file is not a text file. Upload an .xlsx or .csv file."))
    raise _unreadable(_encoding_name(best.encoding))


def _csv_rows(data: bytes):
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return iter(list(csv.reader(io.StringIO(text), dialect)))


# A text cell starting with one of these is run as a formula by Excel and LibreOffice ("formula
# injection"): exported text typed by users must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(value) -> bool:
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return False
    try:
        float(value.replace(",", "."))  # "-12,5" is a number, not a formula
    except ValueError:
        return True
    return False


def write_xlsx(columns: list[str], rows, *, title: str = "Torg") -> bytes:
    """An .xlsx file with a bold header row; `rows` is an iterable of sequences. Text that would
    start a formula is stored as text. Written in openpyxl's write-only mode: rows stream out in
    linear time and constant memory, however long the export."""
    return write_xlsx_sheets([(title, columns, rows)])


def write_xlsx_sheets(sheets) -> bytes:
    """An .xlsx file of several sheets, each `(title, columns, rows)` as for `write_xlsx` (a report
    in parts: one sheet per table)."""
    from openpyxl import Workbook  # heavy to import: loaded when a spreadsheet is written
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        ws = wb.create_sheet(str(title)[:31])

        def header_cell(value, ws=ws):
            cell = WriteOnlyCell(ws, value=value)
            cell.font = bold
            return cell

        def text_cell(value, ws=ws):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell

        ws.append([header_cell(str(c)) for c in columns])
        for row in rows:
            ws.append([text_cell(v) if _looks_like_formula(v) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(columns: list[str], rows) -> bytes:
    """Semicolon-separated UTF-8 with BOM (opens correctly in Excel). Text that would start a
    formula gets a leading apostrophe, which spreadsheets show as text."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else f"'{v}" if _looks_like_formula(v) else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
