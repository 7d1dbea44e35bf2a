"""Issue 14: the audit log in words — a booking's title is its room and start in Norwegian numbers and
Oslo time (also for events written before, through migration 0013), times in its changes likewise,
never ISO with an offset, and booking's kinds of object by their Norwegian names."""

import importlib

from django.apps import apps
from django.conf import settings
from django.urls import reverse

from torg.booking import services
from torg.core.models import AuditEvent

from .conftest import at


def _log(client_for, admin_user, **params):
    c = client_for(admin_user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    return c.get(reverse("accounts:audit_log"), params).content.decode()


def test_booking_titles_and_times_in_norwegian_oslo_time(client_for, admin_user, citizen, tenant, building,
                                                         resource):
    booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10),
                                      end=at(1, 11))
    services.booking_reschedule(actor=citizen, booking=booking, start=at(1, 12), end=at(1, 13))
    services.door_add(actor=admin_user, tenant=tenant, building=building, name="Hovedinngang", identifier="main")
    html = _log(client_for, admin_user, type="booking.booking")
    day = f"{at(1, 10):%d.%m.%Y}"
    assert f"Booking: Møterom {day} 10:00" in html  # the title, as created (Oslo time, not UTC)
    assert f"{day} 10:00 → {day} 12:00" in html  # the change of start, in words
    assert "+00:00" not in html and "T10:00" not in html
    assert "Dør: Hovedinngang" in _log(client_for, admin_user, type="booking.door")


def test_migration_rewrites_the_old_titles(admin_user, citizen, tenant, resource):
    booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10),
                                      end=at(1, 11))
    AuditEvent.objects.filter(object_type="booking.booking").update(
        object_repr=f"{resource.pk} {at(1, 9):%Y-%m-%d %H:%M}")  # as before: resource id, UTC-ish time
    migration = importlib.import_module("torg.booking.migrations.0013_audit_names")
    migration.booking_titles(apps, None)
    assert set(AuditEvent.objects.filter(object_type="booking.booking").values_list("object_repr", flat=True)) \
        == {f"Møterom {at(1, 10):%d.%m.%Y} 10:00"}
    assert str(booking) == f"Møterom {at(1, 10):%d.%m.%Y} 10:00"


def test_a_stored_iso_time_in_an_old_title_is_shown_in_oslo_time():
    from torg.core.audit_display import local_title

    assert local_title("Booking 2026-12-05T09:00:00+00:00") == "Booking 12/05/2026 10 a.m."  # English reader
