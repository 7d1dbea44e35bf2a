"""Reuse through a real browser (Chromium + axe-core): register on a phone, overview, list, scan,
labels and an import with a bad row. Fixtures (phone_page, login, assert_accessible) are in the root
conftest.py."""

import re

import pytest
from playwright.sync_api import expect

from torg.reuse.models import Item

pytestmark = pytest.mark.browser


def test_register_items_on_a_phone(phone_page, live_server, login, assert_accessible, admin_user, building, rooms,
                                   category):
    page = phone_page
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/register/")
    assert_accessible(page)
    page.select_option("select[name=building]", str(building.pk))
    # the room list follows the building (HTMX)
    expect(page.locator("select[name=room] option", has_text="1.01")).to_have_count(1)
    page.select_option("select[name=room]", str(rooms["1.01"].pk))
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=manufacturer]", "HÅG")
    page.fill("input[name=model_name]", "Capisco")
    page.fill("input[name=placement_text]", "ved vinduet")
    page.fill("input[name=count]", "3")
    page.locator("button[name=another]").click()
    expect(page.locator("main")).to_contain_text("M-000001")
    assert Item.objects.filter(room=rooms["1.01"], placement_text="ved vinduet").count() == 3
    # sticky: the next registration starts in the same room and category
    expect(page.locator("select[name=room]")).to_have_value(str(rooms["1.01"].pk))
    expect(page.locator("select[name=category]")).to_have_value(str(category.pk))
    # the new items are links, with their labels one tap away; empty choices are in words
    last = page.locator("[data-testid=last-registered]")
    expect(last.get_by_role("link", name="M-000003")).to_be_visible()
    expect(last.get_by_role("button", name=re.compile("Skriv ut etiketter for disse 3"))).to_be_visible()
    assert "---------" not in page.locator("main form.torg-reuse-form").inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    page.goto(live_server.url + "/reuse/")
    expect(page.locator("[data-testid=overview-total]")).to_contain_text("3")
    assert_accessible(page)
    page.goto(live_server.url + "/reuse/items/?q=vinduet")
    expect(page.locator("[data-testid=item-table] tbody tr")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("link", name="M-000002").click()
    expect(page.locator("h1")).to_contain_text("M-000002")
    assert_accessible(page)
    page.goto(live_server.url + "/reuse/scan/")
    assert_accessible(page)
    page.fill("input[name=code]", "ZZZZ ZZZZ ZZZZ")  # a code nobody has: explained on the scan page
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#code-error")).to_contain_text("ZZZZZZZZZZZZ")
    assert_accessible(page)
    code = Item.objects.get(number="M-000002").code
    page.fill("input[name=code]", code.lower())
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reuse/items/\d+/$"))
    expect(page.locator("h1")).to_contain_text("M-000002")


def test_import_with_bad_row_is_reported(page, live_server, login, assert_accessible, admin_user, building, tmp_path,
                                         settings):
    from torg.reuse import tasks
    from torg.reuse.models import ImportJob

    # Queued, as with the database backend before a worker picks the job up.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.TORG_TASKS_INLINE = False
    path = tmp_path / "inventar.csv"
    path.write_text("building;room_number;category;quantity\n1001;0.01;task_chair;2\n1001;;flygende_teppe;1\n",
                    encoding="utf-8")
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/import/")
    assert_accessible(page)
    page.set_input_files("input[name=file]", str(path))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("progress#import-progress")).to_have_count(1)
    assert_accessible(page)
    tasks.validate_import.call(ImportJob.objects.get().pk)  # the worker; the page polls and updates itself
    errors = page.locator("[data-testid=import-errors]")
    expect(errors).to_contain_text("flygende_teppe")
    expect(errors).to_contain_text("3")
    expect(page.locator("progress")).to_have_count(0)
    assert_accessible(page)
    assert not Item.objects.exists()
    page.locator("button[name=valid_rows_only]").click()
    expect(page.locator("progress#import-progress")).to_have_count(1)
    tasks.apply_import.call(ImportJob.objects.get().pk)
    expect(page.locator("[data-testid=import-poll]")).to_have_count(0)
    expect(page.locator("[data-testid=import-summary]")).to_contain_text("2")
    assert Item.objects.count() == 2
    assert_accessible(page)
    page.goto(live_server.url + "/reuse/labels/")
    assert_accessible(page)


def test_qr_url_opens_item_after_login_labels_and_overview_filter(page, live_server, assert_accessible, admin_user,
                                                                  make_items):
    from torg.reuse import services
    from torg.reuse.models import Status

    items = make_items(count=4)
    services.item_change_status(actor=admin_user, items=items[:1], to_status=Status.AVAILABLE)
    # The QR link: login page first, then the item.
    page.goto(live_server.url + f"/q/{items[2].code}")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill("correct-horse-42")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(items[2].number)
    assert_accessible(page)
    # Print its label: a PDF.
    with page.expect_download() as info:
        page.evaluate("""url => { const a = document.createElement('a'); a.href = url; a.download = 'l.pdf';
                                  document.body.appendChild(a); a.click(); }""",
                      page.locator("a[href$='label.pdf']").get_attribute("href"))
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    # Filter the overview.
    page.goto(live_server.url + "/reuse/")
    expect(page.locator("[data-testid=overview-total]")).to_contain_text("4")
    page.select_option("#o-status", "available")
    page.locator("[data-testid=overview-filters] button[type=submit]").click()
    expect(page.locator("[data-testid=overview-total]")).to_contain_text("1")
    assert_accessible(page)


def test_edit_on_a_phone_and_print_a_label_batch(phone_page, page, live_server, login, assert_accessible, admin_user,
                                                 make_items, rooms, tmp_path, media):
    import io

    from PIL import Image

    from torg.reuse.models import Label, Status

    item = make_items(count=1, room="0.01")[0]
    phone = phone_page
    login(phone, live_server, "admin")
    phone.goto(live_server.url + f"/reuse/items/{item.pk}/")
    phone.get_by_role("link", name="Rediger", exact=True).click()
    assert_accessible(phone)
    phone.select_option("select[name=condition]", "3")
    phone.fill("textarea[name=damage_description]", "Knekt hjul")
    phone.select_option("select[name=status]", Status.FOR_REPAIR)
    phone.select_option("select[name=room]", str(rooms["1.01"].pk))
    phone.fill("input[name=placement_text]", "bak døra")
    phone.fill("input[name=comment]", "Sett over på lageret")
    photo = tmp_path / "stol.png"
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 160)).save(buf, "PNG")
    photo.write_bytes(buf.getvalue())
    phone.set_input_files("input[name=photo]", str(photo))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("[data-testid=item-status]")).to_have_text("Til reparasjon/ombygging")
    expect(phone.locator("[data-testid=item-photos] img")).to_have_count(1)
    # the photo really loads, through the checking file view (no /media/ path), under the CSP
    phone.wait_for_function("() => { const img = document.querySelector('[data-testid=item-photos] img');"
                            " return img && img.complete && img.naturalWidth > 0; }")
    assert phone.locator("[data-testid=item-photos] img").get_attribute("src").startswith("/files/reuse-item/")
    history = phone.locator("[data-testid=item-history]")
    expect(history).to_contain_text("Flyttet")
    expect(history).to_contain_text("Sett over på lageret")
    assert_accessible(phone)
    item.refresh_from_db()
    assert (item.condition, item.room_id, item.placement_text) == (3, rooms["1.01"].pk, "bak døra")
    # the product's page, on the phone: a catalogue photo for every item of the product
    phone.get_by_role("link", name="Rediger produkt").click()
    phone.set_input_files("input[name=photo]", str(photo))
    phone.locator("main form button[type=submit]").first.click()
    expect(phone.locator("[data-testid=product-photos] img")).to_have_count(1)
    assert_accessible(phone)

    # A batch of pre-printed labels, on the desktop: the PDF, then the batch is listed for reprinting.
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/labels/")
    page.fill("input[name=count]", "14")
    page.select_option("select[name=layout]", "2x7")
    with page.expect_download() as info:
        page.get_by_role("button", name="Lag koder og last ned PDF").click()
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    assert Label.objects.filter(item__isnull=True).count() == 14
    page.goto(live_server.url + "/reuse/labels/")
    expect(page.locator("[data-testid=label-batches]")).to_contain_text("14")
    assert_accessible(page)


def test_select_every_item_on_the_page_and_change_status(page, live_server, login, assert_accessible, admin_user,
                                                         make_items, building, rooms):
    from torg.reuse.models import Status

    make_items(count=4)
    make_items(count=2, room="1.01")
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/items/")
    assert_accessible(page)
    # the room select follows the location (replaced by HTMX) and still filters the list
    expect(page.locator("#f-room option")).to_have_count(1)  # "All": choose a location first
    page.select_option("#f-building", str(building.pk))
    expect(page.locator("#f-room option")).to_have_count(4)
    page.select_option("#f-room", str(rooms["1.01"].pk))
    expect(page.locator("[data-testid=item-table] tbody tr")).to_have_count(2)
    page.select_option("#f-room", "")
    expect(page.locator("[data-testid=item-table] tbody tr")).to_have_count(6)
    page.get_by_label("Velg alle objektene på denne siden").check()
    expect(page.locator("input[name=item]:checked")).to_have_count(6)
    page.get_by_role("button", name="Endre status").click()
    expect(page.locator("h1")).to_have_text("Endre status")
    assert_accessible(page)
    page.select_option("select[name=to_status]", Status.FOR_RELOCATION)
    page.fill("input[name=comment]", "Til nytt rådhus")
    page.locator("main form button[name=confirm]").click()
    expect(page.locator("[data-testid=item-table]")).to_contain_text("Til flytting")
    assert Item.objects.filter(status=Status.FOR_RELOCATION).count() == 6
