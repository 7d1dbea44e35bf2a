"""The failure modes of Decidim's published security advisories, each tested across Torg.

1. Parallel requests produced duplicates (race): the same booking submitted concurrently, concurrent
   status changes of one reuse item, a concurrent import confirm.
2. Guessable identifiers exposed unpublished items: public codes carry >= 50 bits; `/q/<code>` answers
   404 for unknown, other-tenant and sequence-number "codes"; archived resources have no feed.
3. A personal-data export could be handed to another user: item and report exports, booking .ics
   files and calendar feeds give another tenant's user and anonymous users nothing.
4. Export download links worked without login: every export/download URL sends anonymous users to
   the login page.
5. An API token from one organisation worked on another: tenant B's token sees only B's data on
   every /api/v1/ list endpoint and gets 404 for A's ids.
Plus: CSRF on HTMX POSTs, and uploads re-encoded (EXIF GPS removed; non-images refused).

See docs in /work/shared/docs/field-notes.md ("Security lessons from civic platforms").
"""

import datetime as dt
import io
import json
import secrets
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from torg.core.testing import file_database, in_thread, race
from torg.web.tests.test_url_permissions import PUBLIC, all_urls, login_path, path_of, world  # noqa: F401

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions match the English source strings."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def at(day_offset, hour):
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday + dt.timedelta(days=day_offset), dt.time(hour), OSLO)


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


# === 1. Parallel requests must not produce duplicates ============================================
@pytest.mark.django_db(transaction=True)
def test_same_booking_form_submitted_concurrently_creates_one_booking(tenant, admin_user, citizen, building,
                                                                      tmp_path):
    """A double-click (or a retrying phone) posts the same booking form many times at once."""
    from torg.booking import services
    from torg.booking.models import Booking, BookingSlot

    resource = services.resource_create(actor=admin_user, tenant=tenant, name="Møterom", building=building)
    start = at(1, 10)
    form = {"date": start.date().isoformat(), "start_time": "10:00", "end_time": "11:00",
            "idempotency_key": secrets.token_urlsafe(24), "confirm": "1"}
    url = reverse("booking:booking_create", args=[resource.pk])
    clients = [logged_in(citizen) for _ in range(8)]

    with file_database(tmp_path):
        responses = race(lambda i: clients[i].post(url, form), 8)
        counts = in_thread(lambda: (Booking.objects.filter(resource=resource).count(),
                                    BookingSlot.objects.filter(unit=resource, active=True).count()))

    assert all(not isinstance(r, Exception) for r in responses), responses
    assert counts == (1, 1)  # never a duplicate
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {302, 422} and 302 in statuses, statuses
    assert len({r["Location"] for r in responses if r.status_code == 302}) == 1  # all land on the one booking
    # (Every submit should land on the booking: on PostgreSQL some get 422 "already booked" by their own
    # booking – reported as a finding in the security report, not asserted here.)


@pytest.mark.django_db(transaction=True)
def test_concurrent_status_changes_of_one_item_leave_a_consistent_history(tenant, admin_user, building, tmp_path):
    """Parallel API status changes of the same item: every change is recorded exactly once and the
    history is one unbroken chain of allowed transitions ending in the item's current status."""
    from torg.accounts import services as accounts
    from torg.core.models import AuditEvent
    from torg.reuse import services
    from torg.reuse.models import Category, Item
    from torg.reuse.states import ITEM_MACHINE

    category = Category.objects.get(tenant=tenant, key="desk")
    product = services.product_create(actor=admin_user, tenant=tenant, category=category, manufacturer="Kinnarps")
    item = services.item_register(actor=admin_user, tenant=tenant, product=product, building=building)[0]
    _token, secret = accounts.api_token_create(actor=admin_user, tenant=tenant, name="race")
    targets = ["available", "in_use", "reserved", "for_relocation"]
    url = reverse("api:change_status")
    n = 12

    def change(i):
        return Client().post(url, data={"item_ids": [item.pk], "to_status": targets[i % len(targets)],
                                         "comment": f"request {i}"},
                             content_type="application/json", headers=bearer(secret))

    with file_database(tmp_path):
        responses = race(change, n)
        final, events = in_thread(lambda: (
            Item.objects.get(pk=item.pk).status,
            [(e.changes["status"][0], e.changes["status"][1], e.comment) for e in AuditEvent.objects.filter(
                object_type="reuse.item", object_id=str(item.pk), changes__has_key="status")
                .exclude(action="item_create").order_by("pk")]))

    assert all(not isinstance(r, Exception) for r in responses), responses
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 422}, statuses  # refused transitions are 422, never 500
    succeeded = {f"request {i}" for i, r in enumerate(responses) if r.status_code == 200}
    assert len(events) == len(succeeded) >= 1
    assert {comment for _f, _t, comment in events} == succeeded
    previous = "in_use"
    for from_value, to_value, _comment in events:
        assert from_value == previous, events  # no lost update: each change starts where the last ended
        assert ITEM_MACHINE.get(from_value, to_value) is not None
        previous = to_value
    assert final == previous


REUSE_CSV = "building;room_number;category;quantity\n1001;0.01;task_chair;3\n1001;0.02;desk;2\n"


@pytest.mark.django_db(transaction=True)
def test_reuse_import_confirmed_concurrently_writes_once(tenant, admin_user, building, tmp_path, settings):
    from torg.reuse import importer, services
    from torg.reuse.models import ImportJob, Item

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TORG_TASKS_INLINE = False
    job = services.import_job_create(actor=admin_user, tenant=tenant, file_name="inventar.csv",
                                     data=REUSE_CSV.encode())
    job = importer.import_job_validate(job_id=job.pk)
    assert job.status == ImportJob.Status.READY and job.counts["items"] == 5, (job.status, job.errors)
    url = reverse("reuse:import_job_confirm", args=[job.pk])
    clients = [logged_in(admin_user) for _ in range(6)]

    with file_database(tmp_path):
        responses = race(lambda i: clients[i].post(url, {"valid_rows_only": "1"}), 6)
        count, status = in_thread(lambda: (Item.objects.filter(tenant=tenant).count(),
                                           ImportJob.objects.get(pk=job.pk).status))

    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [302] * 6
    assert count == 5 and status == ImportJob.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_places_import_confirmed_twice_at_once_writes_once(tenant, admin_user, tmp_path, settings):
    """Two tabs (or a double-click) confirm the same places import preview at the same time."""
    from torg.places.models import Building, Room

    settings.VAR_DIR = tmp_path
    data = ("gnr;bnr;building_number;building_name;floor_level;room_number\n"
            "5;5;2002;Nybygget;0;0.01\n5;5;2002;Nybygget;0;0.02\n5;5;2002;Nybygget;1;1.01\n")
    client = logged_in(admin_user)
    preview = client.post(reverse("places:import"), {"file": SimpleUploadedFile("rom.csv", data.encode())})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    token = preview.context["token"]
    url = reverse("places:import_confirm")

    with file_database(tmp_path):
        responses = race(lambda i: client.post(url, {"token": token}), 2)
        counts = in_thread(lambda: (Building.objects.filter(tenant=tenant, building_number="2002").count(),
                                    Room.objects.filter(tenant=tenant, building__building_number="2002").count()))

    assert counts == (1, 3)  # written once
    # Neither request fails: the preview is claimed by one of them, the other is told it was imported.
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert sorted(r["Location"] for r in responses) == sorted([reverse("places:building_list"),
                                                               reverse("places:import")])


# === 2. Guessable identifiers ======================================================================
def test_public_codes_carry_at_least_50_random_bits(tenant, admin_user, building):
    from torg.core.ids import CROCKFORD, new_public_code
    from torg.reuse import services
    from torg.reuse.models import Category

    codes = [new_public_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) * 5 >= 50 and set(c) <= set(CROCKFORD) for c in codes)
    with pytest.raises(ValueError):
        new_public_code(bits=40)
    # item and label codes as stored: full length, not sequential, not derived from the number
    product = services.product_create(actor=admin_user, tenant=tenant,
                                      category=Category.objects.get(tenant=tenant, key="desk"))
    items = services.item_register(actor=admin_user, tenant=tenant, product=product, building=building, count=20)
    labels = services.label_batch_create(actor=admin_user, tenant=tenant, count=20)
    for code in [i.code for i in items] + [lb.code for lb in labels]:
        assert len(code) * 5 >= 50 and set(code) <= set(CROCKFORD), code
    item_codes = [i.code for i in items]
    assert len({c[:6] for c in item_codes}) > 15  # no shared, counter-like prefix
    assert all(i.number.replace("-", "") not in i.code for i in items)


def test_qr_resolver_answers_404_for_unknown_other_tenant_and_sequence_identifiers(client_for, tenant, admin_user,
                                                                                  other_tenant, other_admin,
                                                                                  building):
    from torg.reuse import services
    from torg.reuse.models import Category

    product = services.product_create(actor=admin_user, tenant=tenant,
                                      category=Category.objects.get(tenant=tenant, key="desk"))
    item = services.item_register(actor=admin_user, tenant=tenant, product=product, building=building)[0]
    label = services.label_batch_create(actor=admin_user, tenant=tenant, count=1)[0]

    own = client_for(admin_user)
    assert own.get(reverse("qr_resolve", args=[item.code.lower()]))["Location"] == \
        reverse("reuse:item_detail", args=[item.pk])
    # sequence numbers and database ids are never accepted as public identifiers
    for guess in (item.number, item.number.replace("-", ""), str(item.pk), "M-000001", "1", "ZZZZZZZZZZZZ",
                  "not a code!", item.code[:-1], "%00"):
        assert own.get(reverse("qr_resolve", args=[guess])).status_code == 404, guess
        assert own.get(reverse("reuse:resolve", args=[guess])).status_code == 404, guess
        api = own.get(reverse("api:get_item_by_code", kwargs={"code": guess}))
        assert api.status_code == 404, guess

    other = logged_in(other_admin)
    for code in (item.code, label.code):
        r = other.get(reverse("qr_resolve", args=[code]))
        assert r.status_code == 404, code  # not a redirect to the item, not the claim form
        assert other.get(reverse("api:get_item_by_code", kwargs={"code": code})).status_code == 404
    # anonymous: the login page first, and nothing about the item
    r = Client().get(reverse("qr_resolve", args=[item.code]))
    assert r.status_code == 302 and r["Location"].startswith(login_path())


def test_feed_tokens_are_long_and_archived_resources_have_no_feed(tenant, admin_user, citizen, building):
    from torg.booking import services

    resource = services.resource_create(actor=admin_user, tenant=tenant, name="Sal", building=building)
    feed = services.calendar_feed_rotate(actor=citizen, tenant=tenant)
    assert len(resource.ical_token) >= 32 and len(feed.token) >= 40
    client = Client()
    assert client.get(reverse("booking:resource_feed", args=[resource.ical_token])).status_code == 200
    for guess in ("x" * 32, resource.ical_token[:-1], str(resource.pk), "a"):
        assert client.get(reverse("booking:resource_feed", args=[guess])).status_code == 404
        assert client.get(reverse("booking:personal_feed", args=[guess])).status_code == 404
    services.resource_set_archived(actor=admin_user, resource=resource, archived=True)
    assert client.get(reverse("booking:resource_feed", args=[resource.ical_token])).status_code == 404


# === 3 + 4. Exports and downloads: nothing for other users, nothing without login ================
def _item_world(tenant, admin_user, building, other_tenant, other_admin):
    from torg.places import services as places
    from torg.reuse import services
    from torg.reuse.models import Category

    product = services.product_create(actor=admin_user, tenant=tenant, manufacturer="Amerket",
                                      category=Category.objects.get(tenant=tenant, key="desk"))
    item = services.item_register(actor=admin_user, tenant=tenant, product=product, building=building,
                                  damage_description="A-hemmelig skade")[0]
    prop = places.property_create(actor=other_admin, tenant=other_tenant, gnr=2, bnr=2)
    b_building = places.building_create(actor=other_admin, tenant=other_tenant, property=prop, name="Bhuset")
    b_product = services.product_create(actor=other_admin, tenant=other_tenant, manufacturer="Bmerket",
                                        category=Category.objects.get(tenant=other_tenant, key="desk"))
    b_item = services.item_register(actor=other_admin, tenant=other_tenant, product=b_product,
                                    building=b_building)[0]
    return item, b_item, b_building


DOWNLOADS = [
    ("reuse:item_list", {}, "?export=csv"),
    ("reuse:item_list", {}, "?export=xlsx"),
    ("reuse:import_template", {}, ""),
    ("places:import_template", {}, ""),
    ("booking:report", {}, "?format=xlsx"),
    ("reuse:item_label", "item", ""),
    ("booking:booking_ics", "booking", ""),
]


def test_export_and_download_links_need_login(world):
    client = Client()
    for name, args, query in DOWNLOADS:
        kwargs = {"pk": getattr(world, args).pk} if isinstance(args, str) else args
        r = client.get(reverse(name, kwargs=kwargs) + query)
        assert r.status_code == 302 and r["Location"].split("?")[0] == login_path(), (name, query, r.status_code)
        assert "attachment" not in r.get("Content-Disposition", "")


def test_item_export_of_another_tenant_contains_none_of_our_items(client_for, tenant, admin_user, building,
                                                                  other_tenant, other_admin, citizen):
    item, b_item, _b = _item_world(tenant, admin_user, building, other_tenant, other_admin)
    own = client_for(admin_user).get(reverse("reuse:item_list") + "?export=csv").content.decode()
    assert item.code in own and "A-hemmelig skade" in own and b_item.code not in own
    other = logged_in(other_admin)
    for query in ("?export=csv", f"?export=csv&q={item.code}", f"?export=csv&building={building.pk}",
                  f"?export=csv&product={item.product_id}", "?export=xlsx"):
        r = other.get(reverse("reuse:item_list") + query)
        assert r.status_code == 200
        if "xlsx" in query:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(r.content)).active
            text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
        else:
            text = r.content.decode()
        assert item.code not in text and item.number not in text.replace(b_item.number, "")
        assert "A-hemmelig skade" not in text and "Amerket" not in text
    assert logged_in(citizen).get(reverse("reuse:item_list") + "?export=csv").status_code == 403


def test_booking_report_export_stays_in_its_tenant(tenant, admin_user, building, other_tenant, other_admin,
                                                   citizen):
    from openpyxl import load_workbook

    from torg.booking import services

    services.resource_create(actor=admin_user, tenant=tenant, name="A-ressursen", building=building)
    r = logged_in(other_admin).get(reverse("booking:report") + "?format=xlsx")
    assert r.status_code == 200
    text = " ".join(str(c.value) for row in load_workbook(io.BytesIO(r.content)).active.iter_rows() for c in row)
    assert "A-ressursen" not in text and "Testhuset" not in text
    assert logged_in(citizen).get(reverse("booking:report") + "?format=xlsx").status_code == 403


def test_booking_ics_is_only_for_the_booker_and_staff(tenant, admin_user, citizen, employee, building,
                                                      other_admin, make_member):
    from torg.booking import services

    resource = services.resource_create(actor=admin_user, tenant=tenant, name="Sal", building=building)
    booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10),
                                      end=at(1, 11), title="Privat samtale")
    url = reverse("booking:booking_ics", args=[booking.pk])
    r = logged_in(citizen).get(url)
    assert r.status_code == 200 and b"Privat samtale" in r.content
    neighbour = make_member(tenant, "nabo", "citizen")
    for user in (neighbour, employee, other_admin):
        assert logged_in(user).get(url).status_code == 404, user.username
    assert logged_in(admin_user).get(url).status_code == 200  # staff who manage bookings


def test_resource_feed_carries_no_personal_data(tenant, admin_user, citizen, building):
    from torg.booking import services

    resource = services.resource_create(actor=admin_user, tenant=tenant, name="Sal", building=building)
    services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11),
                            title="Hemmelig møte")
    body = Client().get(reverse("booking:resource_feed", args=[resource.ical_token])).content.decode()
    assert "BEGIN:VEVENT" in body
    for personal in ("Hemmelig", citizen.username, citizen.first_name, citizen.get_full_name(), citizen.email or "@@"):
        assert personal not in body, personal


def test_personal_feed_shows_only_its_owners_bookings_and_dies_on_rotation(tenant, admin_user, citizen, building):
    from torg.booking import services

    resource = services.resource_create(actor=admin_user, tenant=tenant, name="Sal", building=building)
    services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11),
                            title="Mitt møte")
    services.booking_create(actor=admin_user, tenant=tenant, resource=resource, start=at(1, 12), end=at(1, 13),
                            title="Ledermøte")
    old = services.calendar_feed_rotate(actor=citizen, tenant=tenant).token
    body = Client().get(reverse("booking:personal_feed", args=[old])).content.decode()
    assert "Mitt møte" in body and "Ledermøte" not in body
    new = services.calendar_feed_rotate(actor=citizen, tenant=tenant).token
    assert Client().get(reverse("booking:personal_feed", args=[old])).status_code == 404
    assert Client().get(reverse("booking:personal_feed", args=[new])).status_code == 200


def test_reuse_import_job_is_only_for_its_uploader_and_reuse_admins(tenant, admin_user, property_manager,
                                                                    other_admin):
    """The job stores the uploaded file and shows its rows' errors: personal to the uploader."""
    from torg.reuse import services

    job = services.import_job_create(actor=property_manager, tenant=tenant, file_name="inventar.csv",
                                     data=REUSE_CSV.encode())
    url = reverse("reuse:import_job", args=[job.pk])
    assert logged_in(property_manager).get(url).status_code == 200
    assert logged_in(admin_user).get(url).status_code == 200  # the reuse administrator
    from torg.accounts import services as accounts

    other_pm = accounts.user_create(actor=admin_user, tenant=tenant, username="eiendom2",
                                    role="property_manager", password="correct-horse-42").user
    assert logged_in(other_pm).get(url).status_code == 404
    assert logged_in(other_pm).post(reverse("reuse:import_job_confirm", args=[job.pk])).status_code == 404
    assert logged_in(other_admin).get(url).status_code == 404


# === 5. API tokens stay in their organisation ======================================================
def _api_json(response):
    data = response.json()
    return data["items"] if isinstance(data, dict) and "items" in data else data


def test_api_token_of_tenant_b_sees_only_tenant_b_on_every_list_endpoint(world, other_tenant, other_admin):
    from torg.booking import services as booking
    from torg.places import services as places
    from torg.reuse import services as reuse
    from torg.reuse.models import Category

    # tenant B's own data, so that each list has something to show
    prop = places.property_create(actor=other_admin, tenant=other_tenant, gnr=2, bnr=2)
    b_building = places.building_create(actor=other_admin, tenant=other_tenant, property=prop, name="Bhuset")
    b_floor = places.floor_create(actor=other_admin, tenant=other_tenant, building=b_building, level=0)
    b_room = places.room_create(actor=other_admin, tenant=other_tenant, floor=b_floor, number="9.01")
    b_product = reuse.product_create(actor=other_admin, tenant=other_tenant, manufacturer="B",
                                     category=Category.objects.get(tenant=other_tenant, key="desk"))
    b_item = reuse.item_register(actor=other_admin, tenant=other_tenant, product=b_product, room=b_room)[0]
    b_resource = booking.resource_create(actor=other_admin, tenant=other_tenant, name="Bsal", building=b_building)
    b_booking = booking.booking_create(actor=other_admin, tenant=other_tenant, resource=b_resource,
                                       start=at(3, 10), end=at(3, 11))

    from torg.places.models import Floor, Room
    from torg.reuse.models import Category as Cat

    w = world
    a_ids = {  # endpoint → (tenant A's ids, tenant B's ids)
        "api:list_properties": ({w.property.pk}, {prop.pk}),
        "api:list_buildings": ({w.building.pk}, {b_building.pk}),
        "api:list_floors": (set(Floor.objects.filter(tenant=w.tenant).values_list("pk", flat=True)), {b_floor.pk}),
        "api:list_rooms": (set(Room.objects.filter(tenant=w.tenant).values_list("pk", flat=True)), {b_room.pk}),
        "api:list_categories": (set(Cat.objects.filter(tenant=w.tenant).values_list("pk", flat=True)),
                                set(Cat.objects.filter(tenant=other_tenant).values_list("pk", flat=True))),
        "api:list_products": ({w.product.pk}, {b_product.pk}),
        "api:list_items": ({w.item.pk}, {b_item.pk}),
        "api:list_resources": ({w.resource.pk}, {b_resource.pk}),
        "api:my_bookings": ({w.booking.pk}, {b_booking.pk}),
    }
    a_markers = [w.building.name, w.property.address, w.item.code, w.product.manufacturer, w.resource.name]

    client = Client()
    list_endpoints = [u for u in all_urls() if u.api and u.key not in PUBLIC and not u.params
                      and u.ninja_methods == ["GET"]]
    assert {u.key for u in list_endpoints} >= set(a_ids)
    for url in list_endpoints:
        response = client.get(path_of(url, w), headers=bearer(w.other_secret))
        assert response.status_code == 200, (url.key, response.status_code)
        text = response.content.decode()
        for marker in a_markers:
            assert marker not in text, (url.key, marker)
        if url.key in a_ids:
            ids = {row["id"] for row in _api_json(response)}
            theirs, ours = a_ids[url.key]
            assert not ids & theirs, url.key
            assert ours <= ids, url.key  # tenant B does see its own data (the check is not vacuous)
        # the query string cannot widen the scope either
        for param in ("building_id", "product_id", "room_id", "category_id"):
            r = client.get(path_of(url, w) + f"?{param}={w.building.pk}", headers=bearer(w.other_secret))
            assert w.item.code not in r.content.decode()


def test_token_is_bound_to_its_tenant_even_for_a_member_of_both(world, other_tenant, client_for):
    """An administrator of A who is also a member of B: the token made in A reads A only, whatever
    tenant the browser session has switched to."""
    from torg.accounts import services as accounts
    from torg.places import services as places

    accounts.membership_ensure(tenant=other_tenant, user=world.admin, role="admin")
    prop = places.property_create(actor=world.other_admin, tenant=other_tenant, gnr=3, bnr=3)
    b_building = places.building_create(actor=world.other_admin, tenant=other_tenant, property=prop,
                                        name="Bhuset")
    client = client_for(world.admin)
    client.post(reverse("accounts:switch_tenant"), {"tenant": other_tenant.pk})
    r = client.get(reverse("api:list_buildings"), headers=bearer(world.admin_secret))
    names = {b["name"] for b in _api_json(r)}
    assert world.building.name in names and "Bhuset" not in names
    assert client.get(reverse("api:get_building", kwargs={"pk": b_building.pk}),
                      headers=bearer(world.admin_secret)).status_code == 404


def test_token_stops_working_when_the_membership_ends_or_it_is_revoked(world):
    from torg.accounts import services as accounts

    url = reverse("api:list_resources")
    assert Client().get(url, headers=bearer(world.citizen_secret)).status_code == 200
    accounts.membership_update(actor=world.admin, membership=world.membership, is_active=False)
    assert Client().get(url, headers=bearer(world.citizen_secret)).status_code == 401
    accounts.api_token_revoke(actor=world.admin, token=world.token)
    assert Client().get(url, headers=bearer(world.admin_secret)).status_code == 401


def test_door_code_and_controller_token_work_only_in_their_own_tenant(tenant, admin_user, citizen, building,
                                                                      other_tenant, other_admin):
    """A door code issued in tenant A never opens a door of tenant B, even one with the same door
    identifier; B's controller token cannot report events on A's doors either."""
    from torg.booking import services
    from torg.booking.models import AccessEvent
    from torg.places import services as places

    resource = services.resource_create(actor=admin_user, tenant=tenant, name="Sal", building=building)
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(16))
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(16), closes=dt.time(22), kind="meraapent")
    services.door_add(actor=admin_user, tenant=tenant, building=building, name="Main door", identifier="main")
    _a_controller, a_token = services.door_controller_create(actor=admin_user, tenant=tenant, building=building,
                                                             name="Lock A")
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 5, 1), accept_terms=True)
    booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18),
                                      end=at(1, 20))
    code = services.access_code_issue(actor=citizen, booking=booking)

    prop = places.property_create(actor=other_admin, tenant=other_tenant, gnr=4, bnr=4)
    b_building = places.building_create(actor=other_admin, tenant=other_tenant, property=prop, name="Bhuset")
    services.door_add(actor=other_admin, tenant=other_tenant, building=b_building, name="Main door",
                      identifier="main")
    _b_controller, b_token = services.door_controller_create(actor=other_admin, tenant=other_tenant,
                                                             building=b_building, name="Lock B")

    def verify(token):
        when = (booking.start + dt.timedelta(minutes=5)).isoformat()
        r = Client().post(reverse("api:door_verify"), data={"door": "main", "code": code, "at": when},
                          content_type="application/json", headers=bearer(token))
        assert r.status_code == 200
        return r.json()["allow"]

    assert verify(b_token) is False
    assert verify(a_token) is True  # control: the code is valid where it belongs
    r = Client().post(reverse("api:door_event"), data={"door": "main", "kind": "forced"},
                      content_type="application/json", headers=bearer(b_token))
    assert r.status_code == 201
    assert not AccessEvent.objects.filter(tenant=tenant, kind="forced").exists()


def test_ids_of_tenant_a_in_query_strings_reveal_nothing_to_tenant_b(world):
    """Filters and HTMX helpers take ids from the query string; another tenant's ids match nothing."""
    client = logged_in(world.other_admin)
    w = world
    item_link = reverse("reuse:item_detail", args=[w.item.pk])
    building_link = reverse("places:building_detail", args=[w.building.pk])
    checks = [  # (URL with A's ids or identifiers, what must not come back: values not echoed from the URL)
        (reverse("reuse:room_options") + f"?building={w.building.pk}", [f'value="{w.room.pk}"', w.room.number]),
        (reverse("reuse:item_list") + f"?building={w.building.pk}&room={w.room.pk}&product={w.product.pk}",
         [w.item.number, w.item.code, item_link]),
        (reverse("reuse:item_list") + f"?q={w.item.code}", [w.item.number, item_link]),
        (reverse("reuse:item_list") + f"?q={w.item.number}", [w.item.code, item_link]),
        (reverse("places:room_list") + f"?building={w.building.pk}", [building_link, w.room.number]),
        (reverse("places:search") + f"?q={w.building.name}", [building_link]),
        (reverse("booking:home"), [w.resource.name, reverse("booking:resource_week", args=[w.resource.pk])]),
    ]
    for url, secrets_ in checks:
        r = client.get(url)
        assert r.status_code in (200, 404), (url, r.status_code)
        body = r.content.decode()
        for secret in secrets_:
            assert secret not in body, (url, secret)
    assert client.get(reverse("reuse:overview") + f"?building={w.building.pk}").status_code == 404


# === CSRF on HTMX (and every other) POST ===========================================================
def test_post_without_csrf_token_is_refused_everywhere(world):
    """Every web URL refuses a POST that lacks the CSRF token (HTMX sends it as X-CSRFToken from
    <body hx-headers>); API writes with the browser session are refused the same way."""
    from torg.reuse.models import Item

    client = logged_in(world.admin, enforce_csrf_checks=True)
    failures = []
    before = Item.objects.get(pk=world.item.pk).updated_at
    for url in all_urls():
        if url.admin or (url.api and url.key in PUBLIC):
            continue
        if url.api and url.ninja_methods == ["GET"]:
            continue
        path = path_of(url, world)
        if url.api:
            method = url.ninja_methods[0].lower()
            response = getattr(client, method)(path, data="{}", content_type="application/json")
        else:
            response = client.post(path, {"action": "status", "item": world.item.pk, "to_status": "available",
                                          "confirm": "1"}, headers={"HX-Request": "true"})
        if response.status_code != 403:
            failures.append(f"{url.key} → {response.status_code}")
    assert not failures, "POST without CSRF token not refused:\n" + "\n".join(failures)
    assert Item.objects.get(pk=world.item.pk).updated_at == before


def test_only_the_api_is_csrf_exempt():
    """django-ninja marks its views csrf_exempt and checks CSRF itself for session auth (above);
    no other view may opt out."""
    from django.urls import get_resolver

    exempt = []

    def walk(resolver, prefix):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                walk(p, prefix + str(p.pattern))
            elif getattr(p.callback, "csrf_exempt", False) and not (prefix + str(p.pattern)).startswith("api/v1/"):
                exempt.append(prefix + str(p.pattern))

    walk(get_resolver(), "")
    assert exempt == []


def test_htmx_post_with_the_csrf_header_works(world):
    from torg.reuse.models import Item

    client = logged_in(world.admin, enforce_csrf_checks=True)
    page = client.get(reverse("reuse:item_list"))
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert 'hx-headers=\'{"X-CSRFToken": "' in page.content.decode()
    r = client.post(reverse("reuse:bulk"), {"action": "status", "item": world.item.pk, "to_status": "available",
                                            "confirm": "1"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert r.status_code == 302
    assert Item.objects.get(pk=world.item.pk).status == "available"


# === Uploads are re-encoded ========================================================================
def _jpeg_with_gps():
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (59.0, 54.0, 30.0), 3: "E", 4: (10.0, 45.0, 12.0)}  # GPSInfo
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 40, 40)).save(buf, "JPEG", exif=exif)
    data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries a position
        assert check.getexif().get_ifd(0x8825)
    return data


def _register_form(world, photo):
    return {"building": world.building.pk, "room": world.room.pk, "category": world.category.pk,
            "manufacturer": "Foto", "condition": 1, "status": "in_use", "count": 1, "photo": photo}


def test_uploaded_photo_comes_back_without_exif_gps(world, settings, tmp_path):
    from PIL import Image

    from torg.reuse.models import ItemPhoto

    settings.MEDIA_ROOT = tmp_path / "media"
    before = list(ItemPhoto.objects.values_list("pk", flat=True))  # the world's own photo
    client = logged_in(world.admin)
    upload = SimpleUploadedFile("IMG_0001.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    r = client.post(reverse("reuse:item_register"), _register_form(world, upload))
    assert r.status_code == 302, r.content.decode()[:2000]
    edit = SimpleUploadedFile("IMG_0002.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    r = client.post(reverse("reuse:item_edit", args=[world.item.pk]), {
        "condition": 1, "status": "in_use", "building": world.building.pk, "room": world.room.pk,
        "placement_text": "", "comment": "", "photo": edit})
    assert r.status_code == 302, r.content.decode()[:2000]
    photos = list(ItemPhoto.objects.exclude(pk__in=before))
    assert len(photos) == 2
    for photo in photos:
        raw = photo.image.open("rb").read()
        photo.image.close()
        assert b"SecretCam" not in raw and b"Exif" not in raw
        with Image.open(io.BytesIO(raw)) as img:
            assert img.format == "JPEG"
            assert not img.getexif() and not img.getexif().get_ifd(0x8825)
            assert "exif" not in img.info


@pytest.mark.parametrize("name,content", [
    ("photo.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"),
    ("photo.jpg", b"<?php system($_GET['c']); ?>"),
    ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("photo.html", b"<html><script>alert(1)</script></html>"),
])
def test_non_image_upload_is_refused_with_a_clear_message(world, settings, tmp_path, name, content):
    from torg.reuse.models import Item, ItemPhoto

    settings.MEDIA_ROOT = tmp_path / "media"
    before, photos_before = Item.objects.count(), ItemPhoto.objects.count()
    r = logged_in(world.admin).post(reverse("reuse:item_register"),
                                    _register_form(world, SimpleUploadedFile(name, content)))
    assert r.status_code == 422
    assert "The file is not a photo we can read" in r.content.decode()
    assert Item.objects.count() == before and ItemPhoto.objects.count() == photos_before
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))


def test_api_json_never_exposes_secrets(world):
    """Token and door secrets are stored hashed; API output carries no token material."""
    r = Client().get(reverse("api:list_items"), headers=bearer(world.admin_secret))
    assert r.status_code == 200
    text = json.dumps(r.json())
    assert world.admin_secret not in text and "key_hash" not in text
