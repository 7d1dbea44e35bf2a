"""Issue 14: a citizen booking on a phone — the next seven days from today, times that have passed
not offered, a search for a free room by date and time, notices folded and dated, the receipt with
address and entrance (also in .ics and the door-code message), cancelling with a confirmation step,
the meråpent terms shown before signing."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from torg.booking import queries, services
from torg.booking.models import Booking, MeraapentAgreement, Notification

from .conftest import at, open_hours


def _open_every_day(admin_user, tenant, building):
    open_hours(admin_user, tenant, building, staffed=(7, 23), meraapent=None)


def test_week_view_starts_today_and_does_not_offer_times_that_have_passed(client_for, citizen, admin_user, tenant,
                                                                           building, resource):
    _open_every_day(admin_user, tenant, building)
    now = timezone.localtime(timezone.now(), queries.OSLO)
    html = client_for(citizen).get(reverse("booking:resource_week", args=[resource.pk])).content.decode()
    today = now.date()
    # The first column is today, whatever the weekday; there is no way back to days that have passed.
    assert f"?week={(today + dt.timedelta(days=7)).isoformat()}" in html
    assert f"?week={(today - dt.timedelta(days=7)).isoformat()}" not in html
    days, rows = queries.week_grid(resource=resource, monday=today)
    assert days[0] == today
    past = [c for _t, cells in rows for c in cells if c["start"] < timezone.now()]
    # Before 08:00 Oslo time no hour of the grid (from 07:00) has started yet: nothing is past then.
    assert (past or now.hour < 8) and all(c["state"] in ("past", "closed", "busy") for c in past)
    for c in past:
        assert f'?start={c["start"]:%Y-%m-%dT%H:%M}"' not in html
    # Tomorrow's 10:00 is offered, in the table and in the day-by-day list for phones.
    tomorrow_ten = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10), queries.OSLO)
    assert html.count(f'?start={tomorrow_ten:%Y-%m-%dT%H:%M}"') == 2
    assert 'class="torg-booking-days"' in html


def test_day_by_day_list_merges_booked_hours(admin_user, employee, tenant, building, resource):
    _open_every_day(admin_user, tenant, building)
    services.booking_create(actor=employee, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 12))
    days, rows = queries.week_grid(resource=resource, monday=at(0, 0).date(), now=at(0, 0))
    tuesday = queries.week_days(days, rows)[1]
    assert tuesday["booked"] == [(at(1, 10), at(1, 12))]
    free = [c["start"] for c in tuesday["free"]]
    assert at(1, 9) in free and at(1, 10) not in free and at(1, 11) not in free and at(1, 12) in free


def test_search_for_a_free_room_by_date_and_time(client_for, citizen, employee, admin_user, tenant, building,
                                                 resource, rooms):
    _open_every_day(admin_user, tenant, building)
    other = services.resource_create(actor=admin_user, tenant=tenant, name="Kontor", building=building,
                                     room=rooms["0.02"])
    services.booking_create(actor=employee, tenant=tenant, resource=resource, start=at(2, 13), end=at(2, 15))
    c = client_for(citizen)
    response = c.get(reverse("booking:home"), {"date": at(2, 0).date().isoformat(), "start_time": "14:00",
                                               "end_time": "15:30"})
    html = response.content.decode()
    assert response.status_code == 200
    # The free room comes first with a button that books exactly that time; the booked one says so.
    free_link = (reverse("booking:booking_create", args=[other.pk])
                 + f"?start={at(2, 14):%Y-%m-%dT%H:%M}&amp;end=15:30")
    assert free_link in html
    assert html.index(free_link) < html.index("Booked then")
    assert reverse("booking:booking_create", args=[resource.pk]) + "?start=" not in html
    # The booking form opens with that time filled in.
    form = c.get(reverse("booking:booking_create", args=[other.pk]),
                 {"start": f"{at(2, 14):%Y-%m-%dT%H:%M}", "end": "15:30"}).content.decode()
    assert 'value="14:00"' in form and 'value="15:30"' in form
    # A time in the past or half a time is refused in words.
    past = c.get(reverse("booking:home"), {"date": "2020-01-01", "start_time": "10:00", "end_time": "11:00"})
    assert "This time has passed" in past.content.decode()
    half = c.get(reverse("booking:home"), {"date": at(2, 0).date().isoformat()})
    assert "both times" in half.content.decode()


def test_landing_shows_rooms_before_notices_newest_first_and_one_can_be_dismissed(client_for, citizen, tenant,
                                                                                   resource):
    old = Notification.objects.create(tenant=tenant, user=citizen, message="Eldre melding")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    new = Notification.objects.create(tenant=tenant, user=citizen, message="Nyere melding")
    c = client_for(citizen)
    html = c.get(reverse("booking:home")).content.decode()
    assert html.index(resource.name) < html.index("Nyere melding") < html.index("Eldre melding")
    assert "2 unread notices" in html and "<details" in html
    c.post(reverse("booking:notifications_read"), {"notification": new.pk})
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == [old.pk]


def test_receipt_calendar_and_door_code_say_where_to_go(client_for, citizen, admin_user, tenant, building,
                                                        resource, mailoutbox):
    services.rules_update(actor=admin_user, resource=resource, entrance="Hovedinngangen, 1. etasje til venstre")
    open_hours(admin_user, tenant, building)
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 1, 1), accept_terms=True)
    citizen.email = "innbygger@example.org"
    citizen.save()
    booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18),
                                      end=at(1, 19))
    c = client_for(citizen)
    receipt = c.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert "Testgata 1" in receipt and "Hovedinngangen, 1. etasje til venstre" in receipt
    ics = c.get(reverse("booking:booking_ics", args=[booking.pk])).content.decode().replace("\r\n ", "")
    assert "LOCATION:Møterom\\, Testhuset\\, Testgata 1. Entrance: Hovedinngangen\\, 1. etasje til venstre" in ics
    assert services.access_code_deliver(booking_id=booking.pk)
    assert "Testgata 1" in mailoutbox[-1].body and "Hovedinngangen" in mailoutbox[-1].body


def test_cancel_asks_first_and_says_what_is_cancelled(client_for, citizen, resource):
    booking = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(3, 10),
                                      end=at(3, 11))
    c = client_for(citizen)
    url = reverse("booking:booking_cancel", args=[booking.pk])
    detail = c.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert f'href="{url}"' in detail  # a link to the confirmation, not a button that cancels at once
    confirm = c.get(url)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Yes, cancel the booking" in html and "No, keep it" in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # looking at the question cancels nothing
    c.post(url)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    history = c.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    c.cookies["django_language"] = "nb"
    history = c.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert "Avbestilt" in history and "cancelled" not in history  # the history in words, in Norwegian
    assert c.get(url).status_code == 302  # nothing left to cancel


def test_meraapent_terms_are_shown_before_signing_and_the_date_is_norwegian(client_for, citizen, tenant,
                                                                             building):
    c = client_for(citizen)
    c.cookies["django_language"] = "nb"
    url = reverse("booking:meraapent_agreement", args=[building.pk])
    html = c.get(url).content.decode()
    assert "Vilkårene du godtar" in html and "deler ikke koden" in html
    MeraapentAgreement.objects.create(tenant=tenant, user=citizen, building=building,
                                      birth_date=dt.date(1990, 1, 1),
                                      accepted_at=dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.timezone.utc))
    html = c.get(url).content.decode()
    assert "6. desember 2026" in html and "2026-12-0" not in html  # Oslo's date, in words


def test_public_room_catalogue_without_login(client, admin_user, tenant, other_tenant, building, resource, rooms,
                                             settings, tmp_path):
    from .test_find_and_manage import _png

    settings.MEDIA_ROOT = tmp_path
    services.rules_update(actor=admin_user, resource=resource, entrance="Hovedinngangen", step_free=True,
                          equipment=["projektor"])
    services.resource_photo_add(actor=admin_user, resource=resource, upload=_png(), alt="Rommet sett fra døra")
    staff_only = services.resource_create(actor=admin_user, tenant=tenant, name="Kontor", building=building,
                                          room=rooms["0.02"], allow_citizens=False)
    url = reverse("booking:public_rooms", args=[tenant.slug])
    html = client.get(url).content.decode()  # nobody is logged in
    assert resource.name in html and "Testgata 1" in html and "Hovedinngangen" in html and "projektor" in html
    assert staff_only.name not in html
    photo_url = reverse("booking:public_room_photo", args=[tenant.slug, resource.public_code, 1])
    assert photo_url in html and 'alt="Rommet sett fra døra"' in html
    assert f"/booking/resources/{resource.pk}/" not in html  # no database ids in public links
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert client.get(reverse("booking:public_room_photo", args=[tenant.slug, resource.public_code, 2])).status_code == 404
    # Another municipality's address does not show this one's rooms or photos.
    assert resource.name not in client.get(reverse("booking:public_rooms", args=[other_tenant.slug])).content.decode()
    assert client.get(reverse("booking:public_room_photo",
                              args=[other_tenant.slug, resource.public_code, 1])).status_code == 404
    assert client.get(reverse("booking:public_room_photo", args=[tenant.slug, staff_only.public_code, 1])).status_code == 404
