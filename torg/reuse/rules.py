"""Permissions for the reuse inventory. Object = the tenant, a Building or an Item.

The effective reuse role of a member:
- tenant administrator → reuse administrator;
- property manager → location manager for every building;
- otherwise the member's `ReuseRole` row; staff members without one are observers.

A location manager limited to chosen buildings acts on items in those buildings only; against the
tenant they pass (the building is checked when the target object is known).
"""

import rules

from torg.accounts.models import Role, Tenant
from torg.accounts.rules import role_in, tenant_of, user_cache

from .models import ReuseRole

ALL_BUILDINGS = "all"


def reuse_role_in(user, obj):
    """(reuse role, building scope) for the user in obj's tenant; scope is ALL_BUILDINGS or a set of ids."""
    if not getattr(user, "is_authenticated", False):
        return None, frozenset()
    tenant = tenant_of(obj)
    if tenant is None:
        return None, frozenset()
    cache = user_cache(user, "_torg_reuse_roles")
    if tenant.pk in cache:
        return cache[tenant.pk]
    base = role_in(user, tenant)
    result = (None, frozenset())
    if base == Role.ADMIN:
        result = (ReuseRole.Role.ADMINISTRATOR, ALL_BUILDINGS)
    elif base is not None:
        row = (
            ReuseRole.objects.filter(membership__user=user, membership__tenant_id=tenant.pk,
                                     membership__is_active=True)
            .prefetch_related("buildings").first()
        )
        if row is not None:
            scope = frozenset(b.pk for b in row.buildings.all()) if row.role == ReuseRole.Role.LOCATION_MANAGER \
                else ALL_BUILDINGS
            result = (row.role, scope)
        elif base == Role.PROPERTY_MANAGER:
            result = (ReuseRole.Role.LOCATION_MANAGER, ALL_BUILDINGS)
        elif base == Role.EMPLOYEE:
            result = (ReuseRole.Role.OBSERVER, ALL_BUILDINGS)
    cache[tenant.pk] = result
    return result


def _building_id_of(obj):
    """The building an object is at: None for the tenant itself (no location to check)."""
    if obj is None or isinstance(obj, Tenant):
        return None
    if obj.__class__.__name__ == "Building":
        return obj.pk
    return getattr(obj, "building_id", None)


def in_scope(obj, scope):
    """Whether `obj` (the tenant, a building or an item) is within a building scope."""
    if scope == ALL_BUILDINGS:
        return True
    if obj is None or isinstance(obj, Tenant):
        return bool(scope)
    return _building_id_of(obj) in scope


def reuse_role(*roles, scoped=False):
    wanted = set(roles)

    @rules.predicate(name=f"reuse_role({','.join(sorted(wanted))})")
    def predicate(user, obj=None):
        role, scope = reuse_role_in(user, obj)
        if role not in wanted:
            return False
        if scoped and role == "location_manager":
            return in_scope(obj, scope)
        return True

    return predicate


ADMIN, LM, SURVEYOR, BS, BUYER, OBSERVER = (
    "administrator", "location_manager", "surveyor", "buyer_seller", "buyer", "observer",
)

# The roles that change an item's status by hand (the item machine's people, see states.py).
STATUS_ROLES = (ADMIN, LM, SURVEYOR, BS)

can_view = reuse_role(ADMIN, LM, SURVEYOR, BS, BUYER, OBSERVER)
can_register = reuse_role(ADMIN, LM, SURVEYOR, scoped=True)
can_edit = reuse_role(ADMIN, LM, SURVEYOR, scoped=True)
can_change_status = reuse_role(*STATUS_ROLES, scoped=True)
can_move = reuse_role(ADMIN, LM, SURVEYOR, scoped=True)
can_print_labels = reuse_role(ADMIN, LM, SURVEYOR, scoped=True)
can_import = reuse_role(ADMIN, LM, scoped=True)
can_manage = reuse_role(ADMIN)

rules.add_perm("reuse.view_items", can_view)
rules.add_perm("reuse.register_items", can_register)
rules.add_perm("reuse.edit_item", can_edit)
rules.add_perm("reuse.change_status", can_change_status)
rules.add_perm("reuse.move_items", can_move)
rules.add_perm("reuse.print_labels", can_print_labels)
rules.add_perm("reuse.import_items", can_import)
rules.add_perm("reuse.manage_reuse", can_manage)


def denied_items(user, perm, items):
    """The items in `items` the user may not act on with `perm` (empty list = all allowed)."""
    return [item for item in items if not user.has_perm(perm, item)]
