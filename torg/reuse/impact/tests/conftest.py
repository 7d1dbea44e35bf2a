import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Messages and labels in English (the service-level tests assert on the source strings)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def cat(tenant):
    """The tenant's categories by key."""
    from torg.reuse.models import Category

    return {c.key: c for c in Category.objects.filter(tenant=tenant)}


@pytest.fixture
def make_product(tenant, admin_user, cat):
    from torg.reuse import services

    def make(key="task_chair", no_weight=False, **fields):
        """A product; `no_weight` clears the weight product_create copies from the category."""
        product = services.product_create(actor=admin_user, tenant=tenant, category=cat[key], **fields)
        if no_weight:
            services.product_update(actor=admin_user, product=product, weight_kg=None)
        return product

    return make


@pytest.fixture
def reuse(tenant, admin_user, building):
    """reuse(product, count=1, kind=..., when=date, **record fields) → the records written."""
    from torg.reuse import services

    def make(product, count=1, kind="internal_order", when=dt.date(2026, 3, 10), **fields):
        items = services.item_register(actor=admin_user, tenant=product.tenant, product=product, count=count,
                                       building=fields.pop("item_building", None))
        at = dt.datetime.combine(when, dt.time(12), OSLO)
        return [services.reuse_record(actor=admin_user, item=i, kind=kind, occurred_at=at, **fields) for i in items]

    return make


def D(text):  # noqa: N802 - reads like a literal
    return Decimal(text)
