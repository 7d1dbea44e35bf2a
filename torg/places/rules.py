"""Permissions for the places register. Object = the tenant or a row of it."""

import rules

from torg.accounts.models import Role
from torg.accounts.rules import has_role, is_staff_member

can_manage_places = has_role(Role.ADMIN, Role.PROPERTY_MANAGER)

rules.add_perm("places.view_places", is_staff_member)
rules.add_perm("places.manage_places", can_manage_places)
