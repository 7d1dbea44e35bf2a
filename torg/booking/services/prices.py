"""Price rules (who pays what for a resource or a building's resources) — the prices themselves are
computed by torg.booking.pricing when a booking is made."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.services import create_object, require_same_tenant

from ..models import PriceRule


@transaction.atomic
def price_rule_create(*, actor, tenant, category, amount, unit=PriceRule.Unit.HOUR, building=None, resource=None,
                      weekdays=(), starts=None, ends=None, late_cancel_percent=100) -> PriceRule:
    """Add a price rule for a building's resources or one resource. New bookings are priced by it;
    bookings already made keep their price."""
    require_same_tenant(tenant, building, field="building")
    require_same_tenant(tenant, resource, field="resource")
    if (building is None) == (resource is None):
        raise ValidationError({"resource": _("Choose a building or a resource.")})
    days = sorted({int(d) for d in weekdays})
    if any(d < 0 or d > 6 for d in days):
        raise ValidationError({"weekdays": _("Weekdays are 0 (Monday) to 6 (Sunday).")})
    if (starts is None) != (ends is None) or (starts is not None and ends <= starts):
        raise ValidationError({"ends": _("Give both times of day, the second after the first, or neither.")})
    return create_object(PriceRule(tenant=tenant, building=building, resource=resource, category=category, unit=unit,
                                   amount=amount, weekdays=days, starts=starts, ends=ends,
                                   late_cancel_percent=late_cancel_percent), actor=actor, tenant=tenant)


@transaction.atomic
def price_rule_delete(*, actor, rule: PriceRule) -> None:
    """Remove a price rule. Bookings priced by it keep their price; the removal is in the audit log."""
    audit.record(actor=actor, tenant=rule.tenant, obj=rule, action=audit.code(rule, "delete"),
                 changes={"category": [rule.category, None], "amount": [str(rule.amount), None]})
    rule.delete()
