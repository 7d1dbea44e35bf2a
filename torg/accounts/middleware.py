"""Sets `request.tenant` and `request.membership` for the signed-in user.

A user may be a member of several tenants; the active one is kept in the session and can be
switched. Anonymous requests have no tenant.
"""

SESSION_KEY = "torg_tenant_id"


def active_membership(request):
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = user.memberships.filter(is_active=True).select_related("tenant", "org_unit").order_by("id")
    wanted = request.session.get(SESSION_KEY)
    chosen = None
    if wanted:
        chosen = next((m for m in memberships if m.tenant_id == wanted), None)
    if chosen is None:
        chosen = next(iter(memberships), None)
    return chosen


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = active_membership(request)
        request.membership = membership
        request.tenant = membership.tenant if membership else None
        return self.get_response(request)
