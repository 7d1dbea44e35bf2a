"""Saved searches: a buyer is notified in the app and by e-mail (sent in the background) when a
matching listing is published and open to them — once, and only when they can see it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from torg.reuse.market import services
from torg.reuse.market.models import Notification, SavedSearchHit

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def chair_search(tenant, people, product):
    return services.saved_search_create(actor=people.buyer, tenant=tenant, name="Kontorstoler", query="capisco",
                                        category=product.category)


def test_matching_listing_notifies_in_app_and_by_background_email(
        tenant, people, chair_search, make_items, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    settings.TORG_TASKS_INLINE = False  # queued on the backend, which here runs at once
    items = make_items(count=2, owner_unit=None)  # no first stage: the whole municipality sees it at once
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.listing_create(actor=people.seller, tenant=tenant, items=items)
    note = Notification.objects.get(user=people.buyer)
    assert "Kontorstoler" in note.message and listing.title in note.message
    assert note.url == f"/reuse/market/listings/{listing.pk}/"
    assert [m.to for m in mailoutbox] == [[people.buyer.email]]
    assert listing.title in mailoutbox[0].body
    # running the check again does not notify twice
    assert services.saved_searches_notify(listing_id=listing.pk) == 0
    assert Notification.objects.filter(user=people.buyer).count() == 1


def test_no_notification_before_the_listing_is_open_to_the_buyer(tenant, people, chair_search, make_listing):
    listing = make_listing(count=1)  # owned by Nord skole: the buyer (Helse) sees it after 3 days
    assert services.saved_searches_notify(listing_id=listing.pk, now=listing.published_at) == 0
    assert not Notification.objects.filter(user=people.buyer).exists()
    # the deferred check when the whole municipality sees it
    assert services.saved_searches_notify(listing_id=listing.pk,
                                          now=listing.municipality_at + dt.timedelta(seconds=1)) == 1
    assert SavedSearchHit.objects.filter(saved_search=chair_search, listing=listing).exists()


def test_deferred_check_is_queued_for_the_municipality_stage(tenant, people, chair_search, make_listing, settings,
                                                             django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TORG_TASKS_INLINE = False
    with django_capture_on_commit_callbacks(execute=True):
        listing = make_listing(count=1)
    runs = sorted(r.run_after for r in DBTaskResult.objects.filter(task_path__endswith="notify_saved_searches"))
    assert listing.municipality_at in runs  # besides the check at once


def test_non_matching_listing_does_not_notify(tenant, people, chair_search, make_items, admin_user):
    from torg.reuse import services as inventory
    from torg.reuse.models import Category

    desk = inventory.product_create(actor=admin_user, tenant=tenant, manufacturer="Kinnarps", model_name="Oberon",
                                    category=Category.objects.get(tenant=tenant, key="desk"))
    listing = services.listing_create(actor=people.seller, tenant=tenant,
                                      items=make_items(count=1, owner_unit=None, prod=desk))
    assert services.saved_searches_notify(listing_id=listing.pk) == 0


def test_observers_and_the_seller_are_not_notified(tenant, people, product, make_items):
    for who in (people.observer, people.seller):
        services.saved_search_create(actor=who, tenant=tenant, name="Stoler", category=product.category)
    listing = services.listing_create(actor=people.seller, tenant=tenant, items=make_items(count=1, owner_unit=None))
    assert services.saved_searches_notify(listing_id=listing.pk) == 0


def test_an_empty_search_cannot_be_saved(tenant, people):
    with pytest.raises(ValidationError, match="Search for something"):
        services.saved_search_create(actor=people.buyer, tenant=tenant, name="Alt")


def test_save_search_from_the_market_page_and_delete_it(client_for, people, product):
    client = client_for(people.buyer)
    response = client.post(f"/reuse/market/searches/new/?q=capisco&category={product.category_id}",
                           {"name": "Stoler", "email": "on"})
    assert response.status_code == 302
    from torg.reuse.market.models import SavedSearch

    search = SavedSearch \
        .objects.get(user=people.buyer)
    assert search.query == "capisco" and search.category_id == product.category_id and search.email
    page = client.get("/reuse/market/searches/")
    assert "Stoler" in page.content.decode()
    assert client.post(f"/reuse/market/searches/{search.pk}/delete/").status_code == 302
    assert not type(search).objects.exists()


def test_another_users_search_cannot_be_deleted(client_for, tenant, people):
    search = services.saved_search_create(actor=people.buyer, tenant=tenant, name="Mine", query="stol")
    assert client_for(people.plain_buyer).post(f"/reuse/market/searches/{search.pk}/delete/").status_code == 404
