"""Services for following a process by e-mail: subscribe (double opt-in), confirm, unsubscribe, news,
and `notify_subscribers` — what the rest of participation calls when there is something to tell
(news published, feedback given).

No e-mail is sent inside a request: each service names the task by dotted path
(`torg.core.tasks.enqueue_on_commit`), and the task sends one message per subscriber, each with its
own unsubscribe link. The subscription's token (256 random bits) is the only key to confirming and
unsubscribing; nothing else about the subscriber is shown anywhere.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.tasks import SEND_EMAIL, enqueue_on_commit

from .models import News, Process, Subscription

KINDS = ("news", "feedback")


def absolute(path: str, base_url: str = "") -> str:
    """`path` on the public address (TORG_PUBLIC_BASE_URL, else the request's address the view passes)."""
    base = (getattr(settings, "TORG_PUBLIC_BASE_URL", "") or base_url or "").rstrip("/")
    return base + path


def subscribe(*, process, email, news=True, feedback=True, base_url="") -> Subscription:
    """Ask to follow the process. A confirmation link is e-mailed (double opt-in); until it is opened
    nothing else is sent. Asking again for the same address sends the link again (and the choice of
    news/feedback is updated) without telling anyone whether the address was already subscribed."""
    if process.status == Process.Status.DRAFT or process.status == Process.Status.ARCHIVED:
        raise ValidationError(_("This process cannot be followed."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if not (news or feedback):
        raise ValidationError({"news": _("Choose news, feedback or both.")})
    try:
        with transaction.atomic():
            sub, _created = Subscription.objects.get_or_create(
                process=process, email=email, defaults={"tenant": process.tenant, "news": news, "feedback": feedback})
    except IntegrityError:  # the same address at the same moment
        sub = Subscription.objects.get(process=process, email=email)
    if (sub.news, sub.feedback) != (news, feedback):
        Subscription.objects.filter(pk=sub.pk).update(news=news, feedback=feedback)
        sub.news, sub.feedback = news, feedback
    link = absolute(reverse("participation:subscription_confirm", args=[sub.token]), base_url)
    enqueue_on_commit(SEND_EMAIL, to=email,
                      subject=_("Confirm that you want to follow “%(process)s”") % {"process": process.title},
                      body=_("Someone (we hope you) asked to follow “%(process)s” in %(tenant)s.\n\n"
                             "Open this link to confirm:\n%(link)s\n\n"
                             "If it was not you, ignore this message: nothing more will be sent.")
                      % {"process": process.title, "tenant": process.tenant.name, "link": link})
    return sub


def by_token(token):
    token = (token or "").strip()
    return Subscription.objects.select_related("process").filter(token=token).first() if len(token) >= 40 else None


def confirm(*, token) -> Subscription | None:
    """Open the confirmation link: the subscription is active from now (None for an unknown token)."""
    sub = by_token(token)
    if sub is not None and sub.confirmed_at is None:
        sub.confirmed_at = timezone.now()
        Subscription.objects.filter(pk=sub.pk).update(confirmed_at=sub.confirmed_at)
    return sub


def unsubscribe(*, token) -> Process | None:
    """Stop following: the address is deleted (not kept as "unsubscribed"). Returns the process, or
    None for an unknown token."""
    sub = by_token(token)
    if sub is None:
        return None
    sub.delete()
    return sub.process


def notify_subscribers(process, kind, *, subject, body, link_path="", base_url="") -> int:
    """Tell the confirmed subscribers of `kind` ("news" or "feedback") of the process: one e-mail each,
    sent in the background after the current transaction commits, each with its own unsubscribe
    link. `link_path` (e.g. the public feedback page) is added as an absolute link. Returns how many
    will be told."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    count = Subscription.objects.filter(process=process, confirmed_at__isnull=False, **{kind: True}).count()
    if count:
        enqueue_on_commit("torg.participation.tasks.send_subscriber_notices", process_id=process.pk, kind=kind,
                          subject=str(subject), body=str(body), link=absolute(link_path, base_url) if link_path else "",
                          base_url=base_url)
    return count


def send_notices(*, process_id, kind, subject, body, link="", base_url="") -> int:
    """Send the notice to each confirmed subscriber (called by the task). A subscriber who
    unsubscribed in the meantime is not written to."""
    process = Process.objects.select_related("tenant").get(pk=process_id)
    subs = Subscription.objects.filter(process_id=process_id, confirmed_at__isnull=False, **{kind: True})
    messages = []
    for sub in subs.iterator():
        stop = absolute(reverse("participation:unsubscribe", args=[sub.token]), base_url)
        text = body + (f"\n\n{link}" if link else "") + "\n\n— \n" + (
            _("You get this because you follow “%(process)s” in %(tenant)s. Stop following:\n%(link)s")
            % {"process": process.title, "tenant": process.tenant.name, "link": stop})
        messages.append(EmailMessage(subject, text, None, [sub.email],
                                     headers={"List-Unsubscribe": f"<{stop}>"}))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


@transaction.atomic
def news_publish(*, actor, process, title, body, base_url="") -> News:
    """A news item on the process's public page, sent to those who follow its news."""
    if not actor.has_perm("participation.manage_processes", process):
        raise PermissionDenied
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the news a title.")})
    if not body:
        raise ValidationError({"body": _("Write the news.")})
    news = News.objects.create(tenant=process.tenant, process=process, title=title[:200], body=body,
                               created_by=actor)
    audit.record(actor=actor, tenant=process.tenant, obj=news, action="news_publish", comment=news.title)
    notify_subscribers(process, "news", subject=f"{process.title}: {news.title}", body=news.body,
                       link_path=reverse("participation:public_detail", args=[process.code]), base_url=base_url)
    return news
