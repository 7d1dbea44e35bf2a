import datetime as dt

from django.urls import reverse

from torg.booking.models import BookingRules, OpeningException, OpeningHours, Resource
from torg.core.models import AuditEvent


def test_staff_create_a_resource_with_rules(client_for, admin_user, citizen, building, rooms):
    url = reverse("booking:resource_create")
    assert client_for(citizen).get(url).status_code == 403
    c = client_for(admin_user)
    assert c.get(url).status_code == 200
    response = c.post(url, {
        "name": "Klasserom til utleie", "kind": "room", "building": building.pk, "room": rooms["1.01"].pk,
        "allow_citizens": "on", "allow_associations": "on", "requires_approval": "on", "window_days": 60,
        "min_minutes": 60, "max_minutes": 180, "step_minutes": 30, "buffer_before": 0, "buffer_after": 15,
        "cancel_deadline_hours": 48, "capacity": 28, "step_free": "on", "description": "Kveldsbruk",
        "accessibility_info": "Heis"})
    assert response.status_code == 302, response.content.decode()[:3000]
    r = Resource.objects.get(name="Klasserom til utleie")
    rules = BookingRules.objects.get(resource=r)
    assert (rules.requires_approval, rules.allow_employees, rules.buffer_after, rules.capacity) == (True, False, 15, 28)
    bad = c.post(url, {"name": "X", "kind": "room", "building": building.pk, "window_days": 60, "min_minutes": 120,
                       "max_minutes": 60, "step_minutes": 30, "buffer_before": 0, "buffer_after": 0,
                       "cancel_deadline_hours": 1})
    assert bad.status_code == 422


def test_staff_edit_rules_with_audit(client_for, admin_user, resource):
    c = client_for(admin_user)
    url = reverse("booking:rules_edit", args=[resource.pk])
    assert c.get(url).status_code == 200
    data = {"allow_citizens": "on", "allow_employees": "on", "window_days": 14, "min_minutes": 30,
            "max_minutes": 120, "step_minutes": 30, "buffer_before": 0, "buffer_after": 0,
            "cancel_deadline_hours": 2, "age_limit": 18}
    assert c.post(url, data).status_code == 302
    rules = BookingRules.objects.get(resource=resource)
    assert (rules.window_days, rules.age_limit, rules.allow_associations) == (14, 18, False)
    event = AuditEvent.objects.filter(object_type="booking.bookingrules", action="update").latest("id")
    assert event.changes["window_days"] == [90, 14]


def test_opening_calendar_add_and_remove(client_for, admin_user, employee, building):
    url = reverse("booking:opening_calendar", args=[building.pk])
    assert client_for(employee).get(url).status_code == 403
    c = client_for(admin_user)
    assert c.post(url, {"add_hours": "1", "h-weekday": 0, "h-kind": "meraapent", "h-opens": "16:00",
                        "h-closes": "22:00"}).status_code == 302
    assert c.post(url, {"add_hours": "1", "h-weekday": 0, "h-kind": "staffed", "h-opens": "16:00",
                        "h-closes": "08:00"}).status_code == 422
    day = dt.date.today() + dt.timedelta(days=10)
    assert c.post(url, {"add_exception": "1", "x-date": day.isoformat(), "x-closed": "on", "x-kind": "staffed",
                        "x-note": "Helligdag"}).status_code == 302
    page = c.get(url).content.decode()
    assert "Monday" in page and "Helligdag" in page
    hours = OpeningHours.objects.get(building=building)
    assert (hours.weekday, hours.kind, hours.opens) == (0, "meraapent", dt.time(16))
    c.post(url, {"delete_hours": hours.pk})
    c.post(url, {"delete_exception": OpeningException.objects.get().pk})
    assert not OpeningHours.objects.exists() and not OpeningException.objects.exists()
