"""Bookable resources, their rules, opening calendars, bookings and meråpent access.

Double booking is prevented by the database: every active booking owns one `BookingSlot` row per
physical unit it occupies (a leaf resource). Booking a whole divisible hall inserts a slot for each
of its parts, so the whole and its parts conflict both ways. On PostgreSQL an exclusion constraint
(migration 0002) forbids two active slots on the same unit with overlapping ranges; on SQLite the
service checks and inserts inside one IMMEDIATE transaction (the write lock is taken at BEGIN).
"""

import hashlib
import hmac
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from torg.core.models import TenantOwned
from torg.core.photos import random_name


# What describes one resource (on Resource) and the booking policy (on BookingRules, per building or
# per resource). A resource uses its own rules when it has them, else its building's, else the defaults.
DETAIL_FIELDS = ["capacity", "step_free", "description", "equipment", "accessibility_info", "entrance"]
POLICY_FIELDS = ["allow_citizens", "allow_associations", "allow_units", "allow_employees", "requires_approval",
                 "window_days", "min_minutes", "max_minutes", "step_minutes", "buffer_before", "buffer_after",
                 "cancel_deadline_hours", "checkin_minutes", "age_limit"]


class ResourceQuerySet(models.QuerySet):
    """`with_rules()` loads every resource's effective rules with the resources: its own rules joined,
    and the rules of their buildings in one more query (a prefetch), whatever the number of resources;
    `with_policy(*fields)` annotates `policy_<field>` with the effective value, for filtering in the
    database."""

    def with_rules(self):
        return self.select_related("own_rules", "building").prefetch_related("building__booking_rules")

    def with_policy(self, *fields):
        annotations = {}
        for name in fields:
            if name not in POLICY_FIELDS:
                raise ValueError(name)
            default = BookingRules._meta.get_field(name).get_default()
            inherited = Subquery(BookingRules.objects.filter(building_id=OuterRef("building_id")).values(name)[:1])
            if default is not None:
                inherited = Coalesce(inherited, Value(default))
            annotations[f"policy_{name}"] = Case(When(own_rules__isnull=False, then=F(f"own_rules__{name}")),
                                                 default=inherited)
        return self.annotate(**annotations)


class Resource(TenantOwned):
    """Something that can be booked: a room, a part of a divisible room, or equipment."""

    class Kind(models.TextChoices):
        ROOM = "room", _("Room")
        PART = "part", _("Part of a room")
        EQUIPMENT = "equipment", _("Equipment")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ROOM)
    building = models.ForeignKey(
        "places.Building", on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    room = models.ForeignKey(
        "places.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="parts",
        verbose_name=_("part of"), help_text=_("Booking the whole blocks its parts and the other way round."),
    )
    archived = models.BooleanField(_("archived"), default=False)
    ical_token = models.CharField(max_length=64, blank=True, db_index=True)
    # The resource in public links (the room catalogue): a random code, never the database id.
    public_code = models.CharField(max_length=16, blank=True, db_index=True)
    capacity = models.PositiveIntegerField(_("capacity (persons)"), null=True, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    description = models.TextField(_("description"), blank=True)
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    accessibility_info = models.TextField(_("accessibility information"), blank=True)
    entrance = models.CharField(_("entrance"), max_length=300, blank=True,
                                help_text=_("How to find the room from the street: which door, floor and signs."))

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["building", "name"]
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "building", "name"], name="booking_resource_unique_name",
                                    violation_error_message=_("The building already has a resource with this name."))
        ]

    def __str__(self):
        return self.name

    @cached_property
    def rules(self) -> "EffectiveRules":
        """The rules that apply to this resource (see EffectiveRules). The one way to read them.

        `with_rules()` loads them with the resources; otherwise what is missing of the resource's own
        rules and its building's rules is fetched here (prefetch_related_objects skips what is loaded)."""
        models.prefetch_related_objects([self], "own_rules", "building__booking_rules")
        own = getattr(self, "own_rules", None)  # None when the resource has no rules of its own
        return EffectiveRules(self, own or getattr(self.building, "booking_rules", None))

    @property
    def address(self) -> str:
        """The street address of the resource's building (the property's when the building has none)."""
        building = self.building
        if building.address:
            return building.address
        prop = building.property
        return ", ".join(part for part in (prop.address, " ".join(filter(None, (prop.postal_code, prop.postal_place))))
                         if part)

    def location_text(self) -> str:
        """Where to go, in one line for receipts, calendars and door-code messages: the resource, its
        building, the street address and the entrance when known."""
        parts = [self.name, self.building.name]
        if self.address:
            parts.append(self.address)
        text = ", ".join(parts)
        if self.entrance:
            text += ". " + _("Entrance: %(entrance)s") % {"entrance": self.entrance}
        return text

    def forget_rules(self):
        """Drop the rules read before, so that the next read sees what was just saved."""
        try:
            del self.rules
        except AttributeError:
            pass


class BookingRules(TenantOwned):
    """Who may book, and how: a building's rules (its resources inherit them) or one resource's own."""

    building = models.OneToOneField("places.Building", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="booking_rules", verbose_name=_("building"))
    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="own_rules", verbose_name=_("resource"))
    allow_citizens = models.BooleanField(_("citizens may book"), default=True)
    allow_associations = models.BooleanField(_("associations may book"), default=True)
    allow_units = models.BooleanField(_("municipal units may book"), default=True)
    allow_employees = models.BooleanField(_("employees may book"), default=True)
    requires_approval = models.BooleanField(_("bookings need approval"), default=False)
    window_days = models.PositiveIntegerField(_("booking window (days ahead)"), default=90,
                                              validators=[MinValueValidator(1), MaxValueValidator(730)])
    min_minutes = models.PositiveIntegerField(_("minimum duration (minutes)"), default=30,
                                              validators=[MinValueValidator(5)])
    max_minutes = models.PositiveIntegerField(_("maximum duration (minutes)"), default=240,
                                              validators=[MinValueValidator(5)])
    step_minutes = models.PositiveIntegerField(_("time step (minutes)"), default=30,
                                               validators=[MinValueValidator(5), MaxValueValidator(240)])
    buffer_before = models.PositiveIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after = models.PositiveIntegerField(_("buffer after (minutes)"), default=0)
    cancel_deadline_hours = models.PositiveIntegerField(_("cancellation deadline (hours before start)"), default=24)
    checkin_minutes = models.PositiveIntegerField(
        _("check-in required within (minutes after start)"), null=True, blank=True,
        help_text=_("Leave empty for no check-in. Bookings nobody checks in to are released after this time."))
    age_limit = models.PositiveIntegerField(_("age limit"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(max_minutes__gte=models.F("min_minutes")),
                                   name="booking_rules_max_ge_min",
                                   violation_error_message=_("The maximum duration must be at least the minimum.")),
            models.CheckConstraint(
                condition=(models.Q(building__isnull=False, resource__isnull=True)
                           | models.Q(building__isnull=True, resource__isnull=False)),
                name="booking_rules_building_or_resource"),
        ]

    def __str__(self):
        return str(_("Rules for %(resource)s") % {"resource": self.resource_id or self.building_id})

    def policy(self) -> dict:
        return {f: getattr(self, f) for f in POLICY_FIELDS}


def default_policy() -> dict:
    return {f: BookingRules._meta.get_field(f).get_default() for f in POLICY_FIELDS}


class EffectiveRules:
    """The rules that apply to one resource: the booking policy from its own rules, else from its
    building's rules, else the defaults, and what describes the resource itself (capacity,
    equipment, description, accessibility). `source` is "resource", "building" or "default"."""

    def __init__(self, resource, row):
        self.resource = resource
        self.row = row
        self.source = "default" if row is None else ("resource" if row.resource_id else "building")
        for name, value in (row.policy() if row is not None else default_policy()).items():
            setattr(self, name, value)

    @property
    def inherited(self):
        return self.source != "resource"

    # What describes the resource itself (DETAIL_FIELDS) is read from the resource.
    capacity = property(lambda self: self.resource.capacity)
    step_free = property(lambda self: self.resource.step_free)
    description = property(lambda self: self.resource.description)
    equipment = property(lambda self: self.resource.equipment)
    accessibility_info = property(lambda self: self.resource.accessibility_info)
    entrance = property(lambda self: self.resource.entrance)

    def policy(self) -> dict:
        return {f: getattr(self, f) for f in POLICY_FIELDS}


class OpeningHours(TenantOwned):
    """Weekly opening hours of a building: staffed or meråpent (unstaffed, self-service)."""

    class Kind(models.TextChoices):
        STAFFED = "staffed", _("Staffed")
        MERAAPENT = "meraapent", _("Meråpent (self-service)")

    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])  # 0 = Monday
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STAFFED)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]

    class Meta:
        ordering = ["building", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")),
                                              name="booking_openinghours_closes_after_opens",
                                              violation_error_message=_("Closing must be after opening."))]

    @property
    def weekday_name(self):
        return self.WEEKDAYS[self.weekday]


class OpeningException(TenantOwned):
    """A date whose hours replace the weekly hours: closed (holiday) or special hours."""

    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OpeningHours.Kind.choices,
                            default=OpeningHours.Kind.STAFFED)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["building", "date"]
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")


class BookingSeries(TenantOwned):
    """A recurring booking: an RFC 5545 RRULE from a first start, each occurrence `minutes` long."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="series")
    booker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.ExternalOrganisation", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True)
    rrule = models.CharField(_("recurrence rule"), max_length=500)
    dtstart = models.DateTimeField(_("first start"))
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    skipped = models.JSONField(default=list, blank=True)  # ISO dates skipped because of conflicts

    class Meta:
        ordering = ["-dtstart"]
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")

    def __str__(self):
        return f"{self.title or self.resource_id} ({self.rrule})"


def resource_photo_path(instance, filename):
    return random_name(f"booking/{instance.tenant_id}/resources")


class ResourcePhoto(TenantOwned):
    """A photo of a resource (re-encoded as JPEG on upload, EXIF removed; torg.core.photos), served only
    through the checking file view."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=resource_photo_path)
    alt = models.CharField(_("description of the photo"), max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo of a room")
        verbose_name_plural = _("photos of rooms")


OSLO_ZONE = ZoneInfo("Europe/Oslo")


def booking_title(resource_name, start) -> str:
    return f"{resource_name} {timezone.localtime(start, OSLO_ZONE):%d.%m.%Y %H:%M}"


class Booking(TenantOwned):
    class ActorType(models.TextChoices):
        CITIZEN = "citizen", _("Citizens")
        ASSOCIATION = "association", _("Associations")
        UNIT = "unit", _("Municipal units")
        EMPLOYEE = "employee", _("Employees")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.REQUESTED, Status.CONFIRMED)

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings",
                                 verbose_name=_("resource"))
    booker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings",
                               verbose_name=_("booked by"))
    organisation = models.ForeignKey("accounts.ExternalOrganisation", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("on behalf of"))
    series = models.ForeignKey(BookingSeries, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="bookings")
    org_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("for the unit"))
    actor_type = models.CharField(_("booked by (type)"), max_length=16, choices=ActorType.choices,
                                  default=ActorType.CITIZEN)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("responsible person"),
        help_text=_("For an organisation's booking in meråpent hours: a person with a meråpent agreement."))
    title = models.CharField(_("title"), max_length=200, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    meraapent = models.BooleanField(_("in meråpent hours"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    no_show = models.BooleanField(_("released as no-show"), default=False)
    # The price when booked (torg.booking.pricing: the price rules then in force), kept so a later change
    # of the rules never changes what is invoiced; the payer's price category; the share of the price
    # due when the booking is cancelled after the deadline (each rule's share of its part), and what
    # became due (None: nothing).
    price = models.DecimalField(_("price (NOK)"), max_digits=10, decimal_places=2, default=0)
    price_category = models.CharField(_("price category"), max_length=16, blank=True)
    late_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    cancel_charge = models.DecimalField(_("late cancellation charge (NOK)"), max_digits=10, decimal_places=2,
                                        null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    uid = models.CharField(max_length=64, unique=True)  # stable iCalendar UID

    class Meta:
        ordering = ["start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="booking_booking_end_after_start"),
            models.UniqueConstraint(fields=["booker", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                    name="booking_booking_unique_idempotency_key"),
        ]
        indexes = [models.Index(fields=["tenant", "resource", "start"])]

    def __str__(self):
        """The room and the start in Norwegian numbers and Oslo time ("Møterom 05.12.2026 10:00"): the
        title the audit log keeps."""
        return booking_title(self.resource.name, self.start)

    @property
    def is_active(self):
        return self.status in self.ACTIVE


class BookingSlot(models.Model):
    """One physical unit (leaf resource) occupied by a booking over [start, end) incl. buffers."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")
    unit = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "start"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="booking_slot_end_after_start")]


class Notification(TenantOwned):
    """An in-app message to one user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    message = models.CharField(max_length=500)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class CalendarFeed(TenantOwned):
    """An unguessable iCalendar subscription URL for a user's or an organisation's bookings."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.ExternalOrganisation", on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], condition=models.Q(organisation__isnull=True),
                                    name="booking_feed_one_personal"),
            models.UniqueConstraint(fields=["tenant", "user", "organisation"],
                                    condition=models.Q(organisation__isnull=False), name="booking_feed_one_per_org"),
        ]


class MeraapentAgreement(TenantOwned):
    """A person's signed agreement for self-service (unstaffed) use of a building."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    birth_date = models.DateField(_("date of birth"))
    accepted_at = models.DateTimeField(_("terms accepted"))

    class Meta:
        verbose_name = _("meråpent agreement")
        verbose_name_plural = _("meråpent agreements")
        constraints = [models.UniqueConstraint(fields=["user", "building"], name="booking_meraapent_one_per_building")]


def hash_secret(*parts) -> str:
    """HMAC-SHA256 (keyed with SECRET_KEY) of access codes and door tokens; clear text is never stored."""
    msg = ":".join(str(p) for p in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()


class AccessCode(TenantOwned):
    """A door code for one confirmed meråpent booking. Only the hash is stored."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="access_codes")
    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    code_hash = models.CharField(max_length=64, db_index=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("door code")
        verbose_name_plural = _("door codes")


class Door(TenantOwned):
    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    name = models.CharField(_("name"), max_length=100)
    identifier = models.SlugField(_("identifier"))

    class Meta:
        verbose_name = _("door")
        verbose_name_plural = _("doors")
        constraints = [models.UniqueConstraint(fields=["tenant", "identifier"], name="booking_door_unique_identifier")]

    def __str__(self):
        return self.name


class DoorController(TenantOwned):
    """A lock controller in one building; authenticates to the door API with a hashed token."""

    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lock controller")
        verbose_name_plural = _("lock controllers")

    def __str__(self):
        return self.name


class AccessEvent(TenantOwned):
    """The building's access log: code checks and events reported by door controllers."""

    class Kind(models.TextChoices):
        ALLOWED = "allowed", _("Code accepted")
        DENIED = "denied", _("Code refused")
        THROTTLED = "throttled", _("Too many attempts")
        OPENED = "opened", _("Door opened")
        FORCED = "forced", _("Door forced")
        HELD = "held", _("Door held open")

    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    door = models.ForeignKey(Door, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    controller = models.ForeignKey(DoorController, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    reported = models.BooleanField(default=False)  # reported by the controller, not a code check by Torg

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["controller", "created_at"])]


class PriceRule(TenantOwned):
    """A price for one category of payer on one resource or on every resource of a building ("pris"):
    per hour or per booking, optionally only on some weekdays and between two times of day.
    torg.booking.pricing reads them; a booking with no rule for its payer is free."""

    class Category(models.TextChoices):
        CITIZEN = "citizen", _("Private persons")
        ASSOCIATION = "association", _("Associations")
        VOLUNTEER = "volunteer", _("Volunteer organisations")
        COMMERCIAL = "commercial", _("Businesses")
        INTERNAL = "internal", _("Municipal units and employees")

    class Unit(models.TextChoices):
        HOUR = "hour", _("per hour")
        BOOKING = "booking", _("per booking")

    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("building"))
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="price_rules", verbose_name=_("resource"))
    category = models.CharField(_("price category"), max_length=16, choices=Category.choices)
    unit = models.CharField(_("charged"), max_length=8, choices=Unit.choices, default=Unit.HOUR)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True,
                                help_text=_("Leave empty for every day."))  # 0 = Monday
    starts = models.TimeField(_("from (time of day)"), null=True, blank=True)
    ends = models.TimeField(_("until (time of day)"), null=True, blank=True)
    late_cancel_percent = models.PositiveSmallIntegerField(
        _("share due on late cancellation (%)"), default=100, validators=[MaxValueValidator(100)],
        help_text=_("Charged when a booking is cancelled after the cancellation deadline."))

    class Meta:
        ordering = ["building", "resource", "category", "starts"]
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(building__isnull=False, resource__isnull=True)
                           | models.Q(building__isnull=True, resource__isnull=False)),
                name="booking_price_building_or_resource",
                violation_error_message=_("Choose a building or a resource.")),
            models.CheckConstraint(
                condition=(models.Q(starts__isnull=True, ends__isnull=True)
                           | models.Q(starts__isnull=False, ends__isnull=False, ends__gt=models.F("starts"))),
                name="booking_price_time_window",
                violation_error_message=_("Give both times of day, the second after the first, or neither.")),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="booking_price_amount_not_negative",
                                   violation_error_message=_("The amount cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.amount} {self.get_unit_display()}"
