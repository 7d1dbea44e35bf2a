from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from torg.core.tenancy import register_tenant_setup


class ImpactConfig(AppConfig):
    """Impact of reuse: the factor library and the CO2e / money / waste reports."""

    name = "torg.reuse.impact"
    label = "reuse_impact"
    verbose_name = _("Impact of reuse")

    def ready(self):
        from . import rules  # noqa: F401 - registers the permissions
        from . import services  # models are loaded only now

        # Every new tenant starts with the shipped factor library.
        register_tenant_setup(self.label, services.factor_seed_defaults)
