"""Estate permissions. Object = the tenant or a row of it (a survey, a building part…)."""

import rules

from torg.accounts.models import Role
from torg.accounts.rules import has_role, is_staff_member

# Read condition, maintenance and energy figures of the municipality's buildings.
rules.add_perm("estate.view_estate", is_staff_member)
# Enter, correct, approve and import surveys; later measures, plans and readings.
rules.add_perm("estate.manage_estate", has_role(Role.ADMIN, Role.PROPERTY_MANAGER))
