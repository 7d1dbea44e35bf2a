"""The reuse module's sub-navigation, shared by the inventory, marketplace, plans and impact pages."""

from django import template
from django.urls import NoReverseMatch, reverse

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
# The pages of the sister apps (marketplace, plans, impact): linked once they are mounted.
APP_PAGES = {"view_market": "market:home", "view_plans": "relocation:plan_list", "view_impact": "impact:report"}


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:  # the app is not mounted (yet)
        return ""


@register.inclusion_tag("reuse/partials/subnav.html", takes_context=True)
def reuse_subnav(context, section):
    request = context["request"]
    tenant = getattr(request, "tenant", None)
    can = {key: bool(tenant) and request.user.has_perm(perm, tenant) for key, perm in PERMISSIONS.items()}
    urls = {key: _url(name) for key, name in APP_PAGES.items() if can[key]}
    for key in APP_PAGES:
        can[key] = bool(urls.get(key))
    return {"section": section, "can": can, "urls": urls}
