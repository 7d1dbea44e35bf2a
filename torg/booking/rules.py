"""Booking permissions. Object = the tenant or a row of it."""

import rules

from torg.accounts.models import Role
from torg.accounts.rules import has_role, is_member

MANAGER_ROLES = (Role.ADMIN, Role.PROPERTY_MANAGER)  # approve requests; told about new ones
can_manage_bookings = has_role(*MANAGER_ROLES)
is_booking_staff = has_role(Role.ADMIN, Role.PROPERTY_MANAGER, Role.EMPLOYEE)

# Every member of the tenant (citizens and association representatives too) may see and book.
rules.add_perm("booking.view_resources", is_member)
rules.add_perm("booking.book", is_member)
# Quick booking of desks and meeting rooms in activity-based offices: the municipality's own staff.
rules.add_perm("booking.quick_book", is_booking_staff)
# Approve/reject requests, cancel anyone's booking, see access logs, manage resources.
rules.add_perm("booking.manage_bookings", can_manage_bookings)
rules.add_perm("booking.manage_resources", can_manage_bookings)
rules.add_perm("booking.view_access_log", can_manage_bookings)
