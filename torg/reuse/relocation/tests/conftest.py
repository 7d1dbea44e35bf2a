import pytest

from torg.reuse.tests.conftest import fast_password_hasher, media, other_building, other_item  # noqa: F401


@pytest.fixture
def cats(tenant):
    from torg.reuse.models import Category

    return {c.key: c for c in Category.objects.filter(tenant=tenant)}


@pytest.fixture
def target(tenant, admin_user):
    """The target building: floors 1 and 2 with rooms 1.01, 1.02, 2.01."""
    from torg.places import services

    prop = services.property_create(actor=admin_user, tenant=tenant, gnr=5, bnr=5)
    b = services.building_create(actor=admin_user, tenant=tenant, property=prop, name="Nytt rådhus",
                                 building_number="5005", gross_area=37700, use="office")
    f1 = services.floor_create(actor=admin_user, tenant=tenant, building=b, level=1)
    f2 = services.floor_create(actor=admin_user, tenant=tenant, building=b, level=2)
    for floor, number in ((f1, "1.01"), (f1, "1.02"), (f2, "2.01")):
        services.room_create(actor=admin_user, tenant=tenant, floor=floor, number=number, name="Kontor")
    return b


@pytest.fixture
def troom(target):
    from torg.places.models import Room

    return {r.number: r for r in Room.objects.filter(building=target)}


@pytest.fixture
def old_sites(tenant, admin_user):
    """Two old locations, A (rooms A1, A2) and B (room B1)."""
    from torg.places import services

    out = {}
    for i, (name, rooms) in enumerate((("Gamle A", ["A1", "A2"]), ("Gamle B", ["B1"]))):
        prop = services.property_create(actor=admin_user, tenant=tenant, gnr=10 + i, bnr=1)
        b = services.building_create(actor=admin_user, tenant=tenant, property=prop, name=name)
        f = services.floor_create(actor=admin_user, tenant=tenant, building=b, level=0)
        for number in rooms:
            services.room_create(actor=admin_user, tenant=tenant, floor=f, number=number)
        out[name[-1]] = b
    return out


@pytest.fixture
def oroom(old_sites):
    from torg.places.models import Room

    return {r.number: r for r in Room.objects.filter(building__in=old_sites.values())}


@pytest.fixture
def products(tenant, admin_user, cats):
    from torg.reuse import services

    def p(key, **kw):
        return services.product_create(actor=admin_user, tenant=tenant, category=cats[key], **kw)

    return {
        "desk160": p("desk", manufacturer="Kinnarps", model_name="E 160", width_cm=160, depth_cm=80, colour="Bjørk",
                     new_price_nok="5200"),
        "desk140": p("desk", manufacturer="EFG", model_name="Flex 140", width_cm=140, depth_cm=80, colour="Hvit",
                     new_price_nok="4600"),
        "chair": p("task_chair", manufacturer="HÅG", model_name="Capisco", colour="Svart", new_price_nok="7900"),
        "table": p("meeting_table", manufacturer="Fora Form", model_name="Spin 240", width_cm=240, depth_cm=110,
                   new_price_nok="14500"),
    }


@pytest.fixture
def stock(tenant, admin_user, oroom):
    """stock(product, count, room="A1", status="available", condition=1) → registered items."""
    from torg.reuse import services

    def make(product, count=1, room="A1", status="available", condition=1):
        return services.item_register(actor=admin_user, tenant=tenant, product=product, count=count,
                                      room=oroom[room], status=status, condition=condition)

    return make


@pytest.fixture
def plan(tenant, admin_user, target, old_sites):
    from torg.reuse.relocation import services

    return services.plan_create(actor=admin_user, tenant=tenant, name="Innflytting", building=target,
                                source_buildings=[old_sites["A"]], status="active")


@pytest.fixture
def supplier(tenant, admin_user):
    from torg.accounts import services

    return services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673",
                                                 name="Møbelgjenbruk AS", kind="supplier")
