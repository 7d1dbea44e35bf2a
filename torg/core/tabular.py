"""Reading and writing tables (XLSX and CSV) for imports and exports.

Import services in the domain apps use `read_table` to get rows keyed by column name with their
line numbers, validate every row into `RowError`s, and write nothing unless the whole file is valid
or the user explicitly asks to import only the valid rows.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _


class TableError(Exception):
    """The file as a whole cannot be read (wrong format, empty, missing columns)."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file, header is line 1
    column: str
    message: str


def _normalise_header(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


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
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise TableError(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    ws = wb.worksheets[0]
    return (list(r) for r in ws.iter_rows(values_only=True))


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise TableError(_("The file's text encoding is not supported; save it as UTF-8."))
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
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    bold = Font(bold=True)

    def header_cell(value):
        cell = WriteOnlyCell(ws, value=value)
        cell.font = bold
        return cell

    def text_cell(value):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell

    ws.append([header_cell(c) for c in columns])
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
