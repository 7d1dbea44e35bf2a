"""Small helpers shared by the booking services."""

from django.utils import timezone
from django.utils.formats import date_format

from ..queries import OSLO


def is_staff(actor, tenant):
    return actor.has_perm("booking.manage_bookings", tenant)


def local_text(value):
    return date_format(timezone.localtime(value, OSLO), "j. F Y H:i")
