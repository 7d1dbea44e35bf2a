"""Permissions of the furnishing plans. Object = the tenant or a Plan (whose `building_id` is the
target building, so location managers limited to chosen buildings plan only for those).

- view_plans: every reuse role (observers read);
- manage_plan: reuse administrators and location managers of the target building;
- deliver: the same plus surveyors (the moving crew scans deliveries);
- request_purchase: administrators, location managers, buyers/sellers and buyers record purchase
  requests; everyone who sees plans sees the list of decisions.
"""

import rules

from torg.reuse.rules import ADMIN, BS, BUYER, LM, OBSERVER, SURVEYOR, reuse_role

can_view = reuse_role(ADMIN, LM, SURVEYOR, BS, BUYER, OBSERVER)
can_manage = reuse_role(ADMIN, LM, scoped=True)
can_deliver = reuse_role(ADMIN, LM, SURVEYOR, scoped=True)
can_request_purchase = reuse_role(ADMIN, LM, BS, BUYER)

rules.add_perm("reuse_relocation.view_plans", can_view)
rules.add_perm("reuse_relocation.manage_plan", can_manage)
rules.add_perm("reuse_relocation.deliver", can_deliver)
rules.add_perm("reuse_relocation.request_purchase", can_request_purchase)
rules.add_perm("reuse_relocation.view_purchase_requests", can_view)
