"""Reading XLSX/CSV into (line, {column: text}) rows, and writing them back."""

import codecs
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from decimal import Decimal

from torg.core.tabular import TableError, parse_number, read_table, write_csv, write_xlsx


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_csv_with_any_common_separator(sep):
    text = sep.join(["Building name", "Floor level", "Room number"]) + "\n"
    text += sep.join(["Rådhuset", "0", "0.01"]) + "\n\n"  # blank line skipped, keeps numbering
    text += sep.join(["Rådhuset", "1", "1.01"]) + "\n"
    columns, rows = read_table(upload("rooms.csv", text.encode("utf-8")))
    assert columns == ["building_name", "floor_level", "room_number"]
    assert rows == [
        (2, {"building_name": "Rådhuset", "floor_level": "0", "room_number": "0.01"}),
        (4, {"building_name": "Rådhuset", "floor_level": "1", "room_number": "1.01"}),
    ]


def test_csv_semicolon_with_decimal_commas_and_bom():
    data = "\ufeffbuilding_name;net_area;capacity\nSkolen;24,5;10\nSkolen;12,0;2\n".encode()
    columns, rows = read_table(upload("x.csv", data))
    assert columns == ["building_name", "net_area", "capacity"]
    assert rows[0] == (2, {"building_name": "Skolen", "net_area": "24,5", "capacity": "10"})


def test_csv_in_windows_encoding():
    data = "building_name;room_name\nRådhuset;Møterom\n".encode("cp1252")
    _columns, rows = read_table(upload("x.csv", data))
    assert rows[0][1] == {"building_name": "Rådhuset", "room_name": "Møterom"}


def test_xlsx_round_trip():
    data = write_xlsx(["Building name", "Floor level", "Net area"], [["Rådhuset", 0, 24.5], [None, None, None],
                                                                      ["Skolen", -1, 12.0]])
    columns, rows = read_table(upload("rooms.xlsx", data))
    assert columns == ["building_name", "floor_level", "net_area"]
    assert rows == [
        (2, {"building_name": "Rådhuset", "floor_level": "0", "net_area": "24.5"}),
        (4, {"building_name": "Skolen", "floor_level": "-1", "net_area": "12"}),
    ]


def test_xlsx_detected_by_content_without_extension():
    data = write_xlsx(["a"], [["1"]])
    assert read_table(io.BytesIO(data))[1] == [(2, {"a": "1"})]


def test_write_csv_is_readable_again():
    data = write_csv(["a", "b"], [["1", None], ["x;y", "2"]])
    assert read_table(upload("out.csv", data))[1] == [(2, {"a": "1", "b": ""}), (3, {"a": "x;y", "b": "2"})]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.csv", b"", "empty"),
        ("empty.xlsx", b"", "empty"),
        ("broken.xlsx", b"this is not a workbook", "could not be read"),
        ("zip.xlsx", b"PK\x03\x04garbage", "could not be read"),
        ("report.pdf", b"%PDF-1.4", "Unsupported file type"),
    ],
)
def test_unreadable_files_give_a_clear_message(name, data, message):
    with pytest.raises(TableError) as exc:
        read_table(upload(name, data))
    assert message in str(exc.value)


def test_row_limit():
    data = ("a\n" + "x\n" * 11).encode()
    with pytest.raises(TableError):
        read_table(upload("big.csv", data), max_rows=10)


# --- Text encodings (real files in tests/files/, as spreadsheet programs save them) -----------
FILES = Path(__file__).parent / "files"
ROOMS = [
    (2, {"building_name": "Rådhuset", "floor_level": "0", "room_number": "0.012", "room_name": "Møterom Ærfuglen"}),
    (3, {"building_name": "Rådhuset", "floor_level": "1", "room_number": "1.001", "room_name": "Kontor – øst"}),
]


@pytest.mark.parametrize("name", [
    "rooms-utf8-bom.csv",
    "rooms-utf16le-bom.txt",  # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF
    "rooms-utf16be-bom.csv",
    "rooms-utf16le.csv",  # UTF-16 without a BOM
    "rooms-utf32-bom.csv",
    "rooms-windows-1252.csv",  # Excel's "CSV" on a Norwegian Windows
])
def test_csv_encodings_are_detected(name):
    columns, rows = read_table(upload(name, (FILES / name).read_bytes()))
    assert columns == ["building_name", "floor_level", "room_number", "room_name"]
    assert rows == ROOMS


def test_shift_jis_is_refused_naming_the_encoding_not_read_as_windows_1252():
    data = (FILES / "rooms-shift-jis.csv").read_bytes()
    with pytest.raises(TableError) as exc:
        read_table(upload("rooms-shift-jis.csv", data))
    assert "Shift-JIS" in str(exc.value) and "UTF-8" in str(exc.value)
    with translation.override("nb"), pytest.raises(TableError) as exc:
        read_table(upload("rooms-shift-jis.csv", data))
    assert "Shift-JIS" in str(exc.value) and "Tegnkodingen" in str(exc.value)


def test_a_broken_utf16_file_is_refused_naming_utf16():
    with pytest.raises(TableError, match="UTF-16"):
        read_table(upload("x.csv", codecs.BOM_UTF16_LE + "a;b\n".encode("utf-16-le") + b"\x00"))


def test_binary_data_is_refused_as_not_text():
    with pytest.raises(TableError, match="not a text file"):
        read_table(upload("photo.csv", bytes(range(256)) * 8))


@pytest.mark.parametrize("text, options, value", [
    ("", {}, None),
    ("12 000", {"whole": True, "maximum": 100000}, 12000),
    ("12\u00a0000,00", {"whole": True, "maximum": 100000}, 12000),
    ("1,5", {}, Decimal("1.5")),
    ("12.36", {"places": 1}, Decimal("12.4")),
    ("-3", {"whole": True, "minimum": -10, "maximum": 200}, -3),
])
def test_a_number_in_a_cell_reads_the_way_people_write_it(text, options, value):
    errors = []
    assert parse_number(text, 2, "n", errors, **options) == value
    assert errors == []


@pytest.mark.parametrize("text, options, message", [
    ("ti", {}, "“ti” is not a number."),
    ("NaN", {}, "“NaN” is not a number."),
    ("Infinity", {}, "“Infinity” is not a number."),
    ("1,5", {"whole": True}, "“1,5” is not a whole number."),
    ("0", {"whole": True, "minimum": 1, "maximum": 99}, "Must be between 1 and 99."),
    ("100", {"whole": True, "minimum": 1, "maximum": 99}, "Must be between 1 and 99."),
    ("-1", {}, "Must be 0 or more."),
])
def test_a_cell_that_is_not_an_allowed_number_is_a_row_error_in_words(text, options, message):
    errors = []
    assert parse_number(text, 7, "quantity", errors, **options) is None
    assert [(e.line, e.column, e.message) for e in errors] == [(7, "quantity", message)]


def test_the_row_error_is_translated():
    errors = []
    with translation.override("nb"):
        parse_number("ti", 3, "antall", errors)
    assert errors[0].message == "«ti» er ikke et tall."
