"""Site-wide pages: the dashboard composes other apps' queries; nothing is written here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from torg.places import queries as places_queries


@login_required
def dashboard(request):
    tenant = request.tenant
    context = {}
    if tenant and request.user.has_perm("places.view_places", tenant):
        context["places_totals"] = places_queries.register_totals(tenant=tenant)
    return render(request, "web/dashboard.html", context)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
