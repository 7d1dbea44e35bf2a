"""Meråpent access: agreements, door codes (issued, delivered by e-mail), doors, lock controllers and their requests."""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.services import create_object, require_same_tenant
from torg.core.tasks import enqueue_on_commit

from ..models import (AccessCode, AccessEvent, Booking, Door, DoorController, MeraapentAgreement, Notification,
                      hash_secret)
from ..queries import OSLO
from .availability import age_on
from .common import local_text
from .notifications import notify


ACCESS_MARGIN = dt.timedelta(minutes=15)  # a door code works this long before the booking starts
DOOR_FAILURE_LIMIT = 5  # wrong codes per controller and door …
DOOR_FAILURE_WINDOW = 600  # … within this many seconds, then the door refuses every code for a while
DOOR_REQUEST_LIMIT = 120  # requests (code checks and events) per controller and minute


# --- Meråpent -------------------------------------------------------------------------------
@transaction.atomic
def meraapent_agreement_sign(*, actor, tenant, building, birth_date, accept_terms: bool, age_limit=None):
    require_same_tenant(tenant, building, field="building")
    if not accept_terms:
        raise ValidationError({"accept_terms": _("You must accept the terms.")})
    if age_limit and age_on(birth_date, timezone.localdate()) < age_limit:
        raise ValidationError({"birth_date": _("You must be at least %(age)s years old.") % {"age": age_limit}})
    agreement, _created = MeraapentAgreement.objects.update_or_create(
        user=actor, building=building,
        defaults={"tenant": tenant, "birth_date": birth_date, "accepted_at": timezone.now()})
    audit.record(actor=actor, tenant=tenant, obj=agreement, action="meraapent_agreement_sign")
    return agreement


@transaction.atomic
def access_code_issue(*, actor, booking: Booking) -> str:
    """Issue a fresh door code for the booker's confirmed meråpent booking; returns it in clear ONCE.

    Earlier codes for the booking are revoked. Only an HMAC of the code is stored.
    """
    booking = Booking.objects.select_for_update(of=("self",)).select_related("resource").get(pk=booking.pk)
    if actor.pk not in (booking.booker_id, booking.responsible_id):
        raise PermissionDenied
    if booking.status != Booking.Status.CONFIRMED or not booking.meraapent or booking.end <= timezone.now():
        raise ValidationError(_("Only a confirmed, coming booking in meråpent hours has a door code."))
    code = _new_code(booking)
    audit.record(actor=actor, tenant=booking.tenant, obj=booking, action="booking_access_code_issue")
    return code


def _new_code(booking) -> str:
    """Revoke the booking's codes and store the hash of a fresh one (CSPRNG); return it in clear."""
    building_id = booking.resource.building_id
    now = timezone.now()
    AccessCode.objects.filter(booking=booking, revoked_at__isnull=True).update(revoked_at=now)
    for _attempt in range(20):
        code = f"{secrets.randbelow(10**8):08d}"
        code_hash = hash_secret("door-code", building_id, code)
        clash = AccessCode.objects.filter(building_id=building_id, code_hash=code_hash, revoked_at__isnull=True,
                                          valid_to__gt=now).exists()
        if not clash:
            break
    AccessCode.objects.create(tenant=booking.tenant, booking=booking, building_id=building_id, code_hash=code_hash,
                              valid_from=booking.start - ACCESS_MARGIN, valid_to=booking.end)
    return code


def deliver_code_later(booking):
    """After commit, queue the door-code e-mail. Only the booking id goes into the task queue:
    the worker creates the code, so it never sits in clear in the queue, the database or a log."""
    enqueue_on_commit("torg.booking.tasks.deliver_access_code", booking_id=booking.pk)


@transaction.atomic
def access_code_deliver(*, booking_id: int, now=None) -> bool:
    """Background: issue a fresh door code for a confirmed meråpent booking and e-mail it to the booker
    (and to the responsible person, if another). Returns False when there is nothing to send.

    Runs in one transaction: if sending fails, the new code is rolled back and the old one stays valid.
    Without an e-mail address the booker is told in the app to show the code on the booking page.
    """
    now = now or timezone.now()
    booking = (Booking.objects.select_for_update(of=("self",))
               .select_related("resource", "resource__building__property", "booker", "responsible", "tenant")
               .filter(pk=booking_id).first())
    if booking is None or booking.status != Booking.Status.CONFIRMED or not booking.meraapent or booking.end <= now:
        return False
    people = [booking.booker] + ([booking.responsible] if booking.responsible_id not in
                                 (None, booking.booker_id) else [])
    recipients = [p.email for p in people if p.email]
    where = {"resource": booking.resource.name, "building": booking.resource.building.name,
             "time": local_text(booking.start)}
    if not recipients:
        notify(booking.tenant, booking.booker, booking, _(
            "Your booking of %(resource)s on %(time)s is in meråpent hours. Open the booking to show your door "
            "code.") % where, email=False)
        return False
    code = _new_code(booking)
    body = _(
        "Your door code for %(building)s is %(code)s.\n\n"
        "Booking: %(resource)s, %(time)s–%(end)s.\n"
        "Where: %(where)s\n"
        "The code works from %(from)s until the booking ends. It stops working if the booking is cancelled "
        "or moved, or if a new code is shown on the booking page.\n\n"
        "Do not share the code. Entries are logged.") % {
        **where, "code": code, "where": booking.resource.location_text(), "end": date_format(timezone.localtime(booking.end, OSLO), "H:i"),
        "from": local_text(booking.start - ACCESS_MARGIN)}
    send_mail(_("Door code: %(building)s") % where, body, None, recipients)
    audit.record(actor=None, tenant=booking.tenant, obj=booking, action="booking_access_code_send",
                 comment=str(len(recipients)))
    for person in people:
        Notification.objects.create(tenant=booking.tenant, user=person, booking=booking, message=(_(
            "Your door code for %(resource)s on %(time)s has been sent by e-mail.") % where)[:500])
    return True


@transaction.atomic
def door_add(*, actor, tenant, building, name, identifier) -> Door:
    require_same_tenant(tenant, building, field="building")
    return create_object(Door(tenant=tenant, building=building, name=name, identifier=identifier),
                         actor=actor, tenant=tenant)


@transaction.atomic
def door_controller_create(*, actor, tenant, building, name) -> tuple[DoorController, str]:
    """Register a lock controller; returns (controller, token). The token is shown once, never stored."""
    require_same_tenant(tenant, building, field="building")
    token = "door_" + secrets.token_urlsafe(32)
    controller = create_object(DoorController(tenant=tenant, building=building, name=name,
                                              token_hash=hash_secret("door-token", token)),
                               actor=actor, tenant=tenant)
    return controller, token


@transaction.atomic
def door_controller_revoke(*, actor, controller: DoorController) -> DoorController:
    """The controller's token stops working at once (e.g. a lost or replaced lock controller)."""
    if controller.revoked_at is None:
        controller.revoked_at = timezone.now()
        controller.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, tenant=controller.tenant, obj=controller, action="door_controller_revoke")
    return controller


@transaction.atomic
def door_delete(*, actor, door: Door) -> None:
    """Remove a door; its access-log entries stay (without the door)."""
    audit.record(actor=actor, tenant=door.tenant, obj=door, action=audit.code(door, "delete"),
                 changes=audit.diff(audit.snapshot(door), {}))
    door.delete()


def door_controller_authenticate(token: str) -> DoorController | None:
    return DoorController.objects.select_related("tenant").filter(
        token_hash=hash_secret("door-token", token), revoked_at__isnull=True).first()


class RateLimited(Exception):
    """A door controller sent more requests than DOOR_REQUEST_LIMIT per minute (answered 429)."""

    retry_after = 60


def _lock_controller(controller):
    """Serialise one controller's requests (row lock on PostgreSQL, write lock on SQLite) and refuse
    it when it is over its request rate. Counting in the access log, not in a per-process cache,
    keeps the limits right with several app servers."""
    DoorController.objects.select_for_update().filter(pk=controller.pk).first()
    since = timezone.now() - dt.timedelta(seconds=60)
    if AccessEvent.objects.filter(controller=controller, created_at__gte=since).count() >= DOOR_REQUEST_LIMIT:
        raise RateLimited


@transaction.atomic
def door_verify(*, controller: DoorController, door: str, code: str, at=None) -> dict:
    """May `code` open `door` at `at`? After DOOR_FAILURE_LIMIT wrong codes at a door within
    DOOR_FAILURE_WINDOW seconds the door refuses every code until the window has passed."""
    at = at or timezone.now()
    _lock_controller(controller)
    door_obj = Door.objects.filter(tenant=controller.tenant, building=controller.building, identifier=door).first()
    since = timezone.now() - dt.timedelta(seconds=DOOR_FAILURE_WINDOW)
    failures = AccessEvent.objects.filter(controller=controller, door=door_obj, kind=AccessEvent.Kind.DENIED,
                                          reported=False, created_at__gte=since).count()
    if failures >= DOOR_FAILURE_LIMIT:
        AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                                   controller=controller, kind=AccessEvent.Kind.THROTTLED, at=at)
        return {"allow": False, "reason": "throttled"}
    access = None
    if door_obj is not None and str(code).isdigit():
        access = (AccessCode.objects.select_related("booking")
                  .filter(building=controller.building, code_hash=hash_secret("door-code", controller.building_id,
                                                                              code),
                          revoked_at__isnull=True, valid_from__lte=at, valid_to__gt=at,
                          booking__status=Booking.Status.CONFIRMED).first())
    if access is None:
        AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                                   controller=controller, kind=AccessEvent.Kind.DENIED, at=at)
        return {"allow": False, "reason": "denied"}
    AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                               controller=controller, booking=access.booking, kind=AccessEvent.Kind.ALLOWED, at=at)
    return {"allow": True, "reason": "ok", "valid_to": access.valid_to}


DOOR_EVENT_KINDS = {AccessEvent.Kind.OPENED, AccessEvent.Kind.DENIED, AccessEvent.Kind.FORCED, AccessEvent.Kind.HELD}


@transaction.atomic
def door_event_record(*, controller: DoorController, door: str, kind: str, at=None) -> AccessEvent:
    """A door event the controller saw itself: opened, denied (e.g. a card or code refused locally),
    forced open or held open. Denied events reported here do not count towards the code throttle."""
    if kind not in DOOR_EVENT_KINDS:
        raise ValidationError({"kind": _("Unknown door event.")})
    _lock_controller(controller)
    door_obj = Door.objects.filter(tenant=controller.tenant, building=controller.building, identifier=door).first()
    if door_obj is None:
        raise ValidationError({"door": _("Unknown door.")})
    return AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                                      controller=controller, kind=kind, at=at or timezone.now(), reported=True)
