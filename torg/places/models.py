"""The places register: property → building → floor → room. Every module hangs on it."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from torg.core.models import TenantOwned


class Property(TenantOwned):
    """A cadastral property ("eiendom"), identified by gnr/bnr (and optionally fnr/snr)."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    gnr = models.PositiveIntegerField(_("farm number (gnr)"), validators=[MinValueValidator(1)])
    bnr = models.PositiveIntegerField(_("holding number (bnr)"), validators=[MinValueValidator(1)])
    fnr = models.PositiveIntegerField(_("leasehold number (fnr)"), default=0, blank=True)
    snr = models.PositiveIntegerField(_("section number (snr)"), default=0, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    postal_place = models.CharField(_("postal place"), max_length=100, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["gnr", "bnr"]
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "gnr", "bnr", "fnr", "snr"],
                name="places_property_unique_cadastre",
                violation_error_message=_("A property with this gnr/bnr is already registered."),
            )
        ]

    @property
    def cadastre(self) -> str:
        parts = [str(self.gnr), str(self.bnr)]
        if self.fnr or self.snr:
            parts.append(str(self.fnr or 0))
        if self.snr:
            parts.append(str(self.snr))
        return "/".join(parts)

    def __str__(self):
        label = self.name or self.address
        return f"{self.cadastre} {label}".strip()


class Building(TenantOwned):
    """A building ("bygg") on a property."""

    class Use(models.TextChoices):
        OFFICE = "office", _("Office")
        CITIZEN_CENTRE = "citizen_centre", _("Citizen service centre")
        SCHOOL = "school", _("School")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        NURSING_HOME = "nursing_home", _("Nursing home")
        HEALTH = "health", _("Health and care")
        CULTURE = "culture", _("Culture and library")
        SPORTS = "sports", _("Sports")
        HOUSING = "housing", _("Housing")
        TECHNICAL = "technical", _("Technical / operations")
        OTHER = "other", _("Other")

    class StrategicCategory(models.TextChoices):
        KEEP = "A", _("A – keep")
        UNDECIDED = "B", _("B – undecided")
        TRANSFORM = "C", _("C – transform or dispose")

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("property"))
    building_number = models.CharField(
        _("building number"), max_length=20, blank=True, help_text=_("The building's number in the cadastre (matrikkelen).")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    year_built = models.PositiveIntegerField(
        _("year built"), null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2100)]
    )
    gross_area = models.DecimalField(
        _("gross area (BTA) m²"), max_digits=10, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    use = models.CharField(_("use"), max_length=32, choices=Use.choices, default=Use.OFFICE)
    strategic_category = models.CharField(
        _("strategic category"), max_length=1, choices=StrategicCategory.choices, blank=True
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "building_number"],
                condition=~models.Q(building_number=""),
                name="places_building_unique_number",
                violation_error_message=_("A building with this building number is already registered."),
            )
        ]
        indexes = [models.Index(fields=["tenant", "archived", "name"])]

    def __str__(self):
        return self.name


class Floor(TenantOwned):
    """A floor ("etasje") of a building. Level 0 is the ground floor (U1 = -1)."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="floors", verbose_name=_("building"))
    level = models.IntegerField(_("level"), validators=[MinValueValidator(-10), MaxValueValidator(200)])
    name = models.CharField(_("name"), max_length=100, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["building", "level"]
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "level"], name="places_floor_unique_level",
                violation_error_message=_("The building already has a floor at this level."),
            )
        ]

    def __str__(self):
        return self.name or str(_("Floor %(level)s") % {"level": self.level})


class Room(TenantOwned):
    """A room ("rom") on a floor. `building` is kept equal to `floor.building` by the services."""

    class Function(models.TextChoices):
        OFFICE = "office", _("Office")
        OPEN_OFFICE = "open_office", _("Open-plan office")
        MEETING = "meeting", _("Meeting room")
        QUIET = "quiet", _("Quiet room")
        CLASSROOM = "classroom", _("Classroom")
        GROUP = "group", _("Group room")
        SPECIAL_CLASSROOM = "special_classroom", _("Special classroom")
        GYM = "gym", _("Gym / sports hall")
        PLAY = "play", _("Play room")
        RESIDENT = "resident", _("Resident room")
        COMMON = "common", _("Common room")
        LIBRARY = "library", _("Library")
        HALL = "hall", _("Hall / assembly room")
        RECEPTION = "reception", _("Reception / citizen service")
        KITCHEN = "kitchen", _("Kitchen / canteen")
        WORKSHOP = "workshop", _("Workshop")
        STORAGE = "storage", _("Storage")
        WARDROBE = "wardrobe", _("Wardrobe")
        TOILET = "toilet", _("Toilet / shower")
        CORRIDOR = "corridor", _("Corridor / circulation")
        TECHNICAL = "technical", _("Technical room")
        OTHER = "other", _("Other")

    floor = models.ForeignKey(Floor, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("floor"))
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="rooms", editable=False)
    number = models.CharField(_("room number"), max_length=20)
    name = models.CharField(_("name"), max_length=200, blank=True)
    net_area = models.DecimalField(
        _("net area m²"), max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    capacity = models.PositiveIntegerField(_("capacity (persons)"), null=True, blank=True)
    function = models.CharField(_("function"), max_length=32, choices=Function.choices, default=Function.OTHER)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["building", "number"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="places_room_unique_number",
                violation_error_message=_("A room with this number already exists in the building."),
            )
        ]
        indexes = [models.Index(fields=["tenant", "building", "archived"])]

    def __str__(self):
        return f"{self.number} {self.name}".strip()
