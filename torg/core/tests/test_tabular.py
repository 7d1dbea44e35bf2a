"""Reading XLSX/CSV into (line, {column: text}) rows, and writing them back."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from torg.core.tabular import TableError, read_table, write_csv, write_xlsx


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
