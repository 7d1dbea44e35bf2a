import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from torg.booking import services
from torg.booking.models import Booking, BookingSeries
from torg.booking.queries import OSLO


def test_rrule_weekly_biweekly_monthly_by_weekday():
    start = dt.datetime(2027, 3, 9, 18, 0, tzinfo=OSLO)  # second Tuesday of March 2027
    assert services.build_rrule(frequency="weekly", dtstart=start, count=3) == "FREQ=WEEKLY;COUNT=3"
    assert services.build_rrule(frequency="biweekly", dtstart=start, count=2) == "FREQ=WEEKLY;INTERVAL=2;COUNT=2"
    monthly = services.build_rrule(frequency="monthly", dtstart=start, count=3)
    assert monthly == "FREQ=MONTHLY;BYDAY=+2TU;COUNT=3"
    assert [d.date() for d in services.occurrences(monthly, start)] == [
        dt.date(2027, 3, 9), dt.date(2027, 4, 13), dt.date(2027, 5, 11)]
    biweekly = services.occurrences("FREQ=WEEKLY;INTERVAL=2;COUNT=3", start)
    assert [d.date() for d in biweekly] == [dt.date(2027, 3, 9), dt.date(2027, 3, 23), dt.date(2027, 4, 6)]


def test_until_is_inclusive_and_wall_clock_survives_daylight_saving():
    start = dt.datetime(2027, 3, 16, 18, 0, tzinfo=OSLO)  # DST starts 28 March 2027
    rule = services.build_rrule(frequency="weekly", dtstart=start, until=dt.date(2027, 4, 6))
    starts = services.occurrences(rule, start)
    assert [d.date() for d in starts] == [dt.date(2027, 3, 16), dt.date(2027, 3, 23), dt.date(2027, 3, 30),
                                          dt.date(2027, 4, 6)]
    assert all(d.hour == 18 for d in starts)
    assert starts[0].utcoffset() != starts[-1].utcoffset()


def test_bad_or_endless_rules_are_refused():
    start = dt.datetime(2027, 3, 9, 18, 0, tzinfo=OSLO)
    with pytest.raises(ValidationError):
        services.occurrences("FREQ=NONSENSE", start)
    with pytest.raises(ValidationError, match="at most"):
        services.occurrences("FREQ=DAILY", start)
    with pytest.raises(ValidationError):
        services.build_rrule(frequency="weekly", dtstart=start)


def test_series_create_skips_chosen_dates(admin_user, employee, resource):
    tenant = resource.tenant
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=7), dt.time(9), OSLO)
    services.booking_create(actor=admin_user, tenant=tenant, resource=resource, start=start + dt.timedelta(days=7),
                            end=start + dt.timedelta(days=7, hours=1))
    preview = services.series_preview(actor=employee, tenant=tenant, resource=resource,
                                      rrule="FREQ=WEEKLY;COUNT=3", dtstart=start, minutes=60)
    assert [row["problem"] is not None for row in preview] == [False, True, False]
    series = services.series_create(actor=employee, tenant=tenant, resource=resource, rrule="FREQ=WEEKLY;COUNT=3",
                                    dtstart=start, minutes=60, skip_dates=[preview[1]["date"]])
    assert series.bookings.count() == 2
    assert series.skipped == [preview[1]["date"]]
    assert BookingSeries.objects.count() == 1
    assert Booking.objects.filter(booker=employee).count() == 2


def test_cancel_the_rest_of_a_series(client_for, employee, citizen, resource):
    tenant = resource.tenant
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=7), dt.time(9), OSLO)
    series = services.series_create(actor=employee, tenant=tenant, resource=resource, rrule="FREQ=WEEKLY;COUNT=4",
                                    dtstart=start, minutes=60)
    bookings = list(series.bookings.order_by("start"))
    from django.urls import reverse

    assert client_for(citizen).post(reverse("booking:series_cancel_from", args=[bookings[1].pk])).status_code == 404
    response = client_for(employee).post(reverse("booking:series_cancel_from", args=[bookings[1].pk]))
    assert response.status_code == 302
    statuses = [b.status for b in series.bookings.order_by("start")]
    assert statuses == ["confirmed", "cancelled", "cancelled", "cancelled"]
    single = services.booking_create(actor=citizen, tenant=tenant, resource=resource,
                                     start=start + dt.timedelta(hours=2), end=start + dt.timedelta(hours=3))
    with pytest.raises(ValidationError, match="not part of a series"):
        services.series_cancel_from(actor=citizen, booking=single)
