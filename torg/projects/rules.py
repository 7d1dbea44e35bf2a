"""Projects permissions. Object = the tenant or a row of it (a project, a decision…)."""

import rules

from torg.accounts.models import Role
from torg.accounts.rules import has_role, is_staff_member

# Set up the portfolio: create projects and programmes, adapt project models.
is_portfolio_manager = has_role(Role.ADMIN, Role.PROPERTY_MANAGER)


def _project(obj):
    for _step in range(3):  # decision item → decision → project
        if obj is None or obj.__class__.__name__ == "Project":
            return obj
        obj = getattr(obj, "project", None) or getattr(obj, "decision", None)
    return obj


@rules.predicate
def is_project_manager(user, obj=None):
    project = _project(obj)
    return project is not None and user.is_authenticated and user.pk in (project.manager_id,)


@rules.predicate
def is_project_owner(user, obj=None):
    project = _project(obj)
    return project is not None and user.is_authenticated and user.pk == project.owner_id


# The portfolio and every project's pages: staff of the municipality.
rules.add_perm("projects.view_projects", is_staff_member)
rules.add_perm("projects.manage_portfolio", is_portfolio_manager)
# Edit a project, write its mandate and plan, prepare and submit its decisions: its manager and
# owner (when they are staff), or a portfolio manager.
rules.add_perm("projects.manage_project", is_staff_member & (is_project_manager | is_project_owner | is_portfolio_manager))
