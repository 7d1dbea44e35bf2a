"""Following a process by e-mail (double opt-in, unsubscribe), news and notify_subscribers; retention
after closing (anonymise or delete), a participant's private receipt; status changes through one view."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from torg.core.audit import history_for
from torg.participation import retention, services, subscriptions
from torg.participation.models import Input, Process, Response, Subscription, Support

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def tasks_now(settings):
    settings.TASKS = IMMEDIATE
    settings.TORG_PUBLIC_BASE_URL = "https://torg.example.org"


def _link(message, name):
    return next(line for line in message.body.splitlines() if f"/participation/{name}/" in line)


def test_double_opt_in_then_notices_with_a_personal_unsubscribe_link(
        client, tasks_now, django_capture_on_commit_callbacks, open_process, admin_user):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participation:subscribe", args=[open_process.code]),
                               {"email": "Kari@Example.org", "news": "on", "feedback": "on"})
    assert response.status_code == 200
    [confirm_mail] = mail.outbox
    assert confirm_mail.to == ["kari@example.org"]
    confirm_url = _link(confirm_mail, "follow")
    assert confirm_url.startswith("https://torg.example.org/participation/follow/")
    token = confirm_url.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 40

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.notify_subscribers(open_process, "feedback", subject="S", body="B") == 0
    assert mail.outbox == []  # not confirmed yet: nothing is sent

    assert client.get(confirm_url.replace("https://torg.example.org", "")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.notify_subscribers(open_process, "feedback", subject="Vi har svart",
                                                body="Se hva vi gjorde.", link_path="/participation/") == 1
    [notice] = mail.outbox
    assert notice.subject == "Vi har svart" and "https://torg.example.org/participation/" in notice.body
    stop = _link(notice, "unfollow").replace("https://torg.example.org", "")
    assert notice.extra_headers["List-Unsubscribe"] == f"<https://torg.example.org{stop}>"
    assert client.get(stop).status_code == 200 and Subscription.objects.exists()  # a GET only asks
    assert client.post(stop).status_code == 200 and not Subscription.objects.exists()
    assert client.get(stop).status_code == 404


def test_news_goes_to_news_subscribers_only_and_shows_on_the_public_page(
        client, client_for, tasks_now, django_capture_on_commit_callbacks, open_process, admin_user, citizen):
    for email, news, feedback in [("a@example.org", True, False), ("b@example.org", False, True)]:
        sub = subscriptions.subscribe(process=open_process, email=email, news=news, feedback=feedback)
        subscriptions.confirm(token=sub.token)
    url = reverse("participation:news_create", args=[open_process.pk])
    assert client_for(citizen).post(url, {"title": "x", "body": "y"}).status_code in (403, 404)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(url, {"title": "Folkemøte 3. mars", "body": "Velkommen!"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    client.logout()
    assert "Folkemøte 3. mars" in client.get(reverse("participation:public_detail", args=[open_process.code])).content.decode()


def test_unknown_or_short_tokens_find_nothing(client, open_process):
    subscriptions.subscribe(process=open_process, email="a@example.org")
    for token in ["x", "a" * 43]:
        assert client.get(reverse("participation:subscription_confirm", args=[token])).status_code == 404
        assert client.get(reverse("participation:receipt", args=[token])).status_code == 404
    assert not Subscription.objects.filter(confirmed_at__isnull=False).exists()


def test_a_draft_process_cannot_be_followed(client, process):
    assert client.get(reverse("participation:subscribe", args=[process.code])).status_code == 404


# --- Receipt ------------------------------------------------------------------------------------
def test_the_private_receipt_shows_and_deletes_own_input_without_login(client, open_process):
    response = client.post(reverse("participation:input_create", args=[open_process.code]),
                           {"title": "Benker", "body": "Flere benker ved inngangen"})
    item = Input.objects.get()
    assert response.status_code == 302 and len(item.receipt) >= 40
    detail = client.get(response["Location"]).content.decode()
    assert reverse("participation:receipt", args=[item.receipt]) in detail  # shown to its author only
    other = client.__class__()  # another device: no session, only the link
    url = reverse("participation:receipt", args=[item.receipt])
    assert "Flere benker ved inngangen" in other.get(url).content.decode()  # another device, the link only
    assert other.post(url).status_code == 302 and not Input.objects.exists()
    assert other.get(url).status_code == 404


# --- Retention ----------------------------------------------------------------------------------
def _with_input(open_process, admin_user, retention_kind, months=6):
    services.process_update(actor=admin_user, process=open_process, retention=retention_kind, retention_months=months)
    item = services.input_submit(process=open_process, participant="u:7", title="Idé", body="Tekst",
                                 postal_code="9008", notify_email="a@example.org")
    services.input_set_status(actor=admin_user, item=item, status="published")
    services.support_add(item=Input.objects.get(pk=item.pk), participant="b:9")
    survey = services.survey_create(actor=admin_user, process=open_process, title="S")
    q = services.question_add(actor=admin_user, survey=survey, kind="text", text="Hva?")
    survey = services.survey_set_status(actor=admin_user, survey=survey, status="open")
    services.survey_submit(survey=survey, participant="u:7", answers={q.pk: "svar"})
    subscriptions.subscribe(process=open_process, email="f@example.org")
    return services.process_set_status(actor=admin_user, process=open_process, status="closed")


def test_retention_needs_months_when_it_is_not_keep(open_process, admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.process_update(actor=admin_user, process=open_process, retention="delete", retention_months=None)


def test_retention_anonymises_after_n_months_and_only_then(open_process, admin_user):
    closed = _with_input(open_process, admin_user, Process.Retention.ANONYMISE)
    assert closed.closed_at is not None
    assert retention.retention_run(now=closed.closed_at + dt.timedelta(days=150)) == {}
    done = retention.retention_run(now=closed.closed_at + dt.timedelta(days=190))
    assert done == {closed.pk: {"inputs": 1, "responses": 1, "subscriptions": 1}}
    item = Input.objects.get()
    assert (item.participant, item.notify_email, item.postal_code, item.receipt, item.anonymised) == (
        f"x:{item.pk}", "", "", "", True)
    assert item.body == "Tekst"  # the text stays for the analysis
    assert Support.objects.get().participant.startswith("x:") and Response.objects.get().participant.startswith("x:")
    assert not Subscription.objects.exists()
    assert retention.retention_run(now=closed.closed_at + dt.timedelta(days=400)) == {}  # once
    assert [e.action for e in history_for(closed, closed.tenant)][0] == "process_retention_anonymise"


def test_retention_deletes_by_the_management_command(open_process, admin_user):
    closed = _with_input(open_process, admin_user, Process.Retention.DELETE, months=1)
    Process.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - dt.timedelta(days=40))
    call_command("participation_retention")
    assert not Input.objects.exists() and not Response.objects.exists()
    assert Process.objects.get(pk=closed.pk).retention_done_at is not None


def test_reopening_stops_the_clock(open_process, admin_user):
    closed = _with_input(open_process, admin_user, Process.Retention.DELETE, months=1)
    reopened = services.process_set_status(actor=admin_user, process=closed, status="open", reason="Ny runde")
    assert reopened.closed_at is None
    assert retention.retention_run(now=timezone.now() + dt.timedelta(days=400)) == {}


# --- One status view for every machine ------------------------------------------------------------
@pytest.mark.parametrize("entity", ["process", "survey", "activity", "input"])
def test_one_view_changes_every_status_through_its_machine(client_for, admin_user, employee, open_process, entity):
    if entity == "process":
        obj, url_name, target = open_process, "process_status", "closed"
    elif entity == "survey":
        obj = services.survey_create(actor=admin_user, process=open_process, title="S")
        services.question_add(actor=admin_user, survey=obj, kind="text", text="?")
        url_name, target = "survey_status", "open"
    elif entity == "activity":
        obj = services.activity_create(actor=admin_user, process=open_process, kind="workshop", title="V",
                                       starts_at=timezone.now())
        url_name, target = "activity_status", "held"
    else:
        obj = services.input_submit(process=open_process, participant="b:1", title="T", body="B")
        url_name, target = "input_status", "published"
    url = reverse(f"participation:{url_name}", args=[obj.pk])
    assert client_for(employee).post(url, {"status": target}).status_code in (403, 404)
    obj.refresh_from_db()
    assert obj.status != target
    assert client_for(admin_user).post(url, {"status": "nonsense"}).status_code == 302
    obj.refresh_from_db()
    assert obj.status != target
    assert client_for(admin_user).post(url, {"status": target}).status_code == 302
    obj.refresh_from_db()
    assert obj.status == target
