"""torg.urls plus the `/q/<code>` QR route (until the lead adds it to torg/urls.py it lives here)."""

from django.urls import path

from torg.reuse import views as reuse_views
from torg.urls import *  # noqa: F403
from torg.urls import urlpatterns as _base

urlpatterns = list(_base)
if not any(str(getattr(p, "pattern", "")) == "q/<str:code>" for p in urlpatterns):
    urlpatterns.insert(0, path("q/<str:code>", reuse_views.resolve_code))
