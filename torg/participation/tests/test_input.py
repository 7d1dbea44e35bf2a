"""Giving input: ideas, comments, support, identity per process, moderation and masking."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from torg.core.models import AuditEvent
from torg.participation import queries, services
from torg.participation.models import Input, Support

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FNR = "01019012138"  # synthetic: born 1 January 1990, both control digits valid


def test_the_synthetic_number_is_valid():
    from torg.participation.privacy import valid_national_id

    assert valid_national_id(FNR)


def test_pre_moderation_waits_post_moderation_publishes(open_process, admin_user):
    item = services.input_submit(process=open_process, participant="b:1", title="Idé", body="Tekst")
    assert item.status == "pending" and not queries.public_ideas(process=open_process).exists()
    services.input_set_status(actor=admin_user, item=item, status="published")
    assert list(queries.public_ideas(process=open_process)) == [item]
    services.process_update(actor=admin_user, process=open_process, moderation="post")
    open_process.refresh_from_db()
    later = services.input_submit(process=open_process, participant="b:2", title="Idé 2", body="Tekst")
    assert later.status == "published"


def test_personal_data_is_masked_before_storing_and_flagged(open_process, admin_user):
    item = services.input_submit(process=open_process, participant="b:1", title="Ring meg",
                                 body=f"Mitt fødselsnummer er {FNR}, telefon 41 23 45 67, e-post ola@example.no")
    item.refresh_from_db()
    assert FNR not in item.body and "41 23 45 67" not in item.body and "ola@example.no" not in item.body
    assert item.masked == ["email", "national_id", "phone"] and item.needs_review
    assert item in queries.moderation_queue(process=open_process)
    assert not AuditEvent.objects.filter(changes__icontains=FNR).exists()
    assert not AuditEvent.objects.filter(object_repr__contains=FNR).exists()


def test_hide_keeps_the_input_and_tells_the_author(open_process, admin_user, citizen, settings,
                                                   django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    item = services.input_submit(process=open_process, participant="b:1", title="Stygg", body="Tekst",
                                 notify_email="ola@example.no")
    with pytest.raises(PermissionDenied):
        services.input_set_status(actor=citizen, item=item, status="hidden", reason="Nei")
    with pytest.raises(ValidationError):
        services.input_set_status(actor=admin_user, item=item, status="hidden")  # a reason is required
    with django_capture_on_commit_callbacks(execute=True):
        services.input_set_status(actor=admin_user, item=item, status="hidden", reason="Personangrep")
    item.refresh_from_db()
    assert item.status == "hidden" and item.moderation_reason == "Personangrep"
    assert [m.to for m in mail.outbox] == [["ola@example.no"]] and "Personangrep" in mail.outbox[0].body
    assert [i.pk for i in queries.my_inputs(process=open_process, participant="b:1")] == [item.pk]


def test_support_once_per_person(idea):
    assert services.support_add(item=idea, participant="b:1") is True
    assert services.support_add(item=idea, participant="b:1") is False
    assert services.support_add(item=idea, participant="u:7") is True
    assert Support.objects.filter(input=idea).count() == 2


def test_report_flags_for_review(idea, open_process):
    assert services.report_abuse(item=idea, participant="b:9", reason="Usaklig") is True
    assert services.report_abuse(item=idea, participant="b:9") is False
    assert idea in queries.moderation_queue(process=open_process)


def test_closed_and_draft_processes_take_no_input(process, admin_user):
    with pytest.raises(ValidationError):
        services.input_submit(process=process, participant="b:1", title="X", body="Y")
    assert Client().get(reverse("participation:input_create", args=[process.code])).status_code == 404


# --- Through the pages --------------------------------------------------------------------------
def test_anonymous_citizen_gives_input_supports_and_comments(open_process, admin_user, idea):
    browser = Client()
    response = browser.post(reverse("participation:input_create", args=[open_process.code]), {
        "title": "Åpent bibliotek", "body": f"Ring meg på 91234567. Fnr {FNR}", "age_band": "13-19",
        "postal_code": "9990", "target_group": open_process.target_groups.get(kind="neighbours").pk})
    mine = Input.objects.get(title="Åpent bibliotek")
    assert response.status_code == 302 and mine.status == "pending" and mine.age_band == "13-19"
    assert "91234567" not in mine.body and FNR not in mine.body
    page = browser.get(response["Location"]).content.decode()
    assert "venter på en moderator" in page  # the author sees their own pending input
    assert Client().get(response["Location"]).status_code == 404  # nobody else does
    detail = reverse("participation:input_detail", args=[open_process.code, idea.code])
    browser.post(reverse("participation:input_support", args=[open_process.code, idea.code]))
    browser.post(reverse("participation:input_support", args=[open_process.code, idea.code]))
    assert idea.supports.count() == 1
    browser.post(reverse("participation:input_comment", args=[open_process.code, idea.code]), {"body": "Enig!"})
    comment = Input.objects.get(kind="comment")
    assert comment.parent == idea and comment.status == "pending"
    assert "Støttet av 1 person" in browser.get(detail).content.decode()
    my_page = browser.get(reverse("participation:my_input", args=[open_process.code])).content.decode()
    assert "Åpent bibliotek" in my_page and "Enig!" in my_page
    browser.post(reverse("participation:input_delete", args=[open_process.code, mine.code]))
    assert not Input.objects.filter(pk=mine.pk).exists()
    # Another browser cannot delete someone else's input.
    assert Client().post(reverse("participation:input_delete", args=[open_process.code, idea.code])).status_code == 404


def test_logged_in_and_invite_identity(open_process, admin_user, citizen, client_for):
    services.process_update(actor=admin_user, process=open_process, identity="logged_in")
    create = reverse("participation:input_create", args=[open_process.code])
    response = Client().get(create)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(citizen).get(create).status_code == 200

    services.process_update(actor=admin_user, process=open_process, identity="invite")
    group = open_process.target_groups.get(kind="employees")
    (invite,) = services.invites_create(actor=admin_user, process=open_process, count=1, label="Skolen",
                                        target_group=group)
    stranger = Client()
    assert stranger.get(create).status_code == 403
    invited = Client()
    invited.get(reverse("participation:invite_link", args=[open_process.code, invite.code]))
    invited.post(create, {"title": "Bedre pauserom", "body": "Vi trenger et stille rom."})
    item = Input.objects.get(title="Bedre pauserom")
    assert item.invite == invite and item.target_group == group and item.participant == f"i:{invite.pk}"
    assert Client().get(reverse("participation:invite_link", args=[open_process.code, "ZZZZZZZZZZZZ"])).status_code == 404


def test_moderation_queue_page_and_permissions(open_process, admin_user, employee, other_admin, client_for):
    item = services.input_submit(process=open_process, participant="b:1", title="Ny idé", body=f"fnr {FNR}")
    page = reverse("participation:moderation", args=[open_process.pk])
    html = client_for(admin_user).get(page).content.decode()
    assert "Ny idé" in html and "Personopplysninger ble maskert" in html
    client_for(admin_user).post(reverse("participation:input_status", args=[item.pk]),
                                {"status": "hidden", "reason": "Inneholdt personopplysninger"})
    item.refresh_from_db()
    assert item.status == "hidden" and item.moderation_reason == "Inneholdt personopplysninger"
    assert client_for(employee).get(page).status_code == 403
    assert client_for(other_admin).get(page).status_code == 404
    assert client_for(other_admin).post(reverse("participation:input_status", args=[item.pk]),
                                        {"status": "published"}).status_code == 404


def test_invite_codes_csv_for_managers_only(open_process, admin_user, employee, other_admin, client_for):
    services.invites_create(actor=admin_user, process=open_process, count=3, label="Servicetorget")
    url = reverse("participation:invites_csv", args=[open_process.pk])
    response = client_for(admin_user).get(url)
    assert response.status_code == 200 and response.content.decode("utf-8-sig").count("/invite/") == 3
    assert client_for(employee).get(url).status_code == 403
    assert client_for(other_admin).get(url).status_code == 404
