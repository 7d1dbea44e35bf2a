"""The shared view and service helpers every app uses: the tenant lookup, breadcrumbs, query-string
numbers, and the same-tenant check behind a form's choices."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils.translation import gettext_lazy

from torg.core.services import require_same_tenant
from torg.core.views import breadcrumbs, int_param, request_tenant, require_api_perm, tenant_lookup


def _request(user, tenant):
    request = RequestFactory().get("/")
    request.user, request.tenant = user, tenant
    return request


def test_no_tenant_is_404_before_any_permission_check(db):
    with pytest.raises(Http404):
        request_tenant(_request(AnonymousUser(), None), "places.view_places")
    with pytest.raises(Http404):
        tenant_lookup(None)(_request(AnonymousUser(), None))


def test_tenant_lookup_checks_the_apps_default_or_the_given_permission(tenant, employee, citizen):
    lookup = tenant_lookup("places.view_places")
    assert lookup(_request(employee, tenant)) == tenant
    with pytest.raises(PermissionDenied):
        lookup(_request(employee, tenant), "places.manage_places")
    with pytest.raises(PermissionDenied):
        lookup(_request(citizen, tenant))
    assert tenant_lookup(None)(_request(citizen, tenant)) == tenant  # no permission asked: any member


def test_breadcrumbs_start_with_the_apps_root():
    crumbs = breadcrumbs((gettext_lazy("Places"), "places:building_list"))
    assert crumbs() == [("Places", "/places/")]
    assert crumbs(("Testhuset", "/places/buildings/1/"), ("Edit", None)) == [
        ("Places", "/places/"), ("Testhuset", "/places/buildings/1/"), ("Edit", None)]


@pytest.mark.parametrize("value, expected", [("12", 12), ("0", 0), ("", None), (None, None), ("-1", None),
                                             ("1e3", None), ("x", None), (7, 7)])
def test_int_param(value, expected):
    assert int_param(value) == expected


def test_same_tenant_refuses_another_tenants_row_on_the_field(tenant, other_tenant):
    mine, theirs = SimpleNamespace(tenant_id=tenant.pk), SimpleNamespace(tenant_id=other_tenant.pk)
    require_same_tenant(tenant, mine, None, field="unit")  # None is skipped
    with pytest.raises(ValidationError) as exc:
        require_same_tenant(tenant, mine, theirs, field="unit")
    assert exc.value.message_dict == {"unit": ["The selected object belongs to another municipality."]}
    with pytest.raises(ValidationError) as exc:
        require_same_tenant(tenant, theirs, message="Choose a unit of this municipality.")
    assert exc.value.message_dict == {NON_FIELD_ERRORS: ["Choose a unit of this municipality."]}


def test_api_perm_needs_api_use_and_the_permission(tenant, employee, citizen, other_admin):
    assert require_api_perm(_request(employee, tenant), "places.view_places") is None
    with pytest.raises(PermissionDenied):
        require_api_perm(_request(employee, tenant), "places.manage_places")
    with pytest.raises(PermissionDenied):  # a member may use the API, but a citizen may not view places
        require_api_perm(_request(citizen, tenant), "places.view_places")
    with pytest.raises(PermissionDenied):  # not a member of this tenant: no API use here at all
        require_api_perm(_request(other_admin, tenant), "places.view_places")
