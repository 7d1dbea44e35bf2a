from django.contrib import admin
from django.urls import include, path

from torg.api import api
from torg.reuse import views as reuse_views

handler403 = "torg.web.views.error_403"
handler404 = "torg.web.views.error_404"
handler500 = "torg.web.views.error_500"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("torg.accounts.urls")),
    path("places/", include("torg.places.urls")),
    path("reuse/market/", include("torg.reuse.market.urls")),
    path("reuse/plans/", include("torg.reuse.relocation.urls")),
    path("reuse/impact/", include("torg.reuse.impact.urls")),
    path("reuse/", include("torg.reuse.urls")),
    path("booking/allocation/", include("torg.booking.allocation.urls")),
    path("booking/", include("torg.booking.urls")),
    path("participation/", include("torg.participation.urls")),
    path("projects/", include("torg.projects.urls")),
    path("estate/", include("torg.estate.urls")),
    path("q/<str:code>", reuse_views.resolve_code, name="qr_resolve"),
    # Uploaded files (photos), each after a tenant and permission check; there is no /media/ path.
    path("files/", include("torg.core.urls")),
    path("", include("torg.web.urls")),
]
