"""Booking rules per building or per resource: inheritance, own rules, reverting, the UI and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from torg.booking import queries, services
from torg.booking.forms import DetailsForm, PolicyForm
from torg.booking.models import DETAIL_FIELDS, POLICY_FIELDS, Booking, BookingRules, Resource
from torg.core.models import AuditEvent

from .conftest import at


@pytest.fixture
def plain(tenant, admin_user, building, rooms):
    """A resource created without any policy: it follows the building's rules."""
    return services.resource_create(actor=admin_user, tenant=tenant, name="Klasserommet", building=building,
                                    room=rooms["1.01"])


def _fresh(resource):
    return Resource.objects.get(pk=resource.pk)


def test_resources_follow_the_building_unless_they_have_their_own(tenant, admin_user, citizen, building, plain,
                                                                  resource):
    assert _fresh(plain).rules.source == "default" and _fresh(resource).rules.source == "resource"
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, requires_approval=True,
                                   window_days=10, max_minutes=120)
    rules = _fresh(plain).rules
    assert (rules.source, rules.requires_approval, rules.window_days, rules.max_minutes) == ("building", True, 10, 120)
    assert _fresh(resource).rules.requires_approval is False  # own rules win
    # the building's rules decide the booking itself
    booking = services.booking_create(actor=citizen, tenant=tenant, resource=_fresh(plain), start=at(1, 10),
                                      end=at(1, 11))
    assert booking.status == Booking.Status.REQUESTED
    with pytest.raises(ValidationError, match="between"):
        services.booking_create(actor=citizen, tenant=tenant, resource=_fresh(plain), start=at(2, 10),
                                end=at(2, 13))
    # a resource added later inherits at once, and a change to the building reaches it
    later = services.resource_create(actor=admin_user, tenant=tenant, name="Nytt rom", building=building,
                                     capacity=4)
    assert (_fresh(later).rules.source, _fresh(later).rules.window_days, _fresh(later).capacity) == (
        "building", 10, 4)
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, window_days=20)
    assert _fresh(later).rules.window_days == 20 and _fresh(plain).rules.window_days == 20
    assert _fresh(resource).rules.window_days == 90
    assert not BookingRules.objects.filter(resource__in=[plain, later]).exists()  # nothing is copied


def test_own_rules_start_from_the_building_and_revert_to_it(tenant, admin_user, building, plain):
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, requires_approval=True,
                                   cancel_deadline_hours=48)
    rules = services.rules_update(actor=admin_user, resource=_fresh(plain), window_days=7)
    assert (rules.source, rules.window_days, rules.requires_approval, rules.cancel_deadline_hours) == (
        "resource", 7, True, 48)
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, cancel_deadline_hours=2)
    assert _fresh(plain).rules.cancel_deadline_hours == 48  # own rules do not follow the building any more
    rules = services.rules_update(actor=admin_user, resource=_fresh(plain), inherit=True, window_days=1)
    assert (rules.source, rules.window_days, rules.cancel_deadline_hours) == ("building", 90, 2)
    assert not BookingRules.objects.filter(resource=plain).exists()
    event = AuditEvent.objects.get(action="resource_rules_inherit", object_id=str(plain.pk))
    assert event.changes["window_days"] == [7, None]


def test_database_filters_agree_with_the_effective_rules(tenant, admin_user, citizen, employee, building, plain,
                                                         resource):
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, allow_citizens=False,
                                   checkin_minutes=15)
    role = "citizen"
    names = {r.name for r in queries.bookable_resources(user=citizen, tenant=tenant, role=role)}
    assert "Klasserommet" not in names and "Møterom" in names
    checkin = {r.name for r in queries.with_checkin(queries.resource_list(tenant=tenant))}
    assert checkin == {"Klasserommet"}
    with pytest.raises(ValidationError, match="cannot book"):
        services.booking_create(actor=citizen, tenant=tenant, resource=_fresh(plain), start=at(1, 10),
                                end=at(1, 11))


def test_rules_pages_show_where_the_rules_come_from(client_for, admin_user, citizen, tenant, building, plain,
                                                    resource):
    c = client_for(admin_user)
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, window_days=30)
    page = c.get(reverse("booking:rules_edit", args=[plain.pk])).content.decode()
    assert "Inherited from the building Testhuset." in page
    assert "Own rules for this resource." in c.get(reverse("booking:rules_edit", args=[resource.pk])).content.decode()
    week = c.get(reverse("booking:resource_week", args=[plain.pk])).content.decode()
    assert "Inherited from the building Testhuset." in week
    # the building page lists both, and reverts the one with its own rules
    url = reverse("booking:building_rules", args=[building.pk])
    html = c.get(url).content.decode()
    assert "Klasserommet" in html and "Own rules" in html and f'name="inherit" value="{resource.pk}"' in html
    assert f'name="inherit" value="{plain.pk}"' not in html
    assert c.post(url, {"inherit": resource.pk}).status_code == 302
    assert _fresh(resource).rules.source == "building" and _fresh(resource).rules.window_days == 30
    assert "Inherited from" not in client_for(citizen).get(
        reverse("booking:resource_week", args=[plain.pk])).content.decode()


def test_edit_the_building_rules_in_the_ui(client_for, admin_user, employee, other_admin, tenant, building, plain):
    url = reverse("booking:building_rules", args=[building.pk])
    assert client_for(employee).get(url).status_code == 403
    assert client_for(other_admin).get(url).status_code == 404
    data = {"allow_citizens": "on", "requires_approval": "on", "window_days": 45, "min_minutes": 60,
            "max_minutes": 120, "step_minutes": 30, "buffer_before": 0, "buffer_after": 0,
            "cancel_deadline_hours": 12}
    assert client_for(admin_user).post(url, {**data, "max_minutes": 30}).status_code == 422  # max < min
    assert not BookingRules.objects.filter(building=building).exists()
    assert client_for(admin_user).post(url, data).status_code == 302
    rules = _fresh(plain).rules
    assert (rules.source, rules.window_days, rules.allow_employees, rules.requires_approval) == (
        "building", 45, False, True)


def test_choosing_the_building_rules_on_a_resource_removes_its_own(client_for, admin_user, tenant, building,
                                                                   resource):
    data = {f: v for f, v in resource.rules.policy().items() if v is not None and v is not False}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    data.update(source="building", capacity=9, description="Nytt bord", window_days=3)
    response = client_for(admin_user).post(reverse("booking:rules_edit", args=[resource.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = _fresh(resource)
    assert (fresh.rules.source, fresh.rules.window_days, fresh.capacity, fresh.description) == (
        "default", 90, 9, "Nytt bord")


def test_api_names_the_source_of_the_rules(client_for, admin_user, tenant, building, plain, resource):
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, requires_approval=True)
    items = {r["name"]: r for r in client_for(admin_user).get("/api/v1/booking/resources").json()}
    assert (items["Klasserommet"]["rules_source"], items["Klasserommet"]["requires_approval"]) == ("building", True)
    assert (items["Møterom"]["rules_source"], items["Møterom"]["requires_approval"]) == ("resource", False)


def test_effective_rules_of_many_resources_in_a_constant_number_of_queries(
        tenant, admin_user, building, django_assert_max_num_queries):
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, window_days=30)
    for n in range(30):
        services.resource_create(actor=admin_user, tenant=tenant, name=f"Rom {n}", building=building,
                                 **({"window_days": 5} if n % 3 == 0 else {}))
    with django_assert_max_num_queries(2):
        windows = [r.rules.window_days for r in queries.resource_list(tenant=tenant)]
    assert sorted(windows) == [5] * 10 + [30] * 20


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_resource_s_rules_as_its_own(tenant, building):
    """0006 moves the description to the resource and keeps each old rules row as the resource's own rules."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("booking", "0005_door_rate_limits")], [("booking", "0006_rules_per_building")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldResource, OldRules = old.get_model("booking", "Resource"), old.get_model("booking", "BookingRules")
    hall = OldResource.objects.create(tenant_id=tenant.pk, building_id=building.pk, name="Salen", kind="room")
    OldRules.objects.create(tenant_id=tenant.pk, resource=hall, requires_approval=True, window_days=14,
                            capacity=80, equipment=["scene"], step_free=True, description="Stor sal",
                            accessibility_info="Heis")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    resource = Resource.objects.get(pk=hall.pk)
    assert (resource.capacity, resource.equipment, resource.step_free, resource.description,
            resource.accessibility_info) == (80, ["scene"], True, "Stor sal", "Heis")
    rules = resource.rules
    assert (rules.source, rules.requires_approval, rules.window_days) == ("resource", True, 14)
    assert not BookingRules.objects.filter(building__isnull=False).exists()


def test_the_rules_forms_have_every_rule_field_as_the_models_declare_it():
    assert list(PolicyForm.base_fields) == POLICY_FIELDS
    assert set(DetailsForm.base_fields) == set(DETAIL_FIELDS)
    assert str(PolicyForm.base_fields["window_days"].label) == "Booking window (days ahead)"  # the model's label


def test_one_resource_reads_its_rules_in_one_query_when_loaded_without_them(
        tenant, admin_user, building, plain, django_assert_num_queries):
    services.building_rules_update(actor=admin_user, tenant=tenant, building=building, window_days=30)
    resource = Resource.objects.select_related("own_rules", "building").get(pk=plain.pk)
    with django_assert_num_queries(1):
        assert (resource.rules.window_days, resource.rules.source) == (30, "building")
