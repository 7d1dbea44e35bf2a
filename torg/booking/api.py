"""Booking API: resources, availability and bookings (same rules as the UI), and the door-controller
endpoints (authenticated with a door controller's own token, not a user's)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.security import HttpBearer
from pydantic import AfterValidator

from torg.accounts.models import ExternalOrganisation
from torg.core.api import MAX_INT32, ApiRouter, ClockTime, Id, InSchema, PhotoOut, PositiveInt32, photo_out
from torg.core.views import require_api_perm

from . import pricing, queries, services
from .models import Booking, PriceRule
from .states import MACHINE, UNDO_MINUTES, restore_target

router = ApiRouter(tags=["booking"])


def _plausible_year(value):
    if not 1900 <= value.year <= 2200:
        raise ValueError("The year must be between 1900 and 2200.")
    return value


# Times and dates within years 1900–2200: no date arithmetic near the calendar's ends overflows.
Moment = Annotated[dt.datetime, AfterValidator(_plausible_year)]
Day = Annotated[dt.date, AfterValidator(_plausible_year)]
Minutes = Annotated[int, Field(ge=1, le=31 * 24 * 60)]


# --- Resources, availability, bookings ------------------------------------------------------
class ResourcePhotoOut(PhotoOut):
    alt: str = Field(description="What the photo shows, for screen readers")


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    building_id: int
    parent_id: int | None
    capacity: int | None
    requires_approval: bool
    step_free: bool
    equipment: list[str]
    min_minutes: int
    max_minutes: int
    step_minutes: int
    checkin_minutes: int | None
    age_limit: int | None
    rules_source: str  # "resource" (own rules), "building" (inherited) or "default"
    photos: list[ResourcePhotoOut]


class BusyOut(Schema):
    start: dt.datetime
    end: dt.datetime


class BookingIn(InSchema):
    resource_id: Id
    start: Moment
    end: Moment
    title: str = ""
    organisation_id: Id | None = None
    responsible_id: Id | None = None  # an organisation's meråpent booking: a representative with an agreement
    idempotency_key: str = ""


class BookingOut(Schema):
    id: int
    resource_id: int
    start: dt.datetime
    end: dt.datetime
    status: str
    title: str
    organisation_id: int | None
    uid: str
    price: float = Field(description="The price in NOK when the booking was made (0: free)")
    price_category: str = Field(description="The payer's price category (PriceRule categories)")
    cancel_charge: float | None = Field(None, description="Invoiced for a cancellation after the deadline")
    no_show: bool = Field(False, description="Nobody came: released for want of check-in, or marked by staff")


class BookingDetailOut(BookingOut):
    allowed_transitions: list[str] = []  # the statuses you may give this booking now (booking machine)

    @staticmethod
    def resolve_allowed_transitions(obj, context):
        return [t.target for t in MACHINE.available(obj, context["request"].user)]


def _resource_out(r):
    rules = r.rules
    return ResourceOut(id=r.pk, name=r.name, kind=r.kind, building_id=r.building_id, parent_id=r.parent_id,
                       capacity=r.capacity, requires_approval=rules.requires_approval,
                       step_free=r.step_free, equipment=r.equipment or [],
                       min_minutes=rules.min_minutes, max_minutes=rules.max_minutes,
                       step_minutes=rules.step_minutes, checkin_minutes=rules.checkin_minutes,
                       age_limit=rules.age_limit, rules_source=rules.source,
                       photos=[ResourcePhotoOut(**photo_out(p).dict(), alt=p.alt) for p in r.photos.all()])


@router.get("/resources", response=list[ResourceOut])
def list_resources(request, min_capacity: PositiveInt32 | None = None, step_free: bool = False,
                   equipment: str | None = None, building_id: Id | None = None):
    """Bookable resources, filtered by capacity, step-free access, one equipment item and building."""
    require_api_perm(request, "booking.view_resources")
    return [_resource_out(r) for r in queries.resource_list(tenant=request.tenant, min_capacity=min_capacity,
                                                            step_free=step_free, building=building_id,
                                                            equipment=equipment.strip().lower() if equipment
                                                            else None).prefetch_related("photos")]


@router.get("/resources/{int:pk}/busy", response=list[BusyOut])
def resource_busy(request, pk: Id, start: Moment, end: Moment):
    """Busy intervals (incl. buffers and bookings of the whole or parts) in [start, end); max 31 days."""
    require_api_perm(request, "booking.view_resources")
    resource = queries.resource_get(tenant=request.tenant, pk=pk)
    end = min(end, start + dt.timedelta(days=31))
    slots = queries.conflicting_slots(units=queries.units_of(resource), start=start, end=end).order_by("start")
    return [BusyOut(start=s.start, end=s.end) for s in slots]


class FreeOut(Schema):
    start: dt.datetime
    end: dt.datetime
    kind: str  # "staffed" or "meraapent" (self-service: needs a meråpent agreement)


@router.get("/resources/{int:pk}/free", response=list[FreeOut])
def resource_free(request, pk: Id, start: Moment, end: Moment, minutes: Minutes | None = None):
    """Free slots in [start, end) (max 31 days): open time not taken by bookings of the resource, its
    parts or its whole, buffers included, each at least `minutes` long (default: the resource's
    minimum duration). Consecutive staffed and meråpent time are separate slots."""
    require_api_perm(request, "booking.view_resources")
    resource = queries.resource_get(tenant=request.tenant, pk=pk)
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError(_("Times must include a time zone."))
    end = min(end, start + dt.timedelta(days=31))
    if minutes is not None and minutes < 1:
        raise ValidationError(_("The length must be at least one minute."))
    return [FreeOut(start=s, end=e, kind=k)
            for s, e, k in queries.free_slots(resource=resource, start=start, end=end, minutes=minutes)]


def _booking_args(request, payload: BookingIn) -> dict:
    """The service arguments of a booking in the API (creating it or its summary)."""
    resource = queries.resource_get(tenant=request.tenant, pk=payload.resource_id)
    organisation = None
    if payload.organisation_id:
        organisation = ExternalOrganisation.objects.filter(tenant=request.tenant, pk=payload.organisation_id).first()
        if organisation is None:
            raise PermissionDenied
    responsible = None
    if payload.responsible_id:
        responsible = organisation.representatives.filter(pk=payload.responsible_id).first() if organisation else None
        if responsible is None:
            raise ValidationError({"responsible": _("The responsible person must represent the organisation.")})
    return {"actor": request.user, "tenant": request.tenant, "resource": resource, "start": payload.start,
            "end": payload.end, "organisation": organisation, "responsible": responsible}


class BookingSummaryOut(Schema):
    """What a booking would be, before it is made: the same checks as creating it, nothing written."""

    resource_id: int
    resource_name: str
    building: str
    address: str
    entrance: str
    start: dt.datetime
    end: dt.datetime
    status: str = Field(description="confirmed (at once) or requested (staff approve it)")
    meraapent: bool = Field(description="Partly outside staffed hours: a door code is sent")
    responsible_id: int | None
    organisation_id: int | None
    price_nok: float = Field(description="What the booking will cost (the price rules for your payer category)")
    late_fee_nok: float = Field(description="What is invoiced if it is cancelled after the deadline")
    price_category: str = Field(description="The payer category the price is for")
    cancel_deadline_hours: int
    checkin_minutes: int | None
    undo_minutes: int = Field(description="After cancelling, the booker may undo it this long (if still free)")


@router.post("/bookings/summary", response=BookingSummaryOut)
def booking_summary(request, payload: BookingIn):
    """The summary before confirming: what, where, when, price and terms, who — or the same 422 as
    POST /bookings would give. Nothing is booked."""
    require_api_perm(request, "booking.book")
    args = _booking_args(request, payload)
    preview = services.booking_preview(**args)
    resource, rules = args["resource"], args["resource"].rules
    return BookingSummaryOut(
        resource_id=resource.pk, resource_name=resource.name, building=resource.building.name,
        address=resource.address, entrance=resource.entrance, start=payload.start, end=payload.end,
        status=preview["status"], meraapent=preview["meraapent"],
        responsible_id=preview["responsible"].pk if preview["responsible"] else None,
        organisation_id=args["organisation"].pk if args["organisation"] else None,
        price_nok=float(preview["quote"].amount), late_fee_nok=float(preview["quote"].late_fee),
        price_category=preview["quote"].category,
        cancel_deadline_hours=rules.cancel_deadline_hours, checkin_minutes=rules.checkin_minutes,
        undo_minutes=UNDO_MINUTES)


@router.post("/bookings", response={201: BookingOut})
def create_booking(request, payload: BookingIn):
    require_api_perm(request, "booking.book")
    booking = services.booking_create(**_booking_args(request, payload), title=payload.title,
                                      idempotency_key=payload.idempotency_key)
    return Status(201, booking)


class BookingPageOut(Schema):
    items: list[BookingOut]
    count: int


def _search(request, booker=None, mine=None, **filters):
    if filters.get("status") and filters["status"] not in Booking.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if filters.get("sort") and filters["sort"] not in queries.BOOKING_SORTS:
        raise ValidationError({"sort": _("Unknown sort order.")})
    return queries.booking_search(tenant=request.tenant, booker=booker, mine=mine, **filters)


@router.get("/bookings", response=list[BookingOut])
def my_bookings(request, from_date: Day | None = None, to_date: Day | None = None, status: str = "",
                sort: str = "-start"):
    """Your bookings (at most 500), newest first: booked by you or for an organisation you represent
    (a club sees the frame time handed over to it); the same date and status filters as /bookings/search."""
    require_api_perm(request, "booking.view_resources")
    return list(_search(request, mine=request.user, first=from_date, last=to_date, status=status, sort=sort)[:500])


@router.get("/bookings/search", response=BookingPageOut)
def search_bookings(request, from_date: Day | None = None, to_date: Day | None = None, status: str = "",
                    q: str = "", resource_id: Id | None = None, building_id: Id | None = None,
                    sort: str = "start", limit: Annotated[int, Field(ge=1, le=500)] = 50,
                    offset: Annotated[int, Field(ge=0, le=MAX_INT32)] = 0):
    """Staff: every booking of the municipality, with the filters of the staff list (*All bookings*):
    dates touching [from_date, to_date], status, text in the booker's name, username or e-mail, the
    organisation's name or number or the purpose, a resource (and its parts) or a building; `sort`:
    start, -start, resource, status, booker, -created. Paginated with limit (max 500) and offset."""
    require_api_perm(request, "booking.manage_bookings")
    resource = queries.resource_get(tenant=request.tenant, pk=resource_id) if resource_id else None
    building = None
    if building_id:
        building = queries.buildings_with_resources(tenant=request.tenant).filter(pk=building_id).first()
        if building is None:
            raise Http404
    qs = _search(request, first=from_date, last=to_date, status=status, text=q, resource=resource,
                 building=building, sort=sort)
    return {"items": list(qs[offset:offset + limit]), "count": qs.count()}


@router.get("/bookings/{int:pk}", response=BookingDetailOut)
def get_booking(request, pk: Id):
    """One booking: the booker's own (or the responsible person's, or for an organisation you
    represent); staff see every booking."""
    require_api_perm(request, "booking.view_resources")
    booking = queries.booking_get(tenant=request.tenant, pk=pk)
    if not queries.can_see_booking(booking, request.user):
        raise Http404  # other people's bookings do not exist for you
    return booking


class DecisionIn(InSchema):
    reason: str = ""


@router.post("/bookings/{int:pk}/approve", response=BookingDetailOut)
def approve_booking(request, pk: Id):
    """Staff: confirm a requested booking (the booker is notified in the app and by e-mail)."""
    require_api_perm(request, "booking.manage_bookings")
    booking = queries.booking_get(tenant=request.tenant, pk=pk)
    return services.booking_transition(actor=request.user, booking=booking, to=Booking.Status.CONFIRMED)


@router.post("/bookings/{int:pk}/reject", response=BookingDetailOut)
def reject_booking(request, pk: Id, payload: DecisionIn):
    """Staff: reject a requested booking; `reason` is required and sent to the booker."""
    require_api_perm(request, "booking.manage_bookings")
    booking = queries.booking_get(tenant=request.tenant, pk=pk)
    return services.booking_transition(actor=request.user, booking=booking, to=Booking.Status.REJECTED,
                                       reason=payload.reason)


@router.post("/bookings/{int:pk}/cancel", response=BookingDetailOut)
def cancel_booking(request, pk: Id, reason: str = ""):
    require_api_perm(request, "booking.view_resources")
    booking = queries.booking_get(tenant=request.tenant, pk=pk)
    if booking.booker_id != request.user.pk and not request.user.has_perm("booking.manage_bookings", booking):
        raise PermissionDenied
    return services.booking_transition(actor=request.user, booking=booking, to=Booking.Status.CANCELLED,
                                       reason=reason)


@router.post("/bookings/{int:pk}/restore", response=BookingDetailOut)
def restore_booking(request, pk: Id):
    """Undo a cancellation: the booker, within `undo_minutes` of cancelling it themselves and before
    the start, gets the booking back with the status it had — if the time is still free (else 422)."""
    require_api_perm(request, "booking.view_resources")
    booking = queries.booking_get(tenant=request.tenant, pk=pk)
    if booking.booker_id != request.user.pk and not request.user.has_perm("booking.manage_bookings", booking):
        raise Http404  # other people's bookings do not exist for you; staff are refused by the machine (403)
    return services.booking_transition(actor=request.user, booking=booking,
                                       to=restore_target(booking) or Booking.Status.CONFIRMED)


@router.post("/bookings/{int:pk}/no-show", response=BookingDetailOut)
def mark_no_show(request, pk: Id):
    """Staff: nobody came to this confirmed booking that has started (it stays confirmed; repeated
    no-shows on a season's series flag the holder at the next allocation round)."""
    require_api_perm(request, "booking.manage_bookings")
    booking = queries.booking_get(tenant=request.tenant, pk=pk)
    return services.booking_mark_no_show(actor=request.user, booking=booking)


# --- Prices and the invoicing basis ----------------------------------------------------------
class PriceRuleOut(Schema):
    id: int
    building_id: int | None
    resource_id: int | None
    category: str
    unit: str  # "hour" or "booking"
    amount: float
    weekdays: list[int]  # 0 = Monday; empty: every day
    starts: ClockTime | None
    ends: ClockTime | None
    late_cancel_percent: int


class PriceRuleIn(InSchema):
    building_id: Id | None = None
    resource_id: Id | None = None
    category: PriceRule.Category
    unit: PriceRule.Unit = PriceRule.Unit.HOUR
    amount: Annotated[float, Field(ge=0, le=10_000_000)]
    weekdays: Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(max_length=7)] = []
    starts: ClockTime | None = None
    ends: ClockTime | None = None
    late_cancel_percent: Annotated[int, Field(ge=0, le=100)] = 100


@router.get("/prices", response=list[PriceRuleOut])
def list_prices(request, resource_id: Id | None = None):
    """The price rules (everyone who may book sees them); `resource_id`: those that may price that
    resource (its own, its whole's and its building's)."""
    require_api_perm(request, "booking.view_resources")
    resource = queries.resource_get(tenant=request.tenant, pk=resource_id) if resource_id else None
    return list(queries.price_rules(tenant=request.tenant, resource=resource))


@router.post("/prices", response={201: PriceRuleOut})
def create_price(request, payload: PriceRuleIn):
    """Staff: add a price rule for a building's resources (`building_id`) or one resource (`resource_id`)."""
    require_api_perm(request, "booking.manage_resources")
    resource = queries.resource_get(tenant=request.tenant, pk=payload.resource_id) if payload.resource_id else None
    building = None
    if payload.building_id:
        building = queries.buildings_with_resources(tenant=request.tenant).filter(pk=payload.building_id).first()
        if building is None:
            raise Http404
    rule = services.price_rule_create(
        actor=request.user, tenant=request.tenant, building=building, resource=resource, category=payload.category,
        unit=payload.unit, amount=Decimal(str(payload.amount)).quantize(pricing.CENT), weekdays=payload.weekdays,
        starts=payload.starts, ends=payload.ends, late_cancel_percent=payload.late_cancel_percent)
    return Status(201, rule)


@router.delete("/prices/{int:pk}", response={204: None})
def delete_price(request, pk: Id):
    """Staff: remove a price rule (bookings already made keep their price)."""
    require_api_perm(request, "booking.manage_resources")
    services.price_rule_delete(actor=request.user, rule=queries.price_rule_get(tenant=request.tenant, pk=pk))
    return Status(204, None)


class PriceQuoteLineOut(Schema):
    rule_id: int
    text: str
    minutes: int | None  # None: charged per booking
    amount: float


class PriceQuoteOut(Schema):
    category: str
    amount: float
    late_fee: float = Field(description="Invoiced if the booking is cancelled after the deadline")
    lines: list[PriceQuoteLineOut]


@router.get("/resources/{int:pk}/price", response=PriceQuoteOut)
def resource_price(request, pk: Id, start: Moment, end: Moment, organisation_id: Id | None = None):
    """What a booking of the resource for [start, end) would cost you (or an organisation you
    represent), before you book it: the same rules the booking is priced by."""
    require_api_perm(request, "booking.view_resources")
    resource = queries.resource_get(tenant=request.tenant, pk=pk)
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError(_("Times must include a time zone."))
    if not start < end <= start + dt.timedelta(days=31):
        raise ValidationError({"end": _("The end must be after the start, at most 31 days later.")})
    organisation = None
    if organisation_id:
        organisation = request.user.represents.filter(tenant=request.tenant, pk=organisation_id).first()
        if organisation is None:
            raise Http404
    kind = services.actor_type(request.user, request.tenant, organisation, None)
    quote = pricing.price(resource=resource, start=start, end=end,
                          category=pricing.category_for(actor_type=kind, organisation=organisation))
    return PriceQuoteOut(category=quote.category, amount=float(quote.amount), late_fee=float(quote.late_fee),
                         lines=[PriceQuoteLineOut(rule_id=rule.pk, text=pricing.rule_text(rule), minutes=minutes,
                                                  amount=float(amount)) for rule, minutes, amount in quote.lines])


class InvoicingRowOut(Schema):
    booking_id: int
    payer: str
    orgnr: str
    email: str
    category: str
    building: str
    resource: str
    title: str
    date: dt.date
    starts: ClockTime
    ends: ClockTime
    hours: float
    amount: float
    late_cancellation: bool


class InvoicingOut(Schema):
    items: list[InvoicingRowOut]
    total: float


@router.get("/invoicing", response=InvoicingOut)
def invoicing_basis(request, from_date: Day, to_date: Day, organisation_id: Id | None = None):
    """Staff: the invoicing basis for bookings starting in [from_date, to_date] (at most a year):
    confirmed bookings with a price and late cancellations with their charge, by payer — the rows of
    the page's CSV/XLSX; `organisation_id`: one organisation's."""
    require_api_perm(request, "booking.manage_bookings")
    if to_date < from_date or (to_date - from_date).days > 366:
        raise ValidationError({"to_date": _("Choose a period of at most a year.")})
    organisation = None
    if organisation_id:
        organisation = ExternalOrganisation.objects.filter(tenant=request.tenant, pk=organisation_id).first()
        if organisation is None:
            raise Http404
    rows = list(queries.invoicing_rows(queries.invoicing_basis(tenant=request.tenant, first=from_date,
                                                               last=to_date, organisation=organisation)))
    _payers, total = queries.invoicing_summary(rows)
    return {"items": rows, "total": float(total)}


# --- Door controllers -----------------------------------------------------------------------
class DoorAuth(HttpBearer):
    """`Authorization: Bearer door_…` – a door controller's token (only its HMAC is stored)."""

    def authenticate(self, request, token):
        controller = services.door_controller_authenticate(token)
        if controller is None:
            return None
        request.door_controller = controller
        return controller


class VerifyIn(InSchema):
    door: str
    code: str
    at: Moment | None = None


class VerifyOut(Schema):
    allow: bool
    reason: str
    valid_to: dt.datetime | None = None


class DoorEventIn(InSchema):
    door: str
    kind: str
    at: Moment | None = None


class RateLimitedOut(Schema):
    detail: str


def _rate_limited(request):
    response = JsonResponse({"detail": _("Too many requests from this controller. Try again in a minute.")},
                            status=429)
    response["Retry-After"] = str(services.RateLimited.retry_after)
    return response


@router.post("/doors/verify", response={200: VerifyOut, 429: RateLimitedOut}, auth=DoorAuth())
def door_verify(request, payload: VerifyIn):
    """May this code open this door now (or at `at`)? `reason`: ok, denied or throttled (too many
    wrong codes at the door recently). More than 120 requests a minute from one controller: 429."""
    try:
        return services.door_verify(controller=request.door_controller, door=payload.door, code=payload.code,
                                    at=payload.at)
    except services.RateLimited:
        return _rate_limited(request)


class DoorEventOut(Schema):
    id: int


@router.post("/doors/events", response={201: DoorEventOut, 429: RateLimitedOut}, auth=DoorAuth())
def door_event(request, payload: DoorEventIn):
    """Report what the door saw: `kind` opened, denied, forced or held."""
    try:
        event = services.door_event_record(controller=request.door_controller, door=payload.door,
                                           kind=payload.kind, at=payload.at)
    except services.RateLimited:
        return _rate_limited(request)
    return Status(201, {"id": event.pk})
