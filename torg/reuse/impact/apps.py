from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _seed_new_tenant(sender, instance, created, raw=False, **kwargs):
    """Every new tenant starts with the shipped factor library (after the inventory has seeded the
    categories: its receiver is connected first, the inventory app being listed first)."""
    if created and not raw:
        from .services import factor_seed_defaults

        factor_seed_defaults(tenant=instance)


class ImpactConfig(AppConfig):
    """Impact of reuse: the factor library and the CO2e / money / waste reports."""

    name = "torg.reuse.impact"
    label = "reuse_impact"
    verbose_name = _("Impact of reuse")

    def ready(self):
        from torg.accounts.models import Tenant

        from . import rules  # noqa: F401 - registers the permissions

        post_save.connect(_seed_new_tenant, sender=Tenant, dispatch_uid="reuse_impact_seed_factors")
