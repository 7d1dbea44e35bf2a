"""Issue 14, an employee registering on a phone and importing: choices in words (never "---------"),
links to the items just registered and "print labels for these", a message on the scan page for an
unknown code, and the import template and problems in Norwegian with the English names accepted."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from torg.reuse import importer
from torg.reuse.models import Item


def test_register_page_names_empty_choices_and_offers_labels_for_what_was_registered(client_for, admin_user,
                                                                                      building, category, rooms):
    c = client_for(admin_user)
    page = c.get(reverse("reuse:item_register")).content.decode()
    assert "---------" not in page and "Velg …" in page
    response = c.post(reverse("reuse:item_register"), {
        "building": building.pk, "room": rooms["0.01"].pk, "category": category.pk, "count": "2",
        "condition": "1", "status": "in_use", "manufacturer": "HÅG", "another": "1"}, follow=True)
    items = list(Item.objects.order_by("number"))
    assert len(items) == 2
    html = response.content.decode()
    for item in items:  # the message and the box link every new item
        assert html.count(f'href="/reuse/items/{item.pk}/"') >= 2
    assert "Skriv ut etiketter for disse 2" in html
    pdf = c.post(reverse("reuse:bulk"), {"action": "labels", "item": [i.pk for i in items]})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_unknown_code_is_explained_on_the_scan_page(client_for, employee, make_items, other_item):
    c = client_for(employee)
    typed = c.get(reverse("reuse:scan"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert typed.status_code == 404
    html = typed.content.decode()
    assert "ZZZZZZZZZZZZ" in html and 'aria-invalid="true"' in html and 'id="code"' in html
    scanned = c.get(f"/q/{other_item.code}")  # another municipality's label
    assert scanned.status_code == 404 and other_item.code in scanned.content.decode()
    assert 'name="code"' in scanned.content.decode()


def test_import_in_norwegian_with_english_still_accepted(client_for, admin_user, tenant, building, rooms):
    norwegian = ("bygg;romnummer;kategori;status;antall\n"
                 "1001;0.01;Kontorstol;Tilgjengelig;2\n"
                 "1001;9.99;Kontorstol;I bruk;1\n")
    plan = importer.plan_import(tenant=tenant, upload=SimpleUploadedFile("n.csv", norwegian.encode()))
    assert plan.counts["items"] == 2 and plan.rows[0].item["status"] == "available"
    assert [(e.line, e.column) for e in plan.errors] == [(3, "romnummer")]  # named as in the file
    english = "building;room_number;category;status\n1001;0.01;task_chair;in_use\n"
    plan = importer.plan_import(tenant=tenant, upload=SimpleUploadedFile("e.csv", english.encode()))
    assert plan.counts["items"] == 1 and not plan.errors
    wb = load_workbook(io.BytesIO(client_for(admin_user).get(reverse("reuse:import_template")).content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header[:4] == ["bygg", "romnummer", "plassering", "kategori"]
    sample = [c.value for c in wb.worksheets[0][2]]
    assert "task_chair" not in sample and "in_use" not in sample and "I bruk" in sample


def test_labels_start_at_the_first_free_position_of_a_used_sheet(client_for, admin_user, make_items):
    from .test_labels import _decode_labels

    items = make_items(count=3)
    pdf = client_for(admin_user).post(reverse("reuse:bulk"), {"action": "labels", "item": [i.pk for i in items],
                                                              "start": "23"})
    texts, pages = _decode_labels(pdf.content, "3x8")
    assert pages == 2
    filled = [n for n, t in enumerate(texts) if t]
    assert filled == [22, 23, 24]  # positions 23 and 24 of the first sheet, then the next sheet's first
    assert [t.rsplit("/q/", 1)[1] for t in texts if t] == [i.code for i in items]
