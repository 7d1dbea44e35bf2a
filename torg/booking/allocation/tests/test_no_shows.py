"""Repeated no-shows on a season's series flag the holder's application for review at the next round."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from torg.booking.allocation import queries, services
from torg.booking.allocation.models import Decision
from torg.booking.models import Booking

from .conftest import apply, season, to_status, window


def test_repeated_no_shows_flag_the_next_application(rnd, admin_user, association_rep, clubs, hall, tenant,
                                                    client_for):
    rnd = to_status(rnd, admin_user, "application")
    chess = apply(rnd, association_rep, clubs["chess"], [hall["room"]], [window(1, (17,), (20,))], age="adults")
    il = apply(rnd, association_rep, clubs["il"], [hall["whole"]], [window(2, (17,), (20,))])
    rnd = to_status(rnd, admin_user, "allocation")
    services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
    to_status(rnd, admin_user, "published")
    chess_series = Decision.objects.get(application=chess).series
    il_series = Decision.objects.get(application=il).series
    # The chess club did not turn up twice (released by the check-in rule or marked by staff); IL once.
    for series, times in ((chess_series, 2), (il_series, 1)):
        ids = list(Booking.objects.filter(series=series).order_by("start").values_list("pk", flat=True)[:times])
        Booking.objects.filter(pk__in=ids).update(no_show=True)
    start, end = season()
    nxt = services.round_create(actor=admin_user, tenant=tenant, name="Neste sesong",
                                season_start=end + dt.timedelta(days=1), season_end=end + dt.timedelta(weeks=8),
                                application_deadline=timezone.localdate() + dt.timedelta(days=3),
                                complaint_deadline=timezone.localdate() + dt.timedelta(days=5),
                                resources=[hall["whole"], hall["room"]])
    nxt = to_status(nxt, admin_user, "application")
    again = apply(nxt, association_rep, clubs["chess"], [hall["room"]], [window(1, (17,), (20,))], age="adults")
    il_again = apply(nxt, association_rep, clubs["il"], [hall["whole"]], [window(2, (17,), (20,))])
    flags = queries.no_show_flags(nxt)
    assert list(flags) == [again.pk] and flags[again.pk][0]["count"] == 2
    assert flags[again.pk][0]["decision"].series_id == chess_series.pk
    assert queries.no_show_flags(rnd) == {}  # the first round has no earlier season
    staff = client_for(admin_user)
    page = staff.get(reverse("booking_allocation:round_detail", args=[nxt.pk])).content.decode()
    assert page.count('data-testid="no-show-flag"') == 1
    detail = staff.get(reverse("booking_allocation:application_detail", args=[again.pk])).content.decode()
    assert "Repeated no-shows" in detail and "2 no-shows" in detail
    rows = staff.get(f"/api/v1/booking/allocation/rounds/{nxt.pk}/applications").json()["items"]
    by_id = {r["id"]: r["no_show_flags"] for r in rows}
    assert by_id[again.pk] == [{"round_id": rnd.pk, "decision_id": Decision.objects.get(application=chess).pk,
                                "series_id": chess_series.pk, "resource_id": hall["room"].pk, "no_shows": 2}]
    assert by_id[il_again.pk] == []
    # The applicant does not see the staff's flag.
    rep = client_for(association_rep)
    assert "Repeated no-shows" not in rep.get(
        reverse("booking_allocation:application_detail", args=[again.pk])).content.decode()
    assert rep.get(f"/api/v1/booking/allocation/applications/{again.pk}").json()["no_show_flags"] == []
