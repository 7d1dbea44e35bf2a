"""The main navigation. Each entry is shown only when the user holds its permission."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, permission checked against the tenant, section key)
NAVIGATION = [
    ("web:dashboard", _("Overview"), None, "dashboard"),
    ("places:building_list", _("Places"), "places.view_places", "places"),
    ("reuse:overview", _("Reuse"), "reuse.view_items", "reuse"),
    ("booking:home", _("Booking"), "booking.view_resources", "booking"),
    ("booking_allocation:index", _("Seasonal allocation"), "booking_allocation.apply", "booking_allocation"),
    ("participation:process_list", _("Participation"), "participation.view_processes", "participation"),
    ("projects:portfolio", _("Projects"), "projects.view_projects", "projects"),
    ("estate:portfolio", _("Building management"), "estate.view_estate", "estate"),
    ("accounts:settings", _("Administration"), "accounts.manage_external_organisations", "settings"),
]


def navigation_for(request):
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if not tenant or not user or not user.is_authenticated:
        return []
    items = []
    current = request.resolver_match.namespace if getattr(request, "resolver_match", None) else ""
    for url_name, label, perm, section in NAVIGATION:
        if perm and not user.has_perm(perm, tenant):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": current == url_name.split(":")[0]})
    return items
