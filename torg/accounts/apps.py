from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "torg.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from torg.core.audit import register_action_labels

        register_action_labels({
            "set_password": _("Password set"),
            "revoke": _("Revoked"),
            "link_identity": _("Login linked (ID-porten / Entra ID)"),
            "unlock": _("Login unlocked"),
        })
