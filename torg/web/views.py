"""Site-wide pages: the dashboard composes other apps' queries; nothing is written here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from torg.booking import queries as booking_queries
from torg.places import queries as places_queries
from torg.reuse.market import queries as market_queries


@login_required
def dashboard(request):
    tenant = request.tenant
    context = {}
    if tenant:
        context["waiting"] = _waiting(request, tenant)
    if tenant and request.user.has_perm("places.view_places", tenant):
        context["places_totals"] = places_queries.register_totals(tenant=tenant)
    return render(request, "web/dashboard.html", context)


def _waiting(request, tenant):
    """What waits for this user, per module and role: (text, link) for each thing with a count."""
    user, rows = request.user, []
    if user.has_perm("booking.manage_bookings", tenant):
        n = booking_queries.approval_queue(tenant=tenant).count()
        if n:
            rows.append((ngettext("%(n)s booking request to approve", "%(n)s booking requests to approve", n)
                         % {"n": n}, reverse("booking:approvals")))
    if user.has_perm("booking.view_resources", tenant):
        n = booking_queries.my_bookings_today(tenant=tenant, user=user, now=timezone.now()).count()
        if n:
            rows.append((ngettext("%(n)s booking of yours today", "%(n)s bookings of yours today", n) % {"n": n},
                         reverse("booking:my_bookings")))
    if user.has_perm("reuse_market.view_market", tenant):
        n = market_queries.seller_orders(tenant=tenant, user=user, open_only=True).count()
        if n:
            rows.append((ngettext("%(n)s order of your listings to handle", "%(n)s orders of your listings to handle",
                                  n) % {"n": n}, reverse("market:order_list") + "?side=selling"))
        n = market_queries.buyer_orders(tenant=tenant, user=user, open_only=True).count()
        if n:
            rows.append((ngettext("%(n)s open order of yours", "%(n)s open orders of yours", n)
                         % {"n": n}, reverse("market:order_list")))
    return rows or [(_("Nothing waits for you right now."), "")]


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
