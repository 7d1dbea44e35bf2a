"""Permissions of the impact reports. Object = the tenant.

Everyone with a reuse role may read the reports and the factor library; a location manager limited
to chosen buildings sees the reuses that involve those buildings (see `queries.scope_for`). Only
reuse administrators edit factors and deductions.
"""

import rules

from torg.reuse.rules import ADMIN, BS, BUYER, LM, OBSERVER, SURVEYOR, reuse_role

can_view_reports = reuse_role(ADMIN, LM, SURVEYOR, BS, BUYER, OBSERVER)
can_manage_factors = reuse_role(ADMIN)

rules.add_perm("reuse_impact.view_reports", can_view_reports)
rules.add_perm("reuse_impact.manage_factors", can_manage_factors)
