from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from torg.core.tenancy import register_tenant_setup


class ReuseConfig(AppConfig):
    name = "torg.reuse"
    label = "reuse"
    verbose_name = _("Reuse")

    def ready(self):
        from . import services  # models are loaded only now

        # Every new tenant starts with the maintained category list.
        register_tenant_setup(self.label, services.category_seed_defaults)
