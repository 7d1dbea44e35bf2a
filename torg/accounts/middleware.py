"""Sets `request.tenant` and `request.membership` for the signed-in user.

A user may be a member of several tenants; the active one is kept in the session and can be
switched. Anonymous requests have no tenant.

The file view (`/files/<key>/<pk>/`, torg.core.photos) also takes a personal API token
(`Authorization: Bearer torg_…`), so that the photo URLs in API answers open for the client that
got them, with the same rules as the API (the token's tenant, `accounts.use_api`). Nowhere else
does a token stand in for a session.
"""

from torg.core import views as core_views

from . import services

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

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is core_views.file and not request.user.is_authenticated:
            scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
            token = services.api_token_authenticate(secret.strip()) if scheme.lower() == "bearer" else None
            if token is not None and token.user.has_perm("accounts.use_api", token.tenant):
                request.user, request.tenant = token.user, token.tenant
                request.membership = token.user.memberships.filter(tenant=token.tenant, is_active=True).first()
        return None
