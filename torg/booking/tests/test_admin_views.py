import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from torg.booking import services
from torg.booking.models import BookingRules, OpeningException, OpeningHours, Resource
from torg.core.models import AuditEvent

from .conftest import at


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
        "accessibility_info": "Heis", "source": "own"})
    assert response.status_code == 302, response.content.decode()[:3000]
    r = Resource.objects.get(name="Klasserom til utleie")
    rules = BookingRules.objects.get(resource=r)
    assert (rules.requires_approval, rules.allow_employees, rules.buffer_after) == (True, False, 15)
    assert (r.capacity, r.step_free, r.description, r.rules.source) == (28, True, "Kveldsbruk", "resource")
    # "the building's rules" (the default choice): no rules of its own, whatever the policy fields say
    response = c.post(url, {
        "name": "Grupperom", "kind": "room", "building": building.pk, "requires_approval": "on", "window_days": 60,
        "min_minutes": 60, "max_minutes": 180, "step_minutes": 30, "buffer_before": 0, "buffer_after": 15,
        "cancel_deadline_hours": 48, "capacity": 6, "source": "building"})
    assert response.status_code == 302, response.content.decode()[:3000]
    r = Resource.objects.get(name="Grupperom")
    assert not BookingRules.objects.filter(resource=r).exists()
    assert (r.rules.source, r.rules.requires_approval, r.capacity) == ("default", False, 6)
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
            "cancel_deadline_hours": 2, "age_limit": 18, "source": "own"}
    assert c.post(url, data).status_code == 302
    rules = BookingRules.objects.get(resource=resource)
    assert (rules.window_days, rules.age_limit, rules.allow_associations) == (14, 18, False)
    event = AuditEvent.objects.filter(object_type="booking.bookingrules", action="booking_rules_update").latest("id")
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


def test_archive_and_restore_a_resource(client_for, admin_user, citizen, tenant, resource):
    url = reverse("booking:resource_archive", args=[resource.pk])
    assert client_for(citizen).post(url, {"archived": "1"}).status_code == 403
    assert client_for(admin_user).post(url, {"archived": "1"}).status_code == 302
    resource.refresh_from_db()
    assert resource.archived
    with pytest.raises(ValidationError, match="can no longer be booked"):
        services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    assert "Møterom" not in client_for(citizen).get(reverse("booking:home")).content.decode()
    client_for(admin_user).post(url, {"archived": "0"})
    resource.refresh_from_db()
    assert not resource.archived


def test_staff_see_who_booked_on_the_week_view(client_for, admin_user, citizen, tenant, resource):
    b = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    url = reverse("booking:resource_week", args=[resource.pk]) + f"?week={at(0, 0).date().isoformat()}"
    staff_page = client_for(admin_user).get(url).content.decode()
    assert reverse("booking:booking_detail", args=[b.pk]) in staff_page and "Coming bookings" in staff_page
    citizen_page = client_for(citizen).get(url).content.decode()
    assert "Coming bookings" not in citizen_page


def test_public_holidays_close_the_building(client_for, admin_user, citizen, tenant, building, resource):
    services.opening_exception_add(actor=admin_user, tenant=tenant, building=building, date=dt.date(2027, 5, 17),
                                   closed=False, opens=dt.time(12), closes=dt.time(16), note="Open after the parade")
    url = reverse("booking:opening_calendar", args=[building.pk])
    assert client_for(citizen).post(url, {"add_holidays": "1", "y-year": "2027"}).status_code == 403
    response = client_for(admin_user).post(url, {"add_holidays": "1", "y-year": "2027"})
    assert response.status_code == 302
    closed = dict(OpeningException.objects.filter(building=building, closed=True).values_list("date", "note"))
    # Easter 2027 is 28 March
    assert closed[dt.date(2027, 3, 25)] == "Maundy Thursday" and closed[dt.date(2027, 3, 29)] == "Easter Monday"
    assert closed[dt.date(2027, 5, 6)] == "Ascension Day" and closed[dt.date(2027, 5, 16)] == "Whit Sunday"
    assert dt.date(2027, 5, 17) not in closed  # the special opening is kept (Whit Monday is 17 May in 2027)
    assert len(closed) == 10
    again = client_for(admin_user).post(url, {"add_holidays": "1", "y-year": "2027"})
    assert again.status_code == 302 and OpeningException.objects.filter(building=building).count() == 11
    services.opening_holidays_add(actor=admin_user, tenant=tenant, building=building, year=2028)
    assert OpeningException.objects.filter(building=building, date__year=2028).count() == 12
    bad = client_for(admin_user).post(url, {"add_holidays": "1", "y-year": "1999"})
    assert bad.status_code == 422


def test_page_titles_are_plain_text(client_for, admin_user, citizen, tenant, resource):
    """The <title> of booking pages holds text only (a stray block once put a table into it)."""
    import re

    services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    for user, url in [(admin_user, reverse("booking:resource_week", args=[resource.pk])),
                      (citizen, reverse("booking:my_bookings")), (admin_user, reverse("booking:quick")),
                      (citizen, reverse("booking:home"))]:
        html = client_for(user).get(url).content.decode()
        titles = re.findall(r"<title>(.*?)</title>", html, re.S)
        assert len(titles) == 1 and "<" not in titles[0], (url, titles)
        assert html.count("<main") == 1
