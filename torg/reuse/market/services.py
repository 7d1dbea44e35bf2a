"""Writes of the marketplace. Every function is keyword-only, atomic, validated and audited.

Item statuses change only through the inventory's services (`item_change_status`, `item_move`,
`item_update`), which lock the items and write their history; reuse is recorded with
`torg.reuse.services.reuse_record` in the same transaction.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.ids import new_public_code
from torg.core.sequences import next_label
from torg.core.services import create_object, require_same_tenant, update_object
from torg.core.tasks import SEND_EMAIL, enqueue_on_commit
from torg.reuse import services as inventory
from torg.reuse.models import GONE_STATUSES, Category, Item, ItemPhoto, ReuseRecord, Status
from torg.reuse.rules import BUYER, reuse_role_in

from . import queries
from .models import (
    DeliveryMethod, GiveAway, Listing, ListingItem,
    MarketSettings, Notification, Order, OrderLine, OrderMessage, SavedSearch, SavedSearchHit,
    local_midnight,
)
from .states import LISTING_MACHINE, ORDER_MACHINE, SELLER

LISTABLE_STATUSES = (Status.IN_USE, Status.AVAILABLE)
MAX_LISTING_ITEMS = 500
MAX_MESSAGE_LENGTH = 2000
# The marketplace's tasks (tasks.py calls these services, so they are started by dotted path).
NOTIFY_SAVED_SEARCHES = "torg.reuse.market.tasks.notify_saved_searches"


# --- Notifications ---------------------------------------------------------------------------
def _notify(*, tenant, user, message, url="", email=True, subject=""):
    """An in-app notification, and an e-mail sent in the background after the transaction commits."""
    if user is None:
        return
    Notification.objects.create(tenant=tenant, user=user, message=message[:500], url=url[:300])
    if email and user.email:
        enqueue_on_commit(SEND_EMAIL, to=user.email, subject=str(subject or _("Marketplace")), body=message)


@transaction.atomic
def notifications_mark_read(*, actor, tenant) -> int:
    return Notification.objects.filter(tenant=tenant, user=actor, read_at__isnull=True) \
        .update(read_at=timezone.now())


# --- Settings --------------------------------------------------------------------------------
@transaction.atomic
def settings_update(*, actor, tenant, unit_days, partner_days, public_days, approve_buyer_orders,
                    partners=()) -> MarketSettings:
    """Save the stages of publication and the partner municipalities (a partnership counts when
    both municipalities choose each other)."""
    partners = list(partners)
    if any(p.pk == tenant.pk for p in partners):
        raise ValidationError({"partners": _("A municipality cannot be its own partner.")})
    if partner_days is not None and partner_days < unit_days:
        raise ValidationError({"partner_days": _("Partner municipalities cannot see a listing before the whole "
                                                 "municipality does.")})
    if public_days is not None and public_days < unit_days:
        raise ValidationError({"public_days": _("The public cannot see a listing before the whole municipality "
                                                "does.")})
    if public_days is not None and partner_days is not None and public_days < partner_days:
        raise ValidationError({"public_days": _("The public cannot see a listing before the partner "
                                                "municipalities do.")})
    row = MarketSettings.objects.select_for_update().filter(tenant=tenant).first()
    fields = {"unit_days": unit_days, "partner_days": partner_days, "public_days": public_days,
              "approve_buyer_orders": approve_buyer_orders}
    if row is None:
        row = create_object(MarketSettings(tenant=tenant, **fields), actor=actor, tenant=tenant)
    else:
        update_object(row, actor=actor, tenant=tenant, fields=fields)
    before = sorted(row.partners.values_list("pk", flat=True))
    row.partners.set(partners)
    after = sorted(p.pk for p in partners)
    if before != after:
        audit.record(actor=actor, tenant=tenant, obj=row, action=audit.code(row, "update"), changes={"partners": [before, after]})
    return row


# --- Listings --------------------------------------------------------------------------------
def _stage_times(tenant, available_from, to_partners, to_public, now):
    conf = queries.settings_for(tenant=tenant)
    published = max(now, local_midnight(available_from))
    return {
        "published_at": published,
        "unit_days": conf.unit_days,
        "partners_at": published + dt.timedelta(days=conf.partner_days)
        if to_partners and conf.partner_days is not None else None,
        "public_at": published + dt.timedelta(days=conf.public_days)
        if to_public and conf.public_days is not None else None,
    }


def _apply_stages(listing, *, to_partners, to_public, now):
    times = _stage_times(listing.tenant, listing.available_from, to_partners, to_public, now)
    listing.published_at = times["published_at"]
    # Without an owning unit there is no first stage: the whole municipality sees it at once.
    days = times["unit_days"] if listing.owner_unit_id else 0
    listing.municipality_at = listing.published_at + dt.timedelta(days=days)
    listing.partners_at, listing.public_at = times["partners_at"], times["public_at"]


def _check_dates(available_from, available_until, today):
    if available_until is not None and available_until < available_from:
        raise ValidationError({"available_until": _("“Available until” cannot be before “available from”.")})
    if available_until is not None and available_until < today:
        raise ValidationError({"available_until": _("“Available until” is in the past.")})


@transaction.atomic
def listing_create(*, actor, tenant, items, title="", description="", available_from=None, available_until=None,
                   requires_approval=False, pickup=True, delivery=False, to_partners=True, to_public=False,
                   now=None) -> Listing:
    """List one item or a quantity of one product at one location: the items become `listed`.

    All items must be the same product, at the same location, owned by the same unit, in the same
    condition, and in use or available. An item that is already listed or ordered is refused (and
    the database refuses a second active listing line for an item).
    """
    now = now or timezone.now()
    items = list(items)
    if not items:
        raise ValidationError({"quantity": _("Choose at least one item to list.")})
    if len(items) > MAX_LISTING_ITEMS:
        raise ValidationError({"quantity": _("List at most %(max)d items at a time.") % {"max": MAX_LISTING_ITEMS}})
    require_same_tenant(tenant, *items)
    locked = list(Item.objects.select_for_update().filter(tenant=tenant, pk__in=[i.pk for i in items])
                  .select_related("product__category").order_by("number"))
    if len(locked) != len({i.pk for i in items}):
        raise ValidationError(_("The selection contains an item that does not exist."))
    first = locked[0]
    if any((i.product_id, i.building_id, i.owner_unit_id, i.condition)
           != (first.product_id, first.building_id, first.owner_unit_id, first.condition) for i in locked):
        raise ValidationError(_("All items of a listing must be the same product, at the same location, owned by "
                                "the same unit and in the same condition."))
    held = [i for i in locked if i.status not in LISTABLE_STATUSES]
    if held:
        raise ValidationError(_("Item %(number)s cannot be listed: its status is “%(status)s”. Only items in use "
                                "or available can be listed.") % {"number": held[0].number,
                                                                  "status": Status(held[0].status).label})
    if not (pickup or delivery):
        raise ValidationError({"pickup": _("Choose pickup, delivery or both.")})
    available_from = available_from or timezone.localdate(now)
    _check_dates(available_from, available_until, timezone.localdate(now))
    listing = Listing(
        tenant=tenant, code=new_public_code(), number=next_label(tenant, "A"),
        title=(title or str(first.product)).strip()[:150], description=description.strip(), product=first.product,
        building=first.building, owner_unit=first.owner_unit, condition=first.condition,
        available_from=available_from, available_until=available_until, requires_approval=requires_approval,
        pickup=pickup, delivery=delivery, created_by=audit.actor_or_none(actor),
    )
    _apply_stages(listing, to_partners=to_partners, to_public=to_public, now=now)
    listing.full_clean()
    listing.save()
    previous = {i.pk: i.status for i in locked}
    try:
        with transaction.atomic():
            ListingItem.objects.bulk_create([ListingItem(tenant=tenant, listing=listing, item=i,
                                                         previous_status=previous[i.pk]) for i in locked])
    except IntegrityError:
        raise ValidationError(_("One of the items is already listed.")) from None
    inventory.item_change_status(actor=actor, items=locked, to_status=Status.LISTED,
                                 comment=_("Listed in the marketplace: %(number)s") % {"number": listing.number},
                                 system=True)
    audit.record(actor=actor, tenant=tenant, obj=listing, action=audit.code(listing, "create"),
                 changes={**audit.diff({}, audit.snapshot(listing)), "items": [None, [i.pk for i in locked]]})
    _after_publish(listing, now)
    return listing


def _after_publish(listing, now):
    """Notify saved searches that match and can see the listing now; queue the check again for when
    the whole municipality sees it (the owning unit sees it first). The tasks start after commit."""
    enqueue_on_commit(NOTIFY_SAVED_SEARCHES, listing.pk)
    for when in (listing.published_at, listing.municipality_at):
        if when > now:
            enqueue_on_commit(NOTIFY_SAVED_SEARCHES, listing.pk, run_after=when)


EDITABLE_LISTING_FIELDS = {"title", "description", "available_from", "available_until", "requires_approval",
                           "pickup", "delivery"}


@transaction.atomic
def listing_update(*, actor, listing, to_partners=None, to_public=None, now=None, **fields) -> Listing:
    """Edit the text, dates and conditions of an open listing. A new "available from" moves the
    stages with it."""
    now = now or timezone.now()
    unknown = set(fields) - EDITABLE_LISTING_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(unknown)})
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status != Listing.Status.OPEN:
        raise ValidationError(_("Only an open listing can be edited."))
    start = fields.get("available_from", listing.available_from)
    _check_dates(start, fields.get("available_until", listing.available_until), timezone.localdate(now))
    if not fields.get("pickup", listing.pickup) and not fields.get("delivery", listing.delivery):
        raise ValidationError({"pickup": _("Choose pickup, delivery or both.")})
    to_partners = listing.partners_at is not None if to_partners is None else to_partners
    to_public = listing.public_at is not None if to_public is None else to_public
    new_start = start != listing.available_from
    for key, value in fields.items():
        setattr(listing, key, value)
    if new_start or listing.published_at > now:
        _apply_stages(listing, to_partners=to_partners, to_public=to_public, now=now)
    else:
        # Already published: the first stages stay; partner and public stage follow the choices.
        times = _stage_times(listing.tenant, listing.available_from, to_partners, to_public, listing.published_at)
        listing.partners_at, listing.public_at = times["partners_at"], times["public_at"]
    before = audit.snapshot(Listing.objects.get(pk=listing.pk))
    listing.full_clean()
    listing.save()
    changes = audit.diff(before, audit.snapshot(listing))
    if changes:
        audit.record(actor=actor, tenant=listing.tenant, obj=listing, action=audit.code(listing, "update"), changes=changes)
    _after_publish(listing, now)
    return listing


def _release(lines, *, actor, comment, to_status=None):
    """Deactivate listing lines and give their items back (to `to_status` or the status they had)."""
    by_status = {}
    for line in lines:
        by_status.setdefault(to_status or line.previous_status, []).append(line.item)
        line.active = False
    ListingItem.objects.filter(pk__in=[line.pk for line in lines]).update(active=False, updated_at=timezone.now())
    for status, items in by_status.items():
        inventory.item_change_status(actor=actor, items=items, to_status=status, comment=comment, system=True)


def _close_if_empty(listing, actor):
    """The marketplace closes a listing when its last item has left it."""
    if listing.status == Listing.Status.OPEN and not ListingItem.objects.filter(listing=listing, active=True).exists():
        LISTING_MACHINE.apply(listing, Listing.Status.CLOSED, actor=actor, system=True)


@transaction.atomic
def listing_withdraw(*, actor, listing, comment="") -> Listing:
    """Withdraw an open listing: its items go back to the status they had before. Refused while an
    order is open (cancel or finish it first)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    LISTING_MACHINE.apply(listing, Listing.Status.WITHDRAWN, actor=actor, reason=comment)
    lines = list(ListingItem.objects.filter(listing=listing, active=True).select_related("item"))
    if lines:
        _release(lines, actor=actor, comment=comment or _("Withdrawn from the marketplace: %(number)s")
                 % {"number": listing.number})
    return listing


# --- Orders ----------------------------------------------------------------------------------
def needs_approval(*, listing, buyer) -> bool:
    """An order waits for approval when the listing asks for it, or when the settings ask it for
    members with the reuse role "buyer"."""
    if listing.requires_approval:
        return True
    role, _scope = reuse_role_in(buyer, listing.tenant)
    return role == BUYER and queries.settings_for(tenant=listing.tenant).approve_buyer_orders


def _order_url(order):
    return reverse("market:order_detail", args=[order.pk])


@transaction.atomic
def order_create(*, actor, tenant, listing, quantity, delivery_room, to_unit, delivery_method=DeliveryMethod.PICKUP,
                 note="", now=None) -> Order:
    """Order `quantity` items of a listing for a unit and a room of `tenant`, the buyer's municipality.
    The listing row is locked, so of two buyers ordering the last item at the same time exactly one
    gets it; the other gets a clear message. The database allows one open order line per item as well.

    A listing of another municipality can be ordered while `tenant` is its mutual partner and the
    listing is in its partner stage (a partner order): the order belongs to the seller's municipality,
    with `buyer_tenant` = `tenant`, and always waits for the seller's approval."""
    now = now or timezone.now()
    partner = listing.tenant_id != tenant.pk
    require_same_tenant(tenant, delivery_room, field="delivery_room")
    require_same_tenant(tenant, to_unit, field="to_unit")
    if delivery_room is None:
        raise ValidationError({"delivery_room": _("Choose the room the items are going to.")})
    if to_unit is None:
        raise ValidationError({"to_unit": _("Choose the unit that will own the items.")})
    if not isinstance(quantity, int) or quantity < 1:
        raise ValidationError({"quantity": _("Order at least one item.")})
    listing = Listing.objects.select_for_update(of=("self",)).select_related("product", "tenant", "created_by") \
        .get(pk=listing.pk)
    if listing.status != Listing.Status.OPEN or listing.expired(now):
        raise ValidationError(_("This listing is no longer open for orders."))
    visible = (queries.partner_listing_orderable(listing, tenant=tenant, now=now) if partner
               else queries.listing_visible_to(listing, user=actor, now=now))
    if not visible:
        raise ValidationError(_("This listing is not open to you yet."))
    if delivery_method == DeliveryMethod.PICKUP and not listing.pickup:
        raise ValidationError({"delivery_method": _("The seller does not offer pickup for this listing.")})
    if delivery_method == DeliveryMethod.DELIVERY and not listing.delivery:
        raise ValidationError({"delivery_method": _("The seller does not offer delivery for this listing.")})
    if delivery_method not in DeliveryMethod.values:
        raise ValidationError({"delivery_method": _("Choose pickup or delivery.")})
    free = list(Item.objects.filter(pk__in=ListingItem.objects.filter(listing=listing, active=True)
                                    .values("item_id"), status=Status.LISTED).order_by("number")[:quantity])
    if not free:
        raise ValidationError(_("Sorry, someone else has just ordered the last of these items."))
    if len(free) < quantity:
        raise ValidationError({"quantity": _("Only %(n)d of these items are still available.") % {"n": len(free)}})
    approval = partner or needs_approval(listing=listing, buyer=actor)
    seller_tenant = listing.tenant
    order = Order(tenant=seller_tenant, buyer_tenant=tenant, number=next_label(seller_tenant, "B"), listing=listing,
                  buyer=actor, quantity=quantity, to_unit=to_unit, delivery_room=delivery_room,
                  delivery_method=delivery_method, note=note.strip(), status=Order.Status.REQUESTED)
    order.full_clean()
    order.save()
    try:
        with transaction.atomic():
            OrderLine.objects.bulk_create([OrderLine(tenant=seller_tenant, order=order, item=i) for i in free])
    except IntegrityError:
        raise ValidationError(_("Sorry, someone else has just ordered the last of these items.")) from None
    inventory.item_change_status(actor=actor, items=free, to_status=Status.ORDERED,
                                 comment=_("Ordered: %(number)s") % {"number": order.number}, system=True)
    audit.record(actor=actor, tenant=seller_tenant, obj=order, action=audit.code(order, "create"),
                 changes={**audit.diff({}, audit.snapshot(order)), "items": [None, [i.number for i in free]]})
    if not approval:
        ORDER_MACHINE.apply(order, Order.Status.APPROVED, actor=None, system=True, reason=_("No approval needed."))
    if partner:
        audit.record(actor=actor, tenant=tenant, obj=order, action="order_partner_create",
                     changes={"listing": [None, listing.number], "seller": [None, seller_tenant.name]})
        text = _("New order %(order)s of %(n)d × %(title)s from %(municipality)s. It waits for your approval.")
    elif approval:
        text = _("New order %(order)s of %(n)d × %(title)s. It waits for your approval.")
    else:
        text = _("New order %(order)s of %(n)d × %(title)s.")
    text %= {"order": order.number, "n": quantity, "title": listing.title, "municipality": tenant.name}
    if listing.created_by_id and listing.created_by_id != getattr(actor, "pk", None):
        _notify(tenant=seller_tenant, user=listing.created_by, message=text, url=_order_url(order),
                subject=_("Order %(number)s") % {"number": order.number})
    return order


STATUS_MESSAGES = {
    Order.Status.APPROVED: _("Your order %(order)s of %(title)s was approved."),
    Order.Status.REJECTED: _("Your order %(order)s of %(title)s was rejected: %(reason)s"),
    Order.Status.PROCESSING: _("Your order %(order)s of %(title)s is being processed."),
    Order.Status.READY_FOR_PICKUP: _("Your order %(order)s of %(title)s is ready for pickup."),
    Order.Status.OUT_FOR_DELIVERY: _("Your order %(order)s of %(title)s is out for delivery."),
    Order.Status.RECEIVED: _("Order %(order)s of %(title)s was received."),
    Order.Status.CANCELLED: _("Order %(order)s of %(title)s was cancelled: %(reason)s"),
}


def order_steps(order, actor):
    """The steps `actor` may take on `order` now (for the order page)."""
    return ORDER_MACHINE.available(order, actor)


@transaction.atomic
def order_transition(*, actor, order, to_status, reason="") -> Order:
    """Apply one step of the order state machine (`states.ORDER_MACHINE`): it checks who may (the
    buyer and the seller from the market rules, each in their own municipality), the reason and the
    guards, and records the step in the order's history. Cancelling or rejecting gives the items
    back to the listing; receiving moves them to the delivery room, gives them to the buyer's unit
    and records the reuse (a partner order: into the buyer's inventory)."""
    order = Order.objects.select_for_update(of=("self",)).select_related(
        "listing__created_by", "listing__tenant", "buyer", "buyer_tenant", "tenant", "delivery_room__building",
        "to_unit").get(pk=order.pk)
    parts = ORDER_MACHINE.parts(order, actor)
    ORDER_MACHINE.apply(order, to_status, actor=actor, reason=reason)
    reason = reason.strip()
    lines = list(order.lines.filter(active=True).select_related("item__building", "item__owner_unit"))
    if to_status in (Order.Status.CANCELLED, Order.Status.REJECTED):
        _order_release(order, lines, actor, reason)
    elif to_status == Order.Status.RECEIVED and order.is_partner:
        _partner_order_receive(order, lines, actor)
    elif to_status == Order.Status.RECEIVED:
        _order_receive(order, lines, actor)
    if reason or order.received_at:
        order.reason = reason or order.reason
        order.save(update_fields=["reason", "received_at", "updated_at"])
    text = STATUS_MESSAGES[to_status] % {"order": order.number, "title": order.listing.title,
                                         "reason": reason or "–"}
    _notify_other_side(order, actor, parts, text, _order_url(order), _("Order %(number)s") % {"number": order.number})
    return order


def _notify_other_side(order, actor, parts, text, url, subject):
    """Tell the buyer what the seller did and the seller what the buyer did, each in their own
    municipality (a partner order's buyer is notified in the buyer's)."""
    if SELLER in parts and order.buyer_id != actor.pk:
        _notify(tenant=order.buyer_tenant, user=order.buyer, message=text, url=url, subject=subject)
    elif SELLER not in parts and order.listing.created_by_id and order.listing.created_by_id != actor.pk:
        _notify(tenant=order.tenant, user=order.listing.created_by, message=text, url=url, subject=subject)


def _order_release(order, lines, actor, reason):
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(active=False, updated_at=timezone.now())
    items = [line.item for line in lines if line.item.status == Status.ORDERED]
    if items:
        comment = _("Order %(number)s cancelled; back in listing %(listing)s") % {
            "number": order.number, "listing": order.listing.number}
        inventory.item_change_status(actor=actor, items=items, to_status=Status.LISTED, comment=comment, system=True)


def _order_receive(order, lines, actor):
    now = timezone.now()
    order.received_at = now
    comment = _("Received on order %(number)s") % {"number": order.number}
    items = [line.item for line in lines]
    room = order.delivery_room
    before = {i.pk: (i.building, i.owner_unit) for i in items}
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(active=False, updated_at=now)
    listing_lines = list(ListingItem.objects.filter(listing=order.listing, active=True,
                                                    item_id__in=[i.pk for i in items]).select_related("item"))
    ListingItem.objects.filter(pk__in=[line.pk for line in listing_lines]).update(active=False, updated_at=now)
    inventory.item_change_status(actor=actor, items=items, to_status=Status.IN_USE, comment=comment, system=True)
    to_move = [i for i in items if i.room_id != room.pk]
    if to_move:
        inventory.item_move(actor=actor, items=to_move, room=room, comment=comment)
    for item in items:
        if order.to_unit_id and item.owner_unit_id != order.to_unit_id:
            inventory.item_update(actor=actor, item=item, owner_unit=order.to_unit, comment=comment)
        from_building, from_unit = before[item.pk]
        inventory.reuse_record(actor=actor, item=item, kind=ReuseRecord.Kind.INTERNAL_ORDER, occurred_at=now,
                               from_building=from_building, to_building=room.building, from_unit=from_unit,
                               to_unit=order.to_unit, reference=order.number)
    _close_if_empty(order.listing, actor)


PRODUCT_COPY_FIELDS = ("width_cm", "depth_cm", "height_cm", "material", "weight_kg", "new_price_nok", "co2e_kg",
                       "co2e_source", "description")


def _buyer_product(product, *, actor, tenant):
    """The buyer municipality's product for a partner's product: the same category (by key, else by
    name, else a new one) and the same manufacturer, model and colour; created with the partner's
    product data when the buyer has none."""
    category = product.category
    own = (Category.objects.filter(tenant=tenant, key=category.key).first()
           or Category.objects.filter(tenant=tenant, name__iexact=category.name).first())
    if own is None:
        own = inventory.category_create(actor=actor, tenant=tenant, name=category.name, key=category.key,
                                        default_weight_kg=category.default_weight_kg)
    return inventory.product_find_or_create(
        actor=actor, tenant=tenant, category=own, manufacturer=product.manufacturer, model_name=product.model_name,
        colour=product.colour, **{f: getattr(product, f) for f in PRODUCT_COPY_FIELDS})


def _partner_order_receive(order, lines, actor):
    """Receive a partner order, in one transaction on both sides:

    - seller: the items leave the inventory (status "given away", history kept) and a reuse
      "given to a partner municipality" is recorded for each;
    - buyer: a new item is registered for each, in the delivery room and owned by the buyer's unit
      (same product data, condition and photos; its history names the municipality, listing and item
      it came from), and a reuse "ordered from a partner municipality" is recorded for it.
    Each municipality's impact report counts its own side once (see docs/architecture.md)."""
    now = timezone.now()
    order.received_at = now
    seller, buyer = order.tenant, order.buyer_tenant
    items = [line.item for line in lines]
    before = {i.pk: (i.building, i.owner_unit) for i in items}
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(active=False, updated_at=now)
    ListingItem.objects.filter(listing=order.listing, active=True, item_id__in=[i.pk for i in items]) \
        .update(active=False, updated_at=now)
    inventory.item_change_status(actor=actor, items=items, to_status=Status.GIVEN_AWAY, comment=_(
        "Transferred to %(municipality)s on order %(number)s") % {"municipality": buyer.name, "number": order.number},
        system=True)
    room, product = order.delivery_room, _buyer_product(order.listing.product, actor=actor, tenant=buyer)
    photos = {}
    for photo in ItemPhoto.objects.filter(tenant=seller, item__in=items).order_by("pk"):
        photos.setdefault(photo.item_id, []).append(photo)
    for line, item in zip(lines, items, strict=True):
        from_building, from_unit = before[item.pk]
        inventory.reuse_record(actor=actor, item=item, kind=ReuseRecord.Kind.TO_PARTNER, occurred_at=now,
                               from_building=from_building, from_unit=from_unit,
                               reference=f"{order.number} → {buyer.name}"[:100])
        comment = _("From %(municipality)s: item %(item)s of listing %(listing)s, order %(number)s") % {
            "municipality": seller.name, "item": item.number, "listing": order.listing.number, "number": order.number}
        new = inventory.item_register(actor=actor, tenant=buyer, product=product, room=room,
                                      condition=item.condition, damage_description=item.damage_description,
                                      owner_unit=order.to_unit, comment=comment)[0]
        if photos.get(item.pk):
            inventory.item_reuse_photos(actor=actor, item=new, photos=photos[item.pk])
        OrderLine.objects.filter(pk=line.pk).update(received_item=new)
        inventory.reuse_record(actor=actor, item=new, kind=ReuseRecord.Kind.FROM_PARTNER, occurred_at=now,
                               to_building=room.building, to_unit=order.to_unit,
                               reference=f"{order.number} ← {seller.name}"[:100])
    _close_if_empty(order.listing, actor)


@transaction.atomic
def order_receive_by_code(*, actor, order, code) -> Order:
    """Receive an order by scanning (or typing) the code of one of its items."""
    item = queries.open_order_for_code(order=order, code=code)
    if item is None:
        raise ValidationError({"code": _("This code is not one of the items of order %(number)s.")
                               % {"number": order.number}})
    return order_transition(actor=actor, order=order, to_status=Order.Status.RECEIVED)


@transaction.atomic
def order_message_add(*, actor, order, body) -> OrderMessage:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": _("A message can have at most %(n)d characters.") % {"n": MAX_MESSAGE_LENGTH}})
    message = OrderMessage(tenant=order.tenant, order=order, author=audit.actor_or_none(actor), body=body)
    message.full_clean()
    message.save()
    audit.record(actor=actor, tenant=order.tenant, obj=order, action="order_message", comment=body[:200])
    text = _("New message on order %(order)s: %(body)s") % {"order": order.number, "body": body[:300]}
    subject = _("Order %(number)s") % {"number": order.number}
    _notify_other_side(order, actor, ORDER_MACHINE.parts(order, actor), text, _order_url(order), subject)
    return message


# --- Saved searches --------------------------------------------------------------------------
SEARCH_FIELDS = ("query", "category", "condition", "building", "colour")


@transaction.atomic
def saved_search_create(*, actor, tenant, name, query="", category=None, condition=None, building=None, colour="",
                        email=True) -> SavedSearch:
    require_same_tenant(tenant, category, building)
    if not any([query.strip(), category, condition is not None, building, colour]):
        raise ValidationError(_("Search for something (a text or at least one filter) before saving the search."))
    search = SavedSearch(tenant=tenant, user=actor, name=(name or query or _("My search")).strip()[:100],
                         query=query.strip(), category=category, condition=condition, building=building,
                         colour=colour, email=email)
    return create_object(search, actor=actor, tenant=tenant)


@transaction.atomic
def saved_search_delete(*, actor, search) -> None:
    audit.record(actor=actor, tenant=search.tenant, obj=search, action=audit.code(search, "delete"))
    search.delete()


def saved_search_filters(search) -> dict:
    return {"search": search.query, "category_id": search.category_id, "condition": search.condition,
            "building_id": search.building_id, "colour": search.colour}


@transaction.atomic
def saved_searches_notify(*, listing_id, now=None) -> int:
    """Notify every saved search of the listing's municipality that matches the listing and whose
    owner can see it now, once per saved search. Run in the background when a listing is published
    and again when a later stage opens. Returns the number of notifications."""
    now = now or timezone.now()
    listing = Listing.objects.filter(pk=listing_id).select_related("tenant").first()
    if listing is None or listing.status != Listing.Status.OPEN:
        return 0
    done = set(SavedSearchHit.objects.filter(listing=listing).values_list("saved_search_id", flat=True))
    sent = 0
    for search in SavedSearch.objects.filter(tenant=listing.tenant).exclude(pk__in=done).select_related("user"):
        if search.user_id == listing.created_by_id or not search.user.has_perm("reuse_market.order", listing.tenant):
            continue
        found = queries.listing_search(tenant=listing.tenant, user=search.user, now=now,
                                       **saved_search_filters(search)).filter(pk=listing.pk).exists()
        if not found:
            continue
        SavedSearchHit.objects.create(tenant=listing.tenant, saved_search=search, listing=listing)
        _notify(tenant=listing.tenant, user=search.user, email=search.email,
                message=_("New in the marketplace for “%(search)s”: %(title)s") % {"search": search.name,
                                                                                  "title": listing.title},
                url=reverse("market:listing_detail", args=[listing.pk]),
                subject=_("Marketplace: %(title)s") % {"title": listing.title})
        sent += 1
    return sent


# --- Give-aways ------------------------------------------------------------------------------
@transaction.atomic
def give_away(*, actor, tenant, items, recipient, comment="", listing=None) -> GiveAway:
    """Give items to an external organisation: they become `given_away` and leave the inventory (their
    history is kept) and a reuse is recorded for each. Listed items leave their listing; items with an
    open order are refused."""
    items = list(items)
    if not items:
        raise ValidationError(_("Select at least one item."))
    if recipient is None:
        raise ValidationError({"recipient": _("Choose the organisation that receives the items.")})
    require_same_tenant(tenant, recipient, field="recipient")
    require_same_tenant(tenant, listing, *items)
    if recipient.archived:
        raise ValidationError({"recipient": _("This organisation is archived.")})
    locked = {i.pk: i for i in Item.objects.select_for_update().filter(pk__in=[i.pk for i in items])}
    items = [locked[i.pk] for i in items]
    gone = [i for i in items if i.status in GONE_STATUSES]
    if gone:
        raise ValidationError(_("Item %(number)s has already left the inventory.") % {"number": gone[0].number})
    ordered = OrderLine.objects.filter(item__in=items, active=True).select_related("order", "item").first()
    if ordered is not None:
        raise ValidationError(_("Item %(number)s has an open order (%(order)s). Cancel the order first.")
                              % {"number": ordered.item.number, "order": ordered.order.number})
    before = {i.pk: (i.building, i.owner_unit) for i in items}
    gift = GiveAway(tenant=tenant, number=next_label(tenant, "G"), recipient=recipient, listing=listing,
                    comment=comment.strip(), actor=audit.actor_or_none(actor))
    gift.full_clean()
    gift.save()
    gift.items.set(items)
    text = _("Given away to %(org)s (%(number)s)") % {"org": recipient, "number": gift.number}
    lines = list(ListingItem.objects.filter(item__in=items, active=True).select_related("listing"))
    ListingItem.objects.filter(pk__in=[line.pk for line in lines]).update(active=False, updated_at=timezone.now())
    inventory.item_change_status(actor=actor, items=items, to_status=Status.GIVEN_AWAY,
                                 comment=f"{text}. {comment}".strip() if comment else text, system=True)
    now = timezone.now()
    for item in items:
        from_building, from_unit = before[item.pk]
        inventory.reuse_record(actor=actor, item=item, kind=ReuseRecord.Kind.GIVEN_AWAY, occurred_at=now,
                               from_building=from_building, from_unit=from_unit, recipient=recipient,
                               reference=gift.number)
    for listing_row in {line.listing_id: line.listing for line in lines}.values():
        _close_if_empty(listing_row, actor)
    audit.record(actor=actor, tenant=tenant, obj=gift, action=audit.code(gift, "create"),
                 changes={"recipient": [None, recipient.pk], "items": [None, [i.pk for i in items]]},
                 comment=comment)
    return gift
