from django.conf import settings

from .navigation import navigation_for


def torg(request):
    """The active tenant, membership and navigation for the base layout."""
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
        "nav_items": navigation_for(request),
        "torg_debug": settings.DEBUG,
    }
