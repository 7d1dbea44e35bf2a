"""Per-tenant sequence numbers (e.g. M-004512), safe under concurrent writers."""

from django.db import transaction
from django.db.models import F

from .ids import format_sequence
from .models import Sequence


def next_number(tenant, key: str, count: int = 1) -> int:
    """Reserve `count` numbers for (tenant, key); return the first of them.

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite), so two transactions
    never receive the same number.
    """
    with transaction.atomic():
        Sequence.objects.get_or_create(tenant=tenant, key=key)
        Sequence.objects.filter(tenant=tenant, key=key).update(value=F("value") + count)
        last = Sequence.objects.get(tenant=tenant, key=key).value
    return last - count + 1


def next_label(tenant, prefix: str) -> str:
    return format_sequence(prefix, next_number(tenant, prefix))
