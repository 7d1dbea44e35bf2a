"""Reads for accounts, always scoped by tenant."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

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


def audit_list(*, tenant, object_type="", actor_id=None):
    qs = AuditEvent.objects.filter(tenant=tenant).select_related("actor")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    return qs
