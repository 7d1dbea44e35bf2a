"""Demo data for the marketplace: staged publication with Lillevik as a mutual partner and a public
stage, open listings in every stage, orders in every state (with messages), orders from Lillevik
(one received, one waiting for approval), a saved search and a give-away. Written through the
services (a few dozen calls), so history, audit and reuse records are the real ones."""

import datetime as dt

from django.utils import timezone

from torg.accounts.models import Membership, OrgUnit, User
from torg.places.models import Room
from torg.reuse import services as inventory
from torg.reuse.models import Category, Item, ReuseRole, Status

from . import services
from .models import DeliveryMethod
from .states import APPROVED, CANCELLED, OUT, PROCESSING, READY, RECEIVED, REJECTED, REQUESTED


def _group(tenant, category_key, count, taken):
    """`count` items in use of one product at one location (the first such group by number)."""
    qs = Item.objects.filter(tenant=tenant, status__in=[Status.IN_USE, Status.AVAILABLE],
                             product__category__key=category_key, parent__isnull=True).exclude(pk__in=taken)
    for product_id, building_id in qs.values_list("product_id", "building_id").distinct().order_by("product_id",
                                                                                                    "building_id"):
        items = list(qs.filter(product_id=product_id, building_id=building_id, condition__lte=2)
                     .order_by("number")[:count * 3])
        by_condition = {}
        for item in items:
            by_condition.setdefault(item.condition, []).append(item)
        for group in by_condition.values():
            if len(group) >= count:
                taken.update(i.pk for i in group[:count])
                return group[:count]
    return []


def _role(tenant, user, role):
    membership = Membership.objects.get(tenant=tenant, user=user)
    if not ReuseRole.objects.filter(membership=membership).exists():
        inventory.reuse_role_set(actor=None, membership=membership, role=role)
    return membership


def load(ctx):
    tenant, admin = ctx.main, ctx.users["admin"]
    now = timezone.now()
    today = timezone.localdate(now)
    services.settings_update(actor=admin, tenant=tenant, unit_days=3, partner_days=7, public_days=14,
                             approve_buyer_orders=True, partners=[ctx.second])
    services.settings_update(actor=ctx.users["admin2"], tenant=ctx.second, unit_days=0, partner_days=5,
                             public_days=None, approve_buyer_orders=True, partners=[tenant])

    kari = User.objects.get(username="kari.nordmann")
    ola = User.objects.get(username="ola.hansen")
    seller = ctx.users["eiendom"]  # property manager: location manager for every building
    _role(tenant, kari, ReuseRole.Role.BUYER_SELLER)
    _role(tenant, ola, ReuseRole.Role.BUYER)
    kari_unit = Membership.objects.get(tenant=tenant, user=kari).org_unit
    ola_unit = Membership.objects.get(tenant=tenant, user=ola).org_unit
    rooms = list(Room.objects.filter(building=ctx.townhall, archived=False).order_by("number")[:6])

    services.saved_search_create(actor=ola, tenant=tenant, name="Kontorstoler", query="",
                                 category=Category.objects.get(tenant=tenant, key="task_chair"))

    taken = set()
    owner = ctx.units["Grunnskole"]

    def listing(key, count, age_days, **kwargs):
        items = _group(tenant, key, count, taken)
        for item in items:
            inventory.item_update(actor=seller, item=item, owner_unit=owner, comment="Demo: eierenhet")
        start = now - dt.timedelta(days=age_days)
        return services.listing_create(actor=seller, tenant=tenant, items=items, now=start,
                                       available_from=timezone.localdate(start), to_partners=True, **kwargs)

    fresh = listing("task_chair", 12, 0, title="12 kontorstoler HÅG", description="Godt brukt, rengjort.")
    municipality = listing("desk", 6, 4, title="Skrivebord 160 × 80", delivery=True)
    partners = listing("sit_stand_desk", 4, 9, title="Hev/senk-bord", requires_approval=True, delivery=True)
    public = listing("side_chair", 10, 20, title="Stablestoler til møterom", to_public=True,
                     available_until=today + dt.timedelta(days=30))
    later_items = _group(tenant, "side_chair", 2, taken)
    for item in later_items:
        inventory.item_update(actor=seller, item=item, owner_unit=owner, comment="Demo: eierenhet")
    services.listing_create(actor=seller, tenant=tenant, items=later_items, title="Stoler fra neste uke",
                            available_from=today + dt.timedelta(days=7), now=now)

    def order(target, buyer, unit, room, path, method=DeliveryMethod.PICKUP, reason=""):
        o = services.order_create(actor=buyer, tenant=tenant, listing=target, quantity=1, delivery_room=room,
                                  to_unit=unit, delivery_method=method, note="Til det nye rådhuset")
        for step in path:
            by_buyer = step == CANCELLED and o.status in (REQUESTED, APPROVED) and not reason
            o = services.order_transition(actor=buyer if by_buyer else seller, order=o, to_status=step, reason=reason)
        return o

    order(municipality, kari, kari_unit, rooms[0], [])  # approved at once (buyer/seller)
    order(municipality, ola, ola_unit, rooms[1], [])  # requested: buyers need approval
    order(municipality, kari, kari_unit, rooms[2], [PROCESSING], method=DeliveryMethod.DELIVERY)
    order(partners, kari, kari_unit, rooms[3], [APPROVED, PROCESSING, OUT],
          method=DeliveryMethod.DELIVERY)
    ready = order(public, ola, ola_unit, rooms[4], [APPROVED, PROCESSING, READY])
    services.order_message_add(actor=ola, order=ready, body="Kan jeg hente på fredag etter kl. 12?")
    services.order_message_add(actor=seller, order=ready, body="Ja, spør etter vaktmesteren i resepsjonen.")
    order(public, kari, kari_unit, rooms[5], [PROCESSING, READY, RECEIVED])
    order(partners, ola, ola_unit, rooms[0], [REJECTED], reason="Reservert for byggeprosjektet")
    order(public, kari, kari_unit, rooms[1], [CANCELLED])

    _partner_orders(ctx, partners, seller)

    gift_items = _group(tenant, "side_chair", 3, taken) or _group(tenant, "desk", 3, taken)
    inventory.item_change_status(actor=seller, items=[i for i in gift_items if i.status == Status.IN_USE],
                                 to_status=Status.AVAILABLE, comment="Demo: til overs etter flyttingen")
    services.give_away(actor=seller, tenant=tenant, items=gift_items, recipient=ctx.organisations[0],
                       comment="Til klubbhuset")
    ctx.market_listings = [fresh, municipality, partners, public]


def _partner_orders(ctx, listing, seller):
    """Lillevik, a mutual partner, orders from Storvik's listing in the partner stage: one order
    received (the desk now is in Lillevik's inventory and impact report), one waiting for approval."""
    lillevik, lise = ctx.second, ctx.users["admin2"]
    unit = OrgUnit.objects.get(tenant=lillevik, name="Eiendom")
    rooms = list(Room.objects.filter(tenant=lillevik, archived=False).order_by("floor__building__name", "number")[:2])
    done = services.order_create(actor=lise, tenant=lillevik, listing=listing, quantity=1, delivery_room=rooms[0],
                                 to_unit=unit, delivery_method=DeliveryMethod.DELIVERY,
                                 note="Til kontoret på Eiendom, gjerne før månedsskiftet.")
    services.order_message_add(actor=seller, order=done, body="Vi kjører til Lillevik tirsdag formiddag.")
    for step in (APPROVED, PROCESSING, OUT):
        done = services.order_transition(actor=seller, order=done, to_status=step)
    services.order_transition(actor=lise, order=done, to_status=RECEIVED)
    waiting = services.order_create(actor=lise, tenant=lillevik, listing=listing, quantity=1,
                                    delivery_room=rooms[-1], to_unit=unit, delivery_method=DeliveryMethod.DELIVERY)
    services.order_message_add(actor=lise, order=waiting, body="Kan dere levere sammen med det forrige bordet?")
