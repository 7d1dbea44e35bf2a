from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """Impact of reuse: the factor library and the CO2e / money / waste reports."""

    name = "torg.reuse.impact"
    label = "reuse_impact"
    verbose_name = _("Impact of reuse")
