"""Writes of the impact app: the factor library and the deduction settings. Keyword-only, atomic,
validated and audited (the factor and settings pages show that history)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from torg.core.services import create_object, require_same_tenant, update_object
from torg.reuse import services as inventory
from torg.reuse.models import Category

from .library import default_fields, seed_factors
from .models import Factor, ImpactSettings

FACTOR_FIELDS = {"basis", "co2e_kg", "co2e_low_kg", "co2e_high_kg", "default_weight_kg", "default_new_price_nok",
                 "source", "source_year", "boundary", "note"}
SETTINGS_FIELDS = {"transport_pct", "refurbishment_pct", "cost_pct", "note"}


@transaction.atomic
def factor_seed_defaults(*, tenant) -> int:
    """The shipped factors for the tenant's standard categories that have none yet (the tenant's
    part of the set-up, see `torg.core.tenancy`: the standard categories are seeded first when
    missing). Returns how many factors were added."""
    inventory.category_seed_defaults(tenant=tenant)
    return seed_factors(tenant, Category, Factor)


def _check_range(fields):
    value, low, high = fields.get("co2e_kg"), fields.get("co2e_low_kg"), fields.get("co2e_high_kg")
    errors = {}
    if value is None and (low is not None or high is not None):
        errors["co2e_kg"] = _("Give the factor itself when you give a range.")
    if value is not None and low is not None and low > value:
        errors["co2e_low_kg"] = _("The low end of the range cannot be above the factor.")
    if value is not None and high is not None and high < value:
        errors["co2e_high_kg"] = _("The high end of the range cannot be below the factor.")
    if value is not None and not (fields.get("source") or "").strip():
        errors["source"] = _("Say where the factor comes from (source), so the report can be traced.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def factor_save(*, actor, tenant, category, **fields) -> Factor:
    """Create or change the factor of `category` (audited with every changed field)."""
    unknown = set(fields) - FACTOR_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    require_same_tenant(tenant, category)
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    factor = Factor.objects.select_for_update().filter(tenant=tenant, category=category).first()
    merged = {f: getattr(factor, f) for f in FACTOR_FIELDS} if factor else {}
    merged.update(fields)
    _check_range(merged)
    if factor is None:
        return create_object(Factor(tenant=tenant, category=category, **fields), actor=actor, tenant=tenant)
    return update_object(factor, actor=actor, tenant=tenant, fields=fields)


@transaction.atomic
def factor_reset_default(*, actor, tenant, category) -> Factor:
    """Put the shipped default back for a standard category (audited as an update)."""
    fields = default_fields(category.key)
    if fields is None:
        raise ValidationError(_("Torg ships no default factor for this category."))
    factor = factor_save(actor=actor, tenant=tenant, category=category, **fields)
    return factor


@transaction.atomic
def settings_update(*, actor, tenant, **fields) -> ImpactSettings:
    """Change the tenant's deductions (created on first save)."""
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    transport, refurbishment = fields.get("transport_pct"), fields.get("refurbishment_pct")
    row = ImpactSettings.objects.select_for_update().filter(tenant=tenant).first()
    transport = transport if transport is not None else (row.transport_pct if row else 0)
    refurbishment = refurbishment if refurbishment is not None else (row.refurbishment_pct if row else 0)
    if transport + refurbishment > 100:
        raise ValidationError({"refurbishment_pct": _(
            "Transport and refurbishment together cannot take more than all of the CO2e avoided.")})
    if row is None:
        return create_object(ImpactSettings(tenant=tenant, **fields), actor=actor, tenant=tenant)
    return update_object(row, actor=actor, tenant=tenant, fields=fields)
