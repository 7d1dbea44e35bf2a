"""Base model, audit log and sequences shared by every app. Nothing domain-specific lives here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TenantOwned(models.Model):
    """Abstract base for every row that belongs to one tenant (municipality).

    The foreign key is declared by string so that `core` never imports `accounts` in Python.
    """

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.PROTECT, related_name="+", verbose_name=_("tenant"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One change to domain data: who, what, when, and an optional comment ("historikk")."""

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)  # "app_label.model"
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    changes = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "object_type", "object_id"]),
            # The audit log: a tenant's events, newest first.
            models.Index(fields=["tenant", "-created_at", "-id"], name="core_audit_tenant_newest"),
            # Events of one kind in a period, e.g. the impact report's disposals ("item_dispose").
            models.Index(fields=["tenant", "action", "created_at"], name="core_audit_tenant_action_time"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Sequence(models.Model):
    """Per-tenant counters behind human sequence numbers such as M-004512."""

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="core_sequence_unique_key")]


class UploadStash(TenantOwned):
    """An uploaded import file between its preview and its confirmation (torg.core.stash): in the
    database, so that any app server can confirm what another one previewed."""

    token = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    data = models.BinaryField()

    class Meta:
        verbose_name = _("uploaded file awaiting confirmation")
        verbose_name_plural = _("uploaded files awaiting confirmation")
