from django.urls import reverse

from torg.booking import services
from torg.booking.models import Booking, Notification

from .conftest import at

S = Booking.Status


def test_citizen_and_association_see_booking_in_nav(client_for, citizen, association_rep, resource):
    for user in (citizen, association_rep):
        response = client_for(user).get(reverse("booking:home"))
        assert response.status_code == 200
        assert resource.name in response.content.decode()
        assert 'href="/booking/"' in response.content.decode()


def test_home_filters_by_capacity_and_step_free(client_for, admin_user, citizen, resource):
    services.rules_update(actor=admin_user, resource=resource, capacity=8, step_free=False)
    c = client_for(citizen)
    assert resource.name in c.get(reverse("booking:home"), {"capacity": 6}).content.decode()
    assert resource.name not in c.get(reverse("booking:home"), {"capacity": 20}).content.decode()
    assert resource.name not in c.get(reverse("booking:home"), {"step_free": "on"}).content.decode()


def test_week_view_shows_free_and_booked_cells(client_for, citizen, employee, resource):
    services.booking_create(actor=employee, tenant=resource.tenant, resource=resource, start=at(1, 10), end=at(1, 12))
    response = client_for(citizen).get(reverse("booking:resource_week", args=[resource.pk]),
                                       {"week": at(0, 0).date().isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in html and 'scope="row"' in html
    assert html.count('data-state="busy"') == 2  # 10–11 and 11–12 on Tuesday
    assert "?start=" in html
    assert reverse("booking:resource_feed", args=[resource.ical_token]) in html


def test_book_through_the_form_twice_creates_one_booking(client_for, citizen, resource):
    c = client_for(citizen)
    url = reverse("booking:booking_create", args=[resource.pk])
    form_html = c.get(url, {"start": at(1, 10).isoformat()}).content.decode()
    assert f'type="date" name="date" value="{at(1, 10).date().isoformat()}"' in form_html
    assert 'value="10:00"' in form_html and 'value="11:00"' in form_html
    data = {"date": at(1, 10).date().isoformat(), "start_time": "10:00", "end_time": "11:30",
            "title": "Styremøte", "idempotency_key": "form-key-1", "confirm": "1"}
    first = c.post(url, data)
    second = c.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    b = Booking.objects.get()
    assert (b.start, b.end, b.title) == (at(1, 10), at(1, 11, 30), "Styremøte")
    detail = c.get(first["Location"])
    assert "Styremøte" in detail.content.decode()


def test_conflict_is_shown_on_the_form(client_for, citizen, employee, resource):
    services.booking_create(actor=employee, tenant=resource.tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    response = client_for(citizen).post(reverse("booking:booking_create", args=[resource.pk]), {
        "date": at(1, 10).date().isoformat(), "start_time": "10:30", "end_time": "11:30", "idempotency_key": "k"})
    assert response.status_code == 422
    assert "already booked" in response.content.decode()


def test_on_behalf_of_organisation_through_form(client_for, association_rep, resource, association):
    c = client_for(association_rep)
    url = reverse("booking:booking_create", args=[resource.pk])
    assert "Testvik IL" in c.get(url).content.decode()
    c.post(url, {"date": at(1, 10).date().isoformat(), "start_time": "18:00", "end_time": "19:00",
                 "organisation": association.pk, "idempotency_key": "org-1", "confirm": "1"})
    assert Booking.objects.get().organisation == association


def test_other_users_booking_is_404_and_staff_see_it(client_for, citizen, employee, admin_user, resource):
    b = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(1, 10),
                                end=at(1, 11))
    url = reverse("booking:booking_detail", args=[b.pk])
    assert client_for(employee).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 200


def test_other_tenant_cannot_see_resource(client_for, other_admin, resource):
    assert client_for(other_admin).get(reverse("booking:resource_week", args=[resource.pk])).status_code == 404


def test_my_bookings_and_cancel(client_for, citizen, resource):
    b = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(3, 10),
                                end=at(3, 11))
    c = client_for(citizen)
    assert reverse("booking:booking_detail", args=[b.pk]) in c.get(reverse("booking:my_bookings")).content.decode()
    c.post(reverse("booking:booking_cancel", args=[b.pk]))
    b.refresh_from_db()
    assert b.status == S.CANCELLED


def test_staff_approval_queue_approve_and_reject(client_for, admin_user, citizen, resource, mailoutbox, settings,
                                                 django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    citizen.email = "c@example.org"
    citizen.save()
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    b1 = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(1, 10),
                                 end=at(1, 11))
    b2 = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(1, 12),
                                 end=at(1, 13))
    assert client_for(citizen).get(reverse("booking:approvals")).status_code == 403
    c = client_for(admin_user)
    page = c.get(reverse("booking:approvals")).content.decode()
    assert reverse("booking:booking_approve", args=[b1.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("booking:booking_approve", args=[b1.pk]), {"next": reverse("booking:approvals")})
        c.post(reverse("booking:booking_reject", args=[b2.pk]), {"reason": "Fully booked for an event"})
    b1.refresh_from_db()
    b2.refresh_from_db()
    assert (b1.status, b2.status) == (S.CONFIRMED, S.REJECTED)
    assert len(mailoutbox) == 2
    assert Notification.objects.filter(user=citizen, booking=b2, message__contains="Fully booked").exists()
    home = client_for(citizen).get(reverse("booking:home")).content.decode()
    assert "Fully booked for an event" in home


def test_booking_ics_has_stable_uid_and_oslo_time(client_for, citizen, resource):
    b = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(1, 10),
                                end=at(1, 11))
    c = client_for(citizen)
    body1 = c.get(reverse("booking:booking_ics", args=[b.pk])).content.decode()
    body2 = c.get(reverse("booking:booking_ics", args=[b.pk])).content.decode()
    assert f"UID:{b.uid}" in body1 and f"UID:{b.uid}" in body2
    assert "TZID=Europe/Oslo" in body1 and "BEGIN:VTIMEZONE" in body1
    assert at(1, 10).strftime("%Y%m%dT100000") in body1


def test_resource_feed_by_token_without_login(client, resource, citizen):
    services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(1, 10), end=at(1, 11),
                            title="Private title")
    body = client.get(reverse("booking:resource_feed", args=[resource.ical_token])).content.decode()
    assert "BEGIN:VEVENT" in body and "Private title" not in body
    assert client.get(reverse("booking:resource_feed", args=["x" * 32])).status_code == 404


def test_series_preview_shows_conflict_and_confirm_skips_it(client_for, association_rep, employee, resource,
                                                            association):
    services.booking_create(actor=employee, tenant=resource.tenant, resource=resource, start=at(15, 18),
                            end=at(15, 19))  # collides with the 3rd weekly date
    c = client_for(association_rep)
    url = reverse("booking:series_create", args=[resource.pk])
    data = {"date": at(1, 0).date().isoformat(), "start_time": "18:00", "end_time": "19:30",
            "organisation": association.pk, "idempotency_key": "s1", "frequency": "weekly", "count": 4,
            "title": "Trening"}
    preview = c.post(url, {**data, "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert html.count("<tr") == 5 and "already booked" in html
    assert f'name="skip" value="{at(15, 0).date().isoformat()}"' in html
    done = c.post(url, {**data, "confirm": "1", "skip": [at(15, 0).date().isoformat()]})
    assert done.status_code == 302
    dates = list(Booking.objects.filter(booker=association_rep).values_list("start", flat=True))
    assert dates == [at(1, 18), at(8, 18), at(22, 18)]
    assert all(b.series_id and b.organisation == association for b in Booking.objects.filter(booker=association_rep))


def test_series_without_skipping_the_conflict_books_nothing(client_for, association_rep, employee, resource):
    services.booking_create(actor=employee, tenant=resource.tenant, resource=resource, start=at(8, 18),
                            end=at(8, 19))
    response = client_for(association_rep).post(reverse("booking:series_create", args=[resource.pk]), {
        "date": at(1, 0).date().isoformat(), "start_time": "18:00", "end_time": "19:00", "idempotency_key": "s",
        "frequency": "weekly", "count": 3, "confirm": "1"})
    assert response.status_code == 422
    assert not Booking.objects.filter(booker=association_rep).exists()


def test_personal_and_organisation_feeds(client, client_for, association_rep, citizen, resource, association):
    services.booking_create(actor=association_rep, tenant=resource.tenant, resource=resource, start=at(1, 18),
                            end=at(1, 19), organisation=association, title="Trening")
    services.booking_create(actor=association_rep, tenant=resource.tenant, resource=resource, start=at(2, 18),
                            end=at(2, 19), title="Privat")
    c = client_for(association_rep)
    c.post(reverse("booking:feed_rotate"))
    c.post(reverse("booking:feed_rotate"), {"organisation": association.pk})
    from torg.booking.models import CalendarFeed

    mine = CalendarFeed.objects.get(user=association_rep, organisation=None)
    org_feed = CalendarFeed.objects.get(user=association_rep, organisation=association)
    assert mine.token in c.get(reverse("booking:my_bookings")).content.decode()
    personal = client.get(reverse("booking:personal_feed", args=[mine.token])).content.decode()
    organisation = client.get(reverse("booking:personal_feed", args=[org_feed.token])).content.decode()
    assert "Trening" in personal and "Privat" in personal
    assert "Trening" in organisation and "Privat" not in organisation
    old = mine.token
    c.post(reverse("booking:feed_rotate"))
    assert client.get(reverse("booking:personal_feed", args=[old])).status_code == 404
    # a citizen cannot make a feed for an organisation they do not represent
    assert client_for(citizen).post(reverse("booking:feed_rotate"), {"organisation": association.pk}).status_code == 404


def test_approve_and_reject_never_redirect_off_site(client_for, admin_user, citizen, resource, tenant):
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    b = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    c = client_for(admin_user)
    r = c.post(reverse("booking:booking_approve", args=[b.pk]), {"next": "https://evil.example/phish"})
    assert r.status_code == 302 and r["Location"] == reverse("booking:booking_detail", args=[b.pk])
    b2 = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(2, 10), end=at(2, 11))
    r = c.post(reverse("booking:booking_reject", args=[b2.pk]), {"next": "//evil.example", "reason": "Nei"})
    assert r["Location"] == reverse("booking:booking_detail", args=[b2.pk])
    b3 = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(3, 10), end=at(3, 11))
    r = c.post(reverse("booking:booking_approve", args=[b3.pk]), {"next": reverse("booking:approvals")})
    assert r["Location"] == reverse("booking:approvals")
