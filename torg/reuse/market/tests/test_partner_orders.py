"""Orders between partner municipalities: who may order, the state machine (always approval, the
buyer receives), notifications on each side, the transfer on receipt (out of the seller's inventory,
into the buyer's, a reuse recorded on each side) and tenant isolation."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from torg.accounts import services as accounts
from torg.core import audit
from torg.reuse import services as inventory
from torg.reuse.market import queries, services
from torg.reuse.market.models import Listing, Notification, Order, OrderLine
from torg.reuse.models import Item, ItemPhoto, ReuseRecord, Status

from .conftest import member

pytestmark = pytest.mark.django_db
S = Order.Status


def _jpeg():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile("stol.jpg", buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def listing(make_listing, partner):
    return make_listing(count=3, to_partners=True)


def _walk(order, people, *steps):
    for step in steps:
        order = services.order_transition(actor=people.seller, order=order, to_status=step)
    return order


def test_partner_order_always_waits_for_approval_and_belongs_to_the_seller(listing, partner, partner_order, people,
                                                                          tenant):
    # The partner's buyer/seller would be approved at once at home; a partner order never is.
    order = partner_order(listing, quantity=2, note="Til det nye klasserommet")
    assert order.status == S.REQUESTED and order.is_partner
    assert (order.tenant, order.buyer_tenant, order.to_unit, order.delivery_room) == (
        tenant, partner.tenant, partner.unit, partner.rooms["1.10"])
    assert order.number.startswith("B-")  # the seller's sequence
    assert set(OrderLine.objects.filter(order=order).values_list("tenant_id", flat=True)) == {tenant.pk}
    assert Item.objects.filter(tenant=tenant, status=Status.ORDERED).count() == 2
    # The seller is told, in the seller's municipality, who ordered.
    note = Notification.objects.get(user=people.seller)
    assert note.tenant == tenant and "Andrevik kommune" in note.message and "approval" in note.message


def test_partner_order_state_machine_and_notifications_on_each_side(listing, partner, partner_order, people,
                                                                    tenant):
    order = partner_order(listing)
    with pytest.raises(PermissionDenied):
        services.order_transition(actor=partner.buyer, order=order, to_status=S.APPROVED)
    order = _walk(order, people, S.APPROVED, S.PROCESSING, S.READY_FOR_PICKUP)
    buyer_notes = Notification.objects.filter(user=partner.buyer)
    assert buyer_notes.count() == 3 and set(buyer_notes.values_list("tenant_id", flat=True)) == {partner.tenant.pk}
    # Receiving registers the items in the buyer's inventory: only the buyer can do it.
    assert [t.target for t in services.order_steps(order, people.seller)] == [S.CANCELLED]
    assert [t.target for t in services.order_steps(order, partner.buyer)] == [S.RECEIVED]
    with pytest.raises(ValidationError, match="Only the buyer's municipality"):
        services.order_transition(actor=people.seller, order=order, to_status=S.RECEIVED)
    # Messages go to the other side, each in their own municipality.
    services.order_message_add(actor=partner.buyer, order=order, body="Vi henter torsdag.")
    assert Notification.objects.filter(user=people.seller, tenant=tenant, message__contains="torsdag").exists()
    services.order_message_add(actor=people.seller, order=order, body="Greit, ring på.")
    assert Notification.objects.filter(user=partner.buyer, tenant=partner.tenant, message__contains="ring").exists()
    assert not Notification.objects.filter(user=partner.buyer, tenant=tenant).exists()


@pytest.mark.parametrize("status,who,reason", [
    (S.REQUESTED, "buyer", ""), (S.REQUESTED, "seller", "Reservert"), (S.APPROVED, "buyer", ""),
    (S.PROCESSING, "seller", "Ødelagt i transporten"), (S.READY_FOR_PICKUP, "seller", "Ikke hentet"),
])
def test_partner_order_cancellation_per_state_gives_the_items_back(listing, partner, partner_order, people, status,
                                                                   who, reason):
    order = partner_order(listing)
    path = {S.REQUESTED: [], S.APPROVED: [S.APPROVED], S.PROCESSING: [S.APPROVED, S.PROCESSING],
            S.READY_FOR_PICKUP: [S.APPROVED, S.PROCESSING, S.READY_FOR_PICKUP]}[status]
    order = _walk(order, people, *path)
    to = S.REJECTED if (status, who) == (S.REQUESTED, "seller") else S.CANCELLED
    actor = partner.buyer if who == "buyer" else people.seller
    order = services.order_transition(actor=actor, order=order, to_status=to, reason=reason)
    assert order.status == to
    assert Item.objects.filter(pk__in=listing.lines.values("item_id"), status=Status.LISTED).count() == 3
    assert not OrderLine.objects.filter(order=order, active=True).exists()
    other = people.seller if who == "buyer" else partner.buyer
    other_tenant = listing.tenant if who == "buyer" else partner.tenant
    assert Notification.objects.filter(user=other, tenant=other_tenant, message__contains=order.number).exists()


def test_buyer_cannot_cancel_once_processing(listing, partner, partner_order, people):
    order = _walk(partner_order(listing), people, S.APPROVED, S.PROCESSING)
    with pytest.raises(PermissionDenied):
        services.order_transition(actor=partner.buyer, order=order, to_status=S.CANCELLED,
                                  reason="Ombestemt meg")


def test_receiving_moves_the_items_across_with_history_photos_and_one_reuse_on_each_side(
        make_items, make_listing, partner, partner_order, people, tenant, product, units, media):
    items = make_items(count=2, room="0.01", condition=2, damage_description="Flekk på setet")
    inventory.item_add_photo(actor=people.admin, item=items[0], upload=_jpeg())
    listing = make_listing(items=items, to_partners=True)
    order = _walk(partner_order(listing, quantity=2), people, S.APPROVED, S.PROCESSING, S.READY_FOR_PICKUP)
    code = Item.objects.get(pk=items[0].pk).code

    order = services.order_receive_by_code(actor=partner.buyer, order=order, code=f"https://torg.example/q/{code}")

    assert order.status == S.RECEIVED and order.received_at is not None
    # The seller: the items have left the inventory, their history kept.
    for item in Item.objects.filter(pk__in=[i.pk for i in items]):
        assert item.status == Status.GIVEN_AWAY and item.tenant == tenant
        assert audit.history_for(item, tenant).filter(action="item_give_away",
                                                      comment__contains="Andrevik kommune").exists()
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.CLOSED
    # The buyer: new items in the delivery room, owned by the buyer's unit, same product data.
    new_items = [line.received_item for line in OrderLine.objects.filter(order=order).select_related(
        "received_item__product__category").order_by("item__number")]
    assert all(i.tenant == partner.tenant for i in new_items)
    first = new_items[0]
    assert (first.room, first.building, first.owner_unit, first.condition, first.damage_description, first.status) \
        == (partner.rooms["1.10"], partner.building, partner.unit, 2, "Flekk på setet", Status.IN_USE)
    assert first.code != code and first.number.startswith("M-")
    p = first.product
    assert (p.tenant, p.category.key, p.manufacturer, p.model_name, p.colour, str(p.new_price_nok)) == (
        partner.tenant, "task_chair", "HÅG", "Capisco", "Svart", "6500.00")
    assert new_items[1].product == p  # one product for the buyer, found again
    created = audit.history_for(first, partner.tenant).get(action="item_create")
    assert "Testvik kommune" in created.comment and listing.number in created.comment and items[0].number \
        in created.comment
    # The photo is shown for the new item too (the file is shared, not copied).
    assert list(ItemPhoto.objects.filter(item=first).values_list("image", flat=True)) == \
        list(ItemPhoto.objects.filter(item=items[0]).values_list("image", flat=True))
    assert not ItemPhoto.objects.filter(item=new_items[1]).exists()
    # One reuse per item on each side, each in its own municipality.
    seller_side = ReuseRecord.objects.filter(tenant=tenant)
    buyer_side = ReuseRecord.objects.filter(tenant=partner.tenant)
    assert sorted(seller_side.values_list("kind", flat=True)) == ["to_partner", "to_partner"]
    assert sorted(buyer_side.values_list("kind", flat=True)) == ["from_partner", "from_partner"]
    assert set(seller_side.values_list("item__tenant_id", flat=True)) == {tenant.pk}
    assert set(buyer_side.values_list("to_building_id", flat=True)) == {partner.building.pk}
    assert set(buyer_side.values_list("to_unit_id", flat=True)) == {partner.unit.pk}
    assert order.number in seller_side.first().reference and "Andrevik" in seller_side.first().reference
    # The impact reports count a tenant's reuse records: each item once per municipality.
    for side in (seller_side, buyer_side):
        assert side.count() == side.values("item_id").distinct().count() == 2
    # The seller is told that the order was received (after being told of the new order).
    assert Notification.objects.filter(user=people.seller, tenant=tenant, message__contains=order.number).count() == 2


def test_buyer_without_a_matching_category_gets_one(make_items, make_listing, partner, partner_order, people, tenant):
    from torg.reuse.models import Category

    Category.objects.filter(tenant=partner.tenant, key="task_chair").update(key="arbeidsstol", name="Arbeidsstol")
    listing = make_listing(count=1, to_partners=True)
    order = _walk(partner_order(listing), people, S.APPROVED, S.PROCESSING, S.READY_FOR_PICKUP)
    services.order_transition(actor=partner.buyer, order=order, to_status=S.RECEIVED)
    new = OrderLine.objects.get(order=order).received_item
    seller_category = Item.objects.get(pk=listing.lines.get().item_id).product.category
    assert new.product.category.tenant == partner.tenant
    assert (new.product.category.key, new.product.category.name) == (seller_category.key, seller_category.name)


def test_a_non_partner_and_a_one_sided_partner_cannot_order(listing, partner, people, tenant, admin_user):
    far = accounts.tenant_create(name="Fjernvik kommune", slug="fjernvik")
    far_admin = member(far, "fjern_admin", role="admin")
    room, unit = _room_of(far, far_admin)
    with pytest.raises(ValidationError, match="not open to you"):
        services.order_create(actor=far_admin, tenant=far, listing=listing, quantity=1, delivery_room=room,
                              to_unit=unit)
    with pytest.raises(Http404):
        queries.partner_listing_get(tenant=far, code=listing.code)
    # Far chooses Testvik, but Testvik has not chosen Far: not a partnership.
    services.settings_update(actor=far_admin, tenant=far, unit_days=0, partner_days=0, public_days=None,
                             approve_buyer_orders=True, partners=[tenant])
    with pytest.raises(ValidationError, match="not open to you"):
        services.order_create(actor=far_admin, tenant=far, listing=listing, quantity=1, delivery_room=room,
                              to_unit=unit)
    # Testvik ends the partnership with Andrevik: Andrevik can no longer order.
    services.settings_update(actor=admin_user, tenant=tenant, unit_days=0, partner_days=0, public_days=None,
                             approve_buyer_orders=False, partners=[far])
    with pytest.raises(ValidationError, match="not open to you"):
        services.order_create(actor=partner.buyer, tenant=partner.tenant, listing=listing, quantity=1,
                              delivery_room=partner.rooms["1.10"], to_unit=partner.unit)
    assert not Order.objects.exists()


def _room_of(tenant, admin):
    from torg.places import services as places

    unit = accounts.org_unit_create(actor=admin, tenant=tenant, kind="sector", name="Fjern")
    prop = places.property_create(actor=admin, tenant=tenant, gnr=9, bnr=9, address="Fjernvegen 9")
    b = places.building_create(actor=admin, tenant=tenant, property=prop, name="Fjernhuset", building_number="9009",
                               gross_area=100, use="office", strategic_category="A")
    floor = places.floor_create(actor=admin, tenant=tenant, building=b, level=0)
    room = places.room_create(actor=admin, tenant=tenant, floor=floor, number="0.99", name="Rom", net_area=10,
                              capacity=2, function="office")
    return room, unit


def test_not_before_the_partner_stage_and_not_a_listing_kept_at_home(make_listing, partner, partner_order,
                                                                     admin_user, tenant, other_tenant):
    services.settings_update(actor=admin_user, tenant=tenant, unit_days=0, partner_days=7, public_days=None,
                             approve_buyer_orders=False, partners=[other_tenant])
    with pytest.raises(ValidationError, match="not open to you"):
        partner_order(make_listing(count=1, to_partners=True))
    with pytest.raises(ValidationError, match="not open to you"):
        partner_order(make_listing(count=1, to_partners=False))


def test_the_buyer_uses_its_own_rooms_and_units(listing, partner, people, rooms, units):
    with pytest.raises(ValidationError):
        services.order_create(actor=partner.buyer, tenant=partner.tenant, listing=listing, quantity=1,
                              delivery_room=rooms["1.01"], to_unit=partner.unit)
    with pytest.raises(ValidationError):
        services.order_create(actor=partner.buyer, tenant=partner.tenant, listing=listing, quantity=1,
                              delivery_room=partner.rooms["1.10"], to_unit=units.health)


def test_each_side_finds_the_order_only_where_it_belongs(listing, partner, partner_order, people, tenant):
    order = partner_order(listing)
    far = accounts.tenant_create(name="Fjernvik kommune", slug="fjernvik")
    assert list(queries.buyer_orders(tenant=partner.tenant, user=partner.buyer)) == [order]
    assert not queries.buyer_orders(tenant=tenant, user=partner.buyer).exists()
    assert list(queries.seller_orders(tenant=tenant, user=people.seller)) == [order]
    assert not queries.seller_orders(tenant=partner.tenant, user=partner.admin).exists()
    assert queries.order_get(tenant=partner.tenant, pk=order.pk) == order
    assert queries.order_get(tenant=tenant, pk=order.pk) == order
    with pytest.raises(Http404):
        queries.order_get(tenant=far, pk=order.pk)
    # The partner's administrator is neither buyer nor seller of it.
    assert not partner.admin.has_perm("reuse_market.view_order", order)
    assert partner.buyer.has_perm("reuse_market.view_order", order)
    assert people.seller.has_perm("reuse_market.view_order", order)
