"""Listing photos on every page that shows them — own municipality, a partner municipality, the public
page — each through a view that checks who asks, on the file system and on the S3 double."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from torg.core.photos import url_for
from torg.core.testing import client_as, file_body
from torg.reuse import services as inventory
from torg.reuse.market import services
from torg.reuse.market.models import Listing

pytestmark = pytest.mark.django_db


def _jpeg(colour):
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "JPEG")
    return SimpleUploadedFile("stol.jpg", buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def photographed(file_storage, make_items, make_listing, partner, people):
    items = make_items(count=2)
    first = inventory.item_add_photo(actor=people.admin, item=items[0], upload=_jpeg((200, 30, 30)))
    second = inventory.item_add_photo(actor=people.admin, item=items[1], upload=_jpeg((30, 30, 200)))
    listing = make_listing(items=items, to_partners=True, to_public=True)
    return listing, [first, second]


def test_own_municipality_sees_the_photos_through_the_file_view(photographed, people):
    listing, photos = photographed
    buyer = client_as(people.buyer)
    page = buyer.get(reverse("market:listing_detail", args=[listing.pk])).content.decode()
    for photo in photos:
        assert url_for(photo) in page and photo.image.name not in page  # never the storage name
        assert file_body(buyer.get(url_for(photo))) == photo.image.open("rb").read()
    card = buyer.get(reverse("market:home")).content.decode()
    assert url_for(photos[0]) in card


def test_partner_sees_the_photos_of_a_partner_listing_by_number_only(photographed, partner, people):
    listing, photos = photographed
    neighbour = client_as(partner.buyer)
    detail = neighbour.get(reverse("market:partner_detail", args=[listing.code])).content.decode()
    urls = [reverse("market:partner_photo", args=[listing.code, n]) for n in (1, 2)]
    assert all(u in detail for u in urls) and url_for(photos[0]) not in detail
    assert urls[0] in neighbour.get(reverse("market:partner_list")).content.decode()  # the card's cover
    for url, photo in zip(urls, photos, strict=True):
        assert file_body(neighbour.get(url)) == photo.image.open("rb").read()
    # The seller's item photos as such are not the partner's: the file view says 404, as for a 3rd photo.
    assert neighbour.get(url_for(photos[0])).status_code == 404
    assert neighbour.get(reverse("market:partner_photo", args=[listing.code, 3])).status_code == 404
    # Once the listing is withdrawn, its photos are gone for the partner too.
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.WITHDRAWN)
    assert neighbour.get(urls[0]).status_code == 404


def test_public_photos_only_in_the_public_stage_and_never_another_way(photographed, tenant, people, settings):
    listing, photos = photographed
    anonymous = client_as()
    url = reverse("market:public_photo", args=[tenant.slug, listing.code, 1])
    services.settings_update(actor=people.admin, tenant=tenant, unit_days=0, partner_days=0, public_days=14,
                             approve_buyer_orders=False)
    assert anonymous.get(url).status_code == 404  # published now, public in 14 days
    Listing.objects.filter(pk=listing.pk).update(public_at=timezone.now() - dt.timedelta(minutes=1))
    response = anonymous.get(url)
    assert response["Cache-Control"].startswith("public, ")
    assert file_body(response) == photos[0].image.open("rb").read()
    # The anonymous visitor gets nothing through the file view, and there is no /media/ path at all.
    assert anonymous.get(url_for(photos[0])).status_code == 404
    assert anonymous.get("/media/" + photos[0].image.name).status_code == 404
