from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    """The internal marketplace: listings with staged publication, saved searches, orders, give-aways."""

    name = "torg.reuse.market"
    label = "reuse_market"
    verbose_name = _("Marketplace")

    def ready(self):
        from . import rules  # noqa: F401 - registers the permissions
