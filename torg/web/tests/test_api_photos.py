"""Photos in API answers: items (their own photos and their product's), products, marketplace
listings and booking resources carry the URLs of the checking file view (`/files/<key>/<pk>/`,
torg.core.photos), never a storage path. The API token that got the answer opens them; another
municipality's token, an anonymous visitor and a revoked token get the same 404 as a made-up id."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from torg.accounts import services as accounts
from torg.booking import services as booking
from torg.reuse import services as reuse
from torg.reuse.market import services as market
from torg.reuse.models import Category

pytestmark = pytest.mark.django_db


def _jpeg(colour):
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(buf, "JPEG")
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def _client(user, tenant):
    _token, secret = accounts.api_token_create(actor=user, tenant=tenant, name="photos")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), _token


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def world(settings, tmp_path, tenant, admin_user, building):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TORG_MEDIA_SERVE = "stream"
    category = Category.objects.get(tenant=tenant, key="task_chair")
    product = reuse.product_create(actor=admin_user, tenant=tenant, category=category, manufacturer="HÅG")
    item = reuse.item_register(actor=admin_user, tenant=tenant, product=product, building=building,
                               status="available")[0]
    item_photo = reuse.item_add_photo(actor=admin_user, item=item, upload=_jpeg((200, 30, 30)))
    product_photo = reuse.product_add_photo(actor=admin_user, product=product, upload=_jpeg((30, 30, 200)))
    listing = market.listing_create(actor=admin_user, tenant=tenant, items=[item])
    resource = booking.resource_create(actor=admin_user, tenant=tenant, name="Møterom", building=building)
    resource_photo = booking.resource_photo_add(actor=admin_user, resource=resource, upload=_jpeg((30, 200, 30)),
                                                alt="Møterommet sett fra døra")
    return {"item": item, "product": product, "listing": listing, "resource": resource,
            "urls": {"item": f"/files/reuse-item/{item_photo.pk}/", "product": f"/files/reuse-product/{product_photo.pk}/",
                     "resource": f"/files/booking-resource/{resource_photo.pk}/"}}


def test_answers_carry_photo_urls_that_the_same_token_opens(world, tenant, admin_user):
    api, _token = _client(admin_user, tenant)
    urls = world["urls"]
    item = api.get(f"/api/v1/reuse/items/{world['item'].pk}").json()
    assert [p["url"] for p in item["photos"]] == [urls["item"]]
    assert [p["url"] for p in item["product_photos"]] == [urls["product"]]
    assert (item["photos"][0]["width"], item["photos"][0]["height"]) == (80, 60)
    listed = api.get("/api/v1/reuse/items?include_gone=true").json()["items"]
    assert [p["url"] for p in listed[0]["photos"]] == [urls["item"]]
    product = api.get(f"/api/v1/reuse/products/{world['product'].pk}").json()
    assert [p["url"] for p in product["photos"]] == [urls["product"]]
    listing = api.get(f"/api/v1/reuse/market/listings/{world['listing'].pk}").json()
    assert [p["url"] for p in listing["photos"]] == [urls["item"]]
    mine = api.get("/api/v1/reuse/market/listings/mine").json()["items"]
    assert [p["url"] for p in mine[0]["photos"]] == [urls["item"]]
    (resource,) = api.get("/api/v1/booking/resources").json()
    assert resource["photos"] == [{"url": urls["resource"], "width": 80, "height": 60,
                                   "alt": "Møterommet sett fra døra"}]
    for url in urls.values():
        answer = api.get(url)
        assert answer.status_code == 200 and _body(answer)[:2] == b"\xff\xd8", url  # a JPEG
        assert answer["Cache-Control"].startswith("private")


def test_another_municipality_anonymous_and_a_revoked_token_get_404(world, tenant, admin_user, other_tenant,
                                                                    other_admin):
    other, _token = _client(other_admin, other_tenant)
    revoked, token = _client(admin_user, tenant)
    accounts.api_token_revoke(actor=admin_user, token=token)
    for url in world["urls"].values():
        assert other.get(url).status_code == 404
        assert Client().get(url).status_code == 404
        assert Client(HTTP_AUTHORIZATION="Bearer torg_made-up").get(url).status_code == 404
        assert revoked.get(url).status_code == 404
    assert other.get(f"/api/v1/reuse/items/{world['item'].pk}").status_code == 404
