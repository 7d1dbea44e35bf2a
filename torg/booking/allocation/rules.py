"""Seasonal allocation permissions. Object = the tenant or a row of it."""

import rules

from torg.accounts.models import Role
from torg.accounts.rules import has_role

# Set up rounds, run and adjust the allocation, publish, answer complaints: booking's managers.
rules.add_perm("booking_allocation.manage_rounds", has_role(Role.ADMIN, Role.PROPERTY_MANAGER))
# Apply (for an organisation one represents, or staff for their unit) and see one's applications:
# the municipality's staff and association representatives (seasonal time is for organisations).
rules.add_perm("booking_allocation.apply", has_role(Role.ADMIN, Role.PROPERTY_MANAGER, Role.EMPLOYEE,
                                                    Role.ASSOCIATION))
