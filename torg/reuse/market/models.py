"""The internal marketplace ("internt marked"): listings with staged publication, saved searches
with notifications, orders and their messages, and give-aways to external organisations. The
order and listing state machines are declared in `states.py`.

Items stay in the inventory (`torg.reuse.Item`); a listing holds them (status `listed`), an order
holds them (status `ordered`). Whether an item is held is guaranteed by the database: at most one
active `ListingItem` and one active `OrderLine` per item (conditional unique constraints).
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.core.models import TenantOwned
from torg.reuse.models import Condition


class MarketSettings(TenantOwned):
    """A municipality's marketplace settings: the stages of publication and the approval rule."""

    unit_days = models.PositiveIntegerField(
        _("days for the owning unit only"), default=3, validators=[MaxValueValidator(365)],
        help_text=_("A new listing is first shown to the unit that owns the items; after this many days to the "
                    "whole municipality. 0 = the whole municipality at once."))
    partner_days = models.PositiveIntegerField(
        _("days until partner municipalities"), null=True, blank=True, validators=[MaxValueValidator(365)],
        help_text=_("Days after publication when partner municipalities see the listing. Empty = never."))
    public_days = models.PositiveIntegerField(
        _("days until the public"), null=True, blank=True, validators=[MaxValueValidator(365)],
        help_text=_("Days after publication when anyone can see the listing on the public page. Empty = never."))
    approve_buyer_orders = models.BooleanField(
        _("orders by buyers need approval"), default=True,
        help_text=_("Orders by members with the reuse role “Buyer” wait for the seller's approval."))
    partners = models.ManyToManyField("accounts.Tenant", blank=True, related_name="+",
                                      verbose_name=_("partner municipalities"),
                                      help_text=_("A partnership counts when both municipalities have chosen each "
                                                  "other."))

    class Meta:
        verbose_name = _("marketplace settings")
        verbose_name_plural = _("marketplace settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="market_settings_one_per_tenant")]

    def __str__(self):
        return str(self.tenant_id)


class Stage(models.TextChoices):
    """Who can see a listing: the stages follow each other in this order."""

    SELLER = "seller", _("Only the seller (not yet published)")
    UNIT = "unit", _("The owning unit")
    MUNICIPALITY = "municipality", _("The whole municipality")
    PARTNERS = "partners", _("Partner municipalities")
    PUBLIC = "public", _("The public")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Pickup by the buyer")
    DELIVERY = "delivery", _("Delivery by the seller")


class Listing(TenantOwned):
    """A listing ("annonse") of one item or a quantity of one product at one location."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("listing status", "Open")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", pgettext_lazy("listing status", "Closed")

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=16, editable=False)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    product = models.ForeignKey("reuse.Product", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("product"))
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("location"))
    owner_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("owner unit"))
    condition = models.IntegerField(_("condition"))
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"), null=True, blank=True)
    requires_approval = models.BooleanField(_("orders need approval"), default=False)
    pickup = models.BooleanField(_("can be picked up"), default=True)
    delivery = models.BooleanField(_("can be delivered"), default=False)
    # The stages, fixed when the listing is published (from the settings at that time).
    published_at = models.DateTimeField(_("published"))
    municipality_at = models.DateTimeField(_("whole municipality from"))
    partners_at = models.DateTimeField(_("partner municipalities from"), null=True, blank=True)
    public_at = models.DateTimeField(_("public from"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("seller"))
    items = models.ManyToManyField("reuse.Item", through="ListingItem", related_name="+")

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="market_listing_unique_number"),
            models.CheckConstraint(condition=models.Q(available_until__isnull=True)
                                   | models.Q(available_until__gte=models.F("available_from")),
                                   name="market_listing_until_after_from",
                                   violation_error_message=_("“Available until” cannot be before “available "
                                                             "from”.")),
            models.CheckConstraint(condition=models.Q(pickup=True) | models.Q(delivery=True),
                                   name="market_listing_pickup_or_delivery",
                                   violation_error_message=_("Choose pickup, delivery or both.")),
        ]
        indexes = [models.Index(fields=["tenant", "status", "municipality_at"]),
                   models.Index(fields=["status", "partners_at"]), models.Index(fields=["status", "public_at"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def condition_label(self):
        return Condition(self.condition).label if self.condition in Condition.values else self.condition

    @property
    def ordered_count(self):
        """Items held by open orders (needs the counts annotated by the queries)."""
        return getattr(self, "held_count", 0) - getattr(self, "available_count", 0)

    @property
    def stage_label(self):
        return Stage(self.stage()).label

    def ends_at(self):
        """The end of the last day it is available (Europe/Oslo), or None."""
        if self.available_until is None:
            return None
        return local_midnight(self.available_until + dt.timedelta(days=1))

    def expired(self, now=None):
        end = self.ends_at()
        return end is not None and (now or timezone.now()) >= end

    def stage(self, now=None):
        """The widest audience that can see the listing at `now`."""
        now = now or timezone.now()
        if now < self.published_at:
            return Stage.SELLER
        if self.public_at is not None and now >= self.public_at:
            return Stage.PUBLIC
        if self.partners_at is not None and now >= self.partners_at:
            return Stage.PARTNERS
        if now >= self.municipality_at:
            return Stage.MUNICIPALITY
        return Stage.UNIT

    def next_stage(self, now=None):
        """(stage, when) of the next widening of the audience, or None."""
        now = now or timezone.now()
        steps = [(Stage.UNIT, self.published_at), (Stage.MUNICIPALITY, self.municipality_at),
                 (Stage.PARTNERS, self.partners_at), (Stage.PUBLIC, self.public_at)]
        end = self.ends_at()
        for stage, when in sorted(((s, w) for s, w in steps if w is not None), key=lambda sw: sw[1]):
            if when > now and (end is None or when < end):
                return stage, when
        return None


def local_midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


class ListingItem(TenantOwned):
    """One item in a listing. `active` while the listing holds the item (listed or ordered)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("reuse.Item", on_delete=models.PROTECT, related_name="+")
    previous_status = models.CharField(_("status before listing"), max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=models.Q(active=True), name="market_item_listed_once",
                                    violation_error_message=_("This item is already listed.")),
        ]


class Order(TenantOwned):
    """An order ("bestilling") of one or more items of a listing.

    The order belongs to the seller's municipality (`tenant`, the listing's). `buyer_tenant` is the
    buyer's: the same for an internal order, a mutual partner municipality for a partner order. Of a
    partner order the unit and the delivery room are the buyer's; the buyer's municipality reaches
    the order only through `buyer_tenant` (see `queries.buyer_orders` and `queries.order_get`)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("order status", "Requested")
        APPROVED = "approved", _("Approved")
        PROCESSING = "processing", _("Processing")
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        RECEIVED = "received", _("Received")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=16, editable=False)
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="orders", verbose_name=_("listing"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("buyer"))
    buyer_tenant = models.ForeignKey("accounts.Tenant", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("buyer's municipality"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    to_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("for unit"))
    delivery_room = models.ForeignKey("places.Room", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("delivery room"))
    delivery_method = models.CharField(_("pickup or delivery"), max_length=10, choices=DeliveryMethod.choices)
    note = models.TextField(_("note to the seller"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="market_order_unique_number")]
        indexes = [models.Index(fields=["tenant", "status"]), models.Index(fields=["tenant", "buyer"]),
                   models.Index(fields=["buyer_tenant", "buyer"])]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in OPEN_ORDER_STATUSES

    @property
    def is_partner(self):
        """Ordered by a partner municipality (the seller's municipality is not the buyer's)."""
        return self.tenant_id != self.buyer_tenant_id


OPEN_ORDER_STATUSES = frozenset({Order.Status.REQUESTED, Order.Status.APPROVED, Order.Status.PROCESSING,
                                 Order.Status.READY_FOR_PICKUP, Order.Status.OUT_FOR_DELIVERY})


class OrderLine(TenantOwned):
    """One item of an order. `active` while the order is open; the database allows one open order per item.
    Of a received partner order, `received_item` is the new item in the buyer's inventory."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("reuse.Item", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    received_item = models.ForeignKey("reuse.Item", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("item in the buyer's inventory"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=models.Q(active=True), name="market_item_ordered_once",
                                    violation_error_message=_("This item is already ordered.")),
        ]


class OrderMessage(TenantOwned):
    """A message between buyer and seller on an order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("message"), max_length=2000)

    class Meta:
        ordering = ["created_at", "pk"]


class SavedSearch(TenantOwned):
    """A buyer's saved search ("ønskeliste"): notified when a matching listing becomes visible to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("search text"), max_length=100, blank=True)
    category = models.ForeignKey("reuse.Category", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("category"))
    condition = models.IntegerField(_("condition"), null=True, blank=True)
    building = models.ForeignKey("places.Building", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("location"))
    colour = models.CharField(_("colour"), max_length=60, blank=True)
    email = models.BooleanField(_("also by e-mail"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self):
        return self.name


class SavedSearchHit(TenantOwned):
    """A listing a saved search has notified about (each listing once per saved search)."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saved_search", "listing"], name="market_hit_once")]


class Notification(TenantOwned):
    """An in-app message to one user about the marketplace (a matching listing, an order change)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "user", "read_at"])]


class GiveAway(TenantOwned):
    """Items given away ("gitt bort") to an external organisation: they leave the inventory."""

    number = models.CharField(_("number"), max_length=16, editable=False)
    recipient = models.ForeignKey("accounts.ExternalOrganisation", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("recipient organisation"))
    listing = models.ForeignKey(Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("listing"))
    items = models.ManyToManyField("reuse.Item", related_name="+", verbose_name=_("items"))
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                              verbose_name=_("given away by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("give-away")
        verbose_name_plural = _("give-aways")
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="market_giveaway_unique_number")]

    def __str__(self):
        return self.number
