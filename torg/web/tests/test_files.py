"""Photos of every module, uploaded through the real pages and fetched through the one file view, on the
file system and on the S3 double (moto in server mode, the signed redirect followed over real HTTP).

Knowing a photo's address is not enough: another municipality's user, an anonymous visitor, a
member without the permission and a guessed address all get the same 404. Resource photos are
deliberately visible to every member of the municipality (citizens book the rooms); inventory
photos only to those who may see the inventory.
"""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from torg.booking import services as booking
from torg.booking.models import ResourcePhoto
from torg.core.photos import url_for
from torg.core.testing import client_as, file_body
from torg.places.models import Room
from torg.reuse import services as reuse
from torg.reuse.models import Category, ItemPhoto, ProductPhoto

pytestmark = pytest.mark.django_db


def _png(colour=(200, 30, 30), size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    out.seek(0)
    out.name = "bilde.png"
    return out


@pytest.fixture
def uploaded(file_storage, tenant, admin_user, building):
    """A resource photo and three items' photo, uploaded through the pages; a product photo."""
    room = Room.objects.filter(building=building).order_by("number").first()
    resource = booking.resource_create(actor=admin_user, tenant=tenant, name="Møterom", building=building, room=room)
    admin = client_as(admin_user)
    r = admin.post(reverse("booking:resource_photos", args=[resource.pk]),
                   {"photo": _png(), "alt": "Rommet sett fra døra"})
    assert r.status_code == 302
    category = Category.objects.get(tenant=tenant, key="task_chair")
    r = admin.post(reverse("reuse:item_register"), {
        "building": building.pk, "room": room.pk, "category": category.pk, "manufacturer": "Kinnarps",
        "model_name": "Capella", "colour": "Grå", "condition": 1, "status": "in_use", "count": 3,
        "photo": _png((30, 30, 200))})
    assert r.status_code == 302
    items = ItemPhoto.objects.filter(tenant=tenant).order_by("pk")
    product = items[0].item.product
    product_photo = reuse.product_add_photo(actor=admin_user, product=product, upload=_png((30, 200, 30)))
    return ResourcePhoto.objects.get(resource=resource), list(items), product_photo


def test_uploads_are_stored_under_random_names_and_shown_through_the_file_view(uploaded, tenant, admin_user):
    resource_photo, item_photos, product_photo = uploaded
    assert re.fullmatch(rf"booking/{tenant.pk}/resources/[0-9a-f]{{32}}\.jpg", resource_photo.image.name)
    assert re.fullmatch(rf"reuse/{tenant.pk}/items/[0-9a-f]{{32}}\.jpg", item_photos[0].image.name)
    # Items registered together share one stored file.
    assert len(item_photos) == 3 and len({p.image.name for p in item_photos}) == 1
    for photo in (resource_photo, item_photos[0], product_photo):
        assert default_storage.exists(photo.image.name)
    admin = client_as(admin_user)
    week = admin.get(reverse("booking:resource_week", args=[resource_photo.resource_id])).content.decode()
    item_page = admin.get(reverse("reuse:item_detail", args=[item_photos[0].item_id])).content.decode()
    assert url_for(resource_photo) in week and url_for(item_photos[0]) in item_page
    assert url_for(product_photo) in item_page
    for page, photo in ((week, resource_photo), (item_page, item_photos[0]), (item_page, product_photo)):
        assert photo.image.name not in page and "/media/" not in page


def _readable(user, photo):
    response = client_as(None if user == "anonymous" else user).get(url_for(photo))
    if response.status_code == 404:
        return False
    data = file_body(response)
    with photo.image.open("rb") as stored:
        assert data == stored.read()
    return True


def test_who_may_fetch_which_photo(uploaded, admin_user, employee, citizen, other_admin):
    resource_photo, item_photos, product_photo = uploaded
    seen = {who: [_readable(user, p) for p in (resource_photo, item_photos[0], product_photo)]
            for who, user in {"admin": admin_user, "employee": employee, "citizen": citizen,
                              "other municipality's admin": other_admin, "anonymous": "anonymous"}.items()}
    assert seen == {
        "admin": [True, True, True],
        "employee": [True, True, True],  # an observer of the inventory
        "citizen": [True, False, False],  # books rooms, sees no inventory
        "other municipality's admin": [False, False, False],
        "anonymous": [False, False, False],
    }


def test_guessed_addresses_are_404(uploaded, admin_user, other_admin):
    resource_photo, item_photos, _product_photo = uploaded
    admin = client_as(admin_user)
    name = item_photos[0].image.name
    for path in (f"/media/{name}", f"/files/{name}", f"/files/reuse-item/{item_photos[-1].pk + 1000}/",
                 f"/files/no-such-kind/{item_photos[0].pk}/", f"/media/{resource_photo.image.name}"):
        assert admin.get(path).status_code == 404, path
    # The other municipality's administrator with the real address gets what a made-up one gets.
    other = client_as(other_admin)
    assert other.get(url_for(item_photos[0])).status_code == other.get(
        f"/files/reuse-item/{item_photos[-1].pk + 1000}/").status_code == 404


def test_removing_photos_removes_the_file_when_nothing_uses_it(uploaded, admin_user,
                                                               django_capture_on_commit_callbacks):
    resource_photo, item_photos, _product_photo = uploaded
    admin = client_as(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post(reverse("booking:resource_photos", args=[resource_photo.resource_id]),
                       {"delete": resource_photo.pk})
    assert r.status_code == 302 and not default_storage.exists(resource_photo.image.name)
    assert admin.get(url_for(resource_photo)).status_code == 404
    shared = item_photos[0].image.name
    for photo in item_photos:
        assert default_storage.exists(shared)  # still used by the other items' photo rows
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(reverse("reuse:item_photo_remove", args=[photo.item_id, photo.pk]))
    assert not default_storage.exists(shared) and not ItemPhoto.objects.filter(image=shared).exists()
    assert ProductPhoto.objects.count() == 1
