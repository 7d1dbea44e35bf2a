from django.conf import settings


def torg(request):
    """The active tenant, membership and navigation for the base layout."""
    from .navigation import navigation_for

    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
        "nav_items": navigation_for(request),
        "torg_debug": settings.DEBUG,
    }
