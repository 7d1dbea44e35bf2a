"""The REST API under /api/v1/ (django-ninja). Each app contributes a router from its api.py (an
`ApiRouter` from torg.core.api, which declares the error answers below in every operation)."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from torg.accounts import services as account_services

logger = logging.getLogger("torg.api")


class TokenAuth(HttpBearer):
    """Personal API token: `Authorization: Bearer torg_...`. Binds the request to the token's tenant."""

    def authenticate(self, request, token):
        api_token = account_services.api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.tenant = api_token.tenant
        return api_token


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF checked on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        if request.user.is_authenticated and getattr(request, "tenant", None):
            return request.user
        return None


@csrf_exempt  # nothing happens here: a POST to an unknown path is a 404, not a CSRF page
def _unknown_path(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found."}, status=404)


class TorgAPI(NinjaAPI):
    """The API, with a JSON 404 for any path under it that no operation matches (Django's own 404
    page is HTML, and in DEBUG lists the URL patterns) — a path with a newline in it included."""

    def _get_urls(self):
        return [*super()._get_urls(), re_path(r"^[\s\S]*$", _unknown_path, name="unknown-path")]


api = TorgAPI(
    title="Torg API",
    version="1",
    description="Places register and modules of Torg. Authenticate with a personal API token "
    "(`Authorization: Bearer <token>`, created on your profile page) or a browser session.",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "You do not have permission to do this."}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(Exception)
def server_error(request, exc):
    """Any other exception: logged with its traceback, answered with a plain 500 in every profile
    (never the traceback, which django-ninja would send in DEBUG)."""
    logger.exception("API error: %s %s", request.method, request.path)
    return api.create_response(request, {"detail": "Internal server error."}, status=500)


from torg.booking.allocation.api import router as allocation_router  # noqa: E402
from torg.booking.api import router as booking_router  # noqa: E402
from torg.estate.api import router as estate_router  # noqa: E402
from torg.participation.api import router as participation_router  # noqa: E402
from torg.places.api import router as places_router  # noqa: E402
from torg.projects.api import router as projects_router  # noqa: E402
from torg.reuse.api import router as reuse_router  # noqa: E402
from torg.reuse.impact.api import router as impact_router  # noqa: E402
from torg.reuse.market.api import router as market_router  # noqa: E402
from torg.reuse.relocation.api import router as plans_router  # noqa: E402

api.add_router("/places/", places_router)
api.add_router("/reuse/", reuse_router)
api.add_router("/reuse/market/", market_router)
api.add_router("/reuse/", plans_router)
api.add_router("/reuse/impact/", impact_router)
api.add_router("/booking/", booking_router)
api.add_router("/booking/allocation/", allocation_router)
api.add_router("/participation/", participation_router)
api.add_router("/projects/", projects_router)
api.add_router("/estate/", estate_router)
