"""Later edits to one occurrence or to the rest of a series: move the time (with a preview of
conflicts, which can be kept at their old time) or cancel."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from torg.booking import queries, services
from torg.booking.models import Booking

from .conftest import at

S = Booking.Status


@pytest.fixture
def series(tenant, association_rep, association, resource):
    """Four weekly Tuesday bookings 18–19 on behalf of the association."""
    start = at(1, 18)
    rrule = services.build_rrule(frequency="weekly", dtstart=start, count=4)
    return services.series_create(actor=association_rep, tenant=tenant, resource=resource, rrule=rrule,
                                  dtstart=start, minutes=60, organisation=association, title="Trening")


def _times(series):
    return [(b.start, b.end) for b in series.bookings.filter(status__in=Booking.ACTIVE).order_by("start")]


def test_move_one_occurrence_leaves_the_rest(series, association_rep):
    first, second, *_ = series.bookings.order_by("start")
    before = _times(series)
    moved = services.booking_move(actor=association_rep, booking=second, start=second.start + dt.timedelta(hours=1),
                                  end=second.end + dt.timedelta(hours=1), scope="this")
    assert moved == 1
    after = _times(series)
    assert after[0] == before[0] and after[2:] == before[2:]
    assert after[1] == (before[1][0] + dt.timedelta(hours=1), before[1][1] + dt.timedelta(hours=1))
    second.refresh_from_db()
    assert second.series_id == series.pk and second.slots.get().start == second.start


def test_move_this_and_following_with_a_conflict_kept(series, tenant, admin_user, resource, association_rep):
    bookings = list(series.bookings.order_by("start"))
    third = bookings[2]
    # someone else has 19–20 on the day of the third occurrence
    blocker = services.booking_create(actor=admin_user, tenant=tenant, resource=resource,
                                      start=third.start + dt.timedelta(hours=1), end=third.end + dt.timedelta(hours=1))
    second = bookings[1]
    new_start, new_end = second.start + dt.timedelta(hours=1), second.end + dt.timedelta(hours=1, minutes=30)
    rows = services.booking_move_preview(actor=association_rep, booking=second, start=new_start, end=new_end,
                                         scope="following")
    assert [r["booking"].pk for r in rows] == [b.pk for b in bookings[1:]]
    assert [bool(r["problem"]) for r in rows] == [False, True, False]
    assert "already booked" in rows[1]["problem"]
    assert all(r["end"] - r["start"] == dt.timedelta(minutes=90) for r in rows)
    with pytest.raises(ValidationError, match="already booked"):  # not kept → nothing moves
        services.booking_move(actor=association_rep, booking=second, start=new_start, end=new_end,
                              scope="following")
    assert _times(series)[1][0] == second.start
    moved = services.booking_move(actor=association_rep, booking=second, start=new_start, end=new_end,
                                  scope="following", keep=[third.pk])
    assert moved == 2
    times = _times(series)
    assert times[0][0] == bookings[0].start  # earlier occurrence untouched
    assert times[1] == (new_start, new_end)
    assert times[2][0] == third.start  # kept
    assert times[3][0] == bookings[3].start + dt.timedelta(hours=1)
    blocker.refresh_from_db()
    assert blocker.status == S.CONFIRMED


def test_moving_by_days_keeps_wall_clock_time(series, association_rep):
    first = series.bookings.order_by("start").first()
    services.booking_move(actor=association_rep, booking=first, start=first.start + dt.timedelta(days=1),
                          end=first.end + dt.timedelta(days=1), scope="following")
    from torg.booking.queries import OSLO

    starts = [s for s, _e in _times(series)]
    assert all(s.astimezone(OSLO).hour == 18 and s.astimezone(OSLO).weekday() == 2 for s in starts)


def test_others_cannot_move_and_cancel_the_rest_of_a_series(series, citizen, association_rep):
    second = series.bookings.order_by("start")[1]
    with pytest.raises(PermissionDenied):
        services.booking_move_preview(actor=citizen, booking=second, start=second.start, end=second.end)
    with pytest.raises(PermissionDenied):
        services.booking_move(actor=citizen, booking=second, start=second.start, end=second.end)
    assert services.series_cancel_from(actor=association_rep, booking=second) == 3
    assert len(_times(series)) == 1


def test_move_through_the_pages(client_for, series, association_rep, tenant, admin_user, resource):
    bookings = list(series.bookings.order_by("start"))
    second, third = bookings[1], bookings[2]
    services.booking_create(actor=admin_user, tenant=tenant, resource=resource,
                            start=third.start + dt.timedelta(hours=1), end=third.end + dt.timedelta(hours=1))
    c = client_for(association_rep)
    detail = c.get(reverse("booking:booking_detail", args=[second.pk])).content.decode()
    url = reverse("booking:booking_move", args=[second.pk])
    assert url in detail
    page = c.get(url).content.decode()
    assert 'name="scope"' in page
    local = second.start.astimezone(queries.OSLO)
    data = {"scope": "following", "date": local.date().isoformat(), "start_time": "19:00", "end_time": "20:00"}
    preview = c.post(url, {**data, "preview": ""})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "already booked" in html and f'value="{third.pk}" id="keep-{third.pk}" checked' in html
    response = c.post(url, {**data, "confirm": "", "keep": [str(third.pk)]})
    assert response.status_code == 302
    assert [b.start.astimezone(queries.OSLO).hour for b in series.bookings.order_by("start")] == [18, 19, 18, 19]
    # a conflict that is not kept is shown on the form and nothing moves
    fourth = bookings[3]
    bad = c.post(reverse("booking:booking_move", args=[fourth.pk]),
                 {"scope": "this", "date": third.start.astimezone(queries.OSLO).date().isoformat(),
                  "start_time": "19:00", "end_time": "20:00", "confirm": ""})
    assert bad.status_code == 422 and "already booked" in bad.content.decode()


def test_a_single_booking_is_moved_without_scope(client_for, citizen, tenant, resource):
    booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(2, 10),
                                      end=at(2, 11))
    c = client_for(citizen)
    url = reverse("booking:booking_move", args=[booking.pk])
    assert 'name="scope"' not in c.get(url).content.decode()
    day = at(2, 10).date().isoformat()
    assert c.post(url, {"date": day, "start_time": "12:00", "end_time": "13:30", "confirm": ""}).status_code == 302
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(2, 12), at(2, 13, 30))
