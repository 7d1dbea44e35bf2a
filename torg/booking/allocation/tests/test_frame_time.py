"""Frame time (rammetid): an umbrella body's block, passed on to clubs and released as drop-in time."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from torg.booking import services as booking_services
from torg.booking.allocation import services
from torg.booking.allocation.models import Decision
from torg.booking.models import Booking
from torg.core import audit

from .conftest import apply, to_status, window


@pytest.fixture
def block(rnd, admin_user, association_rep, clubs, hall):
    """The sports council (here: Testvik IL's representative) holds a published weekly block of Hall."""
    rnd = to_status(rnd, admin_user, "application")
    app = services.application_submit(
        actor=association_rep, tenant=rnd.tenant, rnd=rnd, organisation=clubs["il"], activity="Rammetid",
        group_size=40, age_group="mixed", sessions_per_week=1, minutes=120, choices=[hall["whole"]],
        windows=[window(5, (10,), (14,))], frame_time=True)
    other = apply(rnd, association_rep, clubs["chess"], [hall["room"]], [window(1, (17,), (20,))], age="adults")
    rnd = to_status(rnd, admin_user, "allocation")
    services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
    to_status(rnd, admin_user, "published")
    return Decision.objects.get(application=app), Decision.objects.get(application=other)


def test_pass_on_and_release(block, admin_user, association_rep, citizen, clubs, hall, tenant):
    decision, ordinary = block
    dates = list(Booking.objects.filter(series=decision.series).order_by("start"))
    assert len(dates) == 8 and {b.organisation for b in dates} == {clubs["il"]}
    first, fourth = dates[0].start.date(), dates[3].start.date()
    assert services.frame_time_pass_on(actor=association_rep, decision=decision, club=clubs["red_cross"],
                                       first=first, last=fourth) == 4
    assert [b.organisation for b in Booking.objects.filter(series=decision.series).order_by("start")][:5] == [
        clubs["red_cross"]] * 4 + [clubs["il"]]
    assert audit.history_for(dates[0], tenant)[0].action == "booking_hand_over"
    # The rest is released as drop-in time: cancelled, and the hall is free for a direct booking.
    assert services.frame_time_release(actor=association_rep, decision=decision) == 4
    statuses = list(Booking.objects.filter(series=decision.series).order_by("start").values_list("status", flat=True))
    assert statuses == ["confirmed"] * 4 + ["cancelled"] * 4
    freed = Booking.objects.filter(series=decision.series, status="cancelled").first()
    booking_services.rules_update(actor=admin_user, resource=hall["a"], window_days=200)
    booking_services.booking_create(actor=citizen, tenant=tenant, resource=hall["a"], start=freed.start,
                                    end=freed.end)
    # Only frame time, only the umbrella (or staff), never to itself.
    with pytest.raises(PermissionDenied):
        services.frame_time_pass_on(actor=association_rep, decision=ordinary, club=clubs["red_cross"])
    with pytest.raises(PermissionDenied):
        services.frame_time_release(actor=citizen, decision=decision)
    with pytest.raises(ValidationError, match="another organisation"):
        services.frame_time_pass_on(actor=association_rep, decision=decision, club=clubs["il"])


def test_pass_on_from_the_page_and_the_api(block, client_for, association_rep, clubs):
    decision, _ordinary = block
    client = client_for(association_rep)
    page = client.get(reverse("booking_allocation:application_detail", args=[decision.application_id]))
    assert "Testvik IL: 8 dates" in page.content.decode()
    client.post(reverse("booking_allocation:frame_pass_on", args=[decision.pk]),
                {f"p{decision.pk}-club": clubs["chess"].pk})
    assert Booking.objects.filter(series=decision.series, organisation=clubs["chess"]).count() == 8
    answer = client.post(f"/api/v1/booking/allocation/decisions/{decision.pk}/release", data={},
                         content_type="application/json")
    assert answer.json() == {"count": 0}  # nothing left with the umbrella
    answer = client.post(f"/api/v1/booking/allocation/decisions/{decision.pk}/pass-on",
                         data={"club_id": clubs["red_cross"].pk, "first": dt.date.today().isoformat()},
                         content_type="application/json")
    assert answer.json() == {"count": 8}


def test_the_club_sees_the_time_handed_over_to_it(block, client_for, make_member, tenant, association_rep, clubs):
    """A club's representative who did not book finds the passed-on dates in My bookings (page and API)
    and may open them; someone else's club does not see them."""
    decision, _ordinary = block
    chess_rep = make_member(tenant, "sjakk", "association")
    clubs["chess"].representatives.add(chess_rep)
    stranger = make_member(tenant, "fremmed", "association")
    services.frame_time_pass_on(actor=association_rep, decision=decision, club=clubs["chess"])
    handed = Booking.objects.filter(series=decision.series).order_by("start").first()
    assert handed.booker == association_rep and handed.organisation == clubs["chess"]
    client = client_for(chess_rep)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert reverse("booking:booking_detail", args=[handed.pk]) in page
    detail = client.get(reverse("booking:booking_detail", args=[handed.pk]))
    assert detail.status_code == 200  # the hand-over's history names both organisations
    assert "Handed over to another organisation" in detail.content.decode() and "Testvik IL (974760673)" in \
        detail.content.decode()
    rows = client.get("/api/v1/booking/bookings").json()
    # The chess club's own season (8 dates) and the 8 passed on, each once though it has two representatives.
    assert sorted(row["id"] for row in rows) == sorted(
        Booking.objects.filter(organisation=clubs["chess"]).values_list("pk", flat=True)) and len(rows) == 16
    assert handed.pk in {row["id"] for row in rows}
    assert client.get(f"/api/v1/booking/bookings/{handed.pk}").status_code == 200
    other = client_for(stranger)
    assert reverse("booking:booking_detail", args=[handed.pk]) not in other.get(
        reverse("booking:my_bookings")).content.decode()
    assert other.get(reverse("booking:booking_detail", args=[handed.pk])).status_code == 404
    assert other.get(f"/api/v1/booking/bookings/{handed.pk}").status_code == 404
