"""Participation permissions. Object = the tenant or a row of it (a process, an activity…)."""

import rules

from torg.accounts.models import Role
from torg.accounts.rules import has_role, is_staff_member

can_manage = has_role(Role.ADMIN, Role.PROPERTY_MANAGER)


@rules.predicate
def is_public_process(user, obj=None):
    """A process (or a row of one) that is published: readable by anyone, without login."""
    process = getattr(obj, "process", obj)
    return getattr(process, "is_public", False)


# Staff pages: every process of the municipality, drafts included.
rules.add_perm("participation.view_processes", is_staff_member)
# Create and edit processes, their phases, stakeholder map and plan; change their status.
rules.add_perm("participation.manage_processes", can_manage)
# Moderate input (approve, hide with a reason, handle abuse reports) and see the moderation queue.
rules.add_perm("participation.moderate", can_manage)


@rules.predicate
def is_open_process(user, obj=None):
    return getattr(getattr(obj, "process", obj), "status", None) == "open"


# Give input, comment, support and report on a process: while it is open (the process's identity
# setting — anonymous, logged in, invite code — is checked by the service).
rules.add_perm("participation.give_input", is_open_process)
# One process's public page and its public API: published, or the user is staff of its municipality.
rules.add_perm("participation.view_process", is_public_process | is_staff_member)


def can_see_plan(request, plan) -> bool:
    """A plan image is served to anyone who may read its process: published, or staff of its municipality."""
    return plan.process.is_public or request.user.has_perm("participation.view_processes", plan.tenant)
