"""Messages to bookers and staff (in the app, and by e-mail in the background) and calendar feeds."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from torg.core import audit
from torg.core.tasks import enqueue_on_commit

from .. import queries
from ..models import Booking, CalendarFeed, Notification
from .common import local_text


def _who(booking):
    person = str(booking.booker)
    if booking.organisation_id:
        return _("%(person)s for %(organisation)s") % {"person": person, "organisation": booking.organisation.name}
    return person


def announce_bookings(bookings):
    """One message for a new booking or a new series (`bookings`: its dates, all in one status).

    Confirmed at once: the booker gets a receipt in the app and by e-mail with the dates as .ics.
    Requested: the booker is told it waits for approval, and every member of the tenant who may
    approve (booking.manage_bookings) gets a notice in the app and by e-mail."""
    first = bookings[0]
    tenant, n = first.tenant, len(bookings)
    where = {"resource": first.resource.name, "time": local_text(first.start), "n": n, "who": _who(first)}
    if first.status == Booking.Status.CONFIRMED:
        text = (_("Your booking of %(resource)s on %(time)s is confirmed.") if n == 1 else ngettext(
            "Your recurring booking of %(resource)s is confirmed: %(n)s date from %(time)s.",
            "Your recurring booking of %(resource)s is confirmed: %(n)s dates from %(time)s.", n)) % where
        text += "\n" + _("Where: %(where)s") % {"where": first.resource.location_text()}
        notify(tenant, first.booker, first, text, ics=[b.pk for b in bookings],
                link=reverse("booking:booking_detail", args=[first.pk]))
        return
    text = (_("Your request for %(resource)s on %(time)s is waiting for approval.") if n == 1 else ngettext(
        "Your request for %(resource)s, %(n)s date from %(time)s, is waiting for approval.",
        "Your request for %(resource)s, %(n)s dates from %(time)s, is waiting for approval.", n)) % where
    notify(tenant, first.booker, first, text, email=False)
    staff_text = (_("New booking request: %(resource)s on %(time)s from %(who)s.") if n == 1 else ngettext(
        "New request for a recurring booking: %(resource)s, %(n)s date from %(time)s, from %(who)s.",
        "New request for a recurring booking: %(resource)s, %(n)s dates from %(time)s, from %(who)s.", n)) % where
    for person in queries.booking_managers(tenant=tenant):
        if person.pk != first.booker_id and person.has_perm("booking.manage_bookings", tenant):
            notify(tenant, person, first, staff_text, link=reverse("booking:approvals"),
                    subject=_("Booking request: %(resource)s") % where)


def notify(tenant, user, booking, message, email=True, link="", subject="", ics=None):
    """An in-app notification, and (after commit, in the background) the same text by e-mail with a
    link to `link` when TORG_PUBLIC_BASE_URL is set and the bookings `ics` attached as .ics."""
    Notification.objects.create(tenant=tenant, user=user, booking=booking, message=message[:500])
    if email and user.email:
        subject = subject or _("Booking: %(resource)s") % {"resource": booking.resource.name}
        body = message
        base = getattr(settings, "TORG_PUBLIC_BASE_URL", "").rstrip("/")
        if link and base:
            body += "\n\n" + base + link
        kwargs = {"to": user.email, "subject": subject, "body": body}
        if ics:
            kwargs["ics_booking_ids"] = list(ics)
        enqueue_on_commit("torg.booking.tasks.send_booking_email", **kwargs)


@transaction.atomic
def notifications_mark_read(*, actor, tenant, pk=None):
    """Mark the actor's unread notices read: all of them, or only notice `pk`."""
    unread = Notification.objects.filter(tenant=tenant, user=actor, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    unread.update(read_at=timezone.now())


# --- Calendar feeds ------------------------------------------------------------------------
@transaction.atomic
def calendar_feed_rotate(*, actor, tenant, organisation=None) -> CalendarFeed:
    """Create (or replace) the caller's feed URL; the old URL stops working."""
    if organisation is not None and (organisation.tenant_id != tenant.pk or
                                     not organisation.representatives.filter(pk=actor.pk).exists()):
        raise PermissionDenied
    feed, _created = CalendarFeed.objects.update_or_create(
        tenant=tenant, user=actor, organisation=organisation, defaults={"token": secrets.token_urlsafe(32)})
    audit.record(actor=actor, tenant=tenant, obj=feed, action="calendar_feed_rotate")
    return feed
