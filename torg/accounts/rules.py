"""Permissions for accounts, as `rules` predicates. Object = a Tenant or any tenant-owned row."""

import rules
from django.utils.functional import LazyObject

from .models import STAFF_ROLES, Role, Tenant


def user_cache(user, name: str) -> dict:
    """A cache for one request's permission look-ups, kept on the User object itself — not on
    `request.user`'s lazy wrapper, so `has_perm` (which sees the User) and code given
    `request.user` (a state machine's roles, a view) share it instead of asking twice."""
    target = user._wrapped if isinstance(user, LazyObject) else user
    return target.__dict__.setdefault(name, {})


def tenant_of(obj):
    if isinstance(obj, Tenant):
        return obj
    return getattr(obj, "tenant", None)


def role_in(user, obj) -> str | None:
    """The user's active role in the tenant that owns `obj`, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    tenant = tenant_of(obj)
    if tenant is None:
        return None
    cache = user_cache(user, "_torg_roles")
    if tenant.pk not in cache:
        m = user.memberships.filter(tenant_id=tenant.pk, is_active=True).values_list("role", flat=True).first()
        cache[tenant.pk] = m
    return cache[tenant.pk]


def has_role(*roles):
    wanted = set(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def predicate(user, obj=None):
        return role_in(user, obj) in wanted

    return predicate


is_admin = has_role(Role.ADMIN)
is_property_manager = has_role(Role.PROPERTY_MANAGER)
is_staff_member = has_role(*STAFF_ROLES)
is_member = has_role(*Role.values)

# Object = the tenant (or a row of it).
rules.add_perm("accounts.manage_users", is_admin)
rules.add_perm("accounts.manage_org_units", is_admin)
rules.add_perm("accounts.view_org_units", is_staff_member)
rules.add_perm("accounts.manage_external_organisations", is_admin | is_property_manager)
rules.add_perm("accounts.view_external_organisations", is_staff_member)
rules.add_perm("accounts.view_audit", is_admin)
rules.add_perm("accounts.use_api", is_member)
