"""The marketplace's own navigation (below the reuse sub-navigation)."""

from django import template

register = template.Library()


@register.inclusion_tag("market/partials/market_nav.html", takes_context=True)
def market_nav(context, section):
    request = context["request"]
    tenant = getattr(request, "tenant", None)
    perms = {name: bool(tenant) and request.user.has_perm(f"reuse_market.{name}", tenant)
             for name in ("list_items", "give_away", "manage_market")}
    return {"section": section, "perms_market": perms}
