import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def category(tenant):
    from torg.reuse.models import Category

    return Category.objects.get(tenant=tenant, key="task_chair")


@pytest.fixture
def product(tenant, admin_user, category):
    from torg.reuse import services

    return services.product_create(actor=admin_user, tenant=tenant, category=category, manufacturer="HÅG",
                                   model_name="Capisco", colour="Black", new_price_nok="6500")


@pytest.fixture
def rooms(building):
    from torg.places.models import Room

    return {r.number: r for r in Room.objects.filter(building=building)}


@pytest.fixture
def make_items(tenant, admin_user, product, rooms):
    from torg.reuse import services

    def make(count=1, room="0.01", **kwargs):
        return services.item_register(actor=admin_user, tenant=tenant, product=product, count=count,
                                      room=rooms[room] if room else None, **kwargs)

    return make


@pytest.fixture
def other_building(other_tenant, other_admin):
    from torg.places import services

    prop = services.property_create(actor=other_admin, tenant=other_tenant, gnr=2, bnr=2)
    b = services.building_create(actor=other_admin, tenant=other_tenant, property=prop, name="Andrehuset")
    f = services.floor_create(actor=other_admin, tenant=other_tenant, building=b, level=0)
    services.room_create(actor=other_admin, tenant=other_tenant, floor=f, number="9.99")
    return b


@pytest.fixture
def other_item(other_tenant, other_admin, other_building):
    from torg.reuse import services
    from torg.reuse.models import Category

    cat = Category.objects.get(tenant=other_tenant, key="desk")
    prod = services.product_create(actor=other_admin, tenant=other_tenant, category=cat, manufacturer="X")
    return services.item_register(actor=other_admin, tenant=other_tenant, product=prod, building=other_building)[0]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The member fixtures set passwords; the production hasher makes each take ~0.5 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
