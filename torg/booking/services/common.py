"""Small helpers shared by the booking services."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..queries import OSLO



def _same_tenant(tenant, obj, field):
    if obj is not None and obj.tenant_id != tenant.pk:
        raise ValidationError({field: _("Choose one of this municipality's places.")})


def _is_staff(actor, tenant):
    return actor.has_perm("booking.manage_bookings", tenant)


def _local(value):
    return date_format(timezone.localtime(value, OSLO), "j. F Y H:i")
