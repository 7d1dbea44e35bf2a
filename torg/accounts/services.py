"""Every write to accounts data. Each service validates, writes atomically and records audit."""

import secrets

from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core import audit, tenancy
from torg.core.services import create_object, require_same_tenant, set_archived, update_object

from .models import ApiToken, ExternalOrganisation, Membership, OrgUnit, Role, Tenant, User
from .validators import normalize_orgnr

TOKEN_PREFIX = "torg_"


# --- Tenants --------------------------------------------------------------------------------
@transaction.atomic
def tenant_create(*, actor=None, name, slug, **fields) -> Tenant:
    """Create a municipality and set it up: every installed app adds its defaults (the reuse
    categories, the impact factor library; see `torg.core.tenancy`)."""
    tenant = Tenant(name=name, slug=slug, **fields)
    tenant.full_clean()
    tenant.save()
    audit.record(actor=actor, tenant=tenant, obj=tenant, action=audit.code(tenant, "create"), changes=audit.diff({}, audit.snapshot(tenant)))
    tenancy.tenant_setup(tenant)
    return tenant


@transaction.atomic
def tenant_setup(*, tenant) -> dict:
    """Give an existing tenant what a new one gets (idempotent: only what is missing is added);
    `manage.py tenant_setup` runs it for every tenant. Returns each app's result by app label."""
    return tenancy.tenant_setup(tenant)


# --- Organisation units ---------------------------------------------------------------------
def _check_parent(tenant, kind, parent):
    if kind == OrgUnit.Kind.SECTOR and parent is not None:
        raise ValidationError({"parent": _("A sector cannot belong to another unit.")})
    if kind == OrgUnit.Kind.SERVICE:
        if parent is None:
            raise ValidationError({"parent": _("Choose the sector this service belongs to.")})
        if parent.tenant_id != tenant.pk or parent.kind != OrgUnit.Kind.SECTOR:
            raise ValidationError({"parent": _("The parent must be a sector of this municipality.")})


@transaction.atomic
def org_unit_create(*, actor, tenant, kind, name, parent=None, code="") -> OrgUnit:
    _check_parent(tenant, kind, parent)
    if parent is not None and parent.archived:
        raise ValidationError({"parent": _("This sector is archived; restore it first.")})
    unit = OrgUnit(tenant=tenant, kind=kind, name=name, parent=parent, code=code)
    return create_object(unit, actor=actor, tenant=tenant)


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, **fields) -> OrgUnit:
    kind = fields.get("kind", unit.kind)
    parent = fields.get("parent", unit.parent)
    _check_parent(unit.tenant, kind, parent)
    if parent is not None and parent.pk == unit.pk:
        raise ValidationError({"parent": _("A unit cannot belong to itself.")})
    if kind == OrgUnit.Kind.SERVICE and unit.children.exists():
        raise ValidationError({"kind": _("This sector has services; it cannot become a service.")})
    return update_object(unit, actor=actor, tenant=unit.tenant, fields=fields)


@transaction.atomic
def org_unit_set_archived(*, actor, unit: OrgUnit, archived: bool) -> OrgUnit:
    if archived and unit.children.filter(archived=False).exists():
        raise ValidationError(_("Archive the services of this sector first."))
    if not archived and unit.parent is not None and unit.parent.archived:
        # An active service under an archived sector would vanish from the unit list.
        raise ValidationError(_("Restore the sector %(sector)s first.") % {"sector": unit.parent.name})
    return set_archived(unit, actor=actor, tenant=unit.tenant, archived=archived)


# --- Users and memberships ------------------------------------------------------------------
@transaction.atomic
def user_create(
    *, actor, tenant, username, role, first_name="", last_name="", email="", org_unit=None, password=None, phone=""
) -> Membership:
    """Create a user with a membership of `tenant`. Without a password the user signs in with OIDC."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already in use.")})
    require_same_tenant(tenant, org_unit, field="org_unit", message=_("Choose a unit of this municipality."))
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, phone=phone)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = Membership(tenant=tenant, user=user, role=role, org_unit=org_unit)
    return create_object(membership, actor=actor, tenant=tenant)


def _opens_more_than(user, tenant) -> bool:
    """True when the account gives access beyond `tenant`: another membership or site staff."""
    return user.is_superuser or user.is_staff or user.memberships.exclude(tenant=tenant).exists()


@transaction.atomic
def membership_update(*, actor, membership: Membership, user_fields: dict | None = None, **fields) -> Membership:
    tenant = membership.tenant
    org_unit = fields.get("org_unit")
    require_same_tenant(tenant, org_unit, field="org_unit", message=_("Choose a unit of this municipality."))
    if (
        membership.role == Role.ADMIN
        and (fields.get("role", Role.ADMIN) != Role.ADMIN or fields.get("is_active") is False)
        and not Membership.objects.filter(tenant=tenant, role=Role.ADMIN, is_active=True).exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(_("The municipality must keep at least one active administrator."))
    if user_fields:
        user = membership.user
        changed = [k for k, v in user_fields.items() if getattr(user, k) != v]
        if changed and _opens_more_than(user, tenant):
            # The e-mail links an Entra ID login: changing it could take over access elsewhere.
            raise ValidationError({k: _("This user also has access outside this municipality; only they can "
                                        "change their name and e-mail.") for k in changed})
        before = audit.snapshot(user, fields=list(user_fields))
        for key, value in user_fields.items():
            setattr(user, key, value)
        user.full_clean()
        user.save()
        audit.record(actor=actor, tenant=tenant, obj=user, action=audit.code(user, "update"),
                     changes=audit.diff(before, audit.snapshot(user, fields=list(user_fields))))
    return update_object(membership, actor=actor, tenant=tenant, fields=fields)


@transaction.atomic
def user_set_password(*, actor, membership: Membership, password: str) -> None:
    user = membership.user
    # One municipality's administrator must not take over an account that also opens another
    # municipality (or the site administration).
    if _opens_more_than(user, membership.tenant):
        raise ValidationError(
            _("This user also has access outside this municipality; only they can change their password.")
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, tenant=membership.tenant, obj=user, action="user_password_set")


@transaction.atomic
def user_unlock(*, actor, membership: Membership) -> int:
    """Lift a login lockout (too many failed passwords) before it runs out; returns how many
    recorded failures were cleared."""
    user = membership.user
    cleared, _by_model = AccessAttempt.objects.filter(username__iexact=user.username).delete()
    audit.record(actor=actor, tenant=membership.tenant, obj=user, action="user_unlock")
    return cleared


# --- External organisations -----------------------------------------------------------------
@transaction.atomic
def external_organisation_create(*, actor, tenant, orgnr, name, **fields) -> ExternalOrganisation:
    orgnr = normalize_orgnr(orgnr)
    if ExternalOrganisation.objects.filter(tenant=tenant, orgnr=orgnr).exists():
        raise ValidationError({"orgnr": _("An organisation with this organisation number is already registered.")})
    representatives = fields.pop("representatives", None)
    org = ExternalOrganisation(tenant=tenant, orgnr=orgnr, name=name, **fields)
    create_object(org, actor=actor, tenant=tenant)
    if representatives is not None:
        org.representatives.set(representatives)
    return org


@transaction.atomic
def external_organisation_update(*, actor, organisation: ExternalOrganisation, **fields) -> ExternalOrganisation:
    if "orgnr" in fields:
        fields["orgnr"] = normalize_orgnr(fields["orgnr"])
        clash = ExternalOrganisation.objects.filter(tenant=organisation.tenant, orgnr=fields["orgnr"]).exclude(
            pk=organisation.pk
        )
        if clash.exists():
            raise ValidationError({"orgnr": _("An organisation with this organisation number is already registered.")})
    representatives = fields.pop("representatives", None)
    update_object(organisation, actor=actor, tenant=organisation.tenant, fields=fields)
    if representatives is not None:
        organisation.representatives.set(representatives)
    return organisation


@transaction.atomic
def external_organisation_set_archived(*, actor, organisation, archived: bool):
    return set_archived(organisation, actor=actor, tenant=organisation.tenant, archived=archived)


# --- API tokens -----------------------------------------------------------------------------
@transaction.atomic
def api_token_create(*, actor, tenant, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Create a personal token; returns (token, secret). The secret is shown once, never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant=tenant, user=actor, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=ApiToken.hash_key(secret), expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    audit.record(actor=actor, tenant=tenant, obj=token, action=audit.code(token, "create"))
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, tenant=token.tenant, obj=token, action="api_token_revoke")
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token for `secret`, or None. Touches last_used_at at most once a minute."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "tenant")
        .filter(key_hash=ApiToken.hash_key(secret), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    if not token.user.memberships.filter(tenant=token.tenant, is_active=True).exists():
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- External identities (OIDC) -------------------------------------------------------------
LINKABLE_IDENTITY_FIELDS = {"national_id_hash", "oidc_subject"}


@transaction.atomic
def user_link_identity(*, tenant, user: User, field: str, value: str, label: str, comment: str = "") -> User:
    """Link an external identity (hashed national id or OIDC subject) to a user.

    The value itself stays out of the audit trail; `label` says what was linked.
    """
    if field not in LINKABLE_IDENTITY_FIELDS:
        raise ValueError(f"not an identity field: {field}")
    setattr(user, field, value)
    user.save(update_fields=[field])
    audit.record(actor=None, tenant=tenant, obj=user, action="user_identity_link", changes={field: ["", label]},
                 comment=comment)
    return user


@transaction.atomic
def membership_ensure(*, tenant, user: User, role: str, comment: str = "") -> Membership:
    """The user's membership of `tenant`, created with `role` when missing (e.g. first OIDC login)."""
    membership = Membership.objects.filter(tenant=tenant, user=user).first()
    if membership is None:
        membership = create_object(Membership(tenant=tenant, user=user, role=role), actor=None, tenant=tenant,
                                   comment=comment)
    return membership
