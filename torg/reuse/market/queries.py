"""Reads of the marketplace. Every function is scoped by tenant; who sees a listing is decided by
its stage (computed from dates, see `Listing.stage`) and, for another municipality, by a mutual
partnership."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from torg.accounts.models import ExternalOrganisation, Membership, Tenant
from torg.core.ids import normalize_public_code
from torg.reuse.models import Item, ItemPhoto, Status
from torg.reuse.queries import text_contains
from torg.reuse.rules import ALL_BUILDINGS, LM, reuse_role_in
from .rules import unit_ids_of

from .models import (
    OPEN_ORDER_STATUSES, GiveAway, Listing, ListingItem, MarketSettings, Notification, Order, OrderLine,
    SavedSearch,
)


# --- Settings and partners ------------------------------------------------------------------
def settings_for(*, tenant) -> MarketSettings:
    """The tenant's settings (the defaults, unsaved, until an administrator saves them)."""
    return MarketSettings.objects.filter(tenant=tenant).first() or MarketSettings(tenant=tenant)


def partner_tenants(*, tenant):
    """Municipalities in a partnership with `tenant`: each has chosen the other."""
    return Tenant.objects.filter(
        pk__in=MarketSettings.objects.filter(tenant=tenant).values("partners"),
    ).filter(pk__in=MarketSettings.objects.filter(partners=tenant).values("tenant")).exclude(pk=tenant.pk)


def partners_waiting(*, tenant):
    """Municipalities `tenant` has chosen that have not (yet) chosen it back."""
    chosen = Tenant.objects.filter(pk__in=MarketSettings.objects.filter(tenant=tenant).values("partners"))
    return chosen.exclude(pk__in=partner_tenants(tenant=tenant).values("pk")).order_by("name")


# --- Who is who ------------------------------------------------------------------------------
def owner_unit_q(*, tenant, user):
    """Q of the listings whose owning unit the user belongs to: the user's own unit, the sector above it
    (a service's items belong to its sector too), and for a sector member the services in it. Sibling
    services do not see each other's first stage."""
    row = Membership.objects.filter(tenant=tenant, user=user, is_active=True).select_related("org_unit").first()
    if row is None or row.org_unit is None:
        return Q(pk__in=[])
    unit = row.org_unit
    return Q(owner_unit_id__in=[unit.pk, *([unit.parent_id] if unit.parent_id else [])]) \
        | Q(owner_unit__parent_id=unit.pk)


def user_unit(*, tenant, user):
    row = Membership.objects.filter(tenant=tenant, user=user, is_active=True).select_related("org_unit").first()
    return row.org_unit if row else None


def _managed(tenant, user):
    """Q of the listings the user manages as a seller (all for administrators)."""
    role, scope = reuse_role_in(user, tenant)
    everything = Q(pk__isnull=False)
    if role == "administrator" or (role == LM and scope == ALL_BUILDINGS):
        return everything
    cond = Q(created_by=user)
    if role == LM:
        cond |= Q(building_id__in=list(scope))
    return cond


def _with_counts(qs):
    return qs.annotate(
        available_count=Count("lines", filter=Q(lines__active=True, lines__item__status=Status.LISTED), distinct=True),
        held_count=Count("lines", filter=Q(lines__active=True), distinct=True),
    )


def _not_expired(qs, now):
    today = timezone.localdate(now)
    return qs.filter(Q(available_until__isnull=True) | Q(available_until__gte=today))


def _filter(qs, *, search="", category_id=None, condition=None, building_id=None, colour=""):
    if search:
        text = search.strip()
        cond = Q()
        for field in ("number", "title", "description", "product__manufacturer", "product__model_name",
                      "product__colour", "product__category__name"):
            cond |= text_contains(field, text)
        qs = qs.filter(cond)
    if category_id:
        qs = qs.filter(product__category_id=category_id)
    if condition not in (None, ""):
        qs = qs.filter(condition=int(condition))
    if building_id:
        qs = qs.filter(building_id=building_id)
    if colour:
        qs = qs.filter(product__colour__iexact=colour)
    return qs


def _base():
    return Listing.objects.select_related("product__category", "building", "owner_unit", "created_by")


def visible_listings(*, tenant, user, now=None):
    """Open listings of the tenant the user can see now (without the available/expiry filters)."""
    now = now or timezone.now()
    cond = Q(published_at__lte=now) & (Q(municipality_at__lte=now) | owner_unit_q(tenant=tenant, user=user))
    return _base().filter(tenant=tenant, status=Listing.Status.OPEN).filter(cond | _managed(tenant, user))


def listing_search(*, tenant, user, now=None, **filters):
    """What a buyer finds: visible, not expired, with at least one item still to order."""
    now = now or timezone.now()
    qs = _not_expired(visible_listings(tenant=tenant, user=user, now=now), now)
    return _with_counts(_filter(qs, **filters)).filter(available_count__gt=0).order_by("-published_at", "-pk")


def seller_listings(*, tenant, user, status=""):
    qs = _base().filter(tenant=tenant).filter(_managed(tenant, user))
    if status:
        qs = qs.filter(status=status)
    return _with_counts(qs).order_by("-published_at", "-pk")


def listing_get(*, tenant, pk):
    return get_object_or_404(_with_counts(_base().filter(tenant=tenant)), pk=pk)


def listing_visible_to(listing, *, user, now=None) -> bool:
    return visible_listings(tenant=listing.tenant, user=user, now=now).filter(pk=listing.pk).exists()


def listing_lines(*, listing):
    return (ListingItem.objects.filter(listing=listing).select_related("item__room__floor", "item__building")
            .order_by("item__number"))


def listing_photos(*, listing, limit=6):
    item_ids = ListingItem.objects.filter(listing=listing).values("item_id")
    return list(ItemPhoto.objects.filter(tenant=listing.tenant, item_id__in=item_ids).order_by("pk")[:limit])


def cover_photos(listings):
    """{listing pk: first photo} for a page of listings, in two queries."""
    listings = list(listings)
    lines = dict(ListingItem.objects.filter(listing__in=listings).values_list("item_id", "listing_id"))
    photos = {}
    for photo in ItemPhoto.objects.filter(item_id__in=list(lines)).order_by("pk"):
        photos.setdefault(lines[photo.item_id], photo)
    return photos


def _listable(tenant, user):
    """Items in use or available that the user may list (see `rules.can_list`)."""
    role, scope = reuse_role_in(user, tenant)
    qs = Item.objects.filter(tenant=tenant, status__in=[Status.IN_USE, Status.AVAILABLE])
    if role == LM and scope != ALL_BUILDINGS:
        qs = qs.filter(building_id__in=list(scope))
    elif role not in ("administrator", LM):
        qs = qs.filter(Q(owner_unit__isnull=True) | Q(owner_unit_id__in=list(unit_ids_of(user, tenant))))
    return qs


def listable_groups(*, tenant, user, search="", category_id=None, building_id=None):
    """Items the user may list, grouped by product, location, owner unit and condition ("12 of these
    chairs"): [{product, building, owner_unit, condition, count}]."""
    qs = _listable(tenant, user)
    if search:
        cond = Q()
        for field in ("number", "product__manufacturer", "product__model_name", "product__colour",
                      "product__category__name", "placement_text"):
            cond |= text_contains(field, search.strip())
        qs = qs.filter(cond)
    if category_id:
        qs = qs.filter(product__category_id=category_id)
    if building_id:
        qs = qs.filter(building_id=building_id)
    return (qs.values("product_id", "product__category__name", "product__manufacturer", "product__model_name",
                      "product__colour", "building_id", "building__name", "owner_unit_id", "owner_unit__name",
                      "condition")
            .annotate(count=Count("id")).order_by("product__category__name", "product__manufacturer",
                                                  "product__model_name", "building__name", "condition"))


def listable_items(*, tenant, user, product_id, building_id, owner_unit_id, condition):
    """The items of one listable group, in number order."""
    qs = _listable(tenant, user).filter(product_id=product_id, building_id=building_id,
                                        owner_unit_id=owner_unit_id, condition=condition)
    return qs.select_related("product__category", "building", "owner_unit").order_by("number")


# --- Partners and the public ------------------------------------------------------------------
def _partner_visible(tenant, now):
    """Open listings of partner municipalities in their partner stage, not expired."""
    qs = _base().select_related("tenant").filter(tenant__in=partner_tenants(tenant=tenant),
                                                 status=Listing.Status.OPEN, partners_at__lte=now)
    return _not_expired(qs, now)


def partner_listings(*, tenant, now=None, **filters):
    """Listings of partner municipalities in their partner stage (nothing else of theirs)."""
    now = now or timezone.now()
    return _with_counts(_filter(_partner_visible(tenant, now), **filters)).filter(available_count__gt=0) \
        .order_by("-partners_at", "-pk")


def partner_listing_get(*, tenant, code, now=None):
    return get_object_or_404(partner_listings(tenant=tenant, now=now), code=code)


def partner_listing_orderable(listing, *, tenant, now=None) -> bool:
    """`tenant` (a mutual partner) sees the listing in its partner stage now, so its members may order
    it (whether items are left is the order's check)."""
    return _partner_visible(tenant, now or timezone.now()).filter(pk=listing.pk).exists()


def public_listings(*, tenant, now=None, **filters):
    now = now or timezone.now()
    qs = _base().filter(tenant=tenant, status=Listing.Status.OPEN, public_at__lte=now)
    return _with_counts(_filter(_not_expired(qs, now), **filters)).filter(available_count__gt=0) \
        .order_by("-public_at", "-pk")


def public_listing_get(*, tenant, code, now=None):
    return get_object_or_404(public_listings(tenant=tenant, now=now), code=code)


def public_tenant(*, slug):
    """The municipality of a public market page: 404 unless it has a public stage."""
    tenant = get_object_or_404(Tenant, slug=slug)
    if settings_for(tenant=tenant).public_days is None:
        raise Http404
    return tenant


# --- Orders -----------------------------------------------------------------------------------
def _orders():
    return Order.objects.select_related("listing__product__category", "listing__building", "listing__created_by",
                                        "buyer", "delivery_room__floor__building", "to_unit", "tenant",
                                        "buyer_tenant")


def buyer_orders(*, tenant, user, open_only=False):
    """The user's orders in `tenant` as the buyer: internal ones and those placed with partner
    municipalities (which belong to the seller's municipality, reached by `buyer_tenant`)."""
    qs = _orders().filter(buyer_tenant=tenant, buyer=user)
    if open_only:
        qs = qs.filter(status__in=OPEN_ORDER_STATUSES)
    return qs.order_by("-created_at", "-pk")


def seller_orders(*, tenant, user, open_only=False):
    managed = seller_listings(tenant=tenant, user=user).values("pk")
    qs = _orders().filter(tenant=tenant, listing__in=managed)
    if open_only:
        qs = qs.filter(status__in=OPEN_ORDER_STATUSES)
    return qs.order_by("-created_at", "-pk")


def order_get(*, tenant, pk):
    """An order of `tenant` as the seller, or one its members placed with a partner municipality.
    Who may do what on it is the order state machine's (`states.ORDER_MACHINE`)."""
    return get_object_or_404(_orders().prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("item__room", "item__building", "received_item")
                 .order_by("item__number"))).filter(Q(tenant=tenant) | Q(buyer_tenant=tenant)), pk=pk)


def order_messages(*, order):
    return order.messages.select_related("author").order_by("created_at", "pk")


def listing_orders(*, listing):
    return listing.orders.select_related("buyer", "buyer_tenant").order_by("-created_at", "-pk")


def open_order_for_code(*, order, code):
    """The item of `order` with this public code, or None."""
    normalized = normalize_public_code(code.rstrip("/").rsplit("/q/", 1)[-1]) if code else None
    if not normalized:
        return None
    return Item.objects.filter(tenant=order.tenant, code=normalized, pk__in=order.lines.values("item_id")).first()


# --- Saved searches, notifications, give-aways -------------------------------------------------
def saved_searches(*, tenant, user):
    return SavedSearch.objects.filter(tenant=tenant, user=user).select_related("category", "building")


def saved_search_get(*, tenant, user, pk):
    return get_object_or_404(SavedSearch, tenant=tenant, user=user, pk=pk)


def notifications(*, tenant, user, unread_only=False):
    qs = Notification.objects.filter(tenant=tenant, user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def give_aways(*, tenant):
    return GiveAway.objects.filter(tenant=tenant).select_related("recipient", "actor", "listing") \
        .prefetch_related(Prefetch("items", queryset=Item.objects.order_by("number").only("pk", "number"))) \
        .order_by("-created_at", "-pk")


def recipients(*, tenant):
    return ExternalOrganisation.objects.filter(tenant=tenant, archived=False).order_by("name")


def giveable_items(*, tenant, ids):
    return list(Item.objects.filter(tenant=tenant, pk__in=[int(i) for i in ids if str(i).isdigit()])
                .select_related("product__category", "building").order_by("number"))
