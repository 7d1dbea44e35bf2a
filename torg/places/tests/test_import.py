"""Importing buildings, floors and rooms from XLSX/CSV: preview, per-row errors, all-or-nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from torg.core.models import AuditEvent, UploadStash
from torg.core.tabular import TableError, write_xlsx
from torg.places import importer
from torg.places.models import Building, Floor, Property, Room

pytestmark = pytest.mark.django_db

HEADER = ["gnr", "bnr", "property_address", "building_number", "building_name", "year_built", "gross_area", "use",
          "strategic_category", "floor_level", "floor_name", "room_number", "room_name", "net_area", "capacity",
          "function"]
GOOD = [
    ["12", "345", "Rådhusgata 1", "300123456", "Rådhuset", "1978", "37700", "office", "A", "0", "1. etasje",
     "0.012", "Møterom Fjorden", "24.5", "10", "meeting"],
    ["12", "345", "", "300123456", "Rådhuset", "", "", "", "", "1", "2. etasje", "1.001", "Kontor", "12", "2",
     "office"],
    ["12", "346", "Skolevegen 2", "", "Storvik skole", "1965", "5400", "school", "B", "0", "", "A101",
     "Klasserom 1", "60", "28", "classroom"],
    ["12", "346", "", "", "Storvik skole", "", "", "", "", "", "", "", "", "", "", ""],  # building-only row
]


def xlsx(rows, header=HEADER, name="rom.xlsx"):
    return SimpleUploadedFile(name, write_xlsx(header, rows))


def csv(rows, header=HEADER, sep=";", name="rom.csv"):
    text = "\n".join(sep.join(r) for r in [header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"))


def _state():
    return [list(m.objects.order_by("pk").values()) for m in (Property, Building, Floor, Room)] + [
        AuditEvent.objects.count()]


def _assert_good_import(tenant):
    assert sorted(Building.objects.filter(tenant=tenant).values_list("name", flat=True)) == ["Rådhuset",
                                                                                           "Storvik skole"]
    townhall = Building.objects.get(building_number="300123456")
    assert (townhall.property.gnr, townhall.property.bnr) == (12, 345)
    assert townhall.year_built == 1978 and townhall.gross_area == 37700 and townhall.strategic_category == "A"
    assert sorted(townhall.floors.values_list("level", "name")) == [(0, "1. etasje"), (1, "2. etasje")]
    room = Room.objects.get(number="0.012")
    assert (room.building, room.floor.level, room.name, str(room.net_area), room.capacity, room.function) == (
        townhall, 0, "Møterom Fjorden", "24.5", 10, "meeting")
    school = Building.objects.get(name="Storvik skole")
    assert school.use == "school" and school.property.address == "Skolevegen 2"
    assert Room.objects.filter(tenant=tenant).count() == 3
    assert Property.objects.filter(tenant=tenant).count() == 2


@pytest.mark.parametrize("make_file", [
    lambda: xlsx(GOOD),
    lambda: csv(GOOD, sep=";"),
    lambda: csv(GOOD, sep=","),
    lambda: csv([[c.replace(".", ",") if c in ("24.5",) else c for c in r] for r in GOOD], sep=";"),
], ids=["xlsx", "csv-semicolon", "csv-comma", "csv-decimal-comma"])
def test_valid_file_creates_the_register(make_file, tenant, admin_user):
    plan = importer.apply_import(actor=admin_user, tenant=tenant, upload=make_file())
    assert plan.errors == []
    _assert_good_import(tenant)
    assert plan.counts["created"] == 2 + 2 + 3 + 3  # properties, buildings, floors, rooms
    events = AuditEvent.objects.filter(tenant=tenant, action__endswith="_import_create", actor=admin_user)
    assert events.count() == 10 and events.get(object_type="places.floor", object_id=str(
        Room.objects.get(number="A101").floor_id)).action == "floor_import_create"
    assert events.get(object_type="places.room", object_id=str(Room.objects.get(number="A101").pk)).changes[
        "capacity"] == [None, 28]


def test_reimport_updates_instead_of_duplicating(tenant, admin_user):
    importer.apply_import(actor=admin_user, tenant=tenant, upload=xlsx(GOOD))
    changed = [list(r) for r in GOOD]
    changed[0][13] = "30"  # net area of 0.012
    changed[0][15] = "Møterom"  # function by Norwegian label
    changed[2][8] = "C"
    plan = importer.apply_import(actor=admin_user, tenant=tenant, upload=xlsx(changed))
    assert Building.objects.count() == 2 and Floor.objects.count() == 3 and Room.objects.count() == 3
    assert Property.objects.count() == 2
    room = Room.objects.get(number="0.012")
    assert room.net_area == 30 and room.function == "meeting"
    assert Building.objects.get(name="Storvik skole").strategic_category == "C"
    assert plan.counts["created"] == 0 and plan.counts["updated"] == 2
    room_update = AuditEvent.objects.get(action="room_import_update", object_type="places.room")
    assert room_update.changes == {"net_area": ["24.5", "30.0"]}
    school_update = AuditEvent.objects.get(action="building_import_update", object_type="places.building")
    assert school_update.changes == {"strategic_category": ["B", "C"]}
    # Importing the same file again changes nothing and records nothing.
    events = AuditEvent.objects.count()
    plan = importer.apply_import(actor=admin_user, tenant=tenant, upload=xlsx(changed))
    assert plan.counts["created"] == plan.counts["updated"] == 0 and AuditEvent.objects.count() == events


BAD = GOOD + [
    ["12", "345", "", "300123456", "Rådhuset", "", "", "", "", "1", "", "1.002", "", "ti", "-4", "sofa"],  # line 6
    ["", "", "", "", "Nytt bygg", "", "", "", "", "0", "", "N1", "", "", "", ""],  # line 7: no gnr/bnr
    ["12", "345", "", "300123456", "Rådhuset", "", "", "", "", "", "", "0.099", "", "", "", ""],  # 8: no floor
    ["12", "345", "", "300123456", "Rådhuset", "", "", "", "", "0", "", "0.012", "", "", "", ""],  # 9: twice
    ["12", "345", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 10: no building
    ["12", "345", "", "300123456", "Rådhuset", "1700x", "", "mansion", "D", "0", "", "", "", "", "", ""],  # 11
]


def test_bad_rows_write_nothing_and_are_reported_with_line_column_reason(tenant, admin_user):
    before = _state()
    with pytest.raises(importer.ImportRefused) as exc:
        importer.apply_import(actor=admin_user, tenant=tenant, upload=xlsx(BAD))
    assert _state() == before
    errors = {(e.line, e.column) for e in exc.value.plan.errors}
    assert errors == {
        (6, "net_area"), (6, "capacity"), (6, "function"),
        (7, "gnr"),
        (8, "floor_level"),
        (9, "room_number"),
        (10, "building_name"),
        (11, "year_built"), (11, "use"), (11, "strategic_category"),
    }
    messages = {(e.line, e.column): e.message for e in exc.value.plan.errors}
    assert "“ti” is not a number." in messages[(6, "net_area")]
    assert "Unknown function “sofa”" in messages[(6, "function")]
    assert "also on line 2" in messages[(9, "room_number")]
    assert exc.value.plan.counts["valid_rows"] == 4 and exc.value.plan.counts["error_rows"] == 6


def test_valid_rows_only_writes_just_those(tenant, admin_user):
    plan = importer.apply_import(actor=admin_user, tenant=tenant, upload=csv(BAD), valid_rows_only=True)
    _assert_good_import(tenant)
    assert not Room.objects.filter(number__in=["1.002", "N1", "0.099"]).exists()
    assert not Building.objects.filter(name="Nytt bygg").exists()
    assert plan.counts["error_rows"] == 6


def test_valid_rows_only_when_a_buildings_first_row_is_bad(tenant, admin_user):
    """The property of a new building comes from its (bad) first row; the later good row must not crash."""
    rows = [
        ["5", "5", "", "", "Hallen", "", "", "", "", "0", "", "1", "", "", "mange", ""],  # bad capacity
        ["", "", "", "", "Hallen", "", "", "", "", "0", "", "2", "", "", "", ""],
    ]
    plan = importer.plan_import(tenant=tenant, upload=csv(rows))
    # Line 3 relies on line 2 for the property; as line 2 is skipped, line 3 cannot stand alone.
    assert [(e.line, e.column) for e in plan.errors] == [(2, "capacity"), (3, "gnr")]
    assert plan.counts["valid_rows"] == 0
    rows.append(["5", "5", "", "", "Hallen", "", "", "", "", "0", "", "3", "", "", "", ""])
    importer.apply_import(actor=admin_user, tenant=tenant, upload=csv(rows), valid_rows_only=True)
    hall = Building.objects.get(name="Hallen")
    assert (hall.property.gnr, hall.property.bnr) == (5, 5)
    assert list(hall.rooms.values_list("number", flat=True)) == ["3"]


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("tom.csv", b""), "The file is empty."),
    (SimpleUploadedFile("tom.xlsx", b""), "The file is empty."),
    (SimpleUploadedFile("ødelagt.xlsx", b"PK\x03\x04 not really"), "could not be read as an Excel workbook"),
    (SimpleUploadedFile("bilde.png", b"\x89PNG\r\n"), "Unsupported file type"),
    (SimpleUploadedFile("rom.csv", b"room_number;capacity\n1;2\n"), "missing the column(s): building_name"),
    (SimpleUploadedFile("rom.csv", "building_name;farge\nX;rød\n".encode()), "Unknown column(s): farge"),
])
def test_unreadable_files_give_clear_messages(upload, message, tenant):
    with pytest.raises(TableError) as exc:
        importer.plan_import(tenant=tenant, upload=upload)
    assert message in str(exc.value)


def test_header_only_file_imports_nothing(tenant, admin_user):
    plan = importer.plan_import(tenant=tenant, upload=csv([]))
    assert plan.counts["rows"] == 0 and plan.errors == []


def test_template_is_a_valid_import_file(tenant, admin_user):
    plan = importer.plan_import(tenant=tenant, upload=SimpleUploadedFile("t.xlsx", importer.template_xlsx()))
    assert plan.errors == [] and plan.counts["rooms"] == 2


# --- Over HTTP: upload → preview → confirm --------------------------------------------------
def _upload(client, upload):
    return client.post(reverse("places:import"), {"file": upload})


def test_preview_then_confirm_over_http(tenant, property_manager, en_client):
    client = en_client(property_manager)
    response = _upload(client, xlsx(GOOD))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No problems found." in body
    assert Building.objects.count() == 0  # the preview writes nothing
    token = response.context["token"]
    assert response.context["plan"].counts["new_buildings"] == 2

    response = client.post(reverse("places:import_confirm"), {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("places:building_list")
    assert "Import finished: 10 created, 0 updated, 0 rows skipped." in response.content.decode()
    _assert_good_import(tenant)
    # The stash is gone: confirming again is refused and writes nothing more.
    before = _state()
    response = client.post(reverse("places:import_confirm"), {"token": token}, follow=True)
    assert "This file has already been imported, or the upload has expired." in response.content.decode()
    assert _state() == before


def test_bad_file_preview_lists_every_error_and_confirm_refuses(tenant, property_manager, en_client):
    client = en_client(property_manager)
    response = _upload(client, csv(BAD))
    body = response.content.decode()
    assert response.status_code == 200
    assert "10 problems found" in body
    assert "<td>6</td><td><code>net_area</code></td>" in body
    assert "Import only the 4 valid rows" in body
    token = response.context["token"]
    before = _state()
    response = client.post(reverse("places:import_confirm"), {"token": token})
    assert response.status_code == 422
    assert "Nothing was imported because the file has errors." in response.content.decode()
    assert _state() == before
    response = client.post(reverse("places:import_confirm"), {"token": token, "valid_rows_only": "1"}, follow=True)
    assert "Import finished: 10 created, 0 updated, 6 rows skipped." in response.content.decode()
    _assert_good_import(tenant)


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("tom.csv", b""), "The submitted file is empty."),
    (SimpleUploadedFile("ødelagt.xlsx", b"PK\x03\x04 not really"), "could not be read as an Excel workbook"),
    (SimpleUploadedFile("rom.csv", b"room_number;capacity\n1;2\n"), "missing the column(s): building_name"),
])
def test_unreadable_upload_shows_the_message_on_the_form(upload, message, property_manager, en_client, settings):
    client = en_client(property_manager)
    response = _upload(client, upload)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not UploadStash.objects.exists()  # nothing kept for a file that cannot be read


def test_confirm_with_unknown_token_is_refused(tenant, property_manager, en_client):
    client = en_client(property_manager)
    _upload(client, xlsx(GOOD))
    response = client.post(reverse("places:import_confirm"), {"token": "../../etc/passwd"}, follow=True)
    assert "This file has already been imported, or the upload has expired." in response.content.decode()
    assert Building.objects.count() == 0


def test_another_tenants_user_cannot_confirm_my_import(tenant, property_manager, other_admin, client_for,
                                                       en_client):
    mine = en_client(property_manager)
    token = _upload(mine, xlsx(GOOD)).context["token"]
    from django.test import Client

    theirs = Client()
    theirs.force_login(other_admin, backend="django.contrib.auth.backends.ModelBackend")
    theirs.cookies["django_language"] = "en"
    response = theirs.post(reverse("places:import_confirm"), {"token": token}, follow=True)
    assert "This file has already been imported, or the upload has expired." in response.content.decode()
    assert Building.objects.count() == 0
    # My own confirmation still works afterwards.
    mine.post(reverse("places:import_confirm"), {"token": token})
    assert Building.objects.filter(tenant=tenant).count() == 2


def test_switching_tenant_between_preview_and_confirm_is_refused(tenant, other_tenant, admin_user, en_client):
    from torg.accounts.models import Membership

    Membership.objects.create(tenant=other_tenant, user=admin_user, role="admin")
    client = en_client(admin_user)
    token = _upload(client, xlsx(GOOD)).context["token"]
    client.post(reverse("accounts:switch_tenant"), {"tenant": other_tenant.pk})
    response = client.post(reverse("places:import_confirm"), {"token": token}, follow=True)
    assert "This file has already been imported, or the upload has expired." in response.content.decode()
    assert Building.objects.count() == 0


def test_too_large_file_is_refused(property_manager, en_client, settings):
    settings.TORG_MAX_IMPORT_BYTES = 100
    response = _upload(en_client(property_manager), csv(GOOD))
    assert response.status_code == 422
    assert "The file is too large" in response.content.decode()
    assert Building.objects.count() == 0


def test_template_download(property_manager, client_for):
    response = client_for(property_manager).get(reverse("places:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="torg-places-import.xlsx"'
    columns, rows = importer.read_table(SimpleUploadedFile("t.xlsx", response.content))
    assert columns == importer.COLUMN_NAMES and len(rows) == 2


def test_import_never_touches_another_tenants_places(building, tenant, other_tenant, other_admin):
    """Tenant B's file naming tenant A's building number and gnr/bnr creates B's own rows."""
    rows = [["1", "1", "", "1001", "Testhuset", "", "", "", "", "0", "", "0.01", "Overtatt", "", "", ""]]
    before = list(Room.objects.filter(tenant=tenant).values())
    plan = importer.apply_import(actor=other_admin, tenant=other_tenant, upload=csv(rows))
    assert plan.counts["created"] == 4
    assert list(Room.objects.filter(tenant=tenant).values()) == before
    theirs = Building.objects.get(tenant=other_tenant)
    assert theirs.property.tenant == other_tenant and theirs.rooms.get().name == "Overtatt"


def test_values_too_large_for_the_database_are_reported_in_the_preview(tenant, admin_user):
    rows = [["1", "1", "", "", "Hus", "", "1000000000", "", "", "0", "", "1", "", "10000000", "", ""]]
    plan = importer.plan_import(tenant=tenant, upload=csv(rows))
    assert {(e.line, e.column) for e in plan.errors} == {(2, "gross_area"), (2, "net_area")}
    rows[0][6], rows[0][13] = "999999999.9", "9999999.9"
    importer.apply_import(actor=admin_user, tenant=tenant, upload=csv(rows))
    assert str(Room.objects.get().net_area) == "9999999.9"


def test_too_long_identifiers_are_errors_not_cut_short(tenant):
    long_number = "1" * 21
    rows = [
        ["1", "1", "", long_number, "A", "", "", "", "", "0", "", "R" * 21, "", "", "", ""],
        ["1", "1", "", long_number[:20] + "2", "B", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    plan = importer.plan_import(tenant=tenant, upload=csv(rows))
    assert {(e.line, e.column) for e in plan.errors} == {(2, "building_number"), (2, "room_number"),
                                                        (3, "building_number")}


def test_rows_for_archived_buildings_or_floors_are_errors(building, tenant, admin_user):
    from torg.places import services

    room = Room.objects.get(number="1.01")
    services.room_set_archived(actor=admin_user, room=room, archived=True)
    services.floor_set_archived(actor=admin_user, floor=room.floor, archived=True)
    rows = [["", "", "", "1001", "Testhuset", "", "", "", "", "1", "", "1.02", "", "", "", ""],
            ["", "", "", "1001", "Testhuset", "", "", "", "", "0", "", "0.03", "", "", "", ""]]
    plan = importer.plan_import(tenant=tenant, upload=csv(rows))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "floor_level")]
    assert "is archived; restore it first." in plan.errors[0].message
    services.building_set_archived(actor=admin_user, building=building, archived=True)
    plan = importer.plan_import(tenant=tenant, upload=csv(rows))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "building_number"), (3, "building_number")]
