"""Door codes are delivered to the booker by e-mail in the background, never in clear in the task
queue, the database or a log; the responsible person of an organisation's meråpent booking."""

import datetime as dt
import json
import logging
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from torg.booking import queries, services
from torg.booking.models import AccessCode, Booking, Notification

from .conftest import FakeDoorController, at

S = Booking.Status
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _code_from(mail):
    return re.search(r"\b(\d{8})\b", mail.body).group(1)


def test_confirmed_meraapent_booking_mails_a_working_code(tenant, building, citizen, resource, library, client,
                                                          settings, mailoutbox, caplog,
                                                          django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    citizen.email = "c@example.org"
    citizen.save()
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 5, 1), accept_terms=True)
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18),
                                          end=at(1, 20))
    assert len(mailoutbox) == 2 and all(m.to == ["c@example.org"] for m in mailoutbox)  # receipt and code
    [code_mail] = [m for m in mailoutbox if "door code" in m.subject.lower()]
    code = _code_from(code_mail)
    [receipt] = [m for m in mailoutbox if m is not code_mail]
    assert code not in receipt.body and "is confirmed" in receipt.body
    assert code not in caplog.text
    assert not any(code in str(v) for v in AccessCode.objects.values_list("code_hash", flat=True))
    assert not Notification.objects.filter(message__contains=code).exists()
    assert Notification.objects.filter(user=citizen, booking=booking, message__contains="e-mail").exists()
    _c, token = library
    door = FakeDoorController(client, token, "main")
    assert door.verify(code, booking.start)["allow"] is True
    # the "show once" page still works and replaces the mailed code
    shown = services.access_code_issue(actor=citizen, booking=booking)
    assert door.verify(code, booking.start)["allow"] is False
    assert door.verify(shown, booking.start)["allow"] is True


def test_only_the_booking_id_is_queued(tenant, building, citizen, resource, library, settings,
                                       django_capture_on_commit_callbacks):
    """With the database task backend, the queued task holds the booking id, and no code exists yet."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    citizen.email = "c@example.org"
    citizen.save()
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 5, 1), accept_terms=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18),
                                          end=at(1, 20))
    task = DBTaskResult.objects.get(task_path="torg.booking.tasks.deliver_access_code")
    assert task.args_kwargs["kwargs"] == {"booking_id": booking.pk}
    assert not AccessCode.objects.exists()


def test_approval_and_move_deliver_codes_staffed_and_requests_do_not(
        tenant, building, citizen, admin_user, resource, library, settings, mailoutbox,
        django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    citizen.email = "c@example.org"
    citizen.save()
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 5, 1), accept_terms=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18),
                                          end=at(1, 20))
        services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(2, 10), end=at(2, 11))
    assert mailoutbox == []  # requests and staffed bookings get no code
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_transition(actor=admin_user, booking=booking, to=S.CONFIRMED)
    codes = [_code_from(m) for m in mailoutbox if "door code" in m.subject.lower()]
    assert len(codes) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(actor=citizen, booking=booking, start=at(3, 18), end=at(3, 20))
    codes = [_code_from(m) for m in mailoutbox if "door code" in m.subject.lower()]
    assert len(codes) == 2 and AccessCode.objects.filter(revoked_at__isnull=True).count() == 1
    # cancelled before the worker ran: nothing is sent
    services.booking_transition(actor=citizen, booking=booking, to=S.CANCELLED)
    assert services.access_code_deliver(booking_id=booking.pk) is False


def test_without_email_the_booker_is_told_in_the_app(meraapent_booking, citizen):
    assert not citizen.email
    assert services.access_code_deliver(booking_id=meraapent_booking.pk) is False
    assert Notification.objects.filter(user=citizen, message__contains="show your door code").exists()
    assert not AccessCode.objects.exists()


def test_unread_notification_count(tenant, other_tenant, citizen, meraapent_booking):
    from django.contrib.auth.models import AnonymousUser

    assert queries.unread_notification_count(citizen, tenant) == 1  # the receipt
    services.access_code_deliver(booking_id=meraapent_booking.pk)
    assert queries.unread_notification_count(citizen, tenant) == 2
    assert queries.unread_notification_count(citizen, other_tenant) == 0
    assert queries.unread_notification_count(AnonymousUser(), tenant) == 0
    services.notifications_mark_read(actor=citizen, tenant=tenant)
    assert queries.unread_notification_count(citizen, tenant) == 0


# --- Responsible person for an organisation's meråpent booking ------------------------------
@pytest.fixture
def club_member(tenant, make_member, association):
    from torg.accounts.models import Role

    user = make_member(tenant, "trener", Role.ASSOCIATION)
    association.representatives.add(user)
    return user


def test_organisation_meraapent_booking_names_a_responsible_person_with_an_agreement(
        tenant, building, resource, library, association, association_rep, club_member, citizen, settings,
        mailoutbox, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    with pytest.raises(ValidationError, match="responsible person"):  # the booker has no agreement
        services.booking_create(actor=association_rep, tenant=tenant, resource=resource, start=at(1, 18),
                                end=at(1, 20), organisation=association)
    with pytest.raises(ValidationError, match="responsible person"):  # neither has the named person
        services.booking_create(actor=association_rep, tenant=tenant, resource=resource, start=at(1, 18),
                                end=at(1, 20), organisation=association, responsible=club_member)
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 5, 1), accept_terms=True)
    with pytest.raises(ValidationError, match="represent"):  # has an agreement, but not in the club
        services.booking_create(actor=association_rep, tenant=tenant, resource=resource, start=at(1, 18),
                                end=at(1, 20), organisation=association, responsible=citizen)
    services.meraapent_agreement_sign(actor=club_member, tenant=tenant, building=building,
                                      birth_date=dt.date(1985, 5, 1), accept_terms=True)
    club_member.email = "trener@example.org"
    club_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=association_rep, tenant=tenant, resource=resource,
                                          start=at(1, 18), end=at(1, 20), organisation=association,
                                          responsible=club_member)
    assert booking.meraapent and booking.responsible == club_member
    assert booking.actor_type == Booking.ActorType.ASSOCIATION
    assert [m.to for m in mailoutbox] == [["trener@example.org"]]  # the booker has no address here
    # the responsible person may show the code too; staffed bookings name nobody
    assert len(services.access_code_issue(actor=club_member, booking=booking)) == 8
    staffed = services.booking_create(actor=association_rep, tenant=tenant, resource=resource, start=at(2, 10),
                                      end=at(2, 11), organisation=association)
    assert staffed.responsible is None
    with pytest.raises(ValidationError):
        services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(3, 10), end=at(3, 11),
                                responsible=club_member)  # a personal booking names nobody


def test_responsible_person_through_the_form(client_for, tenant, building, resource, library, association,
                                             association_rep, club_member):
    services.meraapent_agreement_sign(actor=club_member, tenant=tenant, building=building,
                                      birth_date=dt.date(1985, 5, 1), accept_terms=True)
    c = client_for(association_rep)
    url = reverse("booking:booking_create", args=[resource.pk])
    page = c.get(url).content.decode()
    assert 'name="responsible"' in page and "Trener Test" in page
    day = at(1, 18).date().isoformat()
    data = {"date": day, "start_time": "18:00", "end_time": "20:00", "organisation": association.pk,
            "idempotency_key": "form-1", "confirm": "1"}
    assert c.post(url, data).status_code == 422
    response = c.post(url, {**data, "responsible": club_member.pk})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.responsible == club_member
    # the responsible person sees the booking and may show the door code, but not change it
    detail = client_for(club_member).get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert reverse("booking:access_code", args=[booking.pk]) in detail
    assert reverse("booking:booking_cancel", args=[booking.pk]) not in detail
    assert reverse("booking:booking_move", args=[booking.pk]) not in detail


def test_responsible_person_through_the_api(client, tenant, building, resource, library, association,
                                            association_rep, club_member, citizen):
    from torg.accounts import services as account_services

    services.meraapent_agreement_sign(actor=club_member, tenant=tenant, building=building,
                                      birth_date=dt.date(1985, 5, 1), accept_terms=True)
    token = account_services.api_token_create(actor=association_rep, tenant=tenant, name="t")[1]
    body = {"resource_id": resource.pk, "start": at(1, 18).isoformat(), "end": at(1, 20).isoformat(),
            "organisation_id": association.pk}

    def post(**extra):
        return client.post("/api/v1/booking/bookings", data=json.dumps({**body, **extra}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert post().status_code == 422  # the booker has no agreement
    assert post(responsible_id=citizen.pk).status_code == 422  # not a representative
    response = post(responsible_id=club_member.pk)
    assert response.status_code == 201, response.content
    assert Booking.objects.get(pk=response.json()["id"]).responsible == club_member
