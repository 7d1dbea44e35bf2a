"""Furnishing plans ("innredningsplan") for a target building: the need per room, offers of used
furniture, and one line per needed piece that matching fills from own stock, a used purchase or a
new purchase; plus the "reuse first" purchase requests of the units."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from torg.core.models import TenantOwned
from torg.reuse.models import Condition

MAX_NEED_QUANTITY = 500


class Plan(TenantOwned):
    """A furnishing plan for one target building ("møbleringsplan")."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    number = models.CharField(_("number"), max_length=16, editable=False)
    name = models.CharField(_("name"), max_length=200)
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("target building"))
    source_buildings = models.ManyToManyField(
        "places.Building", blank=True, related_name="+", verbose_name=_("locations being vacated"),
        help_text=_("Items in use at these locations count as stock for the plan: they move with the services."))
    target_reuse_percent = models.PositiveSmallIntegerField(
        _("target reuse share %"), default=80, validators=[MaxValueValidator(100)],
        help_text=_("Share of the need to cover with reused furniture (own and bought used)."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(_("description"), blank=True)
    matched_at = models.DateTimeField(_("last matched"), null=True, blank=True)
    changed_at = models.DateTimeField(_("needs or offers last changed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("furnishing plan")
        verbose_name_plural = _("furnishing plans")
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="relocation_plan_unique_number")]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def editable(self):
        return self.status != self.Status.COMPLETED

    @property
    def match_outdated(self):
        """The needs or offers changed after the last matching (or it never ran)."""
        return self.changed_at is not None and (self.matched_at is None or self.changed_at > self.matched_at)


class UsedOffer(TenantOwned):
    """Used furniture a supplier can deliver for the plan ("tilbud på brukte møbler"): a category,
    a quantity and a unit price, with what is known of size, colour and condition."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="offers", verbose_name=_("plan"))
    supplier = models.ForeignKey("accounts.ExternalOrganisation", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("supplier"))
    category = models.ForeignKey("reuse.Category", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    description = models.CharField(_("description"), max_length=200, blank=True,
                                   help_text=_("Manufacturer and model, e.g. “HÅG Capisco, refurbished”."))
    # A model the catalogue already has (a supplier's refurbished HÅG Capisco): the pieces delivered
    # become items of that product, with its data and photos; without one, delivery registers a product
    # from the offer's description, size and colour.
    product = models.ForeignKey("reuse.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("product in the catalogue"),
                                help_text=_("When the offer is a model the catalogue has: delivered pieces get its "
                                            "data and photos."))
    quantity = models.PositiveIntegerField(_("quantity available"), validators=[MaxValueValidator(100_000)])
    unit_price_nok = models.DecimalField(_("unit price NOK"), max_digits=12, decimal_places=2,
                                         validators=[MinValueValidator(0)])
    width_cm = models.PositiveIntegerField(_("width cm"), null=True, blank=True, validators=[MaxValueValidator(10000)])
    depth_cm = models.PositiveIntegerField(_("depth cm"), null=True, blank=True, validators=[MaxValueValidator(10000)])
    colour = models.CharField(_("colour"), max_length=60, blank=True)
    condition = models.IntegerField(_("condition"), choices=Condition.choices, default=Condition.GOOD)

    class Meta:
        ordering = ["category__sort_order", "unit_price_nok", "pk"]
        verbose_name = _("offer of used furniture")
        verbose_name_plural = _("offers of used furniture")

    def __str__(self):
        return f"{self.category.name}: {self.description or self.supplier.name}"


class Need(TenantOwned):
    """What one room of the target building needs of one category, e.g. 6 desks 160×80."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="needs", verbose_name=_("plan"))
    room = models.ForeignKey("places.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("room"))
    category = models.ForeignKey("reuse.Category", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1),
                                                                      MaxValueValidator(MAX_NEED_QUANTITY)])
    min_width_cm = models.PositiveIntegerField(_("min. width cm"), null=True, blank=True,
                                               validators=[MaxValueValidator(10000)])
    max_width_cm = models.PositiveIntegerField(_("max. width cm"), null=True, blank=True,
                                               validators=[MaxValueValidator(10000)])
    min_depth_cm = models.PositiveIntegerField(_("min. depth cm"), null=True, blank=True,
                                               validators=[MaxValueValidator(10000)])
    max_depth_cm = models.PositiveIntegerField(_("max. depth cm"), null=True, blank=True,
                                               validators=[MaxValueValidator(10000)])
    colour = models.CharField(_("colour"), max_length=60, blank=True)
    max_condition = models.IntegerField(_("worst acceptable condition"), null=True, blank=True,
                                        validators=[MinValueValidator(0), MaxValueValidator(3)],
                                        help_text=_("0 = as new only … 3 = anything."))
    product = models.ForeignKey("reuse.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("specific product"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["room__number", "pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["plan", "room"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_width_cm__isnull=True) | Q(max_width_cm__isnull=True)
                | Q(min_width_cm__lte=models.F("max_width_cm")),
                name="relocation_need_width_range",
                violation_error_message=_("The minimum width is larger than the maximum width.")),
            models.CheckConstraint(
                condition=Q(min_depth_cm__isnull=True) | Q(max_depth_cm__isnull=True)
                | Q(min_depth_cm__lte=models.F("max_depth_cm")),
                name="relocation_need_depth_range",
                violation_error_message=_("The minimum depth is larger than the maximum depth.")),
        ]

    def __str__(self):
        return f"{self.room.number}: {self.quantity} × {self.category.name}"

    @property
    def constraints_text(self) -> str:
        parts = []
        for label, lo, hi in ((_("width"), self.min_width_cm, self.max_width_cm),
                              (_("depth"), self.min_depth_cm, self.max_depth_cm)):
            if lo is not None and hi is not None:
                parts.append(f"{label} {lo}–{hi} cm" if lo != hi else f"{label} {lo} cm")
            elif lo is not None:
                parts.append(f"{label} ≥ {lo} cm")
            elif hi is not None:
                parts.append(f"{label} ≤ {hi} cm")
        if self.colour:
            parts.append(self.colour)
        if self.max_condition is not None:
            parts.append(str(_("condition ≤ %(n)d")) % {"n": self.max_condition})
        if self.product_id:
            parts.append(str(self.product))
        return ", ".join(str(p) for p in parts)


class Line(TenantOwned):
    """One needed piece of a need and where it comes from ("linje"): an own item, a used
    purchase, a new purchase, or still open. A planner's override locks the line: matching leaves
    it as it is."""

    class Source(models.TextChoices):
        OPEN = "open", _("Not covered")
        OWN = "own", _("Reuse own")
        USED = "used", _("Buy used")
        NEW = "new", _("Buy new")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan"))
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="lines", verbose_name=_("need"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.OPEN)
    item = models.ForeignKey("reuse.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("item"))
    # The item's status before the plan reserved it, restored when the plan lets go of it.
    item_status_before = models.CharField(_("status before"), max_length=20, blank=True)
    offer = models.ForeignKey(UsedOffer, on_delete=models.PROTECT, null=True, blank=True, related_name="lines",
                              verbose_name=_("offer"))
    unit_price_nok = models.DecimalField(_("unit price NOK"), max_digits=12, decimal_places=2, null=True, blank=True)
    locked = models.BooleanField(_("set by the planner"), default=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("delivered by"))

    class Meta:
        ordering = ["need__room__number", "need_id", "pk"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        indexes = [models.Index(fields=["plan", "source"]), models.Index(fields=["need"])]
        constraints = [
            # An item covers one needed piece: once in a plan, and in one open line in all plans.
            models.UniqueConstraint(fields=["plan", "item"], condition=Q(item__isnull=False),
                                    name="relocation_line_item_once_per_plan",
                                    violation_error_message=_("The item is already matched in this plan.")),
            models.UniqueConstraint(fields=["item"], condition=Q(item__isnull=False, delivered_at__isnull=True),
                                    name="relocation_line_item_once_open",
                                    violation_error_message=_("The item is already matched to another need.")),
            models.CheckConstraint(condition=~Q(source="own") | Q(item__isnull=False),
                                   name="relocation_line_own_has_item",
                                   violation_error_message=_("A reused own line needs an item.")),
            models.CheckConstraint(condition=~Q(source="used") | Q(offer__isnull=False),
                                   name="relocation_line_used_has_offer",
                                   violation_error_message=_("A used purchase needs an offer.")),
        ]

    def __str__(self):
        return f"{self.need} – {self.get_source_display()}"

    @property
    def delivered(self):
        return self.delivered_at is not None


class PurchaseRequest(TenantOwned):
    """A unit's need to buy furniture, recorded only after it has seen the matching stock
    ("gjenbruk først"): it either uses stock or buys anyway with a reason."""

    class Decision(models.TextChoices):
        USE_STOCK = "use_stock", _("Use items from stock")
        BUY = "buy", _("Buy anyway")

    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("organisation unit"))
    category = models.ForeignKey("reuse.Category", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1),
                                                                      MaxValueValidator(10_000)])
    reason = models.TextField(_("what it is for"))
    available_count = models.PositiveIntegerField(_("available in stock when decided"), default=0)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    decision_reason = models.TextField(_("reason for buying"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        indexes = [models.Index(fields=["tenant", "created_at"])]

    def __str__(self):
        return f"{self.quantity} × {self.category.name} ({self.unit.name})"


ZERO = Decimal("0.00")
