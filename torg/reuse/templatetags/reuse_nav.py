"""The reuse module's sub-navigation, shared by the inventory, marketplace, plans and impact pages."""

from django import template

register = template.Library()

# Permission names, checked against the tenant, that decide which links the sub-navigation shows.
PERMISSIONS = {
    "register_items": "reuse.register_items",
    "print_labels": "reuse.print_labels",
    "import_items": "reuse.import_items",
    "manage_reuse": "reuse.manage_reuse",
    "view_market": "reuse_market.view_market",
    "view_plans": "reuse_relocation.view_plans",
    "view_impact": "reuse_impact.view_reports",
}


@register.inclusion_tag("reuse/partials/subnav.html", takes_context=True)
def reuse_subnav(context, section):
    request = context["request"]
    tenant = getattr(request, "tenant", None)
    can = {key: bool(tenant) and request.user.has_perm(perm, tenant) for key, perm in PERMISSIONS.items()}
    return {"section": section, "can": can}
