from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    """The internal marketplace: listings with staged publication, saved searches, orders, give-aways."""

    name = "torg.reuse.market"
    label = "reuse_market"
    verbose_name = _("Marketplace")

    def ready(self):
        from torg.core.audit import register_action_labels

        from . import rules, states  # noqa: F401 - register the permissions and the state machines

        register_action_labels({
            "order_message": _("Message"),
            "order_partner_create": _("Ordered from a partner municipality"),
        })
