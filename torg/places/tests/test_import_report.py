"""The import preview as a municipal user meets it: Norwegian headings, a sample of the rows, a long
error list capped on the page and downloadable in full."""

import csv as csv_module
import io

import pytest
from django.urls import reverse

from torg.core.tabular import TableError, read_table
from torg.places import importer
from torg.places.models import Building, Room
from torg.places.tests.test_import import BAD, GOOD, HEADER, _state, _upload, csv, xlsx

pytestmark = pytest.mark.django_db

NORWEGIAN_HEADER = ["Gårdsnummer", "Bruksnummer", "Eiendomsadresse", "Bygningsnummer", "Byggnavn", "Byggeår", "BTA",
                    "Bruk", "Kategori", "Etasje", "Etasjenavn", "Romnummer", "Romnavn", "Nettoareal", "Kapasitet",
                    "Funksjon"]


def test_norwegian_headings_are_understood(tenant, admin_user):
    rows = [list(r) for r in GOOD]
    rows[0][7], rows[0][15] = "Kontor", "Møterom"  # choice labels in Norwegian, as before
    plan = importer.apply_import(actor=admin_user, tenant=tenant, upload=xlsx(rows, header=NORWEGIAN_HEADER))
    assert not plan.errors
    room = Room.objects.get(tenant=tenant, number="0.012")
    assert (room.name, room.net_area, room.capacity, room.function) == ("Møterom Fjorden", 24.5, 10, "meeting")
    assert Building.objects.get(tenant=tenant, building_number="300123456").gross_area == 37700


def test_errors_name_the_column_as_the_file_does(tenant):
    rows = [list(r) for r in BAD]
    plan = importer.plan_import(tenant=tenant, upload=csv(rows, header=NORWEGIAN_HEADER))
    assert ("nettoareal", 6) in {(e.column, e.line) for e in plan.errors}
    assert not any(e.column == "net_area" for e in plan.errors)


def test_two_headings_for_the_same_column_are_refused(tenant):
    header = [*HEADER, "romnummer"]
    rows = [[*r, ""] for r in GOOD]
    with pytest.raises(TableError, match="The columns room_number and romnummer mean the same"):
        importer.plan_import(tenant=tenant, upload=csv(rows, header=header))


def test_preview_shows_the_first_rows_as_they_will_be_saved(tenant, property_manager, en_client):
    response = _upload(en_client(property_manager), xlsx(GOOD))
    body = response.content.decode()
    assert "The first rows as they will be saved" in body
    assert [row["line"] for row in response.context["sample_rows"]] == [2, 3, 4, 5]
    assert "Møterom Fjorden" in body


def test_long_error_list_is_capped_on_the_page_and_complete_in_the_download(tenant, property_manager, en_client):
    bad_row = ["12", "345", "", "300123456", "Rådhuset", "", "", "", "", "1", "", "", "", "ti", "", ""]
    rows = [[*bad_row[:11], f"R{i}", "", "ti", "", ""] for i in range(300)]  # 300 rows, each "ti" not a number
    client = en_client(property_manager)
    before = _state()
    response = _upload(client, csv(rows))
    body = response.content.decode()
    assert "300 problems found" in body
    assert "The first 200 are listed below." in body
    assert body.count("“ti” is not a number.") == 200

    token = response.context["token"]
    download = client.get(reverse("places:import_errors"), {"token": token})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    table = list(csv_module.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["Line", "Column", "Problem"]
    assert len(table) == 301 and table[1] == ["2", "net_area", "“ti” is not a number."]
    assert _state() == before  # neither the preview nor the download wrote anything


def test_problem_list_belongs_to_its_session_and_tenant(tenant, property_manager, other_admin, en_client, client):
    response = _upload(en_client(property_manager), csv(BAD))
    token = response.context["token"]
    url = reverse("places:import_errors")
    assert en_client(property_manager).get(url, {"token": "not-the-token"}).status_code == 404
    client.logout()
    assert en_client(other_admin).get(url, {"token": token}).status_code == 404


def test_problem_list_needs_the_manage_permission(tenant, employee, en_client):
    assert en_client(employee).get(reverse("places:import_errors"), {"token": "x"}).status_code == 403


def test_exported_text_never_becomes_a_spreadsheet_formula():
    from openpyxl import load_workbook

    from torg.core.tabular import write_csv, write_xlsx

    evil = '=HYPERLINK("https://evil.example","klikk")'
    sheet = load_workbook(io.BytesIO(write_xlsx(["a", "b"], [[evil, "-12,5"]]))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == evil
    text = write_csv(["a", "b", "c"], [[evil, "-12,5", "@SUM(A1)"]]).decode("utf-8-sig")
    assert list(csv_module.reader(io.StringIO(text), delimiter=";"))[1] == [f"'{evil}", "-12,5", "'@SUM(A1)"]
    columns, rows = read_table(io.BytesIO(write_xlsx(["a"], [["plain"]])))
    assert rows == [(2, {"a": "plain"})]


def test_unconfirmed_previews_do_not_pile_up(tenant, other_tenant, property_manager, en_client):
    """Previews are kept in the database (any app server can confirm them), one per session and
    import, and those left for a day are removed."""
    import datetime as dt

    from django.utils import timezone

    from torg.core.models import UploadStash

    client = en_client(property_manager)
    first = _upload(client, xlsx(GOOD)).context["token"]
    assert UploadStash.objects.filter(token=first, tenant=tenant).exists()
    second = _upload(client, xlsx(GOOD)).context["token"]
    assert set(UploadStash.objects.values_list("token", flat=True)) == {second}  # replaced, not kept

    abandoned = UploadStash.objects.create(tenant=other_tenant, token="abandoned", name="a.csv", data=b"x")
    recent = UploadStash.objects.create(tenant=other_tenant, token="fresh", name="b.csv", data=b"y")
    UploadStash.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    third = _upload(client, xlsx(GOOD)).context["token"]
    assert set(UploadStash.objects.values_list("token", flat=True)) == {recent.token, third}
    # The current preview still imports.
    response = client.post(reverse("places:import_confirm"), {"token": third})
    assert response.status_code == 302 and Building.objects.filter(tenant=tenant).count() == 2
