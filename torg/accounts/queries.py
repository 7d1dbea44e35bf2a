"""Reads for accounts, always scoped by tenant."""

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from torg.core import audit
from torg.core.models import AuditEvent

from .models import ApiToken, ExternalOrganisation, Membership, OrgUnit


def org_unit_list(*, tenant, include_archived=False):
    qs = OrgUnit.objects.filter(tenant=tenant).select_related("parent")
    if not include_archived:
        qs = qs.filter(archived=False)
    return qs.order_by("parent__name", "name")


def org_unit_tree(*, tenant, include_archived=False):
    """[(sector, [services...]), ...] sorted by name."""
    units = list(org_unit_list(tenant=tenant, include_archived=include_archived))
    sectors = [u for u in units if u.parent_id is None]
    children = {}
    for u in units:
        if u.parent_id:
            children.setdefault(u.parent_id, []).append(u)
    return [(s, sorted(children.get(s.pk, []), key=lambda u: u.name)) for s in sorted(sectors, key=lambda u: u.name)]


def org_unit_get(*, tenant, pk):
    return get_object_or_404(OrgUnit, tenant=tenant, pk=pk)


def membership_list(*, tenant, search="", role=""):
    qs = Membership.objects.filter(tenant=tenant).select_related("user", "org_unit")
    if search:
        qs = qs.filter(
            Q(user__username__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
            | Q(user__email__icontains=search)
        )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("user__last_name", "user__first_name", "user__username")


def membership_get(*, tenant, pk):
    return get_object_or_404(Membership.objects.select_related("user", "org_unit"), tenant=tenant, pk=pk)


def login_locked_until(*, user):
    """When the user's login lockout (too many failed passwords) ends, or None if not locked out."""
    cooloff = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempt = (
        AccessAttempt.objects.filter(username__iexact=user.username,
                                     failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                     attempt_time__gt=timezone.now() - cooloff)
        .order_by("-attempt_time").first()
    )
    return attempt.attempt_time + cooloff if attempt else None


def user_history(*, tenant, membership):
    """Audit events of a member in this tenant: their membership and their user account."""
    return AuditEvent.objects.filter(tenant=tenant).filter(
        Q(object_type="accounts.membership", object_id=str(membership.pk))
        | Q(object_type="accounts.user", object_id=str(membership.user_id))
    ).select_related("actor").order_by("-created_at", "-id")


def external_organisation_list(*, tenant, search="", kind="", include_archived=False):
    qs = ExternalOrganisation.objects.filter(tenant=tenant)
    if not include_archived:
        qs = qs.filter(archived=False)
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        cond = Q(name__icontains=search)
        if digits:
            cond |= Q(orgnr__startswith=digits)
        qs = qs.filter(cond)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def external_organisation_get(*, tenant, pk):
    return get_object_or_404(ExternalOrganisation, tenant=tenant, pk=pk)


def organisations_represented_by(*, tenant, user):
    return ExternalOrganisation.objects.filter(tenant=tenant, representatives=user, archived=False).order_by("name")


def api_token_list(*, tenant, user):
    return ApiToken.objects.filter(tenant=tenant, user=user).order_by("-created_at")


def audit_list(*, tenant, object_type="", object_id="", actor_id=None, who="", action="", search="",
               date_from=None, date_to=None):
    """The tenant's audit events, newest first, filtered by what the audit log page offers."""
    qs = AuditEvent.objects.filter(tenant=tenant).select_related("actor")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if who:
        qs = qs.filter(
            Q(actor__username__icontains=who) | Q(actor__first_name__icontains=who) | Q(actor__last_name__icontains=who)
        )
    if action:
        qs = qs.filter(audit.action_q(action))
    if search:
        qs = qs.filter(object_repr__icontains=search)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")


def audit_object_types(*, tenant) -> list[str]:
    """The kinds of object ("places.room", ...) that have events in the tenant, for the filter."""
    return sorted(AuditEvent.objects.filter(tenant=tenant).values_list("object_type", flat=True).distinct().order_by())

