"""Permissions of the marketplace. Object = the tenant, a Listing or an Order.

Loopfront semantics on top of the reuse roles (torg.reuse.rules): buyer/seller may list and order,
buyer may only order, observer only looks. Reuse administrators manage every listing and the
settings; location managers manage the listings of their buildings; a seller manages their own.
"""

import rules

from torg.accounts.models import Membership, OrgUnit
from torg.accounts.rules import user_cache
from torg.reuse.rules import ADMIN, BS, BUYER, LM, OBSERVER, SURVEYOR, reuse_role, reuse_role_in

can_view = reuse_role(ADMIN, LM, SURVEYOR, BS, BUYER, OBSERVER)
is_buyer_seller = reuse_role(BS)
can_order = reuse_role(ADMIN, LM, BS, BUYER)
can_manage_market = reuse_role(ADMIN)
manages_location = reuse_role(ADMIN, LM, scoped=True)


def unit_ids_of(user, tenant):
    """The user's org unit and, for a sector, its services (cached per request on the user)."""
    cache = user_cache(user, "_torg_market_units")
    if tenant.pk not in cache:
        unit_id = Membership.objects.filter(user=user, tenant_id=tenant.pk, is_active=True) \
            .values_list("org_unit_id", flat=True).first()
        units = set()
        if unit_id:
            units = {unit_id, *OrgUnit.objects.filter(parent_id=unit_id).values_list("pk", flat=True)}
        cache[tenant.pk] = frozenset(units)
    return cache[tenant.pk]


@rules.predicate
def owns_item(user, obj):
    """Against an item: it has no owner unit, or its owner unit is the user's (or a service of it).
    Against the tenant: True (the items are checked when known)."""
    if not hasattr(obj, "owner_unit_id"):
        return True
    return obj.owner_unit_id is None or obj.owner_unit_id in unit_ids_of(user, obj.tenant)


# Administrators list anything, location managers what is in their buildings, buyer/sellers the
# items of their own unit (and items without an owner unit).
can_list = reuse_role(ADMIN, LM, scoped=True) | (is_buyer_seller & owns_item)


@rules.predicate
def is_listing_seller(user, listing):
    """The member who listed it, while they may still list."""
    if listing is None or not hasattr(listing, "created_by_id"):
        return False
    role, _scope = reuse_role_in(user, listing)
    return listing.created_by_id == user.pk and role in (ADMIN, LM, BS)


@rules.predicate
def manages_listing(user, listing):
    if listing is None or not hasattr(listing, "created_by_id"):
        return False
    return bool(manages_location(user, listing) or is_listing_seller(user, listing))


@rules.predicate
def is_order_buyer(user, order):
    """The buyer, while they may use the marketplace in the buyer's municipality (for a partner order
    not the seller's)."""
    return (order is not None and getattr(order, "buyer_id", None) == user.pk
            and bool(can_view(user, order.buyer_tenant)))


@rules.predicate
def is_order_seller(user, order):
    return order is not None and hasattr(order, "listing") and bool(manages_listing(user, order.listing))


rules.add_perm("reuse_market.view_market", can_view)
rules.add_perm("reuse_market.list_items", can_list)
rules.add_perm("reuse_market.order", can_order)
rules.add_perm("reuse_market.manage_market", can_manage_market)
rules.add_perm("reuse_market.manage_listing", manages_listing)
rules.add_perm("reuse_market.give_away", manages_location)
rules.add_perm("reuse_market.view_order", is_order_buyer | is_order_seller)
