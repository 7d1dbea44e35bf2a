"""Reuse inventory: categories, products (a kind of thing), items (one physical object with a QR
code) and their statuses (the state machine is in states.py), pre-printed labels and reuse roles."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from torg.core.models import TenantOwned
from torg.core.photos import random_name


class Category(TenantOwned):
    """A furniture/equipment category. Each tenant gets the maintained default list (see
    `taxonomy.DEFAULT_CATEGORIES`) and may add its own. The default CO2e factors per category live
    in the impact factor library (`torg.reuse.impact`), not here."""

    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    default_weight_kg = models.DecimalField(_("default weight kg"), max_digits=7, decimal_places=2, null=True,
                                            blank=True, validators=[MinValueValidator(0)])
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="reuse_category_unique_key")]

    def __str__(self):
        return self.name


class Product(TenantOwned):
    """A kind of thing ("materialkort"): the same model in the same colour."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("category"))
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    model_name = models.CharField(_("model"), max_length=150, blank=True)
    width_cm = models.PositiveIntegerField(_("width cm"), null=True, blank=True, validators=[MaxValueValidator(10000)])
    depth_cm = models.PositiveIntegerField(_("depth cm"), null=True, blank=True, validators=[MaxValueValidator(10000)])
    height_cm = models.PositiveIntegerField(_("height cm"), null=True, blank=True,
                                            validators=[MaxValueValidator(10000)])
    colour = models.CharField(_("colour"), max_length=60, blank=True)
    material = models.CharField(_("material"), max_length=100, blank=True)
    weight_kg = models.DecimalField(_("weight kg"), max_digits=7, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(0)])
    new_price_nok = models.DecimalField(_("new price NOK"), max_digits=12, decimal_places=2, null=True, blank=True,
                                        validators=[MinValueValidator(0)])
    # The product's OWN footprint (e.g. from its EPD). Empty means: the impact reports use the
    # default factor of the category from the factor library.
    co2e_kg = models.DecimalField(_("CO2e kg"), max_digits=9, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)],
                                  help_text=_("The product's own value, e.g. from its EPD. Leave empty to use the "
                                              "category's default factor."))
    co2e_source = models.CharField(_("CO2e source"), max_length=300, blank=True,
                                   help_text=_("EPD number or other source of the product's own value."))
    description = models.TextField(_("description"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["category__sort_order", "manufacturer", "model_name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["tenant", "category"])]

    def __str__(self):
        label = " ".join(p for p in (self.manufacturer, self.model_name) if p)
        text = f"{self.category.name}: {label}" if label else self.category.name
        return f"{text} ({self.colour})" if self.colour else text

    @property
    def dimensions(self) -> str:
        parts = [self.width_cm, self.depth_cm, self.height_cm]
        if not any(parts):
            return ""
        return "×".join(str(p) if p else "?" for p in parts) + " cm"


class Condition(models.IntegerChoices):
    AS_NEW = 0, _("0 – as new")
    GOOD = 1, _("1 – good, small signs of use")
    WORN = 2, _("2 – worn, needs cleaning or small repair")
    POOR = 3, _("3 – needs repair or unusable")


class Status(models.TextChoices):
    IN_USE = "in_use", _("In use")
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    FOR_RELOCATION = "for_relocation", _("For relocation")
    FOR_REPAIR = "for_repair", _("For repair/redesign")
    FOR_RECYCLING = "for_recycling", _("For recycling")
    DISPOSED = "disposed", _("Disposed")
    LISTED = "listed", _("Listed")
    ORDERED = "ordered", _("Ordered")
    GIVEN_AWAY = "given_away", _("Given away")


# Which status may follow which, and who may change it: the item machine in states.py.

# Statuses that mean the item has left the inventory (its history is kept).
GONE_STATUSES = frozenset({Status.DISPOSED, Status.GIVEN_AWAY})
# Statuses in which the marketplace holds the item: it cannot be moved (nor listed again) until the
# listing or order lets go of it.
MARKET_STATUSES = frozenset({Status.LISTED, Status.ORDERED})


class Item(TenantOwned):
    """One physical object with its QR code and human sequence number (M-000123)."""

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=16, editable=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="items", verbose_name=_("product"))
    # `building` follows `room.building`; it may be set alone when the room is not known.
    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("building"))
    room = models.ForeignKey("places.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("room"))
    placement_text = models.CharField(_("placement"), max_length=200, blank=True,
                                      help_text=_("Where in the room, e.g. “by the window, left”."))
    condition = models.IntegerField(_("condition"), choices=Condition.choices, default=Condition.GOOD)
    damage_description = models.TextField(_("damage description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_USE)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="components",
                               verbose_name=_("part of"))
    owner_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("owner unit"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="reuse_item_unique_number")]
        indexes = [
            models.Index(fields=["tenant", "building", "status"]),
            models.Index(fields=["tenant", "status"]),
            models.Index(fields=["tenant", "product"]),
        ]

    def __str__(self):
        return f"{self.number} {self.product.category.name if self.product_id else ''}".strip()

    @property
    def location_label(self) -> str:
        parts = []
        if self.building_id:
            parts.append(self.building.name)
        if self.room_id:
            parts.append(str(self.room))
        if self.placement_text:
            parts.append(self.placement_text)
        return ", ".join(parts)


def product_photo_path(instance, filename):
    return random_name(f"reuse/{instance.tenant_id}/products")


def item_photo_path(instance, filename):
    return random_name(f"reuse/{instance.tenant_id}/items")


class Photo(TenantOwned):
    """A re-encoded JPEG (torg.core.photos) with its size, of an item or a product. The file has a
    random name and is served only through the checking file view (`{{ photo|photo_url }}`)."""

    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["pk"]


class ProductPhoto(Photo):
    """A photo of the product (catalogue picture): shown for every item of the product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=product_photo_path)

    class Meta(Photo.Meta):
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")


class ItemPhoto(Photo):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=item_photo_path)

    class Meta(Photo.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class Label(TenantOwned):
    """A pre-printed code: printed in a batch, stuck on in the field, claimed at registration."""

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    batch = models.PositiveIntegerField(_("batch"), default=1)
    item = models.OneToOneField(Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="label")
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("pre-printed label")
        verbose_name_plural = _("pre-printed labels")
        indexes = [models.Index(fields=["tenant", "batch"])]

    def __str__(self):
        return self.code


class ReuseRole(TenantOwned):
    """A member's role in the reuse module. Tenant administrators are reuse administrators and
    property managers are location managers for every building without a row here."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        LOCATION_MANAGER = "location_manager", _("Location manager")
        SURVEYOR = "surveyor", _("Surveyor")
        BUYER_SELLER = "buyer_seller", _("Buyer/seller")
        BUYER = "buyer", _("Buyer")
        OBSERVER = "observer", _("Observer")

    membership = models.OneToOneField("accounts.Membership", on_delete=models.CASCADE, related_name="reuse_role")
    role = models.CharField(_("reuse role"), max_length=20, choices=Role.choices)
    buildings = models.ManyToManyField("places.Building", blank=True, related_name="+",
                                       verbose_name=_("buildings"),
                                       help_text=_("For location managers: the locations they manage."))

    class Meta:
        verbose_name = _("reuse role")
        verbose_name_plural = _("reuse roles")

    def __str__(self):
        return f"{self.membership.user} – {self.get_role_display()}"


class ImportJob(TenantOwned):
    """A bulk import of items from an uploaded file, run as background tasks: validate (preview and
    per-row errors, nothing written) and, after the user confirms, write (one transaction)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        VALIDATING = "validating", _("Checking the file")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    RUNNING = ("queued", "validating", "importing")

    file_name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"), editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows in file"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True,
                              help_text=_("Per-row problems: [{line, column, message}]."))
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    valid_rows_only = models.BooleanField(_("import only the valid rows"), default=False)
    refused = models.BooleanField(_("refused"), default=False)
    message = models.TextField(_("message"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True,
                                help_text=_("The uploader's language: the error messages are stored in it."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("uploaded by"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return self.file_name

    @property
    def running(self):
        return self.status in self.RUNNING

    @property
    def percent(self):
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ReuseRecord(TenantOwned):
    """One reuse of an item ("gjenbruk"): it went to a new user instead of a new purchase being made.

    Written by the modules that make reuse happen (an order received in the marketplace, a delivery
    in a relocation plan, a give-away to an external organisation, an item bought used, an order
    between partner municipalities — one record in each, for its own item) through
    `services.reuse_record`; read by the impact reports, which compute CO2e, money and waste avoided
    from these rows and the factors that apply to each item's product and category."""

    class Kind(models.TextChoices):
        INTERNAL_ORDER = "internal_order", _("Ordered in the marketplace")
        RELOCATION = "relocation", _("Moved into a new building")
        GIVEN_AWAY = "given_away", _("Given away")
        BOUGHT_USED = "bought_used", _("Bought used")
        # An order between partner municipalities: each records its own side (see the marketplace).
        TO_PARTNER = "to_partner", _("Given to a partner municipality")
        FROM_PARTNER = "from_partner", _("Ordered from a partner municipality")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reuse_records", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    from_building = models.ForeignKey("places.Building", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("from building"))
    to_building = models.ForeignKey("places.Building", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("to building"))
    from_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("from unit"))
    to_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("to unit"))
    recipient = models.ForeignKey("accounts.ExternalOrganisation", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("recipient organisation"))
    reference = models.CharField(_("reference"), max_length=100, blank=True,
                                 help_text=_("What made the reuse happen, e.g. an order or plan number."))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")
        indexes = [models.Index(fields=["tenant", "occurred_at"]), models.Index(fields=["tenant", "kind"])]

    def __str__(self):
        return f"{self.item_id} {self.kind} {self.occurred_at:%Y-%m-%d}"
