"""Estate: condition surveys of buildings (NS 3424) per building part (NS 3451 codes).

A survey is a draft while it is entered or corrected and becomes immutable when approved; a
correction of an approved survey is a new version that supersedes it once approved, so every
survey ever approved is kept (a building's condition over time). See docs/user-guide/estate.md.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.core.models import TenantOwned
from torg.core.photos import random_name

from . import ns3451


class ConditionSurvey(TenantOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded by a correction")
        DISCARDED = "discarded", _("Discarded")

    class Level(models.TextChoices):
        OVERVIEW = "1", _("Level 1 – overview")
        DETAILED = "2", _("Level 2 – detailed")
        SPECIAL = "3", _("Level 3 – special investigation")

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="condition_surveys",
                                 verbose_name=_("building"))
    surveyed_on = models.DateField(_("survey date"))
    surveyor = models.CharField(_("surveyor"), max_length=200)
    level = models.CharField(_("NS 3424 level"), max_length=1, choices=Level.choices, default=Level.OVERVIEW)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
                                 verbose_name=_("corrects"))
    # Set when approved (an approved survey never changes, so its figures are kept with it).
    aggregate_grade = models.DecimalField(_("aggregate condition grade"), max_digits=3, decimal_places=2, null=True,
                                          blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The building's latest approved survey (by date): the one the portfolio and the building page show.
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["-surveyed_on", "-pk"]
        verbose_name = _("condition survey")
        verbose_name_plural = _("condition surveys")
        indexes = [models.Index(fields=["tenant", "is_current"]), models.Index(fields=["building", "status"])]

    def __str__(self):
        return f"{self.building} {self.surveyed_on:%d.%m.%Y} v{self.version}"

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class SurveyPart(TenantOwned):
    """One building part's condition in one survey: grades, what was seen, the measure it needs."""

    class Grade(models.IntegerChoices):
        TG0 = 0, _("TG0 – no symptoms")
        TG1 = 1, _("TG1 – minor symptoms")
        TG2 = 2, _("TG2 – moderate symptoms")
        TG3 = 3, _("TG3 – serious symptoms")

    class Consequence(models.IntegerChoices):
        KG0 = 0, _("KG0 – no consequences")
        KG1 = 1, _("KG1 – small consequences")
        KG2 = 2, _("KG2 – moderate consequences")
        KG3 = 3, _("KG3 – large consequences")

    survey = models.ForeignKey(ConditionSurvey, on_delete=models.CASCADE, related_name="parts",
                               verbose_name=_("condition survey"))
    ns_code = models.CharField(_("building part (NS 3451)"), max_length=4)
    condition_grade = models.PositiveSmallIntegerField(_("condition grade"), choices=Grade.choices)
    consequence_grade = models.PositiveSmallIntegerField(_("consequence grade"), choices=Consequence.choices,
                                                         default=Consequence.KG1)
    description = models.TextField(_("description"), blank=True)
    measure = models.CharField(_("recommended measure"), max_length=500, blank=True)
    measure_cost = models.DecimalField(_("cost estimate (NOK)"), max_digits=12, decimal_places=0, null=True,
                                       blank=True, validators=[MinValueValidator(0)])
    measure_year = models.PositiveIntegerField(_("year needed"), null=True, blank=True,
                                               validators=[MinValueValidator(1900), MaxValueValidator(2200)])

    class Meta:
        ordering = ["ns_code", "pk"]
        verbose_name = _("building part")
        verbose_name_plural = _("building parts")
        indexes = [models.Index(fields=["survey", "condition_grade"])]

    def __str__(self):
        return ns3451.label(self.ns_code)

    @property
    def part_label(self):
        return ns3451.label(self.ns_code)

    @property
    def risk_score(self):
        return self.condition_grade * self.consequence_grade

    @property
    def risk(self):
        return risk_class(self.risk_score)

    @property
    def risk_label(self):
        return RISK_LABELS[self.risk]


RISK_LABELS = {"low": _("Low"), "medium": _("Medium"), "high": _("High")}


def risk_class(score) -> str:
    """Risk = condition grade × consequence grade (0–9): low 0–2, medium 3–4, high 6–9."""
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


def part_photo_path(instance, filename):
    return random_name(f"estate/{instance.tenant_id}/parts")


class SurveyPartPhoto(TenantOwned):
    part = models.ForeignKey(SurveyPart, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=part_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class Measure(TenantOwned):
    """A maintenance measure on a building: proposed by a survey (from a part's recommended measure)
    or added by hand, planned into a year, carried out — or rejected. Its status changes only through
    `MEASURE_MACHINE`; a projects module may later group measures into a project (it points to them;
    nothing here knows of projects)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("measure", "Done")
        REJECTED = "rejected", _("Rejected")

    class Category(models.TextChoices):
        MAINTENANCE = "maintenance", _("Value-preserving maintenance")
        SAFETY = "safety", _("Safety and regulations")
        ENERGY = "energy", _("Energy saving")
        UPGRADE = "upgrade", _("Upgrade and adaptation")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("1 – high")
        MEDIUM = 2, _("2 – medium")
        LOW = 3, _("3 – low")

    OPEN = (Status.PROPOSED, Status.PLANNED, Status.IN_PROGRESS)

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="measures",
                                 verbose_name=_("building"))
    survey_part = models.ForeignKey(SurveyPart, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="measures", verbose_name=_("from the survey's building part"))
    ns_code = models.CharField(_("building part (NS 3451)"), max_length=4, blank=True)
    condition_grade = models.PositiveSmallIntegerField(_("condition grade"), choices=SurveyPart.Grade.choices,
                                                       null=True, blank=True)
    description = models.CharField(_("measure"), max_length=500)
    cost = models.DecimalField(_("cost (NOK)"), max_digits=12, decimal_places=0, validators=[MinValueValidator(0)])
    due_year = models.PositiveIntegerField(_("year needed"), null=True, blank=True,
                                           validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    planned_year = models.PositiveIntegerField(_("planned year"), null=True, blank=True,
                                               validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.MEDIUM)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.MAINTENANCE)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    identified_on = models.DateField(_("identified"))
    completed_on = models.DateField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["planned_year", "priority", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [models.Index(fields=["tenant", "status", "planned_year"]),
                   models.Index(fields=["building", "status"])]

    def __str__(self):
        return self.description

    @property
    def part_label(self):
        return ns3451.label(self.ns_code) if self.ns_code else ""


class MaintenanceBudget(TenantOwned):
    """The money the municipality sets aside for maintenance measures in one year (NOK)."""

    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    amount = models.DecimalField(_("budget (NOK)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["year"]
        verbose_name = _("maintenance budget")
        verbose_name_plural = _("maintenance budgets")
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="estate_budget_unique_year")]

    def __str__(self):
        return str(self.year)


# --- Energy and operating costs ---------------------------------------------------------------
class Meter(TenantOwned):
    """An energy meter of a building, by energy carrier; its monthly readings are delivered energy (kWh)."""

    class Carrier(models.TextChoices):
        ELECTRICITY = "electricity", _("Electricity")
        DISTRICT_HEATING = "district_heating", _("District heating")
        DISTRICT_COOLING = "district_cooling", _("District cooling")
        BIO = "bio", _("Bioenergy")
        OIL = "oil", _("Heating oil")
        GAS = "gas", _("Gas")
        HEAT_PUMP = "heat_pump", _("Heat pump")
        OTHER = "other", _("Other")

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="energy_meters",
                                 verbose_name=_("building"))
    number = models.CharField(_("meter number"), max_length=50,
                              help_text=_("The meter's id in the energy monitoring system (e.g. its EAN number)."))
    carrier = models.CharField(_("energy carrier"), max_length=20, choices=Carrier.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["building__name", "carrier", "number"]
        verbose_name = _("energy meter")
        verbose_name_plural = _("energy meters")
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="estate_meter_unique_number")]

    def __str__(self):
        return f"{self.number} ({self.get_carrier_display()})"


class MeterReading(TenantOwned):
    """A meter's delivered energy in one month (kWh). One per meter and month: entering or importing a
    month again replaces it."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="readings", verbose_name=_("meter"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    kwh = models.DecimalField(_("kWh"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["meter", "month"]
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        constraints = [models.UniqueConstraint(fields=["meter", "month"], name="estate_reading_unique_month")]
        indexes = [models.Index(fields=["tenant", "month"])]

    def __str__(self):
        return f"{self.meter} {self.month:%m.%Y}"


class DegreeDayMonth(TenantOwned):
    """Heating degree days of one month at the municipality's weather station, and the normal value for
    that month (the reference period), for the temperature correction of energy use."""

    month = models.DateField(_("month"))
    degree_days = models.DecimalField(_("degree days"), max_digits=6, decimal_places=1,
                                      validators=[MinValueValidator(0)])
    normal = models.DecimalField(_("normal degree days"), max_digits=6, decimal_places=1,
                                 validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["month"]
        verbose_name = _("degree days")
        verbose_name_plural = _("degree days")
        constraints = [models.UniqueConstraint(fields=["tenant", "month"], name="estate_degree_days_unique_month")]


class EnergyLabel(TenantOwned):
    """A building's energy label (A–G) with the date it was issued; labels are kept, the latest counts."""

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"
        E = "E", "E"
        F = "F", "F"
        G = "G", "G"

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="energy_labels",
                                 verbose_name=_("building"))
    grade = models.CharField(_("energy label"), max_length=1, choices=Grade.choices)
    issued_on = models.DateField(_("issued"))

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("energy label")
        verbose_name_plural = _("energy labels")


class EnergyTarget(TenantOwned):
    """The municipality's energy target: a reduction of `reduction_percent` per year from the base year
    (compounded: the target of year Y is the base year's kWh/m² × (1 − p/100)^(Y − base year))."""

    base_year = models.PositiveIntegerField(_("base year"), validators=[MinValueValidator(1900),
                                                                         MaxValueValidator(2200)])
    reduction_percent = models.DecimalField(_("reduction per year (%)"), max_digits=4, decimal_places=1,
                                            default=3, validators=[MinValueValidator(0), MaxValueValidator(50)])

    class Meta:
        verbose_name = _("energy target")
        verbose_name_plural = _("energy targets")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="estate_energy_target_unique_tenant")]


class OperatingCost(TenantOwned):
    """A building's operating cost (FDV) of one kind in one year under one KOSTRA function, from the
    accounting system. Operation is the KOSTRA total for operation: cleaning and energy are part of it
    ("of which"), so they are never added to it again."""

    class Kind(models.TextChoices):
        MANAGEMENT = "management", _("Management")
        OPERATION = "operation", _("Operation")
        MAINTENANCE = "maintenance", _("Maintenance")
        CLEANING = "cleaning", _("Cleaning")
        ENERGY = "energy", _("Energy")

    building = models.ForeignKey("places.Building", on_delete=models.PROTECT, related_name="operating_costs",
                                 verbose_name=_("building"))
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    kostra_function = models.CharField(_("KOSTRA function"), max_length=3)
    kind = models.CharField(_("cost type"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=0)

    class Meta:
        ordering = ["year", "kostra_function", "kind"]
        verbose_name = _("operating cost")
        verbose_name_plural = _("operating costs")
        constraints = [models.UniqueConstraint(fields=["building", "year", "kostra_function", "kind"],
                                               name="estate_cost_unique")]
        indexes = [models.Index(fields=["tenant", "year"])]
