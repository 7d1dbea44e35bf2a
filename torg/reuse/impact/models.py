"""The factor library of the impact reports ("klimafaktorer") and each tenant's deduction settings.

A `Factor` belongs to one category of the inventory (`reuse.Category`): how much CO2e one reused item
of that category avoids — per item or per kg of the item — with the low/high range the sources give,
the default weight and new price used when a product has none, and where the figure comes from
(source, year, system boundary). A product's own EPD value (`Product.co2e_kg`) always wins over it.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from torg.core.models import TenantOwned


class Basis(models.TextChoices):
    PER_ITEM = "per_item", _("kg CO2e per item")
    PER_KG = "per_kg", _("kg CO2e per kg of the item")


class Boundary(models.TextChoices):
    CRADLE_TO_GATE = "cradle_to_gate", _("Cradle to gate (production of a new item)")
    LIFE_CYCLE = "life_cycle", _("Life cycle (cradle to grave)")
    DIRECT_REUSE = "direct_reuse", _("Direct reuse (net emissions avoided)")
    MIXED = "mixed", _("Mixed: sources with different boundaries")
    UNKNOWN = "unknown", _("Not stated")


class Factor(TenantOwned):
    """The CO2e / weight / price defaults of one category ("klimafaktor")."""

    category = models.OneToOneField("reuse.Category", on_delete=models.CASCADE, related_name="impact_factor",
                                    verbose_name=_("category"))
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.PER_ITEM)
    co2e_kg = models.DecimalField(_("CO2e avoided"), max_digits=9, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)],
                                  help_text=_("kg CO2e avoided per item, or per kg of the item (see basis). "
                                              "Empty: no factor (the items are flagged)."))
    co2e_low_kg = models.DecimalField(_("low"), max_digits=9, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)],
                                      help_text=_("Lower end of the range the sources give (same basis)."))
    co2e_high_kg = models.DecimalField(_("high"), max_digits=9, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)],
                                       help_text=_("Upper end of the range the sources give (same basis)."))
    default_weight_kg = models.DecimalField(_("default weight kg"), max_digits=7, decimal_places=2, null=True,
                                            blank=True, validators=[MinValueValidator(0)],
                                            help_text=_("Used when the product has no weight."))
    default_new_price_nok = models.DecimalField(_("default new price NOK"), max_digits=12, decimal_places=2,
                                                null=True, blank=True, validators=[MinValueValidator(0)],
                                                help_text=_("Used when the product has no new price."))
    source = models.CharField(_("source"), max_length=500, blank=True)
    source_year = models.PositiveSmallIntegerField(_("year of the source"), null=True, blank=True,
                                                   validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    boundary = models.CharField(_("system boundary"), max_length=20, choices=Boundary.choices,
                                default=Boundary.UNKNOWN)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["category__sort_order", "category__name"]
        verbose_name = _("CO2e factor")
        verbose_name_plural = _("CO2e factors")
        constraints = [
            models.CheckConstraint(
                condition=Q(co2e_low_kg__isnull=True) | Q(co2e_kg__isnull=True) | Q(co2e_low_kg__lte=F("co2e_kg")),
                name="impact_factor_low_not_above_value",
                violation_error_message=_("The low end of the range cannot be above the factor."),
            ),
            models.CheckConstraint(
                condition=Q(co2e_high_kg__isnull=True) | Q(co2e_kg__isnull=True)
                | Q(co2e_high_kg__gte=F("co2e_kg")),
                name="impact_factor_high_not_below_value",
                violation_error_message=_("The high end of the range cannot be below the factor."),
            ),
        ]

    def __str__(self):
        return str(self.category)


class ImpactSettings(TenantOwned):
    """A tenant's optional deductions, applied to every reuse in its reports (IVL C339: transport and
    refurbishment eat part of what reuse saves)."""

    tenant = models.OneToOneField("accounts.Tenant", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("tenant"))
    transport_pct = models.DecimalField(_("transport deduction %"), max_digits=5, decimal_places=2, default=0,
                                        validators=[MinValueValidator(0), MaxValueValidator(100)],
                                        help_text=_("Share of the CO2e avoided that transport uses up."))
    refurbishment_pct = models.DecimalField(_("refurbishment deduction %"), max_digits=5, decimal_places=2,
                                            default=0, validators=[MinValueValidator(0), MaxValueValidator(100)],
                                            help_text=_("Share of the CO2e avoided that refurbishment uses up."))
    cost_pct = models.DecimalField(_("cost deduction %"), max_digits=5, decimal_places=2, default=0,
                                   validators=[MinValueValidator(0), MaxValueValidator(100)],
                                   help_text=_("Transport and refurbishment cost as a share of the new price."))
    note = models.TextField(_("note"), blank=True, help_text=_("Where the deductions come from."))

    class Meta:
        verbose_name = _("impact settings")
        verbose_name_plural = _("impact settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(transport_pct__lte=100 - F("refurbishment_pct")),
                name="impact_settings_deductions_at_most_100",
                violation_error_message=_("Transport and refurbishment together cannot take more than all of the CO2e avoided."),
            ),
        ]

    def __str__(self):
        return str(_("Impact settings"))
