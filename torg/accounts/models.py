"""Tenants (municipalities), organisation units, users, memberships with roles, external
organisations and personal API tokens."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from torg.core.models import TenantOwned

from .validators import validate_orgnr


class Tenant(models.Model):
    """A municipality ("kommune") or other public body. Every domain row belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    orgnr = models.CharField(_("organisation number"), max_length=9, blank=True, validators=[validate_orgnr])
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person. What they may do is decided per tenant by their `Membership`."""

    national_id_hash = models.CharField(max_length=64, blank=True, db_index=True)  # ID-porten pid, hashed
    oidc_subject = models.CharField(max_length=255, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class OrgUnit(TenantOwned):
    """An organisation unit: a sector ("sektor/kommunalområde") or a service ("tjeneste") in it."""

    class Kind(models.TextChoices):
        SECTOR = "sector", _("Sector")
        SERVICE = "service", _("Service")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("sector")
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=32, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "parent", "name"], name="accounts_orgunit_unique_name"),
            models.CheckConstraint(
                condition=(models.Q(kind="sector", parent__isnull=True) | models.Q(kind="service", parent__isnull=False)),
                name="accounts_orgunit_sector_has_no_parent",
            ),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """A member's role in one tenant. Module-specific roles are added by the modules themselves."""

    ADMIN = "admin", _("Administrator")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    EMPLOYEE = "employee", _("Employee")
    ASSOCIATION = "association", _("Association representative")
    CITIZEN = "citizen", _("Citizen")


STAFF_ROLES = {Role.ADMIN, Role.PROPERTY_MANAGER, Role.EMPLOYEE}


class Membership(TenantOwned):
    """A user's membership of a tenant, with one role and optionally an organisation unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("unit")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="accounts_membership_one_per_tenant")]

    def __str__(self):
        return f"{self.user} @ {self.tenant_id} ({self.role})"


class ExternalOrganisation(TenantOwned):
    """An organisation outside the municipality: association ("lag og forening"), supplier, ..."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        VOLUNTEER = "volunteer", _("Volunteer organisation")
        SUPPLIER = "supplier", _("Supplier")
        PUBLIC = "public", _("Public body")
        BUSINESS = "business", _("Business")
        OTHER = "other", _("Other")

    orgnr = models.CharField(_("organisation number"), max_length=9, validators=[validate_orgnr])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ASSOCIATION)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="represents", verbose_name=_("representatives")
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("external organisation")
        verbose_name_plural = _("external organisations")
        constraints = [models.UniqueConstraint(fields=["tenant", "orgnr"], name="accounts_extorg_unique_orgnr")]

    def __str__(self):
        return f"{self.name} ({self.orgnr})"


class ApiToken(TenantOwned):
    """A personal API token. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
