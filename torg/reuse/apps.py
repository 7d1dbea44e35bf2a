from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _seed_new_tenant(sender, instance, created, raw=False, **kwargs):
    """Every new tenant starts with the maintained category list."""
    if created and not raw:
        from .services import category_seed_defaults

        category_seed_defaults(tenant=instance)


class ReuseConfig(AppConfig):
    name = "torg.reuse"
    label = "reuse"
    verbose_name = _("Reuse")

    def ready(self):
        from torg.accounts.models import Tenant

        post_save.connect(_seed_new_tenant, sender=Tenant, dispatch_uid="reuse_seed_categories")
